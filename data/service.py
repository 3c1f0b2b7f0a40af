"""What the pages and the command line both ask of the store, with the settings applied once:
the sprint table of some teams as of a day, and the forecast of a team's next sprint."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from analytics.forecast import next_sprint_forecast
from analytics.sprint_metrics import metrics_from_totals, next_sprints, sprints_in_order
from data import aggregates
from data.settings import setting
from data.store import Store


def regions(store: Store, teams: Sequence[str] | None = None) -> dict[str, str]:
    """Team → public-holiday region, for the teams that have one."""
    frame = store.current("teams", teams)
    return {row.team: row.region for row in frame.itertuples() if isinstance(row.region, str) and row.region}


def sprint_table(store: Store, teams: Sequence[str] | None, unit: str = "points",
                 as_of: date | None = None) -> pd.DataFrame:
    """Every METRICS.md sprint field of the teams' sprints, each with its state as of ``as_of``.

    The item rows stay in the store: DuckDB sums them per sprint (``data.aggregates``) and the
    metrics are computed from those totals, the path ``sprint_metrics`` takes from item frames."""
    order = sprints_in_order(store.current("sprints", teams), aggregates.item_sprints(store, teams))
    return metrics_from_totals(order, aggregates.item_totals(store, teams, next_sprints(order), unit), unit=unit,
                               band=(setting("DASHBOARD_BAND_LOW"), setting("DASHBOARD_BAND_HIGH")),
                               window=setting("DASHBOARD_VELOCITY_WINDOW"), as_of=as_of,
                               regions=regions(store, teams))


def forecast(metrics: pd.DataFrame, team: str, *, backlog: float | None = None, last: int | None = None,
             trials: int | None = None, seed: int | None = None) -> dict:
    """The next-sprint (and backlog) forecast of a team, with the forecast settings as defaults."""
    return next_sprint_forecast(metrics, team, backlog=backlog,
                                last=last or setting("DASHBOARD_FORECAST_SPRINTS"),
                                trials=trials or setting("DASHBOARD_FORECAST_TRIALS"),
                                seed=setting("DASHBOARD_FORECAST_SEED") if seed is None else seed)
