"""The weekly view (change since last week, confidence drop, timeline), company goals across
teams and the comparison with the previous cycle, on hand-built frames.

Cycle 2024-Q1 (1 Jan – 31 Mar 2024); as of Thu 15 Feb the last weekly was Thu 8 Feb.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.calibration import alignment, cycle_comparison, previous_cycle
from analytics.okr_weekly import TIMELINE_FIELDS, WEEKLY_FIELDS, checkin_timeline, weekly_changes
from tests.support import table
from tests.test_okr_metrics import checkin, kr, one, run

AS_OF = date(2024, 2, 15)


def comment(kr_id, day, value, confidence, text) -> dict:
    return {**checkin(kr_id, day, value, confidence), "comment": text}


def weekly_case():
    krs = [kr("MOVING", "increase", 0, 100), kr("QUIET", "increase", 0, 100), kr("NONE", "increase", 0, 100),
           kr("NO-CONF", "decrease", 9, 4)]
    checkins = [checkin("MOVING", "2024-02-01", 40, 8), checkin("MOVING", "2024-02-08", 45, 7),
                checkin("MOVING", "2024-02-14", 50, 4),
                checkin("QUIET", "2024-02-01", 10, 6),
                checkin("NO-CONF", "2024-02-08", 8, 7), checkin("NO-CONF", "2024-02-15", 6, None),
                checkin("MOVING", "2024-02-16", 90, 1)]   # after as_of: not this weekly
    return run(krs, checkins), table("checkins", checkins)


def test_change_since_the_previous_checkin_by_hand():
    status, checkins = weekly_case()
    weekly = weekly_changes(status, checkins, AS_OF)
    assert list(weekly.columns) == WEEKLY_FIELDS
    moving = one(weekly, "MOVING")
    # latest on or before 15 Feb: 14 Feb (50, confidence 4); the one before it: 8 Feb (45, 7)
    assert (moving["previous_date"], moving["current_date"]) == (pd.Timestamp("2024-02-08"), pd.Timestamp("2024-02-14"))
    assert (moving["previous_value"], moving["current_value"], moving["value_change"]) == (45.0, 50.0, 5.0)
    assert moving["progress_change"] == pytest.approx(0.05)          # .50 - .45
    assert (moving["previous_confidence"], moving["confidence"], moving["confidence_change"]) == (7.0, 4.0, -3.0)
    assert moving["confidence_drop"]                                  # fell by 3: flagged
    assert moving["new_checkin"]                                      # 14 Feb is after the weekly of 8 Feb


def test_on_the_day_of_the_weekly_the_latest_checkin_is_not_compared_with_itself():
    """Issue 19.6: as of Fri 4 Dec with check-ins on Fridays up to 27 Nov, the week before (27 Nov) is
    the latest check-in itself; the change is the one from 20 Nov to 27 Nov."""
    checkins = [checkin("K", "2026-11-20", 40, 8), checkin("K", "2026-11-27", 46, 5)]
    status = run([kr("K", "increase", 0, 100)], checkins)
    row = one(weekly_changes(status, table("checkins", checkins), date(2026, 12, 4)), "K")
    assert (row["previous_date"], row["current_date"]) == (pd.Timestamp("2026-11-20"), pd.Timestamp("2026-11-27"))
    assert (row["value_change"], row["confidence_change"]) == (6.0, -3.0)
    assert row["confidence_drop"]
    assert not row["new_checkin"]                     # nothing after the last weekly (27 Nov): marked


def test_a_single_checkin_has_nothing_to_compare_and_an_old_one_is_marked():
    status, checkins = weekly_case()
    quiet = one(weekly_changes(status, checkins, AS_OF), "QUIET")
    assert pd.isna(quiet["previous_date"]) and quiet["current_date"] == pd.Timestamp("2024-02-01")
    assert np.isnan(quiet["value_change"]) and np.isnan(quiet["confidence_change"])
    assert not quiet["new_checkin"] and not quiet["confidence_drop"]


def test_without_checkins_the_changes_are_unknown():
    status, checkins = weekly_case()
    none = one(weekly_changes(status, checkins, AS_OF), "NONE")
    assert pd.isna(none["previous_date"]) and pd.isna(none["current_date"])
    assert np.isnan(none["value_change"]) and np.isnan(none["confidence_change"])
    assert not none["confidence_drop"] and not none["new_checkin"]


def test_a_checkin_without_confidence_keeps_the_last_one_given():
    status, checkins = weekly_case()
    row = one(weekly_changes(status, checkins, AS_OF), "NO-CONF")
    # decrease 9 -> 4: 8 h is progress .2, 6 h is .6
    assert row["value_change"] == -2.0
    assert row["progress_change"] == pytest.approx(0.4)
    assert row["confidence"] == 7.0 and row["confidence_change"] == 0.0


def test_a_drop_of_two_is_not_flagged_and_the_threshold_is_a_parameter():
    status = run([kr("K", "increase", 0, 100)], [checkin("K", "2024-02-08", 40, 7), checkin("K", "2024-02-15", 45, 5)])
    checkins = table("checkins", [checkin("K", "2024-02-08", 40, 7), checkin("K", "2024-02-15", 45, 5)])
    assert not one(weekly_changes(status, checkins, AS_OF), "K")["confidence_drop"]        # -2
    assert one(weekly_changes(status, checkins, AS_OF, drop=2), "K")["confidence_drop"]


def test_weekly_empty_input():
    assert weekly_changes(pd.DataFrame(), table("checkins"), AS_OF).empty


def test_timeline_newest_first_with_comments_up_to_as_of():
    checkins = table("checkins", [comment("K", "2024-02-01", 40, 8, "Messe-Leads nachgefasst"),
                                  comment("K", "2024-02-08", 45, 7, None),
                                  comment("K", "2024-02-16", 50, 6, "later"),
                                  comment("OTHER", "2024-02-08", 1, 1, "not this KR")])
    timeline = checkin_timeline(checkins, "K", AS_OF)
    assert list(timeline.columns) == TIMELINE_FIELDS
    assert timeline["date"].tolist() == [pd.Timestamp("2024-02-08"), pd.Timestamp("2024-02-01")]
    assert timeline["comment"].tolist()[1] == "Messe-Leads nachgefasst"
    assert checkin_timeline(table("checkins"), "K", AS_OF).empty


# --- company goals --------------------------------------------------------------------------------
def test_objectives_grouped_by_parent_across_teams():
    objectives = pd.DataFrame({"team": ["A", "A", "B", "B"], "cycle": "Q1", "objective_id": ["A1", "A2", "B1", "B2"],
                               "parent": ["Market share", "Growth", "Market share", None]})
    krs = pd.DataFrame({"team": ["A", "A", "A", "B", "B", "B"], "cycle": "Q1",
                        "objective_id": ["A1", "A1", "A2", "B1", "B1", "B2"],
                        "status": ["on_track", "at_risk", "achieved", "behind", "achieved", "at_risk"]})
    result = alignment(krs, objectives)
    # Market share: A1 (on_track, at_risk) + B1 (behind, achieved): 2 of 4 good, 1 at risk
    # Growth: A2 (achieved): 1 of 1. B2 has no parent and is left out. Weakest goal first.
    assert result[["parent", "teams", "objectives", "key_results", "on_track", "at_risk"]].values.tolist() == [
        ["Market share", "A, B", 2, 4, 2, 1], ["Growth", "A", 1, 1, 1, 0]]
    assert result["on_track_share"].tolist() == [0.5, 1.0]
    assert alignment(krs.iloc[0:0], objectives).empty


# --- the previous cycle -------------------------------------------------------------------------
def test_each_objective_beside_its_counterpart_of_the_previous_cycle():
    cycles = pd.DataFrame({"team": ["A", "A", "A"], "cycle": ["Q1", "Q2", "Q3"],
                           "cycle_start": pd.to_datetime(["2024-01-01", "2024-04-01", "2024-07-01"])})
    scores = pd.DataFrame({
        "team": "A", "cycle": ["Q1", "Q2", "Q2", "Q2", "Q3", "Q3", "Q3"],
        "objective_id": ["O1", "O1", "O2-Q2", "O9", "O1", "O2-Q3", "O3"],
        "objective": ["old", "Win north", "Fast answers", "Lonely", "Win north", "Faster answers", "New"],
        "parent": ["Market", "Market", "Service", None, "Market", "Service", "Other"],
        "score": [0.2, 0.8, 0.5, 0.1, 0.9, 0.7, 0.3], "grade": [0.2, 0.8, 0.5, 0.1, 0.9, 0.7, 0.3],
        "achieved": False, "lessons": [None, "Follow up fair leads", None, None, None, None, None]})
    assert previous_cycle(cycles, "A", "Q3") == "Q2" and previous_cycle(cycles, "A", "Q1") is None
    result = cycle_comparison(scores, cycles, "Q3").set_index("objective_id")
    assert result.loc["O1", "matched_by"] == "objective_id"
    assert result.loc["O1", "previous_score"] == 0.8 and result.loc["O1", "score_change"] == pytest.approx(0.1)
    assert result.loc["O1", "previous_lessons"] == "Follow up fair leads"
    assert result.loc["O2-Q3", "matched_by"] == "parent"                 # same company goal "Service"
    assert result.loc["O2-Q3", "previous_objective_id"] == "O2-Q2"
    assert result.loc["O2-Q3", "score_change"] == pytest.approx(0.2)
    assert pd.isna(result.loc["O3", "matched_by"]) and np.isnan(result.loc["O3", "previous_score"])
    assert cycle_comparison(scores, cycles, "Q1")["previous_cycle"].isna().all()
