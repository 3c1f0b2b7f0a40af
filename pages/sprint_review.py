"""Sprint review: one sprint in detail (figures, the review's item lists, beside the previous sprint
and the average), velocity over all sprints, the forecast for the next one, the burn-up."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import planning_ui
import links
import ui
from analytics import charts, narrative
from analytics.formatting import day, number, percent
from analytics.review import LISTS, compared_with, item_lists, sprint_comparison
from analytics.sprint_kr import sprint_key_results
from analytics.sprint_metrics import classify_items
from analytics.workdays import public_holidays
from data import service

view = ui.page("page_review", charts=True)
db, language, version, teams, as_of = view.db, view.lang, view.version, view.teams, view.as_of
def unit_param(items: bool) -> dict[str, str]:
    return {"unit": "items" if items else "points"}


links.choose(language, "review_items", [False, True], False, unit_param, "link_what_unit")
unit_mode = "items" if st.toggle(ui.tr("count_items"), key="review_items") else "points"
metrics = ui.sprint_table(db, version, teams, unit=unit_mode, as_of=as_of)
if metrics.empty:
    ui.empty_state()

# the review is about the sprint that just ended: the latest closed one is chosen first
choices = list(zip(metrics["team"], metrics["sprint"]))
states = dict(zip(choices, metrics["state"]))
finished = [index for index, choice in enumerate(choices) if states[choice] == "closed"]


def sprint_params(choice: tuple[str, str]) -> dict[str, str]:
    return {"sprint_team": choice[0], "sprint": choice[1]}


links.choose(language, "review_sprint", choices, choices[finished[-1] if finished else -1], sprint_params, "link_what_sprint")
team, sprint = st.selectbox(
    ui.tr("sprint"), choices, key="review_sprint",
    format_func=ui.labelled({c: f"{c[0]} · {c[1]}" + ("" if states[c] == "closed" else f" ({ui.tr('state_' + states[c])})")
                             for c in choices}))
links.show(unit="items" if unit_mode == "items" else None, **sprint_params((team, sprint)))  # points: the default
team_metrics = metrics[metrics["team"] == team].reset_index(drop=True)
row = team_metrics[team_metrics["sprint"] == sprint].iloc[0]
unit = ui.unit_label(ui.units(db, version), (team,), unit_mode)

dated = not pd.isna(row["start_date"])  # an undated sprint (a tool export without a sprints file) names no days
st.text(f"{team} · {sprint}" + (f" · {day(row['start_date'], language)} – {day(row['end_date'], language)}" if dated else ""))
if row["state"] == "running":
    st.warning(ui.tr_md("provisional_running", end=day(row["end_date"], language)), icon=":material/pending:")
elif row["state"] == "future":
    st.warning(ui.tr_md("provisional_future", start=day(row["start_date"], language)), icon=":material/event:")
if row["commitment_basis"] == "inferred":
    st.info(ui.tr("inferred_note"))
if not dated:
    st.warning(ui.tr("no_dates"))

# the unit once above the cards, not in each: "160 points" was cut to "160 poi…" in a sixth of the page,
# and a unit such as "deal value in EUR" would leave no number at all
ui.caption(ui.tr("figures_in", unit=unit))
cols = st.columns(6)
for col, field in zip(cols, ("committed", "added", "removed", "completed", "not_completed", "completed_late")):
    col.metric(ui.tr(field), number(row[field], language), help=ui.tr(f"def_{field}"))
cols = st.columns(6)
# planned completion beside say/do whenever item data knows it: 100 % say/do can hide swapped scope
ratios = ("say_do_ratio", "planned_completion", "commitment_accuracy") if pd.notna(row["planned_completion"]) \
    else ("say_do_ratio", "commitment_accuracy")
for col, field in zip(cols, ratios):
    col.metric(ui.tr(field), percent(row[field], language), help=ui.tr(f"def_{field}"))
cols[len(ratios)].metric(ui.tr("working_days"), number(row["working_days"], language), help=ui.tr("def_working_days"))
cols[len(ratios) + 1].metric(ui.tr("velocity_per_day"), number(row["velocity_per_day"], language, 2),
                             help=ui.tr("def_velocity_per_day"))  # a bare number: with its unit it is cut off in a sixth of the page
if planned := narrative.planned_sentence(row, unit, language):
    ui.caption(planned)
region = ui.regions(db, version, (team,)).get(team)
if dated:
    ui.caption(" ".join(narrative.days_sentences(row, region, public_holidays(row["start_date"], row["end_date"], region,
                                                                              language), language)))
if isinstance(row["goal"], str) and row["goal"]:
    st.caption(ui.tr("goal"))
    st.text(row["goal"])

st.subheader(ui.tr("compare"))
st.caption(ui.tr("compare_caption"))
comparison = sprint_comparison(team_metrics, team, sprint)
ui.caption(narrative.compared_sentence(compared_with(team_metrics, team, sprint), row, language))
labels = {"this": ui.tr("row_this"), "previous": ui.tr("row_previous")}
shown = pd.DataFrame({
    "": [labels.get(r, ui.tr("row_average", n=n)) for r, n in zip(comparison["row"], comparison["sprints"])],
    ui.tr("sprint"): comparison["sprint"].fillna(""),
    **{f"{ui.tr(f)} ({unit})": [number(v, language) for v in comparison[f]]
       for f in ("committed", "added", "removed", "completed", "completed_late")},
    ui.tr("working_days"): [number(v, language) for v in comparison["working_days"]],
    ui.tr("velocity_per_day"): [number(v, language, 2) for v in comparison["velocity_per_day"]],
    ui.tr("say_do_ratio"): [percent(v, language) for v in comparison["say_do_ratio"]],
    ui.tr("commitment_accuracy"): [percent(v, language) for v in comparison["commitment_accuracy"]],
})
st.container(key=f"{ui.WIDE}comparison").dataframe(shown, hide_index=True, key="comparison")
ui.phone_table(shown[["", f"{ui.tr('completed')} ({unit})", ui.tr("say_do_ratio"), ui.tr("commitment_accuracy")]],
               "comparison")

sprints = ui.table_of(db, version, "sprints", (team,))
# the sprint's items and the next sprint's (where the carried-over ones show up), not the team's all
position = int(team_metrics.index[team_metrics["sprint"] == sprint][0])
items = ui.sprint_items(db, version, team, tuple(team_metrics["sprint"].iloc[position:position + 2]))
st.subheader(ui.tr("items_behind"))
lists = item_lists(items, team_metrics, team, sprint, unit_mode)
shown_list, tab = ui.open_tab("review_list", {name: f"{ui.tr('list_' + name)} ({len(lists[name])})" for name in LISTS})
for name in LISTS:  # the open list is drawn; the page's workbook has every list with items
    frame = lists[name].rename(columns={"weight": "estimate", "committed": "committed_at_start"})
    if name == shown_list:
        with tab:
            if frame.empty:
                st.caption(ui.tr("list_empty"))
            else:
                ui.table(frame, f"items_{name}", f"{name}_{sprint}", unit=unit, compact=["item_key", "title", "estimate"])
    elif not frame.empty:
        ui.note_table(frame, f"{name}_{sprint}", unit)

sprint_items = items[items["sprint"] == sprint]
st.subheader(ui.tr("by_kr"))
links = sprint_key_results(sprints[sprints["sprint"] == sprint], sprint_items, ui.table_of(db, version, "key_results", (team,)),
                           ui.table_of(db, version, "checkins", (team,)), unit=unit_mode)
if links.empty:
    st.caption("–")
else:
    ui.table(links.drop(columns=["team", "start_date", "end_date"]), "links", f"key_results_{sprint}", unit=unit,
             compact=["kr_id", "completed_linked", "kr_movement"])

if len(team_metrics) > 1:  # the chart's own title names it: no heading above it
    positions = list(range(len(team_metrics)))
    first, last = st.select_slider(
        ui.tr("range"), options=positions, value=(0, positions[-1]), key="review_range",
        format_func=ui.labelled({p: ui.md_escape(name) for p, name in enumerate(team_metrics["sprint"])}))
    shown_metrics = team_metrics.iloc[first:last + 1]
else:
    shown_metrics = team_metrics
ui.chart(charts.velocity_chart(shown_metrics, unit, language, service.velocity_window()), "velocity_chart")

st.subheader(ui.tr("forecast"))
backlog = ui.number_field(ui.tr("backlog_input", unit=unit), "review_backlog", minimum=0).value
result = service.forecast(team_metrics, team, backlog=backlog)
lines = narrative.forecast_sentences(result, unit, language)
if result["velocity_p50"] is None:
    st.info(ui.md_escape(lines[0]))  # names the team
else:
    st.text(lines[0])
    ui.caption(lines[1])
    if backlog is not None:
        st.text(narrative.backlog_sentence(result, unit, language))
    ui.chart(charts.forecast_chart(result, unit, language), "forecast_chart")

planning_ui.coach_section(team_metrics, team, unit)  # the next sprint: how much to commit (issue 23)

if not sprint_items.empty:
    classified = classify_items(sprint_items, team_metrics, unit_mode)
    ui.chart(charts.burnup_chart(classified, row["start_date"], row["end_date"], unit, language), "burnup_chart")

ui.report_download("sprint", team, sprint, as_of, version)
ui.page_xlsx_download()
