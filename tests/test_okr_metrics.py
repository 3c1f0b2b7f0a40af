"""Key-result and objective metrics (METRICS.md, "OKR metrics"), on tiny hand-built frames.

The cycle used throughout is 2024-Q1: Mon 1 Jan 2024 to Sun 31 Mar 2024, T1 - T0 = 90 days
(Jan 31 + Feb 29 + Mar 31 = 91 calendar days, 90 between the first and the last). Day n of the
cycle: 11 Jan = 10, 21 Jan = 20, 31 Jan = 30, 10 Feb = 40, 15 Feb = 45, 1 Mar = 60, 16 Mar = 75.
As of 15 Feb the linear expectation is 45 / 90 = 0.5.
"""
from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.okr_metrics import (KR_FIELDS, OBJECTIVE_FIELDS, checkin_jump, expected_progress, forecast_value, grade_band,
                                   key_result_status, objective_scores, progress, status)
from tests.support import table

AS_OF = date(2024, 2, 15)        # day 45 of 90: expected progress 0.5
T0, T1 = "2024-01-01", "2024-03-31"


# --- builders ---------------------------------------------------------------------------------
def kr(kr_id, kr_type, start, target, *, weight=1.0, objective_id="O1", team="Alpha", cycle="2024-Q1",
       unit=None) -> dict:
    return {"kr_id": kr_id, "team": team, "cycle": cycle, "objective_id": objective_id,
            "key_result": f"KR {kr_id}", "kr_type": kr_type, "unit": unit, "start_value": start,
            "target_value": target, "weight": weight}


def checkin(kr_id, day, value, confidence=None) -> dict:
    return {"kr_id": kr_id, "date": day, "value": value, "confidence": confidence}


def cycles() -> pd.DataFrame:
    return table("cycles", [{"team": "Alpha", "cycle": "2024-Q1", "cycle_start": T0, "cycle_end": T1}])


def run(krs, checkins=(), plans=None, as_of=AS_OF, **options) -> pd.DataFrame:
    plan_frame = table("kr_plans", plans) if plans is not None else None
    return key_result_status(table("key_results", krs), cycles(), table("checkins", checkins), plan_frame,
                             as_of=as_of, **options)


def one(result: pd.DataFrame, kr_id: str) -> pd.Series:
    match = result[result["kr_id"] == kr_id]
    assert len(match) == 1
    return match.iloc[0]


def checkin_frame(*rows) -> pd.DataFrame:
    return table("checkins", rows)


# --- progress ---------------------------------------------------------------------------------
def test_progress_increase_and_decrease():
    assert progress(30, 0, 100, "increase") == pytest.approx(0.3)      # (30 - 0) / (100 - 0)
    assert progress(6, 9, 4, "decrease") == pytest.approx(0.6)         # 9 h -> 4 h, now 6 h: (6-9)/(4-9)
    assert progress(4, 9, 4, "decrease") == pytest.approx(1.0)


def test_progress_is_raw_beyond_the_target_and_below_the_start():
    assert progress(15, 0, 10, "increase") == pytest.approx(1.5)       # over-achievement stays 1.5
    assert progress(40, 50, 100, "increase") == pytest.approx(-0.2)    # (40 - 50) / 50
    assert progress(10, 9, 4, "decrease") == pytest.approx(-0.2)       # got worse: (10-9)/(4-9)
    assert progress(3, 9, 4, "decrease") == pytest.approx(1.2)         # (3-9)/(4-9)


def test_progress_stay_above_stay_below_milestone():
    assert progress(95, 90, 95, "stay_above") == 1.0    # v >= g
    assert progress(94.9, 90, 95, "stay_above") == 0.0
    assert progress(2, 3, 2, "stay_below") == 1.0       # v <= g
    assert progress(2.1, 3, 2, "stay_below") == 0.0
    assert progress(1, 0, 1, "milestone") == 1.0        # done
    assert progress(0, 0, 1, "milestone") == 0.0        # not done


def test_progress_empty_input():
    assert np.isnan(progress(None, 0, 100, "increase"))
    assert np.isnan(progress(float("nan"), 0, 100, "increase"))


def test_progress_rejects_unknown_type():
    with pytest.raises(ValueError):
        progress(1, 0, 2, "sideways")


