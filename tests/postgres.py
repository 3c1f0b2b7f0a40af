"""A real PostgreSQL for the DuckLake store tests: Debian's server binaries, a cluster made by
``initdb`` in a temporary folder, listening on 127.0.0.1 at a free port, one database per test.

initdb refuses to run as root, so when the tests run as root the cluster belongs to the
unprivileged ``postgres`` user (Debian's package creates it) and its folder is handed over to it.
Connections from 127.0.0.1 sign in with a password (scram-sha-256), as a deployment would.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "dashboard"
PASSWORD = "lake-test-password"


def server_binaries() -> Path:
    """The newest installed PostgreSQL's bin folder (``make test`` installs Debian's package when missing)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL server binaries are missing: `make test` installs Debian's postgresql package")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Postgres:
    """One PostgreSQL server for a whole test run (``start``/``stop``), a fresh database per test."""

    def __init__(self) -> None:
        self.bin = server_binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="pg-"))
        self.port = free_port()
        self.owner = "postgres" if os.geteuid() == 0 else None
        self._count = 0

    def _run(self, *command: str, **options) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.bin / command[0]), *command[1:]], check=True, capture_output=True,
                              text=True, user=self.owner, cwd=self.folder, **options)

    def start(self) -> Postgres:
        if self.owner:
            account = pwd.getpwnam(self.owner)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        secret = self.folder / "password"
        secret.write_text(PASSWORD)
        if self.owner:
            os.chown(secret, account.pw_uid, account.pw_gid)
        self._run("initdb", "-D", str(self.folder / "data"), "-U", USER, f"--pwfile={secret}", "--no-sync",
                  "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8")
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c max_connections=200", "start")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def conninfo(self, database: str, password: str = PASSWORD) -> str:
        return f"dbname={database} host=127.0.0.1 port={self.port} user={USER} password={password}"

    def new_database(self) -> str:
        """A new empty database; its name."""
        self._count += 1
        name = f"lake_{os.getpid()}_{self._count}"
        self._run("createdb", "-h", str(self.folder), "-p", str(self.port), "-U", USER, name)
        return name

    def target(self, database: str, password: str = PASSWORD) -> str:
        """The store as DASHBOARD_STORE or --db names it."""
        return f"ducklake:postgres:{self.conninfo(database, password)}"
