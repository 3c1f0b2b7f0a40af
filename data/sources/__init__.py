"""The tools whose issue exports the dashboard reads, listed in one place.

Each tool is one module (its column aliases, required fields, detection, row rules and sprint
calendar) whose ``SOURCE`` is registered here; the importer, the Import page, ``inspect``,
detection and the command line's ``--source`` choices all ask this registry. A new tool (GitHub
Projects, Shortcut, ClickUp …) is one new module beside these and one line below. Detection tries
the tools in the order they are registered.
"""
from __future__ import annotations

from collections.abc import Iterable

from data.csvfile import RawTable
from data.sources import azure, jira, linear
from data.sources.common import (INSPECTED_ROWS, REGISTRY, REQUIRED, Inspection, Rows, Source, Table, detect_source,
                                 fit_mapping, register, sprint_sequence, unregister)
from data.sources.common import inspect as _inspect
from data.sources.common import parse_export as _parse_export
from data.templates import ParsedFile

register(jira.SOURCE)
register(azure.SOURCE)
register(linear.SOURCE)

SOURCES = REGISTRY  # name → Source; iterating gives the names, in detection order

__all__ = ["INSPECTED_ROWS", "REQUIRED", "SOURCES", "Inspection", "Rows", "Source", "Table", "detect_source", "fit_mapping", "inspect",
           "parse_export", "register", "sprint_sequence", "unregister"]


def inspect(raw: RawTable, source: str, mapping: dict[str, str] | None = None) -> Inspection:
    """What the columns of an export of ``source`` (a registered name) were recognised as."""
    return _inspect(raw, SOURCES[source], mapping)


def parse_export(raw: RawTable, source: str, *, team: str | None = None, mapping: dict[str, str] | None = None,
                 known_krs: Iterable[str] = (), day_first: bool | None = None) -> ParsedFile:
    """An issue export of ``source`` (a registered name) as sprint items, sprints and teams."""
    return _parse_export(raw, SOURCES[source], team=team, mapping=mapping, known_krs=known_krs, day_first=day_first)
