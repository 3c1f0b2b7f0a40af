"""The tool exports are registered sources: a new tool is one module plus one registry line.

tests/fake_tool.py is such a module for a made-up tool ("Storyboard"); registered, its export is
detected, inspected, offered on the command line and imported end to end like Jira's, with the
same rules and messages. Expected figures are worked out by hand in the comments."""
from __future__ import annotations

import pytest

from cli import parser
from analytics.sprint_metrics import sprint_metrics
from data import sources
from data.errors import ImportFailed
from data.importer import import_uploads, inspect_upload
from tests import fake_tool
from tests.support import snapshot, upload

EXPORT = """Story ID,Name,State,Team,Iteration,Iteration Start,Iteration End,Created At,Completed At,Points
SB-1,Login,Done,Web,It 1,2026-03-02,2026-03-13,2026-02-20,2026-03-10,3
SB-2,Search,In Progress,Web,It 1,2026-03-02,2026-03-13,2026-02-21,,5
SB-3,Cart,Done,Web,It 1,2026-03-02,2026-03-13,2026-03-05,2026-03-12,2
SB-4,Wishlist,Abandoned,Web,It 2,2026-03-16,2026-03-27,2026-03-01,,8
SB-5,Backlog idea,Open,Web,,,,2026-03-01,,1
"""


@pytest.fixture
def storyboard():
    sources.register(fake_tool.SOURCE)
    yield fake_tool.SOURCE
    sources.unregister("storyboard")


def test_the_built_in_tools_are_listed_once_in_detection_order():
    assert list(sources.SOURCES) == ["jira", "azure", "linear"]
    assert sources.REQUIRED == {"jira": ("key", "sprint"), "azure": ("key", "iteration"), "linear": ("key",)}


def test_a_registered_tool_is_detected_offered_and_inspected(storyboard):
    assert sources.detect_source(EXPORT.splitlines()[0].split(",")) == "storyboard"
    assert sources.REQUIRED["storyboard"] == ("key", "iteration")
    args = parser().parse_args(["import", "x.csv", "--source", "storyboard"])
    assert args.source == "storyboard"
    report = inspect_upload(upload("board.csv", EXPORT))
    assert report.source == "storyboard"
    assert report.recognised["estimate"] == "Points" and report.recognised["iteration"] == "Iteration"
    assert report.missing == []


def test_a_registered_tool_imports_end_to_end(store, storyboard):
    result = import_uploads(store, [upload("board.csv", EXPORT)])
    assert [(f.source, f.kind) for f in result.files] == [("storyboard", "sprint_items")]
    # SB-5 has no iteration: left out, said so
    assert any("left out 1 issue(s) without a sprint" in w for w in result.warnings)
    assert any("Storyboard export, 4 issues in 2 sprint(s); estimates from 'Points'" in n for n in result.notes)
    items = store.current("sprint_items").sort_values("item_key")
    assert list(items["item_key"]) == ["SB-1", "SB-2", "SB-3", "SB-4"]
    assert list(items["done"]) == [True, False, True, False]
    assert list(items["removed"]) == [False, False, False, True]
    assert list(items["commitment_basis"]) == ["inferred"] * 4
    sprints = store.current("sprints").sort_values("sprint")
    assert [(s, str(a.date()), str(b.date())) for s, a, b in
            zip(sprints["sprint"], sprints["start_date"], sprints["end_date"])] == [
        ("It 1", "2026-03-02", "2026-03-13"), ("It 2", "2026-03-16", "2026-03-27")]
    metrics = sprint_metrics(store.current("sprints"), store.current("sprint_items")).set_index("sprint")
    # It 1: SB-1 (3) and SB-2 (5) committed (created before the start), SB-3 (2) added on 03-05;
    # done: SB-1 and SB-3 → completed 5. It 2: SB-4 (8) committed, abandoned → removed 8, completed 0.
    assert (metrics.loc["It 1", "committed"], metrics.loc["It 1", "added"], metrics.loc["It 1", "completed"]) == (8, 2, 5)
    assert (metrics.loc["It 2", "committed"], metrics.loc["It 2", "removed"], metrics.loc["It 2", "completed"]) == (8, 8, 0)


def test_a_registered_tool_is_refused_with_file_row_and_column_and_writes_nothing(store, storyboard):
    before = snapshot(store)
    bad = EXPORT.replace("2026-02-21,,5", "2026-02-31,,5").replace("SB-3,Cart", "SB-1,Cart")
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [upload("board.csv", bad)])
    assert [(p.file, p.row, p.column, p.message) for p in failure.value.problems] == [
        ("board.csv", 3, "Created At", "'2026-02-31' is not a real calendar date. Write dates as 2025-03-31 or 31.03.2025."),
        ("board.csv", 4, "Story ID", "Duplicate: issue SB-1 is already in row 2 of this file. Keep one row per issue.")]
    assert snapshot(store) == before


def test_an_unregistered_tool_is_no_longer_offered(store):
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [upload("board.csv", EXPORT)], source="storyboard")
    assert "Source 'storyboard' is unknown; use one of auto, template, jira, azure, linear." in str(failure.value)