# --- expected progress ------------------------------------------------------------------------
def test_expected_progress_linear_and_clamped():
    assert expected_progress(date(2024, 2, 15), T0, T1) == pytest.approx(0.5)     # 45 / 90
    assert expected_progress(date(2024, 1, 1), T0, T1) == 0.0
    assert expected_progress(date(2024, 3, 31), T0, T1) == 1.0
    assert expected_progress(date(2023, 12, 1), T0, T1) == 0.0                    # before: clamp to 0
    assert expected_progress(date(2024, 5, 1), T0, T1) == 1.0                     # after: clamp to 1


def plan_frame(*points) -> pd.DataFrame:
    return table("kr_plans", [{"kr_id": "K", "date": d, "planned_value": v} for d, v in points])


def test_expected_progress_along_a_plan_is_piecewise_linear():
    plan = plan_frame(("2024-03-01", 70), ("2024-01-31", 10))     # unsorted on purpose; 0 -> 100
    # points: (day 0, 0), (30, .1), (60, .7), (90, 1)
    assert expected_progress(date(2024, 1, 16), T0, T1, plan, 0, 100) == pytest.approx(0.05)   # half of 0..0.1
    assert expected_progress(date(2024, 1, 31), T0, T1, plan, 0, 100) == pytest.approx(0.1)
    assert expected_progress(date(2024, 2, 15), T0, T1, plan, 0, 100) == pytest.approx(0.4)    # half of .1..0.7
    assert expected_progress(date(2024, 3, 16), T0, T1, plan, 0, 100) == pytest.approx(0.85)   # half of .7..1
    assert expected_progress(date(2023, 12, 1), T0, T1, plan, 0, 100) == 0.0
    assert expected_progress(date(2024, 5, 1), T0, T1, plan, 0, 100) == 1.0


def test_expected_progress_along_a_plan_for_a_decreasing_kr():
    plan = plan_frame(("2024-01-31", 7))           # 9 h -> 4 h, planned 7 h by day 30: (7-9)/(4-9) = .4
    assert expected_progress(date(2024, 1, 31), T0, T1, plan, 9, 4) == pytest.approx(0.4)
    assert expected_progress(date(2024, 1, 16), T0, T1, plan, 9, 4) == pytest.approx(0.2)      # half of 0..0.4
    # day 60 between (30, .4) and (90, 1): .4 + .6 * (60 - 30) / (90 - 30) = .7
    assert expected_progress(date(2024, 3, 1), T0, T1, plan, 9, 4) == pytest.approx(0.7)


def test_expected_progress_empty_plan_is_linear():
    assert expected_progress(date(2024, 2, 15), T0, T1, plan_frame(), 0, 100) == pytest.approx(0.5)


# --- status -----------------------------------------------------------------------------------
def test_status_thresholds():
    assert status(1.0, 0.5, True) == "achieved"
    assert status(1.7, 0.5, True) == "achieved"
    assert status(0.5, 0.5, True) == "on_track"      # gap 0
    assert status(0.6, 0.5, True) == "on_track"      # gap -0.1
    assert status(0.25, 0.5, True) == "behind"       # gap exactly 0.25
    assert status(0.24, 0.5, True) == "at_risk"      # gap 0.26
    assert status(-0.5, 0.1, True) == "behind"       # clamp(-0.5) = 0, gap 0.1


def test_status_empty_input_without_checkin_is_not_started():
    assert status(0.0, 0.5, False) == "not_started"
    assert status(1.0, 0.5, False) == "not_started"  # e.g. stay_above already above its line at start


def test_status_threshold_is_configurable():
    assert status(0.3, 0.5, True, behind_gap=0.1) == "at_risk"    # gap 0.2 > 0.1
    assert status(0.3, 0.5, True, behind_gap=0.2) == "behind"     # gap 0.2 <= 0.2


# --- forecast value ---------------------------------------------------------------------------
def test_forecast_value_least_squares_with_three_checkins():
    frame = checkin_frame(checkin("K", "2024-01-01", 0), checkin("K", "2024-01-11", 12), checkin("K", "2024-01-21", 18))
    # x = 0, 10, 20 (mean 10), y = 0, 12, 18 (mean 10): Sxy = 100 + 0 + 80 = 180, Sxx = 200
    # slope .9, intercept 10 - 9 = 1 -> at day 90: 81 + 1 = 82
    assert forecast_value(frame, T0, T1, 0) == pytest.approx(82)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 120), st.floats(-1e6, 1e6, allow_nan=False)), min_size=3, max_size=15,
                unique_by=lambda point: point[0]))
