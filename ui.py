"""Streamlit glue shared by every page: the store, cached loaders, the sidebar (language, teams),
tables with CSV download, charts, safe text. Kept outside ``pages/`` with the pages' logic thin."""
from __future__ import annotations

import functools
import gc
import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pandas.io.formats.style  # noqa: F401  the Styler of tinted tables compiles its templates on import:
# with the modules, not in the middle of the first page that shows a tinted table
import streamlit as st

from analytics.formatting import number, percent
from analytics.presentation import label, present, unit_text
from analytics.attention import needs_attention
from analytics.calibration import cycle_comparison
from analytics.okr_overview import OkrOverview
from analytics.okr_weekly import weekly_changes
from analytics.planning import overcommit_attention
from analytics.teams import team_comparison
from data import aggregates, service
from data.access import Access, ScopedStore, resolve, single_user
from data.errors import SHOWN_PROBLEMS, ImportFailed, Message, in_language, problem_groups
from data.export import to_csv_bytes
from data.values import parse_typed
import downloads
import links
from data.store import Store
from i18n import languages, locale, t
from markup import STATIC_TABLE, catalog_md, html_table, md_escape

# The choices live under these keys; the sidebar widgets are drawn from them on every page and
# write back when changed, so the choice survives page switches whatever Streamlit does with
# the state of widgets between pages.
# the page files, by the title key each page is opened with
PAGE_FILES = {"app_title": "pages/home.py", "page_import": "pages/import.py", "page_review": "pages/sprint_review.py",
              "page_retro": "pages/retrospective.py", "page_okrs": "pages/okrs.py", "page_teams": "pages/teams.py"}
TEAM_KEY = "teams"
LANG_KEY = "lang"
AS_OF_KEY = "as_of"


def db_path() -> str:
    return service.store_path()


# How long a page waits for the database while a scheduled import writes to it before it says so
# (StoreBusy) and tries again on the next rerun; writes from the Import page wait DASHBOARD_LOCK_TIMEOUT.
READ_TIMEOUT = 5.0


@st.cache_resource
def _open_store(path: str) -> Store:
    # a file store holds no connection between reads, so caching it keeps no lock on the file:
    # a command-line import can write while the dashboard runs; a DuckLake store keeps its one
    # attached connection here, for every session of this replica
    return Store(path, read_timeout=READ_TIMEOUT)


def store() -> ScopedStore:
    """The store as the signed-in identity sees it (``data.access.ScopedStore``: only the teams it
    may see, only the writes its role allows), over the one store of this server process (a
    connection per read inside, none held between reruns).

    Raises ``StoreBusy`` when another program held the file for longer than ``READ_TIMEOUT``."""
    return ScopedStore(_open_store(db_path()), access())


def page_session():
    """One connection to the store for a whole run of a page (``Store.session``): a page's first run
    asks several dozen questions, and a connection per question would attach the file each time
    (about 5 ms, ``data.store._Files``). Released when the run ends, so an import from elsewhere
    waits no longer than one run; waits for the file as a read does (``READ_TIMEOUT``, then
    ``StoreBusy``)."""
    return store().session(READ_TIMEOUT)


# --- sign-in and access (issue 22) ---------------------------------------------------------------
ACCESS_KEY = "_access"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def auth_settings() -> dict:
    """The ``[auth]`` section of Streamlit's secrets (``.streamlit/secrets.toml`` or the file
    ``--secrets.files`` names); empty when sign-in is not configured."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        section = st.secrets.get("auth")
    except Exception:  # an unreadable secrets file: Streamlit's st.login would fail alike
        return {}
    return section.to_dict() if hasattr(section, "to_dict") else dict(section or {})


def served_to_others() -> bool:
    """Whether other computers may reach this server: bound to an address that is not loopback
    (0.0.0.0, a network address) or, bound to every interface, a visitor from another computer."""
    address = st.get_option("server.address")
    if address:
        return address not in LOOPBACK
    return isinstance(st.context.ip_address, str)  # Streamlit gives None for a visitor on this computer


@st.cache_data(ttl=60, show_spinner=False)
def _provider_problem(auth: tuple) -> Message | None:
    from data.signin import provider_problem
    return provider_problem(_thawed(auth))


def _frozen(mapping: dict) -> tuple:
    """The [auth] section as a cache key (nested sections too); ``_thawed`` undoes it."""
    return tuple((key, _frozen(value) if isinstance(value, dict) else value) for key, value in sorted(mapping.items()))


def _thawed(items: tuple) -> dict:
    return {key: _thawed(value) if isinstance(value, tuple) else value for key, value in items}


def gate() -> Access | Callable[[], None]:
    """Who is using the dashboard, decided before any page runs: their Access, or the page to show
    instead of the dashboard (no data, no navigation) to everyone who may not see it. The entry
    point calls it on every run, so a revoked grant takes effect on the next click."""
    st.session_state[ACCESS_KEY] = None
    auth = auth_settings()
    if not auth:
        if served_to_others() and not service.allow_anonymous():
            address = st.get_option("server.address") or "0.0.0.0"
            _tell_the_operator(address)
            return lambda: _closed("anonymous_refused_title", tr("anonymous_refused", address=address,
                                                                 setting="DASHBOARD_ALLOW_ANONYMOUS"))
        found = single_user()
    elif not st.user.is_logged_in:
        return lambda: _sign_in_page(auth)
    else:
        # claims come from the ID token only: a provider may leave email or groups out of it
        email = st.user.get("email")
        groups = st.user.get("groups")
        groups = [str(g) for g in groups] if isinstance(groups, (list, tuple)) else []
        if not isinstance(email, str) or not email.strip() or st.user.get("email_verified") is False:
            return lambda: _no_access(None)
        try:
            found = resolve(_open_store(db_path()), email, groups)
        except ValueError:  # not an email address a grant could name
            return lambda: _no_access(None)
        if not found.has_any():
            return lambda: _no_access(found.identity)
    st.session_state[ACCESS_KEY] = found
    return found


@functools.cache
def _tell_the_operator(address: str) -> None:
    """Once per server, in its log: why every visitor gets the refusal page."""
    logging.getLogger("dashboard").warning(
        "Served on %s without sign-in: every page refuses to show data. Configure [auth] in "
        ".streamlit/secrets.toml, serve on localhost, or set DASHBOARD_ALLOW_ANONYMOUS=1.", address)


def access() -> Access:
    """The Access the entry point resolved for this run (``gate``); code run without the entry point
    (a widget under test) resolves it here, and shows nothing where the gate would refuse."""
    found = st.session_state.get(ACCESS_KEY)
    if not isinstance(found, Access):
        found = gate()
        if not isinstance(found, Access):
            st.stop()
    return found


def _closed(title_key: str, text: str) -> None:
    st.title(tr("app_title"))
    st.subheader(tr(title_key))
    st.text(text)
    st.stop()


def _sign_in_page(auth: dict) -> None:
    st.title(tr("app_title"))
    problem = _provider_problem(_frozen(auth))
    if problem is not None:
        st.error(tr("signin_unavailable"), icon=":material/error:")
        st.text(said(problem))
        if st.button(tr("signin_retry"), key="signin_retry"):
            _provider_problem.clear()
            st.rerun()
        st.stop()
    st.text(tr("signin_intro"))
    if st.button(tr("signin_button"), key="signin", type="primary", icon=":material/login:"):
        st.login()
    st.caption(tr("signin_failed_hint"))
    st.stop()


def _no_access(identity: str | None) -> None:
    """A signed-in identity without a grant: whom to ask, a sign-out, and no data."""
    st.title(tr("app_title"))
    st.subheader(tr("no_access_title"))
    if identity is None:
        st.text(tr("no_access_no_email"))
    else:
        admins = [name for name in _admins() if name != identity]
        st.text(tr("no_access_text", identity=identity, admins=", ".join(admins) if admins else tr("no_access_operator")))
        st.code(f"python -m analytics access grant {identity} --role viewer --team TEAM", language=None)
    if st.button(tr("sign_out"), key="sign_out", icon=":material/logout:"):
        st.logout()
    st.stop()


def _admins() -> list[str]:
    from data.access import grants
    frame = grants(_open_store(db_path()))
    return sorted(frame.loc[frame["role"] == "admin", "identity"].unique())


def signed_in() -> None:
    """The sidebar's last lines: who is signed in, with which rights, and the sign-out."""
    who = access()
    if who.local:
        st.sidebar.text(tr("single_user_sidebar", identity=who.identity))  # names are text, never Markdown
        return
    st.sidebar.text(tr("signed_in_as", identity=who.identity))  # from the ID token: shown as text
    if who.admin:
        st.sidebar.caption(tr("signed_in_admin"))
    if st.sidebar.button(tr("sign_out"), key="sign_out", icon=":material/logout:"):
        st.logout()


