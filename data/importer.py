"""From uploaded files to stored rows: read, detect, parse, validate, then write atomically.

Pages and the command line call ``import_uploads``; it raises ``ImportFailed`` with every problem
of every file (nothing is written then) or returns what was written.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from data.csvfile import RawTable, read_csv
from data.errors import ImportFailed, Problem, joined, say
from data.settings import setting
from data.sources import SOURCES as EXPORT_SOURCES
from data.sources import Inspection, detect_source, fit_mapping, inspect, parse_export
from data.store import ImportResult, Progress, Store, content_hash, main_table
from data.templates import TEMPLATES, ParsedFile, fit_score, map_columns, parse_template
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


def source_of(raw, source: str) -> str:
    """The tool that wrote a file: as given, or detected from its header ('template' for ours)."""
    choices = source_choices()
    if source not in choices:
        raise ImportFailed(say("t_unknown_source"), [Problem(raw.file, None, None,
                                                             say("unknown_source", source=source, sources=", ".join(choices)))])
    return (detect_source(raw.header) or "template") if source == "auto" else source


def inspect_upload(upload: Upload, *, source: str = "auto", mapping: dict[str, str] | None = None) -> Inspection:
    """What a tool export was recognised as: fields found, columns unknown, fields missing."""
    raw = read_upload(upload)
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


def inspect_template(upload: Upload, mapping: dict[str, str] | None = None, kind: str | None = None) -> TemplateInspection:
    """The template a spreadsheet is read as, with a column mapping (template column → file column)
    applied where it fits; never refuses because of the mapping."""
    original = read_upload(upload)
    raw, _ = map_columns(original, mapping)
    ranked = sorted(TEMPLATES.values(), key=lambda t: fit_score(t, raw.header), reverse=True)
    template = TEMPLATES[kind] if kind in TEMPLATES else ranked[0]
    matched = match_template_columns(template, raw.header)
    original = original.header
    recognised = {name: original[position] for position, name in matched.items()}
    missing = [c.name for c in template.columns if c.required and c.name not in recognised]
    return TemplateInspection(upload.name, template.kind, not missing, original, recognised, missing)


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
    jobs = [(u, source) for u in uploads] + [(u, "template:sprints") for u in sprints]
    if not jobs:
        raise ImportFailed(say("t_no_files"), [Problem("(none)", None, None, say("no_files"))])

    def attempt(action):
        try:
            return action()
        except ImportFailed as failure:
            titles.append(failure.title)
            problems.extend(failure.problems)
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
        raise ImportFailed(title, problems)
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
                unknown = sorted({kr for kr in frame.data["key_result"] if isinstance(kr, str) and kr not in known})
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


def prepare_import(store: Store, uploads: Sequence[Upload], *, sprints: Sequence[Upload] = (),
                   source: str = "auto", team: str | None = None, day_first: bool | None = None,
                   mapping: dict[str, str] | None = None, progress: Progress | None = None,
                   template_mapping: dict[str, str] | None = None) -> PreparedImport:
    """Read, parse and validate files against the store without writing. Raises ImportFailed.

    ``mapping`` (field → column) applies to the tool exports of this call; without one, the mapping
    saved for their source is used. ``template_mapping`` (template column → the file's column) reads
    a spreadsheet with its own headers as one of our templates."""
    version = store.data_version()
    saved = {name: store.mapping(name) for name in (*EXPORT_SOURCES, "template")}
    given = {name: dict(mapping) for name in EXPORT_SOURCES} if mapping is not None else None
    if template_mapping:
        given = {**(given or {}), "template": dict(template_mapping)}
    known_krs = store.known_key_results()
    parsed = parse_uploads(uploads, sprints=sprints, source=source, team=team, day_first=day_first,
                           mappings=given, saved_mappings=saved, known_krs=known_krs, progress=progress)
    hashes = [content_hash(u.content) for u in [*uploads, *sprints]]
    return PreparedImport(parsed, hashes, version, mapping, template_mapping, saved, known_krs,
                          _undated_sprints(store, parsed), _reworded_objectives(store, parsed))


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
                         dry_run=dry_run, progress=writing)
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
                   template_mapping: dict[str, str] | None = None) -> ImportResult:
    """Validate and import files in one transaction (``prepare_import``, then ``write_import``).
    Raises ImportFailed; the store is then unchanged."""
    with store.session():
        prepared = prepare_import(store, uploads, sprints=sprints, source=source, team=team, day_first=day_first,
                                  mapping=mapping, progress=progress, template_mapping=template_mapping)
        return write_import(store, prepared, save_mapping=save_mapping, dry_run=dry_run, progress=progress)
