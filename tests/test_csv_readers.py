"""DuckDB splits uploads into cells where it reads them exactly as Python's csv module does.

``data.csvfile`` takes DuckDB's CSV reader for speed and Python's csv module for everything DuckDB
would read differently or where a problem must be located; these tests hold the two to one result:
on every CSV fixture of the suite and on generated files full of quotes, separators, line breaks and
odd whitespace, DuckDB's split is either declined or equal to Python's."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data import csvfile
from data.csvfile import _split_with_duckdb, _split_with_python, decode, read_csv, sniff_delimiter
from data.errors import ImportFailed

FIXTURES = sorted((Path(__file__).parent / "fixtures").rglob("*.csv"))


def both(content: bytes):
    text, encoding, _ = decode("x.csv", content)
    delimiter = sniff_delimiter(text)
    fast = _split_with_duckdb(content if encoding == "utf-8" else text.encode("utf-8"), delimiter, max_rows=10**6)
    try:
        slow = _split_with_python("x.csv", text, delimiter, max_rows=10**6)
    except ImportFailed as failure:
        slow = failure
    return fast, slow


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_duckdb_reads_every_fixture_as_python_does(path):
    fast, slow = both(path.read_bytes())
    if fast is not None:
        assert not isinstance(slow, ImportFailed)
        assert fast[:3] == slow[:3]


def test_duckdb_takes_the_ordinary_exports():
    taken = [path.name for path in FIXTURES if both(path.read_bytes())[0] is not None]
    assert len(FIXTURES) > 20 and len(taken) >= len(FIXTURES) // 2, taken
    assert "jira_cloud_sprints.csv" in taken


def test_duckdb_split_keeps_spreadsheet_row_numbers_and_drops_blank_rows():
    content = b"team;sprint;goal;\nNord;S1; g ;\n;;;\nNord;\"S 2\";\"two\nlines\";\n"
    fast, slow = both(content)
    assert fast is not None
    assert fast[0] == ["team", "sprint", "goal"]
    assert fast[1] == [["Nord", "Nord"], ["S1", "S 2"], [" g ", "two\nlines"]]
    assert fast[2] == [2, 4] == slow[2]


@pytest.mark.parametrize("content", [
    b"a,b\n1,2\n\n3,4\n",          # an empty line: DuckDB skips it, row numbers would shift
    b'a,b\n "x",2\n',              # a space before a quote: Python keeps it as text, DuckDB drops it
    b'a,b\n"x" ,2\n',
    b"a,b\n1,2,3\n",               # too many cells: Python's reader names the row
    b'a,b\n"x,2\n',                # a quote never closed
])
def test_duckdb_declines_what_it_would_read_differently(content):
    assert both(content)[0] is None


CELL = st.text(alphabet=st.sampled_from(['a', 'Z', 'ä', '1', ' ', '\t', '"', ',', ';', '\n', '\r', '\x1c', '\u00a0', '=']),
               max_size=6)


LINE_CELL = st.text(alphabet=st.sampled_from(['a', 'ä', '1', ' ', '"', ',', ';', '\t', '\x1c', '\u00a0']), max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.one_of(CELL, LINE_CELL), min_size=1, max_size=4), min_size=1, max_size=6),
       st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_duckdb_never_reads_a_generated_file_otherwise(records, delimiter, newline):
    text = newline.join(delimiter.join(record) for record in records) + newline
    content = text.encode("utf-8")
    if not content.strip(b" \t\r\n"):
        return
    fast, slow = both(content)
    if fast is not None:
        assert not isinstance(slow, ImportFailed), (text, fast)
        assert fast[:3] == slow[:3], text


def test_read_csv_result_is_the_same_either_way():
    content = "Team;Sprint;Schätzung\r\nNord;S1;1,5\r\nSüd;S2;3\r\n".encode("cp1252")
    raw = read_csv("x.csv", content, max_bytes=2**20, max_rows=10)
    assert (raw.header, raw.rows, raw.row_numbers, raw.encoding) == (
        ["Team", "Sprint", "Schätzung"], [["Nord", "S1", "1,5"], ["Süd", "S2", "3"]], [2, 3], "cp1252")
    assert raw.columns == [["Nord", "Süd"], ["S1", "S2"], ["1,5", "3"]]


def test_the_decoded_text_is_not_kept_while_duckdb_splits_the_bytes(monkeypatch):
    """The text of a file is as large as the file, or two to four times as large: while DuckDB
    reads the bytes, read_csv holds no text of it (issue 21: the read's peak)."""
    content = ("Issue key,Summary\n" + "".join(f"K-{n},Grüße {n}\n" for n in range(2000))).encode("utf-8")
    held = []
    split = csvfile._split_with_duckdb

    def watching(utf8, delimiter, max_rows):
        held.extend(name for name, value in sys._getframe(1).f_locals.items()
                    if isinstance(value, str) and len(value) >= len(content) // 2)
        return split(utf8, delimiter, max_rows)

    monkeypatch.setattr(csvfile, "_split_with_duckdb", watching)
    raw = read_csv("x.csv", content, max_bytes=2**20, max_rows=10**6)
    assert held == [] and len(raw) == 2000 and raw.columns[1][1] == "Grüße 1"
