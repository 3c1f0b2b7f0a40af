"""Entry point: page setup, the shared sidebar (language, teams) and the navigation."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

import ui
from i18n import t

# the icon is a file of the project: a material or emoji icon would be fetched from a font or image
# server, and the dashboard must not need the internet
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"
st.set_page_config(page_title=t("app_title", ui.lang()), page_icon=str(ICON), layout="wide")
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
# on top: a phone opens a page without the sidebar covering it (the sidebar keeps language, day, teams)
st.navigation(pages, position="top").run()
