"""`make benchmark` keeps working: the script runs on tiny data (--quick) and prints the table the
README describes. Structure only — timings of a shared machine say nothing here."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from scripts.benchmark import HEADER, PAGES

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_prints_and_writes_a_table_of_every_part(tmp_path):
    out = tmp_path / "benchmark.md"
    # every part but the browser, which the browser tests cover (a server and Chromium per run)
    done = subprocess.run([sys.executable, "scripts/benchmark.py", "--quick", "--only", "import,team,teams,sizes,report",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert lines[0] == "| " + " | ".join(HEADER) + " |"
    assert lines[1] == "|" + "---|" * len(HEADER)
    rows = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]
    assert all(len(row) == len(HEADER) for row in rows)
    parts = [row[0] for row in rows]
    # one import row, cold and warm for one team and for all teams, and at size XS the import and
    # every page cold and warm
    assert parts == ["import", "team", "team", "teams", "teams", "size XS"] + ["size XS"] * 2 * len(PAGES) + ["report"] * 2
    # the report's size against the full plotly.js, in MB (issue 24: ≤ 1.5 MB), apart from the timings
    *rows, timing, size = rows
    assert size[1] == "its size (plotly.js basic bundle inline)" and size[6] == "≤ 1.5 MB" and size[7] == "met"
    ours, full = float(size[2].split()[0]), float(size[3].split()[0])
    assert size[3].endswith("MB (with the full plotly.js)") and 3.4 < full - ours < 3.8   # 4.82 − 1.19 MB
    measures = [row[1] for row in rows]
    assert measures[0].startswith("import Jira 60 rows")
    assert [m.split(",")[0] for m in measures[7::2]] == [f"page {page}" for page in PAGES]
    assert all(", cold" in m for m in measures[6::2]) and all(", warm" in m for m in measures[7::2])
    assert timing[1] == "sprint review report of Neukunden Nord as HTML, whole process"
    for part, measure, ours, baseline, ratio, peak, target, verdict in [*rows, timing]:
        assert re.fullmatch(r"\d+\.\d\d s", ours), (measure, ours)
        # every row here has a baseline measured in the same run, and the ratio of the two medians
        assert re.fullmatch(r"\d+\.\d{3} s \((read_csv|SQL, one team|SQL, all teams|sprints --json)\)", baseline), \
            (measure, baseline)
        assert re.fullmatch(r"\d+\.\d×", ratio), (measure, ratio)
        # the ratio of the unrounded medians lies within what the rounded figures allow
        seconds, base = float(ours.split()[0]), float(baseline.split()[0])
        low, high = (seconds - 0.005) / (base + 0.0005) - 0.05, (seconds + 0.005) / max(base - 0.0005, 1e-9) + 0.05
        assert low <= float(ratio[:-1]) <= high, (measure, ours, baseline, ratio)
        # peak RSS of the measuring child process, for cold runs (warm ones run in the same child)
        assert re.fullmatch(r"[\d,]+ MB", peak) if ", warm" not in measure else peak == "–", (measure, peak)
    # the import's target is a ratio and holds at any size; the page targets are for sizes M and L
    assert rows[0][6] == "≤ 3× read_csv" and re.fullmatch(r"met|missed by \d+\.\d×", rows[0][7])
    assert {row[6] for row in rows[1:] if row[0] != "import"} <= {"–", "≤ 3× read_csv"}
    written = out.read_text(encoding="utf-8")
    assert "\n".join(lines) in written and written.startswith("# Benchmark")
