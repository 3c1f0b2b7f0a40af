"""The store, one of two kinds behind one class: the embedded DuckDB file (a connection per operation,
none held in between) or a DuckLake catalog on PostgreSQL shared by several dashboards and scheduled
imports (one attached connection per process, a cursor per operation). One transaction per import,
history kept, the same SQL on both.

Imports never overwrite: a changed row is marked ``superseded_by`` the import and the new version
is inserted, so ``undo`` restores exactly the state before an import. All values travel as
parameters or registered frames; table and column names come only from ``data.schema``.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
import pyarrow as pa

from data.errors import ImportFailed, Problem, Rejected, StoreBusy, StoreConflict, StoreUnavailable, UndoRefused, say
from data.lake import ALIAS, Lake, lake_failure, sql_literal
from data.schema import MIGRATIONS, PORTABLE, TABLES
from data.settings import setting
from data.templates import Frame, ParsedFile, duplicated

Progress = Callable[[float, str], None]
T = TypeVar("T")

_ORDER = {
    "teams": "team", "sprints": "team, start_date NULLS LAST, first_import, file_order, sprint", "sprint_items": "team, sprint, item_key",
    "cycles": "team, cycle_start", "objectives": "team, cycle, objective_id", "key_results": "team, cycle, objective_id, kr_id",
    "checkins": "kr_id, date", "kr_plans": "kr_id, date", "retro_actions": "team, sprint, action",
}


# Read-only columns some tables carry beside their stored ones. A sprint's first import and its
# position in that file give sprints without dates their order (METRICS.md: never the name's order).
_EXTRA = {"sprints": ", (SELECT min(v.import_id) FROM sprints v WHERE v.team = t.team AND v.sprint = t.sprint)"
                     " AS first_import"}


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
    rejects: list[Rejected] = field(default_factory=list)  # rows left out by an import that skips invalid ones
    skip_invalid: bool = False

    @property
    def imported_rows(self) -> int:
        """Data rows of the files that were imported (new, updated or unchanged)."""
        return sum(f.rows for f in self.files)

    def as_dict(self) -> dict:
        shown = {"import_id": self.import_id, "dry_run": self.dry_run,
                 "files": [vars(f) for f in self.files], "notes": self.notes, "warnings": self.warnings}
        if self.skip_invalid:
            shown |= {"imported_rows": self.imported_rows, "rejected_rows": len(self.rejects)}
        return shown


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# DuckDB shares one database per file among a process's connections; two threads opening the
# first one at the same moment (or one closing the last while another opens) would each attach it.
_CONNECTING = threading.Lock()


class _Files:
    """The embedded files a process has open, attached to one in-memory DuckDB of the process.

    Opening a file with ``duckdb.connect`` makes a new DuckDB each time, about 20 ms on a 2-core
    machine whatever the file's size (DuckDB builds its catalog of functions and types); attaching
    the file to a DuckDB made once takes about 5 ms (measured with the 100k-row store). A file stays
    attached while any operation of the process uses it, and is detached, its lock released for
    other processes, when the last one ends, as closing the last connection did. Callers hold
    ``_CONNECTING``."""

    def __init__(self) -> None:
        self.host: duckdb.DuckDBPyConnection | None = None
        self.attached: dict[str, list] = {}  # path → [alias, operations using it]
        self.made = 0

    def open(self, path: str) -> duckdb.DuckDBPyConnection:
        """A cursor on the file at ``path`` (resolved: one file is attached once, however its path
        is written)."""
        if self.host is None:
            self.host = duckdb.connect(":memory:")
        entry = self.attached.get(path)
        if entry is None:
            self.made += 1
            alias = f"store_{self.made}"
            self.host.execute(f"ATTACH {sql_literal(path)} AS {alias}")
            entry = self.attached[path] = [alias, 0]
        cur = self.host.cursor()
        try:
            cur.execute(f"USE {entry[0]}")
        except BaseException:
            cur.close()
            self._done_with(path, entry)
            raise
        entry[1] += 1
        return cur

    def close(self, path: str, con: duckdb.DuckDBPyConnection) -> None:
        con.close()  # a transaction left open is rolled back
        entry = self.attached[path]
        entry[1] -= 1
        self._done_with(path, entry)

    def _done_with(self, path: str, entry: list) -> None:
        if entry[1] == 0:
            del self.attached[path]
            self.host.execute(f"DETACH {entry[0]}")


_FILES = _Files()


class Store:
    """The store the dashboard and the command line share, of either kind; the rest of the code
    calls it the same way.

    ``path`` is a DuckDB file, or ``ducklake:postgres:<libpq connection string>`` for a DuckLake
    catalog in PostgreSQL whose Parquet data lives in ``lake_data`` (DASHBOARD_LAKE_DATA).

    The embedded file: DuckDB lets one process at a time open a file for writing, so the store holds
    no connection between operations: every read and every transaction attaches the file to the
    process's one in-memory DuckDB, does its work and detaches it again (about 5 ms; ``_Files``).
    When another process has the file, the store waits for it, ``lock_timeout`` seconds for a
    transaction and ``read_timeout`` for a read, calling ``on_wait(seconds waited)`` about once a
    second, and then raises ``StoreBusy``.

    DuckLake: one attached connection per process (attaching costs a catalog round trip), a cursor
    per operation. Writers of several processes run at once and commit optimistically; every
    transaction bumps the one row of ``write_serial``, so of two overlapping writers one fails at
    commit and runs again on the newer data (``DASHBOARD_WRITE_RETRIES`` times, with backoff,
    reported through ``on_retry(attempt, limit)``), then gives up with ``StoreConflict``.
    Safe to share between Streamlit's threads either way.
    """

    def __init__(self, path: str | Path, *, lock_timeout: float | None = None, read_timeout: float | None = None,
                 on_wait: Callable[[float], None] | None = None,
                 on_retry: Callable[[int, int], None] | None = None, lake_data: str | None = None):
        self.path = str(path)
        self.lake: Lake | None = None
        if self.path.startswith("ducklake:"):  # Lake refuses any kind but LAKE_PREFIX's, saying how
            self.lake = Lake(self.path, setting("DASHBOARD_LAKE_DATA") if lake_data is None else lake_data)
        else:
            if self.path.strip() == "" or self.path.startswith(":memory:"):
                raise StoreUnavailable(say("in_memory"))
            folder = Path(self.path).parent
            if not folder.is_dir():
                # a mistyped folder would silently start an empty second store: refuse instead
                raise StoreUnavailable(say("no_folder", folder=str(folder.name or folder)))
            if Path(self.path).exists() and not Path(self.path).is_file():
                raise StoreUnavailable(say("not_regular_file"))
            self._file = os.path.realpath(self.path)  # the key of _FILES: one file, however it is written
        self.lock_timeout = setting("DASHBOARD_LOCK_TIMEOUT") if lock_timeout is None else lock_timeout
        self.read_timeout = self.lock_timeout if read_timeout is None else read_timeout
        self.retries = setting("DASHBOARD_WRITE_RETRIES")
        self.on_wait = on_wait
        self.on_retry = on_retry
        self._write_lock = threading.Lock()  # DuckDB would abort one of two conflicting writers
        self._session = threading.local()  # the connection of this thread's ``session``, if any
        self.migrate()

    @property
    def kind(self) -> str:
        """``duckdb`` (the embedded file) or ``ducklake``."""
        return "ducklake" if self.lake else "duckdb"

    def close(self) -> None:
        """The embedded file: nothing to release (no connection is kept between operations).
        DuckLake: detaches the process's connection (the next operation attaches again)."""
        if self.lake:
            self.lake.close()

    def _connect(self, timeout: float) -> duckdb.DuckDBPyConnection:
        """A connection to the store, waiting while another process holds the file."""
        if self.lake:
            return self.lake.cursor()
        started = time.monotonic()
        reported = 0
        pause = 0.02
        while True:
            try:
                with _CONNECTING:
                    return _FILES.open(self._file)
            except duckdb.IOException as exc:
                text = str(exc)
                if "lock" not in text.lower():
                    raise StoreUnavailable(say("not_duckdb")) from None
            except (duckdb.SerializationException, duckdb.InvalidInputException):
                raise StoreUnavailable(say("not_duckdb")) from None
            waited = time.monotonic() - started
            if waited >= timeout:
                raise StoreBusy(waited)
            if self.on_wait and int(waited) > reported:
                reported = int(waited)
                self.on_wait(waited)
            time.sleep(min(pause, max(0.0, timeout - waited)))
            pause = min(pause * 2, 0.25)

    def _release(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.lake:
            con.close()  # a cursor: the attached connection stays
            return
        with _CONNECTING:
            _FILES.close(self._file, con)

    @contextmanager
    def cursor(self, timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one read, closed afterwards so the file is free for other processes
        (inside ``session``: the session's connection, left open). A PostgreSQL that stops
        answering meanwhile is ``StoreUnavailable`` saying so, never a library's traceback."""
        shared = getattr(self._session, "connection", None)
        if shared is not None:
            try:
                yield shared
            except duckdb.Error as exc:
                self._unreachable(exc)
                raise
            return
        con = self._connect(self.read_timeout if timeout is None else timeout)
        try:
            yield con
        except duckdb.Error as exc:
            self._unreachable(exc)
            raise
        finally:
            self._release(con)

    def _unreachable(self, exc: duckdb.Error) -> None:
        """Raise ``StoreUnavailable`` when ``exc`` says the catalog's PostgreSQL cannot be reached."""
        if self.lake and (problem := lake_failure(exc)) is not None:
            self.lake.close()  # attach again next time: the server may be back
            raise StoreUnavailable(problem) from None

    @contextmanager
    def session(self, timeout: float | None = None) -> Iterator[None]:
        """One connection for every operation of this thread inside the block: an import asks the
        store a dozen questions before it writes, a page's first run several dozen, and opening the
        file costs about 5 ms each time. The file is busy for other processes meanwhile, so keep
        sessions to one piece of work. ``timeout``: how long to wait for the file (default: the
        lock timeout)."""
        if getattr(self._session, "connection", None) is not None:
            yield  # already in one
            return
        self._session.connection = self._connect(self.lock_timeout if timeout is None else timeout)
        try:
            yield
        finally:
            self._session.answers = None
            connection, self._session.connection = self._session.connection, None
            self._release(connection)

    def _run(self, work: Callable[[duckdb.DuckDBPyConnection], T], *, progress: Progress | None = None,
             bookkeeping: bool = True) -> T:
        """``work(cursor)`` in one transaction, committed when it returns, rolled back when it raises.

        Every write bumps ``write_serial`` (``bookkeeping``; not before the migrations made it), so
        two processes writing a DuckLake store at once conflict at commit instead of both landing
        (an import id taken twice, a row superseded twice). The one that lost rolls back and runs
        ``work`` again on what the other committed, after a growing pause with jitter, reporting
        each attempt; after ``retries`` attempts it raises ``StoreConflict``: nothing written."""
        try:
            return self._attempts(work, progress, bookkeeping)
        finally:
            self._session.answers = None  # what the session remembers: this write may have changed it

    def _attempts(self, work: Callable[[duckdb.DuckDBPyConnection], T], progress: Progress | None,
                  bookkeeping: bool) -> T:
        """``_run``'s transaction, run again after a conflict at commit."""
        limit = max(1, self.retries)
        pause = 0.05
        for attempt in range(1, limit + 1):
            try:
                with self._write_lock, self.cursor(self.lock_timeout) as cur:
                    cur.begin()
                    try:
                        if bookkeeping:
                            cur.execute("UPDATE write_serial SET serial = serial + 1")
                        result = work(cur)
                    except BaseException:
                        cur.rollback()
                        raise
                    cur.commit()  # a conflict fails here, the transaction already rolled back
                    return result
            except duckdb.TransactionException as exc:
                if "conflict" not in str(exc).lower():
                    raise
            if attempt == limit:
                break
            if self.on_retry:
                self.on_retry(attempt + 1, limit)
            if progress:
                progress(0.0, say("write_retry", attempt=attempt + 1, limit=limit))
            time.sleep(pause * (0.5 + random.random()))  # jitter: two losers do not collide again
            pause = min(pause * 2, 2.0)
        raise StoreConflict(limit)

    # --- schema -------------------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply the migrations not yet applied; safe to call any number of times, from several
        processes at once. A store made new runs each migration's portable form (``PORTABLE``)."""
        def migrating(cur: duckdb.DuckDBPyConnection) -> None:
            existed = bool(cur.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                "AND schema_name = 'main' AND table_name = 'schema_version'").fetchone()[0])
            cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP)")
            done = {row[0] for row in cur.execute("SELECT version FROM schema_version").fetchall()}
            new = not existed or not done
            for version, statements in MIGRATIONS:
                if version in done:
                    continue
                for statement in PORTABLE.get(version, statements) if new else statements:
                    cur.execute(statement)
                cur.execute("INSERT INTO schema_version VALUES (?, ?)", [version, datetime.now()])
        if self._up_to_date():
            return self.schema_version()
        self._run(migrating, bookkeeping=False)
        return self.schema_version()

    def _up_to_date(self) -> bool:
        """Every migration applied (a read: replicas starting at once write nothing then)."""
        try:
            with self.cursor() as cur:
                return cur.execute("SELECT max(version) FROM schema_version").fetchone()[0] == MIGRATIONS[-1][0]
        except duckdb.CatalogException:
            return False

    def schema_version(self) -> int:
        with self.cursor() as cur:
            return cur.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0

    # --- upkeep ---------------------------------------------------------------------------------
    def maintain(self, retention_days: float, *, now: datetime | None = None) -> dict:
        """Tidy the store; what was done. DuckLake keeps every snapshot and writes small files (an
        import of a few rows even lives inline in the catalog): this writes inlined rows to Parquet,
        merges adjacent small files, expires snapshots older than ``retention_days`` and deletes the
        files only those referenced once they are as old. Readers and imports go on meanwhile (each
        step is its own transaction, run again on a conflict); the current data never changes, and
        a reader or a backup still in an older snapshot keeps it for the retention time.
        The embedded file: a checkpoint (its write-ahead log folded into the file)."""
        if not self.lake:
            with self.cursor(self.lock_timeout) as cur:
                cur.execute("CHECKPOINT")
            return {"kind": self.kind, "checkpoint": True}
        cutoff = (now or datetime.now()) - timedelta(days=retention_days)
        with self.cursor(self.lock_timeout) as cur:
            def count(sql: str) -> int:
                return cur.execute(sql).fetchone()[0]

            def step(sql: str, params: list | None = None) -> list:
                for attempt in range(max(1, self.retries)):
                    try:
                        return cur.execute(sql, params or []).fetchall()
                    except duckdb.TransactionException as exc:
                        if "conflict" not in str(exc).lower() or attempt + 1 == max(1, self.retries):
                            raise
                        time.sleep(0.05 * 2 ** attempt)
                return []
            snapshots = count(f"SELECT count(*) FROM {ALIAS}.snapshots()")
            # counted in SQL: the steps' rows carry time zones, which Python would need pytz to read
            flushed = step(f"SELECT coalesce(sum(rows_flushed), 0) FROM ducklake_flush_inlined_data('{ALIAS}')")[0][0]
            step(f"SELECT count(*) FROM ducklake_merge_adjacent_files('{ALIAS}')")
            older = "older_than => CAST(? AS TIMESTAMP)::TIMESTAMPTZ"
            step(f"SELECT count(*) FROM ducklake_expire_snapshots('{ALIAS}', {older})", [cutoff])
            removed = step(f"SELECT count(*) FROM ducklake_cleanup_old_files('{ALIAS}', {older})", [cutoff])[0][0]
            left = count(f"SELECT count(*) FROM {ALIAS}.snapshots()")
        return {"kind": self.kind, "retention_days": retention_days, "rows_flushed": int(flushed),
                "snapshots_before": snapshots, "snapshots_expired": snapshots - left, "snapshots_kept": left,
                "files_deleted": removed}

    # --- reading ------------------------------------------------------------------------------
    def current(self, table: str, teams: Sequence[str] | None = None) -> pd.DataFrame:
        """The current rows of a table, optionally for some teams only (inside a ``session`` read
        once per table and teams: a page's run reads the sprints, the teams or the check-ins twice,
        for two of its parts)."""
        return self._remembered(("current", table, None if teams is None else tuple(teams)),
                                lambda: self._read_current(table, teams)).copy(deep=False)

    def _read_current(self, table: str, teams: Sequence[str] | None) -> pd.DataFrame:
        spec = TABLES[table]
        columns = ", ".join(spec.names)
        sql = f"SELECT {columns}{_EXTRA.get(table, '')} FROM {spec.name} t WHERE superseded_by IS NULL"
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

    def _remembered(self, question: tuple, ask: Callable[[], T]) -> T:
        """The answer to a read, asked once per ``session`` (each read of a DuckLake store is a
        catalog round trip, 5–20 ms); outside a session asked each time. Any write of the session
        (``_run``) forgets the answers, and the session forgets them when it ends."""
        if getattr(self._session, "connection", None) is None:
            return ask()
        answers = getattr(self._session, "answers", None)
        if answers is None:
            answers = self._session.answers = {}
        if question not in answers:
            answers[question] = ask()
        return answers[question]

    def versions(self, table: str) -> pd.DataFrame:
        """Every stored version of every row, with the import that wrote and the one that replaced it."""
        spec = TABLES[table]
        with self.cursor() as cur:
            return cur.execute(f"SELECT {', '.join(spec.names)}, import_id, superseded_by FROM {spec.name} "
                               f"ORDER BY {', '.join(spec.key)}, import_id").df()

    def teams(self) -> list[str]:
        """Every team with current rows, by name (inside a ``session`` asked once: a page's run needs
        the list three or four times — the data check, the sidebar, the scope of each read)."""
        def ask() -> list[str]:
            with self.cursor() as cur:
                return [row[0] for row in
                        cur.execute("SELECT DISTINCT team FROM teams WHERE superseded_by IS NULL ORDER BY team").fetchall()]
        return list(self._remembered(("teams",), ask))

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
        """One row per import with its files, newest first: who made it (``user``) and who undid it."""
        with self.cursor() as cur:
            return cur.execute("""
                SELECT i.import_id, i.imported_at, i.source, i.imported_by AS "user", i.undone_at, i.undone_by,
                       string_agg(f.file_name, ', ' ORDER BY f.file_name) AS files,
                       string_agg(DISTINCT f.kind, ', ') AS kinds,
                       CAST(coalesce(sum(f.rows), 0) AS BIGINT) AS rows,
                       CAST(coalesce(sum(f.inserted), 0) AS BIGINT) AS inserted,
                       CAST(coalesce(sum(f.updated), 0) AS BIGINT) AS updated,
                       CAST(coalesce(sum(f.unchanged), 0) AS BIGINT) AS unchanged
                FROM imports i LEFT JOIN import_files f USING (import_id)
                GROUP BY ALL ORDER BY i.import_id DESC""").df()

    def import_dates(self) -> pd.DataFrame:
        """When each import was made (the OKR view dates the versions of key results with it)."""
        with self.cursor() as cur:
            return cur.execute("SELECT import_id, imported_at FROM imports ORDER BY import_id DESC").df()

    def readable(self, teams: Sequence[str] | None) -> Sequence[str] | None:
        """The teams a read may cover (None: every team). The plain store reads everything; the
        signed-in identity's store (``data.access.ScopedStore``) narrows it to the visible teams."""
        return teams

    def import_files(self) -> pd.DataFrame:
        with self.cursor() as cur:
            return cur.execute("SELECT * FROM import_files ORDER BY import_id, file_name").df()

    # --- writing ------------------------------------------------------------------------------
    def write(self, parsed: Sequence[ParsedFile], hashes: Sequence[str], *, source: str,
              dry_run: bool = False, progress: Progress | None = None,
              now: datetime | None = None, rejects: Sequence[Rejected] = (), user: str | None = None) -> ImportResult:
        """Write all files in one transaction: all of them or, on any problem, none; ``user`` made it.
        ``rejects``, the rows an import that skips invalid ones left out, are kept with it (``rejects``)."""
        def writing(cur: duckdb.DuckDBPyConnection) -> ImportResult:
            result = ImportResult(None, [], dry_run=dry_run, rejects=list(rejects))
            self._check_references(cur, parsed)
            # a dry run is rolled back: it borrows id 0. A real one takes the number after every
            # import ever made (undone ones stay in ``imports``); two processes taking the same
            # number at once conflict on write_serial and the loser runs again (``_run``)
            import_id = 0 if dry_run else cur.execute(
                "SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()[0]
            touched: set[str] = set()  # the tables this import has written rows to so far
            cur.execute("INSERT INTO imports (import_id, imported_at, source, imported_by, teams) VALUES (?, ?, ?, ?, ?)",
                        [import_id, now or datetime.now(), source, user,
                         json.dumps(sorted(parsed_teams(cur, parsed)), ensure_ascii=False)])
            # a dry run writes a table's rows only where a later file of the import compares against
            # them: the counts of a table's last rows need nothing written (it is rolled back anyway)
            last = {frame.table: (number, position) for number, item in enumerate(parsed, start=1)
                    for position, frame in enumerate(item.frames)} if dry_run else {}
            for number, item in enumerate(parsed, start=1):
                if progress:
                    progress((number - 1) / len(parsed), say("writing", file=item.file, rows=item.rows))
                counts = FileResult(item.file, item.kind, item.source, item.rows)
                main = main_table(item)
                for position, frame in enumerate(item.frames):
                    only_count = {"count_only": True} if last.get(frame.table) == (number, position) else {}
                    inserted, updated, unchanged = self._upsert(cur, frame, import_id, touched, **only_count)
                    if frame.table == main:  # teams, cycles … ride along; count the file's own rows
                        counts.inserted += inserted
                        counts.updated += updated
                        counts.unchanged += unchanged
                cur.execute("INSERT INTO import_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [import_id, item.file, hashes[number - 1], item.kind, item.source, item.rows,
                             counts.inserted, counts.updated, counts.unchanged])
                result.files.append(counts)
            self._write_rejects(cur, import_id, rejects)
            if dry_run:
                raise _DryRun(result)
            result.import_id = import_id
            return result
        try:
            result = self._run(writing, progress=progress)
        except _DryRun as rolled_back:
            return rolled_back.result  # the counts say what the import would do
        if progress:
            progress(1.0, say("finished"))
        return result

    def _upsert(self, cur: duckdb.DuckDBPyConnection, frame: Frame, import_id: int,
                touched: set[str], count_only: bool = False) -> tuple[int, int, int]:
        """(new, changed, unchanged) rows of a frame, written unless ``count_only``."""
        table = TABLES[frame.table]
        incoming = frame.data
        # a frame the parse found unique on the key is not looked through again (1.5 M rows at size L)
        repeated = None if frame.unique else duplicated(incoming, table.key, keep="last")
        if repeated is not None and repeated.any():  # a copy only when a key repeats (a template refuses that; an export keeps the last)
            incoming = incoming[~repeated]
        incoming = incoming.reindex(columns=table.names)
        total = len(incoming)
        if table.name not in touched and not cur.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {table.name} WHERE superseded_by IS NULL LIMIT 1)").fetchone()[0]:
            # nothing current in the table (its first import): every row is new, none changed; the
            # rows go in as the statements below would write them, without staging and comparing
            columns = ", ".join(table.names)
            values = ", ".join(f"CAST(inc.{name} AS {sql_type})" if name in frame.present or name in table.key
                               else f"CAST(NULL AS {sql_type})" for name, sql_type in table.columns)
            if total and not count_only:
                cur.register("incoming", _as_arrow(incoming))
                try:
                    cur.execute(f"INSERT INTO {table.name} ({columns}, import_id, superseded_by) "
                                f"SELECT {values}, ?, NULL FROM incoming inc", [import_id])
                finally:
                    cur.unregister("incoming")
                touched.add(table.name)
            return total, 0, 0
        cur.register("incoming", _as_arrow(incoming))
        try:
            on = " AND ".join(f"cur.{k} = inc.{k}" for k in table.key)
            chosen = ", ".join(
                f"coalesce(cur.{name}, CAST(inc.{name} AS {sql_type})) AS {name}" if name in table.sticky
                and name in frame.present
                else f"CAST(inc.{name} AS {sql_type}) AS {name}" if name in frame.present or name in table.key
                else f"cur.{name} AS {name}"  # a column the file did not have keeps its stored value
                for name, sql_type in table.columns)
            cur.execute(f"CREATE OR REPLACE TEMP TABLE staged AS SELECT {chosen} FROM incoming inc "
                        f"LEFT JOIN {table.name} cur ON {on} AND cur.superseded_by IS NULL")
        finally:
            cur.unregister("incoming")
        on = " AND ".join(f"t.{k} = s.{k}" for k in table.key)
        differs = " OR ".join(f"t.{v} IS DISTINCT FROM s.{v}" for v in table.compared) or "FALSE"
        # new to the store: no current version, or one written by an earlier file of this same import
        # (a Jira export names a sprint, the sprints file of the same upload dates it: one new sprint)
        new = cur.execute(f"SELECT count(*) FROM staged s WHERE NOT EXISTS (SELECT 1 FROM {table.name} t "
                          f"WHERE {on} AND t.superseded_by IS NULL AND t.import_id <> ?)", [import_id]).fetchone()[0]
        changed = cur.execute(f"SELECT count(*) FROM staged s JOIN {table.name} t ON {on} "
                              f"AND t.superseded_by IS NULL AND t.import_id <> ? WHERE {differs}", [import_id]).fetchone()[0]
        if count_only:
            cur.execute("DROP TABLE staged")
            return new, changed, total - new - changed
        # each statement costs a catalog round trip on DuckLake: skip the ones with nothing to do,
        # which is known when no earlier file of this import wrote the table (``touched``)
        fresh = table.name not in touched
        if changed or not fresh:
            cur.execute(f"UPDATE {table.name} t SET superseded_by = ? FROM staged s "
                        f"WHERE {on} AND t.superseded_by IS NULL AND ({differs})", [import_id])
        if new or changed or not fresh:
            columns = ", ".join(table.names)
            cur.execute(f"INSERT INTO {table.name} ({columns}, import_id, superseded_by) SELECT {columns}, ?, NULL "
                        f"FROM staged s WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE {on} "
                        "AND t.superseded_by IS NULL)", [import_id])
            touched.add(table.name)
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
                    if kr_id not in known:
                        problems.append(Problem(item.file, row, "kr_id", say("unknown_kr", kr_id=kr_id), kr_id))
        if problems:
            raise ImportFailed(say("t_unknown_krs"), problems)

    # --- rows an import left out (import --skip-invalid) -------------------------------------------
    @staticmethod
    def _write_rejects(cur: duckdb.DuckDBPyConnection, import_id: int, rejects: Sequence[Rejected]) -> None:
        if rejects:
            cur.executemany("INSERT INTO import_rejects VALUES (?, ?, ?, ?, ?, ?)",
                            [[import_id, r.file, r.row, r.columns or None, str(r.message),
                              json.dumps([list(pair) for pair in r.original], ensure_ascii=False)] for r in rejects])

    def rejects(self, import_id: int) -> pd.DataFrame:
        """The rows an import left out: file, row (as a spreadsheet counts), column, message, and the
        row as the file had it (``original``: a list of [header, cell])."""
        with self.cursor() as cur:
            frame = cur.execute("SELECT file_name AS file, row_number AS row, column_name AS column, message, original "
                                "FROM import_rejects WHERE import_id = ? ORDER BY file_name, row_number",
                                [import_id]).df()
        frame["original"] = [json.loads(text) for text in frame["original"]]
        return frame

    def reject_counts(self) -> dict[int, int]:
        """Import → how many rows it left out, for the imports that left out any."""
        with self.cursor() as cur:
            rows = cur.execute("SELECT import_id, count(*) FROM import_rejects GROUP BY import_id").fetchall()
        return {int(number): int(count) for number, count in rows}

    def save_mapping(self, source: str, mapping: dict[str, str], *, now: datetime | None = None) -> None:
        """Remember a column mapping for a source (jira, azure, linear, template)."""
        def saving(cur: duckdb.DuckDBPyConnection) -> None:
            cur.execute("DELETE FROM column_mappings WHERE source = ?", [source])
            cur.execute("INSERT INTO column_mappings VALUES (?, ?, ?)",
                        [source, json.dumps(mapping, ensure_ascii=False, sort_keys=True), now or datetime.now()])
        self._run(saving)

    def mapping(self, source: str) -> dict[str, str]:
        with self.cursor() as cur:
            row = cur.execute("SELECT mapping FROM column_mappings WHERE source = ?", [source]).fetchone()
        return json.loads(row[0]) if row else {}

    def known_key_results(self) -> set[str]:
        with self.cursor() as cur:
            return {r[0] for r in cur.execute("SELECT kr_id FROM key_results WHERE superseded_by IS NULL").fetchall()}

    def undo(self, import_id: int, *, cascade: bool = False, now: datetime | None = None,
             user: str | None = None) -> list[int]:
        """Remove what an import wrote and bring back what it had replaced; the undone imports, newest first.

        An import that later imports depend on (they changed rows it wrote, or hold check-ins or plan
        values of a key result only it defines) is refused naming them, unless
        ``cascade``: then they are undone too, newest first, in the same transaction. Either way
        ``integrity_problems()`` finds nothing new afterwards."""
        chosen = {import_id}
        when = now or datetime.now()

        def undoing(cur: duckdb.DuckDBPyConnection) -> list[int]:
            row = cur.execute("SELECT undone_at FROM imports WHERE import_id = ?", [import_id]).fetchone()
            if row is None:
                raise UndoRefused(say("no_import", id=import_id))
            if row[0] is not None:
                raise UndoRefused(say("already_undone", id=import_id, when=row[0]))
            changed = self._superseding(cur, chosen) - chosen
            if changed:
                raise _Dependents(changed, say("why_changed"))
            self._allow_undo(cur, chosen)
            before = set(self._orphans(cur))
            for number in sorted(chosen, reverse=True):
                self._undo_one(cur, number, when, user)
            holding = {orphan[2] for orphan in self._orphans(cur) if orphan not in before} - chosen
            if holding:
                raise _Dependents(holding, say("why_holding"))
            return sorted(chosen, reverse=True)
        while True:
            try:
                return self._run(undoing)
            except _Dependents as found:
                if not cascade:
                    later = ", ".join(map(str, sorted(found.imports)))
                    raise UndoRefused(say("undo_refused", id=import_id, later=later, why=found.why),
                                      sorted(found.imports)) from None
                chosen |= found.imports

    def _allow_undo(self, cur: duckdb.DuckDBPyConnection, imports: set[int]) -> None:
        """Raises when the identity may not undo these imports (``data.access.ScopedStore``)."""

    @staticmethod
    def _undo_one(cur: duckdb.DuckDBPyConnection, import_id: int, when: datetime, user: str | None = None) -> None:
        # Teams, cycles and objectives are carried by every row that names them (an items file names
        # its team, an okrs row its cycle dates and objective text). So such a row this import wrote
        # is also what a later import's rows said: it stays while they need it and becomes the
        # first such import's, as if this import had never been; a later version of it stays current.
        for parent in SHARED:
            key = TABLES[parent].key
            def same(a: str, b: str) -> str:
                return " AND ".join(f"{a}.{k} = {b}.{k}" for k in key)
            users = " UNION ALL ".join(f"SELECT {', '.join(key)}, import_id FROM {child} WHERE superseded_by IS NULL"
                                       for child, columns, target, _ in REFERENCES if target == parent)
            heirs = cur.execute(
                f"SELECT {', '.join(f't.{k}' for k in key)}, min(u.import_id) FROM ({users}) u JOIN {parent} t ON {same('u', 't')} "
                f"WHERE t.import_id = ? AND t.superseded_by IS NULL AND u.import_id <> ? AND NOT EXISTS "
                f"(SELECT 1 FROM {parent} w WHERE {same('w', 't')} AND w.superseded_by = ?) GROUP BY ALL",
                [import_id, import_id, import_id]).fetchall()
            for *values, heir in heirs:
                cur.execute(f"UPDATE {parent} SET import_id = ? WHERE {' AND '.join(f'{k} = ?' for k in key)} "
                            "AND import_id = ? AND superseded_by IS NULL", [heir, *values, import_id])
            cur.execute(f"UPDATE {parent} w SET superseded_by = a.superseded_by FROM {parent} a "
                        f"WHERE w.superseded_by = ? AND a.import_id = ? AND {same('a', 'w')} "
                        "AND a.superseded_by IS NOT NULL", [import_id, import_id])
        for table in TABLES.values():
            cur.execute(f"DELETE FROM {table.name} WHERE import_id = ?", [import_id])
            cur.execute(f"UPDATE {table.name} SET superseded_by = NULL WHERE superseded_by = ?", [import_id])
        cur.execute("UPDATE imports SET undone_at = ?, undone_by = ? WHERE import_id = ?", [when, user, import_id])

    @staticmethod
    def _superseding(cur: duckdb.DuckDBPyConnection, imports: set[int]) -> set[int]:
        """The imports that replaced rows written by any of ``imports``."""
        found: set[int] = set()
        for table in TABLES.values():
            if table.name in SHARED:
                continue  # their versions are spliced, not restored (_undo_one)
            found |= {r[0] for r in cur.execute(
                f"SELECT DISTINCT superseded_by FROM {table.name} WHERE list_contains(?, import_id) "
                "AND superseded_by IS NOT NULL", [sorted(imports)]).fetchall()}
        return found

    def integrity_problems(self) -> list[str]:
        """Every current row that names something not stored (REFERENCES): empty when the store is sound."""
        with self.cursor() as cur:
            return [f"{table} {', '.join(map(str, key))} (import {number}) names {what} that is not stored."
                    for table, key, number, what in self._orphans(cur)]

    @staticmethod
    def _orphans(cur: duckdb.DuckDBPyConnection) -> list[tuple[str, tuple, int, str]]:
        """(table, row key, import id, what is missing) for every current row breaking a rule."""
        found = []
        for child, columns, parent, what in REFERENCES:
            key = TABLES[child].key
            match = " AND ".join(f"p.{column} = c.{column}" for column in columns)
            rows = cur.execute(
                f"SELECT {', '.join(f'c.{k}' for k in key)}, c.import_id FROM {child} c "
                f"WHERE c.superseded_by IS NULL AND {' AND '.join(f'c.{column} IS NOT NULL' for column in columns)} "
                f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.superseded_by IS NULL AND {match}) "
                f"ORDER BY c.import_id").fetchall()
            found += [(child, tuple(row[:-1]), row[-1], what) for row in rows]
        return found


