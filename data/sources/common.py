"""What every tool export shares: the registry, finding columns, reading whole columns, and turning
the issues a tool's rules describe into sprint items.

Issue exports carry no sprint-start snapshot, so commitment is inferred (FORMATS.md): an issue in
sprints S1..Sk was carried over from S1..Sk−1 (committed at the start of each later sprint) and is
done in Sk when delivered; in S1 it was committed unless it was created after S1 started, which
the metric engine decides against whatever sprint calendar is stored (``added_on`` = created).
Such items are marked ``commitment_basis = "inferred"``.

Columns are found through a header alias table per tool (English, German, Spanish, Portuguese,
French), repeated headers (``Sprint``, ``Labels`` …) are read as one multi-valued field, and a user
mapping (field → header, ``Header#2`` for the second of two equal names, ``""`` for "not in this
file") overrides what was recognised.

A file is parsed as whole columns, not row by row: each column's distinct texts are parsed once
(an export of 100,000 issues repeats a few hundred dates, sprints and statuses), and the rules are
applied to whole columns with numpy and pandas. Problems are collected with their row and the step
of the rules that found them, and sorted back into the order a row-by-row reading reports them.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data import values
from data.csvfile import RawTable, TextColumn
from data.errors import ImportFailed, Problem, message_of, say
from data.templates import TEXT, Frame, ParsedFile, normalise

# the fields a mapping may name, in the order messages list them; a tool's own fields are added
BASE_FIELDS = ("key", "title", "item_type", "status", "status_category", "resolution", "created", "updated", "resolved",
               "sprint", "team", "project", "labels", "epic", "iteration", "cycle_number", "cycle_name", "cycle_start",
               "cycle_end", "canceled", "estimate", "key_result")
# the dates whose slashed forms decide a file's day/month order
DATE_FIELDS = ("created", "updated", "resolved", "cycle_start", "cycle_end", "canceled")
# sub-tasks of any tool are left out: their parent carries the estimate; counting both would double it
SUBTASKS = {"sub_task", "subtask", "unteraufgabe", "sub_tarea", "subtarea", "subtarefa", "sous_tache"}


@dataclass
class Rows:
    """What a tool's row rules make of a file, one entry per data row (by position), as whole columns.

    ``sprints``: the sprints each row names, columns ``row`` and ``sprint``, oldest first per row.
    ``resolved``: the day the issue was resolved (a date or None); ``delivered`` and ``cancelled``:
    booleans, applied to the last sprint the issue was in (done, or removed).
    ``calendar``: the dates a row tells of a sprint, columns ``row``, ``sprint`` and the tool's own
    detail columns (merged per team and sprint, first value given wins, then read by ``Source.dates``,
    which a tool giving a calendar must have); one entry per row and sprint, in the order the row
    first names it.
    ``team``: a team the row implies when it names none (Azure DevOps: the project), or None.
    Problems the rules find are reported through ``Table`` (its ``dates`` do it themselves), in the
    order they would be found reading one row."""

    sprints: pd.DataFrame
    resolved: np.ndarray
    delivered: np.ndarray
    cancelled: np.ndarray
    calendar: pd.DataFrame | None = None
    team: np.ndarray | None = None


@dataclass(frozen=True)
class Source:
    """One tool whose issue export the dashboard reads: everything that differs between tools.

    ``detect`` gets the header's normalised names; ``rows`` applies the tool's row rules to a
    ``Table``; ``dates`` turns merged calendar details (a frame) into (start, end, goal) columns."""

    name: str                                   # the --source value and the key of a saved mapping
    title: str                                  # as messages name the tool: "The Jira column …"
    aliases: dict[str, tuple[str, ...]]         # field → normalised header spellings
    estimates: tuple[str, ...]                  # patterns of estimate headers, in order of preference
    required: tuple[str, ...]
    detect: Callable[[set[str]], bool]
    rows: Callable[["Table"], Rows]
    dates: Callable[[pd.DataFrame], tuple] | None = None
    one_of: tuple[tuple[str, ...], ...] = ()    # at least one field of each group (the first is named)
    period: tuple[str, str] = ("sprint", "sprint")  # (what a dated period is called, its problems' field)
    strips_apostrophe: bool = False             # the tool guards formula-like text with a leading '
    file_warnings: Callable[[RawTable], list[str]] = lambda raw: []


REGISTRY: dict[str, Source] = {}   # name → source, in the order detection tries them
REQUIRED: dict[str, tuple[str, ...]] = {}


def register(source: Source) -> Source:
    """Make a tool's export readable: detected, inspected, parsed and offered by name everywhere."""
    REGISTRY[source.name] = source
    REQUIRED[source.name] = source.required
    return source


