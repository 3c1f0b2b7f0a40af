"""Azure DevOps' query export (query → Export to CSV).

The sprint is the last segment of the iteration path (an item at the project root is in no
sprint), whose first segment, the project, is the team when no team is given otherwise.
``Closed``/``Done`` are done, ``Removed`` counts as removed.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from data.sources.common import Rows, Source, Table, each_distinct, is_none, within
from data.templates import normalise

ALIASES = {
    "key": ("id",),
    "title": ("title", "titel"),
    "item_type": ("work_item_type", "arbeitselementtyp"),
    "status": ("state", "zustand"),
    "created": ("created_date", "erstellungsdatum"),
    "updated": ("changed_date", "aenderungsdatum"),
    "resolved": ("closed_date", "abschlussdatum"),
    "iteration": ("iteration_path", "iterationspfad"),
    "team": ("team",),
    "labels": ("tags", "markierungen"),
}
ESTIMATES = ("story_points", "effort", "size", "aufwand", "groesse")
DONE = {"closed", "done", "geschlossen", "erledigt"}
CANCELLED = {"removed", "entfernt"}


def detect(names: set[str]) -> bool:
    return "iteration_path" in names or "iterationspfad" in names


def _path(text: str) -> tuple[str | None, str | None]:
    """An iteration path as (sprint, project): 'Shop\\Team A\\Sprint 3' → ('Sprint 3', 'Shop')."""
    path = [part for part in re.split(r"[\\/]", text) if part]
    return (path[-1] if len(path) > 1 else None), (path[0] if path else None)  # a bare root: not in a sprint


def rows(table: Table) -> Rows:
    paths = each_distinct(table.text("iteration"), _path, (None, None))
    sprint = np.array([p[0] for p in paths], dtype=object) if len(paths) else np.empty(0, dtype=object)
    project = np.array([p[1] for p in paths], dtype=object) if len(paths) else np.empty(0, dtype=object)
    named = np.flatnonzero(~is_none(sprint))
    state = each_distinct(table.text("status"), normalise, "")
    resolved = table.dates("resolved")
    return Rows(pd.DataFrame({"row": named, "sprint": sprint[named]}), resolved,
                within(state, DONE), within(state, CANCELLED), team=project)


SOURCE = Source("azure", "Azure", ALIASES, ESTIMATES, required=("key", "iteration"), detect=detect, rows=rows)
