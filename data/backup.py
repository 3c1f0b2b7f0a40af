"""The whole store as one file, and back: a zip of one Parquet file per table (written by DuckDB's
COPY) and ``manifest.json`` with the schema version, every table's columns and row count, and the
number the next import gets.

The tables are read from DuckDB's catalog, so a table or column that a later migration adds is in
the backup without a change here. Every version of every row is kept (``import_id``,
``superseded_by``), with ``imports``, ``import_files``, ``column_mappings`` and ``schema_version``:
undo works on the restored store as on the original. A restore goes into an empty store only, in
one transaction: on any problem nothing is written. Both kinds of store (the embedded file and
DuckLake) have the same tables, so a backup of one restores into the other.
"""
from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from data.access import access_of
from data.errors import say
from data.lake import sql_literal
from data.schema import BOOKKEEPING, SCHEMA_VERSION
from data.store import Store

FORMAT = "sprint-okr-dashboard-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_UNPACKED = 4 * 1024 ** 3  # a backup that unpacks to more than this is refused (a zip bomb or not ours)
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")

Progress = Callable[[float, str], None]


ACCESS_TABLES = ("access_grants", "access_changes")


class BackupInvalid(ValueError):
    """The file is not a backup this version can restore (the message says why and what to do)."""


class RestoreRefused(ValueError):
    """The store is not empty: a restore would mix two stores."""


def _tables(cur) -> list[str]:
    rows = cur.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                       "AND schema_name = 'main' AND NOT temporary ORDER BY table_name").fetchall()
    return [row[0] for row in rows]


def _columns(cur, table: str) -> list[list[str]]:
    rows = cur.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
                       "AND schema_name = 'main' AND table_name = ? ORDER BY column_index", [table]).fetchall()
    return [[name, sql_type] for name, sql_type in rows]


def _quoted(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise BackupInvalid(say("not_table", name=name))
    return f'"{name}"'


def backup_bytes(store: Store, *, now: datetime | None = None, progress: Progress | None = None) -> bytes:
    """Every table of the store, read in one snapshot, as the bytes of one zip file (admins only:
    it holds every team's data and the access grants)."""
    access_of(store).require_admin()
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "created_at": (now or datetime.now()).isoformat(
        timespec="seconds"), "schema_version": None, "next_import_id": 1, "tables": {}}
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="backup-") as folder, store.cursor() as cur:
        cur.begin()  # one snapshot: an import landing meanwhile is either wholly in or wholly out
        try:
            manifest["schema_version"] = cur.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            # the number the next import gets: after every import ever made, undone ones included
            # (as Store.write numbers them: max + 1)
            manifest["next_import_id"] = int(cur.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports")
                                             .fetchone()[0])
            tables = _tables(cur)
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for number, table in enumerate(tables):
                    if progress:
                        progress(number / len(tables), say("saving", table=table))
                    target = Path(folder) / f"{table}.parquet"
                    cur.execute(f"COPY {_quoted(table)} TO {sql_literal(str(target))} (FORMAT parquet)")
                    rows = cur.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchone()[0]
                    manifest["tables"][table] = {"rows": rows, "columns": _columns(cur, table),
                                                 "file": f"{table}.parquet"}
                    archive.write(target, f"{table}.parquet")
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
        finally:
            cur.rollback()  # read only: nothing to keep
    if progress:
        progress(1.0, say("backup_ready"))
    return buffer.getvalue()


def write_backup(store: Store, path: str | Path, **options) -> dict:
    """Write the backup to ``path``; returns its manifest."""
    data = backup_bytes(store, **options)
    Path(path).write_bytes(data)
    return read_manifest(data)


