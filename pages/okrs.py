"""OKRs: objectives with score and grade, every key result against its pace, sprint work per KR."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import ui
from analytics import charts
from analytics.formatting import number, percent
from analytics.okr_metrics import running
from analytics.sprint_kr import sprint_key_results

view = ui.page("page_okrs")
db, language, version, teams = view.db, view.lang, view.version, view.teams
as_of = st.date_input(ui.tr("as_of"), value=date.today(), key="okr_as_of")
krs, objectives = ui.okr_tables(db, version, teams, as_of)
if krs.empty:
    ui.empty_state()
cycles = krs[["team", "cycle", "cycle_start"]].drop_duplicates().sort_values("cycle_start")
labels = list(dict.fromkeys(cycles["cycle"]))
current = running(krs, as_of)["cycle"]
default = labels.index(current.iloc[0]) if not current.empty else len(labels) - 1
cycle = st.selectbox(ui.tr("cycle"), labels, index=default, key="okr_cycle")
krs, objectives = krs[krs["cycle"] == cycle], objectives[objectives["cycle"] == cycle]

st.subheader(ui.tr("objectives"))
ui.table(objectives, "objectives", f"objectives_{cycle}")

st.subheader(ui.tr("key_results"))
checkins = ui.table_of(db, version, "checkins", teams)
plans = ui.table_of(db, version, "kr_plans", teams)
for kr in krs.itertuples(index=False):
    row = pd.Series(kr._asdict())
    with st.container(border=True):
        st.text(f"{kr.team} · {kr.kr_id} · {kr.key_result}")
        cols = st.columns(4)
        cols[0].metric(ui.tr(kr.status), percent(kr.progress, language),
                       help=ui.tr("progress_help", expected=percent(kr.expected_progress, language)))
        cols[1].metric(ui.tr("forecast_end"), number(kr.forecast_value, language))
        cols[2].metric(ui.tr("confidence"), number(kr.confidence, language))
        cols[3].metric(ui.tr("last_checkin"), ui.tr("no_checkin") if pd.isna(kr.last_checkin)
                       else ui.tr("days_ago", days=int(kr.days_since_checkin)))
        history = checkins[(checkins["kr_id"] == kr.kr_id) & (checkins["date"] <= pd.Timestamp(as_of))]
        left, right = st.columns([2, 1])
        with left:
            ui.chart(charts.kr_trend_chart(row, history, plans[plans["kr_id"] == kr.kr_id], language), f"kr_{kr.kr_id}")
        with right:
            ui.chart(charts.confidence_chart(history, language), f"confidence_{kr.kr_id}")

st.subheader(ui.tr("sprint_kr"))
links = sprint_key_results(ui.table_of(db, version, "sprints", teams), ui.table_of(db, version, "sprint_items", teams),
                           krs, checkins)
links = links[links["kr_id"].isin(krs["kr_id"])]
if links.empty:
    st.caption("–")
else:
    ui.table(links, "sprint_kr", f"sprint_key_results_{cycle}")