def test_forecast_value_is_numpys_least_squares_line(points):
    """The closed-form line is the one np.polyfit(x, y, 1) fits, for any check-ins on distinct days."""
    points = sorted(points)
    days = [(pd.Timestamp(T0) + pd.Timedelta(days=d)).date().isoformat() for d, _ in points]
    frame = checkin_frame(*[checkin("K", day, y) for day, (_, y) in zip(days, points)])
    x, y = np.array([d for d, _ in points], dtype=float), np.array([v for _, v in points])
    slope, intercept = np.polyfit(x, y, 1)
    assert forecast_value(frame, T0, T1, 0) == pytest.approx(slope * 90 + intercept, rel=1e-9, abs=1e-6)


def test_forecast_value_two_point_line_with_fewer_checkins():
    frame = checkin_frame(checkin("K", "2024-01-16", 100), checkin("K", "2024-01-31", 20))
    # through (day 0, start 10) and the latest (day 30, 20): slope 1/3 -> 10 + 90/3 = 40; the first is ignored
    assert forecast_value(frame, T0, T1, 10) == pytest.approx(40)
    single = checkin_frame(checkin("K", "2024-02-10", 6))
    # (0, 9) and (40, 6): slope -3/40 -> 9 - 6.75 = 2.25
    assert forecast_value(single, T0, T1, 9) == pytest.approx(2.25)


def test_forecast_value_empty_input():
    assert np.isnan(forecast_value(checkin_frame(), T0, T1, 0))


# --- key_result_status ------------------------------------------------------------------------
def increasing_kr_checkins():
    return [checkin("INC", "2024-01-01", 0, 6), checkin("INC", "2024-01-11", 12, 7),
            checkin("INC", "2024-01-21", 18, None),   # no confidence given: the 7 stays the latest
            checkin("INC", "2024-02-20", 90, 9)]      # after as_of: ignored entirely


def test_increasing_kr_every_field():
    result = run([kr("INC", "increase", 0, 100, weight=2.0, unit="%")], increasing_kr_checkins())
    assert list(result.columns) == KR_FIELDS
    r = one(result, "INC")
    assert (r["team"], r["cycle"], r["objective_id"], r["key_result"]) == ("Alpha", "2024-Q1", "O1", "KR INC")
    assert (r["kr_type"], r["unit"], r["start_value"], r["target_value"], r["weight"]) == ("increase", "%", 0, 100, 2)
    assert r["cycle_start"] == pd.Timestamp(T0) and r["cycle_end"] == pd.Timestamp(T1)
    assert r["current_value"] == 18.0                        # last check-in on or before 15 Feb
    assert r["last_checkin"] == pd.Timestamp("2024-01-21")
    assert r["days_since_checkin"] == 25.0                   # 21 Jan -> 15 Feb
    assert r["checkins"] == 3                                # the 20 Feb one is after as_of
    assert r["progress"] == pytest.approx(0.18)              # 18 / 100
    assert r["expected_progress"] == pytest.approx(0.5)      # 45 / 90
    assert r["status"] == "at_risk"                          # gap .5 - .18 = .32 > .25
    assert r["forecast_value"] == pytest.approx(82)          # least squares through days 0/10/20 -> 0/12/18
    assert r["forecast_progress"] == pytest.approx(0.82)
    assert r["confidence"] == 7.0                            # latest given, the missing one skipped
    assert r["stale"]                                        # running, 25 days > cadence 7 + 2


def test_decreasing_kr_response_time_9h_to_4h():
    result = run([kr("DEC", "decrease", 9, 4)],
                 [checkin("DEC", "2024-01-31", 8), checkin("DEC", "2024-02-10", 6, 8)])
    r = one(result, "DEC")
    assert r["current_value"] == 6.0
    assert r["progress"] == pytest.approx(0.6)           # (6 - 9) / (4 - 9)
    assert r["status"] == "on_track"                     # gap .5 - .6 < 0
    # two check-ins: line through (day 0, 9) and (day 40, 6): 9 - 3/40 * 90 = 2.25
    assert r["forecast_value"] == pytest.approx(2.25)
    assert r["forecast_progress"] == pytest.approx(1.35)  # (2.25 - 9) / (4 - 9)
    assert r["confidence"] == 8.0
    assert not r["stale"]                                 # 5 days


