"""Loading the demo organisation through the same transactional path as any import."""
from __future__ import annotations

from datetime import date

import pandas as pd

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
    # the revisions come after the first versions: one import that keeps both (see analytics.demo.revisions)
    revised = [(f"{table}_revised", table, data) for table, data in revisions(frames)]
    return write_tables(store, [*((t, t, d) for t, d in frames.items()), *revised], source="demo", progress=progress)


def write_tables(store: Store, tables: list[tuple[str, str, pd.DataFrame]], *, source: str,
                 progress: Progress | None = None) -> ImportResult:
    """Rows already shaped like the store's tables ((name, table, frame), every column present) as
    one import, a file each: the demo, and generated organisations of any size for tests and timing."""
    parsed, hashes = [], []
    for name, table, data in tables:
        parsed.append(ParsedFile(f"{source}/{name}.csv", _KIND[table], source, len(data),
                                 [Frame(table, data, set(TABLES[table].names))], [], []))
        hashes.append(content_hash(data.to_csv(index=False).encode()))
    return store.write(parsed, hashes, source=source, progress=progress)
