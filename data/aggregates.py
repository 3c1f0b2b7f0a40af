"""Item rows summed up in DuckDB: the store answers per team and sprint, pandas never sees the items.

An organisation's sprint table needs a few numbers per sprint (analytics.sprint_metrics.ITEM_TOTALS),
not its million item rows: DuckDB classifies every item as ``classify_items`` does and sums the
weights per team and sprint in one query. The sprints' order (which sprint is a team's next one,
for ``carried_over``) is decided in pandas by ``sprint_order`` and handed to the query as a frame,
so there is one ordering rule. Pages that list items load those of one sprint (``sprint_items``).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.frames import column_list
from analytics.sprint_metrics import ITEM_TOTALS, WEIGHT_STEPS
from data.schema import TABLES
from data.store import Store

_CURRENT_ITEMS = "SELECT * FROM sprint_items WHERE superseded_by IS NULL AND (? OR list_contains(?, team))"

# One row per team and sprint with item rows. ``sprint_dates`` (registered: team, sprint,
# start_date, end_date, sprint_id, next_id) gives each item its sprint's dates, a number for its
# sprint and that of the team's next sprint. The flags are those of
# analytics.sprint_metrics.classify_items:
#   committed: committed_at_start when given, else not added after the sprint's start;
#   finished: marked done or with a done date, and not removed; late: finished after the end;
#   done: finished and not late; carried over: not done and the same item key in the next sprint.
# Grouping and matching on the sprint's number rather than its team and name keeps the hash
# tables small. Weights are summed in whole millionths (WEIGHT_STEPS), exactly as in pandas, once
# per unit asked for (``_totals_sql``): both units come from one reading of the items.
_SUMS = ("committed", "added", "removed", "completed", "completed_committed", "completed_late")
UNITS = ("points", "items")
_WEIGHT = {"points": "CASE WHEN i.estimate IS NULL OR isnan(i.estimate) THEN 0.0 ELSE i.estimate END",
           "items": "1.0"}  # counting items: each weighs one


def _totals_sql(units: Sequence[str]) -> str:
    """The query of ``ITEM_TOTALS`` for each of ``units``, their columns suffixed ``_<unit>``."""
    weights = ",\n           ".join(f"floor({_WEIGHT[unit]} * {WEIGHT_STEPS}.0 + 0.5) AS weight_{unit}" for unit in units)
    sums = ",\n           ".join(
        f"sum(CASE WHEN {condition} THEN weight_{unit} ELSE 0 END) AS {name}_{unit}" for unit in units
        for name, condition in (("committed", "is_committed"), ("added", "NOT is_committed"), ("removed", "is_removed"),
                                ("completed", "is_done"), ("completed_committed", "is_done AND is_committed"),
                                ("completed_late", "is_late")))
    carried = ", ".join(f"sum(c.weight_{unit}) AS carried_over_{unit}" for unit in units)
    shown = ", ".join([*(f"t.{name}_{unit} / {WEIGHT_STEPS}.0 AS {name}_{unit}" for unit in units for name in _SUMS),
                       *(f"coalesce(c.carried_over_{unit}, 0.0) / {WEIGHT_STEPS}.0 AS carried_over_{unit}"
                         for unit in units)])
    return f"""
WITH flags AS (
    SELECT d.sprint_id, d.next_id, i.item_key,
           {weights},
           coalesce(i.committed_at_start, NOT coalesce(i.added_on > CAST(d.start_date AS DATE), false)) AS is_committed,
           coalesce(i.removed, false) AS is_removed,
           (coalesce(i.done, false) OR i.done_on IS NOT NULL) AND NOT coalesce(i.removed, false) AS finished,
           coalesce(i.done_on > CAST(d.end_date AS DATE), false) AS after_end,
           coalesce(i.commitment_basis = 'inferred', false) AS inferred
    FROM ({_CURRENT_ITEMS}) i JOIN sprint_dates d ON d.team = i.team AND d.sprint = i.sprint
),
classified AS (SELECT *, finished AND after_end AS is_late, finished AND NOT after_end AS is_done FROM flags),
totals AS (
    SELECT sprint_id,
           {sums},
           bool_or(inferred) AS inferred
    FROM classified GROUP BY sprint_id),
carried AS (
    SELECT c.sprint_id, {carried}
    FROM classified c SEMI JOIN classified n ON n.sprint_id = c.next_id AND n.item_key = c.item_key
    WHERE NOT c.is_done GROUP BY c.sprint_id)
