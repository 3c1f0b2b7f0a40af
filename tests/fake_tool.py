"""A made-up tool export ("Storyboard") for tests/test_sources.py: what a new tool's module holds,
and nothing more. Its export names the sprint in ``Iteration``, says done in ``State`` and dates
the iteration in ``Iteration Start`` / ``Iteration End``."""
from __future__ import annotations

import numpy as np
import pandas as pd

from data.sources import Rows, Source, Table
from data.sources.common import each_distinct, is_none, within
from data.templates import normalise

ALIASES = {
    "key": ("story_id",),
    "title": ("name",),
    "status": ("state",),
    "team": ("team",),
    "iteration": ("iteration",),
    "cycle_start": ("iteration_start",),
    "cycle_end": ("iteration_end",),
    "created": ("created_at",),
    "resolved": ("completed_at",),
}


def detect(names: set[str]) -> bool:
    return {"story_id", "iteration"} <= names


def rows(table: Table) -> Rows:
    iteration = table.text("iteration")
    start, end = table.dates("cycle_start"), table.dates("cycle_end")
    resolved = table.dates("resolved")
    state = each_distinct(table.text("status"), normalise, "")
    named = np.flatnonzero(~is_none(iteration))
    calendar = pd.DataFrame({"row": named, "sprint": iteration[named], "start": start[named], "end": end[named]})
    return Rows(pd.DataFrame({"row": named, "sprint": iteration[named]}), resolved,
                within(state, {"done"}), within(state, {"abandoned"}), calendar)


def dates(details: pd.DataFrame) -> tuple:
    return details["start"], details["end"], [None] * len(details)


SOURCE = Source("storyboard", "Storyboard", ALIASES, ("points",), required=("key", "iteration"), detect=detect,
                rows=rows, dates=dates)