def test_decreasing_kr_statuses():
    krs = [kr(k, "decrease", 9, 4) for k in ("D-risk", "D-behind", "D-done", "D-worse")]
    result = run(krs, [checkin("D-risk", "2024-02-14", 8),     # (8-9)/(4-9) = .2, gap .3 -> at_risk
                       checkin("D-behind", "2024-02-14", 7),   # .4, gap .1 -> behind
                       checkin("D-done", "2024-02-14", 3.5),   # 1.1 -> achieved
                       checkin("D-worse", "2024-02-14", 10)])  # -.2 -> clamp 0, gap .5 -> at_risk
    assert one(result, "D-risk")["status"] == "at_risk"
    assert one(result, "D-behind")["status"] == "behind"
    assert one(result, "D-done")["status"] == "achieved"
    assert one(result, "D-done")["progress"] == pytest.approx(1.1)
    assert one(result, "D-worse")["status"] == "at_risk"
    assert one(result, "D-worse")["progress"] == pytest.approx(-0.2)


def test_stay_above_stay_below_milestone_kinds():
    krs = [kr("ABOVE-ok", "stay_above", 90, 95), kr("ABOVE-low", "stay_above", 90, 95),
           kr("BELOW-ok", "stay_below", 3, 2), kr("BELOW-high", "stay_below", 3, 2),
           kr("MILE-done", "milestone", 0, 1), kr("MILE-open", "milestone", 0, 1)]
    result = run(krs, [checkin("ABOVE-ok", "2024-02-01", 96), checkin("ABOVE-low", "2024-02-01", 94),
                       checkin("BELOW-ok", "2024-02-01", 2), checkin("BELOW-high", "2024-02-01", 2.5),
                       checkin("MILE-done", "2024-02-01", 1), checkin("MILE-open", "2024-02-01", 0)])
    # the cycle runs on 15 Feb: a held line is on track, not yet achieved (METRICS.md, states during the cycle)
    expected = {"ABOVE-ok": (1.0, "on_track"), "ABOVE-low": (0.0, "at_risk"),
                "BELOW-ok": (1.0, "on_track"), "BELOW-high": (0.0, "at_risk"),
                "MILE-done": (1.0, "achieved"), "MILE-open": (0.0, "at_risk")}     # gap .5 - 0
    for kr_id, (prog, state) in expected.items():
        assert (one(result, kr_id)["progress"], one(result, kr_id)["status"]) == (prog, state), kr_id
    # stay_above forecast: line through (0, 90) and (day 31, 96) -> 90 + 6 * 90 / 31 = 3330/31, above 95
    assert one(result, "ABOVE-ok")["forecast_value"] == pytest.approx(3330 / 31)
    assert one(result, "ABOVE-ok")["forecast_progress"] == 1.0
    assert one(result, "ABOVE-ok")["forecast_status"] == "achieved"
    # a milestone is done or not: no numeric forecast
    for kr_id in ("MILE-done", "MILE-open"):
        assert pd.isna(one(result, kr_id)["forecast_value"]) and pd.isna(one(result, kr_id)["forecast_progress"])
        assert pd.isna(one(result, kr_id)["forecast_status"])


def test_over_achievement_and_negative_progress():
    result = run([kr("OVER", "increase", 0, 10), kr("NEG", "increase", 50, 100)],
                 [checkin("OVER", "2024-02-01", 15), checkin("NEG", "2024-02-01", 40)])
    over, neg = one(result, "OVER"), one(result, "NEG")
    assert over["progress"] == pytest.approx(1.5)        # raw, not clamped
    assert over["status"] == "achieved"
    assert neg["progress"] == pytest.approx(-0.2)        # (40 - 50) / 50
    assert neg["status"] == "at_risk"                    # clamp to 0, gap .5


