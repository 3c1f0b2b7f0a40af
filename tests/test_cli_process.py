"""tests/cli_process.run_cli, which the command-line tests run their commands with, gives what
``python -m analytics`` gives: the same exit code, output and messages, for a command that
succeeds, one that refuses a file and one called wrongly."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.cli_process import ROOT, run_cli
from tests.test_cli import SPRINTS


def test_a_forked_command_gives_what_the_started_process_gives(tmp_path):
    good, bad = tmp_path / "sprints.csv", tmp_path / "bad.csv"
    good.write_text(SPRINTS, encoding="utf-8")
    bad.write_text("team,sprint,start_date,end_date\nNord,S1,2026-02-09,2026-02-31\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "DASHBOARD_DB"}
    commands = [["import", str(good)], ["sprints", "--json"], ["import", str(bad)], ["sprints", "--no-such-option"]]
    seen = {}
    for way in ("forked", "started"):
        db = tmp_path / f"{way}.duckdb"
        for args in commands:
            full = [*args, "--db", str(db)]
            done = run_cli(full, env=env) if way == "forked" else subprocess.run(
                [sys.executable, "-m", "analytics", *full], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            seen.setdefault(way, []).append((done.returncode, done.stdout.replace(str(db), "DB"),
                                             done.stderr.replace(str(db), "DB")))
    assert [code for code, _, _ in seen["started"]] == [0, 0, 1, 2]
    assert "2026-02-31" in seen["started"][2][2] and "--no-such-option" in seen["started"][3][2]
    assert seen["forked"] == seen["started"]
