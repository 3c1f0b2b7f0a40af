"""Our own CSV templates: their columns in English and German, and how a file becomes canonical
frames for the store. A template file may come with English or German headers, in any column
order; unknown columns are reported and ignored.

The columns, value forms and rules are documented in docs/formats.md (its column tables are
generated from ``TEMPLATES`` by scripts/template_tables.py; tests/test_docs.py keeps them equal)."""
from __future__ import annotations

import re
import shlex
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.workdays import region_fault
from data import values
from data.csvfile import RawTable, TextColumn
from data.errors import ImportFailed, Problem, message_of, say

OKR_TYPES = {"committed": "committed", "aspirational": "aspirational", "verbindlich": "committed",
             "zugesagt": "committed", "ambitioniert": "aspirational", "ehrgeizig": "aspirational",
             "moonshot": "aspirational", "stretch": "aspirational"}
KR_TYPES = {"increase": "increase", "decrease": "decrease", "stay_above": "stay_above",
            "stay_below": "stay_below", "milestone": "milestone",
            "higher": "increase", "up": "increase", "steigern": "increase", "erhoehen": "increase",
            "lower": "decrease", "down": "decrease", "senken": "decrease", "reduzieren": "decrease",
            "at_least": "stay_above", "min": "stay_above", "mindestens": "stay_above", "halten_ueber": "stay_above",
            "at_most": "stay_below", "max": "stay_below", "hoechstens": "stay_below", "halten_unter": "stay_below",
            "meilenstein": "milestone", "binary": "milestone"}