def test_status_thresholds_through_key_result_status():
    krs = [kr(k, "increase", 0, 100) for k in ("on", "ahead", "edge", "past-edge")]
    result = run(krs, [checkin("on", "2024-02-14", 50), checkin("ahead", "2024-02-14", 60),
                       checkin("edge", "2024-02-14", 25), checkin("past-edge", "2024-02-14", 24)])
    assert one(result, "on")["status"] == "on_track"        # gap 0
    assert one(result, "ahead")["status"] == "on_track"     # gap -.1
    assert one(result, "edge")["status"] == "behind"        # gap exactly .25
    assert one(result, "past-edge")["status"] == "at_risk"  # gap .26


def test_behind_gap_and_cadence_are_configurable():
    result = run([kr("K", "increase", 0, 100)], [checkin("K", "2024-02-05", 40)], behind_gap=0.05, cadence_days=14)
    r = one(result, "K")
    assert r["status"] == "at_risk"      # gap .1 > .05
    assert not r["stale"]                # 10 days, not more than 14 + 2
    assert one(run([kr("K", "increase", 0, 100)], [checkin("K", "2024-02-05", 40)], cadence_days=7), "K")["stale"]
    # 10 days > 7 + 2


def test_not_started_without_checkins():
    result = run([kr("NONE", "increase", 5, 10), kr("ABOVE", "stay_above", 96, 95)])
    r = one(result, "NONE")
    assert r["status"] == "not_started"
    assert r["current_value"] == 5.0                     # v = s
    assert pd.isna(r["last_checkin"])
    assert pd.isna(r["days_since_checkin"])
    assert r["progress"] == 0.0
    assert pd.isna(r["forecast_value"]) and pd.isna(r["forecast_progress"])
    assert pd.isna(r["confidence"])
    assert r["checkins"] == 0
    assert one(result, "ABOVE")["status"] == "not_started"   # already above the line, but nobody checked in


def test_checkins_after_as_of_are_ignored():
    result = run([kr("LATE", "increase", 0, 100)], [checkin("LATE", "2024-02-16", 100, 9)])
    r = one(result, "LATE")
    assert r["status"] == "not_started"                  # the only check-in is a day after as_of
    assert r["current_value"] == 0.0
    assert pd.isna(r["confidence"])
    assert r["checkins"] == 0


def test_checkin_on_as_of_counts_and_order_of_rows_does_not_matter():
    result = run([kr("K", "increase", 0, 100)],
                 [checkin("K", "2024-02-15", 55, 4), checkin("K", "2024-01-10", 20, 8)])
    r = one(result, "K")
    assert r["current_value"] == 55.0                    # on as_of counts; latest by date, not by row
    assert r["confidence"] == 4.0
    assert r["days_since_checkin"] == 0.0


def test_expected_progress_clamped_before_and_after_the_cycle():
    krs = [kr("K", "increase", 0, 100)]
    before = one(run(krs, as_of=date(2023, 12, 15)), "K")
    after = one(run(krs, [checkin("K", "2024-03-20", 80)], as_of=date(2024, 4, 15)), "K")
    assert before["expected_progress"] == 0.0
    assert after["expected_progress"] == 1.0
    assert after["status"] == "behind"                   # gap 1 - .8 = .2


def test_plan_based_expected_progress_in_key_result_status():
    plans = [{"kr_id": "K", "date": "2024-01-31", "planned_value": 10},
             {"kr_id": "K", "date": "2024-03-01", "planned_value": 70}]
    result = run([kr("K", "increase", 0, 100)], [checkin("K", "2024-02-14", 40)], plans=plans)
    r = one(result, "K")
    assert r["expected_progress"] == pytest.approx(0.4)  # day 45 halfway between (30, .1) and (60, .7)
    assert r["status"] == "on_track"                      # gap .4 - .4 = 0 (linear would say behind: .1)


def test_stale_after_more_than_cadence_plus_two_days_while_the_cycle_runs():
    krs = [kr("D9", "increase", 0, 100), kr("D10", "increase", 0, 100)]
    result = run(krs, [checkin("D9", "2024-02-06", 50), checkin("D10", "2024-02-05", 50)])
    assert not one(result, "D9")["stale"]                # 6 Feb -> 15 Feb: 9 days, not more than 7 + 2
    assert one(result, "D10")["stale"]                   # 10 days


def test_not_stale_after_the_cycle_ended():
    result = run([kr("K", "increase", 0, 100)], [checkin("K", "2024-01-10", 50)], as_of=date(2024, 4, 30))
    r = one(result, "K")
    assert r["days_since_checkin"] == 111.0              # 21 (Jan) + 29 + 31 + 30
    assert not r["stale"]


