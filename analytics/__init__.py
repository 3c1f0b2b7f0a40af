"""The metric engine: pure pandas, exactly as METRICS.md defines each metric.

No Streamlit, no DuckDB, no files, no clock: frames and plain values in, new frames out. Time
(``as_of``) and randomness (``seed``) are parameters.
"""
