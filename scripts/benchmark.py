"""The benchmark of issue 12, with the targets of issue 21: import, page computations and the
browser, each figure a median of several runs with its ratio to a baseline measured in the same run,
interleaved (baseline, ours, baseline, ours …), so that load from other programs falls on both alike
and the ratios compare across machines.

    python scripts/benchmark.py [--runs 5] [--quick] [--only PART[,PART]] [--sizes M,L] [--out FILE]
                                [--link-size M] [--lake-size L]

    python scripts/benchmark.py --only sizes --sizes XL --runs 1 --out FILE   # 1 M items (see below)
    python scripts/benchmark.py --only links --runs 3 --out FILE             # links in new sessions

Targets (issue 21; ratios hold on any machine, seconds are for a 2-core machine): the import ≤ 2×
read_csv (the Jira export and sizes M and L; XL has none), peak ≤ 1.5 GB at L; every page ≤ 1 s cold
and ≤ 0.3 s warm at M, ≤ 1.5 s cold at L; in the browser, click on Import → the Sprint review's first
chart ≤ 1.5 s for the 100k-row export (a check the page runs after the click counted in), the
heaviest filter change ≤ 0.3 s, the server ≤ 300 MB with that store loaded; a link opened in a new
browser session settled ≤ 2 s at M; DuckLake pages within 1.5× of the embedded file.

Parts (``--only``):
- ``import``  a 100,000-row Jira export (40 teams × 50 sprints × 50 items) and its sprint calendar:
              ``python -m analytics import FILE --sprints CAL`` on a fresh store, as a whole process,
              vs a process that only reads the same files with DuckDB's ``read_csv`` (all columns as
              text) into a fresh database file;
- ``team``    one team's Sprint review and Retrospective computations (``data.service`` and the
              analytics the pages call) vs one hand-written DuckDB SQL aggregate for that team;
- ``teams``   the Teams page computation over all teams (figures built, not drawn) vs one SQL
              aggregate over all teams;
- ``sizes``   sizes M (50 teams × 52 sprints × 60 items, our sprint_items and sprints templates) and
              L (500 teams, 1.56 M items): the import, then every page run through Streamlit's
              AppTest in a fresh process, cold (first run) and warm (a rerun), each with its peak RSS,
              and a row naming the slowest page. Size XL (200 teams × 50 sprints × 100 items,
              1,000,000 items) is not among the defaults — it takes minutes and gigabytes of memory —
              and has no target: ``--only sizes --sizes XL`` (also ``--sizes M,L,XL``); XS and S are for
              trying the script;
- ``report``  the demo's sprint review report as self-contained HTML (``python -m analytics report``):
              its size against the size it had with the full plotly.js inlined, and the time it takes
              as a whole process against ``sprints --json`` of the same team (the figures without the
              report);
- ``browser`` ``streamlit run`` in headless Chromium: the 100k-row Jira export uploaded on the Import
              page until the Import button is offered (the page checks the files on upload; shown
              apart), then the measured span from the click on Import — through the import, a check
              the page runs after the click and the navigation — until the Sprint review's first
              chart is drawn (and all three, apart), one filter change until redrawn, the server's
              peak memory (and its own, anonymous, share at its largest: the rest is the libraries'
              code mapped from their files). The span and the filter change are timed in the page, from the press of
              the mouse button until the result is painted (the span: the click on Import and the
              click on the Sprint review's link, summed); from outside too, in rows of their own.
- ``links``   a link opened in a new browser session: a warm ``streamlit run`` server (every page
              visited once after its start) on a store of size ``--link-size`` (default M, with the
              OKR files); per run, every page's address (``/``, ``/import``, ``/sprint_review`` …
              with ``?lang=en``) in a fresh browser context until the page has settled — title
              shown, no script running, no status widget, no skeleton, grids with their headers,
              charts drawn, no change for a second (that second not counted); per page the median,
              the slowest page, the server's peak memory; the baseline is the floor, a bare
              ``st.title`` app opened alike in the same run; each page again in a new tab of a
              browser that has been there (its code cached), and a bare app with one plotly chart.
- ``lake``    the DuckLake store on a local PostgreSQL (scripts/local_postgres.py) against the
              embedded file, in the same run (size ``--lake-size``, default L): the import, every
              page cold and warm, and 4 imports started at once while two ``streamlit run``
              replicas serve the DuckLake store (the file's 4 queue for its lock).

Only public entry points are used (the command line, ``data.service``, the store's reads the pages
use, the analytics functions the pages call, the pages themselves), so the benchmark survives
changes to the internals. Every measured action runs in a fresh child process (the browser part in a
fresh server), and peak RSS is that child's own (its VmHWM), never this process's.
"""
from __future__ import annotations

import argparse
import ast
import importlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PARTS = ("import", "team", "teams", "sizes", "report", "browser", "links", "lake")
PAGES = ("home", "import", "sprint_review", "retrospective", "okrs", "teams")
# (teams, sprints per team, items per sprint)
JIRA_SIZE, JIRA_QUICK = (40, 50, 50), (3, 4, 5)
SIZES = {"XS": (3, 4, 5), "S": (10, 20, 20), "M": (50, 52, 60), "L": (500, 52, 60),
         "XL": (200, 50, 100)}  # 1,000,000 items; only when asked for (--sizes XL)
UNTARGETED_SIZES = {"XL"}  # reported, no target (issue 21)
WARM_REPEATS = 3
FIRST_SPRINT = date(2024, 1, 1)  # a Monday; two-week sprints, all closed by now
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
MB = 1e6

# Targets of issue 21 (issue 12's, tightened). Ratios hold on any machine; seconds are for a 2-core
# machine. The import's ratio holds at any size but XL; the page and peak targets are per size.
TARGET_IMPORT_RATIO = 2.0
# the 100k-row Jira export: click on Import → the Sprint review's first chart drawn (a check the page
# runs after the click included), one filter change, the server's peak with that store loaded
TARGET_UPLOAD_S, TARGET_FILTER_S = 1.5, 0.3
TARGET_PAGE_COLD_S = {"M": 1.0, "L": 1.5}
TARGET_PAGE_WARM_S = {"M": 0.3}
TARGET_SERVER_MB_100K = 300.0
TARGET_PEAK_MB = {"L": 1500.0}
TARGET_LINK_S = {"M": 2.0}  # a link opened in a new browser session: its page settled
REST_S = 1.0  # after the browser part's filter change, before the server's memory at rest is read
LINK_QUIET_S = 1.0  # settled: drawn and unchanged for this long (not counted in the figure)
TARGET_REPORT_MB = 1.5  # issue 24: a team's sprint report, self-contained
# Targets of issue 20: DuckLake pages within 1.5× of the embedded file's, 4 concurrent imports all land
TARGET_LAKE_PAGE_RATIO = 1.5
CONCURRENT_IMPORTS = 4


# ----------------------------------------------------------------------------------------------
# Generated data (seeded): files as bytes, and the same rows normalised for the SQL baselines


@dataclass
class DataSet:
    """Files to import (``files`` are item files, ``calendar`` the sprints file) and the same rows
    in a plain shape for the hand-written SQL baselines: items(team, sprint, estimate, committed,
    removed, done, done_on) and sprints(team, sprint, start_date, end_date)."""
    name: str
    files: dict[str, bytes]
    calendar: dict[str, bytes]
    items: pd.DataFrame
    sprints: pd.DataFrame
    teams: list[str] = field(default_factory=list)
    extra: dict[str, bytes] = field(default_factory=dict)  # imported untimed, before the pages are measured


def _calendar(teams: list[str], sprint_names: np.ndarray, n_sprints: int) -> pd.DataFrame:
    starts = pd.Timestamp(FIRST_SPRINT) + pd.to_timedelta(np.arange(n_sprints) * 14, "D")
    return pd.DataFrame({
        "team": np.repeat(teams, n_sprints), "sprint": sprint_names,
        "start_date": np.tile(starts, len(teams)), "end_date": np.tile(starts + pd.Timedelta(days=11), len(teams)),
    })


def jira_export(teams: int, sprints: int, items: int, seed: int = 7) -> DataSet:
    """A Jira export (one issue per row, team = project name) and its sprint calendar."""
    rng = np.random.default_rng(seed)
    n = teams * sprints * items
    i = np.arange(n)
    team, sprint = i // (sprints * items), (i // items) % sprints
    start = pd.Timestamp(FIRST_SPRINT) + pd.to_timedelta(sprint * 14, "D")
    created = start - pd.to_timedelta(rng.integers(0, 10, n), "D")
    done = rng.random(n) < 0.8
    resolved = start + pd.to_timedelta(rng.integers(0, 14, n), "D")
    points = rng.choice([1.0, 2.0, 3.0, 5.0, 8.0], n)

    def fmt(days) -> np.ndarray:
        return np.asarray(pd.DatetimeIndex(days).strftime("%d/%b/%y %-I:%M %p"))

    names = [f"Team {t:02d}" for t in range(teams)]
    team_names = np.asarray(names)[team]
    sprint_names = np.char.add(np.char.add(np.char.add("T", team.astype(str)), " Sprint "), (sprint + 1).astype(str))
    export = pd.DataFrame({
        "Summary": np.char.add("Item ", i.astype(str)), "Issue key": np.char.add(np.char.add(np.char.add("T", team.astype(str)), "-"), i.astype(str)),
        "Issue id": i + 10000, "Issue Type": np.where(rng.random(n) < 0.9, "Story", "Bug"),
        "Status": np.where(done, "Done", "In Progress"), "Project name": team_names,
        "Resolution": np.where(done, "Done", ""), "Created": fmt(created), "Updated": fmt(resolved),
        "Resolved": np.where(done, fmt(resolved), ""), "Sprint": sprint_names,
        "Custom field (Story Points)": points, "Status Category": np.where(done, "Done", "In Progress"),
    })
    calendar = _calendar(names, sprint_names[::items], sprints)  # one name per team and sprint, in order
    plain = pd.DataFrame({"team": team_names, "sprint": sprint_names, "estimate": points,
                          "committed": np.asarray(created <= start), "removed": False, "done": done,
                          "done_on": np.where(done, np.asarray(resolved.normalize()), np.datetime64("NaT"))})
    return DataSet(f"Jira {n:,} rows", {"jira.csv": export.to_csv(index=False).encode("utf-8")},
                   {"jira_sprints.csv": _dated(calendar).to_csv(index=False).encode("utf-8")},
                   plain, calendar, names)


