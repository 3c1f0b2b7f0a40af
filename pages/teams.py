"""Teams, for leaders: predictability and OKR health side by side; velocity per team on its own scale."""
from __future__ import annotations


import pandas as pd

import ui
from analytics import charts
from analytics.okr_metrics import running
from analytics.sprint_metrics import team_summary

view = ui.page("page_teams", "teams_caption")
db, version, teams = view.db, view.version, view.teams
metrics = ui.sprint_table(db, version, teams, as_of=view.as_of)
krs, objectives = ui.okr_tables(db, version, teams, view.as_of)

summary = team_summary(metrics)[["team", "sprints", "in_band_share", "commitment_accuracy_mean", "accuracy_slope",
                                 "accuracy_trend", "velocity_cv", "stability_cv", "stability"]] if not metrics.empty else pd.DataFrame()
current = running(krs, view.as_of)
health = current.pivot_table(index="team", columns="status", values="kr_id", aggfunc="count", fill_value=0) \
    if not current.empty else pd.DataFrame()
side_by_side = summary.merge(health.reset_index(), on="team", how="outer") if not health.empty else summary
ui.table(side_by_side.sort_values("team") if not side_by_side.empty else side_by_side, "teams", "teams")
ui.chart(charts.velocity_small_multiples(metrics, ui.units(db, version), view.lang), "multiples")
