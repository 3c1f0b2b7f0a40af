"""Sprint review: one sprint in detail, velocity over all sprints, the forecast for the next one."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from analytics import charts
from analytics.forecast import forecast
from analytics.formatting import day, number, percent
from analytics.sprint_kr import sprint_key_results
from analytics.sprint_metrics import classify_items
from data.settings import setting

view = ui.page("page_review")
db, language, version, teams = view.db, view.lang, view.version, view.teams
unit_mode = "items" if st.toggle(ui.tr("count_items"), key="review_items") else "points"
metrics = ui.sprint_table(db, version, teams, unit_mode)
if metrics.empty:
    ui.empty_state()

choices = list(zip(metrics["team"], metrics["sprint"]))
team, sprint = st.selectbox(ui.tr("sprint"), choices, index=len(choices) - 1, key="review_sprint",
                            format_func=lambda c: f"{c[0]} · {c[1]}")
team_metrics = metrics[metrics["team"] == team].reset_index(drop=True)
row = team_metrics[team_metrics["sprint"] == sprint].iloc[0]
unit = ui.unit_label(ui.units(db, version), (team,), unit_mode)

st.text(f"{team} · {sprint} · {day(row['start_date'], language)} – {day(row['end_date'], language)}")
if row["commitment_basis"] == "inferred":
    st.info(ui.tr("inferred_note"))
if pd.isna(row["start_date"]):
    st.warning(ui.tr("no_dates"))
cols = st.columns(7)
for col, field in zip(cols[:5], ("committed", "added", "removed", "completed", "not_completed")):
    col.metric(f"{ui.tr(field)} ({unit})", number(row[field], language), help=ui.tr(f"def_{field}"))
for col, field in ((cols[5], "say_do_ratio"), (cols[6], "commitment_accuracy")):
    col.metric(ui.tr(field), percent(row[field], language), help=ui.tr(f"def_{field}"))
if isinstance(row["goal"], str) and row["goal"]:
    st.caption(ui.tr("goal"))
    st.text(row["goal"])

sprints = ui.table_of(db, version, "sprints", (team,))
items = ui.table_of(db, version, "sprint_items", (team,))
sprint_items = items[items["sprint"] == sprint]
classified = classify_items(sprint_items, sprints, unit_mode) if not sprint_items.empty else None
st.subheader(ui.tr("items_behind"))
if classified is None:
    st.caption("–")
else:
    view = classified[["item_key", "title", "item_type", "weight", "is_committed", "is_removed", "is_done",
                       "done_on", "key_result"]].rename(columns={"weight": unit, "is_committed": ui.tr("committed"),
                                                               "is_removed": ui.tr("removed"), "is_done": ui.tr("completed")})
    ui.table(view, "items", f"items_{sprint}")

st.subheader(ui.tr("by_kr"))
links = sprint_key_results(sprints[sprints["sprint"] == sprint], sprint_items, ui.table_of(db, version, "key_results", (team,)),
                           ui.table_of(db, version, "checkins", (team,)), unit=unit_mode)
if links.empty:
    st.caption("–")
else:
    ui.table(links.drop(columns=["team", "start_date", "end_date"]), "links", f"key_results_{sprint}")

st.subheader(ui.tr("velocity"))
if len(team_metrics) > 1:
    first, last = st.select_slider(ui.tr("range"), options=list(team_metrics["sprint"]),
                                   value=(team_metrics["sprint"].iloc[0], team_metrics["sprint"].iloc[-1]),
                                   key="review_range")
    positions = list(team_metrics["sprint"])
    shown = team_metrics.iloc[positions.index(first):positions.index(last) + 1]
else:
    shown = team_metrics
ui.chart(charts.velocity_chart(shown, unit, language, setting("DASHBOARD_VELOCITY_WINDOW")), "velocity_chart")

st.subheader(ui.tr("forecast"))
history = team_metrics["completed"].tolist()
result = forecast(history, last=setting("DASHBOARD_FORECAST_SPRINTS"), trials=setting("DASHBOARD_FORECAST_TRIALS"),
                  seed=setting("DASHBOARD_FORECAST_SEED"))
if result["velocity_p50"] is None:
    st.info(result["reason"])
else:
    st.caption(ui.tr("forecast_caption", n=result["sprints_used"], trials=number(result["trials"], language)))
    cols = st.columns(3)
    for col, confidence in zip(cols, (50, 85, 95)):
        col.metric(f"P{confidence}", f"≥ {number(result[f'velocity_p{confidence}'], language)} {unit}")
    st.text(", ".join(number(v, language) for v in result["history"]))

if classified is not None and classified["done_on"].notna().any():
    st.subheader(ui.tr("burnup"))
    ui.chart(charts.burnup_chart(classified, row["start_date"], row["end_date"], unit, language), "burnup_chart")
