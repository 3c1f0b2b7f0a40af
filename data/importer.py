"""From uploaded files to stored rows: read, detect, parse, validate, then write atomically.

Pages and the command line call ``import_uploads``; it raises ``ImportFailed`` with every problem
of every file (nothing is written then) or returns what was written.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from data.csvfile import read_csv
from data.errors import ImportFailed, Problem
from data.settings import setting
from data.store import ImportResult, Progress, Store, content_hash
from data.templates import TEMPLATES, ParsedFile, parse_template

SOURCES = ("auto", "template", "jira", "azure", "linear")


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def parse_upload(upload: Upload, *, kind: str | None = None, source: str = "auto", team: str | None = None,
                 day_first: bool | None = None) -> ParsedFile:
    if source not in SOURCES:
        raise ImportFailed("Unknown source", [Problem(upload.name, None, None,
                                                      f"Source '{source}' is unknown; use one of {', '.join(SOURCES)}.")])
    if source in ("jira", "azure", "linear"):
        raise ImportFailed("Source not available yet", [Problem(
            upload.name, None, None,
            f"Direct {source} imports are not available yet. Use our templates (--source template).")])
    raw = read_csv(upload.name, upload.content,
                   max_bytes=int(setting("DASHBOARD_MAX_UPLOAD_MB") * 2**20),
                   max_rows=setting("DASHBOARD_MAX_ROWS"))
    return parse_template(raw, kind, team=team, day_first=day_first)


def parse_uploads(uploads: Sequence[Upload], *, sprints: Sequence[Upload] = (), source: str = "auto",
                  team: str | None = None, day_first: bool | None = None,
                  progress: Progress | None = None) -> list[ParsedFile]:
    """Parse every file; collect the problems of all of them before failing."""
    parsed: list[ParsedFile] = []
    problems: list[Problem] = []
    titles: list[str] = []
    jobs = [(u, None) for u in uploads] + [(u, "sprints") for u in sprints]
    if not jobs:
        raise ImportFailed("No files", [Problem("(none)", None, None, "Choose at least one CSV file to import.")])
    for number, (upload, kind) in enumerate(jobs):
        if progress:
            progress(number / len(jobs) * 0.5, f"Reading {upload.name}")
        try:
            parsed.append(parse_upload(upload, kind=kind, source=source, team=team, day_first=day_first))
        except ImportFailed as failure:
            titles.append(failure.title)
            problems.extend(failure.problems)
    if problems:
        title = titles[0] if len(titles) == 1 else f"{len(titles)} files have problems"
        raise ImportFailed(title, problems)
    return parsed


def import_uploads(store: Store, uploads: Sequence[Upload], *, sprints: Sequence[Upload] = (),
                   source: str = "auto", team: str | None = None, day_first: bool | None = None,
                   dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
    """Validate and import files in one transaction. Raises ImportFailed; the store is then unchanged."""
    parsed = parse_uploads(uploads, sprints=sprints, source=source, team=team, day_first=day_first,
                           progress=progress)
    hashes = [content_hash(u.content) for u in [*uploads, *sprints]]

    def writing(fraction: float, message: str) -> None:
        if progress:
            progress(0.5 + fraction / 2, message)

    result = store.write(parsed, hashes, source=source if source != "auto" else "template",
                         dry_run=dry_run, progress=writing)
    for item in parsed:
        result.notes.extend(item.notes)
        result.warnings.extend(item.warnings)
    return result


def template_kinds() -> list[str]:
    return list(TEMPLATES)
