"""Storage and input: the only package that touches files, the environment and SQL."""
import pyarrow

# Arrow (pandas' text columns, the CSV reader's cells) allocates from the C library's malloc, like
# numpy, Python's large objects and DuckDB, instead of its own mimalloc pool: memory that one of
# them frees (an import's parse, the check's copies) is then reused by the others instead of being
# kept apart in a second pool. Measured on the browser's 100k-row import: the server's peak about 30 MB
# lower; the command-line import's time and peak unchanged.
pyarrow.set_memory_pool(pyarrow.system_memory_pool())