def read_manifest(data: bytes) -> dict:
    """The manifest of a backup, checked: our format, a schema this version knows, every file there."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BackupInvalid(say("not_zip")) from None
    with archive:
        names = set(archive.namelist())
        if MANIFEST not in names:
            raise BackupInvalid(say("no_manifest", manifest=MANIFEST))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise BackupInvalid(say("unpacks_too_large"))
        try:
            manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, zipfile.BadZipFile, OSError) as exc:
            raise BackupInvalid(say("manifest_unreadable", manifest=MANIFEST, error=str(exc))) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupInvalid(say("manifest_foreign", manifest=MANIFEST))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupInvalid(say("format_unknown", format=manifest.get("format_version"), known=FORMAT_VERSION))
    version = manifest.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise BackupInvalid(say("schema_newer", version=version, known=SCHEMA_VERSION))
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not tables:
        raise BackupInvalid(say("no_tables"))
    for table, entry in tables.items():
        _quoted(table)
        if not isinstance(entry, dict) or entry.get("file") != f"{table}.parquet" or entry["file"] not in names \
                or not isinstance(entry.get("rows"), int) or not isinstance(entry.get("columns"), list):
            raise BackupInvalid(say("entry_incomplete", table=table))
    return manifest


def restore_bytes(store: Store, data: bytes, *, progress: Progress | None = None) -> dict:
    """Load a backup into an empty store (refused otherwise); returns the manifest.

    Rows go in by column name, so a backup of an older schema fills the columns it has and later
    columns take their defaults. Import numbers continue after the backup's last import.
    """
    access_of(store).require_admin()
    manifest = read_manifest(data)
    with tempfile.TemporaryDirectory(prefix="restore-") as folder:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for entry in manifest["tables"].values():
                (Path(folder) / entry["file"]).write_bytes(archive.read(entry["file"]))
        # all or nothing, like an import (and run again should another process write meanwhile)
        store._run(lambda cur: _restore(cur, manifest, Path(folder), progress), progress=progress)
    if progress:
        progress(1.0, say("restore_finished"))
    return manifest


def _restore(cur, manifest: dict, folder: Path, progress: Progress | None) -> None:
    present = _tables(cur)
    # the grants are not data: an admin may grant (even themself) before restoring a new server
    filled = [table for table in present if table not in (*BOOKKEEPING, *ACCESS_TABLES)
              and cur.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchone()[0]]
    if filled:
        raise RestoreRefused(say("store_not_empty", tables=", ".join(filled)))
    unknown = sorted(set(manifest["tables"]) - set(present))
    if unknown:
        raise BackupInvalid(say("unknown_tables", tables=", ".join(unknown)))
    same_schema = manifest["schema_version"] == cur.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    tables = [t for t in manifest["tables"] if t not in BOOKKEEPING or t == "schema_version" and same_schema]
    for number, table in enumerate(tables):
        if progress:
            progress(number / len(tables), say("restoring", table=table))
        entry = manifest["tables"][table]
        ours = {name for name, _ in _columns(cur, table)}
        theirs = [name for name, _ in entry["columns"]]
        extra = sorted(set(theirs) - ours)
        if extra:
            raise BackupInvalid(say("unknown_table_columns", table=table, columns=", ".join(extra)))
        columns = ", ".join(_quoted(name) for name in theirs)
        if table == "schema_version":
            cur.execute("DELETE FROM schema_version")
        had = cur.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchone()[0]  # grants made before
        try:
            cur.execute(f"INSERT INTO {_quoted(table)} ({columns}) SELECT {columns} FROM read_parquet(?)",
                        [str(folder / entry["file"])])
        except Exception as exc:  # a damaged or foreign Parquet file
            raise BackupInvalid(say("table_not_restorable", table=table, error=type(exc).__name__)) from None
        rows = cur.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchone()[0]
        if rows - had != entry["rows"]:
            raise BackupInvalid(say("row_count_differs", table=table, rows=rows, expected=entry["rows"]))
    # grants made on this server before the restore and the backup's: as with `access grant`, the
    # newer grant of an identity for a team replaces the older one
    cur.execute("DELETE FROM access_grants g WHERE EXISTS (SELECT 1 FROM access_grants n WHERE n.identity = g.identity "
                "AND n.team = g.team AND n.granted_at > g.granted_at)")
    # the next import takes max(import_id) + 1 of the restored imports (undone ones included), so
    # numbers continue after the backup's last import without a sequence to set


def restore_file(store: Store, path: str | Path, **options) -> dict:
    return restore_bytes(store, Path(path).read_bytes(), **options)
