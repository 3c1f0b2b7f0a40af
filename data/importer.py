"""From uploaded files to stored rows: read, detect, parse, validate, then write atomically.

Pages and the command line call ``import_uploads``; it raises ``ImportFailed`` with every problem
of every file (nothing is written then) or returns what was written.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from data import aggregates
from data.csvfile import RawTable, TextColumn, read_csv
from data.errors import ImportFailed, Problem, Rejected, joined, say
from data.settings import setting
from data.sources import SOURCES as EXPORT_SOURCES
from data.sources import INSPECTED_ROWS, Inspection, detect_source, fit_mapping, inspect, parse_export
from data.store import ImportResult, Progress, Store, content_hash, main_table
from data.templates import (FIGURES, TEMPLATES, ParsedFile, detect_kind, fit_score, map_columns, parse_template,
                            propose_mapping)
from data.templates import match_columns as match_template_columns


def source_choices() -> tuple[str, ...]:
    """What ``source`` may be: detected, our templates, or a registered tool."""
    return ("auto", "template", *EXPORT_SOURCES)


PREVIEW_ROWS = 10


@dataclass(frozen=True)
class Upload:
    """A file to import. It is read (split into cells) once, on first use: the Import page keeps
    its uploads between reruns, so its mapping, check and import all work from one reading."""
    name: str
    content: bytes
    _read: list = field(default_factory=list, init=False, repr=False, compare=False)
    _head: list = field(default_factory=list, init=False, repr=False, compare=False)  # see ``glance``

    @functools.cached_property
    def digest(self) -> str:
        """``content_hash`` of the content, computed once: the Import page asks for it on every rerun
        (which file is which, whether the check is still current), 7 ms a time for a 13 MB file."""
        return content_hash(self.content)

    def let_go_of_reading(self) -> None:
        """Drop the file's cells once they are parsed: while the parse waits for its write, and
        during the write, they are as big as the rows going in (13 MiB for a 100k-row export). Read
        again from the content if asked for again; the header and first rows stay (``glance``). A
        file that could not be read keeps its refusal (no cells)."""
        if self._read and isinstance(self._read[0], RawTable):
            raw = self._read[0]
            self._head[:] = [replace(raw, columns=[list(column[:INSPECTED_ROWS]) for column in raw.columns],
                                     row_numbers=raw.row_numbers[:INSPECTED_ROWS])]
            self._read.clear()


def read_upload(upload: Upload) -> RawTable:
    if not upload._read:
        try:
            upload._read.append(read_csv(upload.name, upload.content,
                                         max_bytes=int(setting("DASHBOARD_MAX_UPLOAD_MB") * 2**20),
                                         max_rows=setting("DASHBOARD_MAX_ROWS")))
        except ImportFailed as failure:
            upload._read.append(failure)
    if isinstance(upload._read[0], ImportFailed):
        raise upload._read[0]
    return upload._read[0]


def glance(upload: Upload) -> RawTable:
    """The file's header and its first ``INSPECTED_ROWS`` rows: all that recognising it reads (the
    tool that wrote it, the columns found, the columns of numbers, the template it fits). From its
    reading while that is kept; after the reading was let go, from the rows it left, so that a rerun
    of the Import page between the check and the click reads nothing again."""
    if upload._read or not upload._head:
        return read_upload(upload)
    return upload._head[0]


def without_rows(upload: Upload, rows: set[int]) -> Upload:
    """The same file as read, less the data rows ``rows`` (spreadsheet numbers): what an import
    that skips invalid rows parses. Its content (and so its hash in the history) stays the file's."""
    raw = read_upload(upload)
    keep = [index for index, number in enumerate(raw.row_numbers) if number not in rows]
    reduced = Upload(upload.name, upload.content)
    reduced._read.append(replace(raw, columns=[column.take(keep) if isinstance(column, TextColumn)
                                               else [column[index] for index in keep] for column in raw.columns],
                                 row_numbers=[raw.row_numbers[index] for index in keep]))
    return reduced


def source_of(raw, source: str) -> str:
    """The tool that wrote a file: as given, or detected from its header ('template' for ours)."""
    choices = source_choices()
    if source not in choices:
        raise ImportFailed(say("t_unknown_source"), [Problem(raw.file, None, None,
                                                             say("unknown_source", source=source, sources=", ".join(choices)))])
    return (detect_source(raw.header) or "template") if source == "auto" else source


