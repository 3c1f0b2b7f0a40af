"""Domain errors of the import: every problem names file, row, column and what to do; and the
messages they carry, in the user's language.

Messages in any language
------------------------
Every sentence the data layer makes for people (a problem, an import's title, a note, a warning, a
progress text, a refusal) is a ``Message``: a ``str`` whose text is English, so the command line,
JSON output, logs and tests read it as before, and which keeps its catalog id and values so a page
can write it in the chosen language (``ui.said``, numbers and dates by the language's rules,
``analytics.formatting.fill``). Its texts live in the gettext catalogs of ``i18n`` (``locales/``),
under ids ``imp_<name>``; a language without the id shows the English text.

To add a message: add an entry with ``msgctxt "imp_<name>"`` and the English text as ``msgid`` to
``locales/en/LC_MESSAGES/messages.po`` (format specs such as ``{rows:,}`` included), run ``make
translations`` and give it its German ``msgstr`` in ``locales/de/…`` with the same ``{placeholders}``
(``make check-translations`` says what is missing), and replace the
f-string with ``say("<name>", rows=…)`` (no value may be called ``key``: say's own). Values are user text (shown as they are), numbers and
dates (written by the language's rules), or other Messages (written in the same language: a fixed
word such as a delimiter's name, a hint shared by several messages). A Message stays one only as
long as it is passed on as itself: ``str(exc)``, ``+``, slicing or an f-string make a plain English
``str``; take a ValueError's message with ``message_of(exc)`` and build longer texts as Messages
with the parts as values. A plain ``str`` still works everywhere: it shows as it is. Messages in pandas
columns do not survive either (pandas makes a column of texts plain ``str``): keep them in a list
and put their positions in the frame, as ``data.sources.common.Table.report`` does.
"""
from __future__ import annotations

from dataclasses import dataclass

from analytics.formatting import fill
from i18n import template

PREFIX = "imp_"


class Message(str):
    """A sentence of the data layer: English as a ``str``, and ``in_language(lang)`` for a page.

    Pickles and copies as its id and values (a page keeps the last check in ``st.session_state``)."""

    key: str
    values: dict

    def __new__(cls, key: str, values: dict | None = None):
        values = dict(values or {})
        self = super().__new__(cls, _render(key, "en", values))
        self.key, self.values = key, values
        return self

    def __reduce__(self):
        return Message, (self.key, self.values)

    def in_language(self, lang: str) -> str:
        return _render(self.key, lang, self.values)


def _render(key: str, lang: str, values: dict) -> str:
    return fill(template(PREFIX + key, lang, values.get("n")), lang, **values)


def in_language(message, lang: str) -> str:
    """A Message in a language, numbers and dates written its way; any other text (an old message, a
    library's error) as it is."""
    return message.in_language(lang) if isinstance(message, Message) else str(message)


def say(key: str, **values) -> Message:
    """The message ``imp_<key>`` of the catalog filled with ``values`` (English as ``str``)."""
    return Message(key, values)


def joined(messages: list[str]) -> str:
    """Sentences one after the other, "; " between them, each still written in the page's language
    (``"; ".join`` would make one plain English ``str``)."""
    if not messages:
        return ""
    whole = messages[0]
    for message in messages[1:]:
        whole = say("joined", first=whole, then=message)
    return whole


def message_of(exc: BaseException) -> str:
    """The message an exception was raised with, a ``Message`` kept as one (``str(exc)`` is plain)."""
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], Message) else str(exc)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload, located as a spreadsheet user would find it."""

    file: str
    row: int | None  # as a spreadsheet counts: the header is row 1
    column: str | None
    message: str
    value: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column,
                "value": self.value, "message": self.message}


# How many problems a page or the command line lists one by one; all of them are counted, grouped
# (``problem_groups``) and offered whole (a CSV on the page, ``--json`` on the command line).
SHOWN_PROBLEMS = 50


class ImportFailed(Exception):
    """An import that wrote nothing, with every problem found (never only the first 50) and
    ``hints``: sentences on what to do about many of them at once (a mapping that would fit)."""

    def __init__(self, title: str, problems: list[Problem], hints: list[str] = ()):
        self.title = title
        self.problems = list(problems)
        self.hints = list(hints)
        shown = "".join(f"\n- {p}" for p in self.problems[:SHOWN_PROBLEMS])
        more = f"\n({SHOWN_PROBLEMS} of {len(self.problems):,} shown)" if len(self.problems) > SHOWN_PROBLEMS else ""
        super().__init__(title + shown + more + "".join(f"\n{hint}" for hint in self.hints))

    @property
    def rows_only(self) -> bool:
        """Every problem is in a data row (not the header, not the file as a whole): an import that
        skips invalid rows can leave these out and import the rest."""
        return bool(self.problems) and all(p.row is not None and p.row >= 2 for p in self.problems)


def problem_groups(problems: list[Problem]) -> list[str]:
    """Problems that repeat, one sentence per kind and file with its count and first example:
    2,400 duplicate keys read as one line, not as 2,400 (or as the first 50)."""
    groups: dict[tuple, list[Problem]] = {}
    for problem in problems:
        kind = problem.message.key if isinstance(problem.message, Message) else problem.message
        groups.setdefault((problem.file, problem.column, kind), []).append(problem)
    return [say("problem_group", n=len(found), file=file, column=column or "–", row=found[0].row or "–",
                example=found[0].message)
            for (file, column, _), found in groups.items() if len(found) > 1]


@dataclass(frozen=True)
class Rejected:
    """A data row left out by an import that skips invalid rows: where it was, why, and the row
    itself as the file had it (header → cell, in the file's order), for the rejects CSV."""

    file: str
    row: int
    columns: str
    message: str
    original: tuple[tuple[str, str], ...]


class UndoRefused(Exception):
    """An undo that would not restore a consistent state. ``dependents`` are the later imports
    that hold rows depending on the refused one (undo with ``cascade=True`` removes them too)."""

    def __init__(self, message: str, dependents: list[int] | None = None):
        self.dependents = list(dependents or [])
        super().__init__(message)


class StoreBusy(Exception):
    """Another program holds the database file (DuckDB allows one writing process at a time) and
    did not let go within the wait. ``title`` and ``message`` are sentences for the user: no paths,
    no process ids. Pages show them and try again; the command line exits with code 3."""

    title = say("busy_title")

    def __init__(self, waited: float):
        self.waited = waited
        self.message = say("busy", waited=waited)
        super().__init__(self.message)


class StoreConflict(StoreBusy):
    """Other processes kept committing to a DuckLake store first: this write ran ``attempts`` times
    on newer data and was rolled back each time. Nothing of it was written; try again later."""

    def __init__(self, attempts: int):
        super().__init__(0.0)
        self.attempts = attempts
        self.message = say("conflict", attempts=attempts)
        self.args = (self.message,)


class StoreUnavailable(Exception):
    """The database cannot be used at all: a folder that does not exist, a file that is not a
    DuckDB database, ``:memory:``, a DuckLake whose PostgreSQL is down or refuses the sign-in. The command line exits with code 3 (2 for ``--db :memory:``)."""

    def __init__(self, message: str):
        self.title = say("unavailable_title")
        self.message = message
        super().__init__(message)


class SettingInvalid(ValueError):
    """A ``DASHBOARD_*`` setting with a value the product cannot use; the message names it."""
