"""Item rows summed up in DuckDB: the store answers per team and sprint, pandas never sees the items.

An organisation's sprint table needs a few numbers per sprint (analytics.sprint_metrics.ITEM_TOTALS),
not its million item rows: DuckDB classifies every item as ``classify_items`` does and sums the
weights per team and sprint in one query. The sprints' order (which sprint is a team's next one,
for ``carried_over``) is decided in pandas by ``sprint_order`` and handed to the query as a frame,
so there is one ordering rule. Pages that list items load those of one sprint (``sprint_items``).
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analytics.sprint_metrics import ITEM_TOTALS
from data.schema import TABLES
from data.store import Store

_CURRENT_ITEMS = "SELECT * FROM sprint_items WHERE superseded_by IS NULL AND (? OR list_contains(?, team))"

# One row per team and sprint with item rows. ``sprint_dates`` (registered: team, sprint,
# start_date, end_date, next_sprint) gives each item its sprint's dates and the team's next sprint.
# The flags are those of analytics.sprint_metrics.classify_items:
#   committed: committed_at_start when given, else not added after the sprint's start;
#   finished: marked done or with a done date, and not removed; late: finished after the end;
#   done: finished and not late; carried over: not done and the same item key in the next sprint.
# fsum is Kahan-compensated, as pandas' groupby sum is: the same totals as the pandas path.
_TOTALS = f"""
WITH items AS ({_CURRENT_ITEMS}),
flags AS (
    SELECT i.team, i.sprint, i.item_key, d.next_sprint,
           CASE WHEN ? THEN 1.0
                WHEN i.estimate IS NULL OR isnan(i.estimate) THEN 0.0 ELSE i.estimate END AS weight,
           coalesce(i.committed_at_start,
                    NOT coalesce(i.added_on > CAST(d.start_date AS DATE), false)) AS is_committed,
           coalesce(i.removed, false) AS is_removed,
           (coalesce(i.done, false) OR i.done_on IS NOT NULL) AND NOT coalesce(i.removed, false) AS finished,
           coalesce(i.done_on > CAST(d.end_date AS DATE), false) AS after_end,
           coalesce(i.commitment_basis = 'inferred', false) AS inferred
    FROM items i LEFT JOIN sprint_dates d ON d.team = i.team AND d.sprint = i.sprint
),
classified AS (
    SELECT *, finished AND after_end AS is_late, finished AND NOT after_end AS is_done FROM flags
),
following AS (SELECT DISTINCT team, sprint AS next_sprint, item_key FROM items)
SELECT c.team, c.sprint,
       fsum(CASE WHEN is_committed THEN weight ELSE 0 END) AS committed,
       fsum(CASE WHEN NOT is_committed THEN weight ELSE 0 END) AS added,
       fsum(CASE WHEN is_removed THEN weight ELSE 0 END) AS removed,
       fsum(CASE WHEN is_done THEN weight ELSE 0 END) AS completed,
       fsum(CASE WHEN is_done AND is_committed THEN weight ELSE 0 END) AS completed_committed,
       fsum(CASE WHEN is_late THEN weight ELSE 0 END) AS completed_late,
       fsum(CASE WHEN NOT is_done AND f.item_key IS NOT NULL THEN weight ELSE 0 END) AS carried_over,
       bool_or(inferred) AS inferred
FROM classified c
LEFT JOIN following f ON f.team = c.team AND f.next_sprint = c.next_sprint AND f.item_key = c.item_key
GROUP BY c.team, c.sprint
"""


def _teams(teams: Sequence[str] | None) -> list:
    """The parameters of ``_CURRENT_ITEMS``: every team, or the named ones."""
    return [teams is None, list(teams or [])]


def item_sprints(store: Store, teams: Sequence[str] | None) -> pd.DataFrame:
    """Team and sprint of every sprint the teams' item rows name, in the order the items are read
    (``Store.current``: by team and sprint): the sprints without a sprints row come in this order."""
    with store.cursor() as cur:
        return cur.execute(f"SELECT DISTINCT team, sprint FROM ({_CURRENT_ITEMS}) ORDER BY team, sprint",
                           _teams(teams)).df()


def item_totals(store: Store, teams: Sequence[str] | None, sprint_dates: pd.DataFrame,
                unit: str = "points") -> pd.DataFrame:
    """``ITEM_TOTALS`` of the teams' current item rows, summed in DuckDB. ``sprint_dates`` is
    ``analytics.sprint_metrics.next_sprints`` of the teams' sprints in order; ``unit='items'``
    counts items instead of summing estimates. Without sprints there are no item rows either."""
    if sprint_dates.empty:
        return pd.DataFrame(columns=ITEM_TOTALS)
    dates = sprint_dates.reindex(columns=["team", "sprint", "start_date", "end_date", "next_sprint"]).astype(
        {"team": object, "sprint": object, "next_sprint": object})
    dates["start_date"] = pd.to_datetime(dates["start_date"])
    dates["end_date"] = pd.to_datetime(dates["end_date"])
    with store.cursor() as cur:
        cur.register("sprint_dates", dates)
        try:
            frame = cur.execute(_TOTALS, [*_teams(teams), unit == "items"]).df()
        finally:
            cur.unregister("sprint_dates")
    return frame[ITEM_TOTALS]


def sprint_items(store: Store, team: str, sprints: Sequence[str]) -> pd.DataFrame:
    """The current item rows of some sprints of one team (the review lists a sprint and looks for
    its items in the next one), with the columns and order of ``Store.current``."""
    columns = ", ".join(TABLES["sprint_items"].names)
    with store.cursor() as cur:
        return cur.execute(f"SELECT {columns} FROM sprint_items WHERE superseded_by IS NULL AND team = ? "
                           "AND list_contains(?, sprint) ORDER BY team, sprint, item_key",
                           [team, list(sprints)]).df()