def inspect_upload(upload: Upload, *, source: str = "auto", mapping: dict[str, str] | None = None) -> Inspection:
    """What a tool export was recognised as: fields found, columns unknown, fields missing."""
    raw = glance(upload)
    detected = source_of(raw, source)
    if detected == "template":
        raise ImportFailed(say("t_not_export"), [Problem(upload.name, 1, None, say("is_template"))])
    _, unfit = fit_mapping(raw, mapping)
    if unfit:  # a mapping given for this very file must fit it (a saved one is only applied where it fits)
        raise ImportFailed(say("t_mapping_unfit"), unfit)
    return inspect(raw, detected, mapping)


@dataclass(frozen=True)
class TemplateInspection:
    """How a file of our kind (not a tool export) is read: the template it fits best, whether every
    required column is there, which file column each template column comes from."""
    file: str
    kind: str
    complete: bool
    header: list[str]
    recognised: dict[str, str]
    missing: list[str]
    # template column → the file's column, proposed from the words teams use (templates.PROPOSALS)
    proposal: dict[str, str] = field(default_factory=dict)


def inspect_template(upload: Upload, mapping: dict[str, str] | None = None, kind: str | None = None) -> TemplateInspection:
    """The template a spreadsheet is read as, with a column mapping (template column → file column)
    applied where it fits; never refuses because of the mapping."""
    original = glance(upload)
    raw, _ = map_columns(original, mapping)
    ranked = sorted(TEMPLATES.values(), key=lambda t: fit_score(t, raw.header), reverse=True)
    template = TEMPLATES[kind] if kind in TEMPLATES else ranked[0]
    matched = match_template_columns(template, raw.header)
    original = original.header
    recognised = {name: original[position] for position, name in matched.items()}
    missing = [c.name for c in template.columns if c.required and c.name not in recognised]
    return TemplateInspection(upload.name, template.kind, not missing, original, recognised, missing,
                              propose_mapping(template, raw.header))


def parse_uploads(uploads: Sequence[Upload], *, sprints: Sequence[Upload] = (), source: str = "auto",
                  team: str | None = None, day_first: bool | None = None, mappings: dict[str, dict] | None = None,
                  known_krs: set[str] | None = None, progress: Progress | None = None,
                  saved_mappings: dict[str, dict] | None = None) -> list[ParsedFile]:
    """Parse every file; collect the problems of all of them before failing.

    Templates are parsed first, so key results defined in this very call can be linked from exports.
    ``mappings`` (per source) were given for these files and must fit them; ``saved_mappings`` are
    applied where they fit each file, and what does not fit is left out with a note."""
    problems: list[Problem] = []
    titles: list[str] = []
    hints: list[str] = []
    jobs = [(u, source) for u in uploads] + [(u, "template:sprints") for u in sprints]
    if not jobs:
        raise ImportFailed(say("t_no_files"), [Problem("(none)", None, None, say("no_files"))])

    def attempt(action):
        try:
            return action()
        except ImportFailed as failure:
            titles.append(failure.title)
            problems.extend(failure.problems)
            hints.extend(failure.hints)
            return None

    raws = []
    for number, (upload, wanted) in enumerate(jobs):
        if progress:
            progress(number / len(jobs) * 0.5, say("reading", file=upload.name))
        raw = attempt(lambda: read_upload(upload))
        detected = "template" if wanted.startswith("template") else attempt(lambda: source_of(raw, wanted)) if raw else None
        raws.append((raw, detected, "sprints" if wanted == "template:sprints" else None))
    parsed: dict[int, ParsedFile] = {}
    for index, (raw, detected, kind) in enumerate(raws):
        if raw is not None and detected == "template":
            # our templates under other headers: the mapping given now must fit, a saved one is applied where it does
            saved_raw, saved_unfit = map_columns(raw, (saved_mappings or {}).get("template"))
            mapped, unfit = map_columns(saved_raw, (mappings or {}).get("template"))
            if unfit:
                titles.append(say("t_mapping_unfit"))
                problems.extend(Problem(raw.file, 1, None, say("mapping_unfit", reason=u)) for u in unfit)
                continue
            parsed[index] = attempt(lambda: parse_template(mapped, kind, team=team, day_first=day_first))
            if parsed[index] is not None and saved_unfit and saved_raw is not raw:
                parsed[index].notes.append(say("saved_template_mapping", file=raw.file))
    known = set(known_krs or ())
    known |= {kr for item in parsed.values() if item for frame in item.frames if frame.table == "key_results"
              for kr in frame.data["kr_id"]}
    for index, (raw, detected, _) in enumerate(raws):
        if raw is not None and detected in EXPORT_SOURCES:
            saved, unfit = fit_mapping(raw, (saved_mappings or {}).get(detected))
            given = (mappings or {}).get(detected)
            parsed[index] = attempt(lambda: parse_export(raw, detected, team=team, day_first=day_first,
                                                         mapping={**saved, **(given or {})} if saved or given else None,
                                                         known_krs=known))
            if parsed[index] is not None and unfit:
                parsed[index].notes.append(say("saved_mapping_unfit", file=raw.file, tool=detected.title(),
                                               left_out=joined([p.message for p in unfit])))
    if problems:
        title = titles[0] if len(titles) == 1 else say("t_files_with_problems", n=len(titles))
        raise ImportFailed(title, problems, hints)
    ordered = [parsed[index] for index in sorted(parsed)]
    _keep_latest_issue_rows(ordered)
    return ordered


