"""A generated organisation of any size, and how long the sprint table of its store takes.

Sizes of issue 12: M = 50 teams × 52 sprints × 60 items (156,000 item rows), L = 10× M
(500 teams, 1,560,000 item rows). The data is fixed by the seed and looks like real sprints:
two-week sprints back to back (the last one running on ``today``), most items committed at the
start, some added later, some removed, some done after the end, and a share of the unfinished
ones carried into the team's next sprint under the same key.

    python scripts/organisation.py [--size M|L] [--db FILE]   # timings of service.sprint_table
    python scripts/organisation.py --db FILE --pages           # every page cold and warm (AppTest)

"before" is the sprint table as it was computed until the item rows stayed in the store: every
item row loaded into pandas and classified there (``sprint_metrics`` on ``Store.current``).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES = {"S": (5, 12, 20), "M": (50, 52, 60), "L": (500, 52, 60)}
TODAY = date(2026, 11, 25)


def generate(teams: int, sprints: int, items: int, *, seed: int = 12, today: date = TODAY) -> dict[str, pd.DataFrame]:
    """Frames shaped like the store's teams, sprints and sprint_items tables."""
    rng = np.random.default_rng(seed)
    team_names = np.array([f"Team {t:03d}" for t in range(teams)], dtype=object)
    first_start = pd.Timestamp(today) - pd.Timedelta(days=14 * (sprints - 1) + 3)  # the last sprint runs today
    sprint_no = np.tile(np.arange(sprints), teams)
    team_no = np.repeat(np.arange(teams), sprints)
    start = first_start + pd.to_timedelta(14 * sprint_no, unit="D")
    sprint_frame = pd.DataFrame({
        "team": team_names[team_no], "sprint": [f"Sprint {n + 1}" for n in sprint_no],
        "start_date": start, "end_date": start + pd.Timedelta(days=11),
        "sprint_type": "regular", "commitment_basis": "recorded", "file_order": np.arange(len(sprint_no)),
    })

    rows = teams * sprints * items
    item_sprint = np.repeat(np.arange(teams * sprints), items)          # index into sprint_frame
    position = np.tile(np.arange(items), teams * sprints)
    starts = sprint_frame["start_date"].to_numpy()[item_sprint]
    committed = rng.random(rows) < 0.85
    removed = rng.random(rows) < 0.04
    done = (rng.random(rows) < 0.78) & ~removed
    late = done & (rng.random(rows) < 0.05)
    added_on = np.where(committed, np.datetime64("NaT"), starts + (rng.integers(1, 10, rows) * np.timedelta64(1, "D")))
    done_on = np.where(done, starts + (np.where(late, rng.integers(12, 16, rows), rng.integers(0, 12, rows))
                                       * np.timedelta64(1, "D")), np.datetime64("NaT"))
    keys = pd.Series(sprint_frame["team"].to_numpy()[item_sprint]).str.slice(5) + "-" + \
        pd.Series(item_sprint * items + position).astype(str)
    item_frame = pd.DataFrame({
        "team": sprint_frame["team"].to_numpy()[item_sprint], "sprint": sprint_frame["sprint"].to_numpy()[item_sprint],
        "item_key": keys.to_numpy(), "title": "Erstgespräch Müller Maschinenbau",
        "item_type": "Task", "estimate": rng.choice([1.0, 2.0, 3.0, 5.0, 8.0, 0.5], size=rows),
        "committed_at_start": committed, "added_on": pd.to_datetime(added_on), "removed": removed,
        "done": done & ~late, "done_on": pd.to_datetime(done_on), "key_result": None, "commitment_basis": "recorded",
    })
    # a fifth of the unfinished items of a sprint come back in the team's next sprint under the same key
    last = (item_sprint % sprints) == sprints - 1
    carried = (~done & ~removed & ~last & (rng.random(rows) < 0.2)).nonzero()[0]
    again = item_frame.iloc[carried].copy()
    again["sprint"] = sprint_frame["sprint"].to_numpy()[item_sprint[carried] + 1]
    again = again.assign(committed_at_start=True, added_on=pd.NaT, removed=False, done=True, done_on=pd.NaT)
    item_frame = pd.concat([item_frame, again], ignore_index=True)
    team_frame = pd.DataFrame({"team": team_names, "unit": "points", "region": None})
    return {"teams": team_frame, "sprints": sprint_frame, "sprint_items": item_frame}