# The store's referential rules: every current row of the first table names, through these
# columns, a current row of the second. Imports keep them (a check-in needs its key result, an
# okrs file brings its cycles and objectives, every file brings its teams); undo keeps them by
# refusing or cascading. An item's key_result and a sprint's key_results are links, not rules:
# they may name a key result imported later (README, "Key result references").
REFERENCES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("checkins", ("kr_id",), "key_results", "a key result"),
    ("kr_plans", ("kr_id",), "key_results", "a key result"),
    ("key_results", ("team", "cycle", "objective_id"), "objectives", "an objective"),
    ("objectives", ("team", "cycle"), "cycles", "a cycle"),
    *((table, ("team",), "teams", "a team")
      for table in ("sprints", "sprint_items", "retro_actions", "cycles", "objectives", "key_results")),
)


# Tables whose rows every file naming them carries in full (see Store._undo_one); children before
# parents, so an objective handed to a later import makes that import an heir of its cycle and team.
SHARED = ("objectives", "cycles", "teams")


class _Dependents(Exception):
    """Raised inside an undo's transaction (rolling it back) when later imports depend on it."""

    def __init__(self, imports: set[int], why: str):
        super().__init__(why)
        self.imports, self.why = set(imports), why


def _as_arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """A frame as DuckDB scans it fastest: Arrow (pandas keeps text in Arrow already; registered as
    pandas, DuckDB would first turn every string column into Python objects). A column Arrow cannot
    type (mixed values in one object column) keeps the frame as it is: DuckDB reads it either way."""
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame
    # in row groups of DuckDB's size (slices, not copies), which its threads insert side by side
    return pa.Table.from_batches(table.to_batches(max_chunksize=122_880), table.schema)


