"""The DuckLake side of the store: a catalog in PostgreSQL, the data as Parquet files in a folder
every replica shares (or S3-compatible storage), reached through DuckDB's ``ducklake`` and
``postgres`` extensions.

The extensions come as Python packages (requirements.txt) that carry the extension file for this
DuckDB version; they are installed from that file and DuckDB is never allowed to download one.
A PostgreSQL that is down, refuses the sign-in or lacks the database is ``StoreUnavailable`` with a
sentence saying which, never the library's text (which would show the connection string and its
password).
"""
from __future__ import annotations

import importlib.util
import threading
import time
from pathlib import Path

import duckdb

from data.errors import StoreUnavailable, say

LAKE_PREFIX = "ducklake:postgres:"
ALIAS = "lake"  # the catalog's name inside the process's DuckDB; every cursor USEs it
EXTENSIONS = {"ducklake": "duckdb_extension_ducklake", "postgres": "duckdb_extension_postgres"}
INITIALISE_ATTEMPTS = 20  # attaching a catalog another process is creating right now: 0.1 s, 0.2 s … apart


class _Initialising(Exception):
    """Another process created the new catalog's tables at the same moment (it won; attach again)."""


def sql_literal(text: str) -> str:
    """``text`` as an SQL string literal, for the statements DuckDB takes no parameter in (ATTACH,
    INSTALL, COPY … TO)."""
    return "'" + text.replace("'", "''") + "'"


def extension_file(name: str) -> Path:
    """The extension file the package ``EXTENSIONS[name]`` ships for the installed DuckDB."""
    spec = importlib.util.find_spec(EXTENSIONS[name])
    if spec is None or not spec.submodule_search_locations:
        raise StoreUnavailable(say("lake_no_extension", package=EXTENSIONS[name]))
    found = Path(list(spec.submodule_search_locations)[0]) / "extensions" / f"v{duckdb.__version__}" / \
        f"{name}.duckdb_extension"
    if not found.is_file():
        raise StoreUnavailable(say("lake_no_extension", package=EXTENSIONS[name]))
    return found


def lake_failure(exc: BaseException) -> str | None:
    """The sentence for an error that says PostgreSQL cannot be reached or refused us; None for any other."""
    text = str(exc)
    if "postgres" not in text.lower() and "connection" not in text.lower():
        return None
    lowered = text.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered \
            or "role" in lowered and "does not exist" in lowered or "no pg_hba.conf entry" in lowered:
        return say("lake_refused")
    if "database" in lowered and "does not exist" in lowered:
        return say("lake_no_database")
    if "connection refused" in lowered or "could not connect" in lowered or "unable to connect" in lowered \
            or "could not translate host name" in lowered or "server closed the connection" in lowered \
            or "timeout expired" in lowered or "no connection to the server" in lowered:
        return say("lake_down")
    return None


class Lake:
    """One process's connection to a DuckLake catalog, attached on first use and shared by every
    thread through cursors (each a connection of its own to the same in-process database)."""

    def __init__(self, target: str, data: str):
        if not target.startswith(LAKE_PREFIX) or not target[len(LAKE_PREFIX):].strip():
            raise StoreUnavailable(say("lake_target"))
        self.conninfo = target[len(LAKE_PREFIX):].strip()
        self.data = data.strip()
        if self.data and "://" not in self.data and not Path(self.data).is_dir():
            # a mistyped folder would start a second, empty data set: refuse instead
            raise StoreUnavailable(say("lake_no_data_folder", folder=Path(self.data).name or self.data))
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    def _attach(self) -> duckdb.DuckDBPyConnection:
        # Replicas and imports starting together on a new catalog all try to create its tables;
        # PostgreSQL lets one succeed and the others fail: they attach again once it has committed
        for attempt in range(INITIALISE_ATTEMPTS):
            try:
                return self._attach_once()
            except _Initialising:
                time.sleep(0.1 * (attempt + 1))
        raise StoreUnavailable(say("lake_failed", error="initialising"))

    def _attach_once(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
        try:
            for name in EXTENSIONS:
                try:
                    con.execute(f"LOAD {name}")
                except duckdb.Error:  # not installed for this user yet: from the package's file
                    con.execute(f"INSTALL {sql_literal(str(extension_file(name)))}")
                    con.execute(f"LOAD {name}")
            options = f" (DATA_PATH {sql_literal(self.data)})" if self.data else ""
            con.execute(f"ATTACH {sql_literal(LAKE_PREFIX + self.conninfo)} AS {ALIAS}{options}")
        except duckdb.Error as exc:
            con.close()
            if "failed to initialize ducklake" in str(exc).lower() and "already exists" in str(exc).lower():
                raise _Initialising() from None
            problem = lake_failure(exc)
            if problem is None and "data_path" in str(exc).lower():
                problem = say("lake_no_data")
            raise StoreUnavailable(problem or say("lake_failed", error=type(exc).__name__)) from None
        return con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own for one thread's operation, the catalog as its default."""
        with self._lock:
            if self._connection is None:
                self._connection = self._attach()
            connection = self._connection
        cur = connection.cursor()
        try:
            cur.execute(f"USE {ALIAS}")
        except duckdb.Error as exc:
            cur.close()
            self.close()
            raise StoreUnavailable(lake_failure(exc) or say("lake_failed", error=type(exc).__name__)) from None
        return cur

    def close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
