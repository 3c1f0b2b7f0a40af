"""Issue 11 item 8: the dashboard and a scheduled command-line import share one DuckDB file.

Real processes throughout: the CLI runs as a subprocess, the dashboard as Streamlit's AppTest in
this process, and "another program holding the file" is a real connection of another process."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data.errors import StoreBusy, StoreUnavailable
from data.importer import import_uploads
from data.store import Store
from tests.support import upload

ROOT = Path(__file__).resolve().parent.parent
NORD = "team,sprint,start_date,end_date,committed,completed\nNord,S1,2026-01-05,2026-01-16,20,18\n"
SUED = "team,sprint,start_date,end_date,committed,completed\n" + "".join(
    f"Süd,S{n},2026-{n:02d}-05,2026-{n:02d}-16,10,{n}\n" for n in range(1, 10))


def cli(*args: str, timeout: float = 120, **env: str) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    environment.update(env)
    return subprocess.Popen([sys.executable, "-m", "analytics", *args], cwd=ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def holder(db: Path) -> subprocess.Popen:
    """Another process that opens the file and keeps it until killed (like a long import)."""
    process = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                                f"con = duckdb.connect({str(db)!r})\nprint('open', flush=True)\ntime.sleep(120)"],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "open"
    return process


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "shared.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    import_uploads(Store(path), [upload("nord.csv", NORD)])
    return path


def team_options(at: AppTest) -> list[str]:
    return list(at.sidebar.multiselect[0].options)


def test_a_cli_import_while_the_dashboard_reads_both_succeed_and_the_page_shows_it(db, tmp_path):
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    assert not at.exception and team_options(at) == ["Nord"]
    (tmp_path / "sued.csv").write_text(SUED)
    importing = cli("import", str(tmp_path / "sued.csv"), "--db", str(db))
    reruns = 0
    while importing.poll() is None or reruns < 2:  # the dashboard keeps reading meanwhile
        at.run()
        assert not at.exception
        reruns += 1
    out, err = importing.communicate()
    assert importing.returncode == 0, err
    assert "Imported (import 2)" in out
    at.run()
    assert not at.exception
    # the dashboard process (its caches keyed by the data version) shows the new data: the next
    # session's sidebar (AppTest renders the entry script's sidebar on a session's first run only)
    again = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    assert team_options(again) == ["Nord", "Süd"]
    assert len(Store(db).current("sprints")) == 10


def test_a_writer_waits_for_the_file_then_gives_up_with_exit_3(db, tmp_path):
    (tmp_path / "sued.csv").write_text(SUED)
    other = holder(db)
    try:
        started = time.monotonic()
        importing = cli("import", str(tmp_path / "sued.csv"), "--db", str(db), DASHBOARD_LOCK_TIMEOUT="2.5")
        out, err = importing.communicate(timeout=60)
        waited = time.monotonic() - started
    finally:
        other.kill()
        other.wait()
    assert importing.returncode == 3
    assert "waiting for the store: another program is using it … 1 s" in err
    assert "The data is busy" in err and "Nothing was changed" in err
    assert str(tmp_path) not in err and "PID" not in err and "Traceback" not in err
    assert 2.5 <= waited < 30
    assert Store(db).teams() == ["Nord"]


def test_a_writer_that_waited_imports_once_the_file_is_free(db, tmp_path):
    (tmp_path / "sued.csv").write_text(SUED)
    other = holder(db)
    importing = cli("import", str(tmp_path / "sued.csv"), "--db", str(db), DASHBOARD_LOCK_TIMEOUT="60")
    said = importing.stderr.readline()  # blocks until the import says it waits (not a guessed sleep)
    assert said.startswith("waiting for the store") and importing.poll() is None  # still waiting
    other.kill()
    other.wait()
    out, err = importing.communicate(timeout=60)
    assert importing.returncode == 0, said + err
    assert "Imported (import 2)" in out
    assert Store(db).teams() == ["Nord", "Süd"]


def test_a_reader_says_in_one_sentence_that_the_data_is_busy(db):
    store = Store(db, read_timeout=0.5)
    other = holder(db)
    try:
        with pytest.raises(StoreBusy) as busy:
            store.current("sprints")
    finally:
        other.kill()
        other.wait()
    assert busy.value.title == "The data is busy"
    assert busy.value.message.count(". ") == 1 and str(db) not in busy.value.message
    assert len(store.current("sprints")) == 1  # and reads again once the file is free


def test_the_store_keeps_no_connection_between_operations(db):
    store = Store(db)
    store.current("sprints")
    con = duckdb.connect(str(db), read_only=True)  # would fail if this process still held it read-write
    con.close()
    # a second process can open it too: no lock is held by this one
    done = subprocess.run([sys.executable, "-c", f"import duckdb; duckdb.connect({str(db)!r}).close()"], timeout=60)
    assert done.returncode == 0


def test_in_memory_and_missing_folders_are_refused(tmp_path):
    with pytest.raises(StoreUnavailable, match="keeps nothing"):
        Store(":memory:")
    with pytest.raises(StoreUnavailable, match="does not exist"):
        Store(tmp_path / "no" / "x.duckdb")
    assert not (tmp_path / "no").exists()
    (tmp_path / "text.duckdb").write_text("not a database")
    with pytest.raises(StoreUnavailable, match="not a DuckDB database"):
        Store(tmp_path / "text.duckdb")
