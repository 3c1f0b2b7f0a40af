"""Sprint metrics and the team summary (METRICS.md, "Sprint metrics"), on tiny hand-built frames.

Every expected value is worked out by hand in the comment next to it.
Calendar used throughout (2024): Mon 8 Jan – Fri 19 Jan is a two-week sprint (10 working days),
Mon 22 Jan – Fri 2 Feb the next one.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.sprint_metrics import SPRINT_FIELDS, SUMMARY_FIELDS, accuracy_trend, sprint_metrics, team_summary
from tests.support import table


# --- builders ---------------------------------------------------------------------------------
def sprint(name, start=None, end=None, *, team="Alpha", **fields) -> dict:
    return {"team": team, "sprint": name, "start_date": start, "end_date": end, **fields}


def item(key, sprint_name, estimate, *, team="Alpha", **fields) -> dict:
    return {"team": team, "sprint": sprint_name, "item_key": key, "estimate": estimate, **fields}


def sprints(*rows) -> pd.DataFrame:
    return table("sprints", rows)


def items(*rows) -> pd.DataFrame:
    return table("sprint_items", rows)


def no_items() -> pd.DataFrame:
    return table("sprint_items")


def row(result: pd.DataFrame, name: str, team: str = "Alpha") -> pd.Series:
    match = result[(result["team"] == team) & (result["sprint"] == name)]
    assert len(match) == 1, f"expected one row for {team}/{name}, got {len(match)}"
    return match.iloc[0]


def totals(name, committed, completed, *, added=None, removed=None, team="Alpha",
           start=None, end=None, **fields) -> dict:
    return sprint(name, start, end, team=team, committed=committed, completed=completed,
                  added=added, removed=removed, **fields)


# --- item-level sprint ------------------------------------------------------------------------
def two_sprints_with_items():
    frame_sprints = sprints(sprint("S1", "2024-01-08", "2024-01-19", goal="Launch", sprint_type="regular"),
                            sprint("S2", "2024-01-22", "2024-02-02"))
    frame_items = items(
        # S1
        item("A1", "S1", 3, committed_at_start=True, done=True),                 # committed, done
        item("A2", "S1", 5, done_on="2024-01-15"),                               # committed (no added_on), done by date
        item("A3", "S1", 2, added_on="2024-01-10", done=True),                   # added after start, done
        item("A4", "S1", 8, committed_at_start=True, removed=True, done=True),   # removed: never counts as done
        item("A5", "S1", 1, committed_at_start=True, done_on="2024-01-22"),      # done after the end: not done here
        item("A6", "S1", 4, committed_at_start=True, done=False),                # open, not in S2
        # S2
        item("A5", "S2", 1, committed_at_start=True, done=True),                 # carried over from S1
        item("B1", "S2", 4, added_on="2024-01-22", done=True),                   # added ON the start day = committed
    )
    return frame_sprints, frame_items


def test_item_level_sprint_every_field():
    result = sprint_metrics(*two_sprints_with_items())
    s1 = row(result, "S1")
    assert s1["data_level"] == "items"
    assert s1["commitment_basis"] == "recorded"
    assert s1["goal"] == "Launch" and s1["sprint_type"] == "regular"
    assert s1["committed"] == 21.0            # C0 = A1 3 + A2 5 + A4 8 + A5 1 + A6 4
    assert s1["added"] == 2.0                 # A = A3 2 (added_on 10 Jan > start 8 Jan)
    assert s1["removed"] == 8.0               # R = A4 8
    assert s1["completed"] == 10.0            # D = A1 3 + A2 5 + A3 2 (A4 removed, A5 done after end)
    assert s1["completed_committed"] == 8.0   # Dp = A1 3 + A2 5
    assert s1["not_completed"] == 5.0         # 21 + 2 - 8 - 10 = 5 (A5 1 + A6 4)
    assert s1["carried_over"] == 1.0          # A5 not done here and in S2; A6 not in S2
    assert s1["say_do_ratio"] == pytest.approx(10 / 21)                  # D / C0
    assert s1["commitment_accuracy"] == pytest.approx(10 / 21)           # 1 - |10 - 21| / 21 = 10/21
    assert s1["planned_completion"] == pytest.approx(8 / 21)             # Dp / C0
    assert s1["scope_change"] == pytest.approx(-6 / 21)                  # (2 - 8) / 21
    assert not s1["in_band"]                                             # 0.476 < 0.8
    assert s1["velocity_avg"] == 10.0                                    # first sprint: mean of (10)
    assert s1["sprint_days"] == 10.0                                     # Mon 8 – Fri 19 Jan
    assert s1["velocity_per_day"] == 1.0                                 # 10 / 10


def test_item_level_next_sprint_with_carry_over():
    result = sprint_metrics(*two_sprints_with_items())
    s2 = row(result, "S2")
    assert s2["committed"] == 5.0             # A5 1 + B1 4 (added_on == start is not "after the start")
    assert s2["added"] == 0.0
    assert s2["removed"] == 0.0
    assert s2["completed"] == 5.0
    assert s2["completed_committed"] == 5.0
    assert s2["not_completed"] == 0.0         # 5 + 0 - 0 - 5
    assert s2["say_do_ratio"] == 1.0          # 5 / 5
    assert s2["commitment_accuracy"] == 1.0
    assert s2["planned_completion"] == 1.0
    assert s2["scope_change"] == 0.0
    assert s2["in_band"]
    assert s2["velocity_avg"] == 7.5          # (10 + 5) / 2
    assert s2["velocity_per_day"] == 0.5      # 5 / 10 days


def test_output_has_every_metrics_field_in_sprint_order():
    result = sprint_metrics(*two_sprints_with_items())
    assert list(result.columns) == SPRINT_FIELDS
    for field in ("committed", "added", "removed", "completed", "completed_committed", "not_completed",
                  "carried_over", "say_do_ratio", "commitment_accuracy", "planned_completion", "scope_change",
                  "in_band", "velocity_avg", "sprint_days", "velocity_per_day", "commitment_basis"):
        assert field in result.columns
    assert list(result["sprint"]) == ["S1", "S2"]


def test_items_mode_counts_items():
    result = sprint_metrics(*two_sprints_with_items(), unit="items")
    s1 = row(result, "S1")
    assert s1["committed"] == 5.0             # A1, A2, A4, A5, A6
    assert s1["added"] == 1.0                 # A3
    assert s1["removed"] == 1.0               # A4
    assert s1["completed"] == 3.0             # A1, A2, A3
    assert s1["completed_committed"] == 2.0   # A1, A2
    assert s1["not_completed"] == 2.0         # 5 + 1 - 1 - 3
    assert s1["carried_over"] == 1.0          # A5
    assert s1["say_do_ratio"] == pytest.approx(3 / 5)
    assert s1["commitment_accuracy"] == pytest.approx(3 / 5)     # 1 - |3 - 5| / 5
    assert s1["planned_completion"] == pytest.approx(2 / 5)
    assert s1["scope_change"] == 0.0                            # (1 - 1) / 5
    assert s1["velocity_per_day"] == pytest.approx(0.3)         # 3 / 10


def test_items_mode_ignores_estimates():
    frame = items(item("X1", "S1", 13, committed_at_start=True, done=True),
                  item("X2", "S1", None, committed_at_start=True, done=True),
                  item("X3", "S1", 0.5, committed_at_start=True, done=False))
    result = sprint_metrics(sprints(sprint("S1", "2024-01-08", "2024-01-19")), frame, unit="items")
    s1 = row(result, "S1")
    assert s1["committed"] == 3.0   # three items, whatever their estimates (one has none)
    assert s1["completed"] == 2.0


def test_points_mode_missing_estimate_weighs_nothing():
    frame = items(item("X1", "S1", 3, committed_at_start=True, done=True),
                  item("X2", "S1", None, committed_at_start=True, done=True))
    s1 = row(sprint_metrics(sprints(sprint("S1", "2024-01-08", "2024-01-19")), frame), "S1")
    assert s1["committed"] == 3.0   # 3 + (unknown estimate) 0
    assert s1["completed"] == 3.0


def test_done_on_after_sprint_end_does_not_count_and_on_end_day_does():
    frame = items(item("L1", "S1", 2, committed_at_start=True, done_on="2024-01-19"),   # on the end day
                  item("L2", "S1", 3, committed_at_start=True, done_on="2024-01-20"))   # the day after
    s1 = row(sprint_metrics(sprints(sprint("S1", "2024-01-08", "2024-01-19")), frame), "S1")
    assert s1["completed"] == 2.0        # only L1
    assert s1["not_completed"] == 3.0    # 5 + 0 - 0 - 2


def test_added_inferred_from_added_on_after_start_and_stated_flag_wins():
    frame = items(
        item("N1", "S1", 1, added_on="2024-01-07"),                           # before start: committed
        item("N2", "S1", 2, added_on="2024-01-09"),                           # after start: added
        item("N3", "S1", 4, added_on="2024-01-09", committed_at_start=True),  # stated yes wins
        item("N4", "S1", 8, committed_at_start=False),                        # stated no: added
    )
    s1 = row(sprint_metrics(sprints(sprint("S1", "2024-01-08", "2024-01-19")), frame), "S1")
    assert s1["committed"] == 5.0   # N1 1 + N3 4
    assert s1["added"] == 10.0      # N2 2 + N4 8
    assert s1["scope_change"] == 2.0  # (10 - 0) / 5


def test_store_boolean_dtype_is_accepted():
    frame = items(item("D1", "S1", 2, committed_at_start=True, done=True),
                  item("D2", "S1", 3, committed_at_start=None, done=None, removed=None))
    for column in ("committed_at_start", "removed", "done"):
        frame[column] = frame[column].astype("boolean")   # what DuckDB hands back
    s1 = row(sprint_metrics(sprints(sprint("S1", "2024-01-08", "2024-01-19")), frame), "S1")
    assert s1["committed"] == 5.0    # D2 has no added_on: committed
    assert s1["completed"] == 2.0


def test_removed_items_count_in_removed_not_completed():
    frame = items(item("R1", "S1", 5, committed_at_start=True, done=True),
                  item("R2", "S1", 3, committed_at_start=True, removed=True),
                  item("R3", "S1", 2, added_on="2024-01-12", removed=True))
    s1 = row(sprint_metrics(sprints(sprint("S1", "2024-01-08", "2024-01-19")), frame), "S1")
    assert s1["committed"] == 8.0          # R1 5 + R2 3
    assert s1["added"] == 2.0              # R3
    assert s1["removed"] == 5.0            # R2 3 + R3 2
    assert s1["completed"] == 5.0
    assert s1["not_completed"] == 0.0      # 8 + 2 - 5 - 5
    assert s1["scope_change"] == pytest.approx(-3 / 8)   # (2 - 5) / 8


def test_carry_over_needs_the_item_in_the_teams_next_sprint():
    frame_sprints = sprints(sprint("S1", "2024-01-08", "2024-01-19"), sprint("S2", "2024-01-22", "2024-02-02"),
                            sprint("S3", "2024-02-05", "2024-02-16"),
                            sprint("S2", "2024-01-22", "2024-02-02", team="Beta"))
    frame_items = items(
        item("C1", "S1", 2, committed_at_start=True),             # open, in S2 -> carried
        item("C2", "S1", 3, committed_at_start=True),             # open, only in S3 -> not carried from S1
        item("C3", "S1", 5, committed_at_start=True, done=True),  # done here, also in S2 -> not carried
        item("C4", "S1", 7, committed_at_start=True),             # open, in Beta's S2 only -> not carried
        item("C1", "S2", 2, committed_at_start=True, done=True),
        item("C3", "S2", 5, committed_at_start=True, done=True),
        item("C2", "S3", 3, committed_at_start=True, done=True),
        item("C4", "S2", 7, team="Beta", committed_at_start=True, done=True),
    )
    result = sprint_metrics(frame_sprints, frame_items)
    assert row(result, "S1")["carried_over"] == 2.0   # C1 only


# --- sprint-level totals ----------------------------------------------------------------------
def test_totals_only_sprint_has_null_item_fields():
    frame = sprints(totals("T1", 20, 16, added=4, removed=2, start="2024-01-08", end="2024-01-19"))
    t1 = row(sprint_metrics(frame, no_items()), "T1")
    assert t1["data_level"] == "totals"
    assert t1["committed"] == 20.0 and t1["completed"] == 16.0
    assert t1["added"] == 4.0 and t1["removed"] == 2.0
    assert pd.isna(t1["completed_committed"])
    assert pd.isna(t1["carried_over"])
    assert pd.isna(t1["planned_completion"])          # Dp unknown
    assert t1["not_completed"] == 6.0                 # 20 + 4 - 2 - 16
    assert t1["say_do_ratio"] == pytest.approx(0.8)   # 16 / 20
    assert t1["commitment_accuracy"] == pytest.approx(0.8)   # 1 - 4/20
    assert t1["scope_change"] == pytest.approx(0.1)   # (4 - 2) / 20
    assert t1["in_band"]
    assert t1["velocity_per_day"] == pytest.approx(1.6)   # 16 / 10


def test_totals_only_in_items_mode_are_not_guessed():
    t1 = row(sprint_metrics(sprints(totals("T1", 20, 16)), no_items(), unit="items"), "T1")
    assert pd.isna(t1["committed"]) and pd.isna(t1["completed"])   # point totals are not item counts
    assert pd.isna(t1["say_do_ratio"])


def test_zero_commitment_gives_null_ratios():
    t1 = row(sprint_metrics(sprints(totals("T1", 0, 3, added=3, removed=0)), no_items()), "T1")
    assert t1["completed"] == 3.0
    assert pd.isna(t1["say_do_ratio"])
    assert pd.isna(t1["commitment_accuracy"])
    assert pd.isna(t1["planned_completion"])
    assert pd.isna(t1["scope_change"])
    assert pd.isna(t1["in_band"])
    assert t1["not_completed"] == 0.0      # 0 + 3 - 0 - 3


def test_zero_commitment_at_item_level_gives_null_ratios():
    frame = items(item("Z1", "S1", 3, added_on="2024-01-10", done=True))
    s1 = row(sprint_metrics(sprints(sprint("S1", "2024-01-08", "2024-01-19")), frame), "S1")
    assert s1["committed"] == 0.0 and s1["added"] == 3.0 and s1["completed"] == 3.0
    for field in ("say_do_ratio", "commitment_accuracy", "planned_completion", "scope_change", "in_band"):
        assert pd.isna(s1[field]), field


def test_not_completed_never_below_zero():
    t1 = row(sprint_metrics(sprints(totals("T1", 10, 12)), no_items()), "T1")
    assert t1["not_completed"] == 0.0      # 10 + 0 - 0 - 12 = -2 -> 0


def test_over_delivery_raises_say_do_and_lowers_accuracy():
    frame = sprints(totals("Over", 10, 12, added=4, removed=0), totals("Way over", 10, 25))
    result = sprint_metrics(frame, no_items())
    over = row(result, "Over")
    assert over["say_do_ratio"] == pytest.approx(1.2)          # 12 / 10
    assert over["commitment_accuracy"] == pytest.approx(0.8)   # 1 - |12 - 10| / 10
    assert not over["in_band"]                                 # 1.2 > 1.0
    way_over = row(result, "Way over")
    assert way_over["say_do_ratio"] == pytest.approx(2.5)
    assert way_over["commitment_accuracy"] == 0.0              # max(0, 1 - 15/10)


def test_under_delivery_lowers_accuracy_equally():
    t1 = row(sprint_metrics(sprints(totals("T1", 10, 8)), no_items()), "T1")
    assert t1["commitment_accuracy"] == pytest.approx(0.8)     # 1 - |8 - 10| / 10, same as 12 of 10


def test_scope_change_null_without_added_or_removed_totals():
    t1 = row(sprint_metrics(sprints(totals("T1", 10, 8)), no_items()), "T1")
    assert pd.isna(t1["scope_change"])         # A and R unknown: not guessed as 0
    assert t1["not_completed"] == 2.0          # 10 - 8


def test_in_band_edges_are_inclusive():
    frame = sprints(totals("Low edge", 10, 8), totals("High edge", 10, 10),
                    totals("Below", 10, 7.9), totals("Above", 10, 10.1))
    result = sprint_metrics(frame, no_items())
    assert row(result, "Low edge")["in_band"]       # 8/10 = 0.8
    assert row(result, "High edge")["in_band"]      # 10/10 = 1.0
    assert not row(result, "Below")["in_band"]      # 0.79
    assert not row(result, "Above")["in_band"]      # 1.01


def test_band_is_configurable():
    frame = sprints(totals("T1", 10, 11), totals("T2", 10, 8))
    result = sprint_metrics(frame, no_items(), band=(0.9, 1.1))
    assert row(result, "T1")["in_band"]             # 1.1 within 0.9..1.1
    assert not row(result, "T2")["in_band"]         # 0.8 < 0.9


def test_commitment_basis_passes_through_and_defaults_to_recorded():
    frame = sprints(totals("T1", 10, 8, commitment_basis="inferred"), totals("T2", 10, 8))
    result = sprint_metrics(frame, no_items())
    assert row(result, "T1")["commitment_basis"] == "inferred"
    assert row(result, "T2")["commitment_basis"] == "recorded"


# --- rolling velocity, order, sprint days -----------------------------------------------------
def test_velocity_avg_rolls_over_three_sprints_per_team():
    frame = sprints(
        totals("S1", 10, 3, start="2024-01-08", end="2024-01-12"),
        totals("S2", 10, 6, start="2024-01-15", end="2024-01-19"),
        totals("S3", 10, 9, start="2024-01-22", end="2024-01-26"),
        totals("S4", 10, 12, start="2024-01-29", end="2024-02-02"),
        totals("S1", 10, 100, team="Beta", start="2024-01-08", end="2024-01-12"),
    )
    result = sprint_metrics(frame, no_items())
    assert row(result, "S1")["velocity_avg"] == 3.0     # (3)
    assert row(result, "S2")["velocity_avg"] == 4.5     # (3 + 6) / 2
    assert row(result, "S3")["velocity_avg"] == 6.0     # (3 + 6 + 9) / 3
    assert row(result, "S4")["velocity_avg"] == 9.0     # (6 + 9 + 12) / 3
    assert row(result, "S1", "Beta")["velocity_avg"] == 100.0   # other team's sprints never mix in


def test_velocity_avg_window_is_configurable():
    frame = sprints(*(totals(f"S{i}", 10, v, start=s) for i, (v, s) in
                      enumerate([(3, "2024-01-08"), (6, "2024-01-15"), (9, "2024-01-22"), (12, "2024-01-29")], 1)))
    result = sprint_metrics(frame, no_items(), window=2)
    assert list(result["velocity_avg"]) == [3.0, 4.5, 7.5, 10.5]   # (3), (3+6)/2, (6+9)/2, (9+12)/2


def test_sprints_are_ordered_by_start_date_not_by_row_order():
    frame = sprints(totals("Sprint 10", 10, 12, start="2024-02-05"),
                    totals("Sprint 2", 10, 6, start="2024-01-08"),
                    totals("Sprint 9", 10, 9, start="2024-01-22"))
    result = sprint_metrics(frame, no_items())
    assert list(result["sprint"]) == ["Sprint 2", "Sprint 9", "Sprint 10"]
    assert row(result, "Sprint 10")["velocity_avg"] == 9.0   # (6 + 9 + 12) / 3


@pytest.mark.parametrize(("start", "end", "days"), [
    ("2024-01-19", "2024-01-19", 1.0),    # one-day sprint on a Friday
    ("2024-01-08", "2024-01-19", 10.0),   # two weeks Mon–Fri
    ("2024-01-08", "2024-01-14", 5.0),    # Mon–Sun: the weekend does not count
    ("2024-01-12", "2024-01-15", 2.0),    # Fri–Mon across a weekend
])
def test_sprint_days_counts_weekdays_inclusive(start, end, days):
    t1 = row(sprint_metrics(sprints(totals("T1", 10, 10, start=start, end=end)), no_items()), "T1")
    assert t1["sprint_days"] == days
    assert t1["velocity_per_day"] == pytest.approx(10 / days)


def test_weekend_only_or_undated_sprint_has_no_velocity_per_day():
    frame = sprints(totals("Weekend", 10, 10, start="2024-01-13", end="2024-01-14"),
                    totals("Undated", 10, 10))
    result = sprint_metrics(frame, no_items())
    assert row(result, "Weekend")["sprint_days"] == 0.0
    assert pd.isna(row(result, "Weekend")["velocity_per_day"])   # 10 / 0 is not a rate
    assert pd.isna(row(result, "Undated")["sprint_days"])
    assert pd.isna(row(result, "Undated")["velocity_per_day"])


def test_sprint_metrics_empty_input():
    result = sprint_metrics(sprints(), no_items())
    assert result.empty
    assert list(result.columns) == SPRINT_FIELDS


def test_sprint_metrics_rejects_unknown_unit():
    with pytest.raises(ValueError):
        sprint_metrics(sprints(totals("T1", 10, 8)), no_items(), unit="hours")


# --- team summary -----------------------------------------------------------------------------
def four_sprints() -> pd.DataFrame:
    frame = sprints(
        totals("S1", 10, 8, added=2, removed=0, start="2024-01-08"),      # say/do .8, acc .8, scope .2
        totals("S2", 10, 12, added=0, removed=1, start="2024-01-15"),     # say/do 1.2, acc .8, scope -.1
        totals("S3", 10, 9, start="2024-01-22"),                          # say/do .9, acc .9, scope null
        totals("S4", 10, 10, added=1, removed=1, start="2024-01-29"),     # say/do 1.0, acc 1.0, scope 0
    )
    return sprint_metrics(frame, no_items())


def test_team_summary_statistics():
    summary = team_summary(four_sprints())
    assert list(summary.columns) == SUMMARY_FIELDS
    assert len(summary) == 1
    s = summary.iloc[0]
    assert s["team"] == "Alpha"
    assert s["sprints"] == 4
    assert s["first_sprint"] == "S1" and s["last_sprint"] == "S4"
    assert s["velocity_mean"] == pytest.approx(9.75)          # (8 + 12 + 9 + 10) / 4
    assert s["velocity_median"] == pytest.approx(9.5)         # (9 + 10) / 2
    # sample std: squared deviations 3.0625 + 5.0625 + 0.5625 + 0.0625 = 8.75; 8.75 / 3 = 35/12
    assert s["velocity_std"] == pytest.approx(math.sqrt(35 / 12))
    assert s["velocity_cv"] == pytest.approx(math.sqrt(35 / 12) / 9.75)
    assert s["commitment_accuracy_mean"] == pytest.approx(0.875)   # (.8 + .8 + .9 + 1) / 4
    assert s["say_do_mean"] == pytest.approx(0.975)                # (.8 + 1.2 + .9 + 1) / 4
    assert s["in_band_share"] == pytest.approx(0.75)               # S1, S3, S4 of 4
    assert s["scope_change_mean"] == pytest.approx(1 / 30)         # (.2 - .1 + 0) / 3, S3 unknown


def test_team_summary_accuracy_trend_improving():
    s = team_summary(four_sprints()).iloc[0]
    # x = 0..3 (mean 1.5), y = .8 .8 .9 1 (mean .875): Sxy = .35, Sxx = 5 -> slope .07
    assert s["accuracy_slope"] == pytest.approx(0.07)
    assert s["accuracy_first_half"] == pytest.approx(0.8)      # (.8 + .8) / 2
    assert s["accuracy_second_half"] == pytest.approx(0.95)    # (.9 + 1) / 2
    assert s["accuracy_trend"] == "improving"


def test_team_summary_last_n_sprints():
    s = team_summary(four_sprints(), last=2).iloc[0]
    assert s["sprints"] == 2
    assert s["first_sprint"] == "S3" and s["last_sprint"] == "S4"
    assert s["velocity_mean"] == pytest.approx(9.5)            # (9 + 10) / 2
    assert s["velocity_std"] == pytest.approx(math.sqrt(0.5))  # ((-.5)^2 + .5^2) / 1 = .5
    assert s["commitment_accuracy_mean"] == pytest.approx(0.95)
    assert s["in_band_share"] == 1.0
    assert s["accuracy_slope"] == pytest.approx(0.1)           # (1 - .9) / 1
    assert s["accuracy_trend"] == "improving"


def test_team_summary_one_row_per_team_and_single_sprint_has_no_spread():
    frame = sprints(totals("S1", 10, 8, start="2024-01-08"), totals("S2", 10, 10, start="2024-01-15"),
                    totals("B1", 5, 5, team="Beta", start="2024-01-08"))
    summary = team_summary(sprint_metrics(frame, no_items()))
    assert list(summary["team"]) == ["Alpha", "Beta"]
    beta = summary[summary["team"] == "Beta"].iloc[0]
    assert beta["sprints"] == 1
    assert beta["velocity_mean"] == 5.0
    assert pd.isna(beta["velocity_std"])       # sample std of one value is undefined
    assert pd.isna(beta["velocity_cv"])
    assert pd.isna(beta["accuracy_slope"])
    assert pd.isna(beta["accuracy_trend"])     # no trend from one sprint


def test_team_summary_zero_mean_velocity_has_no_cv():
    frame = sprints(totals("S1", 10, 0, start="2024-01-08"), totals("S2", 10, 0, start="2024-01-15"))
    s = team_summary(sprint_metrics(frame, no_items())).iloc[0]
    assert s["velocity_mean"] == 0.0
    assert s["velocity_std"] == 0.0
    assert pd.isna(s["velocity_cv"])           # 0 / 0


def test_team_summary_empty_input():
    result = team_summary(sprint_metrics(sprints(), no_items()))
    assert result.empty
    assert list(result.columns) == SUMMARY_FIELDS


# --- accuracy trend ---------------------------------------------------------------------------
def test_accuracy_trend_declining():
    trend = accuracy_trend(pd.Series([1.0, 0.9, 0.8, 0.8]))
    # y mean .875; Sxy = (-1.5)(.125) + (-.5)(.025) + (.5)(-.075) + (1.5)(-.075) = -.35; / 5
    assert trend["accuracy_slope"] == pytest.approx(-0.07)
    assert trend["accuracy_first_half"] == pytest.approx(0.95)
    assert trend["accuracy_second_half"] == pytest.approx(0.8)
    assert trend["accuracy_trend"] == "declining"


def test_accuracy_trend_unclear_when_slope_and_halves_disagree():
    trend = accuracy_trend(pd.Series([1.0, 0.4, 1.0, 0.5]))
    # y mean .725; Sxy = (-1.5)(.275) + (-.5)(-.325) + (.5)(.275) + (1.5)(-.225) = -.45; / 5 = -.09
    assert trend["accuracy_slope"] == pytest.approx(-0.09)
    assert trend["accuracy_first_half"] == pytest.approx(0.7)    # (1 + .4) / 2
    assert trend["accuracy_second_half"] == pytest.approx(0.75)  # (1 + .5) / 2: up, while the slope is down
    assert trend["accuracy_trend"] == "unclear"


def test_accuracy_trend_flat_is_steady():
    trend = accuracy_trend(pd.Series([0.9, 0.9, 0.9, 0.9]))
    assert trend["accuracy_slope"] == pytest.approx(0.0)
    assert trend["accuracy_trend"] == "steady"


def test_accuracy_trend_below_one_point_per_sprint_is_steady():
    # y = .80, .81, .80, .82: y mean .8075; Sxy = (-1.5)(-.0075) + (-.5)(.0025) + (.5)(-.0075) + (1.5)(.0125)
    # = .025; Sxx = 5: slope .005 per sprint, under the 0.01 of METRICS.md, though both halves rise
    trend = accuracy_trend(pd.Series([0.80, 0.81, 0.80, 0.82]))
    assert trend["accuracy_slope"] == pytest.approx(0.005)
    assert trend["accuracy_second_half"] > trend["accuracy_first_half"]
    assert trend["accuracy_trend"] == "steady"


def test_accuracy_trend_keeps_sprint_positions_around_null_accuracy():
    trend = accuracy_trend(pd.Series([0.8, None, 0.9, 1.0]))
    # x = 0, 2, 3 (mean 5/3), y = .8, .9, 1 (mean .9): Sxy = 1/6 + 0 + 4/30 = .3, Sxx = 42/9 -> 9/140
    assert trend["accuracy_slope"] == pytest.approx(9 / 140)
    assert trend["accuracy_trend"] == "improving"


def test_accuracy_trend_empty_input():
    trend = accuracy_trend(pd.Series([], dtype=float))
    assert pd.isna(trend["accuracy_slope"])
    assert pd.isna(trend["accuracy_first_half"])
    assert pd.isna(trend["accuracy_second_half"])
    assert trend["accuracy_trend"] is None
