"""Teams, for leaders: predictability and OKR health side by side in one table of every team; the
key results' statuses and each team's velocity on its own scale as charts, a page of teams at a time."""
from __future__ import annotations

import streamlit as st

import ui
from analytics import charts
from analytics.sprint_metrics import POOLED_MIN_SPRINTS
from analytics.teams import team_pages
from data import service

view = ui.page("page_teams", "teams_caption", charts=True)
db, version, teams, language = view.db, view.version, view.teams, view.lang
metrics = ui.sprint_table(db, version, teams, as_of=view.as_of)

st.subheader(ui.tr("teams_table"))
comparison = ui.comparison(db, version, teams, view.as_of)
ui.caption(ui.tr("ans_teams_caption", n=service.trend_sprints(), need=POOLED_MIN_SPRINTS))
ui.table(comparison, "teams", "teams", fixed=True,
         compact=["team", "commitment_accuracy_pooled", "pooled_sprints", "accuracy_note", "accuracy_trend"])

# the charts show a page of teams at a time (at 500 teams the status bars of every team were one
# chart 28,000 px tall); the table above keeps every team
names = list(dict.fromkeys([*comparison["team"], *(metrics["team"] if not metrics.empty else [])]))
pages = team_pages(names)
if len(pages) > 1:
    number = st.selectbox(ui.tr("page_teams"), range(len(pages)), key="teams_page",
                          format_func=ui.labelled({i: ui.tr("teams_page", first=i * len(pages[0]) + 1,
                                                            last=i * len(pages[0]) + len(pages[i]), total=len(names))
                                                   for i in range(len(pages))}))
else:
    number = 0
ui.chart(charts.status_bars(comparison[comparison["team"].isin(pages[number])], language), "status_bars")
shown = metrics[metrics["team"].isin(pages[number])] if not metrics.empty else metrics
ui.chart(charts.velocity_small_multiples(shown, ui.units(db, version), language), "multiples")

ui.page_xlsx_download()
