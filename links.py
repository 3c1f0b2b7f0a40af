"""The view in the address (issue 24): every choice that shapes a page — language, as-of day, teams,
the review's sprint and unit, the retrospective's team, the OKR cycle — is a query parameter, read
back when a link is opened and written as the choice changes, so a link sent ten minutes before the
review opens exactly that view.

How it works, and why not Streamlit's ``bind="query-params"``: a link's values are checked against
what the person opening it may see, and a value that is not there (a mistyped day, a sprint that
was undone, a team that is not theirs) is said in a sentence while the page shows its default —
never an exception, and never a hidden team's name. A deep link to a page on a fresh server also
detours through the entry point (``ui.through_dashboard``), which drops the address's query; so
the address is read once per session, at its first run, into the session (``capture``), and each
choice takes its value from there the first time its widget is drawn (``choose``). From then on the
widget's state is the choice, and every run writes it back to the address (``show``).

The parameters: ``lang``, ``as_of`` (ISO day), ``team`` (repeated, the sidebar's teams),
``sprint_team`` + ``sprint`` (Sprint review), ``unit`` (``points`` / ``items``), ``retro_team``,
``cycle`` (OKRs)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from html import escape
from typing import TypeVar
from urllib.parse import urlencode

import streamlit as st

from i18n import t
from markup import catalog_md

Choice = TypeVar("Choice")

CAPTURED_KEY = "_link"  # the address's parameters as the session's first run found them
NOTES_KEY = "_link_notes"  # what the link asked for that could not be shown, said once on the page


def capture() -> None:
    """Keep the address's parameters for this session (its first run only: later runs' addresses
    are the ones this module wrote)."""
    if CAPTURED_KEY not in st.session_state:
        st.session_state[CAPTURED_KEY] = {name: st.query_params.get_all(name) for name in st.query_params}


def asked(name: str) -> list[str]:
    """The values the link gave for ``name``, handed out once (then the widget's state decides)."""
    capture()
    return st.session_state[CAPTURED_KEY].pop(name, [])


def note(lang: str, key: str, **values) -> None:
    """Something the link asked for that the page cannot show: said (once) under the page's title."""
    st.session_state.setdefault(NOTES_KEY, []).append(catalog_md(key, lang, **values))


def say_notes() -> None:
    for text in st.session_state.pop(NOTES_KEY, []):
        st.warning(text, icon=":material/link_off:")


def linked_day(lang: str) -> date | None:
    """The link's as-of day, or None (none given, or not a day: then said)."""
    values = asked("as_of")
    if not values:
        return None
    try:
        return date.fromisoformat(values[0])
    except ValueError:
        note(lang, "link_bad_day", value=values[0])
        return None


def linked_teams(lang: str, visible: Sequence[str]) -> list[str] | None:
    """The link's teams among the visible ones, or None (none given, or none of them visible). The
    ones left out are counted, never named: a team that does not exist and a team this identity may
    not see read the same."""
    values = asked("team")
    if not values:
        return None
    kept = [team for team in dict.fromkeys(values) if team in visible]
    missing = len(dict.fromkeys(values)) - len(kept)
    if missing:
        note(lang, "link_bad_teams_none" if not kept else "link_bad_teams", n=missing)
    return kept or None


def choose(lang: str, key: str, options: Sequence[Choice], default: Choice,
           params: Callable[[Choice], dict[str, str]], what: str) -> None:
    """Before drawing the widget ``key`` (without ``index``/``value``): its state set to the link's
    choice the first time it is drawn in this session, else to ``default``; a link's value that is
    not among ``options`` is said (``what`` names the choice) and the default shown. A state no
    longer among the options (the data changed) falls back to the default too."""
    names = list(params(default))
    wanted = {name: asked(name) for name in names}
    if any(wanted.values()):
        given = {name: values[0] for name, values in wanted.items() if values}
        found = next((option for option in options if params(option) == given), None)
        if found is None:  # said where the choice is; the value is not repeated (it may name a team)
            st.warning(catalog_md("link_bad_choice", lang, what=t(what, lang)), icon=":material/link_off:")
        else:
            st.session_state[key] = found
            return
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default


PAGE_PARAMS = ("sprint_team", "sprint", "unit", "retro_team", "cycle")


def show(**params: str | Sequence[str] | None) -> None:
    """Write choices to the address (None: the parameter is left out, e.g. "every team")."""
    for name, value in params.items():
        if value is None or (not isinstance(value, str) and not value):
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get_all(name) != ([value] if isinstance(value, str) else list(value)):
            st.query_params[name] = value


def current_link() -> str:
    """The address of this page with every choice it shows."""
    query = urlencode([(name, value) for name in st.query_params for value in st.query_params.get_all(name)])
    base = st.context.url or ""
    return f"{base}?{query}" if query else base


LINK_BOX = "view-link"  # the class of the link box; ui's STYLE draws it

# Copies the box's address on a click: the clipboard where the page may write it (https, localhost),
# else the address selected and copied the old way. No value is written into the script: it reads
# the address and its two words from the box it stands in.
_COPY = """<script>(() => {
  const box = document.currentScript.closest('.%s'), button = box.querySelector('button');
  button.addEventListener('click', async () => {
    const link = box.querySelector('code').textContent;
    let copied = false;
    try { await navigator.clipboard.writeText(link); copied = true; } catch (error) {
      const range = document.createRange(), chosen = window.getSelection();
      range.selectNodeContents(box.querySelector('code')); chosen.removeAllRanges(); chosen.addRange(range);
      try { copied = document.execCommand('copy'); } catch (error) { copied = false; }
    }
    if (copied) { button.textContent = button.dataset.copied; setTimeout(() => { button.textContent = button.dataset.copy; }, 2000); }
  });
})();</script>""" % LINK_BOX


def link_html(link: str, copy: str, copied: str) -> str:
    """The link box: the address as text (escaped) and a copy button with its two words (escaped)."""
    return (f'<div class="{LINK_BOX}"><code>{escape(link)}</code>'
            f'<button type="button" data-copy="{escape(copy)}" data-copied="{escape(copied)}">{escape(copy)}</button>'
            f"{_COPY}</div>")


def link_box(lang: str) -> None:
    """"Link to this view": the address with every choice, in a box with a copy button. Its own
    small HTML, not ``st.code``, whose syntax highlighter (1.5 MB of code) a new browser session
    would load and evaluate for this one box on every page."""
    st.caption(t("link_to_view", lang), help=t("link_to_view_help", lang))
    st.html(link_html(current_link(), t("link_copy", lang), t("link_copied", lang)), unsafe_allow_javascript=True)