def _dated(calendar: pd.DataFrame) -> pd.DataFrame:
    return calendar.assign(start_date=calendar["start_date"].dt.strftime("%Y-%m-%d"),
                           end_date=calendar["end_date"].dt.strftime("%Y-%m-%d"))


def template_files(teams: int, sprints: int, items: int, seed: int = 11) -> DataSet:
    """Our sprint_items and sprints templates: two-week sprints, 85 % committed at start, 5 %
    removed, 80 % done (some after the sprint's end), regional holidays (DE-BY) for every team."""
    rng = np.random.default_rng(seed)
    n = teams * sprints * items
    i = np.arange(n)
    team, sprint = i // (sprints * items), (i // items) % sprints
    names = [f"Team {t:03d}" for t in range(teams)]
    team_names = np.asarray(names)[team]
    sprint_names = np.char.add("Sprint ", (sprint + 1).astype(str))
    start = pd.Timestamp(FIRST_SPRINT) + pd.to_timedelta(sprint * 14, "D")
    committed = rng.random(n) < 0.85
    removed = rng.random(n) < 0.05
    done = (rng.random(n) < 0.8) & ~removed
    added_on = start + pd.to_timedelta(rng.integers(1, 10, n), "D")
    done_on = start + pd.to_timedelta(rng.integers(0, 16, n), "D")  # 0–15 days: some done after the end (day 11)

    def day(values, keep) -> np.ndarray:
        return np.where(keep, np.asarray(pd.DatetimeIndex(values).strftime("%Y-%m-%d")), "")

    estimate = rng.choice([1, 2, 3, 5, 8], n)
    frame = pd.DataFrame({
        "team": team_names, "sprint": sprint_names,
        "item_key": np.char.add(np.char.add(np.char.add("T", team.astype(str)), "-"), i.astype(str)),
        "title": np.char.add("Erstgespräch Müller ", i.astype(str)), "item_type": "activity", "estimate": estimate,
        "committed_at_start": np.where(committed, "yes", "no"), "added_on": day(added_on, ~committed),
        "removed": np.where(removed, "yes", "no"), "done": np.where(done, "yes", "no"),
        "done_on": day(done_on, done), "key_result": "",
    })
    calendar = _calendar(names, np.char.add("Sprint ", (np.tile(np.arange(sprints), teams) + 1).astype(str)), sprints)
    sprint_file = _dated(calendar).assign(goal="20 Erstgespräche im Maschinenbau", sprint_type="acquisition",
                                          committed="", completed="", added="", removed="", key_results="",
                                          unit="points", region="DE-BY", days_off=0)
    plain = pd.DataFrame({"team": team_names, "sprint": sprint_names, "estimate": estimate.astype(float),
                          "committed": committed, "removed": removed, "done": done,
                          "done_on": np.where(done, np.asarray(done_on), np.datetime64("NaT"))})
    return DataSet(f"{teams} teams × {sprints} sprints × {items} items", {"sprint_items.csv": frame.to_csv(index=False).encode("utf-8")},
                   {"sprints.csv": sprint_file.to_csv(index=False).encode("utf-8")}, plain, calendar, names,
                   okr_files(names, rng))


def okr_files(names: list[str], rng: np.random.Generator) -> dict[str, bytes]:
    """The OKRs of this year for every team (four quarters, two objectives of two key results each)
    and a check-in every two weeks until today, so the OKR parts of the pages have work to do."""
    year = date.today().year
    quarters = [(f"Q{q} {year}", pd.Timestamp(year, 3 * q - 2, 1), pd.Timestamp(year, 3 * q - 2, 1) + pd.offsets.QuarterEnd())
                for q in range(1, 5)]
    krs = pd.DataFrame([
        {"team": team, "cycle": cycle, "cycle_start": f"{start:%Y-%m-%d}", "cycle_end": f"{end:%Y-%m-%d}",
         "objective_id": f"O-{t}-{q}-{o}", "objective": f"Wir gewinnen den Maschinenbau {o}", "okr_type": "committed",
         "kr_id": f"KR-{t}-{q}-{o}-{k}", "key_result": f"40 Discovery-Meetings {k}", "kr_type": "increase",
         "unit": "meetings", "start_value": 0, "target_value": 40, "weight": 1}
        for t, team in enumerate(names) for q, (cycle, start, end) in enumerate(quarters)
        for o in range(2) for k in range(2)])
    checkins = []
    today = pd.Timestamp(date.today())
    for q, (_, start, end) in enumerate(quarters):
        days = pd.date_range(start + pd.Timedelta(days=13), min(end, today), freq="14D")
        chosen = krs[krs["cycle_start"] == f"{start:%Y-%m-%d}"]["kr_id"].to_numpy()
        for number, day in enumerate(days):
            checkins.append(pd.DataFrame({"kr_id": chosen, "date": f"{day:%Y-%m-%d}",
                                          "value": (number + 1) * rng.integers(2, 6, len(chosen)),
                                          "confidence": rng.integers(3, 10, len(chosen))}))
    return {"okrs.csv": krs.to_csv(index=False).encode("utf-8"),
            "checkins.csv": pd.concat(checkins).to_csv(index=False).encode("utf-8")}


