"""Entry point: page setup, the shared sidebar (language, teams) and the navigation."""
from __future__ import annotations

import streamlit as st

import ui
from i18n import t

st.set_page_config(page_title="Sprint & OKR review", page_icon=":material/monitoring:", layout="wide")
ui.sidebar(ui.store())
language = ui.lang()
pages = [
    st.Page("pages/home.py", title=t("page_home", language), icon=":material/home:", default=True),
    st.Page("pages/import.py", title=t("page_import", language), icon=":material/upload_file:"),
    st.Page("pages/sprint_review.py", title=t("page_review", language), icon=":material/flag:"),
    st.Page("pages/retrospective.py", title=t("page_retro", language), icon=":material/autorenew:"),
    st.Page("pages/okrs.py", title=t("page_okrs", language), icon=":material/track_changes:"),
    st.Page("pages/teams.py", title=t("page_teams", language), icon=":material/groups:"),
]
st.navigation(pages).run()
