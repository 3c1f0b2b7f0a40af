"""Streamlit glue shared by the home page and every page: the store, cached loaders, the team
picker, safe text. Kept outside ``pages/`` because every file there becomes a page."""
from __future__ import annotations

import os
import re
from datetime import date

import pandas as pd
import streamlit as st

from analytics.okr_metrics import key_result_status, objective_scores
from analytics.sprint_metrics import sprint_metrics
from data.settings import setting
from data.store import Store

TEAM_KEY = "teams"


def db_path() -> str:
    return os.environ.get("DASHBOARD_DB") or setting("DASHBOARD_DB")


@st.cache_resource
def _open_store(path: str) -> Store:
    return Store(path)


def store() -> Store:
    """The one store of this server process (a cursor per call inside)."""
    return _open_store(db_path())


def clear_caches() -> None:
    """After an import or undo: forget every cached query result."""
    st.cache_data.clear()


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """User text in a place Streamlit renders as Markdown (labels, headers) shown literally."""
    return _MARKDOWN.sub(r"\\\1", str(text))


@st.cache_data(show_spinner=False)
def sprint_table(_store: Store, version: tuple, teams: tuple[str, ...], unit: str = "points") -> pd.DataFrame:
    return sprint_metrics(_store.current("sprints", list(teams)), _store.current("sprint_items", list(teams)),
                          unit=unit, band=(setting("DASHBOARD_BAND_LOW"), setting("DASHBOARD_BAND_HIGH")),
                          window=setting("DASHBOARD_VELOCITY_WINDOW"))


@st.cache_data(show_spinner=False)
def okr_tables(_store: Store, version: tuple, teams: tuple[str, ...], as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    krs = key_result_status(_store.current("key_results", list(teams)), _store.current("cycles", list(teams)),
                            _store.current("checkins", list(teams)), _store.current("kr_plans", list(teams)),
                            as_of=as_of, behind_gap=setting("DASHBOARD_BEHIND_GAP"),
                            stale_days=setting("DASHBOARD_STALE_DAYS"))
    return krs, objective_scores(krs, _store.current("objectives", list(teams)))


@st.cache_data(show_spinner=False)
def retro_actions(_store: Store, version: tuple, teams: tuple[str, ...]) -> pd.DataFrame:
    return _store.current("retro_actions", list(teams))


def team_picker(db: Store) -> tuple[str, ...]:
    """Sidebar choice of one, several or all teams; kept in the session across pages."""
    teams = db.teams()
    chosen = [t for t in st.session_state.get(TEAM_KEY, teams) if t in teams] or teams
    st.session_state[TEAM_KEY] = chosen
    picked = st.sidebar.multiselect("Teams", teams, key=TEAM_KEY, help="One, several or all teams.")
    return tuple(picked or teams)
