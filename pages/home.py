"""Home: the latest sprint and the running OKR cycle of the chosen teams, and what needs attention."""
from __future__ import annotations


import numpy as np
import streamlit as st

import ui
from analytics import narrative
from analytics.formatting import day, number, percent
from analytics.okr_metrics import running
from analytics.review import compared_with
from analytics.sprint_metrics import closed
from analytics.teams import latest_sprints
from data import service

view = ui.page("app_title")
if view.access.local:  # no sign-in configured: say what that means
    st.caption(ui.tr("single_user_note"))
db, language, version, teams = view.db, view.lang, view.version, view.teams
today = view.as_of
CARD_TEAMS = 6  # more teams than this: the latest sprints as one table
sprints = ui.sprint_table(db, version, teams, as_of=today)
answers = ui.summary(db, version, teams, today).set_index("team", drop=False)  # the one trend answer per team
krs, _ = ui.running_okr_tables(db, version, teams, today)

st.subheader(ui.tr("latest_sprint"))
st.caption(ui.tr("latest_caption"))
# the latest two finished sprints of each team, and its running ones (named, not shown as final)
finished = closed(sprints)
running_sprints = sprints[sprints["state"] == "running"]
shown = list(dict.fromkeys(sprints["team"]))
if len(shown) <= CARD_TEAMS:
    latest = {team: group.iloc[-1] for team, group in finished.groupby("team", sort=False)}
    running_now = {team: group.to_dict("records") for team, group in running_sprints.groupby("team", sort=False)}
    for team in shown:
        for sprint in running_now.get(team, []):
            ui.caption(ui.tr("running_now", sprint=sprint["sprint"], end=day(sprint["end_date"], language)))
        current = latest.get(team)
        if current is None:
            continue
        # the arrow sets the sprint beside the previous one of its type, per working day when lengths differ
        compared = compared_with(finished, team, current["sprint"])
        st.text(f"{team} · {current['sprint']}")
        cols = st.columns(5)
        cols[0].metric(ui.tr("committed"), number(current["committed"], language), help=ui.tr("def_committed"))
        per_day = bool(compared and compared["per_day"])
        field = "velocity_per_day" if per_day else "completed"
        delta = np.nan if compared is None else current[field] - compared["row"][field]
        cols[1].metric(ui.tr("completed"), number(current["completed"], language),
                       delta=None if np.isnan(delta) else ui.tr_md("ans_per_day", delta=number(delta, language, 2))
                       if per_day else number(delta, language), help=ui.tr("def_completed"))
        cols[2].metric(ui.tr("say_do_ratio"), percent(current["say_do_ratio"], language), help=ui.tr("def_say_do_ratio"))
        cols[3].metric(ui.tr("commitment_accuracy"), percent(current["commitment_accuracy"], language),
                       help=ui.tr("def_commitment_accuracy"))
        cols[4].metric(ui.tr("velocity_per_day"), number(current["velocity_per_day"], language, 2),
                       help=ui.tr("def_velocity_per_day"))
        ui.caption(narrative.compared_sentence(compared, current, language))
        if team in answers.index:
            ui.caption(narrative.accuracy_sentence(answers.loc[team], language) + " "
                       + narrative.pooled_sentence(answers.loc[team], language))
else:  # an organisation: one row per team instead of a wall of cards, by team name, never ranked
    ui.caption(ui.tr("ans_home_caption", n=service.trend_sprints()))
    ui.table(latest_sprints(sprints, answers.reset_index(drop=True)), "latest", "latest_sprints", fixed=True,
             compact=["team", "sprint", "say_do_ratio", "commitment_accuracy_pooled", "accuracy_trend"])

st.subheader(ui.tr("okr_cycle"))
current = running(krs, today)
if current.empty:
    st.info(ui.tr("no_cycle"))
else:
    counts = current["status"].value_counts()
    cols = st.columns(5)
    for col, status in zip(cols, ("achieved", "on_track", "behind", "at_risk", "not_started")):
        col.metric(ui.tr(status), int(counts.get(status, 0)))

st.subheader(ui.tr("attention"))
items = ui.attention(db, version, teams, today, language)
if items.empty:
    st.success(ui.tr("nothing_attention"))
else:
    ui.table(items, "attention", "needs_attention", compact=["team", "what", "detail"])

ui.page_xlsx_download()
