"""Home: the latest sprint and the running OKR cycle of the chosen teams, and what needs attention."""
from __future__ import annotations


import streamlit as st

import ui
from analytics.formatting import day, number, percent
from analytics.okr_metrics import running
from analytics.sprint_metrics import closed

view = ui.page("app_title")
if view.access.local:  # no sign-in configured: say what that means
    st.caption(ui.tr("single_user_note"))
db, language, version, teams = view.db, view.lang, view.version, view.teams
today = view.as_of
CARD_TEAMS = 6  # more teams than this: the latest sprints as one table
LATEST_FIELDS = ["team", "sprint", "committed", "completed", "say_do_ratio", "commitment_accuracy", "velocity_per_day"]
sprints = ui.sprint_table(db, version, teams, as_of=today)
krs, _ = ui.okr_tables(db, version, teams, today)

st.subheader(ui.tr("latest_sprint"))
st.caption(ui.tr("latest_caption"))
# the latest two finished sprints of each team, and its running ones (named, not shown as final)
finished = closed(sprints)
running_sprints = sprints[sprints["state"] == "running"]
shown = list(dict.fromkeys(sprints["team"]))
if len(shown) <= CARD_TEAMS:
    latest = {team: group.to_dict("records") for team, group in finished.groupby("team", sort=False).tail(2)
              .groupby("team", sort=False)}
    running_now = {team: group.to_dict("records") for team, group in running_sprints.groupby("team", sort=False)}
    for team in shown:
        for sprint in running_now.get(team, []):
            ui.caption(ui.tr("running_now", sprint=sprint["sprint"], end=day(sprint["end_date"], language)))
        pair = latest.get(team)
        if not pair:
            continue
        current = pair[-1]
        previous = pair[-2] if len(pair) > 1 else None
        st.text(f"{team} · {current['sprint']}")
        cols = st.columns(5)
        cols[0].metric(ui.tr("committed"), number(current["committed"], language), help=ui.tr("def_committed"))
        delta = None if previous is None else current["completed"] - previous["completed"]
        cols[1].metric(ui.tr("completed"), number(current["completed"], language),
                       delta=None if delta is None or delta != delta else number(delta, language),
                       help=ui.tr("def_completed"))
        cols[2].metric(ui.tr("say_do_ratio"), percent(current["say_do_ratio"], language), help=ui.tr("def_say_do_ratio"))
        cols[3].metric(ui.tr("commitment_accuracy"), percent(current["commitment_accuracy"], language),
                       help=ui.tr("def_commitment_accuracy"))
        cols[4].metric(ui.tr("velocity_per_day"), number(current["velocity_per_day"], language, 2),
                       help=ui.tr("def_velocity_per_day"))
else:  # an organisation: one sortable row per team instead of a wall of cards
    rows = finished.groupby("team", sort=False).tail(1)[LATEST_FIELDS]
    running_names = running_sprints.groupby("team", sort=False)["sprint"].agg(", ".join)
    ui.table(rows.assign(running_sprint=rows["team"].map(running_names)).reset_index(drop=True),
             "latest", "latest_sprints")

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