def write_files(data: DataSet, folder: Path) -> tuple[list[Path], list[Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for group in (data.files, data.calendar):
        paths.append([])
        for name, content in group.items():
            (folder / name).write_bytes(content)
            paths[-1].append(folder / name)
    return paths[0], paths[1]


def baseline_db(data: DataSet, path: Path) -> Path:
    """The rows of ``data`` in a DuckDB file of their own, typed, for the hand-written SQL baselines
    (built once, not timed: the baselines measure the query a page needs, not an import)."""
    import duckdb
    with duckdb.connect(str(path)) as con:
        con.register("plain_items", data.items)
        con.register("plain_sprints", data.sprints)
        con.execute("CREATE TABLE items AS SELECT * FROM plain_items")
        con.execute("CREATE TABLE sprints AS SELECT team, sprint, CAST(start_date AS DATE) AS start_date, "
                    "CAST(end_date AS DATE) AS end_date FROM plain_sprints")
    return path


# ----------------------------------------------------------------------------------------------
# Child processes: every measurement runs in a fresh one; peak RSS is the child's own


def _vm_hwm_mb(pid: int | str, field: str = "VmHWM") -> float:
    """Peak resident memory of a running process so far (Linux: VmHWM of its current program), or
    another of its memory fields (``VmRSS``: resident now); 0 once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024 / MB
    except OSError:
        pass
    return 0.0


class ResidentSplit:
    """Samples a running process's resident memory every few milliseconds in a thread and keeps its
    anonymous part (the process's own: objects, arrays, caches) at the largest resident size. The
    rest is file-backed: code and data of the program and its libraries mapped from their files,
    shared with every other process that maps them and dropped by the kernel when memory is short."""

    def __init__(self, pid: int):
        self.pid, self.largest, self.own_mb = pid, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                fields = {line.split(":")[0]: int(line.split()[1]) * 1024 / MB
                          for line in Path(f"/proc/{self.pid}/status").read_text().splitlines()
                          if line.startswith(("VmRSS:", "RssAnon:"))}
            except (OSError, ValueError, IndexError):
                return
            if fields.get("VmRSS", 0.0) > self.largest:
                self.largest = fields["VmRSS"]
                self.own_mb = fields.get("RssAnon", 0.0)
            time.sleep(0.005)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Outcome:
    seconds: float
    peak_mb: float
    report: dict
    error: str | None = None


def run_child(args: list[str], env: dict | None = None, timeout: float = 3600) -> Outcome:
    """Run a command from the project root; wall time, the child's own peak RSS, and its JSON report
    when it prints one (the workers do).

    The peak is the child's VmHWM, read while it runs: the rusage of a child (wait4, RUSAGE_CHILDREN)
    would count this process's memory too, because Linux keeps the high-water mark of the memory the
    child was forked (vforked) with across its exec — a benchmark that holds 1.5 M generated rows
    would be charged to every child it starts."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=err)
        deadline = start + timeout
        peak = 0.0
        while True:
            peak = max(peak, _vm_hwm_mb(process.pid))  # after the exec: the new program's own memory
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                _, status, _ = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    report, error = {}, None
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if lines:
        report = json.loads(lines[-1])
        error = report.get("error")
    if process.returncode != 0:
        error = error or f"exit {process.returncode}: " + (stderr.strip().splitlines() or ["?"])[-1][:200]
    # a worker reads its own VmHWM as it ends, after the last look from here
    return Outcome(seconds, max(peak, report.get("peak_mb", 0.0)), report, error)


def worker(kind: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", kind, *args]


def cli_import(db: Path, files: list[Path], calendar: list[Path]) -> list[str]:
    return [sys.executable, "-m", "analytics", "import", *map(str, files),
            *[arg for path in calendar for arg in ("--sprints", str(path))], "--db", str(db)]


# ----------------------------------------------------------------------------------------------
# Workers (run with --worker KIND in a fresh process; print one JSON line)


def _timed(action: Callable[[], object]) -> dict:
    """Cold: the first call in this process (modules already imported); warm: the median of the
    next calls (what a rerun costs when no Streamlit cache answers)."""
    start = time.perf_counter()
    action()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(WARM_REPEATS):
        start = time.perf_counter()
        action()
        warm.append(time.perf_counter() - start)
    return {"cold": cold, "warm": statistics.median(warm)}


# The floor of any import: a process that only imports DuckDB and reads each file, every column as
# text, into a table of a fresh database file. Run with ``python -c``, not as a worker: a worker
# loads this script and with it numpy and pandas, which would inflate the baseline.
READ_CSV = """import sys, duckdb
with duckdb.connect(sys.argv[1]) as con:
    for number, path in enumerate(sys.argv[2:]):
        con.execute(f"CREATE TABLE file{number} AS SELECT * FROM read_csv(?, all_varchar = true, header = true)", [path])
"""


TEAM_SQL = """
SELECT s.sprint, s.start_date, s.end_date,
       SUM(CASE WHEN i.committed THEN i.estimate ELSE 0 END) AS committed,
       SUM(CASE WHEN NOT i.committed THEN i.estimate ELSE 0 END) AS added,
       SUM(CASE WHEN i.removed THEN i.estimate ELSE 0 END) AS removed,
       SUM(CASE WHEN i.done AND i.done_on <= s.end_date THEN i.estimate ELSE 0 END) AS completed,
       SUM(CASE WHEN i.done AND i.done_on > s.end_date THEN i.estimate ELSE 0 END) AS completed_late,
       COUNT(i.sprint) AS items
FROM sprints s LEFT JOIN items i ON i.team = s.team AND i.sprint = s.sprint
WHERE s.team = ?
GROUP BY ALL ORDER BY s.start_date
"""
ALL_TEAMS_SQL = TEAM_SQL.replace("WHERE s.team = ?", "").replace("SELECT s.sprint", "SELECT s.team, s.sprint")


def work_sql(db: str, team: str = "") -> dict:
    """The hand-written baseline: one aggregate per question, fetched as a DataFrame, with the file
    opened per question as the store opens it for a read: attached to the process's one in-memory
    DuckDB, detached afterwards (``data.store._Files``)."""
    import duckdb

    from data.lake import sql_literal
    host = duckdb.connect(":memory:")  # the store makes its own once per process, too
    attach = f"ATTACH {sql_literal(db)} AS base (READ_ONLY)"

    def query() -> pd.DataFrame:
        host.execute(attach)
        try:
            host.execute("USE base")
            return host.execute(TEAM_SQL, [team]).df() if team else host.execute(ALL_TEAMS_SQL).df()
        finally:
            host.execute("USE memory")
            host.execute("DETACH base")
    rows = len(query())
    return {**_timed(query), "rows": rows}


def work_team(db: str, team: str) -> dict:
    """What the Sprint review and the Retrospective compute for one team: its sprint table as of
    today, the review's item lists, key results, comparison, forecast and burn-up items, and the
    retrospective's summaries."""
    from analytics.retro import by_sprint_type
    from analytics.review import item_lists, sprint_comparison
    from analytics.sprint_kr import sprint_key_results
    from analytics.sprint_metrics import classify_items, closed, team_summary
    from data import service
    from data.store import Store
    store = Store(db)
    today = date.today()

    def compute() -> pd.DataFrame:
        metrics = service.sprint_table(store, [team], as_of=today)
        sprint = closed(metrics)["sprint"].iloc[-1]
        service.regions(store, [team])
        sprints, items = store.current("sprints", [team]), store.current("sprint_items", [team])
        item_lists(items, metrics, team, sprint, "points")
        sprint_comparison(metrics, team, sprint)
        sprint_items = items[items["sprint"] == sprint]
        sprint_key_results(sprints[sprints["sprint"] == sprint], sprint_items, store.current("key_results", [team]),
                           store.current("checkins", [team]), unit="points")
        service.forecast(metrics, team)
        classify_items(sprint_items, metrics, "points")
        finished = closed(metrics).reset_index(drop=True)
        team_summary(finished)
        by_sprint_type(finished)
        return metrics
    rows = len(compute())
    return {**_timed(compute), "rows": rows}


def work_teams(db: str) -> dict:
    """What the Teams page computes over all teams: the sprint table, the OKR overview, the team
    comparison and both figures (built, not drawn)."""
    from analytics import charts
    from analytics.okr_overview import okr_overview
    from analytics.teams import team_comparison, team_pages
    from data import service
    from data.entries import okr_frames
    from data.settings import setting
    from data.store import Store
    store = Store(db)
    today = date.today()

    def compute() -> pd.DataFrame:
        teams = store.teams()
        metrics = service.sprint_table(store, teams, as_of=today)
        view = okr_overview(*okr_frames(store, teams), as_of=today, behind_gap=setting("DASHBOARD_BEHIND_GAP"),
                            cadence_days=setting("DASHBOARD_CHECKIN_DAYS"))
        comparison = team_comparison(metrics, view.key_results, view.objectives, today)
        charts.status_bars(comparison, "en")
        names = list(dict.fromkeys(metrics["team"]))
        units = store.current("teams", teams)
        shown = metrics[metrics["team"].isin(team_pages(names)[0])]
        charts.velocity_small_multiples(shown, dict(zip(units["team"], units["unit"])), "en")
        return metrics
    rows = len(compute())
    return {**_timed(compute), "rows": rows}


def _import_page_modules(page: Path) -> None:
    """Import what a page and the entry point import, so that a cold run measures the page's work,
    not Python loading modules (which a server does once)."""
    for path in (ROOT / "dashboard.py", page):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                importlib.import_module(name)


def _discover_components(app) -> None:
    """A Streamlit server scans the installed packages for components once, when its runtime starts
    (``Runtime.__init__``); AppTest scans at its first run, 0.2–0.3 s that no visit of a served page
    pays. Scanned before the clock starts, like the server's start (AppTest keeps the scan in an
    attribute of its own: where a Streamlit version has none, the first run pays the scan)."""
    if getattr(app, "_bidi_component_manager", False) is None:
        from streamlit.components.v2.component_manager import BidiComponentManager
        manager = BidiComponentManager()
        manager.discover_and_register_components(start_file_watching=False)
        app._bidi_component_manager = manager


def work_page(db: str, name: str) -> dict:
    """One page run through Streamlit's AppTest as a deep link (straight to the page, no other page
    first): cold is the first run in this process, warm a rerun of the same session (the page's
    caches answer, its figures are built again)."""
    os.environ["DASHBOARD_STORE" if db.startswith("ducklake:") else "DASHBOARD_DB"] = db
    from streamlit.testing.v1 import AppTest
    import ui
    from i18n import t
    key = {"home": "app_title", "import": "page_import", "sprint_review": "page_review", "retrospective": "page_retro",
           "okrs": "page_okrs", "teams": "page_teams"}[name]
    page = ROOT / ui.PAGE_FILES[key]
    _import_page_modules(page)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=3600)
    app.session_state[ui.DEEP_LINK_KEY] = str(page.relative_to(ROOT))
    _discover_components(app)
    opened = _open_store()

    def run() -> None:
        app.run()
        if app.exception:
            raise RuntimeError(f"{name}: {app.exception[0].message}")
        shown = [title.value for title in app.title]
        if shown[:1] != [t(key, "en")] or any("No data yet" in box.value for box in app.info):
            raise RuntimeError(f"{name}: the page did not show its data (titles {shown})")
    start = time.perf_counter()
    run()
    cold = time.perf_counter() - start
    start = time.perf_counter()
    run()  # one rerun: at size L a slow page takes minutes per run
    return {"cold": cold, "warm": time.perf_counter() - start, "open": opened}


def _open_store() -> float:
    """Open the store the way the pages do (``ui.store``'s one Store per server process), before the
    clock of the first run starts; the seconds it took. Once per process, as the modules: for the
    embedded file a look at its schema; for DuckLake its two extensions loaded and the catalog
    attached (about 0.25 s), which every later visit to the server reuses. Reported as a row of its
    own by the lake part, so that the pages' cold runs compare the pages' work on the two kinds."""
    import ui
    start = time.perf_counter()
    ui._open_store(ui.db_path())
    return time.perf_counter() - start


WORKERS = {"sql": work_sql, "team": work_team, "teams": work_teams, "page": work_page}


# ----------------------------------------------------------------------------------------------
# The table


@dataclass
class Row:
    part: str
    measure: str
    ours: list[float] = field(default_factory=list)
    base: list[float] = field(default_factory=list)
    ours_mb: list[float] = field(default_factory=list)
    baseline: str = ""
    target: str = ""
    check: Callable[["Row"], str] | None = None
    unit: str = "s"
    errors: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    base_outcomes: list[Outcome] = field(default_factory=list)

    def warm(self, measure: str) -> Row:
        """The row of the warm figures the workers reported beside the cold ones."""
        def warm(outcomes: list[Outcome]) -> list[float]:
            return [o.report["warm"] for o in outcomes if not o.error and "warm" in o.report]
        return Row(self.part, measure, warm(self.outcomes), warm(self.base_outcomes), baseline=self.baseline,
                   errors=list(self.errors))

    @property
    def median(self) -> float | None:
        return statistics.median(self.ours) if self.ours else None

    @property
    def base_median(self) -> float | None:
        return statistics.median(self.base) if self.base else None

    @property
    def ratio(self) -> float | None:
        if self.median is None or not self.base_median:
            return None
        return self.median / self.base_median

    def cells(self) -> list[str]:
        peak = f"{statistics.median(self.ours_mb):,.0f} MB" if self.ours_mb else "–"
        if self.errors and not self.ours:
            return [self.part, self.measure, "failed: " + self.errors[0], "–", "–", peak, self.target or "–", "–"]
        if self.unit == "s":
            ours = "–" if self.median is None else f"{self.median:.2f} s"
            base = "–" if self.base_median is None else f"{self.base_median:.3f} s ({self.baseline})"
        else:  # megabytes: a server's peak (no baseline) or a file's size against a baseline file's
            ours = "–" if self.median is None else f"{self.median:,.{2 if self.median < 10 else 0}f} MB"
            base = "–" if self.base_median is None else f"{self.base_median:,.2f} MB ({self.baseline})"
        ratio = "–" if self.ratio is None else f"{self.ratio:.1f}×"
        verdict = self.check(self) if self.check and self.median is not None else "–"
        return [self.part, self.measure, ours, base, ratio, peak, self.target or "–", verdict]


HEADER = ["part", "measure", "ours (median)", "baseline (median)", "ratio", "peak RSS (median)", "target", "verdict"]


def within(limit: float, value: Callable[[Row], float | None], unit: str) -> Callable[[Row], str]:
    """'met', or by how much the figure misses its limit (× for ratios, the unit otherwise)."""
    def verdict(row: Row) -> str:
        figure = value(row)
        if figure is None:
            return "–"
        if figure <= limit:
            return "met"
        if unit == "×":
            return f"missed by {figure / limit:.1f}×"
        return f"missed by {figure - limit:,.{2 if limit < 10 else 0}f} MB" if unit == "MB" else f"missed by {figure - limit:,.2f} {unit}"
    return verdict


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in row.cells()) + " |")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# Parts


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def interleaved(runs: int, pairs: list[tuple[Row, Callable[[], Outcome] | None, Callable[[], Outcome]]]) -> None:
    """Per run: every baseline and its measurement next to each other (baseline first), so load
    from elsewhere falls on both; a failed run is named in its row instead of ending the benchmark."""
    for number in range(runs):
        for row, baseline, ours in pairs:
            if baseline:
                outcome = baseline()
                row.base_outcomes.append(outcome)
                if outcome.error:
                    row.errors.append("baseline " + outcome.error)
                else:
                    row.base.append(outcome.report.get("cold", outcome.seconds))
            outcome = ours()
            row.outcomes.append(outcome)
            if outcome.error:
                row.errors.append(outcome.error)
            else:
                row.ours.append(outcome.report.get("cold", outcome.seconds))
                row.ours_mb.append(outcome.peak_mb)
            say(f"  run {number + 1}/{runs} {row.part} · {row.measure}: "
                f"{row.ours[-1] if row.ours else float('nan'):.2f} s"
                + (f" (baseline {row.base[-1]:.3f} s)" if row.base else "") + (f" ERROR {outcome.error}" if outcome.error else ""))


def import_rows(part: str, data: DataSet, folder: Path, runs: int, env: dict | None = None,
                targeted: bool = True) -> tuple[list[Row], Path]:
    """Our command-line import on a fresh store vs DuckDB's read_csv of the same files (against the
    target ratio unless not ``targeted``); returns the store of the last run for the page
    measurements."""
    files, calendar = write_files(data, folder / "files")
    size = sum(path.stat().st_size for path in [*files, *calendar]) / MB
    row = Row(part, f"import {data.name} ({size:.0f} MB), whole process", baseline="read_csv")
    if targeted:
        row.target, row.check = f"≤ {TARGET_IMPORT_RATIO:g}× read_csv", within(TARGET_IMPORT_RATIO, lambda r: r.ratio, "×")
    counter = iter(range(10**6))
    stores = []

    def ours() -> Outcome:
        db = folder / f"store{next(counter)}.duckdb"
        for old in stores:
            old.unlink(missing_ok=True)
        stores.append(db)
        return run_child(cli_import(db, files, calendar), env)

    def baseline() -> Outcome:
        db = folder / "read_csv.duckdb"
        db.unlink(missing_ok=True)
        return run_child([sys.executable, "-c", READ_CSV, str(db), *map(str, [*files, *calendar])])
    interleaved(runs, [(row, baseline, ours)])
    return [row], stores[-1]


def part_import(data: DataSet, folder: Path, runs: int) -> tuple[list[Row], Path]:
    return import_rows("import", data, folder / "import", runs)


def part_team(data: DataSet, store: Path, base: Path, runs: int) -> list[Row]:
    team = data.teams[len(data.teams) // 2]
    row = Row("team", f"one team's review + retrospective computation ({team}), cold", baseline="SQL, one team")
    interleaved(runs, [(row, lambda: run_child(worker("sql", str(base), team)),
                        lambda: run_child(worker("team", str(store), team)))])
    return [row, row.warm("the same, warm (repeated in the process)")]


def part_teams(data: DataSet, store: Path, base: Path, runs: int) -> list[Row]:
    row = Row("teams", f"Teams page computation, all {len(data.teams)} teams, cold", baseline="SQL, all teams")
    interleaved(runs, [(row, lambda: run_child(worker("sql", str(base))), lambda: run_child(worker("teams", str(store))))])
    return [row, row.warm("the same, warm (repeated in the process)")]


def part_report(folder: Path, runs: int) -> list[Row]:
    """The demo's latest closed sprint of one team as an HTML report: size and time."""
    folder.mkdir(parents=True, exist_ok=True)
    db, out = folder / "demo.duckdb", folder / "report.html"
    demo = run_child([sys.executable, "-m", "analytics", "demo", "--db", str(db)])
    if demo.error:
        return [Row("report", "sprint review report (demo)", errors=[demo.error])]
    team = "Neukunden Nord"
    listed = subprocess.run([sys.executable, "-m", "analytics", "sprints", "--team", team, "--json", "--db", str(db)],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    sprint = [row for row in json.loads(listed.stdout) if row["state"] == "closed"][-1]["sprint"]
    report = [sys.executable, "-m", "analytics", "report", "--team", team, "--sprint", sprint, "--out", str(out),
              "--db", str(db)]
    timing = Row("report", f"sprint review report of {team} as HTML, whole process", baseline="sprints --json")
    interleaved(runs, [(timing, lambda: run_child(listed.args), lambda: run_child(report))])
    from plotly.offline import get_plotlyjs
    from data.reports import plotly_basic
    size = out.stat().st_size / MB
    full = size + (len(get_plotlyjs().encode()) - len(plotly_basic().encode())) / MB
    sized = Row("report", "its size (plotly.js basic bundle inline)", [size], [full], unit="MB",
                baseline="with the full plotly.js", target=f"≤ {TARGET_REPORT_MB:g} MB",
                check=within(TARGET_REPORT_MB, lambda r: r.median, "MB"))
    return [timing, sized]


def size_env(data: DataSet) -> dict:
    """L and XL are beyond the default limits of one file (rows, MiB): raised through the documented
    settings for the benchmark's imports."""
    return {"DASHBOARD_MAX_ROWS": str(max(200_000, len(data.items) + 1)),
            "DASHBOARD_MAX_UPLOAD_MB": str(max(50, 2 * sum(map(len, data.files.values())) / 2**20))}


def loaded_store(data: DataSet, folder: Path, env: dict) -> Path:
    """A store with ``data`` and its OKR files imported by the command line, untimed."""
    files, calendar = write_files(data, folder / "files")
    store = folder / "store.duckdb"
    for group, sprints in ((files, calendar), (extra_files(data, folder), [])):
        if group and (done := run_child(cli_import(store, group, sprints), env)).error:
            raise RuntimeError(f"{data.name}: the files did not import: {done.error}")
    return store


def extra_files(data: DataSet, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in data.extra.items():
        (folder / name).write_bytes(content)
        paths.append(folder / name)
    return paths


def time_and_peak(time_check: Callable[[Row], str] | None, limit: float | None) -> Callable[[Row], str] | None:
    """One verdict of a time (or ratio) target and a peak-memory limit, each named when both apply."""
    peak_check = within(limit, lambda r: statistics.median(r.ours_mb) if r.ours_mb else None, "MB") if limit else None
    if not peak_check:
        return time_check
    if not time_check:
        return lambda r: f"peak: {peak_check(r)}"
    return lambda r: ", ".join(f"{what}: {v(r)}" for what, v in (("time", time_check), ("peak", peak_check)))


def slowest_page(part: str, cold: list[Row], warm: list[Row]) -> Row:
    """One row naming the page with the slowest cold median (its figure and peak) and the slowest warm one."""
    def name(row: Row) -> str:
        return row.measure.split(",")[0].removeprefix("page ")
    timed = [row for row in cold if row.median is not None]
    if not timed:
        return Row(part, "slowest page", errors=["no page was measured"])
    worst = max(timed, key=lambda r: r.median)
    measure = f"slowest page: {name(worst)}, cold"
    warmed = [row for row in warm if row.median is not None]
    if warmed:
        worst_warm = max(warmed, key=lambda r: r.median)
        measure += f" (slowest warm: {name(worst_warm)}, {worst_warm.median:.2f} s)"
    return Row(part, measure, [worst.median], ours_mb=[statistics.median(worst.ours_mb)] if worst.ours_mb else [])


def part_sizes(sizes: list[str], folder: Path, runs: int) -> list[Row]:
    rows: list[Row] = []
    for size in sizes:
        data = template_files(*SIZES[size])
        say(f"size {size}: {data.name}")
        env = size_env(data)
        part = f"size {size}"
        imported, store = import_rows(part, data, folder / size, runs, env, targeted=size not in UNTARGETED_SIZES)
        limit = TARGET_PEAK_MB.get(size)
        if limit:
            imported[0].target += f"; peak ≤ {limit:,.0f} MB"
            imported[0].check = time_and_peak(imported[0].check, limit)
        rows += imported
        base = baseline_db(data, folder / size / "baseline.duckdb")
        extra = extra_files(data, folder / size)
        if extra:  # the OKRs, so that every page has its work; not part of the measured import
            added = run_child(cli_import(store, extra, []), env)
            if added.error:
                raise RuntimeError(f"size {size}: the OKR files did not import: {added.error}")
        cold_limit, warm_limit = TARGET_PAGE_COLD_S.get(size), TARGET_PAGE_WARM_S.get(size)
        pairs = []
        for page in PAGES:
            row = Row(part, f"page {page}, cold (AppTest, fresh process)", baseline="SQL, all teams",
                      target="; ".join(filter(None, [f"≤ {cold_limit:g} s cold" if cold_limit else "",
                                                     f"peak ≤ {limit:,.0f} MB" if limit else ""])),
                      check=time_and_peak(within(cold_limit, lambda r: r.median, "s") if cold_limit else None, limit))
            pairs.append((row, lambda: run_child(worker("sql", str(base))),
                          lambda page=page: run_child(worker("page", str(store), page))))
        interleaved(runs, pairs)
        cold, warm = [], []
        for row, _, _ in pairs:
            warm_row = row.warm(row.measure.split(",")[0] + ", warm (a rerun; SQL repeated)")
            if warm_limit:
                warm_row.target, warm_row.check = f"≤ {warm_limit:g} s warm", within(warm_limit, lambda r: r.median, "s")
            cold.append(row)
            warm.append(warm_row)
            rows += [row, warm_row]
        rows.append(slowest_page(part, cold, warm))
    return rows


def part_lake(size: str, folder: Path, runs: int) -> list[Row]:
    """The DuckLake store against the embedded file in the same run: import, pages, concurrent imports."""
    from scripts.local_postgres import LocalPostgres, free_port
    data = template_files(*SIZES[size])
    say(f"lake {size}: {data.name}")
    folder.mkdir(parents=True, exist_ok=True)
    lake_data = folder / "lake-data"
    lake_data.mkdir()
    env = {"DASHBOARD_MAX_ROWS": str(max(200_000, len(data.items) + 1)),
           "DASHBOARD_MAX_UPLOAD_MB": str(max(50, 2 * sum(map(len, data.files.values())) / 2**20)),
           "DASHBOARD_LAKE_DATA": str(lake_data)}
    files, calendar = write_files(data, folder / "files")
    # a folder of its own: the benchmark's temporary folder is closed to the postgres user
    server = LocalPostgres(Path(tempfile.mkdtemp(prefix="benchmark-postgres-")), free_port(), "benchmark").start()
    counter = iter(range(10**6))

    def new_lake() -> str:
        name = f"lake{next(counter)}"
        server.create_database(name)
        return server.target(name)

    def new_file() -> str:
        return str(folder / f"file{next(counter)}.duckdb")
    try:
        part = f"lake {size}"
        row = Row(part, f"import {data.name}, DuckLake, whole process", baseline="embedded file")
        stores = {"lake": [], "file": []}

        def importing(kind: str) -> Outcome:
            store = new_lake() if kind == "lake" else new_file()
            stores[kind].append(store)
            return run_child(cli_import(store, files, calendar), env)
        interleaved(runs, [(row, lambda: importing("file"), lambda: importing("lake"))])
        rows = [row]
        lake, plain = stores["lake"][-1], stores["file"][-1]
        extra = []
        for name, content in data.extra.items():
            (folder / name).write_bytes(content)
            extra.append(folder / name)
        for store in (lake, plain):
            if extra and (added := run_child(cli_import(store, extra, []), env)).error:
                raise RuntimeError(f"{part}: the OKR files did not import: {added.error}")
        pairs = []
        for page in PAGES:
            page_row = Row(part, f"page {page}, DuckLake, cold (AppTest, fresh process)", baseline="embedded file",
                           target=f"≤ {TARGET_LAKE_PAGE_RATIO:g}× embedded",
                           check=within(TARGET_LAKE_PAGE_RATIO, lambda r: r.ratio, "×"))
            pairs.append((page_row, lambda page=page: run_child(worker("page", plain, page), env),
                          lambda page=page: run_child(worker("page", lake, page), env)))
        interleaved(runs, pairs)
        for page_row, _, _ in pairs:
            warm = page_row.warm(page_row.measure.split(", cold")[0] + ", warm (a rerun)")
            warm.target, warm.check = page_row.target, page_row.check
            rows += [page_row, warm]
        rows.append(store_opening(part, [row for row, _, _ in pairs]))
        rows.append(concurrent_imports(part, data, folder, runs, env, new_lake, new_file))
        return rows
    finally:
        server.stop()
        server.remove()


def store_opening(part: str, page_rows: list[Row]) -> Row:
    """What a server process pays once, at its first page, before any page's cold run: the store
    opened (the page workers time it apart, ``_open_store``), DuckLake against the embedded file."""
    def opened(outcomes: list[Outcome]) -> list[float]:
        return [o.report["open"] for o in outcomes if not o.error and "open" in o.report]
    return Row(part, "store opened, once per server process (DuckLake: two extensions loaded, the catalog "
               "attached; not in the pages' cold figures)", [s for row in page_rows for s in opened(row.outcomes)],
               [s for row in page_rows for s in opened(row.base_outcomes)], baseline="embedded file")


def concurrent_imports(part: str, data: DataSet, folder: Path, runs: int, env: dict, new_lake, new_file) -> Row:
    """4 command-line imports of 4 organisations' files started at once: on a DuckLake store while two
    replicas serve it (commits conflict and retry), against the embedded file (they queue)."""
    paths = []
    for number in range(CONCURRENT_IMPORTS):
        path = folder / f"org{number}.csv"
        path.write_bytes(next(iter(data.files.values())).replace(b"Team ", f"Org {number} Team ".encode()))
        paths.append(path)
    row = Row(part, f"{CONCURRENT_IMPORTS} imports at once ({len(data.items):,} rows each), DuckLake with two "
                    "replicas serving", baseline="embedded file, queued",
              target=f"all {CONCURRENT_IMPORTS} land", check=lambda r: "met" if not r.errors else "missed")

    def at_once(store: str, replicas: bool) -> Outcome:
        servers = []
        if replicas:
            for _ in range(2):
                port = _free_port()
                servers.append(subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
                     "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                    cwd=ROOT, env={**os.environ, **env, "DASHBOARD_STORE": store},
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        try:
            start = time.perf_counter()
            running = [subprocess.Popen(cli_import(store, [path], []), cwd=ROOT, env={**os.environ, **env},
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for path in paths]
            failures = [process.communicate()[1].strip().splitlines()[-1:] for process in running
                        if process.wait() != 0]
            seconds = time.perf_counter() - start
            landed = json.loads(subprocess.run([sys.executable, "-m", "analytics", "history", "--json", "--db", store],
                                               cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                                               text=True).stdout or "[]")
            ids = sorted(entry["import_id"] for entry in landed)
            error = None if not failures and ids == list(range(1, CONCURRENT_IMPORTS + 1)) else \
                f"landed {ids}, failed: {failures[:1]}"
            return Outcome(seconds, 0.0, {}, error)
        finally:
            for server in servers:
                server.terminate()
                server.wait()
    interleaved(runs, [(row, lambda: at_once(new_file(), False), lambda: at_once(new_lake(), True))])
    row.ours_mb.clear()  # six processes: no one peak to show
    return row


# ----------------------------------------------------------------------------------------------
# The browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]




WAIT_SCRIPT_DONE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
      && document.querySelectorAll('.js-plotly-plot .main-svg').length >= %d;
}"""
# times one change in the page's own clock: from the press of the mouse button (pointerdown, seen
# before the page acts on the click) until the page has at least CHARTS charts drawn, each of them
# drawn again since the press (ui.chart redraws a chart in place: its old drawing stays on screen
# until then; a chart is drawn again only with a new run's data), no script runs, and that state
# has been painted (the frame after it); looked at in every frame from the press on. The script's
# state is read, not watched for a 'running' before a 'notRunning': a rerun as short as a bare
# app's can be over before the page has drawn its 'running' (Streamlit renders both messages at
# once), and a watch for it waited for ever. Timed inside the page, so Playwright's own work around
# a click (finding the element, waiting for it to be stable, the round trips of its polling) is not
# counted; window.__rerun.ms is the figure.
ARM = """charts => {
  const app = document.querySelector('[data-testid="stApp"]');
  const rerun = window.__rerun = {done: false};
  // every chart drawn again since now (ui.chart's element counts its drawings on itself)
  const before = new Map(Array.from(document.querySelectorAll('.dashboard-chart'), c => [c, +(c.dataset.draws || 0)]));
  const drawn = () => document.querySelectorAll('.js-plotly-plot .main-svg').length >= charts
      && Array.from(document.querySelectorAll('.dashboard-chart')).every(c => +(c.dataset.draws || 0) > (before.get(c) ?? 0));
  const finish = () => {
    if (app.getAttribute('data-test-script-state') !== 'notRunning' || !drawn()) { requestAnimationFrame(finish); return; }
    requestAnimationFrame(() => setTimeout(() => { rerun.ms = performance.now() - rerun.clickAt; rerun.done = true; }));
  };
  document.addEventListener('pointerdown', () => { rerun.clickAt = performance.now(); requestAnimationFrame(finish); },
                            {capture: true, once: true});
}"""


def start_dashboard(env: dict, script: str | Path = "dashboard.py") -> tuple[subprocess.Popen, str]:
    """``streamlit run dashboard.py`` (or another ``script``: the links part's bare floor apps) headless
    on a free port, from the project's folder (its Streamlit settings), once it accepts connections."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1", "--server.port",
         str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, f"http://127.0.0.1:{port}"
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                stop_dashboard(server)
                raise RuntimeError("the dashboard did not start within 120 s")
            time.sleep(0.2)


def stop_dashboard(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def launch_chromium(playwright):
    """Debian's headless Chromium (never a downloaded one)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)


# the Sprint review's first chart is drawn (the Import page draws none)
FIRST_CHART = """() => location.pathname.endsWith('/sprint_review')
    && document.querySelector('[data-testid="stMainBlockContainer"] .js-plotly-plot .main-svg') !== null"""
# the page's main area says TEXT (textContent: cheap, unlike innerText)
SAYS = """text => (document.querySelector('[data-testid="stMainBlockContainer"]') || document.body)
    .textContent.includes(text)"""
# notes whether the page shows its check ('Checking the files …') after the click on Import
# (only the added nodes and changed texts are looked at, and the watch ends once the import is done)
WATCH_CHECK = """text => {
  window.__checkedAfterClick = false;
  window.__watch = new MutationObserver(records => {
    for (const r of records) {
      const nodes = r.type === 'characterData' ? [r.target] : Array.from(r.addedNodes);
      if (nodes.some(n => (n.textContent || '').includes(text))) { window.__checkedAfterClick = true; window.__watch.disconnect(); return; }
    }
  });
  window.__watch.observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


# times one step of the user's in the page's own clock, as ARM times the filter change: from the
# next press of the mouse button until CONDITION (a function's source, called with ARG) holds and
# that state has been painted (the frame after it); window.__spans[NAME].ms is the figure. The span
# from the click on Import to the Sprint review's first chart is two such steps, the click on Import
# and the click on the Sprint review's link: what Playwright adds around a click (finding the
# element, waiting for it to be stable, the round trips of its polling) and the time it takes to
# notice the result and click the link (a person's reaction) are left out.
SPAN = """([name, condition, arg]) => {
  const span = (window.__spans ??= {})[name] = {done: false};
  const holds = new Function('return (' + condition + ')')();
  document.addEventListener('pointerdown', () => { span.pressedAt = performance.now(); }, {capture: true, once: true});
  const watch = new MutationObserver(() => {
    if (span.pressedAt === undefined || span.seen || !holds(arg)) return;
    span.seen = true;
    watch.disconnect();
    requestAnimationFrame(() => setTimeout(() => { span.ms = performance.now() - span.pressedAt; span.done = true; }));
  });
  watch.observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true});
}"""
SPAN_DONE = "name => window.__spans[name].done"
# the page shows an exception or an error box (files refused, an import that failed)
FAILED = """() => document.querySelector('[data-testid="stException"], [data-testid="stAlertContentError"]') !== null"""
OFFERED = """label => Array.from(document.querySelectorAll('[data-testid="stButton"] button'))
    .some(button => button.textContent.trim() === label)"""


def wait_or_fail(page, expression: str, arg=None) -> None:
    """Wait until ``expression`` (a function of ``arg``) holds, or until the page shows an error:
    then raise with what the page says, instead of waiting out the timeout (a broken check or
    import would otherwise keep the run waiting for a button or a message that never comes)."""
    page.wait_for_function(f"arg => ({FAILED})() || ({expression})(arg)", arg=arg, polling=20)
    if page.evaluate(FAILED):
        main = page.locator('[data-testid="stMainBlockContainer"]')
        raise RuntimeError(f"the page shows an error: {main.inner_text()[:2000]}")


def browser_once(files: list[Path], folder: Path, charts: int) -> dict:
    """One fresh server on an empty store: upload on the Import page until the Import button is
    offered (the page checks the files on upload), then the measured span from the click on Import
    — a check the page runs then included — through the import and the navigation to the Sprint
    review until its first chart is drawn (and then all ``charts``); then one filter change (count
    items instead of estimates) until redrawn. The span is timed twice: in the page (``SPAN``: the
    two clicks' own times, summed) and from outside (Playwright's clicks and its reaction between
    them included)."""
    from playwright.sync_api import sync_playwright
    from i18n import t
    db = folder / f"browser{time.time_ns()}.duckdb"
    server, url = start_dashboard({"DASHBOARD_DB": str(db)})
    resident = ResidentSplit(server.pid)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 2400})
            page.set_default_timeout(600_000)
            page.goto(f"{url}/import?lang=en", wait_until="domcontentloaded")
            upload = page.locator("input[type='file']")
            upload.wait_for(state="attached")
            page.wait_for_function(WAIT_SCRIPT_DONE % 0)
            start = time.perf_counter()
            upload.set_input_files([str(path) for path in files])
            button = page.get_by_test_id("stButton").get_by_role("button", name=t("import_button", "en"), exact=True)
            wait_or_fail(page, OFFERED, t("import_button", "en"))
            button.wait_for(state="visible")
            page.wait_for_function(WAIT_SCRIPT_DONE % 0, polling=20)
            offered = time.perf_counter()
            page.evaluate(WATCH_CHECK, t("checking", "en"))
            page.evaluate(SPAN, ["import", SAYS, "Imported (import 1)"])
            clicked = time.perf_counter()
            button.click()
            wait_or_fail(page, SAYS, "Imported (import 1)")
            checked_after_click = page.evaluate("() => { window.__watch.disconnect(); return window.__checkedAfterClick; }")
            page.wait_for_function(SPAN_DONE, arg="import", polling=20)
            # as a user does: the navigation on top (the same session, no reload of the app)
            page.evaluate(SPAN, ["review", FIRST_CHART, None])
            page.get_by_role("link", name=t("page_review", "en")).first.click()
            page.wait_for_function(FIRST_CHART, polling=20)
            first = time.perf_counter()
            page.wait_for_function(SPAN_DONE, arg="review", polling=20)
            spans = page.evaluate("() => ({import: window.__spans.import.ms / 1000, review: window.__spans.review.ms / 1000})")
            page.wait_for_function(WAIT_SCRIPT_DONE % charts, polling=20)
            drawn = time.perf_counter()
            page.evaluate(ARM, charts)
            toggled = time.perf_counter()
            page.get_by_text("Count items instead of estimates").click()
            page.wait_for_function("() => window.__rerun.done", polling=20)
            redrawn = time.perf_counter()
            changed = page.evaluate("() => window.__rerun.ms") / 1000
            time.sleep(REST_S)  # the store loaded, the user reading the Sprint review
            rest = _vm_hwm_mb(server.pid, "VmRSS")
            if os.environ.get("BENCHMARK_SCREENSHOTS"):  # to look at what was measured
                page.screenshot(path=str(Path(os.environ["BENCHMARK_SCREENSHOTS"]) / f"review{time.time_ns()}.png"))
            browser.close()
        return {"click": spans["import"] + spans["review"], "import": spans["import"], "review": spans["review"],
                "click_outside": first - clicked, "charts": drawn - clicked, "offered": offered - start, "filter": changed,
                "filter_outside": redrawn - toggled,
                "server_mb": _vm_hwm_mb(server.pid), "server_own_mb": resident.own_mb, "server_rest_mb": rest,
                "checked_after_click": bool(checked_after_click)}
    finally:
        resident.stop()
        stop_dashboard(server)


# the floor of a filter change: one toggle and three charts drawn by the dashboard's chart element
# (a sprint axis of 30 bars and a line each, as tall as the pages' charts), nothing computed; the
# figures change with the toggle as the Sprint review's do
FILTER_FLOOR_APP = """import sys

sys.path.insert(0, {root!r})  # the dashboard's ui module, for its chart element

import plotly.graph_objects as go
import streamlit as st

import ui

factor = 1 if st.toggle({label!r}) else 3
for number in range(3):
    sprints = [f"Sprint {{n}}" for n in range(30)]
    figure = go.Figure([go.Bar(x=sprints, y=[(n % 7 + number) * factor for n in range(30)], name="completed"),
                        go.Scatter(x=sprints, y=[(n % 5 + number) * factor for n in range(30)], name="average")])
    figure.update_layout(height=488, title="Velocity", barmode="group")
    ui.chart(figure, f"chart{{number}}")
"""
FILTER_FLOOR = "a bare app: one toggle, three charts drawn alike"


def filter_floor_once(folder: Path) -> float:
    """The floor of a filter change (``FILTER_FLOOR_APP``): seconds from the press on its toggle until
    the rerun has finished and the three charts are drawn again, timed in the page as the Sprint
    review's change is (``ARM``), on a fresh server of its own. The app sits in a folder of its own
    beside a link to the project's static files (plotly.js's basic bundle, served from the folder of
    the app's script)."""
    from playwright.sync_api import sync_playwright
    from i18n import t
    label = t("count_items", "en")
    app = folder / "filter_floor"
    app.mkdir(parents=True, exist_ok=True)
    if not (app / "static").exists():
        (app / "static").symlink_to(ROOT / "static", target_is_directory=True)
    (app / "floor_filter.py").write_text(FILTER_FLOOR_APP.format(root=str(ROOT), label=label), encoding="utf-8")
    server, url = start_dashboard({}, app / "floor_filter.py")
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 2400})
            page.set_default_timeout(120_000)
            page.goto(url, wait_until="domcontentloaded")
            wait_or_fail(page, WAIT_SCRIPT_DONE % 3)
            # each chart's first drawing finished (counted on its element), the toggle there to press
            page.wait_for_function("""() => Array.from(document.querySelectorAll('.dashboard-chart'))
                .filter(c => +(c.dataset.draws || 0) >= 1).length >= 3""", polling=20)
            toggle = page.get_by_text(label)
            toggle.wait_for(state="visible")
            page.evaluate(ARM, 3)
            toggle.click()
            page.wait_for_function("() => window.__rerun.done", polling=20)
            changed = page.evaluate("() => window.__rerun.ms") / 1000
            browser.close()
        return changed
    finally:
        stop_dashboard(server)


def part_browser(data: DataSet, folder: Path, runs: int) -> list[Row]:
    files, calendar = write_files(data, folder / "files")
    size = "100k" if len(data.items) >= 100_000 else f"{len(data.items):,}"
    limited = size == "100k"  # the targets are for the 100k-row export
    total = Row("browser", f"{size}-row upload: click on Import → Sprint review's first chart drawn, timed in the page",
                target=f"≤ {TARGET_UPLOAD_S:g} s" if limited else "",
                check=within(TARGET_UPLOAD_S, lambda r: r.median, "s") if limited else None)
    parts = {key: Row("browser", f"… of which {label}") for key, label in
             (("import", "click on Import → imported"),
              ("review", "click on the Sprint review's link → its first chart drawn"))}
    click_outside = Row("browser", "… the same span timed from outside the page (Playwright's clicks and polling, and its "
                                   "reaction between the two clicks, included)")
    charts = Row("browser", "click on Import → all three Sprint review charts drawn (timed from outside)")
    offered = Row("browser", f"before the click: upload of {len(data.items):,} rows + calendar → checked, "
                             "Import offered")
    flt = Row("browser", "one filter change (count items) → charts redrawn", baseline=FILTER_FLOOR,
              target=f"≤ {TARGET_FILTER_S:g} s" if limited else "",
              check=within(TARGET_FILTER_S, lambda r: r.median, "s") if limited else None)
    outside = Row("browser", "… the same change timed from outside the page (Playwright's click and polling included)")
    memory = Row("browser", f"server peak memory ({size} rows loaded)", unit="MB",
                 target=f"≤ {TARGET_SERVER_MB_100K:,.0f} MB" if limited else "",
                 check=within(TARGET_SERVER_MB_100K, lambda r: r.median, "MB") if limited else None)
    own = Row("browser", "… of which its own (anonymous) memory at its largest; the rest is the libraries' code "
                         "and data mapped from their files, shared with other processes", unit="MB")
    rest = Row("browser", f"server memory afterwards, at rest on the Sprint review with that store loaded "
                          f"({REST_S:g} s after the filter change)", unit="MB")
    rows = [total, *parts.values(), click_outside, charts, offered, flt, outside, memory, own, rest]
    figures_of = {"click": total, **parts, "click_outside": click_outside, "charts": charts, "offered": offered, "filter": flt,
                  "filter_outside": outside, "server_mb": memory, "server_own_mb": own, "server_rest_mb": rest}
    for number in range(runs):
        try:
            figures = browser_once([*files, *calendar], folder, charts=3)
        except Exception as problem:  # noqa: BLE001 - named in the table, the other parts still count
            for row in rows:
                row.errors.append(f"{type(problem).__name__}: {str(problem).splitlines()[0][:150]}")
            say(f"  run {number + 1}/{runs} browser: ERROR {problem}")
            continue
        for key, row in figures_of.items():
            row.ours.append(figures[key])
        try:
            flt.base.append(filter_floor_once(folder))
            say(f"  run {number + 1}/{runs} filter change's floor: {flt.base[-1]:.2f} s")
        except Exception as problem:  # noqa: BLE001 - the row keeps its figure; the floor is said missing
            say(f"  run {number + 1}/{runs} filter change's floor: ERROR {problem}")
        # where the check falls: at the upload (before the span) or after the click (in it)
        total.measure = total.measure.split(" (")[0] + (
            " (the check included: the page runs it after the click)" if figures["checked_after_click"]
            else " (the page checked on upload, before the click)")
        say(f"  run {number + 1}/{runs} browser: " + ", ".join(
            f"{k} {v:.2f}" if not isinstance(v, bool) else f"{k} {v}" for k, v in figures.items()))
    return rows


# a fresh browser session's page has settled: the page's title is there, no script runs, no status
# widget shows, no element is still a skeleton (a new session loads the code of charts and grids
# lazily, seconds after the script has finished), every data grid has drawn its column headers and
# every chart its plot (both appear empty first and fill in later), and the page's elements have not
# changed for QUIET ms; then window.__settledAt is when that state was first seen (ms since the
# link was opened)
SETTLED = """quiet => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const app = document.querySelector('[data-testid="stApp"]');
  const now = performance.now();
  const shown = e => e.offsetParent !== null;  // not in a hidden tab or a phone-only container
  const drawn = main && app && main.querySelector('h1') !== null
      && app.getAttribute('data-test-script-state') === 'notRunning'
      && !document.querySelector('[data-testid="stStatusWidget"]')
      && !main.querySelector('[data-testid="stSkeleton"]')
      && Array.from(main.querySelectorAll('[data-testid="stDataFrame"]')).filter(shown)
              .every(f => f.querySelector('[role=columnheader]'))
      && Array.from(main.querySelectorAll('.dashboard-chart')).filter(shown)
              .every(c => c.querySelector('.main-svg'));
  if (!drawn) { window.__count = -1; return false; }
  const count = main.querySelectorAll('*').length;
  if (window.__count !== count) { window.__count = count; window.__settledAt = now; return false; }
  return now - window.__settledAt > quiet;
}"""


def page_path(page: str) -> str:
    return f"/{'' if page == 'home' else page}?lang=en"


def open_link(browser, url: str, page_name: str, context=None) -> float:
    """A new browser session opens the page's link: in a fresh context (a first visit: nothing
    cached), or in a new tab of ``context`` (a browser that has been here before: the app's code
    from its cache; still a new Streamlit session). Seconds from the start of its navigation until
    the page had settled (the quiet time that confirms it not counted)."""
    fresh = context is None
    context = browser.new_context(viewport={"width": 1440, "height": 1400}) if fresh else context
    page = context.new_page()
    try:
        page.set_default_timeout(600_000)
        page.goto(url + (page_path(page_name) if page_name else "/"), wait_until="commit")
        page.wait_for_function(SETTLED, arg=LINK_QUIET_S * 1000, polling=25)
        return page.evaluate("() => window.__settledAt") / 1000  # performance.now(): since navigation start
    finally:
        page.close()
        if fresh:
            context.close()


# the floor of a link: Streamlit's own page load, session and first run, with nothing of ours; the
# second draws one small plotly chart (a new session loads plotly's code lazily, for the first chart)
FLOOR_APPS = {"floor.py": 'import streamlit as st\n\nst.title("Floor")\n',
              "floor_chart.py": 'import plotly.graph_objects as go\nimport streamlit as st\n\nst.title("Floor")\n'
                                'st.plotly_chart(go.Figure(go.Bar(x=[1, 2, 3], y=[1, 3, 2])))\n'}
FLOOR = "a bare st.title app"


def part_links(size: str, folder: Path, runs: int) -> list[Row]:
    """Every page's link opened in a new browser session on a warm server whose store holds ``size``
    (plus the OKR files): each page visited once after the server's start (its one-time costs), then
    per run every page in a fresh context until settled, and in a new tab of a context that has
    visited every page before (the app's code cached). The baseline of each row is the floor, a bare
    ``st.title`` app opened the same way on a server of its own, in the same run; a bare app with one
    plotly chart shows what a new session's first chart adds to that floor."""
    data = template_files(*SIZES[size])
    say(f"links {size}: {data.name}")
    part, limit = f"links {size}", TARGET_LINK_S.get(size)
    store = loaded_store(data, folder / size, size_env(data))
    rows = {page: Row(part, f"link {page_path(page)} in a new browser session → page settled", baseline=FLOOR,
                      target=f"≤ {limit:g} s" if limit else "",
                      check=within(limit, lambda r: r.median, "s") if limit else None) for page in PAGES}
    cached = {page: Row(part, f"link {page_path(page)} in a new session of a browser that has been here "
                              "(code cached) → page settled", baseline=f"{FLOOR}, code cached") for page in PAGES}
    chart_floor = {kind: Row(part, f"floor: a bare app with one plotly chart, {kind} → settled",
                             baseline=FLOOR + ("" if kind == "new browser session" else ", code cached"))
                   for kind in ("new browser session", "code cached")}
    memory = Row(part, f"server peak memory ({data.name} loaded, every page opened)", unit="MB")
    for name, text in FLOOR_APPS.items():
        (folder / name).write_text(text, encoding="utf-8")
    from playwright.sync_api import sync_playwright
    servers = []
    try:
        for env, script in (({"DASHBOARD_DB": str(store)}, "dashboard.py"), ({}, folder / "floor.py"),
                            ({}, folder / "floor_chart.py")):
            servers.append(start_dashboard(env, script))
        (server, url), (_, floor_url), (_, chart_url) = servers
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                been_here = browser.new_context(viewport={"width": 1440, "height": 1400})
                floor_here = browser.new_context(viewport={"width": 1440, "height": 1400})
                for page in PAGES:  # the first visits after the start pay its one-time costs: not measured
                    say(f"  warm-up {page_path(page)}: {open_link(browser, url, page, been_here):.2f} s")
                for address in (floor_url, chart_url):
                    open_link(browser, address, "", floor_here)

                def timed(row: Row, figures: list[float], action: Callable[[], float]) -> str:
                    try:
                        figures.append(action())
                        return f"{figures[-1]:.2f} s"
                    except Exception as problem:  # noqa: BLE001 - named in the table
                        row.errors.append(said := f"{type(problem).__name__}: {str(problem).splitlines()[0][:150]}")
                        return said
                for number in range(runs):
                    floors: dict[str, list[float]] = {"fresh": [], "cached": []}
                    said = [timed(rows["home"], floors["fresh"], lambda: open_link(browser, floor_url, "")),
                            timed(cached["home"], floors["cached"], lambda: open_link(browser, floor_url, "", floor_here))]
                    say(f"  run {number + 1}/{runs} {part} · floor: {said[0]}, code cached {said[1]}")
                    for page in PAGES:
                        fresh = timed(rows[page], rows[page].ours, lambda: open_link(browser, url, page))
                        again = timed(cached[page], cached[page].ours, lambda: open_link(browser, url, page, been_here))
                        say(f"  run {number + 1}/{runs} {part} · {page_path(page)}: {fresh}, code cached {again}")
                    for kind, context in (("new browser session", None), ("code cached", floor_here)):
                        timed(chart_floor[kind], chart_floor[kind].ours, lambda: open_link(browser, chart_url, "", context))
                    for group, key in ((rows, "fresh"), (cached, "cached")):
                        for row in group.values():
                            row.base += floors[key]
                    chart_floor["new browser session"].base += floors["fresh"]
                    chart_floor["code cached"].base += floors["cached"]
            finally:
                browser.close()
        memory.ours.append(_vm_hwm_mb(server.pid))
    finally:
        for running, _ in servers:
            stop_dashboard(running)
    timed_rows = [(page, row) for page, row in rows.items() if row.ours]
    if timed_rows:
        page, worst = max(timed_rows, key=lambda item: item[1].median)
        single = max(value for _, row in timed_rows for value in row.ours)
        slowest = Row(part, f"slowest page: {page_path(page)} (slowest single visit {single:.2f} s)", [worst.median],
                      list(worst.base), baseline=FLOOR, target=worst.target, check=worst.check)
    else:
        slowest = Row(part, "slowest page", errors=["no page was measured"])
    return [*rows.values(), slowest, memory, *cached.values(), *chart_floor.values()]


# ----------------------------------------------------------------------------------------------


def machine() -> str:
    import duckdb
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{platform.machine()}, {os.cpu_count()} cores, load average {load} at the start; Python "
            f"{platform.python_version()}, DuckDB {duckdb.__version__}, pandas {pd.__version__}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=None, help="runs per figure, medians reported (default 5; 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="tiny data, one run: a smoke test of the script")
    parser.add_argument("--only", default=",".join(PARTS), help=f"parts to run, comma-separated: {', '.join(PARTS)}")
    parser.add_argument("--sizes", default=None, help=f"sizes for the 'sizes' part, of {', '.join(SIZES)} "
                                                      "(default M,L; XS with --quick)")
    parser.add_argument("--lake-size", default=None, help=f"size for the 'lake' part, of {', '.join(SIZES)} "
                                                          "(default L; XS with --quick)")
    parser.add_argument("--link-size", default=None, help=f"size of the store for the 'links' part, of "
                                                          f"{', '.join(SIZES)} (default M; XS with --quick)")
    parser.add_argument("--out", default=None, help="markdown file for the table (default docs/benchmark.md; "
                                                    "none with --quick)")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, *rest = args.worker
        try:
            report = WORKERS[kind](*rest)
        except Exception as problem:  # noqa: BLE001 - reported to the parent, which names it in the table
            print(json.dumps({"error": f"{type(problem).__name__}: {problem}"[:300]}))
            return 1
        print(json.dumps({**report, "peak_mb": _vm_hwm_mb("self")}))
        return 0

    only = [part.strip() for part in args.only.split(",") if part.strip()]
    unknown = [part for part in only if part not in PARTS]
    sizes = [s.strip() for s in (args.sizes or ("XS" if args.quick else "M,L")).split(",") if s.strip()]
    lake_size = args.lake_size or ("XS" if args.quick else "L")
    link_size = args.link_size or ("XS" if args.quick else "M")
    named = [*sizes, lake_size, link_size]
    if unknown or any(s not in SIZES for s in named):
        parser.error(f"unknown part or size: {', '.join(unknown + [s for s in named if s not in SIZES])}")
    runs = args.runs or (1 if args.quick else 5)
    out = Path(args.out) if args.out else (None if args.quick else ROOT / "docs" / "benchmark.md")

    started = datetime.now(timezone.utc)
    header = [f"Benchmark of {started:%Y-%m-%d %H:%M} UTC, {runs} run(s) per figure, medians; "
              f"{'quick (tiny data)' if args.quick else 'full'}", machine()]
    for line in header:
        say(line)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="benchmark") as temp:
        folder = Path(temp)
        if {"import", "team", "teams", "browser"} & set(only):
            jira = jira_export(*(JIRA_QUICK if args.quick else JIRA_SIZE))
            say(f"data: {jira.name}")
            if {"import", "team", "teams"} & set(only):
                imported, store = part_import(jira, folder, runs)
                if "import" in only:
                    rows += imported
                base = baseline_db(jira, folder / "baseline.duckdb")
                if "team" in only:
                    rows += part_team(jira, store, base, runs)
                if "teams" in only:
                    rows += part_teams(jira, store, base, runs)
            if "browser" in only:
                rows += part_browser(jira, folder / "browser", runs)
        if "sizes" in only:
            rows += part_sizes(sizes, folder / "sizes", runs)
        if "links" in only:
            rows += part_links(link_size, folder / "links", runs)
        if "report" in only:
            rows += part_report(folder / "report", runs)
        if "lake" in only:
            rows += part_lake(lake_size, folder / "lake", runs)
    table = markdown(rows)
    print("\n".join(header) + "\n\n" + table)
    if out:
        out.write_text(DOC.format(header="\n".join(f"{line}  " for line in header), table=table), encoding="utf-8")
        say(f"written to {out}")
    return 1 if any(row.errors for row in rows) else 0


DOC = """# Benchmark

Written by `make benchmark` (`scripts/benchmark.py`); its docstring says what each part measures.
Every figure is the median of the runs; each baseline ran in the same run, next to its measurement
(baseline, ours, baseline, ours …). Ratios hold on any machine; the seconds of the targets are for a
2-core machine. Peak RSS is the measuring child process's own (the command-line import; the worker
that runs a page through AppTest), or the Streamlit server's for the browser part.

{header}

{table}

- *read_csv*: a process that only reads the same files with DuckDB's `read_csv` (all columns as
  text) into a fresh database file — the floor of any import.
- *SQL*: one hand-written DuckDB aggregate (committed, added, removed, completed, completed late,
  items per sprint) on its own copy of the same rows, the file opened per question as the store
  opens it (attached to the process's in-memory DuckDB); it is the floor of a page's data, not a
  second implementation of the metric definitions.
- *cold*: the first computation in a fresh process with what a server process does once done
  before the clock starts — its modules imported, Streamlit's components scanned and, for the pages,
  the store opened (a page's first run with every cache empty; the DuckLake part reports the
  opening as a row of its own); *warm*: the same again in that process — for the computations, a
  repeat without any cache; for the pages (AppTest), a rerun of the session, whose caches answer.
- Sizes M, L (and XL when asked for): the measured import is the sprint_items and sprints files;
  an okrs and a check-ins file (four quarters of this year, two objectives of two key results per
  team, a check-in every two weeks) are imported afterwards, unmeasured, so that the OKR parts of
  the pages have work. L's and XL's items files exceed the default limits of one file; the
  benchmark raises `DASHBOARD_MAX_ROWS` and `DASHBOARD_MAX_UPLOAD_MB` for their imports. XL
  (200 teams × 50 sprints × 100 items, 1,000,000 items) has no targets; each size's last row names
  its slowest page (cold, and the slowest warm one).
- Browser: a fresh server on an empty store per run; the Jira export and its calendar uploaded
  together on the Import page until the Import button is offered (the page checks the files on
  upload: that row is apart, before the click). The measured span starts at the click on Import and
  ends when the Sprint review, opened through the navigation once the import is done, has drawn its
  first chart; a check the page runs after the click falls inside it (the row says where the check
  fell). It is timed in the page, as the user's two clicks: from the press of the mouse button on
  Import until the result is painted, and from the press on the Sprint review's link until its first
  chart is painted, summed; Playwright's own work around a click (finding the element, waiting for
  it to be stable, the round trips of its polling) and the time between the two clicks (in which
  Playwright notices the result, as a person reads it) are left out. The same span from outside, with
  all of that, is a row of its own. The filter change is "Count items instead of estimates", until
  the rerun has finished and the charts are drawn again, timed in the page alike; its baseline is
  the floor of a change, in the same run: a bare app of one toggle and three charts drawn by the
  dashboard's own chart element (`ui.chart`), nothing computed, on a server of its own, its toggle
  changed once alike — Streamlit's rerun and three charts drawn again. The server's peak
  is its VmHWM; the row under it is the anonymous part of its resident memory at the largest
  resident size sampled (every 5 ms): what the process itself holds, without the pages of the
  libraries' code and data mapped from their files (pandas, Arrow, DuckDB, Streamlit: about 110 MB
  here, shared with every other process that maps them and dropped by the kernel when memory is short).
- Links: one warm server (every page visited once after its start, unmeasured) on a store of size M
  plus the OKR files; per run, each page's address with `?lang=en` opened in a new browser session
  (a fresh context: no cache, no cookies), from the start of its navigation until the page has
  settled: its title shown, no script running, no status widget, no skeleton left, every grid with
  its headers and every chart drawn, unchanged for a second (that second not counted).
  Each is measured again in a new tab of a browser context that has opened every page before
  (a colleague's link opened in one's usual browser: the app's code from the cache, still a new
  Streamlit session). The baseline of every link is the floor, in the same run: a bare app of one
  `st.title` on a Streamlit server of its own, opened alike — Streamlit's own page load, session
  and first run, below which no page of ours can go; a bare app with one small chart of Streamlit's
  own element (`st.plotly_chart`, the full plotly.js, loaded when the first chart arrives) shows what
  a new session's first chart costs there (the pages draw theirs with plotly.js's basic bundle).
- DuckLake (issue 20): PostgreSQL runs on the same machine from a folder of the run; every import
  goes into a fresh catalog database. The pages run on DuckLake and on the embedded file with the
  same data (plus the OKR files); the ratio is DuckLake's over the file's. Opening the store, once
  per server process (DuckLake loads two extensions and attaches the catalog, about 0.25 s), is
  timed apart from the cold runs, in a row of its own. The concurrent imports
  are four organisations' copies of the items file, each its own command-line process, started at
  once; DuckLake's commits conflict and are retried, the file's wait for its lock.
"""


if __name__ == "__main__":
    sys.exit(main())
