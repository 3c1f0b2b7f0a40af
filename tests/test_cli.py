"""python -m analytics as CLI.md fixes it, each command in a process of its own (tests/cli_process.py)
against a real DuckDB file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from data.store import Store
from tests.cli_process import run_cli
from tests.support import snapshot

ROOT = Path(__file__).resolve().parent.parent

SPRINTS = """team;sprint;start_date;end_date;sprint_type;committed;completed;added;removed
Nord;S 1;05.01.2026;16.01.2026;acquisition;20;18;2;0
Nord;S 2;19.01.2026;30.01.2026;pipeline;10;12,5;;
Nord;S 3;02.02.2026;06.02.2026;acquisition;0;4;;
"""
OKRS = """team,cycle,cycle_start,cycle_end,objective_id,objective,okr_type,kr_id,key_result,kr_type,start_value,target_value,weight
Nord,Q1,2026-01-01,2026-03-31,O1,Mehr Kunden,committed,KR-1,40 Meetings,increase,0,40,1
Nord,Q1,2026-01-01,2026-03-31,O1,Mehr Kunden,committed,KR-2,Antwortzeit,decrease,9,4,1
"""
CHECKINS = """kr_id,date,value,confidence
KR-1,2026-01-16,8,7
KR-1,2026-01-30,20,8
KR-2,2026-01-30,6.5,5
"""


def run(*args: str, db: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m analytics ARGS --db DB`` in a process of its own (forked with its libraries loaded)."""
    environment = {**os.environ, **(env or {})}
    environment.pop("DASHBOARD_DB", None)
    return run_cli([*args, "--db", str(db)], env=environment)


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in (("sprints.csv", SPRINTS), ("okrs.csv", OKRS), ("checkins.csv", CHECKINS)):
        paths[name] = tmp_path / name
        paths[name].write_text(text, encoding="utf-8")
    return paths


def test_import_then_sprints_json(tmp_path, files):
    db = tmp_path / "cli.duckdb"
    done = run("import", str(files["sprints.csv"]), "--json", db=db)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["files"][0]["inserted"] == 3
    rows = json.loads(run("sprints", "--json", db=db).stdout)
    assert [(r["team"], r["sprint"]) for r in rows] == [("Nord", "S 1"), ("Nord", "S 2"), ("Nord", "S 3")]
    first, second, third = rows
    assert first["start_date"] == "2026-01-05" and first["end_date"] == "2026-01-16"
    assert first["sprint_type"] == "acquisition"
    assert first["say_do_ratio"] == pytest.approx(0.9)          # 18 / 20
    assert first["commitment_accuracy"] == pytest.approx(0.9)   # 1 − 2/20
    assert first["scope_change"] == pytest.approx(0.1)          # (2 − 0) / 20
    assert first["completed_committed"] is None and first["carried_over"] is None  # totals only
    assert first["commitment_basis"] == "recorded"
    assert first["sprint_days"] == 10
    assert second["completed"] == 12.5 and second["say_do_ratio"] == pytest.approx(1.25)
    assert second["commitment_accuracy"] == pytest.approx(0.75)  # 1 − 2.5/10
    assert second["scope_change"] is None                        # neither added nor removed known
    assert second["in_band"] is False
    assert third["say_do_ratio"] is None and third["commitment_accuracy"] is None  # C0 = 0
    assert third["velocity_avg"] == pytest.approx((18 + 12.5 + 4) / 3)


