"""Linear's issue export (Settings → Export → CSV).

The cycle (by name, else ``Cycle <number>``) is the sprint, and its start and end give the
calendar; an issue is delivered when it was completed within its cycle, cancelled when it has a
cancel date. Linear guards formula-like text with a leading apostrophe, which is removed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from data.sources.common import Rows, Source, Table, is_none

ALIASES = {
    "key": ("id",),
    "title": ("title",),
    "status": ("status",),
    "team": ("team",),
    "cycle_number": ("cycle_number",),
    "cycle_name": ("cycle_name",),
    "cycle_start": ("cycle_start",),
    "cycle_end": ("cycle_end",),
    "created": ("created",),
    "updated": ("updated",),
    "resolved": ("completed",),
    "canceled": ("canceled", "cancelled"),
    "labels": ("labels",),
    "item_type": ("issue_type",),
}
ESTIMATES = ("estimate",)


def detect(names: set[str]) -> bool:
    return bool({"cycle_number", "cycle_name"} & names and "id" in names)


def rows(table: Table) -> Rows:
    name, number = table.text("cycle_name"), table.text("cycle_number")
    cycle = name.copy()
    numbered = is_none(name) & ~is_none(number)
    cycle[numbered] = ("Cycle " + pd.Series(number[numbered], dtype=object)).to_numpy(dtype=object)
    start, end = table.dates("cycle_start"), table.dates("cycle_end")
    resolved = table.dates("resolved")
    canceled = table.dates("canceled")
    in_cycle = np.flatnonzero(~is_none(cycle))
    # velocity counts work completed within the cycle's window
    completed = ~is_none(resolved)
    both = np.flatnonzero(completed & ~is_none(end))
    within_window = np.ones(table.size, dtype=bool)
    within_window[both] = (resolved[both].astype("datetime64[D]") <= end[both].astype("datetime64[D]"))
    calendar = pd.DataFrame({"row": in_cycle, "sprint": cycle[in_cycle], "start": start[in_cycle], "end": end[in_cycle]})
    return Rows(pd.DataFrame({"row": in_cycle, "sprint": cycle[in_cycle]}), resolved,
                completed & within_window, ~is_none(canceled), calendar)


def dates(details: pd.DataFrame) -> tuple:
    return details["start"], details["end"], [None] * len(details)


SOURCE = Source("linear", "Linear", ALIASES, ESTIMATES, required=("key",), detect=detect, rows=rows, dates=dates,
                one_of=(("cycle_number", "cycle_name"),), period=("cycle", "cycle_end"), strips_apostrophe=True)