def access_section() -> None:
    """For admins on the Import page: every grant, and every change of them with who made it."""
    from data.access import changes, grants
    st.subheader(tr("access_title"))
    st.caption(tr("access_caption"))
    table(grants(store()), "access", "access")
    changed = changes(store())
    if not changed.empty:
        strong("access_changes_title")
        table(changed, "access_changes", "access_changes")


def may(needed: str, team: str | None = None) -> bool:
    """Whether the signed-in identity may do what needs ``needed`` (for ``team``, or for some team)."""
    return access().may(needed, team) if team is not None else access().may_somewhere(needed)


def clear_caches() -> None:
    """After an import or undo: forget every cached query result."""
    st.cache_data.clear()


def uploaded_bytes(file) -> bytes:
    """The content of an uploaded file as Streamlit's in-memory file manager holds it. The widget
    hands out a copy of every file on each run (``st.file_uploader`` returns a deep copy of its
    value); an Upload kept from one of those copies held a 13 MB export a second time in the server's
    memory, beside the manager's, from the check to the import (issue 21). Where the manager is
    another kind, or no longer has the file, the widget's copy."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    context = get_script_run_ctx()
    if context is not None and isinstance(context.uploaded_file_mgr, MemoryUploadedFileManager):
        records = context.uploaded_file_mgr.get_files(session_id=context.session_id, file_ids=[file.file_id])
        if records and records[0].data is not None:
            return records[0].data
    return file.getvalue()


def let_go_of_uploads(file_ids: list[str]) -> None:
    """Streamlit keeps the bytes of every file uploaded in a session until the session ends, also
    after the widget that took them has gone. Once imported, an export (13 MB for 100k rows) need
    not stay in the server's memory: the files are dropped from Streamlit's in-memory file manager
    (the one it serves with), as its chat input drops its own files once read. Another manager,
    which Streamlit does not ship, keeps them."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    context = get_script_run_ctx()
    if context is not None and isinstance(context.uploaded_file_mgr, MemoryUploadedFileManager):
        for file_id in file_ids:
            context.uploaded_file_mgr.remove_file(session_id=context.session_id, file_id=file_id)


def warm_sprint_table(db: Store) -> None:
    """Right after an import: the new data's sprint table (the chosen teams, as of the chosen day),
    computed in the background while the user reads what was imported. The Sprint review and Home,
    usually next, then find it in the cache: it was 0.25–0.3 s of the Sprint review's first run
    after a 100k-row import, before its first element with figures (measured, issue 21). Streamlit
    computes a cached value once per key: a page that asks meanwhile waits for this computation
    instead of starting its own. The thread reads with a connection of its own; a failure (a store
    that went away) leaves the computation to the page."""
    version, teams, day = db.data_version(), chosen_teams(db), as_of()

    def compute() -> None:
        try:
            sprint_table(db, version, teams, as_of=day)
        except Exception:  # noqa: BLE001 - an optimisation only: the page computes what is missing
            logging.getLogger("dashboard").debug("sprint table warm-up stopped", exc_info=True)

    threading.Thread(target=compute, name="dashboard-sprint-table", daemon=True).start()


def lang() -> str:
    """The chosen language: the sidebar's choice, else ``?lang=`` in the address (kept across reloads
    and bookmarks), else the browser's language, else English."""
    chosen = st.session_state.get(LANG_KEY)
    if chosen in languages():
        return chosen
    asked = st.query_params.get("lang")
    if asked in languages():
        return asked
    browser = (st.context.locale or "").split("-")[0].lower()
    return browser if browser in languages() else "en"


def tr(key: str, **values) -> str:
    return t(key, lang(), **values)


def tr_md(key: str, **values) -> str:
    """A catalog text for a place Streamlit renders as Markdown, with every filled-in value (a team,
    a unit, a file name …) escaped: the catalog's own words may format, user text never does."""
    return catalog_md(key, lang(), **values)


def said(message) -> str:
    """A sentence of the data layer (``data.errors.Message``: a problem, a note, a warning, a
    progress text, a refusal) in the chosen language, numbers and dates written its way; any other
    text (an old message, a library's error) as it is. Plain text: show it with ``st.text`` or escape it."""
    return in_language(message, lang())