def test_summary_forecast_and_okrs_json(tmp_path, files):
    db = tmp_path / "cli.duckdb"
    assert run("import", str(files["okrs.csv"]), str(files["checkins.csv"]), str(files["sprints.csv"]), db=db).returncode == 0
    summary = json.loads(run("summary", "--json", db=db).stdout)
    assert len(summary) == 1 and summary[0]["team"] == "Nord"
    assert summary[0]["velocity_mean"] == pytest.approx(34.5 / 3)
    assert summary[0]["velocity_median"] == 12.5
    assert summary[0]["in_band_share"] == pytest.approx(0.5)  # S1 in band, S2 not, S3 unknown
    last2 = json.loads(run("summary", "--last", "2", "--json", db=db).stdout)
    assert last2[0]["sprints"] == 2 and last2[0]["first_sprint"] == "S 2"

    forecast = json.loads(run("forecast", "--team", "Nord", "--backlog", "30", "--seed", "1", "--json", db=db).stdout)
    assert forecast["team"] == "Nord" and forecast["sprints_used"] == 3
    # the next sprint is like the last closed one (acquisition), whose median length is (10 + 5) / 2 = 7.5
    # working days; only two acquisition sprints, so all three are sampled per working day:
    # 18 / 10 = 1.8, 12.5 / 10 = 1.25, 4 / 5 = 0.8, each × 7.5
    assert forecast["basis"] == "all_types" and forecast["next_type"] == "acquisition"
    assert forecast["next_working_days"] == 7.5 and forecast["used"] == ["S 1", "S 2", "S 3"]
    assert forecast["history"] == [13.5, 9.375, 6.0]
    assert 6.0 <= forecast["velocity_p95"] <= forecast["velocity_p85"] <= forecast["velocity_p50"] <= 13.5
    again = json.loads(run("forecast", "--team", "Nord", "--backlog", "30", "--seed", "1", "--json", db=db).stdout)
    assert again == forecast

    okrs = json.loads(run("okrs", "--as-of", "2026-02-14", "--json", db=db).stdout)
    krs = {kr["kr_id"]: kr for kr in okrs["key_results"]}
    assert krs["KR-1"]["current_value"] == 20 and krs["KR-1"]["last_checkin"] == "2026-01-30"
    assert krs["KR-1"]["progress"] == pytest.approx(0.5)
    assert krs["KR-2"]["progress"] == pytest.approx(0.5)  # (6.5 − 9) / (4 − 9)
    assert krs["KR-1"]["confidence"] == 8
    assert krs["KR-1"]["expected_progress"] == pytest.approx(44 / 89)  # Jan 1 → Feb 14 of Jan 1 → Mar 31
    assert krs["KR-1"]["status"] == "on_track"
    assert [o["objective_id"] for o in okrs["objectives"]] == ["O1"]
    assert okrs["objectives"][0]["score"] == pytest.approx(0.5)
    assert okrs["objectives"][0]["achieved"] is False


def test_bad_input_exits_non_zero_names_file_row_column_and_leaves_store(tmp_path, files):
    db = tmp_path / "cli.duckdb"
    assert run("import", str(files["sprints.csv"]), db=db).returncode == 0
    store = Store(db)
    before = snapshot(store)
    store.close()
    bad = tmp_path / "bad.csv"
    bad.write_text("team,sprint,start_date,end_date\nNord,S 9,2026-02-09,2026-02-31\n", encoding="utf-8")
    done = run("import", str(files["okrs.csv"]), str(bad), db=db)
    assert done.returncode != 0
    assert "bad.csv, row 2, column 'end_date'" in done.stderr
    assert "2026-02-31" in done.stderr
    assert done.stdout == ""
    store = Store(db)
    assert snapshot(store) == before
    store.close()


def test_json_failure_is_one_document_on_stdout(tmp_path):
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    done = run("import", str(bad), "--json", db=tmp_path / "x.duckdb")
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert document["ok"] is False and document["problems"][0]["file"] == "empty.csv"


def test_dry_run_and_db_from_environment(tmp_path, files):
    db = tmp_path / "env.duckdb"
    environment = {**os.environ, "DASHBOARD_DB": str(db)}
    done = subprocess.run([sys.executable, "-m", "analytics", "import", str(files["sprints.csv"]), "--dry-run"],
                          cwd=ROOT, capture_output=True, text=True, env=environment, timeout=120)
    assert done.returncode == 0 and "Would import" in done.stdout
    rows = subprocess.run([sys.executable, "-m", "analytics", "sprints", "--json"], cwd=ROOT, capture_output=True,
                          text=True, env=environment, timeout=120)
    assert json.loads(rows.stdout) == []


def test_demo_if_empty_loads_once_and_undo_via_cli(tmp_path):
    db = tmp_path / "demo.duckdb"
    first = run("demo", "--if-empty", db=db)
    assert first.returncode == 0 and "Demo data loaded" in first.stdout
    second = run("demo", "--if-empty", db=db)
    assert second.returncode == 0 and "not loaded" in second.stdout
    teams = {r["team"] for r in json.loads(run("sprints", "--json", db=db).stdout)}
    assert teams == {"Neukunden Nord", "Pipeline Süd", "Key Account Automotive"}
    assert run("undo", "1", db=db).returncode == 0
    assert json.loads(run("sprints", "--json", db=db).stdout) == []
    refused = run("undo", "1", db=db)
    assert refused.returncode == 1 and "already undone" in refused.stderr


