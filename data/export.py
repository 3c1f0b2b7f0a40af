"""CSV downloads that open safely in Excel: cells that a spreadsheet would run as a formula are
neutralised with a leading apostrophe (OWASP's advice for CSV injection)."""
from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """'=1+1' → "'=1+1"; numbers stay numbers, a negative number is not a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def to_csv_bytes(frame: pd.DataFrame, *, german: bool = False) -> bytes:
    """UTF-8 with BOM (Excel reads umlauts); German: ';' and decimal comma."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    text = safe.to_csv(index=False, sep=";" if german else ",", decimal="," if german else ".",
                       date_format="%Y-%m-%d")
    return ("\ufeff" + text).encode("utf-8")
