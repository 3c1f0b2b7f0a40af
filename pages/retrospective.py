"""Retrospective: predictability, scope change and carry-over, stability, sprint types, retro actions."""
from __future__ import annotations

import streamlit as st

import planning_ui
import links
import ui
from analytics import charts, narrative
from analytics.retro import by_sprint_type, follow_through
from analytics.formatting import day
from analytics.sprint_metrics import accuracy_trend_by_type, closed, comparable, stability_by_type
from data import service
from data.entries import record_retro_action
from data.access import AccessRefused
from data.errors import ImportFailed

view = ui.page("page_retro", charts=True)
db, language, version, teams = view.db, view.lang, view.version, view.teams
names = ui.teams_with_sprints(db, version, teams)
if not names:
    ui.empty_state()
links.choose(language, "retro_team", names, names[0], lambda name: {"retro_team": name}, "link_what_team")
team = st.selectbox(ui.tr("team"), names, key="retro_team")
links.show(retro_team=team)
# the chosen team's sprints only: a team's figures never depend on another team's
everything = ui.sprint_table(db, version, (team,), as_of=view.as_of)
# trends are made of finished sprints only; a running one is named, not counted
team_metrics = closed(everything).reset_index(drop=True)
unit = ui.unit_label(ui.units(db, version), (team,))
for sprint in everything[everything["state"] == "running"].itertuples():
    ui.caption(ui.tr("running_now", sprint=sprint.sprint, end=day(sprint.end_date, language)))
if team_metrics.empty:
    st.info(ui.tr("no_closed_sprints"))
    st.stop()

# every trend answer on this page is the team summary's, over its range (the last N closed sprints)
summary = ui.summary(db, version, (team,), view.as_of)
answer = summary.iloc[0]
in_range = team_metrics.tail(int(answer["sprints"]))
st.subheader(ui.tr("predictability"))
ui.caption(" ".join([narrative.accuracy_sentence(answer, language), narrative.pooled_sentence(answer, language),
                     narrative.band_sentence(team_metrics, answer, language)]))
ui.chart(charts.accuracy_chart(team_metrics, service.band(), language, trend_sprints=int(answer["sprints"])),
         "accuracy_chart")

st.subheader(ui.tr("scope"))
ui.caption(narrative.scope_sentence(team_metrics, unit, language))
ui.chart(charts.scope_chart(team_metrics, unit, language), "scope_chart")

st.subheader(ui.tr("stability"))
ui.caption(narrative.velocity_sentence(summary.iloc[0], unit, language))
ui.table(summary, "summary", f"summary_{team}")

if not comparable(team_metrics):
    st.caption(ui.tr("stability_by_type"))
    ui.table(stability_by_type(team_metrics), "stability_types", f"stability_by_type_{team}")

st.subheader(ui.tr("by_type"))
types = by_sprint_type(team_metrics)
ui.caption(narrative.sprint_type_sentence(types, language))
ui.chart(charts.sprint_type_chart(types, language), "type_chart")
ui.table(types, "types", f"sprint_types_{team}")
if in_range["sprint_type"].nunique() > 1:  # figures per type over the same range; the verdict is the team's
    st.caption(ui.tr("ans_types_caption", n=len(in_range)))
    ui.table(accuracy_trend_by_type(in_range).drop(columns=["accuracy_trend"]), "accuracy_types",
             f"accuracy_trend_by_type_{team}")

planning_ui.drivers_section(view, (team,), "retro")  # what the sprint work moved (issue 23)

st.subheader(ui.tr("actions"))
actions = ui.table_of(db, version, "retro_actions", (team,))
ui.caption(narrative.actions_sentence(follow_through(actions), language))
if not actions.empty:
    ui.table(actions, "actions", f"retro_actions_{team}")
if saved := st.session_state.pop("action_saved", None):
    st.success(ui.tr_md("entry_saved", id=saved))
if not ui.may("member", team):  # a viewer reads the actions; members record them
    ui.page_xlsx_download()
    st.stop()
with st.form("action_form", clear_on_submit=True):
    # the team's improvement for the next sprint, and last sprint's closed: one entry, written like an import
    ui.strong("record_action")
    sprint_names = list(dict.fromkeys(team_metrics["sprint"]))[::-1]  # the latest sprint first
    action_sprint = st.selectbox(ui.tr("action_sprint"), sprint_names, key="action_sprint")
    action_text = st.text_input(ui.tr("action_text"), key="action_text", max_chars=500)
    action_owner = st.text_input(ui.tr("action_owner"), key="action_owner", max_chars=200)
    still_open = actions[actions["status"] == "open"] if not actions.empty else actions
    closable = {f"{row.sprint} · {row.action}": (row.sprint, row.action) for row in still_open.itertuples(index=False)}
    to_close = st.multiselect(ui.tr("close_actions"), list(closable), key="action_close")
    if st.form_submit_button(ui.tr("save"), key="action_submit"):
        try:
            result = record_retro_action(db, team, action_sprint, action_text, owner=action_owner,
                                         close=[(*closable[label], "done") for label in to_close])
        except ImportFailed as failure:
            st.error(ui.tr("entry_failed"))
            ui.problems(failure, "entry_problems", "entry_problems")
        except AccessRefused as refusal:
            st.error(ui.md_escape(ui.said(refusal.message)), icon=":material/block:")
        else:
            st.session_state["action_saved"] = result.import_id
            ui.clear_caches()
            st.rerun()

ui.page_xlsx_download()
