"""Loading the demo organisation through the same transactional path as any import."""
from __future__ import annotations

from datetime import date

from analytics.demo import generate, revisions
from data.schema import TABLES
from data.store import ImportResult, Progress, Store, content_hash
from data.templates import Frame, ParsedFile

_KIND = {"teams": "sprints", "sprints": "sprints", "sprint_items": "sprint_items", "cycles": "okrs",
         "objectives": "okrs", "key_results": "okrs", "checkins": "checkins", "kr_plans": "kr_plans",
         "retro_actions": "retro_actions"}


def load_demo(store: Store, today: date, *, progress: Progress | None = None) -> ImportResult:
    """Write the demo data set (built for ``today``) as one import that can be undone."""
    frames = generate(today)
    parsed, hashes = [], []
    # the revisions come after the first versions: one import that keeps both (see analytics.demo.revisions)
    revised = [(f"demo/{table}_revised.csv", table, data) for table, data in revisions(frames)]
    for name, table, data in [*((f"demo/{t}.csv", t, d) for t, d in frames.items()), *revised]:
        parsed.append(ParsedFile(name, _KIND[table], "demo", len(data),
                                 [Frame(table, data, set(TABLES[table].names))], [], []))
        hashes.append(content_hash(data.to_csv(index=False).encode()))
    return store.write(parsed, hashes, source="demo", progress=progress)
