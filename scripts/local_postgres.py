"""Debian's PostgreSQL server run from a folder, for `make org` (scripts/org.py) and the tests
(tests/postgres.py): ``initdb`` into the folder, ``pg_ctl`` on 127.0.0.1 and a free port, a
database per store. No system service is touched.

initdb refuses to run as root, so as root the cluster belongs to the unprivileged ``postgres``
user (created by Debian's package) and the folder is handed over to it. Connections from
127.0.0.1 sign in with a password (scram-sha-256), as in a deployment; the server's own socket
(in the folder) is trusted, for creating databases.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
from pathlib import Path

USER = "dashboard"


def server_binaries() -> Path:
    """The newest installed PostgreSQL's bin folder (``make test``/``make org`` install Debian's package)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL server binaries are missing: install Debian's postgresql package "
                           "(make test and make org do)")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalPostgres:
    """A PostgreSQL cluster in ``folder`` (made on the first ``start``), listening on 127.0.0.1:``port``.
    As root, every folder above ``folder`` must be open to the ``postgres`` user (a private temporary
    folder is not: give the cluster a folder of its own, e.g. ``tempfile.mkdtemp()``)."""

    def __init__(self, folder: Path, port: int, password: str):
        self.bin = server_binaries()
        self.folder = Path(folder)
        self.port = port
        self.password = password
        self.owner = "postgres" if os.geteuid() == 0 else None

    def _run(self, *command: str) -> subprocess.CompletedProcess:
        done = subprocess.run([str(self.bin / command[0]), *command[1:]], capture_output=True, text=True,
                              user=self.owner, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
        return done

    def _own(self, path: Path) -> None:
        if self.owner:
            account = pwd.getpwnam(self.owner)
            os.chown(path, account.pw_uid, account.pw_gid)

    @property
    def cluster(self) -> Path:
        return self.folder / "cluster"

    def start(self) -> LocalPostgres:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._own(self.folder)
        if not (self.cluster / "PG_VERSION").exists():
            secret = self.folder / "initial-password"
            secret.write_text(self.password)
            self._own(secret)
            try:
                self._run("initdb", "-D", str(self.cluster), "-U", USER, f"--pwfile={secret}", "--no-sync",
                          "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8")
            finally:
                secret.unlink()
        self._run("pg_ctl", "-D", str(self.cluster), "-l", str(self.folder / "postgres.log"), "-w", "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c max_connections=200", "start")
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.cluster), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self, name: str) -> bool:
        """Create ``name`` unless it exists; whether it was created."""
        exists = self._run("psql", "-h", str(self.folder), "-p", str(self.port), "-U", USER, "-d", "postgres",
                           "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'").stdout.strip()
        if not exists:
            self._run("createdb", "-h", str(self.folder), "-p", str(self.port), "-U", USER, name)
        return not exists

    def target(self, database: str, password: str | None = None) -> str:
        """The store as DASHBOARD_STORE or --db names it."""
        secret = self.password if password is None else password
        return f"ducklake:postgres:dbname={database} host=127.0.0.1 port={self.port} user={USER} password={secret}"