def build_store(path: Path, size: str) -> None:
    """Write the generated organisation of a size into a new store file, as one import."""
    from data.demo import write_tables
    from data.schema import TABLES
    from data.store import Store
    frames = generate(*SIZES[size])
    shaped = [(name, name, frame.reindex(columns=TABLES[name].names)) for name, frame in frames.items()]
    write_tables(Store(path), shaped, source="generated")


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it is not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path: str, way: str, teams: str, unit: str) -> dict:
    """One cold sprint table in this (fresh) process: seconds and the process's peak RSS."""
    from analytics.sprint_metrics import sprint_metrics
    from data import service
    from data.settings import setting
    from data.store import Store
    store = Store(path)
    chosen = None if teams == "all" else store.teams()[:1]
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    if way == "after":
        table = service.sprint_table(store, chosen, unit, TODAY)
    else:  # the sprint table before: every item row of the teams into pandas
        table = sprint_metrics(store.current("sprints", chosen), store.current("sprint_items", chosen), unit=unit,
                               band=(setting("DASHBOARD_BAND_LOW"), setting("DASHBOARD_BAND_HIGH")),
                               window=setting("DASHBOARD_VELOCITY_WINDOW"), as_of=TODAY,
                               regions=service.regions(store, chosen))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "sprints": len(table), "rss_mb_before": rss_before,
            "rss_mb_peak": peak_rss_mb()}


PAGES = ["pages/home.py", "pages/sprint_review.py", "pages/retrospective.py", "pages/okrs.py", "pages/teams.py"]


def page_times(path: str) -> None:
    """Every page in Streamlit's AppTest on the store: cold (data caches cleared, as after an import)
    and warm (a rerun). Every page is visited once first, so that a server's one-time costs (imports,
    plotly's first figure) are not counted against the page that happens to come first."""
    import os
    import streamlit as st
    from streamlit.testing.v1 import AppTest
    os.environ["DASHBOARD_DB"] = path
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300).run()  # imports, preamble
    for page in PAGES[1:]:
        at.switch_page(page).run()
    at.switch_page(PAGES[0]).run()
    for page in PAGES:
        if page != "pages/home.py":
            at.switch_page(page).run()
        st.cache_data.clear()
        started = time.perf_counter()
        at.run()
        cold = time.perf_counter() - started
        started = time.perf_counter()
        at.run()
        warm = time.perf_counter() - started
        problem = at.exception[0].value if at.exception else ""
        print(f"{page:26s} cold {cold:5.2f} s, warm {warm:5.2f} s {problem}")
    print(f"peak RSS of this process {peak_rss_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--db", help="an existing generated store (else one is built in a temporary folder)")
    parser.add_argument("--pages", action="store_true", help="time every page (AppTest) instead")
    parser.add_argument("--measure", nargs=3, metavar=("WAY", "TEAMS", "UNIT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.db, *args.measure)))
        return
    if args.pages:
        page_times(args.db)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.db) if args.db else Path(folder) / f"org_{args.size}.duckdb"
        if not path.exists():
            started = time.perf_counter()
            build_store(path, args.size)
            print(f"built {args.size} store in {time.perf_counter() - started:.1f} s")
        print(f"size {args.size}: {SIZES[args.size]} (teams, sprints, items per sprint)")
        for teams in ("one", "all"):
            for way in ("before", "after"):
                runs = [json.loads(subprocess.run(
                    [sys.executable, __file__, "--db", str(path), "--measure", way, teams, "points"],
                    check=True, capture_output=True, text=True).stdout) for _ in range(3)]
                best = sorted(runs, key=lambda r: r["seconds"])[1]  # the median of three fresh processes
                print(f"{teams:>3} team(s) {way:>6}: {best['seconds']:6.2f} s, {best['sprints']:6,} sprints, "
                      f"peak RSS {best['rss_mb_peak']:6.0f} MB (process {best['rss_mb_before']:.0f} MB before)")


if __name__ == "__main__":
    main()
