"""Retrospective: predictability, scope change and carry-over, stability, sprint types, retro actions."""
from __future__ import annotations

import streamlit as st

import ui
from analytics import charts, narrative
from analytics.retro import by_sprint_type, follow_through
from analytics.sprint_metrics import team_summary

view = ui.page("page_retro")
db, language, version, teams = view.db, view.lang, view.version, view.teams
metrics = ui.sprint_table(db, version, teams)
if metrics.empty:
    ui.empty_state()
team = st.selectbox(ui.tr("team"), list(dict.fromkeys(metrics["team"])), key="retro_team")
team_metrics = metrics[metrics["team"] == team].reset_index(drop=True)
unit = ui.unit_label(ui.units(db, version), (team,))

st.subheader(ui.tr("predictability"))
ui.caption(narrative.accuracy_sentence(team_metrics, language) + " " + narrative.band_sentence(team_metrics, language))
ui.chart(charts.accuracy_chart(team_metrics, ui.band(), language), "accuracy_chart")

st.subheader(ui.tr("scope"))
ui.caption(narrative.scope_sentence(team_metrics, unit, language))
ui.chart(charts.scope_chart(team_metrics, unit, language), "scope_chart")

st.subheader(ui.tr("stability"))
summary = team_summary(team_metrics)
ui.caption(narrative.velocity_sentence(summary.iloc[0], unit, language))
ui.table(summary, "summary", f"summary_{team}")

st.subheader(ui.tr("by_type"))
types = by_sprint_type(team_metrics)
ui.caption(narrative.sprint_type_sentence(types, language))
ui.chart(charts.sprint_type_chart(types, language), "type_chart")
ui.table(types, "types", f"sprint_types_{team}")

st.subheader(ui.tr("actions"))
actions = ui.table_of(db, version, "retro_actions", (team,))
ui.caption(narrative.actions_sentence(follow_through(actions), language))
if not actions.empty:
    ui.table(actions, "actions", f"retro_actions_{team}")
