"""Reading an uploaded CSV as people's tools write it: any of , ; tab, UTF-8 with or without BOM,
Windows code pages, CRLF, quoted multi-line cells. The header row is read by us, so repeated
column names stay apart and nothing is renamed behind the user's back."""
from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from data.errors import ImportFailed, Problem

DELIMITERS = (",", ";", "\t")
# Python's csv module stops at cells over 131,072 characters with an error that names no row;
# we read any cell (the file size limit bounds them) and refuse long ones ourselves, located.
MAX_CELL_CHARS = 131_072
csv.field_size_limit(2**31 - 1)
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook or another zip file. Save it from Excel as 'CSV UTF-8'"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls). Save it from Excel as 'CSV UTF-8'"),
    (b"%PDF", "a PDF document, not a CSV export"),
    (b"\x89PNG", "a PNG image, not a CSV export"),
    (b"\xff\xd8\xff", "a JPEG image, not a CSV export"),
)


@dataclass
class RawTable:
    """A CSV split into cells, every data row with the row number a spreadsheet would show."""

    file: str
    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    delimiter: str
    encoding: str
    notes: list[str] = field(default_factory=list)


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
        raise FileRefused(f"{name}: cannot be read ({exc.strerror or 'no such file'}).") from None
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
        raise FileRefused(f"{name}: is {what}, not a file. Give a CSV file.")
    try:
        with open(path, "rb") as handle:
            content = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FileRefused(f"{name}: cannot be read ({exc.strerror}).") from None
    if len(content) > max_bytes:
        raise ImportFailed("File too large", [_too_large(name, max(info.st_size, len(content)), max_bytes)])
    return content


class FileRefused(Exception):
    """A path that is not a readable regular file (a usage error on the command line)."""


def _too_large(name: str, size: int, max_bytes: int) -> Problem:
    return Problem(name, None, None,
                   f"The file is {size / 2**20:.1f} MiB; the limit is "
                   f"{max_bytes / 2**20:g} MiB (setting DASHBOARD_MAX_UPLOAD_MB). Split the export into smaller files "
                   "and upload them together.")


def decode(name: str, content: bytes) -> tuple[str, str, list[str]]:
    """Text, encoding name and notes for the user (a fallback encoding is always announced)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            line = content[:exc.start].decode("utf-16", errors="replace").count("\n") + 1
            raise ImportFailed("Unreadable text", [Problem(
                name, line, None, f"The file starts as UTF-16 text but is not valid UTF-16 on line {line} "
                f"(byte {exc.start:,}). Export it again, preferably as 'CSV UTF-8'.")]) from None
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
            note = (f"{name}: not valid UTF-8 (byte 0x{bad} on line {line}); read as {fallback} "
                    "(Windows/Excel encoding). Check umlauts in the preview; save as 'CSV UTF-8' to avoid this.")
            return text, fallback, [note]
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most cells (quotes respected)."""
    first_line = text.split("\n", 1)[0]
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
            raise ImportFailed("Too many rows", [Problem(
                name, None, None,
                f"The file has more than {max_rows:,} data rows (setting DASHBOARD_MAX_ROWS). "
                "Split it into smaller files and upload them together.")])
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
    """Split an upload into header and rows or raise ImportFailed naming file, row and column."""
    if len(content) > max_bytes:
        raise ImportFailed("File too large", [_too_large(name, len(content), max_bytes)])
    if not content.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFailed("Empty file", [Problem(name, None, None, "The file is empty. Export again with at least a header row and one data row.")])
    for signature, what in _BINARY_SIGNATURES:
        if content.startswith(signature):
            raise ImportFailed("Not a CSV file", [Problem(name, None, None, f"This is not a CSV file: it looks like {what}.")])
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed("Not a CSV file", [Problem(name, None, None, "This is not a CSV file: it contains binary data. Upload a CSV export.")])

    text, encoding, notes = decode(name, content)
    if "\x00" in text:  # anywhere, not only where the binary check above looked
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFailed("Not a CSV file", [Problem(
            name, line, None, f"Line {line} contains a NUL character (binary data), which no CSV export has. "
            "Export the file again as CSV.")])
    delimiter = sniff_delimiter(text)
    try:
        records = _records(name, text, delimiter, max_rows, strict=True)
    except csv.Error as exc:
        if "end of data" in str(exc):
            row = _failing_row(text, delimiter)
            raise ImportFailed("Unreadable CSV", [Problem(
                name, row, None, "A quoted value that starts in this row is never closed: a missing closing quote "
                "(\") swallows the rest of the file. Close the quote or remove it.")]) from None
        # text right after a closing quote ("Let's Go Crazy" (08/29)): read it as Excel does, and say so
        try:
            records = _records(name, text, delimiter, max_rows, strict=False)
        except csv.Error as again:
            raise ImportFailed("Unreadable CSV", [Problem(
                name, _failing_row(text, delimiter), None,
                f"This row cannot be read as CSV ({again}). Check its quotes and separators.")]) from None
        notes = notes + [f"{name}: a quoted value is followed by more text in row {_failing_row(text, delimiter)}; "
                         "it was read as spreadsheet programs read it (quotes dropped). Check the preview."]

    if not records:
        raise ImportFailed("Empty file", [Problem(name, None, None, "The file is empty.")])
    header = [cell.strip().lstrip("\ufeff") for cell in records[0]]
    problems: list[Problem] = []
    for index, record in enumerate(records if len(text) > MAX_CELL_CHARS else (), start=1):
        for position, cell in enumerate(record):
            if len(cell) > MAX_CELL_CHARS and len(problems) < 50:
                column = header[position][:60] if position < len(header) and index > 1 else f"#{position + 1}"
                problems.append(Problem(name, index, column, f"This cell has {len(cell):,} characters; the most a "
                                        f"cell may have is {MAX_CELL_CHARS:,}. Shorten it or leave the column out."))
    if problems:
        raise ImportFailed("Cells too long", problems)
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    width = len(header)
    while width > 1 and header[width - 1] == "":
        width -= 1  # trailing separators after the last header (an Excel habit)
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > width and not any(cell.strip() for cell in record[width:]):
            record = record[:width]
        if len(record) != width:
            hint = ("an unquoted delimiter inside a value? Put such values in double quotes"
                    if len(record) > width else "a line break or a missing separator?")
            problems.append(Problem(
                name, index, None,
                f"This row has {len(record)} cells but the header has {width} ({hint})."))
            if len(problems) >= 50:
                break
            continue
        rows.append(record)
        row_numbers.append(index)
    header = header[:width]
    if problems:
        raise ImportFailed("Rows with the wrong number of cells", problems)
    for position, column in enumerate(header, start=1):
        if column == "" and any(row[position - 1].strip() for row in rows):
            problems.append(Problem(name, 1, f"#{position}", "This column has values but no name in the header row. Give it a name."))
    if problems:
        raise ImportFailed("Unnamed columns", problems)
    if not rows:
        if width == 1 and delimiter == ",":
            message = "Only one column was found: is the file separated by something other than , ; or tab?"
        else:
            message = "The file has a header row but no data rows."
        raise ImportFailed("No data rows", [Problem(name, None, None, message)])
    if width == 1:
        raise ImportFailed("Wrong delimiter", [Problem(
            name, 1, header[0][:60],
            "Only one column was found: the file is not separated by comma, semicolon or tab. "
            "Export it again as CSV.")])
    notes = notes + ([f"{name}: separated by {_DELIMITER_NAMES[delimiter]}."] if delimiter != "," else [])
    return RawTable(name, header, rows, row_numbers, delimiter, encoding, notes)
