"""User text shown literally where Streamlit renders Markdown or HTML: the one Markdown escaping
function, catalog texts filled with escaped values, and static tables as escaped HTML; ``ui`` and
``downloads`` both use it (it imports neither)."""
from __future__ import annotations

import re
from functools import lru_cache
from html import escape

import pandas as pd

from i18n import t

_AUTOLINK = re.compile(r"(?i)(?:https?|ftp)(?=\\?:)|www(?=\\?\.)|(?=@)")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text) -> str:
    """User text in a place Streamlit renders as Markdown (labels, headers) shown literally: every
    Markdown character escaped, and addresses broken with an invisible word joiner so that GitHub's
    autolinking (which ignores escapes) cannot turn http://…, www.… or a@b into links."""
    return _escaped(str(text))


@lru_cache(maxsize=1 << 16)  # a static table escapes every cell: thousands, most of them repeated
def _escaped(text: str) -> str:
    escaped = _MARKDOWN.sub(r"\\\1", text)
    return _AUTOLINK.sub(lambda m: m.group(0) + "\u2060", escaped)


def catalog_md(key: str, lang: str, **values) -> str:
    """A catalog text for a place Streamlit renders as Markdown, with every filled-in value (a team,
    a unit, a file name …) escaped: the catalog's own words may format, user text never does."""
    return t(key, lang, **{name: md_escape(value) if isinstance(value, str) else value for name, value in values.items()})


STATIC_TABLE = "static-table"  # the class of html_table's box; the STYLE of ui draws it


def html_table(shown: pd.DataFrame) -> str:
    """A table of texts (a frame as ``analytics.presentation`` writes it) as one HTML element: every
    header and cell escaped, so user text shows as text; missing cells empty. ``st.table`` draws each
    cell as a Markdown element of its own: a 50-team table was thousands of elements for the browser
    to build, most of them hidden (a phone's version of a table beside the desktop's). The box
    scrolls sideways when the table is wider than the page, and takes the keyboard's focus for it."""
    def cell(value) -> str:
        return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else escape(str(value))
    head = "".join(f'<th scope="col">{cell(name)}</th>' for name in shown.columns)
    body = "".join("<tr>" + "".join(f"<td>{cell(value)}</td>" for value in row) + "</tr>"
                   for row in shown.itertuples(index=False, name=None))
    return f'<div class="{STATIC_TABLE}" tabindex="0"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