def unregister(name: str) -> None:
    REGISTRY.pop(name, None)
    REQUIRED.pop(name, None)


def mappable_fields() -> tuple[str, ...]:
    extra = [name for source in REGISTRY.values() for name in source.aliases if name not in BASE_FIELDS]
    return BASE_FIELDS + tuple(dict.fromkeys(extra))


def detect_source(header: list[str]) -> str | None:
    """Which tool wrote this header row, or None for anything else (our templates)."""
    names = {normalise(h) for h in header}
    return next((source.name for source in REGISTRY.values() if source.detect(names)), None)


# --- columns ---------------------------------------------------------------------------------------

@dataclass
class Columns:
    """Which header positions hold which field, for one file."""

    positions: dict[str, list[int]]
    labels: dict[str, str]          # field → the header as the user sees it (with #n for repeats)
    unknown: list[str]
    duplicates: dict[str, int]      # header → how often it repeats


def _label(header: list[str], position: int) -> str:
    name = header[position]
    count = header.count(name)
    return name if count == 1 else f"{name}#{header[:position + 1].count(name)}"


def _resolve(header: list[str], reference: str) -> list[int]:
    """'Labels' → every column named so; 'Custom field (Category)#2' → the second of that name."""
    match = re.match(r"^(.*)#(\d+)$", reference)
    if match and match.group(1) in header:
        wanted, number = match.group(1), int(match.group(2))
        positions = [i for i, h in enumerate(header) if h == wanted]
        return positions[number - 1:number]
    return [i for i, h in enumerate(header) if h == reference or normalise(h) == normalise(reference)]


def _unmappable(raw: RawTable, name: str, reference: str) -> Problem:
    return Problem(raw.file, 1, reference, say("unmappable_field", name=name, fields=", ".join(mappable_fields())))


def _not_in_file(raw: RawTable, name: str, reference: str) -> Problem:
    return Problem(raw.file, 1, reference, say("mapped_column_missing", column=reference, name=name,
                                               columns=", ".join(raw.header[:40])))


def match_columns(raw: RawTable, source: Source, mapping: dict[str, str] | None = None) -> Columns:
    positions: dict[str, list[int]] = {}
    for position, cell in enumerate(raw.header):
        key = normalise(cell)
        for name, spellings in source.aliases.items():
            if key in spellings:
                positions.setdefault(name, []).append(position)
                break
    for pattern in source.estimates:  # in order of preference; several may be present
        found = [i for i, h in enumerate(raw.header) if re.fullmatch(pattern, normalise(h))]
        if found:
            positions.setdefault("estimate", []).extend(found)
    problems = []
    fields = mappable_fields()
    for name, reference in (mapping or {}).items():
        if name not in fields:
            problems.append(_unmappable(raw, name, reference))
        elif reference == "":
            positions[name] = []  # "not in this file", e.g. no estimates at all
        else:
            found = _resolve(raw.header, reference)
            if not found:
                problems.append(_not_in_file(raw, name, reference))
            positions[name] = found
    if problems:
        raise ImportFailed(say("t_mapping_unfit"), problems)
    used = {p for found in positions.values() for p in found}
    labels = {name: ", ".join(_label(raw.header, p) for p in found) for name, found in positions.items() if found}
    unknown = [_label(raw.header, i) for i, h in enumerate(raw.header) if i not in used and h]
    duplicates = {h: raw.header.count(h) for h in dict.fromkeys(raw.header) if h and raw.header.count(h) > 1}
    return Columns(positions, labels, unknown, duplicates)


@dataclass
class Inspection:
    """What an upload was recognised as, for the Import page's mapping step."""

    file: str
    source: str
    recognised: dict[str, str]
    unknown: list[str]
    missing: list[str]
    duplicates: dict[str, int]
    numeric_columns: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # entries of the mapping that do not fit this file


