"""Sprint <-> key result (METRICS.md, "Sprint ↔ key result"), on tiny hand-built frames.

Sprints (2024): S1 Mon 8 Jan – Fri 19 Jan, S2 Mon 22 Jan – Fri 2 Feb.
"""
from __future__ import annotations

import pandas as pd
import pytest

from analytics.sprint_kr import LINK_FIELDS, sprint_key_results
from tests.support import table


# --- builders ---------------------------------------------------------------------------------
def sprint(name, start, end, key_results=None, team="Alpha") -> dict:
    return {"team": team, "sprint": name, "start_date": start, "end_date": end, "key_results": key_results}


def item(key, sprint_name, estimate, key_result=None, team="Alpha", **fields) -> dict:
    return {"team": team, "sprint": sprint_name, "item_key": key, "estimate": estimate,
            "key_result": key_result, **fields}


def kr(kr_id, start) -> dict:
    return {"kr_id": kr_id, "team": "Alpha", "cycle": "2024-Q1", "objective_id": "O1", "key_result": kr_id,
            "kr_type": "increase", "start_value": start, "target_value": 100.0, "weight": 1.0}


def checkin(kr_id, day, value) -> dict:
    return {"kr_id": kr_id, "date": day, "value": value}


def one(result: pd.DataFrame, sprint_name: str, kr_id: str) -> pd.Series:
    match = result[(result["sprint"] == sprint_name) & (result["kr_id"] == kr_id)]
    assert len(match) == 1, f"expected one row for {sprint_name}/{kr_id}, got {len(match)}"
    return match.iloc[0]


def example(unit="points") -> pd.DataFrame:
    sprints = table("sprints", [sprint("S1", "2024-01-08", "2024-01-19", key_results="KR-2; KR-3"),
                                sprint("S2", "2024-01-22", "2024-02-02")])
    items = table("sprint_items", [
        item("I1", "S1", 3, "KR-1", committed_at_start=True, done=True),
        item("I2", "S1", 5, "KR-1", committed_at_start=True),                   # open
        item("I3", "S1", 2, "KR-2", committed_at_start=True, done_on="2024-01-17"),
        item("I4", "S1", 4, None, committed_at_start=True, done=True),          # no KR: not linked
        item("I5", "S1", 6, "KR-1", committed_at_start=True, done_on="2024-01-20"),  # done after the end
        item("I2", "S2", 5, "KR-1", committed_at_start=True, done=True),        # carried over and done
    ])
    key_results = table("key_results", [kr("KR-1", 0), kr("KR-2", 10), kr("KR-3", 5)])
    checkins = table("checkins", [
        checkin("KR-1", "2024-01-05", 10), checkin("KR-1", "2024-01-12", 25),
        checkin("KR-1", "2024-01-19", 40), checkin("KR-1", "2024-01-25", 60),
        checkin("KR-2", "2024-01-15", 20),                                      # nothing before S1 starts
        checkin("KR-3", "2024-02-20", 9),                                       # only after both sprints
    ])
    return sprint_key_results(sprints, items, key_results, checkins, unit=unit)


# --- tests ------------------------------------------------------------------------------------
def test_item_links_completed_estimate_and_movement():
    result = example()
    assert list(result.columns) == LINK_FIELDS
    r = one(result, "S1", "KR-1")
    assert r["team"] == "Alpha"
    assert r["start_date"] == pd.Timestamp("2024-01-08") and r["end_date"] == pd.Timestamp("2024-01-19")
    assert r["linked_by"] == "items"
    assert r["items_linked"] == 3          # I1, I2, I5
    assert r["items_done"] == 1            # I1 (I5 done after the sprint's end)
    assert r["completed_linked"] == 3.0    # I1's 3
    assert r["value_at_start"] == 10.0     # last check-in on or before 8 Jan: 5 Jan
    assert r["value_at_end"] == 40.0       # the check-in on the end day counts
    assert r["kr_movement"] == 30.0        # 40 - 10


def test_next_sprint_movement():
    r = one(example(), "S2", "KR-1")
    assert r["items_linked"] == 1 and r["items_done"] == 1
    assert r["completed_linked"] == 5.0    # I2
    assert r["value_at_start"] == 40.0     # 19 Jan is the last on or before 22 Jan
    assert r["value_at_end"] == 60.0       # 25 Jan
    assert r["kr_movement"] == 20.0


def test_goal_and_item_links_combine():
    r = one(example(), "S1", "KR-2")
    assert r["linked_by"] == "items+goal"  # I3 names it and so does the goal
    assert r["items_linked"] == 1 and r["items_done"] == 1
    assert r["completed_linked"] == 2.0    # I3, done by date within the sprint
    assert r["value_at_start"] == 10.0     # no check-in yet on 8 Jan: the KR's start value
    assert r["value_at_end"] == 20.0
    assert r["kr_movement"] == 10.0


def test_goal_only_link_without_checkin_by_sprint_end_has_no_movement():
    r = one(example(), "S1", "KR-3")
    assert r["linked_by"] == "goal"
    assert r["items_linked"] == 0 and r["items_done"] == 0
    assert r["completed_linked"] == 0.0
    assert pd.isna(r["value_at_start"]) and pd.isna(r["value_at_end"])
    assert pd.isna(r["kr_movement"])       # nothing measured by 19 Jan


def test_rows_in_sprint_order_and_unlinked_items_leave_no_row():
    result = example()
    assert list(zip(result["sprint"], result["kr_id"])) == [
        ("S1", "KR-1"), ("S1", "KR-2"), ("S1", "KR-3"), ("S2", "KR-1")]


def test_items_mode_counts_items():
    r = one(example(unit="items"), "S1", "KR-1")
    assert r["completed_linked"] == 1.0    # one done item, whatever its estimate


def test_unknown_kr_or_undated_sprint_has_no_movement():
    sprints = table("sprints", [sprint("S1", "2024-01-08", "2024-01-19"), sprint("U", None, None)])
    items = table("sprint_items", [item("X", "S1", 3, "KR-9", done=True),      # KR-9 is not a key result
                                   item("Y", "U", 2, "KR-1", done=True)])
    result = sprint_key_results(sprints, items, table("key_results", [kr("KR-1", 0)]),
                                table("checkins", [checkin("KR-1", "2024-01-05", 10)]))
    unknown = one(result, "S1", "KR-9")
    assert unknown["completed_linked"] == 3.0
    assert pd.isna(unknown["kr_movement"])
    undated = one(result, "U", "KR-1")
    assert undated["completed_linked"] == 2.0
    assert pd.isna(undated["kr_movement"])


def test_falling_value_gives_negative_movement():
    sprints = table("sprints", [sprint("S1", "2024-01-08", "2024-01-19", key_results="KR-1")])
    checkins = table("checkins", [checkin("KR-1", "2024-01-08", 9), checkin("KR-1", "2024-01-18", 6.5)])
    r = one(sprint_key_results(sprints, table("sprint_items"), table("key_results", [kr("KR-1", 9)]), checkins),
            "S1", "KR-1")
    assert r["value_at_start"] == 9.0      # the check-in on the start day counts
    assert r["kr_movement"] == pytest.approx(-2.5)    # 6.5 - 9


def test_sprint_key_results_empty_input():
    result = sprint_key_results(table("sprints"), table("sprint_items"), table("key_results"), table("checkins"))
    assert result.empty
    assert list(result.columns) == LINK_FIELDS