def problems(failure: ImportFailed, key: str = "problems", file_name: str = "import_problems") -> None:
    """What an import or an entry refused, in the chosen language: its title, the problems that
    repeat (one line per kind, with what to do about them), then one row per problem with file,
    row, column, value and the whole message (wrapped, never cut): the first SHOWN_PROBLEMS of
    them, how many there are, and every one in the downloads."""
    st.text(said(failure.title))
    groups = [*problem_groups(failure.problems), *failure.hints]
    if groups:
        strong("problem_groups_title")
        st.text("\n".join(f"• {said(line)}" for line in groups))
    # written in the language before they go into a frame: pandas keeps text as plain str
    frame = pd.DataFrame([{**p.as_dict(), "message": said(p.message)} for p in failure.problems],
                         columns=["file", "row", "column", "value", "message"])
    if len(frame) > SHOWN_PROBLEMS:
        st.caption(tr_md("problems_shown", shown=number(SHOWN_PROBLEMS, lang(), 0), n=number(len(frame), lang(), 0)))
    _static(present(frame.head(SHOWN_PROBLEMS), lang()))
    _downloads(frame, key, file_name, None)


@dataclass(frozen=True)
class Typed:
    """A number field as the person left it: what they typed, the number understood (None when blank
    or refused), why it was refused, and whether the understood value was already on screen."""

    text: str
    value: float | None
    problem: str | None
    seen: bool


def shown(value: float) -> str:
    """A typed number as it is shown back: every decimal kept, grouped the page's way (1.850.000,5)."""
    return number(value, lang(), 10)


def number_field(label: str, key: str, *, where=st, minimum: float | None = None, maximum: float | None = None,
                 understood=None) -> Typed:
    """A number a person types (a check-in value, a confidence, a backlog, days), read in the page's
    language (``data.values.parse_typed``: German 1.850.000,5; a wrongly grouped or ambiguous entry
    is refused with what to write) and shown back under the field as understood: "Understood as
    1.850.000", or ``understood(value)``'s longer text. A text field, not ``st.number_input``: the
    browser reads 1.850.000 as 1.85.

    ``seen`` is True when the value understood was already shown on the previous run: a save that
    counts only then never stores a typo that nobody saw read back (typing and clicking Save at once
    sends both in one run)."""
    # an example in the field's range: a confidence (0–10) is not shown "1,850,000.5"
    example = number(7 if maximum is not None and maximum <= 10 else 1850000.5, lang(), 1)
    # the label is plain text (it may name a team's unit): escaped here, as Streamlit renders labels as Markdown
    text = where.text_input(md_escape(label), key=key, placeholder=tr("typed_placeholder", example=example))
    memory = f"{key}__shown"
    seen = st.session_state.get(memory) == text
    st.session_state[memory] = text
    if not text.strip():
        return Typed(text, None, None, seen)
    try:
        value = parse_typed(text, lang(), minimum=minimum, maximum=maximum)
    except ValueError as refused:
        problem = said(refused.args[0])
        where.error(md_escape(problem))
        return Typed(text, None, problem, seen)
    where.text(understood(value) if understood else tr("typed_understood", value=shown(value)))
    return Typed(text, value, None, seen)


def strong(key: str) -> None:
    """A catalog text in bold, as a small heading inside a tab or a form."""
    st.markdown(f"**{md_escape(tr(key))}**")


@st.cache_data(show_spinner=False)
def sprint_totals(_store: Store, version: tuple, teams: tuple[str, ...]) -> service.SprintTotals:
    """The data of the teams' sprint tables in points and in items, from one reading of the items,
    once per data version and teams: switching the unit or the day asks the store nothing."""
    return service.sprint_totals(_store, list(teams))


def sprint_table(store: Store, version: tuple, teams: tuple[str, ...], *, unit: str = "points",
                 as_of: date | None = None) -> pd.DataFrame:
    """Every sprint of the teams with its state as of the chosen day. One question, one cache entry:
    Streamlit keys a cached function by the arguments as they were passed, so ``unit="points"``
    and the default were two entries of the same table (the Sprint review's and Home's)."""
    return _sprint_table(store, version, teams, unit, as_of)


@st.cache_data(show_spinner=False)
def _sprint_table(_store: Store, version: tuple, teams: tuple[str, ...], unit: str,
                  as_of: date | None) -> pd.DataFrame:
    return service.sprint_table_of(sprint_totals(_store, version, teams), unit, as_of)


@st.cache_data(show_spinner=False)
def attention(_store: Store, version: tuple, teams: tuple[str, ...], as_of: date, language: str) -> pd.DataFrame:
    """What needs attention (Home), computed once per data version, teams, day and language."""
    items = needs_attention(sprint_table(_store, version, teams, as_of=as_of),
                            running_okr_tables(_store, version, teams, as_of)[0],
                            table_of(_store, version, "retro_actions", teams), as_of=as_of, lang=language)
    # a team that keeps over-committing, with the commitment coach's range (issue 23)
    return pd.concat([items, overcommit_attention(service.overcommitting_in(sprint_table(_store, version, teams, as_of=as_of)),
                                                  language)], ignore_index=True)


@st.cache_data(show_spinner=False)
def comparison(_store: Store, version: tuple, teams: tuple[str, ...], as_of: date) -> pd.DataFrame:
    """The Teams page's one row per team, computed once per data version, teams and day."""
    krs, objectives = running_okr_tables(_store, version, teams, as_of)
    return team_comparison(sprint_table(_store, version, teams, as_of=as_of), krs, objectives, as_of,
                           last=service.trend_sprints())


@st.cache_data(show_spinner=False)
def summary(_store: Store, version: tuple, teams: tuple[str, ...], as_of: date) -> pd.DataFrame:
    """The team summary over the trend range (``service.summarise``): the one answer every page quotes."""
    return service.summarise(sprint_table(_store, version, teams, as_of=as_of))


@st.cache_data(show_spinner=False)
def weekly(_store: Store, version: tuple, teams: tuple[str, ...], as_of: date, cycle: str) -> pd.DataFrame:
    """The OKR weekly of one cycle (every key result now against a week before), once per data
    version, teams, day and cycle: thousands of key results take seconds."""
    krs = okr_view(_store, version, teams, as_of).key_results
    return weekly_changes(krs[krs["cycle"] == cycle], table_of(_store, version, "checkins", teams), as_of,
                          week_days=service.checkin_cadence())


@st.cache_data(show_spinner=False)
def objective_comparison(_store: Store, version: tuple, teams: tuple[str, ...], as_of: date, cycle: str) -> pd.DataFrame:
    """Each objective of a cycle beside its counterpart of the team's previous cycle, cached alike."""
    return cycle_comparison(okr_view(_store, version, teams, as_of).objectives,
                            table_of(_store, version, "cycles", teams), cycle)


