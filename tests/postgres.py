"""A real PostgreSQL for the DuckLake store tests (scripts/local_postgres.py): a cluster made in a
temporary folder for the run, on 127.0.0.1 and a free port, a fresh database per test."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from scripts.local_postgres import LocalPostgres, free_port

PASSWORD = "lake-test-password"


class Postgres(LocalPostgres):
    """One server for a whole test run (``start``, then ``stop`` removes it), a database per test."""

    def __init__(self) -> None:
        super().__init__(Path(tempfile.mkdtemp(prefix="pg-")), free_port(), PASSWORD)
        self._count = 0

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.cluster), "-m", "immediate", "-w", "stop")
        finally:
            self.remove()

    def new_database(self) -> str:
        """A new empty database; its name."""
        self._count += 1
        name = f"lake_{os.getpid()}_{self._count}"
        self.create_database(name)
        return name
