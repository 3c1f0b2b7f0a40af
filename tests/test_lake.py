"""Issue 20: one DuckLake store on a real PostgreSQL (tests/postgres.py) for the whole organisation:
two `streamlit run` replicas and two command-line imports at once, backup and restore between the
two kinds of store, maintenance, and a PostgreSQL that is down or refuses the password."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
from playwright.sync_api import expect
from streamlit.testing.v1 import AppTest

from data.errors import StoreConflict, StoreUnavailable
from data.importer import import_uploads
from data.schema import MIGRATIONS, SCHEMA_VERSION
from data.store import Store
from tests.support import upload
from tests.test_browser import ROOT, chromium, start_server, stop  # noqa: F401  (chromium: a fixture)

HEADER = "team,sprint,start_date,end_date,committed,completed\n"


def sprints_file(team: str, count: int) -> str:
    """``count`` closed sprints of ``team`` in 2026, committed 10 and completed n each."""
    return HEADER + "".join(f"{team},S{n},2026-{n:02d}-05,2026-{n:02d}-16,10,{n}\n" for n in range(1, count + 1))


def cli(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analytics", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_replicas_and_two_cli_imports_at_once_lose_nothing(lake_target, postgres, chromium, tmp_path):  # noqa: F811
    env = {**os.environ, "DASHBOARD_STORE": lake_target}
    Store(lake_target).close()  # the catalog made once, as `make org` does before starting replicas
    (tmp_path / "nord.csv").write_text(sprints_file("Nord", 9))
    (tmp_path / "sued.csv").write_text(sprints_file("Süd", 7))
    first, first_url = start_server(env)
    second, second_url = start_server(env)
    try:
        # two scheduled imports at once: both land, with different numbers
        running = [cli("import", str(tmp_path / name), "--json", env=env) for name in ("nord.csv", "sued.csv")]
        results = [(p.communicate(), p.returncode) for p in running]
        for (out, err), code in results:
            assert code == 0, err
        ids = sorted(json.loads(out)["import_id"] for (out, _), _ in results)
        assert ids == [1, 2]  # unique: two imports, numbers 1 and 2, none taken twice
        store = Store(lake_target)
        assert len(store.current("sprints")) == 16  # 9 Nord + 7 Süd, nothing lost, nothing doubled
        assert store.history()["import_id"].tolist() == [2, 1]

        # both replicas show both imports (Home names each team's latest closed sprint)
        for url in (first_url, second_url):
            page = chromium.new_page(viewport={"width": 1400, "height": 1600})
            page.goto(url, wait_until="domcontentloaded")
            expect(page.get_by_text("Nord · S9", exact=True)).to_be_visible(timeout=60_000)
            expect(page.get_by_text("Süd · S7", exact=True)).to_be_visible(timeout=30_000)
            page.close()

        # an undo on the first replica's Import page shows on the second at its next load
        newest = max(ids)
        gone = "Süd · S7" if json.loads(results[1][0][0])["import_id"] == newest else "Nord · S9"
        kept = "Nord · S9" if gone == "Süd · S7" else "Süd · S7"
        page = chromium.new_page(viewport={"width": 1400, "height": 2400})
        page.goto(f"{first_url}/import", wait_until="domcontentloaded")
        page.get_by_text(f"Yes, undo import {newest}", exact=False).click()
        page.get_by_test_id("stButton").get_by_role("button", name="Undo import", exact=True).click()
        expect(page.get_by_text(f"Import {newest} undone", exact=False)).to_be_visible(timeout=60_000)
        other = chromium.new_page(viewport={"width": 1400, "height": 1600})
        other.goto(second_url, wait_until="domcontentloaded")
        expect(other.get_by_text(kept, exact=True)).to_be_visible(timeout=60_000)
        expect(other.get_by_text(gone, exact=True)).to_have_count(0)
        assert Store(lake_target).history()["undone_at"].notna().tolist() == [True, False]
    finally:
        stop(first)
        stop(second)


def test_four_writers_at_once_all_land_with_unique_numbers(lake_target):
    """Four processes' worth of stores (each its own attached connection) opening a new catalog and
    importing at the same moment: the catalog is made once, the migrations run once, the commits
    conflict on write_serial, the losers run again, and every import lands."""
    start = threading.Barrier(4)
    done: list[int] = []
    failed: list[BaseException] = []

    def importing(number: int) -> None:
        try:
            start.wait()
            store = Store(lake_target)
            result = import_uploads(store, [upload(f"t{number}.csv", sprints_file(f"T{number}", 3))])
            done.append(result.import_id)
        except BaseException as problem:  # noqa: BLE001 - asserted below, in the test's thread
            failed.append(problem)

    threads = [threading.Thread(target=importing, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert sorted(done) == [1, 2, 3, 4]
    store = Store(lake_target)
    assert len(store.current("sprints")) == 12  # 4 teams × 3 sprints
    assert store.schema_version() == SCHEMA_VERSION and len(store.history()) == 4
    with store.cursor() as cur:  # each migration recorded once, though four processes started at once
        assert cur.execute("SELECT count(*), count(DISTINCT version) FROM schema_version").fetchone() == \
            (len(MIGRATIONS), len(MIGRATIONS))
    assert store.integrity_problems() == []


def interfering(monkeypatch, store: Store, other: Store, times: int) -> list[int]:
    """While ``store`` writes, ``other`` (another process's connection) commits an import first, the
    first ``times`` attempts; the numbers ``other`` got."""
    taken: list[int] = []
    real = store._check_references

    def checking(cur, parsed):
        if len(taken) < times:  # another replica's import lands while this transaction is open
            taken.append(import_uploads(other, [upload(f"o{len(taken)}.csv", sprints_file("Other", 1))]).import_id)
        return real(cur, parsed)
    monkeypatch.setattr(store, "_check_references", checking)
    return taken


def test_a_write_that_lost_the_commit_runs_again_on_the_newer_data_and_says_so(lake_target, monkeypatch):
    retries: list[tuple[int, int]] = []
    progress: list[str] = []
    store, other = Store(lake_target, on_retry=lambda attempt, limit: retries.append((attempt, limit))), Store(lake_target)
    taken = interfering(monkeypatch, store, other, times=1)
    result = import_uploads(store, [upload("nord.csv", sprints_file("Nord", 3))],
                            progress=lambda fraction, message: progress.append(message))
    assert taken == [1] and result.import_id == 2  # the other import took 1; the second attempt saw it
    assert retries == [(2, 8)]  # attempt 2 of DASHBOARD_WRITE_RETRIES' default 8
    assert "Another import committed first: writing again on the newer data (attempt 2 of 8)" in progress
    assert sorted(Store(lake_target).current("sprints")["team"]) == ["Nord"] * 3 + ["Other"]


def test_a_write_that_keeps_losing_gives_up_with_nothing_written(lake_target, monkeypatch):
    monkeypatch.setenv("DASHBOARD_WRITE_RETRIES", "3")
    store, other = Store(lake_target), Store(lake_target)
    taken = interfering(monkeypatch, store, other, times=3)
    with pytest.raises(StoreConflict, match="tried 3 times"):
        import_uploads(store, [upload("nord.csv", sprints_file("Nord", 3))])
    assert taken == [1, 2, 3]  # the other process's three imports landed, one per attempt
    check = Store(lake_target)
    assert check.history()["import_id"].tolist() == [3, 2, 1]  # none of ours
    assert "Nord" not in set(check.current("sprints")["team"])


def test_backup_of_a_file_store_restores_into_ducklake_and_back_with_identical_figures(lake_target, tmp_path):
    """`backup` from the embedded file, `restore` into DuckLake, and back into a new file: the
    `sprints --json` and `okrs --json` of all three are identical."""
    env = {k: v for k, v in os.environ.items() if k != "DASHBOARD_STORE"}
    file_store, back = str(tmp_path / "first.duckdb"), str(tmp_path / "back.duckdb")

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "analytics", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout
    run("demo", "--db", file_store)
    figures = lambda db: (run("sprints", "--json", "--db", db), run("okrs", "--json", "--db", db))  # noqa: E731
    original = figures(file_store)
    run("backup", str(tmp_path / "file.zip"), "--db", file_store)
    run("restore", str(tmp_path / "file.zip"), "--db", lake_target)
    assert figures(lake_target) == original
    run("backup", str(tmp_path / "lake.zip"), "--db", lake_target)
    run("restore", str(tmp_path / "lake.zip"), "--db", back)
    assert figures(back) == original
    assert len(json.loads(original[0])) == 48  # the demo's 48 sprints (3 teams × 16)


def test_maintenance_compacts_and_expires_and_keeps_every_figure(lake_target, tmp_path):
    store = Store(lake_target)
    for number in range(1, 4):
        import_uploads(store, [upload(f"n{number}.csv", sprints_file("Nord", number + 2))])
    before = store.current("sprints")
    env = {**os.environ, "DASHBOARD_STORE": lake_target}
    done = subprocess.run([sys.executable, "-m", "analytics", "maintenance", "--retention-days", "0", "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["kind"] == "ducklake" and report["snapshots_expired"] > 0
    after = Store(lake_target)
    assert after.current("sprints").equals(before)  # 5 Nord sprints, the last import's, unchanged
    assert len(before) == 5
    assert after.undo(3) == [3] and len(after.current("sprints")) == 4  # history survives: undo still works


@pytest.mark.parametrize("change, expected", [
    ("password", "refused the sign-in"),
    ("port", "does not answer"),
    ("database", "database named in DASHBOARD_STORE does not exist"),
])
def test_a_postgres_that_is_down_or_refuses_the_password_is_a_sentence(postgres, tmp_path, monkeypatch,
                                                                       change, expected):
    database = postgres.new_database()
    target = {"password": postgres.target(database, password="wrong"),
              "port": postgres.target(database).replace(f"port={postgres.port}", "port=1"),
              "database": postgres.target("no_such_catalog")}[change]
    with pytest.raises(StoreUnavailable, match=expected):
        Store(target, lake_data=str(tmp_path))
    env = {**os.environ, "DASHBOARD_STORE": target, "DASHBOARD_LAKE_DATA": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "analytics", "history"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 3 and expected in done.stderr
    assert "Traceback" not in done.stderr and "wrong" not in done.stderr  # nor the password
    monkeypatch.setenv("DASHBOARD_STORE", target)
    monkeypatch.setenv("DASHBOARD_LAKE_DATA", str(tmp_path))
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    assert not at.exception
    # the page's sentence (Markdown-escaped on the page, so read without the backslashes)
    assert any(expected in error.value.replace("\\", "") for error in at.error)


def test_the_settings_command_shows_the_store_without_its_password():
    env = {**os.environ, "DASHBOARD_STORE": "ducklake:postgres:dbname=lake host=10.0.0.5 user=dash password=s3cret"}
    done = subprocess.run([sys.executable, "-m", "analytics", "settings", "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    shown = {row["name"]: row["value"] for row in json.loads(done.stdout)}
    assert shown["DASHBOARD_STORE"] == "ducklake:postgres:dbname=lake host=10.0.0.5 user=dash password=***"
    assert "s3cret" not in done.stdout
