"""The cells of a file held in Arrow (``data.csvfile.TextColumn``) and the parse that reads each
distinct cell once: the same values, the same dtypes and the same problems, in the same order, as
reading every cell on its own with the unchanged rules (dates, German and English numbers, yes/no,
choices, required text)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data import csvfile
from data.csvfile import WHITESPACE, RawTable, TextColumn, _blank_cells, _has_empty_line, _split_with_duckdb, \
    _split_with_python, decode, sniff_delimiter
from data.errors import ImportFailed
from data.templates import TEMPLATES, TOTALS, _Cells, _totals_rows, normalise, parse_template

SPACES = sorted(WHITESPACE)
# cells as people's files hold them: blanks of every kind, dates and numbers in both conventions,
# yes/no in two languages, choices, and values that break each rule
TRICKY = ["", " ", "\t", "\xa0", "\u3000x\u2009", " yes ", "no", "ja", "Nein", "x", "maybe", "3", "3,5", "1.234,5",
          "1,234.5", "-2", "0", " 8 ", "abc", "2026-03-05", "05.03.2026", "3/5/2026", "13/5/2026", "2026-02-30",
          "5.3.26", "committed", "Verbindlich", "stretch", "nope", "Summe", "Total", "Team Nord", " S1 ", "S 2"]

cells_ = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(alphabet=st.sampled_from([*SPACES[:6], "a", "ß", "1", ",", "."]),
                                                              max_size=4)), max_size=40)


def test_whitespace_is_every_character_python_strips():
    assert set(WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert len(WHITESPACE) == len(set(WHITESPACE))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from([*SPACES, "a", "é", "€", "1", "\U0001F600"]), max_size=6), max_size=30))
def test_arrow_strips_and_finds_blanks_as_python_does(cells):
    column = TextColumn.of(cells)
    assert column.stripped().to_pylist() == [cell.strip() for cell in cells]
    assert _blank_cells(column.array).to_pylist() == [not cell.strip() for cell in cells]


def _dictionary(cells: list[str]) -> TextColumn:
    """A column held as a dictionary whatever its cells (``compact`` chooses one only where they repeat)."""
    encoded = pc.dictionary_encode(pa.array(cells, pa.string()))
    return TextColumn(pa.DictionaryArray.from_arrays(encoded.indices.cast(pa.int8()), encoded.dictionary))


HOLDINGS = {"strings": lambda cells: TextColumn(pa.array(cells, pa.string())),
            "compact": lambda cells: TextColumn.compact(pa.array(cells, pa.string())),
            "dictionary": _dictionary}


@pytest.mark.parametrize("holding", HOLDINGS)
@settings(max_examples=200, deadline=None)
@given(cells=cells_)
def test_text_column_reads_as_its_list(holding, cells):
    column = HOLDINGS[holding](cells)
    assert len(column) == len(cells)
    assert column.array.type == pa.string() and column.array.to_pylist() == cells
    assert column.stripped().to_pylist() == [cell.strip() for cell in cells]
    assert column.stripped_objects().tolist() == [cell.strip() for cell in cells]
    assert column == cells and list(column) == cells and column.as_list == cells
    assert column[:3] == cells[:3] and column[1:] == cells[1:] and column[::2] == cells[::2]
    if cells:
        assert column[0] == cells[0] and column[-1] == cells[-1]
    codes, distinct = column.encoded()
    assert distinct == list(dict.fromkeys(cells))  # numbered by first appearance, as pd.factorize
    assert [distinct[code] for code in codes] == cells
    keep = list(range(0, len(cells), 3))
    assert column.take(keep) == [cells[i] for i in keep]


def test_text_column_by_hand():
    column = TextColumn(pa.array(["b", "a", "b", " "], pa.string()))
    codes, distinct = column.encoded()
    assert codes.tolist() == [0, 1, 0, 2] and distinct == ["b", "a", " "]
    assert column.stripped().to_pylist() == ["b", "a", "b", ""]
    assert column[1:3] == ["a", "b"] and column[-1] == " "
    assert TextColumn.empty(2) == ["", ""]
    assert column != ["b", "a"]


def test_a_column_of_repeating_cells_is_held_as_a_dictionary():
    sprints = pa.array([" S1", "S2 ", "S1", "S2 "] * 50, pa.string())
    compact = TextColumn.compact(sprints)
    assert compact._cells.type == pa.dictionary(pa.int8(), pa.string())  # three distinct cells: a byte per row
    assert compact._cells.dictionary.to_pylist() == [" S1", "S2 ", "S1"]
    assert compact.encoded()[1] == [" S1", "S2 ", "S1"] and compact.encoded()[0].tolist()[:5] == [0, 1, 2, 1, 0]
    assert compact == TextColumn(sprints) and compact.take([1, 2]) == ["S2 ", "S1"]
    stripped = compact.stripped_objects()
    assert stripped.tolist()[:4] == ["S1", "S2", "S1", "S2"] and stripped[0] is stripped[4]  # one object per cell
    keys = pa.array([f"K-{n}" for n in range(200)], pa.string())
    assert TextColumn.compact(keys)._cells.type == pa.string() and TextColumn.compact(keys) == TextColumn(keys)
    many = pa.array([str(n % 300) for n in range(1000)], pa.string())
    assert TextColumn.compact(many)._cells.type == pa.dictionary(pa.int16(), pa.string())


def per_cell(cells: _Cells, position: int, name: str) -> tuple[list, list]:
    """The reference: every cell parsed on its own, in row order."""
    column = cells.template.column(name)
    out = [cells.parse(column, cell, row) for cell, row in zip(cells.raw.columns[position], cells.raw.row_numbers)]
    return out, cells.problems


def problems(found) -> list[tuple]:
    return [(p.file, p.row, p.column, str(p.message), p.value) for p in found]


ITEM_HEADER = ["team", "sprint", "item_key", "title", "item_type", "estimate", "committed_at_start", "added_on",
               "removed", "done", "done_on", "key_result"]
OKR_CHOICES = ["okr_type", "kr_type"]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_distinct_value_parse_equals_per_cell_parse(data):
    """Values (and their dtype) and every problem, first one included, as a cell-by-cell reading."""
    kind = data.draw(st.sampled_from(["sprint_items", "okrs"]))
    template = TEMPLATES[kind]
    header = ITEM_HEADER if kind == "sprint_items" else [c.name for c in template.columns]
    height = data.draw(st.integers(0, 25))
    columns = [data.draw(st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=3)), min_size=height,
                                  max_size=height)) for _ in header]
    rows = list(range(2, height + 2))
    day_first = data.draw(st.sampled_from([None, True, False]))
    fast = _Cells(RawTable("f.csv", header, [TextColumn.of(c) for c in columns], rows, ",", "utf-8"), template,
                  day_first, None)
    slow = _Cells(RawTable("f.csv", header, [list(c) for c in columns], rows, ",", "utf-8"), template, day_first, None)
    assert (fast.decimal, fast.day_first) == (slow.decimal, slow.day_first)
    for position, name in enumerate(header):
        fast.problems, slow.problems = [], []
        fast.failed, slow.failed = set(), set()
        got = pd.DataFrame({"v": fast.parse_column(template.column(name), fast.column(position))})["v"]
        want_values, want_problems = per_cell(slow, position, name)
        want = pd.DataFrame({"v": want_values})["v"]
        assert got.dtype == want.dtype, name
        assert got.tolist() == want.tolist() or got.equals(want), name
        assert problems(fast.problems) == problems(want_problems), name
        assert fast.failed == slow.failed, name


def parsed(content: bytes, split):
    text, encoding, _ = decode("f.csv", content)
    header, columns, numbers, notes = split(text, encoding)
    return parse_template(RawTable("f.csv", header, columns, numbers, ",", encoding, notes), "sprint_items")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Nord", " Süd ", "Summe", "Team\xa0Ost"]), st.sampled_from(["S1", "S 2", "3"]),
                          st.sampled_from(["K-1", "K-2", "K-3", "", "K-1 "]), st.sampled_from(["3", "2,5", "x", "", "-1"]),
                          st.sampled_from(["yes", "nein", "", "vielleicht"]),
                          st.sampled_from(["2026-03-05", "5.3.2026", "", "gestern"])), min_size=1, max_size=12))
def test_a_file_parses_alike_from_arrow_and_from_python_lists(rows):
    """A whole file through DuckDB's split (TextColumn) and Python's (lists): the same frames, or the
    same problems in the same order."""
    lines = ["team;sprint;item_key;estimate;done;done_on"] + [";".join(row) for row in rows]
    content = ("\n".join(lines) + "\n").encode("utf-8")

    def with_duckdb(text, encoding):
        split = _split_with_duckdb(content, sniff_delimiter(text), 10**6)
        assert split is not None
        assert all(isinstance(column, TextColumn) for column in split[1])
        return split

    def with_python(text, encoding):
        return _split_with_python("f.csv", text, sniff_delimiter(text), 10**6)
    outcomes = []
    for split in (with_duckdb, with_python):
        try:
            outcomes.append(parsed(content, split))
        except ImportFailed as failure:
            outcomes.append(failure)
    fast, slow = outcomes
    assert type(fast) is type(slow)
    if isinstance(fast, ImportFailed):
        assert problems(fast.problems) == problems(slow.problems)
        assert fast.hints == slow.hints
    else:
        for a, b in zip(fast.frames, slow.frames, strict=True):
            assert a.table == b.table and a.present == b.present and a.unique == b.unique
            pd.testing.assert_frame_equal(a.data, b.data)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(["\n", "\r", "a", ",", "ü"]), max_size=30), st.booleans())
def test_empty_lines_found_over_bytes_as_over_text(text, bom):
    utf8 = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    expected = text.startswith(("\n", "\r")) or any(p in text for p in ("\n\n", "\r\r", "\n\r"))
    assert _has_empty_line(utf8) == expected
    chunk = csvfile._CHUNK
    try:  # read in slices of 1 to 4 bytes: a pair split between two slices is still found
        for size in (1, 2, 3, 4):
            csvfile._CHUNK = size
            assert _has_empty_line(utf8) == expected, size
    finally:
        csvfile._CHUNK = chunk


def test_empty_lines_by_hand():
    assert not _has_empty_line(b"a,b\r\n1,2\r\n")
    assert _has_empty_line(b"a,b\r\n\r\n1,2\r\n") and _has_empty_line(b"a,b\n\n") and _has_empty_line(b"a\r\rb")
    assert _has_empty_line(b"\xef\xbb\xbf\na") and not _has_empty_line(b"") and not _has_empty_line(b"\xef\xbb\xbfa\n")


def test_template_frames_are_marked_unique_and_text_stays_in_arrow():
    content = b"team,sprint,item_key,title,estimate,done\nNord,S1,K-1, Hallo ,3,yes\nNord,S1,K-2,,2,no\n"
    text, encoding, _ = decode("f.csv", content)
    header, columns, numbers, notes = _split_with_duckdb(content, ",", 10**6)
    result = parse_template(RawTable("f.csv", header, columns, numbers, ",", encoding, notes), "sprint_items")
    items = next(f for f in result.frames if f.table == "sprint_items")
    assert items.unique
    assert items.data["title"].tolist()[0] == "Hallo" and pd.isna(items.data["title"].tolist()[1])
    assert items.data["item_key"].dtype == pd.StringDtype("pyarrow", na_value=np.nan)
    assert items.data["estimate"].tolist() == [3.0, 2.0] and items.data["done"].tolist() == [True, False]


def totals_one_by_one(raw: RawTable, cells: _Cells) -> dict:
    """The totals rows as the scan found them before it ran in Arrow: cell by cell, in row order."""
    positions = sorted({0, *(cells.position[name] for name in cells.template.key if name in cells.position)})
    found = {}
    for position in positions:
        for row, cell in zip(raw.row_numbers, raw.columns[position]):
            if row not in found and not re.search(r"[0-9]", cell) and normalise(cell) in TOTALS:
                found[row] = (raw.header[position], cell.strip())
    return found


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Nord", "Summe", " Total ", "GESAMT", "Summe 2", "Süd", "", "grand total"]),
                          st.sampled_from(["S1", "Gesamtsumme", "Insgesamt", "S 2", "totals"]),
                          st.sampled_from(["K-1", "sum", "Endsumme", "Sum 1"])), max_size=15))
def test_totals_rows_found_in_arrow_as_cell_by_cell(rows):
    header = ["team", "sprint", "item_key"]
    columns = [[row[i] for row in rows] for i in range(3)]
    numbers = list(range(2, len(rows) + 2))
    for make in (list, TextColumn.of):
        raw = RawTable("f.csv", header, [make(column) for column in columns], numbers, ",", "utf-8")
        cells = _Cells(raw, TEMPLATES["sprint_items"], None, None)
        assert _totals_rows(raw, cells) == totals_one_by_one(raw, cells)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["K-1", " K-1", "'=K-2", "'", "''x", "", " \xa0", "K\u20093 "]),
                          st.sampled_from(["Hallo", " Angebot Müller ", "'=SUMME(A1)", "", "\t", "'"]),
                          st.sampled_from(["Zweittitel", "", " 'x", "\u3000"])), min_size=1, max_size=10),
       st.sampled_from(["jira", "linear"]))
def test_keys_and_titles_read_in_arrow_as_cell_by_cell(rows, tool):
    """The keys and titles of an export stay in Arrow (``Table.text_array``): per row the same text
    as ``Table.text`` reads cell by cell in Python (stripped, the guarding apostrophe of a tool that
    sets one removed, the first filled column of the field), None where none is filled; from
    DuckDB's split and from Python's lists alike."""
    from data.sources import SOURCES
    from data.sources.common import Table, match_columns
    source = SOURCES[tool]
    key, title, second = {"jira": ("Issue key", "Summary", "Zusammenfassung"), "linear": ("ID", "Title", "Title")}[tool]
    lines = [f"{key};{title};{second};Sprint"] + [";".join(row) + ";S1" for row in rows]
    text = "\n".join(lines) + "\n"
    content = text.encode("utf-8")
    for split in (_split_with_duckdb(content, ";", 10**6), _split_with_python("f.csv", text, ";", 10**6)):
        header, columns, numbers, notes = split
        raw = RawTable("f.csv", header, columns, numbers, ";", "utf-8", notes)
        table = Table(raw, source, match_columns(raw, source), None)
        for name in ("key", "title"):
            assert table.text_array(name).to_pylist() == list(table.text(name)), (name, rows)
    if tool == "linear":  # by hand: Linear guards formula-like text with an apostrophe, Jira does not
        assert table.text_array("key").to_pylist()[:1] == [{"K-1": "K-1", " K-1": "K-1", "'=K-2": "=K-2", "'": None,
                                                            "''x": "'x", "": None, " \xa0": None,
                                                            "K\u20093 ": "K\u20093"}[rows[0][0]]]


def test_a_repeating_text_column_becomes_one_python_object_per_distinct_value():
    """Sprint names repeat over an export's rows: the parse reads them as Python objects shared per
    distinct value, the same values (missing ones included) as ``to_numpy(dtype=object)`` gives."""
    from data.sources.common import shared_objects
    column = pd.Series(["T1 Sprint 1", "T1 Sprint 2", None, "T1 Sprint 1", "T1 Sprint 2", "T1 Sprint 1"])
    assert column.dtype == pd.StringDtype("pyarrow", na_value=np.nan)
    shared = shared_objects(column)
    assert shared.dtype == object and len(shared) == 6
    assert [v if isinstance(v, str) else "missing" for v in shared] == \
        [v if isinstance(v, str) else "missing" for v in column.to_numpy(dtype=object)]
    assert shared[0] is shared[3] is shared[5] and shared[1] is shared[4]
    assert pd.isna(shared[2])
    assert len(shared_objects(column.iloc[:0])) == 0


def test_a_reading_is_held_in_arrows_memory_not_in_the_readers():
    """DuckDB hands its reading over as one allocation, freed only once every column of it is let
    go: the columns kept (dictionaries, and copies of the mostly distinct ones) are Arrow's own, so
    the reader's memory goes as soon as the split is done (issue 21)."""
    content = ("Issue key,Summary,Status,Sprint\n" + "".join(
        f"K-{n},Title {n},{'Done' if n % 3 else 'Open'},S{n % 7}\n" for n in range(3000))).encode()
    before = pa.total_allocated_bytes()
    raw = csvfile.read_csv("x.csv", content, max_bytes=2**20, max_rows=10**6)
    held = sum(buffer.size for column in raw.columns for buffer in column._cells.buffers() if buffer is not None)
    held += sum(buffer.size for column in raw.columns if isinstance(column._cells, pa.DictionaryArray)
                for buffer in column._cells.dictionary.buffers() if buffer is not None)
    assert [type(column._cells) for column in raw.columns] == [pa.StringArray, pa.StringArray,
                                                                pa.DictionaryArray, pa.DictionaryArray]
    assert pa.total_allocated_bytes() - before >= held > 60_000
    assert raw.columns[0][2999] == "K-2999" and raw.columns[3][:3] == ["S0", "S1", "S2"]