def fit_mapping(raw: RawTable, mapping: dict[str, str] | None) -> tuple[dict[str, str], list[Problem]]:
    """The entries of a mapping that fit this file, and a problem for each one that does not (a
    field that cannot be mapped, a column the file lacks). A *saved* mapping is applied through
    this, so a mapping saved for one export never blocks a later file with other columns."""
    fitting, problems = {}, []
    fields = mappable_fields()
    for name, reference in (mapping or {}).items():
        if name not in fields:
            problems.append(_unmappable(raw, name, reference))
        elif reference != "" and not _resolve(raw.header, reference):
            problems.append(_not_in_file(raw, name, reference))
        else:
            fitting[name] = reference
    return fitting, problems


# how many of a file's first rows tell which of its columns hold numbers (``inspect``)
INSPECTED_ROWS = 200


def inspect(raw: RawTable, source: Source, mapping: dict[str, str] | None = None) -> Inspection:
    """What the file's columns were recognised as. Never refuses because of the mapping: entries
    that do not fit (a saved mapping of another export) are left out and listed in ``ignored``."""
    mapping, unfit = fit_mapping(raw, mapping)
    columns = match_columns(raw, source, mapping)
    missing = [name for name in (*source.required, "estimate") if not columns.positions.get(name)
               and not (name == "estimate" and (mapping or {}).get("estimate") == "")]
    numeric = []
    for position, header in enumerate(raw.header):
        cells = [cell.strip().lstrip("'") for cell in raw.columns[position][:INSPECTED_ROWS] if cell.strip()]
        if cells and all(_is_number(c) for c in cells):
            numeric.append(_label(raw.header, position))
    return Inspection(raw.file, source.name, columns.labels, columns.unknown, missing, columns.duplicates, numeric,
                      [problem.message for problem in unfit])


def _is_number(text: str) -> bool:
    try:
        values.parse_number(text, ",")
        return True
    except ValueError:
        try:
            values.parse_number(text, ".")
            return True
        except ValueError:
            return False


# --- whole columns ---------------------------------------------------------------------------------

def each_distinct(cells: np.ndarray, function: Callable, missing=None) -> np.ndarray:
    """``function`` applied once per distinct cell, spread back over every row (None stays ``missing``)."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    results = object_array([function(text) for text in uniques] + [missing])  # None's code is -1: the last
    return results[codes]


def parse_distinct(cells: np.ndarray, parse: Callable) -> tuple[np.ndarray, np.ndarray]:
    """``parse`` applied once per distinct cell: per row its value and its error message (None where
    it parsed; both None where the cell is None). ``parse`` raises ValueError with the message."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    parsed = np.empty(len(uniques) + 1, dtype=object)
    errors = np.empty(len(uniques) + 1, dtype=object)
    for number, text in enumerate(uniques):
        try:
            parsed[number] = parse(text)
        except ValueError as exc:
            errors[number] = message_of(exc)
    return parsed[codes], errors[codes]


def shared_objects(column: pd.Series) -> np.ndarray:
    """A column as an array of Python objects, one object per distinct value, where
    ``to_numpy(dtype=object)`` makes a string per row out of a text column held in Arrow: an
    export's sprint names (a few thousand over 100k rows) were 6.6 MiB of the parse's peak (issue 21)."""
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    return np.asarray(distinct, dtype=object)[codes]


def object_array(items: list) -> np.ndarray:
    """A one-dimensional array of Python objects (tuples stay whole)."""
    out = np.empty(len(items), dtype=object)
    for number, item in enumerate(items):
        out[number] = item
    return out


def is_none(column: np.ndarray) -> np.ndarray:
    return np.equal(column, None)


def within(column: np.ndarray, words: set[str]) -> np.ndarray:
    """Per row whether the cell is one of ``words``."""
    return pd.Series(column, dtype=object).isin(words).to_numpy()


def one_entry_per_sprint(calendar: pd.DataFrame) -> pd.DataFrame:
    """A row's calendar as a dict by sprint name keeps it: the last details told, at the place where
    the row first names the sprint (columns ``row``, ``order``, ``sprint`` and the details)."""
    first = calendar.groupby(["row", "sprint"], sort=False)["order"].transform("min")
    last = calendar.assign(order=first).drop_duplicates(["row", "sprint"], keep="last")
    return last.sort_values(["row", "order"], kind="stable", ignore_index=True)


