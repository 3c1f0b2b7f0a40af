"""Issue exports of Jira, Azure DevOps and Linear, as the tools write them, turned into sprint items.

Issue exports carry no sprint-start snapshot, so commitment is inferred (FORMATS.md): an issue in
sprints S1..Sk was carried over from S1..Sk−1 (committed at the start of each later sprint) and is
done in Sk when delivered; in S1 it was committed unless it was created after S1 started, which
the metric engine decides against whatever sprint calendar is stored (``added_on`` = created).
Such items are marked ``commitment_basis = "inferred"``.

Columns are found through a header alias table (English, German, Spanish, Portuguese, French),
repeated headers (``Sprint``, ``Labels`` …) are read as one multi-valued field, and a user mapping
(field → header, ``Header#2`` for the second of two equal names, ``""`` for "not in this file")
overrides what was recognised.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from data import values
from data.csvfile import RawTable
from data.errors import ImportFailed, Problem
from data.templates import Frame, ParsedFile, normalise

SOURCES = ("jira", "azure", "linear")
JIRA_CAP = 1000

# field → normalised header spellings, per source
_CUSTOM = r"(custom_field|benutzerdefinierte_felder|benutzerdefiniertes_feld|campo_personalizado|champ_personnalise)"
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "jira": {
        "key": ("issue_key", "work_item_key", "vorgangsschluessel", "clave_de_incidencia", "clave", "chave_da_item",
                "chave_do_item", "chave", "cle_de_ticket", "cle"),
        "title": ("summary", "zusammenfassung", "resumen", "resumo", "resume"),
        "item_type": ("issue_type", "work_type", "vorgangstyp", "tipo_de_incidencia", "tipo_de_item", "tipo_de_itens",
                      "type_de_ticket"),
        "status": ("status", "estado", "statut"),
        "status_category": ("status_category", "statuskategorie", "categoria_de_estado", "categoria_de_status",
                            "categorie_d_etat", "categorie_de_statut"),
        "resolution": ("resolution", "loesung", "resolucion", "resolucao"),
        "created": ("created", "erstellt", "creada", "creado", "criado", "creation", "cree"),
        "updated": ("updated", "aktualisiert", "actualizada", "actualizado", "atualizado_a", "atualizado", "mis_a_jour"),
        "resolved": ("resolved", "erledigt", "resuelta", "resolvido", "resolue", "resolu"),
        "sprint": ("sprint",),
        "team": ("team", "custom_field_team"),
        "project": ("project_name", "projektname", "nombre_del_proyecto", "nome_do_projeto", "nom_du_projet"),
        "labels": ("labels", "stichwoerter", "etiquetas", "etiquettes"),
        "epic": ("custom_field_epic_link", "parent_key", "chave_pai", "uebergeordneter_schluessel"),
    },
    "azure": {
        "key": ("id",),
        "title": ("title", "titel"),
        "item_type": ("work_item_type", "arbeitselementtyp"),
        "status": ("state", "zustand"),
        "created": ("created_date", "erstellungsdatum"),
        "updated": ("changed_date", "aenderungsdatum"),
        "resolved": ("closed_date", "abschlussdatum"),
        "iteration": ("iteration_path", "iterationspfad"),
        "team": ("team",),
        "labels": ("tags", "markierungen"),
    },
    "linear": {
        "key": ("id",),
        "title": ("title",),
        "status": ("status",),
        "team": ("team",),
        "cycle_number": ("cycle_number",),
        "cycle_name": ("cycle_name",),
        "cycle_start": ("cycle_start",),
        "cycle_end": ("cycle_end",),
        "created": ("created",),
        "updated": ("updated",),
        "resolved": ("completed",),
        "canceled": ("canceled", "cancelled"),
        "labels": ("labels",),
        "item_type": ("issue_type",),
    },
}
ESTIMATE_DEFAULTS = {
    "jira": (f"{_CUSTOM}_story_points", f"{_CUSTOM}_story_point_estimate"),
    "azure": ("story_points", "effort", "size", "aufwand", "groesse"),
    "linear": ("estimate",),
}
REQUIRED = {"jira": ("key", "sprint"), "azure": ("key", "iteration"), "linear": ("key",)}
FIELDS = ("key", "title", "item_type", "status", "status_category", "resolution", "created", "updated", "resolved", "sprint",
          "team", "project", "labels", "epic", "iteration", "cycle_number", "cycle_name", "cycle_start", "cycle_end",
          "canceled", "estimate", "key_result")

DONE_CATEGORIES = {"done", "erledigt", "fertig", "listo", "terminado", "hecho", "itens_concluidos", "concluido",
                   "termine", "terminee"}
DONE_STATUSES = {"done", "closed", "resolved", "complete", "completed", "erledigt", "fertig", "geschlossen",
                 "cerrado", "cerrada", "listo", "fechado", "concluido", "ferme", "termine"}
NOT_DELIVERED = {"won_t_do", "wont_do", "won_t_fix", "wont_fix", "duplicate", "cancelled", "canceled",
                 "cannot_reproduce", "declined", "obsolete", "rejected", "abgelehnt", "duplikat", "wird_nicht_erledigt",
                 "wird_nicht_behoben", "abgebrochen", "nicht_reproduzierbar", "duplicado", "cancelado", "no_se_hara",
                 "nao_sera_feito", "rejete", "annule", "doublon"}
SUBTASKS = {"sub_task", "subtask", "unteraufgabe", "sub_tarea", "subtarea", "subtarefa", "sous_tache"}
AZURE_DONE = {"closed", "done", "geschlossen", "erledigt"}
AZURE_CANCELLED = {"removed", "entfernt"}

_SPRINT_OBJECT = re.compile(r"Sprint@\w*\[(.*)\]\s*$", re.S)
_SPRINT_KEYS = ("id", "rapidViewId", "state", "name", "goal", "startDate", "endDate", "completeDate",
                "activatedDate", "sequence", "autoStartStop", "synced", "incompleteIssuesDestinationId")
_SPRINT_SPLIT = re.compile(r",(?=(?:%s)=)" % "|".join(_SPRINT_KEYS))


def detect_source(header: list[str]) -> str | None:
    """Which tool wrote this header row, or None for anything else (our templates)."""
    names = {normalise(h) for h in header}
    if names & set(ALIASES["jira"]["key"][:3]) or (names & set(ALIASES["jira"]["key"]) and "sprint" in names):
        return "jira"
    if "iteration_path" in names or "iterationspfad" in names:
        return "azure"
    if {"cycle_number", "cycle_name"} & names and "id" in names:
        return "linear"
    return None


def parse_sprint_cell(text: str) -> dict[str, str | None] | None:
    """``…Sprint@1a2b[id=29,state=CLOSED,name=Sprint 15,startDate=2018-04-19T10:45:31.067-04:00,…]`` →
    its fields (names and goals may contain commas); None for a plain sprint name."""
    match = _SPRINT_OBJECT.search(text)
    if not match:
        return None
    fields = {}
    for part in _SPRINT_SPLIT.split(match.group(1)):
        name, _, value = part.partition("=")
        fields[name.strip()] = None if value in ("<null>", "") else value
    return fields


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


def match_columns(raw: RawTable, source: str, mapping: dict[str, str] | None = None) -> Columns:
    aliases = ALIASES[source]
    positions: dict[str, list[int]] = {}
    for position, cell in enumerate(raw.header):
        key = normalise(cell)
        for name, spellings in aliases.items():
            if key in spellings:
                positions.setdefault(name, []).append(position)
                break
    for pattern in ESTIMATE_DEFAULTS[source]:  # in order of preference; several may be present
        found = [i for i, h in enumerate(raw.header) if re.fullmatch(pattern, normalise(h))]
        if found:
            positions.setdefault("estimate", []).extend(found)
    problems = []
    for name, reference in (mapping or {}).items():
        if name not in FIELDS:
            problems.append(Problem(raw.file, 1, reference, f"'{name}' is not a field that can be mapped; "
                                                            f"use one of {', '.join(FIELDS)}."))
        elif reference == "":
            positions[name] = []  # "not in this file", e.g. no estimates at all
        else:
            found = _resolve(raw.header, reference)
            if not found:
                problems.append(Problem(raw.file, 1, reference, f"The column '{reference}' chosen for {name} is not "
                                                                f"in this file. Columns: {', '.join(raw.header[:40])}."))
            positions[name] = found
    if problems:
        raise ImportFailed("Column mapping does not fit the file", problems)
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
    for name, reference in (mapping or {}).items():
        if name not in FIELDS:
            problems.append(Problem(raw.file, 1, reference, f"'{name}' is not a field that can be mapped; "
                                                            f"use one of {', '.join(FIELDS)}."))
        elif reference != "" and not _resolve(raw.header, reference):
            problems.append(Problem(raw.file, 1, reference, f"The column '{reference}' chosen for {name} is not "
                                                            f"in this file. Columns: {', '.join(raw.header[:40])}."))
        else:
            fitting[name] = reference
    return fitting, problems


def inspect(raw: RawTable, source: str, mapping: dict[str, str] | None = None) -> Inspection:
    """What the file's columns were recognised as. Never refuses because of the mapping: entries
    that do not fit (a saved mapping of another export) are left out and listed in ``ignored``."""
    mapping, unfit = fit_mapping(raw, mapping)
    columns = match_columns(raw, source, mapping)
    missing = [name for name in (*REQUIRED[source], "estimate") if not columns.positions.get(name)
               and not (name == "estimate" and (mapping or {}).get("estimate") == "")]
    numeric = []
    for position, header in enumerate(raw.header):
        cells = [row[position].strip().lstrip("'") for row in raw.rows[:200] if row[position].strip()]
        if cells and all(_is_number(c) for c in cells):
            numeric.append(_label(raw.header, position))
    return Inspection(raw.file, source, columns.labels, columns.unknown, missing, columns.duplicates, numeric,
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


@dataclass
class Issue:
    key: str
    row: int
    title: str | None = None
    item_type: str | None = None
    estimate: float | None = None
    sprints: list[str] = field(default_factory=list)
    created: object = None
    updated: object = None
    resolved: object = None
    delivered: bool = False
    cancelled: bool = False
    team: str | None = None
    key_result: str | None = None
    calendar: dict[str, dict] = field(default_factory=dict)  # sprint name → dates/goal this row tells


class _Reader:
    """Cell access by field for one export, collecting located problems."""

    def __init__(self, raw: RawTable, source: str, columns: Columns, day_first: bool | None):
        self.raw, self.source, self.columns = raw, source, columns
        self.problems: list[Problem] = []
        dates = [row[p] for name in ("created", "updated", "resolved", "cycle_start", "cycle_end", "canceled")
                 for p in columns.positions.get(name, []) for row in raw.rows]
        self.day_first = day_first if day_first is not None else values.decide_day_first(dates)
        numbers = [row[p] for p in columns.positions.get("estimate", []) for row in raw.rows]
        self.decimal = values.decide_decimal(numbers)

    def cells(self, row: list[str], name: str) -> list[str]:
        found = []
        for position in self.columns.positions.get(name, []):
            cell = row[position].strip()
            if self.source == "linear" and cell.startswith("'"):
                cell = cell[1:]  # Linear guards formula-like text with a leading apostrophe
            if cell:
                found.append(cell)
        return found

    def text(self, row: list[str], name: str) -> str | None:
        found = self.cells(row, name)
        return found[0] if found else None

    def add(self, number: int, name: str, message: str, value: str | None = None) -> None:
        self._problem(number, self.columns.labels.get(name, name).split(", ")[0], message, value)

    def _problem(self, number: int, column: str, message: str, value: str | None) -> None:
        if len(self.problems) < 50:
            self.problems.append(Problem(self.raw.file, number, column, message, value))

    def date(self, row: list[str], number: int, name: str):
        text = self.text(row, name)
        if text is None:
            return None
        try:
            return values.parse_date(text, self.day_first)
        except ValueError as exc:
            self.add(number, name, str(exc), text)
            return None

    def number(self, row: list[str], number: int, name: str) -> float | None:
        for position in self.columns.positions.get(name, []):  # the first filled, in preference order
            text = row[position].strip().lstrip("'")
            if not text:
                continue
            column = _label(self.raw.header, position)
            try:
                value = values.parse_number(text, self.decimal)
            except ValueError as exc:
                self._problem(number, column, str(exc), text)
                return None
            if value < 0:
                self._problem(number, column, f"'{text}' is negative; an estimate cannot be.", text)
                return None
            return value
        return None


def _key_result(reader: _Reader, row: list[str], known: set[str], mapped: bool) -> str | None:
    """The first value of the chosen column(s) that is a known KR id (stored, or defined in this
    import); without a mapping, labels and epic links are looked at the same way."""
    names = ("key_result",) if mapped else ("labels", "epic")
    for name in names:
        for cell in reader.cells(row, name):
            for part in re.split(r"[,;]", cell):
                if part.strip() in known:
                    return part.strip()
    return None


def _jira_issue(reader: _Reader, row: list[str], number: int) -> Issue:
    issue = Issue(reader.text(row, "key"), number, reader.text(row, "title"), reader.text(row, "item_type"))
    for cell in reader.cells(row, "sprint"):
        details = parse_sprint_cell(cell)
        name = (details or {}).get("name") or cell
        if details:
            issue.calendar[name] = _jira_sprint_dates(reader, number, name, details)
        issue.sprints.append(name)
    category = normalise(reader.text(row, "status_category") or "")
    status = normalise(reader.text(row, "status") or "")
    issue.resolved = reader.date(row, number, "resolved")
    done = category in DONE_CATEGORIES if category else (status in DONE_STATUSES or issue.resolved is not None)
    issue.cancelled = done and normalise(reader.text(row, "resolution") or "") in NOT_DELIVERED
    issue.delivered = done and not issue.cancelled
    return issue


def _jira_sprint_dates(reader: "_Reader", number: int, name: str, details: dict) -> dict:
    """A Jira sprint object's dates as dates (``startDate=2018-04-19T10:45:31.067-04:00``), checked
    where they are read, so a garbled one is reported with its row like any other date."""
    out = {"goal": details.get("goal")}
    for field_name, key in (("startDate", "start"), ("endDate", "end"), ("completeDate", "complete")):
        text = details.get(field_name)
        if not text:
            continue
        try:
            out[key] = values.parse_date(text)
        except ValueError as exc:
            reader.add(number, "sprint", f"Sprint '{name}': {field_name} {exc}", text)
    return out


def _azure_issue(reader: _Reader, row: list[str], number: int) -> Issue:
    issue = Issue(reader.text(row, "key"), number, reader.text(row, "title"), reader.text(row, "item_type"))
    path = [part for part in re.split(r"[\\/]", reader.text(row, "iteration") or "") if part]
    if len(path) > 1:  # a bare project root means: not in a sprint
        issue.sprints.append(path[-1])
    issue.team = path[0] if path else None  # the project, used when no team is given otherwise
    state = normalise(reader.text(row, "status") or "")
    issue.resolved = reader.date(row, number, "resolved")
    issue.cancelled = state in AZURE_CANCELLED
    issue.delivered = state in AZURE_DONE
    return issue


def _linear_issue(reader: _Reader, row: list[str], number: int) -> Issue:
    issue = Issue(reader.text(row, "key"), number, reader.text(row, "title"), reader.text(row, "item_type"))
    cycle = reader.text(row, "cycle_name") or (f"Cycle {reader.text(row, 'cycle_number')}"
                                               if reader.text(row, "cycle_number") else None)
    start, end = reader.date(row, number, "cycle_start"), reader.date(row, number, "cycle_end")
    if cycle:
        issue.sprints.append(cycle)
        issue.calendar[cycle] = {"start": start, "end": end}
    issue.resolved = reader.date(row, number, "resolved")
    canceled = reader.date(row, number, "canceled")
    issue.cancelled = canceled is not None
    # velocity counts work completed within the cycle's window
    issue.delivered = issue.resolved is not None and (end is None or issue.resolved <= end)
    return issue


_ISSUE = {"jira": _jira_issue, "azure": _azure_issue, "linear": _linear_issue}


def _sprint_dates(source: str, details: dict) -> tuple[object, object, str | None]:
    if source == "linear":
        return details.get("start"), details.get("end"), None
    return details.get("start"), details.get("complete") or details.get("end"), details.get("goal")


def sprint_sequence(histories: Iterable[list]) -> list:
    """Sprints in time order as far as the issues tell it: an issue lists the sprints it was in oldest
    first, so each consecutive pair is an 'earlier than'. Sprints the issues do not order keep the
    order of their first appearance; contradicting histories fall back to that order too."""
    first_seen: dict = {}
    later: dict = {}
    earlier_count: dict = {}
    for history in histories:
        for sprint in history:
            first_seen.setdefault(sprint, len(first_seen))
            earlier_count.setdefault(sprint, 0)
        for before, after in zip(history, history[1:]):
            if after not in later.setdefault(before, set()):
                later[before].add(after)
                earlier_count[after] += 1
    ready = sorted((s for s, n in earlier_count.items() if n == 0), key=first_seen.get)
    ordered = []
    while ready:
        sprint = ready.pop(0)
        ordered.append(sprint)
        for after in sorted(later.get(sprint, ()), key=first_seen.get):
            earlier_count[after] -= 1
            if earlier_count[after] == 0:
                ready.append(after)
                ready.sort(key=first_seen.get)
    placed = set(ordered)
    return ordered + sorted((s for s in first_seen if s not in placed), key=first_seen.get)


def parse_export(raw: RawTable, source: str, *, team: str | None = None, mapping: dict[str, str] | None = None,
                 known_krs: Iterable[str] = (), day_first: bool | None = None) -> ParsedFile:
    """An issue export as sprint items (inferred commitment) plus the sprints and teams it names."""
    mapping = dict(mapping or {})
    columns = match_columns(raw, source, mapping)
    missing = [name for name in REQUIRED[source] if not columns.positions.get(name)]
    if source == "linear" and not (columns.positions.get("cycle_number") or columns.positions.get("cycle_name")):
        missing.append("cycle_number")
    problems = [Problem(raw.file, 1, name, f"The {source.title()} column for '{name}' was not found. "
                        f"Map it (--map {name}=\"Column\") or export it too.") for name in missing]
    if not columns.positions.get("estimate") and mapping.get("estimate") != "":
        numeric = inspect(raw, source, mapping).numeric_columns
        problems.append(Problem(
            raw.file, 1, "estimate",
            "No story point column was found. Choose the column that holds the estimates with "
            "--map estimate=\"Column\"" + (f" (columns with numbers: {', '.join(numeric[:8])})" if numeric else "")
            + ", or --map estimate= to import without estimates and count items."))
    if problems:
        raise ImportFailed(f"{raw.file}: columns missing", problems)

    reader = _Reader(raw, source, columns, day_first)
    calendar: dict[tuple[str, str], dict] = {}
    issues: dict[str, Issue] = {}
    known = set(known_krs)
    skipped = {"that are sub-tasks": 0, "without a sprint": 0}
    first_row: dict[str, int] = {}
    bad_periods: set[str] = set()
    for row, number in zip(raw.rows, raw.row_numbers):
        issue = _ISSUE[source](reader, row, number)
        if not issue.key:
            reader.add(number, "key", "The issue key is empty.")
            continue
        if issue.key in first_row:
            # A tool lists an issue once per export, so one key twice in ONE file means rows were pasted
            # together or edited, and which row is right cannot be told: a problem naming both rows (as
            # for our templates). Overlapping *different* files are normal (Jira stops at 1,000 issues):
            # there the newest state wins (importer._keep_latest_issue_rows).
            reader.add(number, "key", f"Duplicate: issue {issue.key} is already in row {first_row[issue.key]} of "
                                      "this file. Keep one row per issue.", issue.key)
            continue
        first_row[issue.key] = number
        for name, details in issue.calendar.items():
            start, end, _ = _sprint_dates(source, details)
            problem = values.period_problem(start, end, "cycle" if source == "linear" else "sprint")
            if problem and name not in bad_periods:
                bad_periods.add(name)
                reader.add(number, "cycle_end" if source == "linear" else "sprint", f"'{name}': {problem[1]}")
        issue.created = reader.date(row, number, "created")
        issue.updated = reader.date(row, number, "updated")
        issue.estimate = reader.number(row, number, "estimate")
        issue.key_result = _key_result(reader, row, known, bool(columns.positions.get("key_result")))
        if normalise(issue.item_type or "") in SUBTASKS:
            skipped["that are sub-tasks"] += 1  # their parent carries the estimate; counting both would double it
            continue
        if not issue.sprints:
            skipped["without a sprint"] += 1
            continue
        issue.team = team or reader.text(row, "team") or reader.text(row, "project") or issue.team
        if issue.team is None:
            reader.add(number, "team", "No team: this row has no Team or Project name. Give the team (--team).")
            continue
        issues[issue.key] = issue
        for name, details in issue.calendar.items():  # cycles of different teams may share a name
            known_details = calendar.setdefault((issue.team, name), {})
            known_details.update({k: v for k, v in details.items() if v is not None and k not in known_details})
    if reader.problems:
        raise ImportFailed(f"{raw.file}: {len(reader.problems)} problem(s)", reader.problems)
    if not issues:
        raise ImportFailed("No sprint work", [Problem(raw.file, None, "sprint", "No issue in this file is in a sprint "
                                                      "(sub-tasks and backlog issues are left out). Export issues of "
                                                      "closed sprints, with the Sprint column.")])

    item_rows, sprint_rows = [], {}
    for issue in issues.values():
        sprints = list(dict.fromkeys(issue.sprints))  # oldest first, as Jira lists them
        last = len(sprints) - 1
        for position, sprint in enumerate(sprints):
            final = position == last
            item_rows.append({
                "team": issue.team, "sprint": sprint, "item_key": issue.key, "title": issue.title,
                "item_type": issue.item_type, "estimate": issue.estimate,
                # carried over into this sprint: committed at its start; the first sprint: decided by the
                # creation date against the sprint calendar, whichever file brings it
                "committed_at_start": True if position > 0 else None,
                "added_on": issue.created if position == 0 else None,
                "removed": final and issue.cancelled, "done": final and issue.delivered,
                "done_on": issue.resolved if final and issue.delivered else None,
                "key_result": issue.key_result, "commitment_basis": "inferred",
                "source_updated": issue.updated})  # not stored: picks the newest of overlapping exports
            sprint_rows.setdefault((issue.team, sprint), None)
    items = pd.DataFrame(item_rows)
    for column in ("added_on", "done_on", "source_updated"):
        items[column] = pd.to_datetime(items[column]).astype("datetime64[us]")
    items["committed_at_start"] = items["committed_at_start"].astype("boolean")

    dated, undated = [], []
    position = {key: number for number, key in enumerate(
        sprint_sequence([(issue.team, s) for s in dict.fromkeys(issue.sprints)] for issue in issues.values()),
        start=1)}
    for (team_name, sprint) in sprint_rows:
        start, end, goal = _sprint_dates(source, calendar.get((team_name, sprint), {}))
        (dated if start and end else undated).append(
            {"team": team_name, "sprint": sprint, "start_date": start, "end_date": end, "goal": goal,
             "file_order": position[(team_name, sprint)]})
    frames = [Frame("teams", pd.DataFrame({"team": sorted({i.team for i in issues.values()})}).assign(unit=None),
                    {"team"})]
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
    frames.append(Frame("sprint_items", items, set(items.columns) - {"source_updated"}
                        - (set() if linked else {"key_result"})))

    notes = list(raw.notes)
    estimate_from = columns.labels.get("estimate")
    notes.append(f"{raw.file}: {source.title()} export, {len(issues)} issues in {len(sprint_rows)} sprint(s); "
                 + (f"estimates from '{estimate_from}'" if estimate_from else "no estimates (count items)")
                 + ".")
    warnings = [f"{raw.file}: left out {count} issue(s) {what}." for what, count in skipped.items() if count]
    if source == "jira" and len(raw.rows) == JIRA_CAP:
        warnings.append(f"{raw.file}: exactly {JIRA_CAP:,} issues, Jira's export limit: the export is probably cut "
                        "off. Export the rest (e.g. by created date) and upload the files together.")
    return ParsedFile(raw.file, "sprint_items", source, len(raw.rows), frames, notes, warnings)