def test_forecast_uses_only_the_cycles_checkins():
    # a baseline before the cycle does not make three: two in-cycle check-ins -> two-point line
    result = run([kr("K", "increase", 0, 100)],
                 [checkin("K", "2023-12-20", 50), checkin("K", "2024-01-11", 10), checkin("K", "2024-01-21", 20)])
    # line through (day 0, 0) and (day 20, 20): slope 1 -> 90
    assert one(result, "K")["forecast_value"] == pytest.approx(90)


def test_key_result_status_empty_input():
    result = key_result_status(table("key_results"), table("cycles"), table("checkins"), table("kr_plans"),
                               as_of=AS_OF)
    assert result.empty
    assert list(result.columns) == KR_FIELDS


# --- objectives -------------------------------------------------------------------------------
def kr_status_frame(*rows) -> pd.DataFrame:
    """Rows (objective_id, weight, progress, status) of a key_result_status result for team Alpha, 2024-Q1."""
    return pd.DataFrame([{"kr_id": f"K{i}", "team": "Alpha", "cycle": "2024-Q1", "objective_id": o,
                          "weight": w, "progress": p, "status": s} for i, (o, w, p, s) in enumerate(rows)])


def objectives(*rows) -> pd.DataFrame:
    return table("objectives", [{"team": "Alpha", "cycle": "2024-Q1", "objective_id": o, "objective": f"Obj {o}",
                                 "okr_type": t, "parent": None} for o, t in rows])


def row_of(result: pd.DataFrame, objective_id: str) -> pd.Series:
    match = result[result["objective_id"] == objective_id]
    assert len(match) == 1
    return match.iloc[0]


def test_objective_score_is_weighted_and_clamped():
    krs = kr_status_frame(("O1", 2.0, 0.5, "behind"), ("O1", 1.0, 1.5, "achieved"), ("O1", 1.0, -0.2, "at_risk"))
    result = objective_scores(krs, objectives(("O1", "aspirational")))
    assert list(result.columns) == OBJECTIVE_FIELDS
    o1 = row_of(result, "O1")
    assert o1["objective"] == "Obj O1" and o1["okr_type"] == "aspirational"
    assert o1["key_results"] == 3 and o1["key_results_achieved"] == 1
    assert o1["score"] == pytest.approx(0.5)      # (2 * .5 + 1 * 1 + 1 * 0) / 4
    assert not o1["achieved"]                      # one of three achieved
    assert o1["grade"] == pytest.approx(0.5)
    assert o1["grade_band"] == "yellow"


def test_objective_achieved_only_when_every_kr_achieved():
    krs = kr_status_frame(("O2", 1.0, 1.0, "achieved"), ("O2", 3.0, 1.2, "achieved"))
    o2 = row_of(objective_scores(krs, objectives(("O2", "committed"))), "O2")
    assert o2["score"] == pytest.approx(1.0)      # (1 * 1 + 3 * 1) / 4
    assert o2["achieved"]
    assert o2["key_results_achieved"] == 2
    assert o2["grade"] == 1.0 and o2["grade_band"] == "green"


def test_objective_without_key_results():
    o3 = row_of(objective_scores(kr_status_frame(("O1", 1.0, 1.0, "achieved")), objectives(("O3", "committed"))), "O3")
    assert o3["key_results"] == 0
    assert pd.isna(o3["score"]) and pd.isna(o3["grade"])
    assert not o3["achieved"]
    assert o3["grade_band"] is None


@pytest.mark.parametrize(("progress_value", "grade"), [
    (0.64, 0.6), (0.66, 0.7), (0.25, 0.3), (0.35, 0.4), (0.04, 0.0), (0.96, 1.0),
])
def test_grade_is_score_rounded_to_one_decimal(progress_value, grade):
    # a single KR of weight 1: score = progress; halves round up (0.25 -> 0.3, 0.35 -> 0.4)
    krs = kr_status_frame(("O1", 1.0, progress_value, "behind"))
    result = objective_scores(krs, objectives(("O1", "aspirational")))
    assert row_of(result, "O1")["grade"] == pytest.approx(grade)