def main_table(item: ParsedFile) -> str:
    """The table a file's rows land in (an okrs row is a key result; cycles and objectives ride along)."""
    wanted = {"okrs": "key_results"}.get(item.kind, item.kind)
    tables = [frame.table for frame in item.frames]
    return wanted if wanted in tables else tables[-1]


def parsed_teams(cur: duckdb.DuckDBPyConnection, parsed: Sequence[ParsedFile]) -> set[str]:
    """The teams a write touches: every team its rows name, and for check-ins and plan values the
    team of their key result (stored, or brought by the same import)."""
    teams: set[str] = set()
    krs: dict[str, str] = {}
    asked: set[str] = set()
    for item in parsed:
        for frame in item.frames:
            if "team" in frame.data:
                teams |= {team for team in frame.data["team"].unique() if isinstance(team, str)}
            if frame.table == "key_results":
                krs.update(zip(frame.data["kr_id"], frame.data["team"]))
            elif "kr_id" in frame.data:
                asked |= {kr for kr in frame.data["kr_id"].unique() if isinstance(kr, str)}
    missing = sorted(asked - set(krs))
    if missing:
        krs.update(cur.execute("SELECT kr_id, team FROM key_results WHERE superseded_by IS NULL "
                               "AND list_contains(?, kr_id)", [missing]).fetchall())
    teams |= {krs[kr] for kr in asked if kr in krs and isinstance(krs[kr], str)}
    return teams


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back after counting; carries the counts."""

    def __init__(self, result: ImportResult):
        super().__init__()
        self.result = result