@st.cache_data(show_spinner=False)
def import_history(_store: Store, version: tuple) -> tuple[pd.DataFrame, dict[int, int]]:
    """The Import page's history and the rows each import left out, once per data version (a
    signed-in identity's version names the identity): the page runs again at every upload and
    option, and on DuckLake each table a run reads costs its catalog round trips (10–15 ms)."""
    history = _store.history()
    return history, ({} if history.empty else _store.reject_counts())


@st.cache_data(show_spinner=False)
def table_of(_store: Store, version: tuple, name: str, teams: tuple[str, ...]) -> pd.DataFrame:
    return _store.current(name, list(teams))


@st.cache_data(show_spinner=False)
def teams_with_sprints(_store: Store, version: tuple, teams: tuple[str, ...]) -> list[str]:
    """The teams that have sprints, in the order of the sprint table, without computing it."""
    return aggregates.teams_with_sprints(_store, list(teams))


@st.cache_data(show_spinner=False)
def sprint_items(_store: Store, version: tuple, team: str, sprints: tuple[str, ...]) -> pd.DataFrame:
    """The item rows of some sprints of one team: a page lists one sprint's items, not the team's all."""
    return aggregates.sprint_items(_store, team, list(sprints))


@st.cache_data(show_spinner=False)
def linked_items(_store: Store, version: tuple, teams: tuple[str, ...]) -> pd.DataFrame:
    """The teams' item rows that name a key result: all that sprint work per key result looks at."""
    return aggregates.linked_items(_store, list(teams))


@st.cache_data(show_spinner=False)
def okr_view(_store: Store, version: tuple, teams: tuple[str, ...], as_of: date) -> OkrOverview:
    """KRs, objectives, revisions and rewordings of the chosen teams as of a date (okr_overview)."""
    return service.okr_view(_store, list(teams), as_of)


