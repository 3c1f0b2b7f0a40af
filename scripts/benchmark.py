"""Speed and memory of the import and the metric engine on a fixed generated data set.

Every figure is reported with a ratio against a baseline measured in the same run on the same
machine, so the numbers compare across machines:
- import:   our import (read, validate, parse, write with history) vs. splitting the same bytes
            into cells with Python's csv module (the least any importer must do)
- metrics:  sprint_metrics over all sprints vs. a plain pandas groupby-sum over the same item rows

    python scripts/benchmark.py [--items N]
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analytics.sprint_metrics import sprint_metrics  # noqa: E402
from data.importer import Upload, import_uploads  # noqa: E402
from data.store import Store  # noqa: E402


def generate_items(rows: int, seed: int = 1) -> bytes:
    """A sprint_items file: 20 teams, sprints of 25 items, fixed by the seed."""
    rng = np.random.default_rng(seed)
    index = np.arange(rows)
    team = index % 20
    sprint = index // 500
    frame = pd.DataFrame({
        "team": [f"Team {t:02d}" for t in team], "sprint": [f"Sprint {s}" for s in sprint],
        "item_key": [f"K-{i}" for i in index], "title": "Erstgespräch Müller; \"Maschinenbau\"",
        "estimate": rng.choice([1, 2, 3, 5, 8], size=rows),
        "committed_at_start": np.where(rng.random(rows) < 0.85, "yes", "no"),
        "removed": np.where(rng.random(rows) < 0.05, "yes", "no"),
        "done": np.where(rng.random(rows) < 0.8, "yes", "no"),
    })
    return frame.to_csv(index=False).encode("utf-8")


def measure(action, setup=None) -> tuple[float, float, object]:
    """Wall time of one untraced run, then the Python heap peak of a second, traced run
    (tracing slows Python code many times over, so it never shares a run with the clock)."""
    if setup:
        setup()
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    if setup:
        setup()
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    content = generate_items(args.items)
    print(f"data: {args.items:,} item rows, {len(content) / 2**20:.1f} MiB; memory = Python heap peak (tracemalloc)")

    base_s, base_mb, _ = measure(lambda: list(csv.reader(io.StringIO(content.decode("utf-8")))))
    with tempfile.TemporaryDirectory() as folder:
        stores: list[Store] = []

        def fresh_store() -> None:
            for old in stores:
                old.close()
            stores.append(Store(Path(folder) / f"bench{len(stores)}.duckdb"))

        ours_s, ours_mb, _ = measure(lambda: import_uploads(stores[-1], [Upload("items.csv", content)]), fresh_store)
        again_s, again_mb, _ = measure(lambda: import_uploads(stores[-1], [Upload("items.csv", content)]))
        items = stores[-1].current("sprint_items")
        sprints = stores[-1].current("sprints")
        stores[-1].close()
    print(f"import:    {ours_s:6.2f} s, peak {ours_mb:6.1f} MiB  | csv split {base_s:5.2f} s, {base_mb:6.1f} MiB "
          f"| ratio {ours_s / base_s:5.1f}x time, {ours_mb / base_mb:4.1f}x memory")
    print(f"re-import: {again_s:6.2f} s, peak {again_mb:6.1f} MiB  (all rows unchanged) | ratio {again_s / base_s:5.1f}x")

    group_s, group_mb, _ = measure(lambda: items.groupby(["team", "sprint"])["estimate"].sum())
    metric_s, metric_mb, result = measure(lambda: sprint_metrics(sprints, items))
    print(f"metrics:   {metric_s:6.2f} s, peak {metric_mb:6.1f} MiB for {len(result):,} sprints | groupby-sum "
          f"{group_s:5.3f} s | ratio {metric_s / group_s:5.1f}x")


if __name__ == "__main__":
    main()