def test_items_unit_and_forecast_without_history(tmp_path):
    db = tmp_path / "items.duckdb"
    items = tmp_path / "items.csv"
    items.write_text("team,sprint,item_key,estimate,committed_at_start,done\n"
                     "T,S1,A,8,yes,yes\nT,S1,B,5,yes,no\nT,S1,C,,no,yes\n", encoding="utf-8")
    assert run("import", str(items), db=db).returncode == 0
    by_items = json.loads(run("sprints", "--unit", "items", "--json", db=db).stdout)[0]
    assert (by_items["committed"], by_items["added"], by_items["completed"]) == (2, 1, 2)
    by_points = json.loads(run("sprints", "--json", db=db).stdout)[0]
    assert (by_points["committed"], by_points["added"], by_points["completed"]) == (13, 0, 8)
    forecast = json.loads(run("forecast", "--json", db=db).stdout)
    assert forecast["velocity_p50"] is None and "at least 3" in forecast["reason"]


def test_as_of_gives_each_sprint_its_state_and_keeps_open_sprints_out_of_the_summary(tmp_path, files):
    db = tmp_path / "cli.duckdb"
    assert run("import", str(files["sprints.csv"]), db=db).returncode == 0
    # 2026-02-04: S 1 and S 2 ended, S 3 (2 – 6 Feb) runs
    rows = json.loads(run("sprints", "--as-of", "2026-02-04", "--json", db=db).stdout)
    assert [r["state"] for r in rows] == ["closed", "closed", "running"]
    assert [r["working_days"] for r in rows] == [10, 10, 5] and [r["completed_late"] for r in rows] == [None] * 3
    summary = json.loads(run("summary", "--as-of", "2026-02-04", "--json", db=db).stdout)[0]
    assert (summary["sprints"], summary["open_sprints"]) == (2, 1)
    assert summary["velocity_mean"] == pytest.approx((18 + 12.5) / 2)
    forecast = run("forecast", "--as-of", "2026-02-04", "--json", db=db)
    assert json.loads(forecast.stdout)["reason"].startswith("A forecast needs at least 3")
    bad = run("sprints", "--as-of", "someday", db=db)
    assert bad.returncode == 2 and "--as-of" in bad.stderr


def test_map_reads_a_spreadsheet_with_its_own_headers_as_a_template(tmp_path):
    db = tmp_path / "cli.duckdb"
    own = tmp_path / "own.csv"
    own.write_text("Mannschaft;Iteration;Zusage;Geliefert\nNord;S1;20;18\n", encoding="utf-8")
    refused = run("import", str(own), db=db)
    assert refused.returncode == 1 and "team" in refused.stderr
    done = run("import", str(own), "--source", "template", "--map", "team=Mannschaft", "--save-mapping", db=db)
    assert done.returncode == 0, done.stderr
    rows = json.loads(run("sprints", "--json", db=db).stdout)
    assert [(r["team"], r["sprint"], r["committed"], r["completed"]) for r in rows] == [("Nord", "S1", 20.0, 18.0)]
    again = tmp_path / "again.csv"
    again.write_text("Mannschaft;Iteration;Zusage;Geliefert\nNord;S2;10;9\n", encoding="utf-8")
    assert run("import", str(again), db=db).returncode == 0  # remembered


def test_an_import_loads_its_own_command_only(tmp_path, files):
    """A command's process imports that command's code: an import of files without regions loads
    neither the figures (data.service and the OKR overview) nor the 250 holiday calendars."""
    probe = ("import sys\nfrom cli import main\ncode = main(sys.argv[1:])\n"
             "print(sorted(m for m in ('data.service', 'analytics.okr_overview', 'analytics.planning', 'cli.views',"
             " 'holidays.countries') if m in sys.modules))\nsys.exit(code)")
    environment = {k: v for k, v in os.environ.items() if k != "DASHBOARD_DB"}
    done = subprocess.run([sys.executable, "-c", probe, "import", str(files["sprints.csv"]), "--db", str(tmp_path / "c.duckdb")],
                          cwd=ROOT, capture_output=True, text=True, env=environment, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    assert Store(tmp_path / "c.duckdb").current("sprints")["sprint"].tolist() == ["S 1", "S 2", "S 3"]
    shown = subprocess.run([sys.executable, "-c", probe, "sprints", "--db", str(tmp_path / "c.duckdb")],
                           cwd=ROOT, capture_output=True, text=True, env=environment, timeout=120)
    assert shown.returncode == 0, shown.stderr  # the figures' command loads the figures' code
    assert shown.stdout.splitlines()[-1] == "['analytics.okr_overview', 'analytics.planning', 'cli.views', 'data.service']"