def okr_tables(_store: Store, version: tuple, teams: tuple[str, ...], as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    view = okr_view(_store, version, teams, as_of)
    return view.key_results, view.objectives


@st.cache_data(show_spinner=False)
def running_okr_tables(_store: Store, version: tuple, teams: tuple[str, ...], as_of: date
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The key results and objectives of the cycles running on ``as_of`` (``service.running_okr_view``):
    Home, Teams and what needs attention look at no other cycle."""
    view = service.running_okr_view(_store, list(teams), as_of)
    return view.key_results, view.objectives


@st.cache_data(show_spinner=False)
def regions(_store: Store, version: tuple, teams: tuple[str, ...]) -> dict[str, str]:
    """Team → public-holiday region (``service.regions``), once per data version and teams."""
    return service.regions(_store, list(teams))


@st.cache_data(show_spinner=False)
def _visible_teams(_store: Store, version: tuple) -> tuple[str, ...]:
    return tuple(_store.teams())  # the version names the identity too: one entry per who and what


def units(db: Store, version: tuple) -> dict[str, str]:
    frame = table_of(db, version, "teams", _visible_teams(db, version))
    return {row.team: row.unit for row in frame.itertuples() if isinstance(row.unit, str) and row.unit}


def unit_label(team_units: dict[str, str], teams: tuple[str, ...], unit_mode: str = "points") -> str:
    if unit_mode == "items":
        return tr("unit_items")
    chosen = {team_units.get(team) for team in teams} - {None}
    return unit_text(chosen.pop(), lang()) if len(chosen) == 1 else tr("unit_points")


def _keep(choice_key: str, widget_key: str) -> None:
    st.session_state[choice_key] = st.session_state[widget_key]


def _keep_language() -> None:
    _keep(LANG_KEY, f"{LANG_KEY}_widget")
    st.query_params["lang"] = st.session_state[LANG_KEY]  # a reload or a bookmark keeps the language


def _keep_teams(all_teams: list[str]) -> None:
    """An explicit choice narrows the pages; choosing every team (or none) means "all teams",
    which includes teams imported later."""
    picked = st.session_state[f"{TEAM_KEY}_widget"]
    st.session_state[TEAM_KEY] = None if not picked or set(picked) >= set(all_teams) else list(picked)


def sidebar(db: Store) -> None:
    """Language switch and team picker; both kept in the session across pages."""
    st.session_state[f"{LANG_KEY}_widget"] = lang()
    st.sidebar.radio(t("language", lang()), list(languages()), format_func=languages().get, key=f"{LANG_KEY}_widget",
                     horizontal=True, on_change=_keep_language)
    language = lang()
    if linked_day := links.linked_day(language):  # a link's as-of day and teams (read once per session)
        st.session_state[AS_OF_KEY] = linked_day
    st.session_state[f"{AS_OF_KEY}_widget"] = as_of()
    st.sidebar.date_input(tr("as_of"), key=f"{AS_OF_KEY}_widget", help=tr("as_of_help"),
                          format=locale(lang()).date_input,
                          on_change=_keep, args=(AS_OF_KEY, f"{AS_OF_KEY}_widget"))
    teams = db.teams()  # the identity's visible teams only (data.access.ScopedStore)
    if linked := links.linked_teams(language, teams):
        st.session_state[TEAM_KEY] = None if set(linked) >= set(teams) else linked
    if teams:
        st.session_state[f"{TEAM_KEY}_widget"] = list(chosen_teams(db))
        st.sidebar.multiselect(tr("teams"), teams, key=f"{TEAM_KEY}_widget", help=tr("teams_help"),
                               on_change=_keep_teams, args=(teams,))
    signed_in()
    # the address says this view; each page adds its own choices (links.PAGE_PARAMS) after this
    chosen_day = st.session_state.get(AS_OF_KEY)
    links.show(lang=language, as_of=chosen_day.isoformat() if chosen_day else None,
               team=st.session_state.get(TEAM_KEY) or None, **dict.fromkeys(links.PAGE_PARAMS))


def as_of() -> date:
    """The day every page looks from (the sidebar's "As of", default today): which sprints are
    closed, running or future, and where each key result stands."""
    return service.as_of_day(st.session_state.get(AS_OF_KEY))


def chosen_teams(db: Store) -> tuple[str, ...]:
    """The teams picked in the sidebar; every team, including ones imported a second ago, unless the
    user narrowed the choice."""
    teams = db.teams()
    picked = [team for team in st.session_state.get(TEAM_KEY) or () if team in teams]
    return tuple(picked or teams)


@dataclass(frozen=True)
class Page:
    """What every page starts from: the store, the language, the data version, the chosen teams."""

    db: Store
    lang: str
    version: tuple
    teams: tuple[str, ...]
    as_of: date
    access: Access


PREAMBLE_KEY, DEEP_LINK_KEY = "_preamble", "_deep_link"


def labelled(labels: dict) -> Callable[[object], str]:
    """A widget's ``format_func`` (or a callback's lookup): each option's label in ``labels``, else
    the option itself. Pages pass this instead of a lambda of their own: Streamlit keeps a widget's
    format_func and callbacks for the rest of the session, and a function made in a page keeps that
    page's whole namespace alive with it, every frame of the page's last run. After a 100k-row
    import that was the upload's bytes, reading and parse: 50 MB of the server's, for good
    (measured, issue 21)."""
    return functools.partial(_label_of, labels)


def _label_of(labels: dict, option: object) -> str:
    return labels.get(option, option)


def remember(values: dict) -> None:
    """A button's ``on_click``: sets each widget key in ``values`` to its value (not a function of
    the page's own, for the reason in ``labelled``)."""
    for key, value in values.items():
        st.session_state[key] = value


def through_dashboard(page_file: str) -> None:
    """A page opened by a deep link on a freshly started server runs without dashboard.py (Streamlit
    falls back to the pages/ folder before the entry point has registered its navigation): no
    sidebar, no language, no settings. A session that has never been through the entry point goes
    there first, and the entry point opens the page."""
    if not st.session_state.get(PREAMBLE_KEY):
        links.capture()  # the link's choices, before the detour drops the address's query
        st.session_state[DEEP_LINK_KEY] = page_file
        st.session_state[LANG_KEY] = lang()  # ?lang= of the link: switching pages drops the address's query
        st.switch_page("dashboard.py")
    # every page starts here: forget the tables the previous run noted for the page's workbook
    downloads.start_page(next((key for key, name in PAGE_FILES.items() if name == page_file), "app_title"))


def page(title_key: str, caption_key: str | None = None, charts: bool = False) -> Page:
    """Title (and caption) of a page; the empty state instead of the page when there is no data. A page
    that draws ``charts`` has the browser load their code at once (prefetch_charts), right after the
    title, before any element of its own — unless the store is empty: then no chart follows."""
    through_dashboard(PAGE_FILES[title_key])
    st.title(tr(title_key))
    if caption_key:
        st.caption(tr(caption_key))
    links.say_notes()  # what the link asked for that this view cannot show
    db = store()
    with db.session(READ_TIMEOUT):  # these reads in one connection, also where a run starts at the page
        if not db.has_data():
            empty_state()
        if charts:
            prefetch_charts(eager=True)
        return Page(db, lang(), db.data_version(), chosen_teams(db), as_of(), access())


def empty_state() -> None:
    """The first thing a page shows without data: the demo or the Import page."""
    from data.demo import load_demo
    if not may("lead"):  # the demo and imports are not this identity's to make
        st.info(tr("no_data_reader"))
        st.stop()
    st.info(tr("no_data"))
    if may("admin") and st.button(tr("load_demo"), key="load_demo", type="primary"):
        with st.spinner(tr("loading_demo")):
            load_demo(store(), service.today())
        clear_caches()
        st.rerun()
    st.page_link("pages/import.py", label=tr("go_import"), icon=":material/upload_file:")
    st.stop()


def _static(shown: pd.DataFrame) -> None:
    """A static table (``markup.html_table``, escaped: user text is shown as text): long texts wrap
    and are never cut, the rows stay in their order, and the browser builds one element, not one
    per cell as for ``st.table``."""
    st.html(html_table(shown))


def table(frame: pd.DataFrame, key: str, file_name: str, *, unit: str | None = None, bars: list[str] = (),
          colours: dict[str, dict[str, str]] | None = None, widths: dict[str, str | int] | None = None,
          compact: list[str] = (), wrap: bool = False, fixed: bool = False, **options) -> None:
    """A table as people read it (labels and formats of analytics.presentation, empty cells empty)
    and its downloads, which keep the contract's field names and raw values: CSV (formula-like
    cells neutralised, German CSV in German) and .xlsx.

    ``bars``: share columns (0–1) drawn as progress bars; ``colours``: column → {code: background},
    a tint behind the column's word (the word stays: colour is never the only signal); ``widths``:
    column → "small" / "medium" / "large" / pixels, for long texts (the full text shows on hover);
    ``wrap``: a static table whose long texts wrap (problems, notes: a few rows of sentences);
    ``compact``: the columns a phone shows (``phone_table``); the downloads keep every column;
    ``fixed``: rows stay in the order given, a static table no click on a header re-sorts (teams side
    by side must not turn into a league table)."""
    options.pop("column_config", None)  # values arrive formatted for their meaning: no number formats on top
    shown = present(frame, lang(), unit)
    if wrap or (fixed and not compact):
        _static(shown)
        _downloads(frame, key, file_name, unit)
        return
    if fixed:  # st.dataframe lets the user sort by any column; st.table cannot be sorted
        with st.container(key=f"{WIDE}{key}"):
            _static(shown)
        phone_table(shown[[label(column, lang(), unit) for column in compact if column in frame]], key)
        _downloads(frame, key, file_name, unit)
        return
    wide = st.container(key=f"{WIDE}{key}") if compact else st
    # the phone reads shares as the desktop's words write them (68 %), not as the bars' numbers
    phone = shown[[label(column, lang(), unit) for column in compact if column in frame]] if compact else None
    config = {}
    for column in bars:
        if column in frame:
            name = label(column, lang(), unit)
            # in percent points with the language's own percent style (68 % / 68%), not the browser's
            shown[name] = (pd.to_numeric(frame[column], errors="coerce") * 100).round(0).to_numpy()
            style = percent(0, lang()).replace("%", "%%").replace("0", "%d", 1)  # '%d%%' / '%d\u00a0%%'
            config[name] = st.column_config.ProgressColumn(name, format=style, min_value=0.0, max_value=100.0)
    for column, width in (widths or {}).items():
        if column in frame:
            name = label(column, lang(), unit)
            config[name] = st.column_config.TextColumn(name, width=width)
    styled = shown.style if colours else shown  # a Styler only when tinted: its first one costs a template compile
    for column, tints in (colours or {}).items():
        if column in frame:
            background = [f"background-color: {tints[code]}" if code in tints else "" for code in frame[column]]
            styled = styled.apply(lambda _, css=background: css, subset=[label(column, lang(), unit)], axis=0)
    wide.dataframe(styled, hide_index=True, column_config=config or None, **options)
    if compact:
        phone_table(phone, key)
    _downloads(frame, key, file_name, unit)


# a table with a compact column set is drawn twice: in full in a container keyed WIDE…, and with
# the compact columns as a static table keyed NARROW…; the style (STYLE) shows one of them by width
WIDE, NARROW = "table_wide_", "table_narrow_"
PHONE_WIDTH = 640  # px: Streamlit stacks st.columns below this width too


PHONE_NAVIGATION = "phone_navigation"
PREFETCH = "prefetch_charts"  # the hidden element of prefetch_charts


def phone_navigation(pages: list) -> None:
    """Every page as a labelled link on top of the page, for phones only: there the navigation bar
    folds into the sidebar behind an unlabelled "»" (the STYLE hides these links on wider screens)."""
    with st.container(key=PHONE_NAVIGATION, horizontal=True, gap="small"):
        for entry in pages:
            st.page_link(page=entry, label=md_escape(entry.title), icon=entry.icon)


def phone_table(shown: pd.DataFrame, key: str) -> None:
    """The phone's version of a table (screens narrower than PHONE_WIDTH): a few columns, chosen by
    the page, as a static table whose texts wrap, so a phone reads whole rows without scrolling sideways.
    The previous element (the full table) must be in the container keyed ``WIDE + key``."""
    with st.container(key=f"{NARROW}{key}"):
        _static(shown)


# The product's own style, a constant (no user text): whole team names in the sidebar's chips
# (they wrap instead of ending in "Key Account Autom…"), and on a phone the compact tables instead
# of the full ones; the static tables (markup.html_table) with the lines of a table.
STYLE = f"""<style>
section[data-testid="stSidebar"] [data-testid="stMultiSelect"] [data-tag] {{ height: auto; max-width: 100%; }}
section[data-testid="stSidebar"] [data-testid="stMultiSelect"] [data-tag] > span {{
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: anywhere; line-height: 1.3; padding: 2px 0; }}
@media (min-width: {PHONE_WIDTH}px) {{ div[class*="st-key-{NARROW}"] {{ display: none; }} }}
div[class*="st-key-{NARROW}"] :is(th, td) {{ overflow-wrap: anywhere; }}
div.{STATIC_TABLE} {{ overflow-x: auto; }}
div.{STATIC_TABLE} table {{ border-collapse: collapse; width: 100%; font-size: 0.875rem; line-height: 1.5; }}
div.{STATIC_TABLE} :is(th, td) {{ text-align: left; vertical-align: top; padding: 0.5rem 0.75rem;
  border: 1px solid color-mix(in srgb, currentColor 15%, transparent); }}
div.{STATIC_TABLE} th {{ font-weight: 600; }}
div.{STATIC_TABLE}:focus-visible {{ outline: 2px solid currentColor; outline-offset: 2px; }}
div.{links.LINK_BOX} {{ display: flex; gap: 0.5rem; align-items: flex-start; padding: 0.5rem 0.75rem; border-radius: 0.5rem;
  background: color-mix(in srgb, currentColor 6%, transparent); }}
div.{links.LINK_BOX} code {{ flex: 1; min-width: 0; overflow-wrap: anywhere; font-size: 0.8rem; background: none; padding: 0; }}
div.{links.LINK_BOX} button {{ flex: none; font: inherit; font-size: 0.8rem; color: inherit; cursor: pointer; background: transparent;
  border: 1px solid color-mix(in srgb, currentColor 30%, transparent); border-radius: 0.5rem; padding: 0.125rem 0.5rem; }}
div.{links.LINK_BOX} button:hover {{ border-color: currentColor; }}
div.{links.LINK_BOX} button:focus-visible {{ outline: 2px solid currentColor; outline-offset: 2px; }}
@media (max-width: {PHONE_WIDTH - 0.02}px) {{ div[class*="st-key-{WIDE}"] {{ display: none; }} }}
@media (min-width: {PHONE_WIDTH}px) {{ div.st-key-{PHONE_NAVIGATION} {{ display: none; }} }}
div.st-key-{PREFETCH} {{ display: none; }}
</style>"""


# --- once per server process: what the first run of each page would otherwise load ------------

_LATER_MODULES = ("data.reports",)  # imported inside functions the pages call (the report download)


@functools.cache
def warm_up() -> None:
    """Start, once per process and in the background, what a page's first run would otherwise pay
    in the middle of a visit: the modules the pages import (a page file is run, not imported,
    so its imports happen at its first run — after an import, on the way to the Sprint review)
    and plotly's figure classes, which plotly loads at their first use; then it takes what is
    loaded out of the collector's sight (``_freeze_loaded_objects``). The thread only loads code;
    nothing of the store is read, and a failure leaves the loading to the pages. Before that, the
    process's allocator is told to give large blocks back when they are freed (``give_back_freed_memory``)."""
    give_back_freed_memory()
    threading.Thread(target=_warm_process, name="dashboard-warm-up", daemon=True).start()


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
LARGE_BLOCK = 128 * 1024  # bytes: glibc's own starting value of the threshold


def give_back_freed_memory() -> bool:
    """Have glibc's allocator keep the size from which a block is mapped on its own (and unmapped,
    given back to the system, when freed) at 128 KiB for the process's life; False where the C
    library is not glibc (nothing changed).

    By default glibc raises that size to the largest block freed so far (up to 32 MiB): after the
    upload check had freed its first column-sized arrays, the next ones came from the heap, and
    what they left there when freed was held by the process for good, pinned by the smaller objects
    made between them. With a fixed size the check's columns go back to the system: the server's
    peak over a 100k-row upload, its import and the Sprint review fell from 409–421 MB to 374–377 MB
    (with the item frame made from arrays), the check's own memory afterwards by 64 MB; the check
    took about 0.1 s longer (more pages mapped anew) and the pages' runs did not change (measured,
    issue 21)."""
    import ctypes
    import ctypes.util
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.gnu_get_libc_version and libc.mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK))
    except (OSError, AttributeError, TypeError):
        return False


