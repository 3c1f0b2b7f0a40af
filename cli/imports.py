"""The commands that bring data in: ``import`` (files), ``inspect`` (how a tool export's columns are
recognised) and ``checkin`` (one check-in typed on the command line, imported like a file's row)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from cli.common import open_store
from cli.output import emit, failure_lines


def cmd_import(args) -> int:
    import pyarrow as pa

    from data.errors import ImportFailed
    from data.importer import Upload, import_uploads
    # Arrow's own allocator keeps the memory of a large file's cells for reuse after they are
    # freed; this process imports and ends, so it gives memory back instead (lower peak, same time)
    pa.set_memory_pool(pa.system_memory_pool())
    uploads, sprints = [], []
    for target, paths in ((uploads, args.files), (sprints, args.sprints or [])):
        for path in paths:
            content = read(path)
            if isinstance(content, int):
                return content
            target.append(Upload(Path(path).name, content))
    day_first = {"dmy": True, "mdy": False, None: None}[args.date_order]
    try:
        mapping = parse_mapping(args.map)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.rejects and not args.skip_invalid:
        print("--rejects FILE goes with --skip-invalid (the rows an import leaves out).", file=sys.stderr)
        return 2
    store = open_store(args)
    try:
        # --map names our template's columns in a spreadsheet with its own headers when the files
        # are ours (--source template, or detected so), else a tool export's fields
        ours = args.source == "template" or (args.source == "auto" and all_templates(uploads))
        result = import_uploads(store, uploads, sprints=sprints, source=args.source, team=args.team,
                                day_first=day_first, mapping=None if ours else mapping,
                                template_mapping=mapping if ours else None, save_mapping=args.save_mapping,
                                dry_run=args.dry_run, skip_invalid=args.skip_invalid)
    except ImportFailed as failure:
        failure_lines("Import failed", failure)
        if args.json:
            json.dump({"ok": False, "title": failure.title, "problems": [p.as_dict() for p in failure.problems]},
                      sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        return 1
    if args.rejects:
        from data.export import to_csv_bytes
        from data.importer import rejects_frame
        try:
            Path(args.rejects).write_bytes(to_csv_bytes(rejects_frame(result.rejects)))
        except OSError as exc:  # imported all the same: the rejects stay in the store with the import
            print(f"--rejects {args.rejects}: {exc.strerror}; the rows left out are kept with import "
                  f"{result.import_id} (history).", file=sys.stderr)
    if args.json:
        json.dump({"ok": True, **result.as_dict()}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    verb = "Would import" if args.dry_run else f"Imported (import {result.import_id})"
    for item in result.files:
        print(f"{verb}: {item.file} as {item.kind}: {item.rows} rows, {item.inserted} new, "
              f"{item.updated} updated, {item.unchanged} unchanged")
    if args.skip_invalid:
        where = ""
        if result.rejects and not args.dry_run:
            where = (f" (written to {args.rejects}, and kept with import {result.import_id})" if args.rejects
                     else f" (kept with import {result.import_id}; --rejects FILE writes them)")
        print(f"{result.imported_rows:,} rows {'would be ' if args.dry_run else ''}imported, "
              f"{len(result.rejects):,} left out{where}")
        for rejected in result.rejects[:10]:
            print(f"  left out: {rejected.file}, row {rejected.row}: {rejected.message}", file=sys.stderr)
        if len(result.rejects) > 10:
            print(f"  … and {len(result.rejects) - 10:,} more", file=sys.stderr)
    for line in result.notes:
        print(f"note: {line}", file=sys.stderr)
    for line in result.warnings:
        print(f"warning: {line}", file=sys.stderr)
    return 0


def all_templates(uploads) -> bool:
    """True when every file reads as one of our templates (no tool export among them)."""
    from data.errors import ImportFailed
    from data.importer import read_upload, source_of
    try:
        return all(source_of(read_upload(upload), "auto") == "template" for upload in uploads)
    except ImportFailed:
        return False  # the import names the unreadable file


def parse_mapping(pairs: list[str] | None) -> dict[str, str] | None:
    """--map estimate="Custom field (QA Story Point)" --map team="Project name" → a mapping."""
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--map {pair}: write FIELD=COLUMN, e.g. --map estimate=\"Custom field (QA Story Point)\".")
        mapping[name.strip()] = column.strip()
    return mapping


def read(path: str) -> bytes | int:
    """A file's bytes (at most DASHBOARD_MAX_UPLOAD_MB of them are read), or the exit code after
    saying why not: 2 for a path that is no readable file (/dev/zero, a FIFO, a folder), 1 for a
    file over the limit (refused like any import)."""
    from data.csvfile import FileRefused, read_file
    from data.errors import ImportFailed
    from data.settings import max_upload_bytes
    try:
        return read_file(path, max_bytes=max_upload_bytes())
    except FileRefused as refusal:
        print(str(refusal), file=sys.stderr)
        return 2
    except ImportFailed as failure:
        failure_lines("Import failed", failure)
        return 1


def cmd_inspect(args) -> int:
    from data.errors import ImportFailed
    from data.importer import Upload, inspect_upload
    content = read(args.file)
    if isinstance(content, int):
        return content
    try:
        report = inspect_upload(Upload(Path(args.file).name, content), source=args.source,
                                mapping=parse_mapping(args.map))
    except (ImportFailed, ValueError, OSError) as failure:
        print(str(failure), file=sys.stderr)
        return 1
    payload = vars(report)
    if args.json:
        emit(args, payload)
    else:
        print(f"{report.file}: {report.source} export")
        for name, column in report.recognised.items():
            print(f"  {name:<16} ← {column}")
        if report.missing:
            print(f"  missing: {', '.join(report.missing)} (map them with --map FIELD=COLUMN)")
        if report.duplicates:
            print("  repeated headers: " + ", ".join(f"{h} ×{n}" for h, n in report.duplicates.items()))
        print(f"  not used: {', '.join(report.unknown) or '–'}")
    return 0


def cmd_checkin(args) -> int:
    from data.entries import record_checkin
    from data.errors import ImportFailed, Problem, message_of, say
    from data.service import today
    from data.values import parse_date, parse_plain
    try:
        day = parse_date(args.date) if args.date else today()
    except ValueError as exc:
        print(f"checkin --date: {exc}", file=sys.stderr)
        return 2
    # plain numbers only: a script's 1.850.000 or 12,5 must not be read one way here and another in Germany
    numbers, refused = {}, []
    for column, text, bounds in (("value", args.value, {}), ("confidence", args.confidence, {"minimum": 0, "maximum": 10})):
        if text is None:
            continue
        try:
            numbers[column] = parse_plain(text, **bounds)
        except ValueError as exc:
            refused.append(Problem("checkin", None, column, message_of(exc), text))
    store = open_store(args)
    try:  # the template checks the rest (a known KR, the day), like a file's cells
        if refused:
            raise ImportFailed(say("t_not_plain", n=len(refused)), refused)
        result = record_checkin(store, args.kr_id, numbers["value"], day=day, confidence=numbers.get("confidence"),
                                comment=args.comment)
    except ImportFailed as failure:
        failure_lines("Check-in not recorded", failure)
        if args.json:
            emit(args, {"ok": False, "title": failure.title, "problems": [p.as_dict() for p in failure.problems]})
        return 1
    if args.json:
        emit(args, {"ok": True, **result.as_dict(), "value": numbers["value"], "confidence": numbers.get("confidence")})
    else:
        stored = f"value {plain(numbers['value'])}"  # what was stored, in the form it was typed in
        if "confidence" in numbers:
            stored += f", confidence {plain(numbers['confidence'])}"
        print(f"Check-in recorded for {args.kr_id} on {day.isoformat()}: {stored} (import {result.import_id}; "
              f"undo with: python -m analytics undo {result.import_id})")
    return 0


def plain(value: float) -> str:
    """1850000.0 → '1850000', 1850000.5 → '1850000.5': a number as the command line takes it."""
    return str(int(value)) if value.is_integer() else repr(value)
