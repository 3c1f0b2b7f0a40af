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
    """An undo that would not restore a consistent state."""