def _keep_latest_issue_rows(parsed: list[ParsedFile]) -> None:
    """Overlapping exports in one call (Jira stops at 1,000 issues): each issue is taken from the
    file where it was updated last (its Updated date; on a tie, or without one, the later file),
    so an older copy never overwrites a newer one, even for a moment."""
    frames = [(order, frame) for order, item in enumerate(parsed) if item.source in EXPORT_SOURCES
              for frame in item.frames if frame.table == "sprint_items"]
    if len({order for order, _ in frames}) < 2:
        return  # one file: every row of an issue (one per sprint it was in) comes from it
    issues = pd.concat([pd.DataFrame({"team": frame.data["team"], "item_key": frame.data["item_key"],
                                      "updated": pd.to_datetime(frame.data["source_updated"]), "order": order})
                        for order, frame in frames], ignore_index=True)
    issues["updated"] = issues["updated"].fillna(pd.Timestamp.min)
    latest = issues.sort_values(["updated", "order"], kind="stable").drop_duplicates(["team", "item_key"], keep="last")
    best = latest.set_index(["team", "item_key"])["order"]
    for order, frame in frames:
        keys = pd.MultiIndex.from_arrays([frame.data["team"], frame.data["item_key"]])
        frame.data = frame.data[best.reindex(keys).to_numpy() == order].reset_index(drop=True)


def _undated_sprints(store: Store, parsed: Sequence[ParsedFile]) -> list[str]:
    """Sprints this call names (sprints files, item files, exports) that neither it nor the store dates."""
    named: dict[tuple, None] = {}
    dated: set[tuple] = set()
    for item in parsed:
        for frame in item.frames:
            if frame.table in ("sprints", "sprint_items"):
                pairs = frame.data[["team", "sprint"]].drop_duplicates()  # an items file names each sprint many times
                named.update(dict.fromkeys(zip(pairs["team"].tolist(), pairs["sprint"].tolist())))
            if frame.table == "sprints" and "start_date" in frame.present:
                known = frame.data[pd.to_datetime(frame.data["start_date"]).notna()]
                dated |= set(zip(known["team"], known["sprint"]))
    stored = store.current("sprints")
    stored = stored[stored["start_date"].notna()]
    dated |= set(zip(stored["team"], stored["sprint"]))
    return [f"{team} / {sprint}" for team, sprint in named if (team, sprint) not in dated]


def _reworded_objectives(store: Store, parsed: Sequence[ParsedFile]) -> list[str]:
    """A warning per stored objective whose text this import changes: strategy may change during a
    cycle, objectives should not (the change is still imported, and kept visible as a revision)."""
    stored = store.current("objectives")
    before = {(r.team, r.cycle, r.objective_id): r.objective for r in stored.itertuples(index=False)}
    warnings = []
    for item in parsed:
        for frame in item.frames:
            if frame.table != "objectives" or "objective" not in frame.present:
                continue
            for row in frame.data.itertuples(index=False):
                old = before.get((row.team, row.cycle, row.objective_id))
                if isinstance(old, str) and isinstance(row.objective, str) and old != row.objective:
                    warnings.append(say("reworded", file=item.file, objective_id=row.objective_id, team=row.team,
                                        cycle=row.cycle, old=old, new=row.objective))
    return warnings


