"""The DuckDB store: one connection, a cursor per call, one transaction per import, history kept.

Imports never overwrite: a changed row is marked ``superseded_by`` the import and the new version
is inserted, so ``undo`` restores exactly the state before an import. All values travel as
parameters or registered frames; table and column names come only from ``data.schema``.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from data.errors import ImportFailed, Problem, UndoRefused
from data.schema import MIGRATIONS, TABLES
from data.templates import Frame, ParsedFile

Progress = Callable[[float, str], None]

_ORDER = {
    "teams": "team", "sprints": "team, start_date NULLS LAST, sprint", "sprint_items": "team, sprint, item_key",
    "cycles": "team, cycle_start", "objectives": "team, cycle, objective_id", "key_results": "team, cycle, objective_id, kr_id",
    "checkins": "kr_id, date", "kr_plans": "kr_id, date", "retro_actions": "team, sprint, action",
}


@dataclass
class FileResult:
    file: str
    kind: str
    source: str
    rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    import_id: int | None
    files: list[FileResult]
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    previews: dict[str, pd.DataFrame] = field(default_factory=dict)  # file → its first rows as stored

    def as_dict(self) -> dict:
        return {"import_id": self.import_id, "dry_run": self.dry_run,
                "files": [vars(f) for f in self.files], "notes": self.notes, "warnings": self.warnings}


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class Store:
    """The embedded database. Safe to share between Streamlit's threads."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(self.path)
        self._write_lock = threading.Lock()  # DuckDB would abort one of two conflicting writers
        self.migrate()

    def close(self) -> None:
        self._con.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._write_lock, self.cursor() as cur:
            cur.begin()
            try:
                yield cur
            except BaseException:
                cur.rollback()
                raise
            cur.commit()

    # --- schema -------------------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply the migrations not yet applied; safe to call any number of times."""
        with self._transaction() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
            done = {row[0] for row in cur.execute("SELECT version FROM schema_version").fetchall()}
            for version, statements in MIGRATIONS:
                if version in done:
                    continue
                for statement in statements:
                    cur.execute(statement)
                cur.execute("INSERT INTO schema_version VALUES (?, ?)", [version, datetime.now()])
        return self.schema_version()

    def schema_version(self) -> int:
        with self.cursor() as cur:
            return cur.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0

    # --- reading ------------------------------------------------------------------------------
    def current(self, table: str, teams: Sequence[str] | None = None) -> pd.DataFrame:
        """The current rows of a table, optionally for some teams only."""
        spec = TABLES[table]
        columns = ", ".join(spec.names)
        sql = f"SELECT {columns} FROM {spec.name} WHERE superseded_by IS NULL"
        params: list = []
        if teams is not None:
            if "team" in spec.names:
                sql += " AND list_contains(?, team)"
            else:
                sql += (" AND kr_id IN (SELECT kr_id FROM key_results"
                        " WHERE superseded_by IS NULL AND list_contains(?, team))")
            params.append(list(teams))
        sql += f" ORDER BY {_ORDER[table]}"
        with self.cursor() as cur:
            return cur.execute(sql, params).df()

    def versions(self, table: str) -> pd.DataFrame:
        """Every stored version of every row, with the import that wrote and the one that replaced it."""
        spec = TABLES[table]
        with self.cursor() as cur:
            return cur.execute(f"SELECT {', '.join(spec.names)}, import_id, superseded_by FROM {spec.name} "
                               f"ORDER BY {', '.join(spec.key)}, import_id").df()

    def teams(self) -> list[str]:
        with self.cursor() as cur:
            rows = cur.execute("SELECT DISTINCT team FROM teams WHERE superseded_by IS NULL ORDER BY team").fetchall()
        return [row[0] for row in rows]

    def is_empty(self) -> bool:
        """True when no import has ever been made (undone ones count as made)."""
        with self.cursor() as cur:
            return cur.execute("SELECT count(*) FROM imports").fetchone()[0] == 0

    def data_version(self) -> tuple[int, int, int]:
        """Changes whenever an import or an undo lands, also from another process: a cache key."""
        with self.cursor() as cur:
            return tuple(cur.execute("SELECT count(*), coalesce(max(import_id), 0), count(undone_at) FROM imports").fetchone())

    def has_data(self) -> bool:
        with self.cursor() as cur:
            return any(cur.execute(f"SELECT count(*) FROM {name} WHERE superseded_by IS NULL").fetchone()[0]
                       for name in TABLES)

    def history(self) -> pd.DataFrame:
        """One row per import with its files, newest first."""
        with self.cursor() as cur:
            return cur.execute("""
                SELECT i.import_id, i.imported_at, i.source, i.undone_at,
                       string_agg(f.file_name, ', ' ORDER BY f.file_name) AS files,
                       string_agg(DISTINCT f.kind, ', ') AS kinds,
                       CAST(coalesce(sum(f.rows), 0) AS BIGINT) AS rows,
                       CAST(coalesce(sum(f.inserted), 0) AS BIGINT) AS inserted,
                       CAST(coalesce(sum(f.updated), 0) AS BIGINT) AS updated,
                       CAST(coalesce(sum(f.unchanged), 0) AS BIGINT) AS unchanged
                FROM imports i LEFT JOIN import_files f USING (import_id)
                GROUP BY ALL ORDER BY i.import_id DESC""").df()

    def import_files(self) -> pd.DataFrame:
        with self.cursor() as cur:
            return cur.execute("SELECT * FROM import_files ORDER BY import_id, file_name").df()

    # --- writing ------------------------------------------------------------------------------
    def write(self, parsed: Sequence[ParsedFile], hashes: Sequence[str], *, source: str,
              dry_run: bool = False, progress: Progress | None = None,
              now: datetime | None = None) -> ImportResult:
        """Write all files in one transaction: all of them or, on any problem, none."""
        result = ImportResult(None, [], dry_run=dry_run)
        try:
            with self._transaction() as cur:
                self._check_references(cur, parsed)
                # a dry run is rolled back: it borrows id 0 instead of using up a number of the sequence
                import_id = 0 if dry_run else cur.execute("SELECT nextval('import_ids')").fetchone()[0]
                cur.execute("INSERT INTO imports VALUES (?, ?, ?, NULL)", [import_id, now or datetime.now(), source])
                for number, item in enumerate(parsed, start=1):
                    if progress:
                        progress((number - 1) / len(parsed), f"Writing {item.file} ({item.rows:,} rows)")
                    counts = FileResult(item.file, item.kind, item.source, item.rows)
                    main = main_table(item)
                    for frame in item.frames:
                        inserted, updated, unchanged = self._upsert(cur, frame, import_id)
                        if frame.table == main:  # teams, cycles … ride along; count the file's own rows
                            counts.inserted += inserted
                            counts.updated += updated
                            counts.unchanged += unchanged
                    cur.execute("INSERT INTO import_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                [import_id, item.file, hashes[number - 1], item.kind, item.source, item.rows,
                                 counts.inserted, counts.updated, counts.unchanged])
                    result.files.append(counts)
                if dry_run:
                    raise _DryRun()
                result.import_id = import_id
        except _DryRun:
            return result  # rolled back: the counts say what the import would do
        if progress:
            progress(1.0, "Import finished")
        return result

    def _upsert(self, cur: duckdb.DuckDBPyConnection, frame: Frame, import_id: int) -> tuple[int, int, int]:
        table = TABLES[frame.table]
        incoming = frame.data.drop_duplicates(list(table.key), keep="last")
        incoming = incoming.reindex(columns=table.names)
        cur.register("incoming", incoming)
        try:
            on = " AND ".join(f"cur.{k} = inc.{k}" for k in table.key)
            chosen = ", ".join(
                f"CAST(inc.{name} AS {sql_type}) AS {name}" if name in frame.present or name in table.key
                else f"cur.{name} AS {name}"  # a column the file did not have keeps its stored value
                for name, sql_type in table.columns)
            cur.execute(f"CREATE OR REPLACE TEMP TABLE staged AS SELECT {chosen} FROM incoming inc "
                        f"LEFT JOIN {table.name} cur ON {on} AND cur.superseded_by IS NULL")
        finally:
            cur.unregister("incoming")
        on = " AND ".join(f"t.{k} = s.{k}" for k in table.key)
        differs = " OR ".join(f"t.{v} IS DISTINCT FROM s.{v}" for v in table.values) or "FALSE"
        total = len(incoming)
        new = cur.execute(f"SELECT count(*) FROM staged s WHERE NOT EXISTS (SELECT 1 FROM {table.name} t "
                          f"WHERE {on} AND t.superseded_by IS NULL)").fetchone()[0]
        changed = cur.execute(f"SELECT count(*) FROM staged s JOIN {table.name} t ON {on} "
                              f"AND t.superseded_by IS NULL WHERE {differs}").fetchone()[0]
        cur.execute(f"UPDATE {table.name} t SET superseded_by = ? FROM staged s "
                    f"WHERE {on} AND t.superseded_by IS NULL AND ({differs})", [import_id])
        columns = ", ".join(table.names)
        cur.execute(f"INSERT INTO {table.name} ({columns}, import_id, superseded_by) SELECT {columns}, ?, NULL "
                    f"FROM staged s WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE {on} "
                    "AND t.superseded_by IS NULL)", [import_id])
        cur.execute("DROP TABLE staged")
        return new, changed, total - new - changed

    def _check_references(self, cur: duckdb.DuckDBPyConnection, parsed: Sequence[ParsedFile]) -> None:
        """Check-ins and plans must name a key result that is stored or comes in this import."""
        known = {row[0] for row in cur.execute(
            "SELECT kr_id FROM key_results WHERE superseded_by IS NULL").fetchall()}
        for item in parsed:
            known |= {kr for frame in item.frames if frame.table == "key_results" for kr in frame.data["kr_id"]}
        problems = []
        for item in parsed:
            for frame in item.frames:
                if frame.table not in ("checkins", "kr_plans"):
                    continue
                rows = frame.data["source_row"] if "source_row" in frame.data else [None] * len(frame.data)
                for kr_id, row in zip(frame.data["kr_id"], rows):
                    if kr_id not in known and len(problems) < 50:
                        problems.append(Problem(item.file, row, "kr_id",
                                                f"Key result '{kr_id}' is unknown. Import the okrs file that defines it "
                                                "first, or together with this file.", kr_id))
        if problems:
            raise ImportFailed("Check-ins for unknown key results", problems)

    def save_mapping(self, source: str, mapping: dict[str, str], *, now: datetime | None = None) -> None:
        """Remember a column mapping for a source (jira, azure, linear, template)."""
        with self._transaction() as cur:
            cur.execute("DELETE FROM column_mappings WHERE source = ?", [source])
            cur.execute("INSERT INTO column_mappings VALUES (?, ?, ?)",
                        [source, json.dumps(mapping, ensure_ascii=False, sort_keys=True), now or datetime.now()])

    def mapping(self, source: str) -> dict[str, str]:
        with self.cursor() as cur:
            row = cur.execute("SELECT mapping FROM column_mappings WHERE source = ?", [source]).fetchone()
        return json.loads(row[0]) if row else {}

    def known_key_results(self) -> set[str]:
        with self.cursor() as cur:
            return {r[0] for r in cur.execute("SELECT kr_id FROM key_results WHERE superseded_by IS NULL").fetchall()}

    def undo(self, import_id: int, *, now: datetime | None = None) -> None:
        """Remove what an import wrote and bring back what it had replaced."""
        with self._transaction() as cur:
            row = cur.execute("SELECT undone_at FROM imports WHERE import_id = ?", [import_id]).fetchone()
            if row is None:
                raise UndoRefused(f"There is no import {import_id}.")
            if row[0] is not None:
                raise UndoRefused(f"Import {import_id} was already undone on {row[0]:%Y-%m-%d %H:%M}.")
            later = set()
            for table in TABLES.values():
                later |= {r[0] for r in cur.execute(
                    f"SELECT DISTINCT superseded_by FROM {table.name} WHERE import_id = ? "
                    "AND superseded_by IS NOT NULL AND superseded_by <> ?", [import_id, import_id]).fetchall()}
            if later:
                raise UndoRefused(
                    f"Import {import_id} cannot be undone alone: later import(s) {', '.join(map(str, sorted(later)))} "
                    "changed rows it wrote. Undo those first.")
            for table in TABLES.values():
                cur.execute(f"DELETE FROM {table.name} WHERE import_id = ?", [import_id])
                cur.execute(f"UPDATE {table.name} SET superseded_by = NULL WHERE superseded_by = ?", [import_id])
            cur.execute("UPDATE imports SET undone_at = ? WHERE import_id = ?", [now or datetime.now(), import_id])



def main_table(item: ParsedFile) -> str:
    """The table a file's rows land in (an okrs row is a key result; cycles and objectives ride along)."""
    wanted = {"okrs": "key_results"}.get(item.kind, item.kind)
    tables = [frame.table for frame in item.frames]
    return wanted if wanted in tables else tables[-1]


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back after counting."""