ACTION_STATUSES = {"open": "open", "done": "done", "dropped": "dropped", "offen": "open",
                   "erledigt": "done", "verworfen": "dropped", "in_progress": "open", "in_arbeit": "open",
                   "cancelled": "dropped", "canceled": "dropped", "abgebrochen": "dropped"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | number | bool | date | choice
    german: str
    help: str
    example: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: dict[str, str] | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Template:
    kind: str
    help: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # one-of requirements beyond single required columns, e.g. done or done_on
    any_of: tuple[tuple[str, ...], ...] = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def C(name, kind, german, help, example, required=False, aliases=(), **extra) -> Column:
    return Column(name, kind, german, help, example, required, tuple(aliases), **extra)


TEAM = C("team", "text", "Team", "Team name, exactly as elsewhere", "Neukunden Nord", True, ("team_name", "teamname"))
SPRINT = C("sprint", "text", "Sprint", "Sprint name", "Sprint 14", True, ("sprint_name", "iteration", "sprintname"))

TEMPLATES: dict[str, Template] = {t.kind: t for t in (
    Template("sprints", "One row per sprint: calendar, goal, type; totals where no item rows exist.",
             ("team", "sprint"), (
        TEAM, SPRINT,
        C("start_date", "date", "Startdatum", "First day of the sprint", "2026-03-02", aliases=("start", "beginn", "sprint_start", "von")),
        C("end_date", "date", "Enddatum", "Last day of the sprint", "2026-03-13", aliases=("end", "ende", "sprint_end", "bis")),
        C("goal", "text", "Sprintziel", "Sprint goal", "20 Erstgespräche im Maschinenbau", aliases=("sprint_goal", "ziel")),
        C("sprint_type", "text", "Sprinttyp", "Free text: acquisition, pipeline, key account …", "acquisition", aliases=("type", "typ", "art")),
        C("committed", "number", "Zugesagt", "Total committed at start (only without item rows)", "", aliases=("zusage", "geplant", "commitment"), minimum=0),
        C("completed", "number", "Erledigt", "Total completed (only without item rows)", "", aliases=("abgeschlossen", "geliefert", "delivered", "velocity"), minimum=0),
        C("added", "number", "Hinzugefügt", "Total added after start (only without item rows)", "", aliases=("hinzugefuegt",), minimum=0),
        C("removed", "number", "Entfernt", "Total removed during the sprint (only without item rows)", "", minimum=0),
        C("key_results", "text", "Key Results", "KR ids the sprint goal serves, separated by , or ;", "KR-1.1", aliases=("key_result", "kr_ids", "krs", "schluesselergebnisse")),
        C("unit", "text", "Einheit", "The team's estimation unit: points, activities, EUR …", "points", aliases=("einheit", "estimation_unit")),
        C("region", "text", "Region", "The team's public-holiday region, ISO 3166-2 (DE-BY, AT, CH-ZH); blank: none", "DE-BY",
          aliases=("feiertagsregion", "bundesland", "holiday_region", "holidays")),
        C("days_off", "number", "Abwesenheitstage", "Team capacity lost to absences in this sprint, in days (default 0)", "0",
          aliases=("abwesenheit", "absences", "urlaubstage", "absence_days"), minimum=0),
    )),
    Template("sprint_items", "One row per item and sprint it was in.", ("team", "sprint", "item_key"), (
        TEAM, SPRINT,
        C("item_key", "text", "Schlüssel", "Item id, e.g. the Jira key", "NN-101", True, ("key", "issue_key", "item_id", "id", "schluessel", "vorgang")),
        C("title", "text", "Titel", "Short description", "Erstgespräch Müller GmbH", aliases=("summary", "zusammenfassung", "name")),
        C("item_type", "text", "Typ", "Story, task, activity, deal …", "activity", aliases=("type", "typ", "issue_type", "vorgangstyp", "art")),
        C("estimate", "number", "Schätzung", "Estimate at sprint start in the team's unit", "3", aliases=("points", "story_points", "schaetzung", "aufwand", "punkte", "wert", "value"), minimum=0),
        C("committed_at_start", "bool", "Zugesagt bei Start", "Was it in the sprint at its start? (yes/no)", "yes", aliases=("committed", "zugesagt", "geplant")),
        C("added_on", "date", "Hinzugefügt am", "Day it was added after the start", "", aliases=("added", "hinzugefuegt", "hinzugefuegt_am")),
        C("removed", "bool", "Entfernt", "Removed during the sprint? (yes/no)", "no", aliases=("entfernt",)),
        C("done", "bool", "Erledigt", "Done in this sprint? (yes/no)", "yes", aliases=("erledigt", "fertig", "completed")),
        C("done_on", "date", "Erledigt am", "Day it was done", "2026-03-05", aliases=("resolved", "completed_on", "erledigt_am")),
        C("key_result", "text", "Key Result", "KR id this item serves (optional)", "KR-1.1", aliases=("kr_id", "kr", "schluesselergebnis")),
    ), any_of=(("done", "done_on"),)),
    Template("okrs", "One row per key result, with its objective and cycle.", ("kr_id",), (
        TEAM,
        C("cycle", "text", "Zyklus", "OKR cycle name", "Q2 2026", True, ("okr_cycle", "zyklus", "quarter", "quartal", "period", "periode")),
        C("cycle_start", "date", "Zyklusbeginn", "First day of the cycle", "2026-04-01", True, ("zyklus_start", "zyklusstart")),
        C("cycle_end", "date", "Zyklusende", "Last day of the cycle", "2026-06-30", True, ("zyklus_ende",)),
        C("objective_id", "text", "Objective-ID", "Objective id", "O-1", True, ("objective_key", "ziel_id", "o_id")),
        C("objective", "text", "Objective", "Objective text", "Wir gewinnen den Maschinenbau", True, ("objective_title", "objective_name", "ziel")),
        C("okr_type", "choice", "OKR-Typ", "committed or aspirational (default committed)", "committed", aliases=("okr_typ", "objective_type"), choices=OKR_TYPES),
        C("kr_id", "text", "KR-ID", "Key result id, unique", "KR-1.1", True, ("key_result_id", "kr")),
        C("key_result", "text", "Key Result", "Key result text", "40 Discovery-Meetings", True, ("key_result_title", "kr_title", "schluesselergebnis")),
        C("kr_type", "choice", "KR-Typ", "increase, decrease, stay_above, stay_below, milestone (inferred from start/target when empty)", "increase", aliases=("kr_typ", "richtung", "direction"), choices=KR_TYPES),
        C("unit", "text", "Einheit", "Unit of the values", "meetings", aliases=("einheit",)),
        C("start_value", "number", "Startwert", "Value at cycle start", "0", aliases=("start", "startwert", "ausgangswert", "baseline")),
        C("target_value", "number", "Zielwert", "Value to reach", "40", aliases=("target", "zielwert", "ziel_wert")),
        C("weight", "number", "Gewicht", "Weight in the objective score (default 1)", "1", aliases=("gewicht",), minimum=0),
        C("parent", "text", "Übergeordnetes Ziel", "Company goal it serves (optional)", "Marktanteil DACH", aliases=("company_goal", "uebergeordnetes_ziel", "unternehmensziel")),
        C("lessons", "text", "Erkenntnisse", "What the team learnt with this objective, for the next cycle (optional, once per objective)", "", aliases=("lessons_learned", "learnings", "erkenntnisse", "lektionen")),
    )),
    Template("checkins", "One row per key result and check-in date.", ("kr_id", "date"), (
        C("kr_id", "text", "KR-ID", "Key result id", "KR-1.1", True, ("key_result_id", "kr", "key_result")),
        C("date", "date", "Datum", "Day of the check-in", "2026-04-13", True, ("datum", "checkin_date", "check_in")),
        C("value", "number", "Wert", "Current value of the key result", "6", True, ("wert", "ist", "istwert", "ist_wert", "current_value")),
        C("confidence", "number", "Zuversicht", "Confidence 0–10 to reach the target", "7", aliases=("zuversicht", "konfidenz"), minimum=0, maximum=10),
        C("comment", "text", "Kommentar", "What moved, what blocks", "Messe-Leads nachgefasst", aliases=("kommentar", "notiz", "note", "notes")),
    )),
    Template("retro_actions", "One row per improvement action from a retrospective.", ("team", "sprint", "action"), (
        TEAM, SPRINT,
        C("action", "text", "Maßnahme", "The improvement the team promised", "Angebote am selben Tag verschicken", True, ("massnahme", "aktion", "verbesserung", "improvement")),
        C("owner", "text", "Verantwortlich", "Who looks after it (optional)", "Team", aliases=("verantwortlich", "wer")),
        C("status", "choice", "Status", "open, done or dropped (default open)", "open", choices=ACTION_STATUSES),
        C("done_sprint", "text", "Erledigt in Sprint", "Sprint in which it was done", "", aliases=("erledigt_in_sprint", "erledigt_sprint")),
    )),
    Template("kr_plans", "Optional: planned values of a key result at dated checkpoints (expected pace).",
             ("kr_id", "date"), (
        C("kr_id", "text", "KR-ID", "Key result id", "KR-1.1", True, ("key_result_id", "kr")),
        C("date", "date", "Datum", "Checkpoint day", "2026-05-15", True, ("datum",)),
        C("planned_value", "number", "Planwert", "Value planned for that day", "20", True, ("plan", "planwert", "soll", "sollwert", "expected_value")),
    )),
)}


@lru_cache(maxsize=65536)  # headers are matched against every template's names, again and again
def normalise(header: str) -> str:
    """'Startdatum ' → 'startdatum', 'Schätzung (Punkte)' → 'schaetzung_punkte'."""
    text = header.strip().lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _names(column: Column) -> set[str]:
    return {normalise(column.name), normalise(column.german), *(normalise(a) for a in column.aliases)}


def match_columns(template: Template, header: list[str]) -> dict[int, str]:
    """Header position → template column, for every header cell the template recognises."""
    mapping: dict[int, str] = {}
    for position, cell in enumerate(header):
        key = normalise(cell)
        exact = [c.name for c in template.columns if key == normalise(c.name) or key == normalise(c.german)]
        alias = [c.name for c in template.columns if key in _names(c)]
        found = exact or alias
        if found and found[0] not in mapping.values():
            mapping[position] = found[0]
    return mapping


def fit_score(template: Template, header: list[str], assume: frozenset[str] = frozenset()) -> tuple[int, bool, int]:
    """(columns recognised, all required present, required present): the file is the template that
    recognises most of it, so an items file missing item_key is not taken for a sprints file."""
    matched = set(match_columns(template, header).values()) | (assume & {c.name for c in template.columns})
    required = [c.name for c in template.columns if c.required]
    present_required = sum(name in matched for name in required)
    return (len(matched), present_required == len(required), present_required)


def detect_kind(raw: RawTable, assume: frozenset[str] = frozenset()) -> str:
    """The template whose required columns are all present and which recognises most columns.

    ``assume`` names columns supplied from outside the file (the team given with --team)."""
    ranked = sorted(TEMPLATES.values(), key=lambda t: fit_score(t, raw.header, assume), reverse=True)
    best = ranked[0]
    recognised, complete, _ = fit_score(best, raw.header, assume)
    if complete:
        return best.kind
    missing = [c.name for c in best.columns
               if c.required and c.name not in match_columns(best, raw.header).values() and c.name not in assume]
    if recognised == 0 or fit_score(best, raw.header, assume)[2] == 0:  # nothing that identifies a template
        expected = "; ".join(f"{t.kind} ({', '.join(c.name for c in t.columns if c.required)})" for t in TEMPLATES.values())
        return _fail_missing(raw, say("none_known", expected=expected, found=", ".join(raw.header[:12])))
    return _fail_missing(raw, say("looks_like_kind", kind=best.kind, missing=", ".join(missing),
                                  found=", ".join(raw.header[:12])))


TEMPLATE_FIELDS = sorted({column.name for template in TEMPLATES.values() for column in template.columns})


def map_columns(raw: RawTable, mapping: dict[str, str] | None) -> tuple[RawTable, list[str]]:
    """A spreadsheet with its own headers read as one of our templates: each ``field → column`` of
    the mapping renames that column to the field (exact header, else the same normalised name).
    Returns the renamed table and the entries that do not fit it (a field we do not know, a
    column the file lacks), so a saved mapping never blocks a file with other columns."""
    header, unfit = list(raw.header), []
    joined: dict[int, list[str]] = {}
    for field_name, column in (mapping or {}).items():
        if field_name not in TEMPLATE_FIELDS:
            unfit.append(say("not_template_field", field=field_name, fields=", ".join(TEMPLATE_FIELDS)))
            continue
        position = _position(raw.header, column)
        parts = [_position(raw.header, part) for part in column.split(JOIN)] if position is None and JOIN in column else []
        if parts and None not in parts and len(set(parts)) == len(parts):
            # two columns joined into one value: 'Apache' + '37' → 'Apache / 37', so a sprint name
            # that repeats across boards stays apart; the joined value takes the first column's place
            position = parts[0]
            joined[position] = [" / ".join(cell.strip() for cell in cells if cell.strip())
                                for cells in zip(*(raw.columns[part] for part in parts))]
            for part in parts[1:]:
                header[part] = ""  # read into the joined value: not an ignored column
        if position is None:
            unfit.append(say("chosen_column_missing", column=column, field=field_name))
        else:
            header[position] = field_name
    if joined:
        columns = [joined.get(position, cells) for position, cells in enumerate(raw.columns)]
        return replace(raw, header=header, columns=columns), unfit
    return (replace(raw, header=header) if header != raw.header else raw), unfit


# 'team=project+board' on the command line, two choices on the Import page: one value of both columns
JOIN = "+"


def _position(header: list[str], column: str) -> int | None:
    """Where a column named in a mapping is: its exact header, else the same normalised name."""
    position = next((i for i, cell in enumerate(header) if cell == column), None)
    if position is None:
        position = next((i for i, cell in enumerate(header) if normalise(cell) == normalise(column.strip())), None)
    return position


# The sprints template's figures: without them (and without item rows) a sprint shows nothing.
FIGURES = ("committed", "completed", "added", "removed")
# Words teams use in their own spreadsheets for the figures and dates of a sprint, German and
# English; a header matches when its words, units in brackets and filler words set aside, are one
# of them ("Zusage (Punkte)" → zusage, "Ende Sprint" → ende).
PROPOSALS = {
    "committed": ("zusage", "zugesagt", "plan", "geplant", "commitment", "committed", "planned", "forecast",
                  "zusage_bei_start", "plan_start"),
    "completed": ("erledigt", "geliefert", "ist", "done", "completed", "delivered", "abgeschlossen", "fertig",
                  "velocity", "geschafft"),
    "added": ("neu_hinzugekommen", "hinzugekommen", "hinzugefuegt", "added", "neu", "scope_added", "nachgelegt",
              "zusaetzlich"),
    "removed": ("gestrichen", "entfernt", "removed", "dropped", "rausgenommen", "scope_removed"),
    "start_date": ("beginn", "start", "anfang", "von", "startdatum", "begin", "started", "start_date"),
    "end_date": ("ende", "end", "bis", "enddatum", "schluss", "finish", "ended", "end_date"),
}
_UNIT_WORDS = {"punkte", "punkten", "points", "pts", "sp", "story", "storypoints", "stunden", "hours", "h", "eur",
               "euro", "anzahl", "count", "tage", "days", "datum", "date", "sprint", "des", "der", "im", "in", "am",
               "of", "the"}


def _proposal_word(header: str) -> str:
    words = [word for word in normalise(header).split("_") if word and word not in _UNIT_WORDS]
    return "_".join(words)


def propose_mapping(template: Template, header: list[str]) -> dict[str, str]:
    """Template column → the file's column, for the columns a team's own spreadsheet names with
    its own words (``PROPOSALS``): only columns the template did not recognise, only fields it
    lacks, each at most once. A proposal, shown and asked about, never applied by itself."""
    recognised = match_columns(template, header)
    lacking = [name for name in PROPOSALS if name in {c.name for c in template.columns}
               and name not in recognised.values()]
    proposal: dict[str, str] = {}
    for position, cell in enumerate(header):
        if position in recognised or not cell.strip():
            continue
        word = _proposal_word(cell)
        found = next((name for name in lacking if name not in proposal and word in PROPOSALS[name]), None)
        if found:
            proposal[found] = cell
    return proposal


def mapping_flags(mapping: dict[str, str]) -> str:
    """A mapping as the command line takes it: --map 'committed=Zusage (Punkte)' …"""
    return " ".join(f"--map {shlex.quote(f'{name}={column}')}" for name, column in mapping.items())


def _figures_proposal(raw: RawTable, template: Template, cells: _Cells) -> None:
    """A sprints file whose figures are in columns we do not know is refused with a proposal:
    imported as it is, every sprint would show nothing (issue 19's 'Zusage (Punkte)')."""
    if template.kind != "sprints" or any(name in cells.position for name in FIGURES):
        return
    proposal = propose_mapping(template, raw.header)
    if not any(name in proposal for name in FIGURES):
        return
    shown = ", ".join(f"{name} ← '{column}'" for name, column in proposal.items())
    raise ImportFailed(say("t_figures_unrecognised", file=raw.file), [Problem(
        raw.file, 1, None, say("figures_proposal", proposal=shown, flags=mapping_flags(proposal)))])


# what a spreadsheet writes into the first cell of its totals row
_DIGIT = re.compile(r"[0-9]")
TOTALS = {"summe", "summen", "gesamt", "gesamtsumme", "insgesamt", "endsumme", "total", "totals", "grand_total",
          "sum", "gesamt_summe"}


def _totals_rows(raw: RawTable, cells: _Cells) -> dict[int, tuple[str, str]]:
    """Row → (column, cell) of every row that is a spreadsheet's totals row ('Summe', 'Total',
    'Gesamt' in the first column or in a key column): it sums the rows above, it is no sprint."""
    positions = sorted({0, *(cells.position[name] for name in cells.template.key if name in cells.position)})
    found: dict[int, tuple[str, str]] = {}
    for position in positions:
        column = raw.columns[position]
        # each distinct cell normalised once (teams and sprints repeat on every row), and none with
        # a digit (normalising keeps digits, no totals word has one: keys and sprint numbers), both
        # found by Arrow over the whole column; only the rows holding a totals word are visited,
        # in row order as before
        texts = TextColumn.of(column).array
        candidates = pc.unique(pc.filter(texts, pc.invert(pc.match_substring_regex(texts, _DIGIT.pattern))))
        totals = [cell for cell in candidates.to_pylist() if normalise(cell) in TOTALS]
        if not totals:
            continue
        holding = pc.indices_nonzero(pc.is_in(texts, value_set=pa.array(totals, texts.type)))
        for index in holding.to_pylist():
            row = raw.row_numbers[index]
            if row not in found:
                found[row] = (raw.header[position], texts[index].as_py().strip())
    return found


def _named_totals(raw: RawTable, cells: _Cells) -> None:
    """A totals row's problems become one that says what the row is (not 'sprint is empty')."""
    totals = _totals_rows(raw, cells)
    if totals:
        cells.problems = [p for p in cells.problems if p.row not in totals]
        cells.problems += [Problem(raw.file, row, column, say("totals_row", text=text), text)
                           for row, (column, text) in totals.items()]
        cells.problems.sort(key=lambda p: p.row or 0)


def _duplicates_hint(raw: RawTable, cells: _Cells, frame: pd.DataFrame, key: tuple[str, ...]) -> list[str]:
    """When a column the template ignores tells duplicate keys apart (the same sprint name on
    different boards), the remedy: map team to two columns joined."""
    repeated = int(frame.dropna(subset=list(key)).duplicated(list(key)).sum())
    if not repeated or "team" not in key or "team" not in cells.position:
        return []
    recognised = set(cells.position.values())
    best = None
    for position, header in enumerate(raw.header):
        if position in recognised or not header:
            continue
        apart = frame.assign(_apart=list(raw.columns[position])).dropna(subset=list(key))
        left = int(apart.duplicated([*key, "_apart"]).sum())
        if left < repeated and (best is None or left < best[1]):
            best = (header, left)
    if best is None:
        return []
    team = cells.header_of["team"]
    return [say("duplicates_apart", n=repeated, file=raw.file, what=key[-1], column=best[0], left=best[1],
                flags=mapping_flags({"team": f"{team}{JOIN}{best[0]}"}))]


def _fail_missing(raw: RawTable, message: str):
    raise ImportFailed(say("t_unknown_columns"), [Problem(raw.file, 1, None, message)])


@dataclass
class Frame:
    """Rows for one stored table, with the columns the file actually had (others are kept as stored).

    ``data`` may carry ``source_row``, the spreadsheet row each record came from, for messages.
    ``unique``: no two rows share the stored table's key (the parse refused any that did), so the
    store need not look for repeated keys again."""

    table: str
    data: pd.DataFrame
    present: set[str]
    unique: bool = False


@dataclass
class ParsedFile:
    file: str
    kind: str
    source: str
    rows: int
    frames: list[Frame]
    notes: list[str]
    warnings: list[str]
    ignored: list[str] = field(default_factory=list)  # the file's columns no template column was read from


class _Cells:
    """Typed cell parsing for one file, collecting problems instead of stopping at the first."""

    def __init__(self, raw: RawTable, template: Template, day_first: bool | None, team: str | None):
        self.raw = raw
        self.team = team
        self.template = template
        self.problems: list[Problem] = []
        self.failed: set[tuple[int, str]] = set()  # cells already reported: no follow-on problems for them
        mapping = match_columns(template, raw.header)
        self.position = {name: pos for pos, name in mapping.items()}
        self.header_of = {name: raw.header[pos] for pos, name in mapping.items()}
        # both decisions read each distinct cell once, in the order of the file (column by column)
        number_cells = dict.fromkeys(chain.from_iterable(self.column(pos).distinct() for name, pos in self.position.items()
                                                         if template.column(name).kind == "number"))
        self.decimal = values.decide_decimal(list(number_cells))
        date_cells = dict.fromkeys(chain.from_iterable(self.column(pos).distinct() for name, pos in self.position.items()
                                                       if template.column(name).kind == "date"))
        self.day_first = day_first if day_first is not None else values.decide_day_first(list(date_cells))

    def column(self, position: int) -> TextColumn:
        """The cells at a header position as a TextColumn (a list of cells turned into one once)."""
        cells = self.raw.columns[position]
        if not isinstance(cells, TextColumn):
            cells = self.raw.columns[position] = TextColumn.of(cells)
        return cells

    def add(self, row: int, column: str, message: str, value: str | None = None) -> None:
        self.failed.add((row, column))  # every one: counted, grouped and offered whole (errors.SHOWN_PROBLEMS)
        self.problems.append(Problem(self.raw.file, row, self.header_of.get(column, column), message, value))

    def frame(self) -> pd.DataFrame:
        data: dict[str, object] = {"source_row": np.asarray(self.raw.row_numbers, dtype=np.int64)}
        height = len(self.raw)
        for column in self.template.columns:
            if column.name == "team" and self.team is not None:
                data["team"] = [self.team] * height  # --team / the page's team field wins
                continue
            position = self.position.get(column.name)
            cells = self.column(position) if position is not None else TextColumn.empty(height)
            data[column.name] = self.parse_column(column, cells)
        return pd.DataFrame(data)

    def parse_column(self, column: Column, cells: TextColumn) -> pd.Series | pd.api.extensions.ExtensionArray | np.ndarray:
        """Parse each distinct cell once (files repeat teams, sprints, dates, yes/no endlessly) and
        spread the values over the rows as a set operation; a bad value is reported at every row
        that has it, in row order, as if each cell had been parsed on its own. The column comes
        typed as pandas would type the list of every cell's value."""
        if not len(cells):
            return []  # typed by pandas as the list of no values was
        if column.kind == "text":  # often one value per row (keys, titles): stripped in Arrow, all at once
            stripped = cells.stripped()
            empty = pc.equal(pc.binary_length(stripped), 0)
            if not (column.required and pc.any(empty).as_py()):  # else below, where each empty one is reported
                text = pc.if_else(empty, pa.scalar(None, stripped.type), stripped)
                if text.null_count == len(text):  # no text at all: pandas types a list of None as object
                    return np.full(len(text), None, dtype=object)
                return pd.arrays.ArrowStringArray(text, dtype=TEXT)
        codes, distinct = cells.encoded()
        # factorize numbers the values in the order they first appear: a value's first row is where
        # the running highest code goes up (as np.unique(codes, return_index=True), without sorting)
        highest = np.maximum.accumulate(codes)
        first_index = np.flatnonzero(np.concatenate(([True], highest[1:] > highest[:-1])))
        parsed, failing = [], {}
        for code, cell in enumerate(distinct):
            row = self.raw.row_numbers[first_index[code]]
            before = len(self.problems)
            parsed.append(self.parse(column, cell, row))
            if (row, column.name) in self.failed:  # taken back here, reported below at every row that has it
                failing[code] = self.problems[before:]
                del self.problems[before:]
                self.failed.discard((row, column.name))
        for index in np.flatnonzero(np.isin(codes, list(failing))) if failing else ():
            row, problems = self.raw.row_numbers[index], failing[codes[index]]
            self.failed.add((row, column.name))
            for problem in problems:
                self.add(row, column.name, problem.message, problem.value)
        # typed from the distinct values (the same types as every cell's, so the same dtype), then spread
        return pd.Series(parsed).iloc[codes].reset_index(drop=True)

    def parse(self, column: Column, cell: str, row: int):
        if values.is_blank(cell):
            if column.required:
                self.add(row, column.name, say("required_empty", column=column.name), cell)
            if column.kind == "bool" and column.name in self.position:
                return False  # an empty cell in a yes/no column is a no (x/empty convention)
            return None
        try:
            if column.kind == "text":
                return cell.strip()
            if column.kind == "bool":
                return values.parse_bool(cell)
            if column.kind == "date":
                return values.parse_date(cell, self.day_first)
            if column.kind == "choice":
                word = normalise(cell)
                if word not in column.choices:
                    allowed = sorted(set(column.choices.values()))
                    raise ValueError(say("not_one_of", text=cell, allowed=", ".join(allowed)))
                return column.choices[word]
            number = values.parse_number(cell, self.decimal)
            if column.minimum is not None and number < column.minimum:
                raise ValueError(say("below_zero", text=cell, minimum=column.minimum, column=column.name)
                                 if column.minimum == 0 else say("below", text=cell, minimum=column.minimum))
            if column.maximum is not None and number > column.maximum:
                raise ValueError(say("above", text=cell, maximum=column.maximum, minimum=column.minimum))
            return number
        except ValueError as exc:
            self.add(row, column.name, message_of(exc), cell)
            return None


# text as pandas stores a column of str (Arrow-backed, NaN for a missing value)
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def _duplicates(cells: _Cells, frame: pd.DataFrame, key: tuple[str, ...]) -> None:
    # rows with an empty key part never repeat another (they are left out as before), found
    # without copying the frame
    repeated = frame[frame[list(key)].notna().all(axis=1) & duplicated(frame, key, keep=False)]
    if repeated.empty:
        return
    first_row = repeated.groupby(list(key), sort=False)["source_row"].transform("min")
    for record, first in zip(repeated.itertuples(index=False), first_row):
        if record.source_row != first:
            identity = [getattr(record, part) for part in key]
            cells.add(record.source_row, key[-1],
                      say("duplicate", identity=", ".join(map(str, identity)), first=first),
                      str(identity[-1]))


def duplicated(frame: pd.DataFrame, columns, keep="first") -> pd.Series:
    """``frame.duplicated(columns, keep=keep)``, from each column's codes: pandas would first turn
    every text cell of the key into a Python string, a large file's worth of them."""
    codes = pd.DataFrame({index: _codes(frame[column]) for index, column in enumerate(columns)}, index=frame.index)
    return codes.duplicated(keep=keep)


def _codes(column: pd.Series) -> np.ndarray:
    """A number per distinct value (-1 for a missing one), as ``pd.factorize``; text held in Arrow
    is numbered by Arrow itself."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        encoded = pc.dictionary_encode(pa.array(column.array))
        return pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return pd.factorize(column)[0]


def _as_dates(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.copy(deep=False)  # copy on write: the new date columns leave ``frame`` as it is
    for column in columns:
        out[column] = pd.to_datetime(out[column], errors="raise").astype("datetime64[us]")
    return out


def _missing(value) -> bool:
    """Empty cell: None, or the NaN/NaT pandas makes of it in a typed column."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _period_problem(known: dict[tuple, tuple | None], start, end) -> tuple | None:
    """``values.period_problem`` asked once per (start, end) and remembered in ``known``."""
    if (start, end) not in known:
        known[start, end] = values.period_problem(start, end)
    return known[start, end]


def _check_sprints(cells: _Cells, frame: pd.DataFrame) -> list[Frame]:
    # the columns as lists: iterating rows of Arrow-backed text costs a Python object per cell
    numbers = frame["source_row"].tolist()
    periods: dict[tuple, tuple | None] = {}  # each period checked once: teams share their sprints' dates
    # what _missing says of each cell, for whole columns at once (isna: None, NaN and NaT)
    no_start, no_end = frame["start_date"].isna().tolist(), frame["end_date"].isna().tolist()
    for source_row, start_date, end_date, start_missing, end_missing in zip(
            numbers, frame["start_date"].tolist(), frame["end_date"].tolist(), no_start, no_end):
        if cells.failed and {(source_row, "start_date"), (source_row, "end_date")} & cells.failed:
            continue  # the unreadable date is reported already
        if start_missing != end_missing:
            missing = "end_date" if end_missing else "start_date"
            cells.add(source_row, missing, say("both_dates"))
        elif not start_missing and (problem := _period_problem(periods, start_date, end_date)):
            cells.add(source_row, "end_date", problem[1], str(end_date))
    if "region" in cells.position:
        faults: dict[str, tuple | None] = {}  # each region asked about once: a file repeats its teams' regions
        for source_row, region, no_region in zip(numbers, frame["region"].tolist(), frame["region"].isna().tolist()):
            if no_region:
                fault = None
            elif (fault := faults.get(region, False)) is False:
                fault = faults[region] = region_fault(region)
            if fault:
                cells.add(source_row, "region", say(fault[0], **fault[1]), region)
    sprints = frame.assign(commitment_basis="recorded", file_order=frame["source_row"])
    present = set(cells.position) | {"commitment_basis", "file_order"}
    teams = frame[["team", "unit", "region"]].assign(region=frame["region"].str.upper()) \
        .drop_duplicates("team", keep="last")
    return [Frame("teams", teams, {"team"} | (present & {"unit", "region"})),
            Frame("sprints", _as_dates(sprints, ["start_date", "end_date"]), present, unique=True)]


def _check_items(cells: _Cells, frame: pd.DataFrame) -> list[Frame]:
    present = set(cells.position) | {"commitment_basis"}
    teams = frame[["team"]].drop_duplicates().assign(unit=None)
    items = _as_dates(frame, ["added_on", "done_on"]).assign(commitment_basis="recorded")
    return [Frame("teams", teams, {"team"}), sprints_named(frame), Frame("sprint_items", items, present, unique=True)]


def sprints_named(items: pd.DataFrame) -> Frame:
    """The sprints an items file names, in the order it first names them: a sprint new to the store
    gets that position (its order while it has no dates); a known sprint keeps all it has."""
    named = items[["team", "sprint"]].drop_duplicates().reset_index(drop=True)
    return Frame("sprints", named.assign(file_order=range(1, len(named) + 1)), {"team", "sprint", "file_order"},
                 unique=True)


def _check_okrs(cells: _Cells, frame: pd.DataFrame) -> list[Frame]:
    frame = frame.astype({"kr_type": object, "start_value": object, "target_value": object})
    cycles: dict[tuple, tuple] = {}
    objectives: dict[tuple, tuple] = {}
    for index, row in frame.iterrows():
        number = row["source_row"]
        if not _missing(row.cycle_start) and not _missing(row.cycle_end):
            if row.cycle_end <= row.cycle_start:
                cells.add(number, "cycle_end", say("cycle_end_before", end=str(row.cycle_end), start=str(row.cycle_start)),
                          str(row.cycle_end))
            dates = (row.cycle_start, row.cycle_end)
            earlier = cycles.setdefault((row.team, row.cycle), (dates, number))
            if earlier[0] != dates:
                cells.add(number, "cycle_start", say("cycle_other_dates", cycle=row.cycle, row=earlier[1]))
        objective = (row.objective, row.okr_type)
        earlier_objective = objectives.setdefault((row.team, row.cycle, row.objective_id), (objective, number))
        if earlier_objective[0] != objective:
            cells.add(number, "objective", say("objective_differs", objective=row.objective_id, row=earlier_objective[1]))
        kr_type, start, target = row.kr_type, row.start_value, row.target_value
        kr_type = None if _missing(kr_type) else kr_type
        start = None if _missing(start) else float(start)
        target = None if _missing(target) else float(target)
        if kr_type == "milestone":
            start = 0.0 if start is None else start
            target = 1.0 if target is None else target
        else:
            for name, value in (("start_value", start), ("target_value", target)):
                if value is None and (number, name) not in cells.failed:
                    cells.add(number, name, say("kr_value_required", column=name, kr_type=kr_type or "numeric"))
            if start is not None and target is not None:
                if kr_type is None:
                    if target == start:
                        cells.add(number, "kr_type", say("start_equals_target"))
                    kr_type = "increase" if target > start else "decrease"
                elif kr_type in ("increase", "decrease") and target == start:
                    cells.add(number, "target_value", say("target_equals_start", start=start, kr_type=kr_type))
                elif kr_type == "increase" and target < start:
                    cells.add(number, "kr_type", say("increase_below", target=target, start=start))
                elif kr_type == "decrease" and target > start:
                    cells.add(number, "kr_type", say("decrease_above", target=target, start=start))
        if not _missing(row.weight) and row.weight <= 0:
            cells.add(number, "weight", say("weight_positive"), str(row.weight))
        frame.at[index, "kr_type"] = kr_type
        frame.at[index, "start_value"] = start
        frame.at[index, "target_value"] = target
    frame["okr_type"] = frame["okr_type"].where(frame["okr_type"].notna(), "committed")
    frame["weight"] = frame["weight"].where(frame["weight"].notna(), 1.0)
    frame = frame.astype({"start_value": float, "target_value": float})
    present = set(cells.position)
    cycle_rows = _as_dates(frame.drop_duplicates(["team", "cycle"])[["team", "cycle", "cycle_start", "cycle_end"]],
                           ["cycle_start", "cycle_end"])
    objective_rows = frame.drop_duplicates(["team", "cycle", "objective_id"])[
        ["team", "cycle", "objective_id", "objective", "okr_type", "parent"]]
    # lessons are per objective: the first row of the objective that has some
    lessons = frame.dropna(subset=["lessons"]).drop_duplicates(["team", "cycle", "objective_id"])
    objective_rows = objective_rows.merge(lessons[["team", "cycle", "objective_id", "lessons"]],
                                          on=["team", "cycle", "objective_id"], how="left")
    kr_rows = frame[["kr_id", "team", "cycle", "objective_id", "key_result", "kr_type", "unit",
                     "start_value", "target_value", "weight"]]
    teams = frame[["team"]].drop_duplicates().assign(unit=None)
    return [Frame("teams", teams, {"team"}),
            Frame("cycles", cycle_rows, {"team", "cycle", "cycle_start", "cycle_end"}),
            Frame("objectives", objective_rows, {"team", "cycle", "objective_id", "objective", "okr_type"}
                  | (present & {"parent", "lessons"})),
            Frame("key_results", kr_rows, {"kr_id", "team", "cycle", "objective_id", "key_result", "kr_type",
                                           "start_value", "target_value", "weight"} | (present & {"unit"}))]


def _check_checkins(cells: _Cells, frame: pd.DataFrame) -> list[Frame]:
    return [Frame("checkins", _as_dates(frame, ["date"]), set(cells.position))]


def _check_plans(cells: _Cells, frame: pd.DataFrame) -> list[Frame]:
    return [Frame("kr_plans", _as_dates(frame, ["date"]), set(cells.position))]


def _check_retro(cells: _Cells, frame: pd.DataFrame) -> list[Frame]:
    frame = frame.assign(status=frame["status"].where(frame["status"].notna(), "open"))
    teams = frame[["team"]].drop_duplicates().assign(unit=None)
    return [Frame("teams", teams, {"team"}), Frame("retro_actions", frame, set(cells.position) | {"status"})]


_CHECKS = {"sprints": _check_sprints, "sprint_items": _check_items, "okrs": _check_okrs,
           "checkins": _check_checkins, "kr_plans": _check_plans, "retro_actions": _check_retro}


def parse_template(raw: RawTable, kind: str | None = None, *, team: str | None = None,
                   day_first: bool | None = None) -> ParsedFile:
    """Turn a template CSV into canonical frames, or raise ImportFailed with every problem found."""
    kind = kind or detect_kind(raw, frozenset({"team"}) if team is not None else frozenset())
    template = TEMPLATES[kind]
    cells = _Cells(raw, template, day_first, team)
    missing = [c.name for c in template.columns if c.required and c.name not in cells.position
               and not (c.name == "team" and team is not None)]
    for name in missing:
        cells.add(1, name, say("required_column", column=name, german=template.column(name).german))
    for group in template.any_of:
        if not any(name in cells.position for name in group):
            cells.add(1, group[0], say("one_of_columns", columns=" or ".join(group)))
    repeated = False
    for position, header in enumerate(raw.header):  # 'team,team': say so, not "not part of the template"
        key = normalise(header)
        twin = next((c.name for c in template.columns if key in (normalise(c.name), normalise(c.german))),
                    next((c.name for c in template.columns if key and key in _names(c)), None))
        if twin in cells.position and cells.position[twin] != position:
            cells.add(1, twin, say("column_repeats", header=header, position=position + 1,
                                   twin_position=cells.position[twin] + 1,
                                   twin_header=raw.header[cells.position[twin]], twin=twin), header)
            repeated = True
    if cells.problems and (missing or repeated):
        raise ImportFailed(say("t_columns_missing" if missing else "t_columns_repeated", file=raw.file), cells.problems)
    _figures_proposal(raw, template, cells)
    frame = cells.frame()
    key = template.key if kind != "okrs" else ("kr_id",)
    _duplicates(cells, frame, key)
    frames = _CHECKS[kind](cells, frame)
    _named_totals(raw, cells)
    if cells.problems:
        raise ImportFailed(say("t_file_problems", file=raw.file, n=len(cells.problems)), cells.problems,
                           _duplicates_hint(raw, cells, frame, key))
    recognised = set(match_columns(template, raw.header))
    ignored = [header for position, header in enumerate(raw.header) if position not in recognised and header]
    # one line for all of them: a spreadsheet with 14 extra columns gets one list, not 14 warnings
    warnings = [say("ignored_columns", file=raw.file, n=len(ignored), kind=kind,
                    columns=", ".join(f"'{header}'" for header in ignored))] if ignored else []
    return ParsedFile(raw.file, kind, "template", len(raw), frames, raw.notes, warnings, ignored)


# The generated template files are data, not code: they live in assets/ at the top, beside the icon.
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "assets" / "templates"


def _german_example(column: Column) -> str:
    text = column.example
    if not text:
        return text
    if column.kind == "date":
        year, month, day = text.split("-")
        return f"{day}.{month}.{year}"
    if column.kind == "bool":
        return {"yes": "ja", "no": "nein"}.get(text, text)
    if column.kind == "number":
        return text.replace(".", ",")
    return text


def template_csv(kind: str, language: str = "en") -> bytes:
    """The downloadable template: header and one example row. German: German headers, ';',
    decimal comma, 31.12.2026 dates, UTF-8 with BOM so Excel opens umlauts correctly."""
    template = TEMPLATES[kind]
    if language == "de":
        header = [c.german for c in template.columns]
        example = [_german_example(c) for c in template.columns]
        lines = [";".join(header), ";".join(example)]
        return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
    header = [c.name for c in template.columns]
    example = [f'"{c.example}"' if "," in c.example else c.example for c in template.columns]
    return (",".join(header) + "\n" + ",".join(example) + "\n").encode("utf-8")


def template_path(kind: str, language: str = "en"):
    return TEMPLATE_DIR / (f"{kind}.csv" if language == "en" else f"{kind}_{language}.csv")


def write_template_files() -> list[str]:
    """Regenerate assets/templates/ from the specs above (python -m data.templates)."""
    written = []
    for kind in TEMPLATES:
        for language in ("en", "de"):
            path = template_path(kind, language)
            path.write_bytes(template_csv(kind, language))
            written.append(path.name)
    return written


if __name__ == "__main__":
    print("\n".join(write_template_files()))