def _unknown_kr_links(parsed: Sequence[ParsedFile], known: set[str]) -> list[str]:
    """Notes naming items' links to unknown key results.

    One rule per meaning for key result references (README "Key result references"): a row that
    *is* data of a key result (a check-in, a plan value) is refused without its key result
    (``Store.write``); a row that only *links* to one (an item's key_result) is kept, and the link is
    named in a note, to count once an okrs file defines it. Tool exports link known key results only."""
    known = set(known) | {kr for item in parsed for frame in item.frames if frame.table == "key_results"
                          for kr in frame.data["kr_id"]}
    notes = []
    for item in parsed:
        for frame in item.frames:
            if frame.table == "sprint_items" and "key_result" in frame.present:
                unknown = sorted({kr for kr in frame.data["key_result"].unique() if isinstance(kr, str) and kr not in known})
                if unknown:
                    notes.append(say("unknown_kr_links", file=item.file, krs=", ".join(unknown[:10]),
                                     more=" …" if len(unknown) > 10 else ""))
    return notes


@dataclass
class PreparedImport:
    """Files read, parsed and validated for one import, with what the store said about them when
    they were checked (``version``): the Import page checks with it and then imports the very same
    parse, as long as the store has not changed in between."""
    parsed: list[ParsedFile]
    hashes: list[str]
    version: tuple
    mapping: dict[str, str] | None
    template_mapping: dict[str, str] | None
    saved: dict[str, dict]
    known_krs: set[str]
    undated: list[str]
    reworded: list[str]
    skip_invalid: bool = False
    rejects: list[Rejected] = field(default_factory=list)  # rows left out (skip_invalid), kept with the import
    notes: list[str] = field(default_factory=list)


def prepare_import(store: Store, uploads: Sequence[Upload], *, sprints: Sequence[Upload] = (),
                   source: str = "auto", team: str | None = None, day_first: bool | None = None,
                   mapping: dict[str, str] | None = None, progress: Progress | None = None,
                   template_mapping: dict[str, str] | None = None, skip_invalid: bool = False) -> PreparedImport:
    """Read, parse and validate files against the store without writing. Raises ImportFailed.

    ``mapping`` (field → column) applies to the tool exports of this call; without one, the mapping
    saved for their source is used. ``template_mapping`` (template column → the file's column) reads
    a spreadsheet with its own headers as one of our templates. ``skip_invalid``: rows with problems
    (and rows that depend on them) are left out and kept as ``rejects``; problems of a header or of a
    file as a whole still refuse everything."""
    version = store.data_version()
    saved = {name: store.mapping(name) for name in (*EXPORT_SOURCES, "template")}
    given = {name: dict(mapping) for name in EXPORT_SOURCES} if mapping is not None else None
    if template_mapping:
        given = {**(given or {}), "template": dict(template_mapping)}
    known_krs = store.known_key_results()

    def parse(files: Sequence[Upload], calendars: Sequence[Upload]) -> list[ParsedFile]:
        parsed = parse_uploads(files, sprints=calendars, source=source, team=team, day_first=day_first,
                               mappings=given, saved_mappings=saved, known_krs=known_krs, progress=progress)
        _refuse_sprints_without_figures(store, parsed)
        return parsed

    rejects, notes = [], []
    if skip_invalid:
        mappings = {"template": {**saved["template"], **(template_mapping or {})}}
        parsed, rejects, notes = _parse_skipping(store, uploads, sprints, parse, known_krs, team, mappings)
    else:
        parsed = parse(uploads, sprints)
    hashes = [u.digest for u in [*uploads, *sprints] if any(item.file == u.name for item in parsed)]
    return PreparedImport(parsed, hashes, version, mapping, template_mapping, saved, known_krs,
                          _undated_sprints(store, parsed), _reworded_objectives(store, parsed),
                          skip_invalid, rejects, notes)


