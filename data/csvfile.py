"""Reading an uploaded CSV as people's tools write it: any of , ; tab, UTF-8 with or without BOM,
Windows code pages, CRLF, quoted multi-line cells. The header row is read by us, so repeated
column names stay apart and nothing is renamed behind the user's back."""
from __future__ import annotations

import csv
import io
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.errors import ImportFailed, Problem, say

DELIMITERS = (",", ";", "\t")
# Python's csv module stops at cells over 131,072 characters with an error that names no row;
# we read any cell (the file size limit bounds them) and refuse long ones ourselves, located.
MAX_CELL_CHARS = 131_072
csv.field_size_limit(2**31 - 1)
_DELIMITER_NAMES = {",": say("word_comma"), ";": say("word_semicolon"), "\t": say("word_tab")}

_BINARY_SIGNATURES = (
    (b"PK\x03\x04", say("sig_zip")),
    (b"\xd0\xcf\x11\xe0", say("sig_xls")),
    (b"%PDF", say("sig_pdf")),
    (b"\x89PNG", say("sig_png")),
    (b"\xff\xd8\xff", say("sig_jpeg")),
)


# The characters Python's str.strip() removes (every one for which str.isspace() is true), so that
# Arrow's trim strips a cell exactly as Python does (tests/test_text_column.py derives the set again)
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
              "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


class TextColumn(Sequence):
    """The cells of one column held in Arrow (a string array without nulls: an empty cell is ""),
    as DuckDB's reader hands them over. It reads as a list of str (index, slice, iterate, compare
    with a list), made of Python strings only when someone asks for them that way; the parsers
    work on it as a whole instead: ``encoded`` (each distinct cell once, numbered by first
    appearance, as pd.factorize numbers them) and ``stripped`` (every cell as str.strip() leaves it).

    A column that repeats its cells (statuses, teams, sprints, dates, estimates) is held as an
    Arrow dictionary (``compact``): each distinct cell once and a small number per row."""

    __slots__ = ("_cells", "_list", "_encoded")

    def __init__(self, array: pa.Array):
        self._cells = array  # a string array, or (``compact``) a dictionary of strings in first-appearance order
        self._list: list[str] | None = None
        self._encoded: tuple[np.ndarray, list[str]] | None = None

    @classmethod
    def of(cls, cells: Sequence[str]) -> TextColumn:
        """``cells`` as a TextColumn (itself if it is one already)."""
        return cells if isinstance(cells, TextColumn) else cls(pa.array(list(cells), pa.string()))

    @classmethod
    def compact(cls, array: pa.Array) -> TextColumn:
        """A reader's column, held as a dictionary where its cells repeat. The reading of an upload
        stays in the server's memory from the check to the import: as plain strings a 100k-row
        Jira export's was 16 MiB, 11 of them in its ten columns of repeating cells (issue 21).
        Whether a column repeats is told by its first 10,000 cells, as ``objects`` tells it."""
        head = array.slice(0, 10_000)
        if not len(head) or pc.count_distinct(head).as_py() * 2 > len(head):  # mostly distinct: keys, titles
            # a copy of its own: DuckDB hands its reading over as one allocation, freed only when
            # every column of it is let go, so one column kept as it came would keep all of them
            return cls(pa.concat_arrays([array]))
        encoded = pc.dictionary_encode(array)  # numbered by first appearance, as ``encoded`` needs
        size = len(encoded.dictionary)
        narrow = pa.int8() if size <= 127 else pa.int16() if size <= 32_767 else pa.int32()
        return cls(pa.DictionaryArray.from_arrays(encoded.indices.cast(narrow), encoded.dictionary))

    @classmethod
    def empty(cls, height: int) -> TextColumn:
        return cls(pa.nulls(height, pa.string()).fill_null(""))

    @property
    def array(self) -> pa.Array:
        """The cells as one string array (made anew from a dictionary: keep it only while in use)."""
        cells = self._cells
        return cells.dictionary_decode() if isinstance(cells, pa.DictionaryArray) else cells

    @property
    def as_list(self) -> list[str]:
        if self._list is None:
            self._list = objects(self._cells).tolist()
        return self._list

    def __len__(self) -> int:
        return len(self._cells)

    def __getitem__(self, index):
        if isinstance(index, slice):
            if self._list is None and index.step in (None, 1):
                start, stop, _ = index.indices(len(self._cells))
                return self._cells.slice(start, max(stop - start, 0)).to_pylist()
            return self.as_list[index]
        return self.as_list[index]

    def __iter__(self):
        return iter(self.as_list)

    def __eq__(self, other) -> bool:
        if isinstance(other, TextColumn):
            return self.array.equals(other.array)
        if isinstance(other, (list, tuple)):
            return self.as_list == list(other)
        return NotImplemented

    __hash__ = None  # a column is mutable-looking data, as a list

    def __repr__(self) -> str:
        return f"TextColumn({self[:5]!r}{' …' if len(self) > 5 else ''}, {len(self)} cells)"

    def encoded(self) -> tuple[np.ndarray, list[str]]:
        """(codes, distinct): per cell the number of its value, and the distinct values in the order
        they first appear (``distinct[codes[i]] == self[i]``)."""
        if self._encoded is None:
            encoded = self._cells if isinstance(self._cells, pa.DictionaryArray) else pc.dictionary_encode(self._cells)
            codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
            self._encoded = codes, encoded.dictionary.to_pylist()
        return self._encoded

    def distinct(self) -> list[str]:
        """The distinct cells in the order they first appear."""
        return self.encoded()[1]

    def _trimmed(self) -> pa.Array:
        """Every cell without the blanks str.strip() removes, held as the column is (a dictionary
        stays one: each distinct cell stripped once)."""
        cells = self._cells
        if isinstance(cells, pa.DictionaryArray):
            return pa.DictionaryArray.from_arrays(cells.indices, pc.utf8_trim(cells.dictionary, WHITESPACE))
        return pc.utf8_trim(cells, WHITESPACE)

    def stripped(self) -> pa.Array:
        """Every cell without the blanks str.strip() removes, as a string array."""
        trimmed = self._trimmed()
        return trimmed.dictionary_decode() if isinstance(trimmed, pa.DictionaryArray) else trimmed

    def stripped_objects(self) -> np.ndarray:
        """``stripped`` as an array of Python strings, one object per distinct cell (``objects``);
        from a dictionary without a string array of every cell in between."""
        return objects(self._trimmed())

    def take(self, indices) -> TextColumn:
        return TextColumn.compact(self.array.take(pa.array(indices, pa.int64())))


