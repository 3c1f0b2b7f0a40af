"""User text shown literally where Streamlit renders Markdown: the one escaping function, and catalog
texts filled with escaped values; ``ui`` and ``downloads`` both use it (it imports neither)."""
from __future__ import annotations

import re
from functools import lru_cache

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
