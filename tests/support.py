"""Helpers shared by the tests: byte-exact snapshots of a store, uploads from text."""
from __future__ import annotations

import re
from datetime import date

import pandas as pd

from data.importer import Upload
from data.schema import TABLES
from data.store import Store

# The day every test takes as today (DASHBOARD_TODAY, set by conftest for every test): the demo is
# laid out around it and the pages look from it, so a test reads the same figures on any day of the
# calendar. A Friday, the day of the weekly check-in, when a key result's latest check-in and last
# week's are easiest to confuse (issue 21).
TODAY = date(2026, 12, 4)


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, all versions included, so 'unchanged' means unchanged."""
    tables = ["imports", "import_files", *TABLES]
    with store.cursor() as cur:
        return {name: sorted(map(repr, cur.execute(f"SELECT * FROM {name}").fetchall())) for name in tables}


def as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """A static table (``st.table``, Markdown escaped by ``ui.md_escape``) as the browser shows it."""
    plain = lambda text: re.sub(r"\\(.)", r"\1", str(text)).replace("\u2060", "")  # noqa: E731
    return frame.rename(columns=plain).map(plain)


def upload(name: str, text: str | bytes, encoding: str = "utf-8") -> Upload:
    return Upload(name, text if isinstance(text, bytes) else text.encode(encoding))


def table(name: str, rows=()) -> pd.DataFrame:
    """A frame shaped like the store's table: every column, dates as datetime64, numbers as float."""
    spec = TABLES[name]
    frame = pd.DataFrame([{c: row.get(c) for c in spec.names} for row in rows], columns=spec.names)
    for column, sql_type in spec.columns:
        if sql_type == "DATE":
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
        elif sql_type == "DOUBLE":
            frame[column] = frame[column].astype(float)
    return frame
