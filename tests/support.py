"""Helpers shared by the tests: byte-exact snapshots of a store, uploads from text."""
from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

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


class _Cells(HTMLParser):
    """The rows of an HTML table as the browser shows their texts (entities read, tags dropped)."""
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag) -> None:
        if tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data) -> None:
        if self.cell is not None:
            self.cell.append(data)


def read_table(html: str) -> pd.DataFrame:
    """An HTML table (``markup.html_table``) as the browser shows it: the header row as columns."""
    parser = _Cells()
    parser.feed(html)
    parser.close()
    head, *rows = parser.rows
    return pd.DataFrame(rows, columns=head)


def static_tables(at) -> list[pd.DataFrame]:
    """The static tables of an AppTest run (``ui``'s escaped HTML tables: wide, phone and wrapped
    ones), in the order of the page, as the browser shows them."""
    from markup import STATIC_TABLE
    return [read_table(element.value) for element in at.html if f'class="{STATIC_TABLE}"' in element.value]


def charts(at) -> list[dict]:
    """The charts an AppTest run drew (``ui.chart``'s element), in the page's order: each one's data,
    the plotly figure under "figure" and plotly.js's options under "config"."""
    return _elements(at, "dashboard_chart")


def chart_prefetches(at) -> list[dict]:
    """The hidden elements that have the browser load the charts' code (``ui.prefetch_charts``): each
    one's data, {"when": "now"} or {"when": "idle"}."""
    return _elements(at, "dashboard_chart_code")


def _elements(at, component: str) -> list[dict]:
    import json
    return [json.loads(element.proto.json) for element in at.get("bidi_component")
            if element.proto.component_name == component]


def choose_tab(at, key: str, label: str):
    """A click on the tab ``label`` of the tabs ``key`` (``ui.open_tab``, whose labels are Markdown):
    the page runs again with that tab open and drawn."""
    from ui import md_escape
    at.session_state[key] = md_escape(label)
    return at.run()


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
