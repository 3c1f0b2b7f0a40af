"""The commands that look after the store itself: ``demo``, ``history``, ``undo``, ``settings``,
``backup``, ``restore`` and ``maintenance``."""
from __future__ import annotations

import sys
from pathlib import Path

from cli.common import open_store
from cli.output import emit, records


def cmd_demo(args) -> int:
    from data.demo import load_demo
    from data.service import today
    store = open_store(args)
    if args.if_empty and not store.is_empty():
        print("The store already has data; the demo was not loaded.")
        return 0
    result = load_demo(store, today())
    rows = sum(f.inserted for f in result.files)
    print(f"Demo data loaded (import {result.import_id}, {rows} rows): three teams, 48 sprints (one running and one planned per team), two OKR cycles.")
    return 0


def cmd_history(args) -> int:
    store = open_store(args)
    frame = store.history()
    emit(args, records(frame), frame)
    return 0


def cmd_undo(args) -> int:
    from data.errors import UndoRefused
    store = open_store(args)
    try:
        undone = store.undo(args.import_id, cascade=args.cascade)  # by --user (open_store)
    except UndoRefused as refusal:
        print(str(refusal), file=sys.stderr)
        return 1
    if len(undone) > 1:
        print(f"Imports {', '.join(map(str, undone))} undone (newest first, in one step); "
              f"the data is as it was before import {args.import_id}.")
    else:
        print(f"Import {args.import_id} undone; the data is as it was before it.")
    return 0


def cmd_settings(args) -> int:
    from data.service import settings_table
    rows = settings_table()
    emit(args, records(rows), rows)
    return 0


def cmd_backup(args) -> int:
    from data.backup import write_backup
    store = open_store(args)
    try:
        manifest = write_backup(store, args.file)
    except OSError as exc:
        print(f"{args.file}: cannot be written ({exc.strerror}).", file=sys.stderr)
        return 2
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    print(f"Backup written to {args.file}: {len(manifest['tables'])} tables, {rows} rows, "
          f"schema version {manifest['schema_version']}.")
    return 0


def cmd_restore(args) -> int:
    from data.backup import BackupInvalid, RestoreRefused, restore_bytes
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"{args.file}: cannot be read ({exc.strerror}).", file=sys.stderr)
        return 2
    store = open_store(args)
    try:
        manifest = restore_bytes(store, data)
    except (BackupInvalid, RestoreRefused) as problem:
        print(f"{args.file}: not restored. {problem} The store is unchanged.", file=sys.stderr)
        return 1
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    print(f"Restored {args.file} (written {manifest['created_at']}): {len(manifest['tables'])} tables, {rows} rows.")
    return 0


def cmd_maintenance(args) -> int:
    """Compact and expire a DuckLake store's old snapshots and files (a checkpoint of the embedded file)."""
    import json

    from data.service import lake_retention_days
    store = open_store(args)
    days = lake_retention_days() if args.retention_days is None else args.retention_days
    report = store.maintain(days)
    if getattr(args, "json", False):
        print(json.dumps(report))
    elif report["kind"] == "ducklake":
        print(f"Maintenance done: {report['rows_flushed']} inlined rows written to Parquet, small files merged, "
              f"{report['snapshots_expired']} of {report['snapshots_before']} snapshots older than {days:g} days "
              f"expired, {report['files_deleted']} unused files deleted.")
    else:
        print("Maintenance done: the store file was checkpointed.")
    return 0