def _refuse_sprints_without_figures(store: Store, parsed: Sequence[ParsedFile]) -> None:
    """A sprints file with no figure column, none of whose sprints has item rows (in this call or
    stored) or stored figures, would import sprints that show nothing: refused, saying why. A file
    that brings something else about its sprints (dates, goals, types, key results) is a calendar and
    stays welcome, with a note on any column not recognised: a tool export's items often come later."""
    for item in parsed:
        frame = next((f for f in item.frames if f.table == "sprints"), None)
        if item.kind != "sprints" or item.source != "template" or frame is None or set(FIGURES) & frame.present:
            continue
        if frame.present & {"start_date", "end_date", "goal", "sprint_type", "key_results", "days_off"}:
            continue
        named = set(zip(frame.data["team"], frame.data["sprint"]))
        covered = {pair for other in parsed for f in other.frames if f.table == "sprint_items"
                   for pair in zip(f.data["team"], f.data["sprint"])}
        teams = sorted({team for team, _ in named})
        stored = aggregates.item_sprints(store, teams)
        covered |= set(zip(stored["team"], stored["sprint"]))
        figures = store.current("sprints", teams)
        figures = figures[figures[list(FIGURES)].notna().any(axis=1)]
        covered |= set(zip(figures["team"], figures["sprint"]))
        if named and not named & covered:
            unknown = ", ".join(f"'{column}'" for column in item.ignored) or "–"
            raise ImportFailed(say("t_no_figures", file=item.file), [Problem(
                item.file, 1, None, say("no_figures", n=len(named), columns=unknown))])


# an import that skips invalid rows parses again without them; a few rounds find every row
# (a problem can hide another: a duplicate behind a bad date), more mean something else is wrong
_ROUNDS = 6


def _parse_skipping(store: Store, uploads: Sequence[Upload], sprints: Sequence[Upload], parse, known_krs: set[str],
                    team: str | None, mappings: dict[str, dict]) -> tuple[list[ParsedFile], list[Rejected], list[str]]:
    """Parse, leaving out every row with a problem and every row that depends on one (an item of a
    refused sprint, a check-in of a refused key result); the rows left out, and notes."""
    jobs = [*uploads, *sprints]
    removed: dict[int, dict[int, list[Problem]]] = {}  # job → row → its problems
    last: ImportFailed | None = None
    hints: list[str] = []
    for _ in range(_ROUNDS):
        current = [without_rows(job, set(removed[index])) if index in removed else job for index, job in enumerate(jobs)]
        alive = [index for index, job in enumerate(current) if index not in removed or len(read_upload(job))]
        if not alive:
            break
        try:
            parsed = parse([current[i] for i in alive if i < len(uploads)], [current[i] for i in alive if i >= len(uploads)])
        except ImportFailed as failure:
            if not failure.rows_only:
                raise
            last = failure
            hints.extend(hint for hint in failure.hints if hint not in hints)  # the remedy, kept as a note
            for problem in failure.problems:
                index = next((i for i in alive if jobs[i].name == problem.file), None)
                if index is None:
                    raise
                removed.setdefault(index, {}).setdefault(problem.row, []).append(problem)
            continue
        dependents = _dependents(store, jobs, removed, parsed, known_krs, team, mappings)
        if not dependents:
            return parsed, _rejects(jobs, removed), [*_totals_notes(jobs, removed), *hints]
        for index, problem in dependents:
            removed.setdefault(index, {}).setdefault(problem.row, []).append(problem)
    # every row refused (or no end in sight): nothing is imported, and every problem is named
    problems = [p for rows in removed.values() for found in rows.values() for p in found]
    raise ImportFailed(say("t_nothing_valid"), problems, last.hints if last else []) if problems else \
        ImportFailed(say("t_no_files"), [Problem("(none)", None, None, say("no_files"))])


def _keys_of_rows(job: Upload, rows: set[int], columns: tuple[str, ...], team: str | None,
                  mapping: dict | None) -> dict[int, tuple]:
    """Row → the values of template columns in those rows of a file, as its template reads them."""
    raw, _ = map_columns(read_upload(job), mapping)
    try:
        template = TEMPLATES[detect_kind(raw, frozenset({"team"}) if team else frozenset())]
    except ImportFailed:
        return {}
    where = {name: position for position, name in match_template_columns(template, raw.header).items()}
    if not all(name in where or (name == "team" and team) for name in columns):
        return {}
    found = {}
    for index, number in enumerate(raw.row_numbers):
        if number in rows:
            found[number] = tuple(team if name == "team" and team else raw.columns[where[name]][index].strip()
                                  for name in columns)
    return found


