"""Home: the latest sprint and the running OKR cycle of the chosen teams, and what needs attention."""
from __future__ import annotations

from datetime import date

import streamlit as st

import ui
from analytics.attention import needs_attention
from data.demo import load_demo

st.set_page_config(page_title="Sprint & OKR review", page_icon="📈", layout="wide")
st.title("Sprint & OKR review")

db = ui.store()
if not db.has_data():
    st.info("No data yet. Load the demo organisation to look around, or import your own CSV files "
            "(`python -m analytics import FILE …`; the Import page follows).")
    if st.button("Load demo data", key="load_demo", type="primary"):
        with st.spinner("Loading the demo organisation …"):
            load_demo(db, date.today())
        ui.clear_caches()
        st.rerun()
    st.stop()

teams = ui.team_picker(db)
version = db.data_version()
today = date.today()
sprints = ui.sprint_table(db, version, teams)
krs, objectives = ui.okr_tables(db, version, teams, today)
actions = ui.retro_actions(db, version, teams)

st.subheader("Latest sprint")
st.caption("Say/do = completed ÷ committed at start. Commitment accuracy = 1 − |completed − committed| ÷ committed.")
latest = sprints.groupby("team", sort=False).tail(2)
for team, pair in latest.groupby("team", sort=False):
    current = pair.iloc[-1]
    previous = pair.iloc[0] if len(pair) > 1 else None
    st.text(f"{team} · {current['sprint']}")
    cols = st.columns(4)
    cols[0].metric("Committed", f"{current['committed']:g}")
    cols[1].metric("Completed", f"{current['completed']:g}",
                   delta=None if previous is None else f"{current['completed'] - previous['completed']:+g}")
    for col, field, label in ((cols[2], "say_do_ratio", "Say/do"), (cols[3], "commitment_accuracy", "Accuracy")):
        value = current[field]
        col.metric(label, "–" if value != value else f"{value:.0%}")

st.subheader("OKR cycle")
running = krs[(krs["cycle_start"] <= str(today)) & (krs["cycle_end"] >= str(today))] if not krs.empty else krs
if running.empty:
    st.info("No OKR cycle is running today.")
else:
    counts = running["status"].value_counts()
    cols = st.columns(5)
    for col, status in zip(cols, ("achieved", "on_track", "behind", "at_risk", "not_started")):
        col.metric(status.replace("_", " ").capitalize(), int(counts.get(status, 0)))

st.subheader("Needs attention")
items = needs_attention(sprints, krs, actions, as_of=today)
if items.empty:
    st.success("Nothing needs attention.")
else:
    st.dataframe(items, hide_index=True)
