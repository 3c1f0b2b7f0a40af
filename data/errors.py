"""Domain errors of the import: every problem names file, row, column and what to do."""
from __future__ import annotations

from dataclasses import dataclass


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


class ImportFailed(Exception):
    """An import that wrote nothing, with every problem found."""

    def __init__(self, title: str, problems: list[Problem]):
        self.title = title
        self.problems = list(problems)
        super().__init__(title + "".join(f"\n- {p}" for p in self.problems))


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

    title = "The data is busy"

    def __init__(self, waited: float):
        self.waited = waited
        self.message = (f"Another program (an import or a second dashboard) is using the data; it was still busy "
                        f"after {waited:.0f} s. Try again in a moment.")
        super().__init__(self.message)


class StoreUnavailable(Exception):
    """The database cannot be used at all: a folder that does not exist, a file that is not a
    DuckDB database, ``:memory:``. The command line exits with code 3 (2 for ``--db :memory:``)."""

    def __init__(self, message: str):
        self.title = "The data cannot be opened"
        self.message = message
        super().__init__(message)


class SettingInvalid(ValueError):
    """A ``DASHBOARD_*`` setting with a value the product cannot use; the message names it."""
