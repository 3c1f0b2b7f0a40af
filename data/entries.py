"""Entries made in the app (a check-in, a retro action, an objective's lessons), written like an import.

Each entry becomes a one-row CSV of our template and goes through the template parser, the
reference checks and ``Store.write``: validated the same way, one transaction, in the import
history with source ``app``, undoable, and a later CSV import of the same key updates it. The
OKR frames the overview needs (current rows, every version, the imports' dates) are read here too.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

import pandas as pd

from data.errors import ImportFailed, Problem, say
from data.importer import Upload, parse_uploads
from data.store import ImportResult, Store, content_hash
from data.templates import Frame, ParsedFile

SOURCE = "app"
MAX_TEXT = 2000  # characters of a comment, an action or lessons typed into a form


def _number(value: float | str) -> str:
    """A number for the CSV; text (from the command line) is left for the template to check."""
    if isinstance(value, str):
        return value.strip()
    text = repr(float(value))
    return f"{float(value):f}" if "e" in text else text


def _csv(header: list[str], rows: Sequence[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue().encode("utf-8")


def _too_long(file: str, column: str, text: str | None) -> None:
    if text is not None and len(text) > MAX_TEXT:
        raise ImportFailed(say("t_text_too_long"), [Problem(file, 2, column, say("text_too_long", limit=MAX_TEXT,
                                                                                  length=len(text)), text[:40] + "…")])


def _write_template(store: Store, name: str, content: bytes) -> ImportResult:
    """Parse one generated template CSV exactly like an upload and write it as an app entry."""
    upload = Upload(name, content)
    parsed = parse_uploads([upload], source="template", known_krs=store.known_key_results())
    result = store.write(parsed, [content_hash(content)], source=SOURCE)
    for item in parsed:
        result.notes.extend(item.notes)
        result.warnings.extend(item.warnings)
    return result


def record_checkin(store: Store, kr_id: str, value: float | str, *, day: date, confidence: float | str | None = None,
                   comment: str | None = None) -> ImportResult:
    """One check-in (an import of one checkins row). A second entry for the same KR and day updates it."""
    name = "app/checkin.csv"
    comment = comment.strip() if isinstance(comment, str) and comment.strip() else None
    _too_long(name, "comment", comment)
    row = [kr_id, day.isoformat(), _number(value), None if confidence is None else _number(confidence), comment]
    return _write_template(store, name, _csv(["kr_id", "date", "value", "confidence", "comment"], [row]))


def record_retro_action(store: Store, team: str, sprint: str, action: str, *, owner: str | None = None,
                        close: Sequence[tuple[str, str, str]] = ()) -> ImportResult:
    """The improvement the team promises in the retro of ``sprint``; ``close`` lists earlier
    actions (sprint, action, new status done / dropped) settled in this sprint, all in one import."""
    name = "app/retro_actions.csv"
    action = (action or "").strip()
    _too_long(name, "action", action)
    header = ["team", "sprint", "action", "owner", "status", "done_sprint"]
    rows = []
    if action:
        rows.append([team, sprint, action, (owner or "").strip() or None, "open", None])
    stored = store.current("retro_actions", [team])
    for origin, text, status in close:
        match = stored[(stored["sprint"] == origin) & (stored["action"] == text)]
        if match.empty:
            raise ImportFailed(say("t_unknown_action"), [Problem(name, None, "action",
                                                                  say("unknown_action", team=team, action=text, sprint=origin),
                                                                  text)])
        owner_then = match["owner"].iloc[0]
        rows.append([team, origin, text, owner_then if isinstance(owner_then, str) else None, status,
                     sprint if status == "done" else None])
    if not rows:
        raise ImportFailed(say("t_nothing"), [Problem(name, 2, "action", say("nothing"))])
    return _write_template(store, name, _csv(header, rows))


def record_lessons(store: Store, team: str, cycle: str, objective_id: str, lessons: str) -> ImportResult:
    """What the team learnt with one objective, kept with it (objectives.lessons) for the next cycle."""
    name = "app/lessons.csv"
    text = (lessons or "").strip() or None
    _too_long(name, "lessons", text)
    objectives = store.current("objectives", [team])
    if objectives[(objectives["cycle"] == cycle) & (objectives["objective_id"] == objective_id)].empty:
        raise ImportFailed(say("t_unknown_objective"), [Problem(name, 2, "objective_id",
                                                                say("unknown_objective", team=team, objective_id=objective_id,
                                                                    cycle=cycle), objective_id)])
    data = pd.DataFrame([{"team": team, "cycle": cycle, "objective_id": objective_id, "lessons": text,
                          "source_row": 2}])
    content = _csv(["team", "cycle", "objective_id", "lessons"], [[team, cycle, objective_id, text]])
    parsed = ParsedFile(name, "okrs", SOURCE, 1, [Frame("objectives", data, {"team", "cycle", "objective_id", "lessons"})],
                        [], [])
    return store.write([parsed], [content_hash(content)], source=SOURCE)


def okr_frames(store: Store, teams: Sequence[str] | None = None
               ) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], pd.DataFrame]:
    """What ``analytics.okr_overview`` needs: current rows, every stored version, the imports' dates."""
    from analytics.okr_overview import CURRENT, VERSIONED
    chosen = list(teams) if teams is not None else None
    current = {name: store.current(name, chosen) for name in CURRENT}
    versions = {name: store.versions(name) for name in VERSIONED}
    imports = store.import_dates()
    return current, versions, imports