class Table:
    """An export's cells by field as whole columns, and the problems found in them.

    Problems are kept with the data row's position and the step that found them: each check
    (one call that may report) is a step, numbered in the order the checks run, which is the
    order a row-by-row reading would report them within a row."""

    def __init__(self, raw: RawTable, source: Source, columns: Columns, day_first: bool | None):
        self.raw, self.source, self.columns = raw, source, columns
        self.size = len(raw)
        self.numbers = np.asarray(raw.row_numbers, dtype=np.int64)
        self._found: list[pd.DataFrame] = []
        self._messages: list[str] = []  # the problems' messages; a frame holds their positions here
        self._step = 0
        self._stripped: dict[int, np.ndarray] = {}
        self._cells: dict[int, np.ndarray] = {}
        dates = [cell for name in DATE_FIELDS for p in columns.positions.get(name, []) for cell in self._distinct(p)]
        self.day_first = day_first if day_first is not None else values.decide_day_first(dates)
        numbers = [cell for p in columns.positions.get("estimate", []) for cell in self._distinct(p)]
        self.decimal = values.decide_decimal(numbers)

    # cells
    def stripped(self, position: int) -> np.ndarray:
        """The cells of one header position without surrounding blanks ("" when empty)."""
        if position not in self._stripped:
            cells = self.raw.columns[position]
            if isinstance(cells, TextColumn):  # stripped in Arrow, a Python string per distinct cell
                column = cells.stripped_objects()
            else:
                column = np.empty(self.size, dtype=object)
                column[:] = [cell.strip() for cell in cells]  # str.strip: one C call per cell
            self._stripped[position] = column
        return self._stripped[position]

    def _distinct(self, position: int) -> list[str]:
        """The column's distinct cells in the order they first appear (deciding on the first that
        tells gives the same answer as reading every cell; the deciders strip cells themselves)."""
        return list(dict.fromkeys(self.stripped(position).tolist()))

    def cells_at(self, position: int) -> np.ndarray:
        """The cells of one header position as the rules read them: stripped, and without the
        apostrophe a tool may put before formula-like text."""
        if position not in self._cells:
            cells = self.stripped(position)
            if self.source.strips_apostrophe:
                guarded = np.flatnonzero(within(each_distinct(cells, lambda cell: cell[:1]), {"'"}))
                if len(guarded):
                    cells = cells.copy()
                    cells[guarded] = [cell[1:] for cell in cells[guarded]]
            self._cells[position] = cells
        return self._cells[position]

    def text(self, name: str) -> np.ndarray:
        """Per row the field's first filled cell, None when it has none."""
        out = np.full(self.size, None, dtype=object)
        for position in reversed(self.columns.positions.get(name, [])):
            cells = self.cells_at(position)
            filled = cells != ""
            out[filled] = cells[filled]
        return out

    def text_array(self, name: str) -> pa.Array:
        """``text`` held in Arrow (null where the field has no filled cell), for the fields whose
        cells are nearly all different (keys, titles): as Python strings they were the largest
        objects of a 100k-row export's parse, a string per row, alive until its frame was made
        (issue 21). The same rules in Arrow: stripped as str.strip() strips (``WHITESPACE``), the
        tool's guarding apostrophe removed, the first filled column of the field taken."""
        out = pa.nulls(self.size, pa.string())
        for position in reversed(self.columns.positions.get(name, [])):
            cells = TextColumn.of(self.raw.columns[position]).stripped().cast(pa.string())
            if self.source.strips_apostrophe:
                cells = pc.if_else(pc.starts_with(cells, "'"), pc.utf8_slice_codeunits(cells, 1), cells)
            out = pc.if_else(pc.not_equal(cells, ""), cells, out)
        return out

    def cells(self, name: str) -> pd.DataFrame:
        """Every filled cell of a (repeatable) field: columns ``row``, ``order``, ``cell``, by row and
        then in the order of the field's columns."""
        rows, orders, cells = [], [], []
        for order, position in enumerate(self.columns.positions.get(name, [])):
            column = self.cells_at(position)
            filled = np.flatnonzero(column != "")
            rows.append(filled)
            orders.append(np.full(len(filled), order, dtype=np.int64))
            cells.append(column[filled])
        row = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
        order = np.concatenate(orders) if orders else np.empty(0, dtype=np.int64)
        cell = np.concatenate(cells) if cells else np.empty(0, dtype=object)
        by_row = np.lexsort((order, row)) if len(rows) > 1 else slice(None)
        return pd.DataFrame({"row": row[by_row], "order": order[by_row], "cell": pd.Series(cell[by_row], dtype=object)})

    def forget_cells(self) -> None:
        """Let go of the cells read so far (a Python array per column read, 0.8 MB per 100k rows):
        once the checks have run, the frames are made from what they returned (issue 21)."""
        self._stripped.clear()
        self._cells.clear()

    def label(self, name: str) -> str:
        return self.columns.labels.get(name, name).split(", ")[0]

    # problems
    def report(self, rows: np.ndarray, column: str | np.ndarray, message: str | np.ndarray,
               value: object = None, sub: np.ndarray | int = 0) -> None:
        """One check's problems: at these row positions (``sub`` orders several in one row).

        The messages are kept in a list beside the frame, which holds only their positions: pandas
        makes a column of texts plain ``str``, and a ``Message`` must stay one to be shown in the
        user's language."""
        self._step += 1
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows):
            first = len(self._messages)
            self._messages.extend([message] * len(rows) if isinstance(message, str) else list(message))
            self._found.append(pd.DataFrame({"row": rows, "step": self._step, "sub": sub, "column": column,
                                             "message": np.arange(first, len(self._messages)), "value": value}))

    def problems(self) -> list[Problem]:
        """Every problem in reading order (counted, grouped and listed whole: errors.SHOWN_PROBLEMS)."""
        if not self._found:
            return []
        found = pd.concat(self._found, ignore_index=True).sort_values(["row", "step", "sub"], kind="stable")
        return [Problem(self.raw.file, int(self.numbers[row]), column, self._messages[message],
                        value if isinstance(value, str) else None)
                for row, column, message, value in zip(found["row"], found["column"], found["message"], found["value"])]

    # typed fields
    def dates(self, name: str, where: np.ndarray | None = None) -> np.ndarray:
        """Per row the field's date (None when empty or unreadable; unreadable ones are reported)."""
        texts = self.text(name)
        dates, errors = parse_distinct(texts, lambda text: values.parse_date(text, self.day_first))
        bad = ~is_none(errors) if where is None else ~is_none(errors) & where
        rows = np.flatnonzero(bad)
        self.report(rows, self.label(name), errors[rows], texts[rows])
        return dates

    def estimates(self, where: np.ndarray) -> np.ndarray:
        """Per row the estimate of the first filled estimate column (in preference order), reported
        against that very column when it is no number or negative."""
        chosen = np.full(self.size, -1, dtype=np.int64)
        texts = np.full(self.size, None, dtype=object)
        for position in reversed(self.columns.positions.get("estimate", [])):
            cells = each_distinct(self.stripped(position), lambda cell: cell.lstrip("'"))
            filled = cells != ""
            texts[filled], chosen[filled] = cells[filled], position

        def parse(text: str):
            value = values.parse_number(text, self.decimal)
            if value < 0:
                raise ValueError(say("negative_estimate", text=text))
            return value
        out, errors = parse_distinct(texts, parse)
        rows = np.flatnonzero(~is_none(errors) & where)
        labels = {p: _label(self.raw.header, p) for p in set(chosen[rows].tolist())}
        self.report(rows, np.array([labels[p] for p in chosen[rows]], dtype=object), errors[rows], texts[rows])
        return out