def _warm_process() -> None:
    _warm()
    _freeze_loaded_objects()


def _freeze_loaded_objects() -> None:
    """After the warm-up, every object alive in the process (the modules' code, plotly's validators,
    Streamlit's own) is moved out of the collector's sight (``gc.freeze``). Streamlit collects
    garbage after every script run (its ``runner.postScriptGC``); that full collection visited
    each of those objects every time: 100–170 ms of every rerun of the Sprint review at the
    benchmark's 100k-row store, holding the GIL while the run's last messages waited to be sent;
    5–8 ms once they are frozen (measured, issue 21): it visits only what has been made since.
    Frozen objects are still freed when nothing refers to them; only a reference cycle among them
    stays, and they are frozen once per process."""
    gc.collect()
    gc.freeze()


# A page file's imports, one statement per line (the pages' own code; ``from x import (a, b)`` reads x).
# A pattern and not ``ast.parse``: on Python 3.11 ast.parse is not thread-safe — its recursion counter
# is shared by all threads, and this thread parsing beside Streamlit's compilation of a page script
# (``add_magic`` runs ast.parse) made that page fail with "AST constructor recursion depth mismatch".
_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([^#\n]+))", re.MULTILINE)


def page_imports(source: str) -> list[str]:
    """The absolute modules a page's code imports, in order, each once (``import a as b, c`` reads a, c)."""
    names: list[str] = []
    for module, plain in _IMPORT_LINE.findall(source):
        names += [module] if module else [part.split()[0] for part in plain.split(",") if part.strip()]
    return list(dict.fromkeys(names))


def _warm() -> None:
    import importlib
    from pathlib import Path
    try:
        names = list(_LATER_MODULES)
        for page in sorted((Path(__file__).resolve().parent / "pages").glob("*.py")):
            names += page_imports(page.read_text(encoding="utf-8"))
        for name in dict.fromkeys(names):
            importlib.import_module(name)
        import plotly.graph_objects as go
        import plotly.io
        # one small figure with the parts the pages' charts use (bars, lines, titles, axes, legend,
        # shapes, annotations), in the JSON ui.chart sends
        figure = go.Figure([go.Bar(x=pd.Series(["a"]), y=pd.Series([1.0]), marker={"pattern": {"shape": "/"}}),
                            go.Scatter(x=["a"], y=[1.0], line={"dash": "dot"})])
        figure.update_layout(title={"text": "t", "subtitle": {"text": "s", "font": {"size": 1}}, "font": {"size": 1}},
                             legend={"font": {"size": 1}}, margin={"t": 1}, hoverlabel={"namelength": -1},
                             xaxis={"title": {"text": "x", "font": {"size": 1}}, "tickfont": {"size": 1}},
                             yaxis={"title": {"text": "y", "font": {"size": 1}}, "tickfont": {"size": 1}},
                             shapes=[{"type": "line", "line": {"dash": "dot"}}], annotations=[{"text": "a"}])
        plotly.io.to_json(figure)
    except Exception:  # noqa: BLE001 - an optimisation only: the pages load what they need themselves
        logging.getLogger("dashboard").debug("warm-up stopped", exc_info=True)


# --- charts: plotly.js's basic bundle in the browser ------------------------------------------

# plotly.js's basic bundle (bar and scatter traces: every chart of the dashboard), from the app's
# static files (static/, served at app/static/ beside Streamlit's own files, whatever path the server
# is mounted under), loaded once per browser session: the chart element and the pages' prefetch share
# the one promise. Streamlit's own chart element loads the full plotly.js, 4.7 MB that a new session
# evaluates for 0.9 s in Chromium here; the basic bundle is 1.1 MB and 0.2 s.
PLOTLY_FILE = "plotly-basic.min.js"
_PLOTLY = ("(window.__dashboardPlotly ??= new Promise((resolve, reject) => {"
           " const app = document.querySelector('script[type=module][src*=\"/static/js/index.\"]');"
           " const code = document.createElement('script');"
           f" code.src = new URL('../../app/static/{PLOTLY_FILE}', app ? app.src : location.href).href;"
           " code.onload = () => resolve(window.Plotly);"
           " code.onerror = () => { window.__dashboardPlotly = undefined; reject(new Error('plotly.js')); };"
           " document.head.appendChild(code); }))")
CHART_CLASS = "dashboard-chart"  # the element each chart is drawn into (tests and scripts/settled.py look for it)

# One chart. Its first data draws it, a rerun's new data redraws it in place (Plotly.react: only what
# changed, where Streamlit's element made a new chart each time); its height is kept while plotly.js
# loads, its width follows the page (a chart drawn in a hidden tab too), and plotly's toolbar gains a
# full-screen button (Streamlit's element had one).
_CHART_JS = """
const plotly = () => %(plotly)s;
const FULL_SCREEN = {width: 24, height: 24, path: 'M3 3h7v2H5v5H3zm11 0h7v7h-2V5h-5zM3 14h2v5h5v2H3zm16 0h2v7h-7v-2h5z'};
export default function ({ parentElement, data }) {
  const plot = parentElement.querySelector('.%(chart)s');
  const height = data.figure.layout.height || 450;
  plot.style.minHeight = height + 'px';
  plot.__data = data;
  plotly().then(Plotly => {
    // the page's font where the figure names none (as Streamlit's element drew them)
    const layout = {...data.figure.layout, font: {family: getComputedStyle(document.body).fontFamily, ...data.figure.layout.font}};
    const config = {...data.config, responsive: true, modeBarButtonsToAdd: [
      {name: data.labels.fullscreen, icon: FULL_SCREEN, click: () => plot.requestFullscreen && plot.requestFullscreen()}]};
    // each finished drawing counted on the element: what the benchmark's filter change waits for
    plot.__drawnWidth = plot.clientWidth;  // plotly sizes the figure to its element's width now
    Plotly.react(plot, data.figure.data, layout, config).then(() => { plot.dataset.draws = +(plot.dataset.draws || 0) + 1; });
    if (!plot.__watched) {
      // drawn again at a new width (the window's, a tab's shown); not at the observer's first report,
      // which is the width just drawn at: that drew every chart a second time, 60-110 ms each of the
      // browser's time while the rest of the page waited (measured, issue 21)
      plot.__watched = new ResizeObserver(() => {
        if (!plot.offsetParent || Math.abs(plot.clientWidth - plot.__drawnWidth) < 1) return;
        plot.__drawnWidth = plot.clientWidth;
        Plotly.Plots.resize(plot);
      });
      plot.__watched.observe(plot);
      plot.addEventListener('fullscreenchange', () => Plotly.relayout(plot, {height:
        document.fullscreenElement === plot ? window.innerHeight : plot.__data.figure.layout.height || null}));
    }
  }, () => { plot.textContent = data.labels.failed; });
  return () => { if (plot.__watched) plot.__watched.disconnect(); if (window.Plotly) window.Plotly.purge(plot); };
}
""" % {"plotly": _PLOTLY, "chart": CHART_CLASS}


@functools.cache
def _chart_element():
    """The chart element (a Streamlit component of our own, in the page's document: plotly.js puts its
    styles into the document's head), registered once per process."""
    return st.components.v2.component("dashboard_chart", html=f'<div class="{CHART_CLASS}"></div>',
                                      css=f".{CHART_CLASS} {{ width: 100%; background: #ffffff; }}",
                                      js=_CHART_JS, isolate_styles=False)


# The charts' code only, nothing drawn (prefetch_charts).
_CODE_JS = """
const idle = (work, timeout) => (window.requestIdleCallback || setTimeout)(work, {timeout});
// one small chart with the parts the pages' charts have, drawn out of sight and taken away again
const WARM = [[{type: 'bar', x: ['a', 'b'], y: [1, 2], name: 'a', marker: {pattern: {shape: '/'}}},
               {type: 'scatter', x: ['a', 'b'], y: [2, 1], name: 'b', line: {dash: 'dot'}}],
              {title: {text: 'a', subtitle: {text: 'b'}}, legend: {orientation: 'h'}, hovermode: 'x unified',
               width: 600, height: 300, shapes: [{type: 'line', x0: 0, x1: 1, y0: 1, y1: 1, xref: 'paper'}],
               annotations: [{text: 'c', x: 'a', y: 1}]}];
const warm = Plotly => idle(() => {
  if (window.__dashboardChartsWarm !== undefined) return;
  window.__dashboardChartsWarm = false;
  const place = document.createElement('div');
  place.style.cssText = 'position: fixed; left: -10000px; top: 0; width: 600px; visibility: hidden';
  document.body.appendChild(place);
  Plotly.newPlot(place, ...WARM, {responsive: true}).finally(() => {
    Plotly.purge(place); place.remove(); window.__dashboardChartsWarm = true; });
}, 5000);
export default function ({ data }) {
  if (data.when === 'now') { %(plotly)s.catch(() => {}); return; }
  idle(() => %(plotly)s.then(warm, () => {}), 5000);
}
""" % {"plotly": _PLOTLY}


@functools.cache
def _chart_code_element():
    return st.components.v2.component("dashboard_chart_code", html="", js=_CODE_JS)


def prefetch_charts(eager: bool = False) -> None:
    """Have the browser load the charts' code, which a browser session otherwise loads only when its
    first chart arrives: plotly.js's basic bundle and Streamlit's code for components (mounting this
    hidden element loads it; the charts are components too). ``eager``, at the top of a page with charts:
    at once, while the rest of the page's elements still arrive and are laid out, not after them.
    Otherwise once the browser is idle: the Import page, which draws no chart, once files are
    uploaded (while they are checked), before the Sprint review. Not Home: the browser is "idle"
    between the messages of a page still arriving, and a link to Home waited for the evaluation.
    A hidden element; the same file and promise as the chart element's, loaded once per session.
    Streamlit's code for components had been fetched only with the first chart: on the way from an
    import to the Sprint review its first chart was drawn about 0.1 s after the page's run (measured).
    Not ``eager`` (the Import page, while the server checks the files), the browser also draws one
    small chart out of sight and removes it: a document's first chart costs plotly.js about twice what
    the next one does (its styles, its text measuring, code run for the first time; 232 ms against
    108–158 ms for the velocity chart, measured in Chromium here), and the Sprint review that follows
    the import is the same document."""
    with st.container(key=PREFETCH):
        _chart_code_element()(key="chart_code", data={"when": "now" if eager else "idle"})


def style() -> None:
    """The STYLE of every page (called by the entry point before the page runs)."""
    st.html(STYLE)


def _downloads(frame: pd.DataFrame, key: str, file_name: str, unit: str | None) -> None:
    with st.container(horizontal=True):  # CSV and .xlsx side by side
        german = lang() == "de"  # made on click, not on every rerun of the page
        st.download_button(tr("download_csv"), lambda: to_csv_bytes(frame, german=german), file_name=f"{file_name}.csv",
                           mime="text/csv", key=f"{key}_csv", help=tr("download_help"), on_click="ignore")
        downloads.xlsx_button(frame, key, file_name, unit, lang())


def open_tab(key: str, labels: dict[str, str]):
    """Tabs of which only the open one is drawn: ``labels`` (name → label) as tabs; the name of the
    open tab and its container, to draw it into. Choosing another tab reruns the page, which then
    draws that one; a page with every tab drawn sent every tab's tables on each rerun (the Sprint
    review: six lists, each a grid with its downloads, on every filter change). The choice is kept by
    name, so the same tab stays open when its label changes (a count in it, the language)."""
    escaped = {name: md_escape(label) for name, label in labels.items()}  # tab labels are Markdown
    chosen, remembered = st.session_state.get(key), f"{key}_name"
    names = {label: name for name, label in escaped.items()}
    if chosen in names:
        st.session_state[remembered] = names[chosen]
    elif st.session_state.get(remembered) in escaped:
        st.session_state[key] = escaped[st.session_state[remembered]]
    tabs = dict(zip(labels, st.tabs([md_escape(label) for label in labels.values()], key=key, on_change="rerun")))
    name = next((name for name, tab in tabs.items() if tab.open), next(iter(labels)))
    return name, tabs[name]


def note_table(frame: pd.DataFrame, file_name: str, unit: str | None = None) -> None:
    """A table the page holds without drawing it (a closed tab's), in the page's workbook all the same."""
    downloads.note_table(frame, file_name, unit)


def chart(figure, key: str) -> None:
    """A plotly figure, drawn in the browser by plotly.js's basic bundle (``_chart_element``); plotly's
    own "download as PNG" button stays in the toolbar: it works offline."""
    import plotly.io
    spec = json.loads(plotly.io.to_json(figure, validate=False))  # numbers and dates as plotly.js reads them
    _chart_element()(key=key, data={
        "figure": spec, "config": {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2, "filename": key}},
        "labels": {"fullscreen": tr("chart_fullscreen"), "failed": tr("chart_failed")}})


def caption(text: str) -> None:
    """Explanations built from user data (team names, sprint types) shown as plain text."""
    st.text(text)


# --- what leaves the dashboard: downloads, reports, the backup (downloads.py, given the page's
# language and store; it never imports this module) ------------------------------------------------

def page_xlsx_download() -> None:
    """At the end of a page: every table it showed in one workbook, one sheet per table."""
    downloads.page_xlsx_download(lang())


def report_download(kind: str, team: str | None, sprint_or_cycle: str, as_of: date, version: tuple) -> None:
    """The sprint review report (``kind='sprint'``) or the OKR cycle report (``kind='cycle'``) as HTML
    or PDF, with progress while it renders, then its download."""
    downloads.report_download(store(), lang(), kind, team, sprint_or_cycle, as_of, version)


def backup_section() -> None:
    """The Import page's "Backup and restore": download the whole store; restore into an empty one."""
    downloads.backup_section(store(), lang(), on_restored=clear_caches)
