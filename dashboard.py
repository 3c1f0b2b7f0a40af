"""Entry point: page setup, the shared sidebar (language, teams) and the navigation."""
from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

import links
import ui
from data.access import Access, AccessRefused
from data.errors import StoreBusy, StoreUnavailable, message_of
from data.settings import SettingInvalid
from i18n import t

RETRY_SECONDS = 3

# the icon is a file of the project: a material or emoji icon would be fetched from a font or image
# server, and the dashboard must not need the internet
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"
st.set_page_config(page_title=t("app_title", ui.lang()), page_icon=str(ICON), layout="wide")
ui.style()
links.capture()  # the address's choices (team, day, sprint, cycle …), read once per session
language = ui.lang()
# the language of the address (?lang=) or the browser, kept for the session: choosing a page in the
# navigation opens it without the address's query, and must not fall back to English
st.session_state[ui.LANG_KEY] = language
pages = [
    st.Page("pages/home.py", title=t("page_home", language), icon=":material/home:", default=True),
    st.Page("pages/import.py", title=t("page_import", language), icon=":material/upload_file:"),
    st.Page("pages/sprint_review.py", title=t("page_review", language), icon=":material/flag:"),
    st.Page("pages/retrospective.py", title=t("page_retro", language), icon=":material/autorenew:"),
    st.Page("pages/okrs.py", title=t("page_okrs", language), icon=":material/track_changes:"),
    st.Page("pages/teams.py", title=t("page_teams", language), icon=":material/groups:"),
]
# who is here: everyone who may not see the dashboard gets a page of its own, without data or navigation
try:
    admitted = ui.gate()
except (StoreBusy, StoreUnavailable, SettingInvalid) as problem:  # said below, like on any page
    admitted = problem
# on top: a phone opens a page without the sidebar covering it (the sidebar keeps language, day, teams)
navigation = st.navigation(pages, position="top" if isinstance(admitted, Access) else "hidden")
try:
    if isinstance(admitted, Exception):
        raise admitted
    if not isinstance(admitted, Access):
        admitted()  # the sign-in page, the refusal or "no access yet": it stops the run
    if target := st.session_state.pop(ui.DEEP_LINK_KEY, None):
        st.switch_page(target)  # a deep link that arrived before the navigation existed (ui.through_dashboard)
    st.session_state[ui.PREAMBLE_KEY] = True  # this session has been through the entry point
    ui.phone_navigation(pages)
    with ui.page_session():  # one connection for the run's reads, not one per read
        ui.sidebar(ui.store())
        navigation.run()
    with st.sidebar:  # after the page: its own choices are in the address by now
        links.link_box(language)
except StoreBusy:
    # a scheduled import is writing: say so in a sentence and look again in a moment
    st.warning(f"{t('store_busy_title', language)}. {t('store_busy', language)}", icon=":material/hourglass_top:")
    time.sleep(RETRY_SECONDS)
    st.rerun()
except AccessRefused as refused:  # a write the role does not allow, however the request was made
    st.error(ui.md_escape(ui.said(refused.message)), icon=":material/block:")
except (StoreUnavailable, SettingInvalid) as problem:
    st.error(ui.md_escape(ui.said(getattr(problem, "message", None) or message_of(problem))), icon=":material/error:")
finally:
    # once per process, in the background: the pages' modules and plotly's figure classes, for the
    # pages to come; after the first page's run, which it would only slow down (both need the GIL)
    ui.warm_up()