# --- from rows to sprint items ---------------------------------------------------------------------

def _key_results(table: Table, known: set[str]) -> np.ndarray:
    """Per row the first value of the chosen column(s) that is a known KR id (stored, or defined in
    this import); without a mapping, labels and epic links are looked at the same way."""
    out = np.full(table.size, None, dtype=object)
    if not known:
        return out
    names = ("key_result",) if table.columns.positions.get("key_result") else ("labels", "epic")

    def first_known(cell: str) -> str | None:
        return next((part.strip() for part in re.split(r"[,;]", cell) if part.strip() in known), None)
    for name in reversed(names):
        for position in reversed(table.columns.positions.get(name, [])):
            found = each_distinct(table.cells_at(position), first_known)
            hit = ~is_none(found)
            out[hit] = found[hit]
    return out


def _moments(dates: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
    """Dates (None where missing) as datetime64[us], missing (NaT) also where ``where`` is False."""
    out = pd.to_datetime(dates).astype("datetime64[us]").to_numpy(copy=True)
    if where is not None:
        out[~where] = np.datetime64("NaT")
    return out


def _first_seen(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes renumbered in order of first appearance, and the index where each first appears."""
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    renumber = np.empty(len(order), dtype=np.int64)
    renumber[order] = np.arange(len(order))
    return renumber[inverse], np.sort(first)


def _order(first_seen: list, pairs: Iterable[tuple]) -> list:
    """Sprints in the order of the 'earlier than' pairs, ties and contradictions in first-seen order."""
    rank = {sprint: number for number, sprint in enumerate(first_seen)}
    later: dict = {}
    earlier_count = dict.fromkeys(first_seen, 0)
    for before, after in pairs:
        if after not in later.setdefault(before, set()):
            later[before].add(after)
            earlier_count[after] += 1
    ready = sorted((s for s, n in earlier_count.items() if n == 0), key=rank.get)
    ordered = []
    while ready:
        sprint = ready.pop(0)
        ordered.append(sprint)
        for after in sorted(later.get(sprint, ()), key=rank.get):
            earlier_count[after] -= 1
            if earlier_count[after] == 0:
                ready.append(after)
                ready.sort(key=rank.get)
    placed = set(ordered)
    return ordered + [s for s in first_seen if s not in placed]


def sprint_sequence(histories: Iterable[list]) -> list:
    """Sprints in time order as far as the issues tell it: an issue lists the sprints it was in oldest
    first, so each consecutive pair is an 'earlier than'. Sprints the issues do not order keep the
    order of their first appearance; contradicting histories fall back to that order too."""
    histories = [list(history) for history in histories]
    first_seen = list(dict.fromkeys(sprint for history in histories for sprint in history))
    return _order(first_seen, (pair for history in histories for pair in zip(history, history[1:])))


def parse_export(raw: RawTable, source: Source, *, team: str | None = None, mapping: dict[str, str] | None = None,
                 known_krs: Iterable[str] = (), day_first: bool | None = None) -> ParsedFile:
    """An issue export as sprint items (inferred commitment) plus the sprints and teams it names."""
    with values.settings_read_once():
        return _parse_export(raw, source, team, dict(mapping or {}), set(known_krs), day_first)


def _parse_export(raw: RawTable, source: Source, team: str | None, mapping: dict[str, str], known: set[str],
                  day_first: bool | None) -> ParsedFile:
    columns = match_columns(raw, source, mapping)
    missing = [name for name in source.required if not columns.positions.get(name)]
    missing += [group[0] for group in source.one_of if not any(columns.positions.get(name) for name in group)]
    problems = [Problem(raw.file, 1, name, say("tool_column_missing", tool=source.title, name=name))
                for name in missing]
    if not columns.positions.get("estimate") and mapping.get("estimate") != "":
        numeric = inspect(raw, source, mapping).numeric_columns
        problems.append(Problem(raw.file, 1, "estimate", say(
            "no_estimate_column", numeric=say("numeric_columns", columns=", ".join(numeric[:8])) if numeric else "")))
    if problems:
        raise ImportFailed(say("t_columns_missing", file=raw.file), problems)

    table = Table(raw, source, columns, day_first)
    keys, titles, item_types = table.text_array("key"), table.text_array("title"), table.text("item_type")
    rows = source.rows(table)  # the tool's rules: its problems come first in a row

    # keys: empty, or repeated in this file (numbered by first appearance, as pd.factorize numbers)
    empty = keys.is_null().to_numpy(zero_copy_only=False)
    table.report(np.flatnonzero(empty), table.label("key"), say("issue_key_empty"))
    keyed = np.flatnonzero(~empty)
    codes = pc.dictionary_encode(keys.take(keyed)).indices.to_numpy(zero_copy_only=False)
    _, first_of_code = np.unique(codes, return_index=True)
    first_index = first_of_code[codes]
    repeated = first_index != np.arange(len(codes))
    # A tool lists an issue once per export, so one key twice in ONE file means rows were pasted
    # together or edited, and which row is right cannot be told: a problem naming both rows (as
    # for our templates). Overlapping *different* files are normal (Jira stops at 1,000 issues):
    # there the newest state wins (importer._keep_latest_issue_rows).
    first_number = table.numbers[keyed][first_index]
    twice = keyed[repeated]
    twice_keys = object_array(keys.take(twice).to_pylist())
    table.report(twice, table.label("key"),
                 object_array([say("duplicate_issue", issue=key, first=int(first))
                               for key, first in zip(twice_keys, first_number[repeated])]), twice_keys)
    accepted = np.zeros(table.size, dtype=bool)
    accepted[keyed[~repeated]] = True

    # each sprint or cycle with impossible dates, once, at the first accepted row that tells them
    what, period_field = source.period
    calendar = rows.calendar
    if calendar is not None and len(calendar):
        told = calendar[accepted[calendar["row"].to_numpy()]]
        start, end, _ = source.dates(told)
        checked = each_distinct(object_array(list(zip(start, end))),
                                lambda dates: values.period_problem(dates[0], dates[1], what))
        bad = told.assign(problem=checked)[~is_none(checked)].drop_duplicates("sprint", keep="first")
        table.report(bad["row"].to_numpy(), table.label(period_field),
                     object_array([say("period_named", name=name, problem=problem[1])
                                   for name, problem in zip(bad["sprint"], bad["problem"])]))

    created = table.dates("created", accepted)
    updated = table.dates("updated", accepted)
    estimates = table.estimates(accepted)
    key_results = _key_results(table, known)

    subtask = accepted & within(each_distinct(item_types, normalise, ""), SUBTASKS)
    in_sprint = np.zeros(table.size, dtype=bool)
    in_sprint[rows.sprints["row"].to_numpy(dtype=np.int64)] = True
    sprintless = accepted & ~subtask & ~in_sprint
    skipped = {"left_out_subtasks": int(subtask.sum()), "left_out_sprintless": int(sprintless.sum())}
    teams = np.full(table.size, team or None, dtype=object)
    if not team:
        for fallback in ([rows.team] if rows.team is not None else []) + [table.text("project"), table.text("team")]:
            given = ~is_none(fallback)
            teams[given] = fallback[given]
    candidates = accepted & ~subtask & in_sprint
    teamless = candidates & is_none(teams)
    table.report(np.flatnonzero(teamless), table.label("team"),
                 say("no_team"))
    taken = candidates & ~teamless

    found = table.problems()
    if found:
        raise ImportFailed(say("t_file_problems", file=raw.file, n=len(found)), found)
    if not taken.any():
        raise ImportFailed(say("t_no_sprint_work"), [Problem(raw.file, None, "sprint", say("no_sprint_work"))])
    table.forget_cells()  # what the checks read is not needed for the frames

    # one item row per issue and distinct sprint it was in, oldest first
    sprint_row = rows.sprints["row"].to_numpy(dtype=np.int64)
    sprint_name = shared_objects(rows.sprints["sprint"])
    kept = taken[sprint_row]
    sprint_row, sprint_name = sprint_row[kept], sprint_name[kept]
    team_code, _ = pd.factorize(teams[sprint_row])
    sprint_code, sprint_names = pd.factorize(sprint_name)
    pair_code, pair_first = _first_seen(team_code * len(sprint_names) + sprint_code)  # (team, sprint), as first named
    once = _first_seen(sprint_row * len(pair_first) + pair_code)[1]  # an issue in one sprint twice: once
    row, pair = sprint_row[once], pair_code[once]
    sprint_pairs = list(zip(teams[sprint_row[pair_first]].tolist(), sprint_name[pair_first].tolist()))
    final = np.r_[row[1:] != row[:-1], True] if len(row) else np.zeros(0, dtype=bool)
    first = np.r_[True, row[1:] != row[:-1]] if len(row) else np.zeros(0, dtype=bool)
    done = final & rows.delivered[row].astype(bool)
    item_team = teams[row]
    # the columns as arrays, not lists: a list per column held 100k Python objects beside the arrays
    # while the frame was made, 15 columns at once (the check's peak 10 MB higher, issue 21); pandas
    # reads an object array of texts as it reads their list. Dates and yes/no/unknown come typed:
    # as object arrays, pandas first copied them all into one block of objects (the check's peak,
    # issue 21). The estimates stay a list: an object array of numbers would stay objects, not floats.
    items = pd.DataFrame({
        "team": item_team, "sprint": sprint_name[once], "item_key": pd.arrays.ArrowStringArray(keys.take(row), dtype=TEXT),
        "title": pd.arrays.ArrowStringArray(titles.take(row), dtype=TEXT), "item_type": item_types[row],
        "estimate": estimates[row].tolist(),
        # carried over into this sprint: committed at its start (True); the first sprint: unknown
        # here, decided by the creation date against the sprint calendar, whichever file brings it
        "committed_at_start": pd.arrays.BooleanArray(np.ones(len(row), dtype=bool), first.copy()),
        "added_on": _moments(created[row], where=first),
        "removed": final & rows.cancelled[row].astype(bool), "done": done,
        "done_on": _moments(rows.resolved[row], where=done),
        "key_result": key_results[row], "commitment_basis": "inferred",
        "source_updated": _moments(updated[row]),  # not stored: picks the newest of overlapping exports
        "source_row": table.numbers[row]})  # not stored: the issue's row, for rows left out

    # each issue's consecutive sprints are an 'earlier than' pair; the sprints in that order
    step = np.flatnonzero(~final)
    sequence = _order(list(range(len(sprint_pairs))), dict.fromkeys(zip(pair[step].tolist(), pair[step + 1].tolist())))
    file_order = {sprint_pairs[code]: number for number, code in enumerate(sequence, start=1)}
    sprint_rows = sprint_pairs

    merged: dict[tuple, dict] = {}
    if calendar is not None and len(calendar):  # cycles of different teams may share a name
        kept = calendar[taken[calendar["row"].to_numpy()]]
        kept = kept.assign(team=teams[kept["row"].to_numpy()])
        details = [c for c in kept.columns if c not in ("row", "sprint", "team")]
        firsts = kept.groupby(["team", "sprint"], sort=False)[details].first()
        firsts = firsts.astype(object).where(firsts.notna(), None)  # a detail no row told stays None
        start, end, goal = source.dates(firsts)
        merged = {pair: (s, e, g) for pair, s, e, g in zip(firsts.index, start, end, goal)}
    dated, undated = [], []
    for team_name, sprint in sprint_rows:
        start, end, goal = merged.get((team_name, sprint), (None, None, None))
        (dated if start and end else undated).append(
            {"team": team_name, "sprint": sprint, "start_date": start, "end_date": end, "goal": goal,
             "file_order": file_order[(team_name, sprint)]})
    frames = [Frame("teams", pd.DataFrame({"team": sorted(set(teams[taken].tolist()))}).assign(unit=None), {"team"})]
    if dated:
        with_goal = any(row["goal"] for row in dated)
        data = pd.DataFrame(dated)
        for column in ("start_date", "end_date"):
            data[column] = pd.to_datetime(data[column]).astype("datetime64[us]")
        frames.append(Frame("sprints", data, {"team", "sprint", "start_date", "end_date", "file_order"}
                            | ({"goal"} if with_goal else set())))
    if undated:
        frames.append(Frame("sprints", pd.DataFrame(undated), {"team", "sprint", "file_order"}))
    linked = items["key_result"].notna().any()  # without any link found, stored links are kept
    # unique on the stored key (team, sprint, issue): keys repeated in the file were refused above,
    # and each issue has one row per sprint it was in
    frames.append(Frame("sprint_items", items, set(items.columns) - {"source_updated", "source_row"}
                        - (set() if linked else {"key_result"}), unique=True))

    notes = list(raw.notes)
    estimate_from = columns.labels.get("estimate")
    notes.append(say("export_note", file=raw.file, tool=source.title, issues=int(taken.sum()), sprints=len(sprint_rows),
                     estimates=say("estimates_from", column=estimate_from) if estimate_from else say("no_estimates")))
    warnings = [say(name, file=raw.file, n=count) for name, count in skipped.items() if count]
    warnings += source.file_warnings(raw)
    return ParsedFile(raw.file, "sprint_items", source.name, len(raw), frames, notes, warnings)