def _dependents(store: Store, jobs: Sequence[Upload], removed: dict[int, dict[int, list[Problem]]],
                parsed: Sequence[ParsedFile], known_krs: set[str], team: str | None,
                mappings: dict[str, dict]) -> list[tuple[int, Problem]]:
    """The rows of this call that name a sprint or a key result whose row was refused (and not
    given again by another row), or a key result that is nowhere: refused too, saying so."""
    refused_sprints: dict[tuple, tuple[str, int]] = {}
    refused_krs: dict[str, tuple[str, int]] = {}
    for index, rows in removed.items():
        job = jobs[index]
        for number, pair in _keys_of_rows(job, set(rows), ("team", "sprint"), team, mappings.get("template")).items():
            refused_sprints.setdefault(pair, (job.name, number))
        for number, (kr,) in _keys_of_rows(job, set(rows), ("kr_id",), team, mappings.get("template")).items():
            refused_krs.setdefault(kr, (job.name, number))
    given_sprints = {pair for item in parsed for frame in item.frames if frame.table == "sprints"
                     and item.kind == "sprints" for pair in zip(frame.data["team"], frame.data["sprint"])}
    known = set(known_krs) | {kr for item in parsed for frame in item.frames if frame.table == "key_results"
                              for kr in frame.data["kr_id"]}
    found = []
    for item in parsed:
        index = next(i for i, job in enumerate(jobs) if job.name == item.file)
        for frame in item.frames:
            if "source_row" not in frame.data:
                continue
            # an item of a template or of a tool export (then its whole issue row: all its sprints)
            if frame.table == "sprint_items" and item.kind == "sprint_items":
                for row in frame.data.itertuples(index=False):
                    origin = refused_sprints.get((row.team, row.sprint))
                    if origin and (row.team, row.sprint) not in given_sprints:
                        found.append((index, Problem(item.file, row.source_row, "sprint", say(
                            "sprint_refused", sprint=row.sprint, file=origin[0], row=origin[1]), row.sprint)))
            if frame.table in ("checkins", "kr_plans"):
                for row in frame.data.itertuples(index=False):
                    if row.kr_id in known:
                        continue
                    origin = refused_krs.get(row.kr_id)
                    message = say("kr_refused", kr_id=row.kr_id, file=origin[0], row=origin[1]) if origin \
                        else say("unknown_kr", kr_id=row.kr_id)
                    found.append((index, Problem(item.file, row.source_row, "kr_id", message, row.kr_id)))
    return found


def _rejects(jobs: Sequence[Upload], removed: dict[int, dict[int, list[Problem]]]) -> list[Rejected]:
    """One rejected row per file and row: where, every column and message, the row as it was."""
    out = []
    for index in sorted(removed):
        raw = read_upload(jobs[index])
        cells = {number: position for position, number in enumerate(raw.row_numbers)}
        for number in sorted(removed[index]):
            problems = removed[index][number]
            columns = ", ".join(dict.fromkeys(p.column for p in problems if p.column))
            row = raw.rows[cells[number]] if number in cells else []
            out.append(Rejected(raw.file, number, columns, joined([p.message for p in problems]),
                                tuple(zip(raw.header, row))))
    return out


def _totals_notes(jobs: Sequence[Upload], removed: dict[int, dict[int, list[Problem]]]) -> list[str]:
    """A note per file whose totals rows were skipped (they are no data, but say so)."""
    notes = []
    for index, rows in sorted(removed.items()):
        totals = sorted(number for number, problems in rows.items()
                        if any(getattr(p.message, "key", None) == "totals_row" for p in problems))
        if totals:
            notes.append(say("totals_skipped", file=jobs[index].name, rows=", ".join(map(str, totals))))
    return notes