SELECT d.team, d.sprint, {shown}, t.inferred
FROM totals t JOIN sprint_dates d USING (sprint_id) LEFT JOIN carried c USING (sprint_id)
"""


def _teams(store: Store, teams: Sequence[str] | None) -> list:
    """The parameters of ``_CURRENT_ITEMS``: every team, or the named ones; only those the store's
    identity may see (``Store.readable``: a signed-in user's store never reads another team's rows)."""
    teams = store.readable(teams)
    return [teams is None, list(teams or [])]


def item_sprints(store: Store, teams: Sequence[str] | None) -> pd.DataFrame:
    """Team and sprint of every sprint the teams' item rows name, in the order the items are read
    (``Store.current``: by team and sprint): the sprints without a sprints row come in this order."""
    with store.cursor() as cur:
        return cur.execute(f"SELECT DISTINCT team, sprint FROM ({_CURRENT_ITEMS}) ORDER BY team, sprint",
                           _teams(store, teams)).df()


def item_only_sprints(store: Store, teams: Sequence[str] | None) -> pd.DataFrame:
    """``item_sprints`` without the sprints that have a current sprints row: the ones
    ``sprints_in_order`` adds after the stored sprints, in the same order. The store leaves the
    others out (an ANTI JOIN), so an organisation's tens of thousands of sprints are not read twice
    to find the few, usually none, that only items name."""
    with store.cursor() as cur:
        return cur.execute(f"SELECT DISTINCT i.team, i.sprint FROM ({_CURRENT_ITEMS}) i "
                           "ANTI JOIN (SELECT team, sprint FROM sprints WHERE superseded_by IS NULL) s "
                           "ON s.team = i.team AND s.sprint = i.sprint ORDER BY i.team, i.sprint",
                           _teams(store, teams)).df()


def teams_with_sprints(store: Store, teams: Sequence[str] | None) -> list[str]:
    """The teams with a sprint or an item row, in the sprint table's order (by team), so a page can
    offer them without computing every team's sprint table."""
    with store.cursor() as cur:
        rows = cur.execute("SELECT team FROM sprints WHERE superseded_by IS NULL AND (? OR list_contains(?, team)) "
                           f"UNION SELECT team FROM ({_CURRENT_ITEMS}) ORDER BY team",
                           [*_teams(store, teams), *_teams(store, teams)]).fetchall()
    return [row[0] for row in rows]


def item_totals(store: Store, teams: Sequence[str] | None, sprint_dates: pd.DataFrame,
                unit: str = "points") -> pd.DataFrame:
    """``ITEM_TOTALS`` of the teams' current item rows, summed in DuckDB. ``sprint_dates`` is
    ``analytics.sprint_metrics.next_sprints`` of the teams' sprints in order; ``unit='items'``
    counts items instead of summing estimates. Without sprints there are no item rows either."""
    return item_totals_by_unit(store, teams, sprint_dates, (unit,))[unit]


def item_totals_by_unit(store: Store, teams: Sequence[str] | None, sprint_dates: pd.DataFrame,
                        units: Sequence[str] = UNITS) -> dict[str, pd.DataFrame]:
    """``item_totals`` of each of ``units`` from one reading of the items (unit → frame)."""
    unknown = [unit for unit in units if unit not in _WEIGHT]
    if unknown:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unknown[0]!r}")
    if sprint_dates.empty:
        return {unit: pd.DataFrame(columns=ITEM_TOTALS) for unit in units}
    # each sprint numbered by its position; the names as lists (iterating Arrow text columns goes value by value)
    team, sprint = column_list(sprint_dates["team"]), column_list(sprint_dates["sprint"])
    number = {key: position for position, key in enumerate(zip(team, sprint))}
    dates = pd.DataFrame({
        "team": np.asarray(team, dtype=object), "sprint": np.asarray(sprint, dtype=object),
        "start_date": pd.to_datetime(sprint_dates["start_date"]).to_numpy(),
        "end_date": pd.to_datetime(sprint_dates["end_date"]).to_numpy(), "sprint_id": np.arange(len(sprint_dates)),
        "next_id": pd.array([number.get(key) for key in zip(team, column_list(sprint_dates["next_sprint"]))],
                            dtype="Int64")})
    with store.cursor() as cur:
        cur.register("sprint_dates", dates)
        try:
            frame = cur.execute(_totals_sql(units), _teams(store, teams)).df()
        finally:
            cur.unregister("sprint_dates")
    fields = [*_SUMS, "carried_over"]
    return {unit: frame[["team", "sprint", *(f"{name}_{unit}" for name in fields), "inferred"]]
            .rename(columns={f"{name}_{unit}": name for name in fields})[ITEM_TOTALS] for unit in units}


_ITEM_ROWS = f"SELECT {', '.join(TABLES['sprint_items'].names)} FROM sprint_items WHERE superseded_by IS NULL"


def sprint_items(store: Store, team: str, sprints: Sequence[str]) -> pd.DataFrame:
    """The current item rows of some sprints of one team (the review lists a sprint and looks for
    its items in the next one), with the columns and order of ``Store.current``."""
    team = next(iter(store.readable([team])), None)  # None: a team the identity cannot see, no rows
    with store.cursor() as cur:
        return cur.execute(f"{_ITEM_ROWS} AND team = ? AND list_contains(?, sprint) ORDER BY team, sprint, item_key",
                           [team, list(sprints)]).df()


def linked_items(store: Store, teams: Sequence[str] | None) -> pd.DataFrame:
    """The teams' current item rows that name a key result (sprint work per key result needs no
    others), with the columns and order of ``Store.current``."""
    with store.cursor() as cur:
        return cur.execute(f"{_ITEM_ROWS} AND key_result IS NOT NULL AND (? OR list_contains(?, team)) "
                           "ORDER BY team, sprint, item_key", _teams(store, teams)).df()