@dataclass
class RawTable:
    """A CSV split into cells, every data row with the row number a spreadsheet would show.

    The cells are held by column (``columns[position]`` holds that column's cells, one per data
    row: a list of str, or a ``TextColumn`` that reads as one), as the parsers read them; ``rows``
    gives the same cells row by row."""

    file: str
    header: list[str]
    columns: list[Sequence[str]]
    row_numbers: list[int]
    delimiter: str
    encoding: str
    notes: list[str] = field(default_factory=list)

    @cached_property
    def rows(self) -> list[list[str]]:
        return [list(row) for row in zip(*self.columns)] if self.columns else [[] for _ in self.row_numbers]

    def __len__(self) -> int:
        return len(self.row_numbers)


def read_file(path: str | Path, *, max_bytes: int) -> bytes:
    """The bytes of a file named on the command line, reading at most ``max_bytes + 1`` of them.

    A device (``/dev/zero``), a FIFO or a folder is refused before reading, since reading it would
    never end or block; a file over the limit is refused after ``max_bytes + 1`` bytes, never read
    whole. Raises ``ImportFailed`` for content that is too large, ``FileRefused`` for a path that
    is no readable regular file."""
    name = Path(path).name or str(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise FileRefused(say("cannot_read", file=name, reason=exc.strerror or say("no_such_file"))) from None
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(say("is_folder" if stat.S_ISDIR(info.st_mode) else "is_device", file=name))
    try:
        with open(path, "rb") as handle:
            content = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FileRefused(say("cannot_read", file=name, reason=exc.strerror)) from None
    if len(content) > max_bytes:
        raise ImportFailed(say("t_too_large"), [_too_large(name, max(info.st_size, len(content)), max_bytes)])
    return content


class FileRefused(Exception):
    """A path that is not a readable regular file (a usage error on the command line)."""


def _too_large(name: str, size: int, max_bytes: int) -> Problem:
    return Problem(name, None, None, say("too_large", size=size / 2**20, limit=max_bytes / 2**20))


def decode(name: str, content: bytes) -> tuple[str, str, list[str]]:
    """Text, encoding name and notes for the user (a fallback encoding is always announced)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            line = content[:exc.start].decode("utf-16", errors="replace").count("\n") + 1
            raise ImportFailed(say("t_unreadable_text"), [Problem(
                name, line, None, say("bad_utf16", line=line, byte=exc.start))]) from None
    try:
        return content.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError as exc:
        bad = content[exc.start:exc.start + 1].hex()
        for fallback in ("cp1252", "latin-1"):
            try:
                text = content.decode(fallback)
            except UnicodeDecodeError:
                continue
            line = content[:exc.start].count(b"\n") + 1
            note = say("fallback_encoding", file=name, byte=bad, line=line, encoding=fallback)
            return text, fallback, [note]
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most cells (quotes respected)."""
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]  # not text.split: that copies the whole file
    counts = {}
    for delimiter in DELIMITERS:
        try:
            counts[delimiter] = len(next(csv.reader([first_line], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            counts[delimiter] = 1
    return max(DELIMITERS, key=lambda d: counts[d])


def _records(name: str, text: str, delimiter: str, max_rows: int, *, strict: bool) -> list[list[str]]:
    records: list[list[str]] = []
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict):
        records.append(record)
        if len(records) > max_rows + 1:
            raise ImportFailed(say("t_too_many_rows"), [Problem(name, None, None, say("too_many_rows", limit=max_rows))])
    return records


def _failing_row(text: str, delimiter: str) -> int:
    """The spreadsheet row (header = 1) of the record a strict reading stops at."""
    count = 0
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            count += 1
    except csv.Error:
        pass
    return count + 1


def read_csv(name: str, content: bytes, *, max_bytes: int, max_rows: int) -> RawTable:
    """Split an upload into header and rows or raise ImportFailed naming file, row and column.

    The encoding and the delimiter are decided by our own detection (``decode``, ``sniff_delimiter``);
    the splitting into cells is DuckDB's CSV reader where it reads the file exactly as Python's csv
    module does, else (and for every error message) Python's csv module (``_split_with_python``)."""
    if len(content) > max_bytes:
        raise ImportFailed(say("t_too_large"), [_too_large(name, len(content), max_bytes)])
    if not content.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFailed(say("t_empty"), [Problem(name, None, None, say("empty_export_again"))])
    for signature, what in _BINARY_SIGNATURES:
        if content.startswith(signature):
            raise ImportFailed(say("t_not_csv"), [Problem(name, None, None, say("looks_like", what=what))])
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed(say("t_not_csv"), [Problem(name, None, None, say("binary"))])

    text, encoding, notes = decode(name, content)
    if "\x00" in text:  # anywhere, not only where the binary check above looked
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFailed(say("t_not_csv"), [Problem(name, line, None, say("nul", line=line))])
    delimiter = sniff_delimiter(text)
    # DuckDB splits the file's UTF-8 bytes: the decoded text (as large as the file, two or four
    # times as large where a character needs it) is let go meanwhile, and made again only for
    # Python's reader (issue 21: it was alive through DuckDB's reading, the read's peak)
    utf8 = content if encoding == "utf-8" else text.encode("utf-8")
    del text
    split = _split_with_duckdb(utf8, delimiter, max_rows)
    del utf8
    if split is None:
        split = _split_with_python(name, decode(name, content)[0], delimiter, max_rows)
    header, columns, row_numbers, split_notes = split
    notes = notes + split_notes
    width = len(header)
    problems: list[Problem] = []
    for position, column in enumerate(header, start=1):
        if column == "" and any(cell.strip() for cell in columns[position - 1]):
            problems.append(Problem(name, 1, f"#{position}", say("unnamed_column")))
    if problems:
        raise ImportFailed(say("t_unnamed"), problems)
    if not row_numbers:
        if width == 1 and delimiter == ",":
            message = say("one_column_other")
        else:
            message = say("no_data_rows")
        raise ImportFailed(say("t_no_data_rows"), [Problem(name, None, None, message)])
    if width == 1:
        raise ImportFailed(say("t_wrong_delimiter"), [Problem(name, 1, header[0][:60], say("one_column"))])
    notes = notes + ([say("separated_by", file=name, delimiter=_DELIMITER_NAMES[delimiter])] if delimiter != "," else [])
    return RawTable(name, header, columns, row_numbers, delimiter, encoding, notes)


Split = tuple[list[str], list[Sequence[str]], list[int], list[str]]  # header, columns, row numbers, notes


def _header_width(header: list[str]) -> int:
    width = len(header)
    while width > 1 and header[width - 1] == "":
        width -= 1  # trailing separators after the last header (an Excel habit)
    return width


# Where DuckDB's reader and Python's csv module part ways, the file is split by Python's: DuckDB
# skips empty lines (which would shift the row numbers our messages name) and drops the spaces
# around a quoted value that Python keeps as text (measured; tests/test_csv_readers.py compares
# both readers on every fixture and on generated files).
_EMPTY_LINE = ("\n\n", "\r\r", "\n\r")  # with a start on a line break: every way an empty line is written


def _has_empty_line(utf8: bytes) -> bool:
    """Whether the text (as UTF-8, a BOM allowed) starts with a line break or has one of
    ``_EMPTY_LINE``. Over the bytes with numpy: the line breaks are found in one pass and only the
    byte after each is looked at (str's substring search takes a second per search on 150 MB).
    A line break is one byte in UTF-8 and no part of another character's bytes."""
    if utf8.removeprefix(b"\xef\xbb\xbf").startswith((b"\n", b"\r")):
        return True
    returns = utf8.find(b"\r") >= 0
    whole = np.frombuffer(utf8, np.uint8)
    for start in range(0, max(len(whole) - 1, 0), _CHUNK):  # in slices: no mask as large as the file
        data = whole[start:start + _CHUNK + 1]
        byte, following = data[:-1], data[1:]
        after_newline = following[byte == 10]
        if ((after_newline == 10) | (after_newline == 13)).any():  # \n\n, \n\r
            return True
        if returns and (following[byte == 13] == 13).any():  # \r\r
            return True
    return False


_CHUNK = 1 << 20


def _spaced_quote(utf8: bytes, delimiter: str) -> bool:
    """Spaces or tabs between a separator (or line break) and a quote, on either side of it, in
    the UTF-8 bytes of a file (these characters are one byte each, and no part of another's).
    Two searches, each fast to scan; one alternation over both would take seconds on large files."""
    d = re.escape(delimiter).encode()
    if re.compile(rb'[ \t]+"').match(utf8, len(_BOM) if utf8.startswith(_BOM) else 0):
        return True
    return bool(re.search(rb'"[ \t]+(?:[' + d + rb'\r\n]|\Z)', utf8) or re.search(rb'[' + d + rb'\r\n][ \t]+"', utf8))


_BOM = b"\xef\xbb\xbf"


def _split_with_duckdb(utf8: bytes, delimiter: str, max_rows: int) -> Split | None:
    """The cells by column as DuckDB's CSV reader splits the file's UTF-8 bytes (all text, no type
    detection), or None where it could differ from Python's reading or where the file has a problem
    to report (then Python's reader, which locates every problem, runs instead)."""
    if _has_empty_line(utf8) or (b'"' in utf8 and _spaced_quote(utf8, delimiter)):
        return None
    # the header record as the csv module reads it from the start of the file (lines as
    # newline="" gives them: a quoted header cell may hold a line break), read line by line
    lines = io.TextIOWrapper(io.BytesIO(utf8), encoding="utf-8-sig", newline="")  # shares the bytes
    first = next(csv.reader(lines, delimiter=delimiter), None)
    if not first:
        return None
    header = [cell.strip().lstrip("\ufeff") for cell in first]
    width = _header_width(header)
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(first)))
    # an empty cell is '' (the reader gives NULL): in the query, so Arrow's cells need no copy to fill them
    cells_as_text = ", ".join(f"coalesce(c{i}, '') AS c{i}" for i in range(len(first)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.csv"
        path.write_bytes(utf8)
        try:
            with duckdb.connect() as connection:
                # straight from the reader to Arrow: no table in between, whose copy of every cell
                # would be in memory beside the Arrow one (measured with DuckDB 1.5: less memory and
                # less CPU than through a table; the same cells in the same order)
                table = connection.execute(
                    f"SELECT {cells_as_text} FROM read_csv(?, header = false, auto_detect = false, "
                    f"columns = {{{columns}}}, delim = ?, quote = '\"', escape = '\"', strict_mode = true, "
                    "null_padding = false, max_line_size = 4194304)", [str(path), delimiter]).to_arrow_table()
        except duckdb.Error:
            return None
    if table.num_rows < 1 or table.num_rows - 1 > max_rows:
        return None
    # one chunk (up to a million rows) is taken as it is: combining even one chunk copies it
    cells = [column.chunk(0) if column.num_chunks == 1 else column.combine_chunks() for column in table.columns]
    del table  # the cells above are all that is read from here on
    # a cell holds at most as many characters as bytes: the byte lengths (read off the offsets)
    # tell first, the characters are counted only in a column with a cell of more bytes than the limit
    if len(utf8) > MAX_CELL_CHARS and any(pc.max(pc.binary_length(column)).as_py() > MAX_CELL_CHARS
                                          and pc.max(pc.utf8_length(column)).as_py() > MAX_CELL_CHARS for column in cells):
        return None
    if [column[0].as_py() for column in cells] != first:
        return None  # the header as DuckDB read it must be the one read above
    cells = [column.slice(1) for column in cells]
    if any(not pc.all(_blank_cells(column)).as_py() for column in cells[width:]):
        return None  # text beyond the header's columns: Python's reader names the rows
    # a row is left out when every cell is blank: the next column is looked at only while some
    # row is still blank in all before it (in most files the first column already settles it)
    all_blank = _blank_cells(cells[0])
    for column in cells[1:width]:
        if not pc.any(all_blank).as_py():
            break
        all_blank = pc.and_(all_blank, _blank_cells(column))
    keep = pc.invert(all_blank)
    row_numbers = [int(i) + 2 for i in pc.indices_nonzero(keep).to_pylist()]
    if len(row_numbers) != len(keep):
        cells = [pc.filter(column, keep) for column in cells[:width]]
    columns = [TextColumn.compact(column) for column in cells[:width]]
    del cells, all_blank, keep
    # Arrow's allocator keeps freed memory for reuse; give the memory of what was dropped back
    pa.default_memory_pool().release_unused()
    return header[:width], columns, row_numbers, []


def objects(column: pa.Array) -> np.ndarray:
    """The cells of a column (strings, or a dictionary of them) as an array of Python strings, one
    string object per distinct value: a column that repeats its values (teams, sprints, dates,
    yes/no) costs a pointer per row, not a string."""
    if not isinstance(column, pa.DictionaryArray):
        head = column.slice(0, 10_000)
        if pc.count_distinct(head).as_py() * 2 > len(head):  # mostly distinct (keys, titles): nothing to share
            out = np.empty(len(column), dtype=object)
            out[:] = column.to_pylist()
            return out
        column = pc.dictionary_encode(column)
    distinct = np.empty(len(column.dictionary), dtype=object)
    distinct[:] = column.dictionary.to_pylist()
    return distinct[column.indices.to_numpy(zero_copy_only=False)]


def _blank_cells(column: pa.Array) -> pa.Array:
    """True where a cell is blank as Python's str.strip() sees it (nothing left after stripping
    the same characters), for the whole column at once."""
    return pc.equal(pc.binary_length(pc.utf8_trim(column, WHITESPACE)), 0)


def _split_with_python(name: str, text: str, delimiter: str, max_rows: int) -> Split:
    notes: list[str] = []
    try:
        records = _records(name, text, delimiter, max_rows, strict=True)
    except csv.Error as exc:
        if "end of data" in str(exc):
            row = _failing_row(text, delimiter)
            raise ImportFailed(say("t_unreadable_csv"), [Problem(name, row, None, say("unclosed_quote"))]) from None
        # text right after a closing quote ("Let's Go Crazy" (08/29)): read it as Excel does, and say so
        try:
            records = _records(name, text, delimiter, max_rows, strict=False)
        except csv.Error as again:
            raise ImportFailed(say("t_unreadable_csv"), [Problem(
                name, _failing_row(text, delimiter), None, say("unreadable_row", error=str(again)))]) from None
        notes.append(say("text_after_quote", file=name, row=_failing_row(text, delimiter)))

    if not records:
        raise ImportFailed(say("t_empty"), [Problem(name, None, None, say("empty"))])
    header = [cell.strip().lstrip("\ufeff") for cell in records[0]]
    problems: list[Problem] = []
    for index, record in enumerate(records if len(text) > MAX_CELL_CHARS else (), start=1):
        for position, cell in enumerate(record):
            if len(cell) > MAX_CELL_CHARS:
                column = header[position][:60] if position < len(header) and index > 1 else f"#{position + 1}"
                problems.append(Problem(name, index, column, say("cell_too_long", chars=len(cell), limit=MAX_CELL_CHARS)))
    if problems:
        raise ImportFailed(say("t_cells_too_long"), problems)
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    width = _header_width(header)
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > width and not any(cell.strip() for cell in record[width:]):
            record = record[:width]
        if len(record) != width:
            hint = say("hint_unquoted" if len(record) > width else "hint_line_break")
            problems.append(Problem(name, index, None, say("wrong_cells", cells=len(record), width=width, hint=hint)))
            continue
        rows.append(record)
        row_numbers.append(index)
    if problems:
        raise ImportFailed(say("t_wrong_cells"), problems)
    columns = [list(column) for column in zip(*rows)] if rows else [[] for _ in range(width)]
    return header[:width], columns, row_numbers, notes