def write_import(store: Store, prepared: PreparedImport, *, save_mapping: bool = False, dry_run: bool = False,
                 progress: Progress | None = None, command_line: bool = True) -> ImportResult:
    """Write a prepared import in one transaction (``dry_run``: count, then roll back). Raises
    ImportFailed; the store is then unchanged. ``save_mapping`` keeps the given mappings for next time.
    ``command_line``: the warnings tell what to do in the command's words (--sprints FILE); the
    Import page passes False for its own (upload a sprints file)."""
    parsed, mapping, template_mapping, saved = (prepared.parsed, prepared.mapping, prepared.template_mapping,
                                                prepared.saved)
    mappings = {name: {**saved[name], **(mapping or {})} for name in EXPORT_SOURCES}

    def writing(fraction: float, message: str) -> None:
        if progress:
            progress(0.5 + fraction / 2, message)

    sources = sorted({item.source for item in parsed})
    result = store.write(parsed, prepared.hashes, source=sources[0] if len(sources) == 1 else "mixed",
                         dry_run=dry_run, progress=writing, rejects=prepared.rejects)
    result.skip_invalid = prepared.skip_invalid
    result.notes.extend(prepared.notes)
    if save_mapping and mapping and not dry_run:
        for name in sorted({item.source for item in parsed if item.source in EXPORT_SOURCES}):
            store.save_mapping(name, mappings[name])
    if save_mapping and template_mapping and not dry_run:
        store.save_mapping("template", {**saved["template"], **template_mapping})
    for item in parsed:
        result.notes.extend(item.notes)
        result.warnings.extend(item.warnings)
        main = next(f for f in item.frames if f.table == main_table(item))
        result.previews[item.file] = main.data.drop(columns=["source_row"], errors="ignore").head(PREVIEW_ROWS)
    result.warnings.extend(prepared.reworded)
    result.notes.extend(_unknown_kr_links(parsed, prepared.known_krs))
    undated = prepared.undated
    if undated:
        result.warnings.append(say("undated_sprints", n=len(undated), sprints=", ".join(undated[:10]),
                                   more=" …" if len(undated) > 10 else "",
                                   how=say("sprints_how_cli" if command_line else "sprints_how_page")))
    return result


def import_uploads(store: Store, uploads: Sequence[Upload], *, sprints: Sequence[Upload] = (),
                   source: str = "auto", team: str | None = None, day_first: bool | None = None,
                   mapping: dict[str, str] | None = None, save_mapping: bool = False,
                   dry_run: bool = False, progress: Progress | None = None,
                   template_mapping: dict[str, str] | None = None, skip_invalid: bool = False) -> ImportResult:
    """Validate and import files in one transaction (``prepare_import``, then ``write_import``).
    Raises ImportFailed; the store is then unchanged. ``skip_invalid``: the valid rows are imported
    and the refused ones kept with the import (``ImportResult.rejects``)."""
    with store.session():
        prepared = prepare_import(store, uploads, sprints=sprints, source=source, team=team, day_first=day_first,
                                  mapping=mapping, progress=progress, template_mapping=template_mapping,
                                  skip_invalid=skip_invalid)
        for upload in (*uploads, *sprints):
            upload.let_go_of_reading()  # parsed now: not needed for the write
        return write_import(store, prepared, save_mapping=save_mapping, dry_run=dry_run, progress=progress)


def rejects_frame(rejects: Sequence[Rejected] | pd.DataFrame) -> pd.DataFrame:
    """The rejects CSV: one line per row left out, with file, row, column and message first, then
    the row itself under the file's own headers (a header two files share is one column)."""
    if isinstance(rejects, pd.DataFrame):
        rows = list(rejects.itertuples(index=False))
        records = [(r.file, r.row, r.column, r.message, [tuple(pair) for pair in r.original]) for r in rows]
    else:
        records = [(r.file, r.row, r.columns, str(r.message), list(r.original)) for r in rejects]
    fixed = ["file", "row", "column", "message"]
    lines = []
    for file, row, column, message, original in records:
        line = dict(zip(fixed, (file, int(row), column or "", message)))
        for header, cell in original:
            name = header if header not in fixed else f"{header} (file)"
            line.setdefault(name, cell)  # a header repeated in one file: its first cell
        lines.append(line)
    headers = list(dict.fromkeys([*fixed, *(name for line in lines for name in line)]))
    return pd.DataFrame(lines, columns=headers)
