"""Downloads that open safely in a spreadsheet: CSV (UTF-8 with BOM; German ';' and decimal comma)
and .xlsx (one sheet per table, typed numbers and dates, frozen header row).

Every format goes through one rule, ``neutralise``: a cell or header that a spreadsheet would run
as a formula — text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return — gets a
leading apostrophe (OWASP's advice for CSV injection). Only a plain finite number is left alone:
a number we hold as a number, or text that is nothing but one (``-5``, ``+1.25``, ``-3e2``).
``-inf``, ``+nan``, ``-1_000`` or ``-Infinity`` are text, not plain numbers, and are neutralised.
"""
from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from datetime import date, datetime

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# digits with an optional sign, decimal point and exponent; no '_', no spaces, no inf/nan words
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# characters XML 1.0 (so .xlsx) cannot hold; tab, newline and carriage return are allowed
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_plain_number(text: str) -> bool:
    """'-5', '+1.25', '3e2' → True; '-inf', '+nan', '-1_000', '-Infinity', '1e999', '+49 123' → False."""
    return bool(_PLAIN_NUMBER.fullmatch(text)) and math.isfinite(float(text))


def neutralise(value):
    """'=1+1' → "'=1+1"; numbers stay numbers; an infinite number becomes text ('inf', "'-inf")."""
    if isinstance(value, (float, np.floating)) and math.isinf(value):
        value = "inf" if value > 0 else "-inf"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not is_plain_number(value):
        return "'" + value
    return value


def safe_headers(columns) -> list[str]:
    """Column names as text, neutralised like cells (a unit or a mapped header can be '=1+1')."""
    return [neutralise(str(column)) for column in columns]


def _is_text_column(series: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
                or pd.api.types.is_datetime64_any_dtype(series))


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every header and every text cell neutralised; numbers and dates untouched
    (an infinite float turns into neutralised text, the input frame is never changed)."""
    safe = frame.copy()
    safe.columns = safe_headers(frame.columns)
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if _is_text_column(column):
            safe.isetitem(position, column.astype(object).map(neutralise))
        elif pd.api.types.is_float_dtype(column) and np.isinf(column.to_numpy(dtype=float, na_value=np.nan)).any():
            safe.isetitem(position, column.astype(object).map(neutralise))
    return safe


def to_csv_bytes(frame: pd.DataFrame, *, german: bool = False) -> bytes:
    """UTF-8 with BOM (Excel reads umlauts), CRLF line ends; German: ';' and decimal comma."""
    safe = safe_frame(frame)
    if german:  # pandas puts the decimal comma only into float columns; mixed ones get it here
        for position in range(safe.shape[1]):
            if safe.dtypes.iloc[position] == object:
                safe.isetitem(position, safe.iloc[:, position].map(_german_float))
    # CRLF line ends (RFC 4180): the csv writer then quotes a cell holding a bare carriage return,
    # which with '\n' line ends it would write unquoted and so break the row in two
    text = safe.to_csv(index=False, sep=";" if german else ",", decimal="," if german else ".",
                       date_format="%Y-%m-%d", lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


def _german_float(value):
    if isinstance(value, (float, np.floating)) and math.isfinite(value):
        return repr(float(value)).replace(".", ",")
    return value


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\, not blank, not quoted at either
    end, and unique in the workbook (case-insensitively), with ' (2)' … when needed."""
    clean = _SHEET_FORBIDDEN.sub("_", _XML_ILLEGAL.sub("", str(name))).strip().strip("'").strip() or "Sheet"
    clean = clean[:31]
    taken = taken if taken is not None else set()
    candidate, number = clean, 1
    while candidate.lower() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = clean[:31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _cell(value, date_style: str, datetime_style: str):
    """A Python value openpyxl writes as a typed cell, plus its number format (or None)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, None
    if isinstance(value, (bool, np.bool_)):
        return bool(value), None
    if isinstance(value, (pd.Timestamp, datetime)):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert(None)
        if stamp == stamp.normalize():
            return stamp.date(), date_style
        return stamp.to_pydatetime(), datetime_style
    if isinstance(value, date):
        return value, date_style
    if isinstance(value, (int, np.integer)):
        return int(value), None
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None, None
        return float(value), None
    if isinstance(value, str):
        return xml_text(value), None
    return xml_text(str(neutralise(str(value)))), None


def xml_text(text: str) -> str:
    """Text an .xlsx can hold: no control characters XML forbids; a carriage return is written as
    the line feed XML reads it back as."""
    return _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def to_xlsx_bytes(tables: Mapping[str, pd.DataFrame], *, headers: Mapping[str, str] | None = None,
                  german: bool = False) -> bytes:
    """One workbook, one sheet per table (sheet names made safe), bold frozen header row.

    ``headers`` maps column names to the human headers shown (the caller's, in its language);
    numbers are numeric cells, dates date cells (shown 31.12.2026 in German, 2026-12-31 else),
    text is neutralised like the CSV.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    date_style = "DD.MM.YYYY" if german else "YYYY-MM-DD"
    datetime_style = date_style + " HH:MM"
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for name, frame in (tables.items() if tables else [("Sheet", pd.DataFrame())]):
        sheet = book.create_sheet(sheet_name(name, taken))
        named = frame.rename(columns=dict(headers)) if headers else frame
        safe = safe_frame(named)
        bold = Font(bold=True)
        widths = []
        for column, header in enumerate(safe.columns, start=1):
            cell = sheet.cell(row=1, column=column, value=xml_text(header))
            cell.data_type = "s"
            cell.font = bold
            widths.append(len(header))
        for row_number, row in enumerate(safe.itertuples(index=False, name=None), start=2):
            for column, raw in enumerate(row, start=1):
                value, style = _cell(raw, date_style, datetime_style)
                cell = sheet.cell(row=row_number, column=column, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                if style:
                    cell.number_format = style
                if row_number < 200:
                    widths[column - 1] = max(widths[column - 1], len(str(value)) if value is not None else 0)
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