def test_missing_weight_counts_as_one():
    # METRICS.md: weight w (default 1). Score = (1 * 1 + 1 * 0) / 2 = 0.5
    krs = kr_status_frame(("O1", np.nan, 1.0, "achieved"), ("O1", 1.0, 0.0, "at_risk"))
    assert row_of(objective_scores(krs, objectives(("O1", "aspirational"))), "O1")["score"] == pytest.approx(0.5)


def test_objective_scores_from_key_result_status():
    krs = [kr("A", "increase", 0, 100, weight=3.0), kr("B", "decrease", 9, 4, weight=1.0)]
    status_frame = run(krs, [checkin("A", "2024-02-14", 60), checkin("B", "2024-02-14", 2)])
    o1 = row_of(objective_scores(status_frame, objectives(("O1", "aspirational"))), "O1")
    assert o1["score"] == pytest.approx(0.7)      # (3 * .6 + 1 * clamp(1.4)) / 4 = 2.8 / 4
    assert o1["grade"] == pytest.approx(0.7) and o1["grade_band"] == "green"
    assert o1["key_results_achieved"] == 1 and not o1["achieved"]


def test_objective_scores_empty_input():
    empty_status = run([])
    result = objective_scores(empty_status, table("objectives"))
    assert result.empty
    assert list(result.columns) == OBJECTIVE_FIELDS


# --- grade band -------------------------------------------------------------------------------
@pytest.mark.parametrize(("grade", "band"), [
    # METRICS.md: aspirational objectives are healthy at 0.6–0.7, so green starts at 0.6
    (0.0, "red"), (0.3, "red"), (0.4, "yellow"), (0.5, "yellow"), (0.6, "green"), (0.7, "green"), (1.0, "green"),
])
def test_grade_band_aspirational(grade, band):
    assert grade_band(grade, "aspirational") == band


def test_grade_band_committed_expects_one():
    assert grade_band(1.0, "committed") == "green"
    assert grade_band(0.9, "committed") in ("yellow", "red")   # short of 1.0 is not healthy for committed
    assert grade_band(0.7, "committed") in ("yellow", "red")
    assert grade_band(0.3, "committed") == "red"


def test_grade_band_empty_input():
    assert grade_band(np.nan, "aspirational") is None


# --- a check-in's jump, before it is saved ----------------------------------------------------------
def test_a_german_number_read_the_english_way_is_a_big_jump():
    # the KR: start 1,500,000, target 2,000,000, last 1,745,545; 1.850.000 read as 1.85
    jump = checkin_jump(1745545, 1.85, 1500000, 2000000, "increase")
    assert jump["progress_before"] == pytest.approx(0.49109)   # (1745545 − 1500000) / 500000
    assert jump["progress_after"] == pytest.approx(-2.9999963)  # (1.85 − 1500000) / 500000
    assert jump["big"]                                          # 349 points, and the value ÷ 943,538
    honest = checkin_jump(1745545, 1850000, 1500000, 2000000, "increase")
    assert honest["change"] == pytest.approx(0.059841, abs=1e-6)  # (1850000 − 1745545) / 1745545 = +6 %
    assert honest["progress_after"] == pytest.approx(0.7)        # (1850000 − 1500000) / 500000
    assert not honest["big"]                                     # 21 points, ×1.06


@pytest.mark.parametrize(("was", "value", "big"), [
    (10, 1000, True),     # ×100 exactly; progress 0 → 99 (start 10, target 20: (1000 − 10) / 10 = 99)
    (10, 0.1, True),      # ÷100
    (10, 999, True),      # ×99.9 but progress (999 − 10) / 10 = 98.9 → moved 98.9 > 1
    (12, 21, False),      # progress 0.2 → 1.1: moved 0.9, ×1.75
    (10, 21, True),       # progress 0 → 1.1: moved 1.1 > 1
])
def test_a_jump_is_big_beyond_100_points_or_a_factor_of_100(was, value, big):
    assert checkin_jump(was, value, 10, 20, "increase")["big"] is big


def test_a_jump_from_nothing_has_no_change_and_counts_progress_only():
    jump = checkin_jump(0, 5, 0, 10, "increase")
    assert math.isnan(jump["change"]) and jump["progress_after"] == 0.5 and not jump["big"]  # 5 / 10
    assert checkin_jump(float("nan"), 5, 0, 10, "increase")["big"] is False   # no value before: nothing to compare
