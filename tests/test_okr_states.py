"""Key result states during the cycle (METRICS.md): conditions, milestones, forecast status and
the disagreement flag, the status against the original target, revisions, calibration verdicts.

Cycle 2024-Q1 as in test_okr_metrics: T0 = 1 Jan, T1 = 31 Mar 2024, 90 days; as of 15 Feb
(day 45) the linear expectation is 0.5.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.calibration import calibration, verdict
from analytics.okr_metrics import forecast_status, status, status_disagrees
from analytics.okr_revisions import (REVISION_FIELDS, VERSION_FIELDS, key_result_versions, kr_revisions,
                                     objective_rewordings, original_key_results, with_revision_counts)
from tests.test_okr_metrics import checkin, kr, one, run
from tests.support import table

AFTER = date(2024, 4, 15)  # the cycle has ended


# --- stay_above / stay_below are conditions ----------------------------------------------------
def test_a_held_line_is_on_track_while_the_cycle_runs_and_at_risk_when_broken():
    result = run([kr("UP-ok", "stay_above", 2.4, 3.0), kr("UP-low", "stay_above", 2.4, 3.0),
                  kr("DOWN-ok", "stay_below", 2.6, 2.0), kr("DOWN-high", "stay_below", 2.6, 2.0)],
                 [checkin("UP-ok", "2024-02-09", 3.1), checkin("UP-low", "2024-02-09", 2.96),
                  checkin("DOWN-ok", "2024-02-09", 1.9), checkin("DOWN-high", "2024-02-09", 2.1)])
    assert (one(result, "UP-ok")["progress"], one(result, "UP-ok")["status"]) == (1.0, "on_track")    # 3.1 ≥ 3
    assert (one(result, "UP-low")["progress"], one(result, "UP-low")["status"]) == (0.0, "at_risk")   # 2.96 < 3
    assert (one(result, "DOWN-ok")["progress"], one(result, "DOWN-ok")["status"]) == (1.0, "on_track")  # 1.9 ≤ 2
    assert one(result, "DOWN-high")["status"] == "at_risk"                                             # 2.1 > 2


def test_a_held_line_is_achieved_only_on_a_checkin_at_or_after_the_cycle_end():
    result = run([kr("ON-T1", "stay_above", 2.4, 3.0), kr("BEFORE-T1", "stay_above", 2.4, 3.0),
                  kr("AFTER-T1", "stay_below", 2.6, 2.0), kr("BROKEN", "stay_below", 2.6, 2.0)],
                 [checkin("ON-T1", "2024-03-31", 3.2),       # on T1 and held: achieved
                  checkin("BEFORE-T1", "2024-03-29", 3.2),   # held, but the last check-in is before T1
                  checkin("AFTER-T1", "2024-04-02", 1.8),    # a closing check-in after T1 counts
                  checkin("BROKEN", "2024-03-31", 2.2)],     # 2.2 > 2 at the end
                 as_of=AFTER)
    assert one(result, "ON-T1")["status"] == "achieved"
    assert one(result, "BEFORE-T1")["status"] == "on_track"
    assert one(result, "AFTER-T1")["status"] == "achieved"
    assert one(result, "BROKEN")["status"] == "at_risk"


def test_status_rule_for_conditions_directly():
    assert status(1.0, 0.5, True, kr_type="stay_above") == "on_track"
    assert status(1.0, 0.5, True, kr_type="stay_above", held_at_end=True) == "achieved"
    assert status(0.0, 0.0, True, kr_type="stay_below") == "at_risk"   # broken even with nothing expected yet
    assert status(1.0, 0.5, False, kr_type="stay_below") == "not_started"


# --- milestones ---------------------------------------------------------------------------------
def test_a_milestone_has_no_numeric_forecast_and_is_achieved_when_done():
    result = run([kr("DONE", "milestone", 0, 1), kr("OPEN", "milestone", 0, 1)],
                 [checkin("DONE", "2024-01-11", 0), checkin("DONE", "2024-02-10", 1), checkin("OPEN", "2024-02-10", 0)])
    done, open_ = one(result, "DONE"), one(result, "OPEN")
    assert done["status"] == "achieved" and done["progress"] == 1.0
    for row in (done, open_):
        assert np.isnan(row["forecast_value"]) and np.isnan(row["forecast_progress"])
        assert pd.isna(row["forecast_status"]) and not row["status_disagrees"]
    assert open_["status"] == "at_risk"  # progress 0, gap .5


# --- forecast status and the disagreement flag --------------------------------------------------
def test_forecast_status_and_disagreement_by_hand():
    result = run([kr("BEHIND-BUT-OK", "increase", 0, 100), kr("ONTRACK-BUT-SHORT", "increase", 0, 100),
                  kr("AGREE", "increase", 0, 100)],
                 [checkin("BEHIND-BUT-OK", "2024-02-10", 45),
                  checkin("ONTRACK-BUT-SHORT", "2024-01-11", 40), checkin("ONTRACK-BUT-SHORT", "2024-01-21", 45),
                  checkin("ONTRACK-BUT-SHORT", "2024-02-10", 50),
                  checkin("AGREE", "2024-02-10", 35)])
    behind = one(result, "BEHIND-BUT-OK")
    # progress .45, expected .5: gap .05 -> behind; two-point line (0, 0)-(40, 45): 45 / 40 * 90 = 101.25
    assert behind["status"] == "behind"
    assert behind["forecast_value"] == pytest.approx(101.25)
    assert behind["forecast_status"] == "achieved"
    assert behind["status_disagrees"]
    on_track = one(result, "ONTRACK-BUT-SHORT")
    # progress .5, gap 0 -> on_track; least squares through (10, 40), (20, 45), (40, 50):
    # slope 150 / 466.67 = 0.3214, intercept 45 - 0.3214 * 23.33 = 37.5 -> at day 90: 66.43 < 100
    assert on_track["status"] == "on_track"
    assert on_track["forecast_value"] == pytest.approx(37.5 + 90 * 150 / (1400 / 3))
    assert on_track["forecast_status"] == "short"
    assert on_track["status_disagrees"]
    agree = one(result, "AGREE")
    # progress .35, gap .15 -> behind; (0, 0)-(40, 35): 35 / 40 * 90 = 78.75 -> short: they agree
    assert (agree["status"], agree["forecast_status"], agree["status_disagrees"]) == ("behind", "short", False)


@pytest.mark.parametrize("state, forecast, disagrees", [
    ("behind", "achieved", True), ("at_risk", "achieved", True), ("on_track", "short", True),
    ("behind", "short", False), ("at_risk", "short", False), ("on_track", "achieved", False),
    ("achieved", "short", False), ("not_started", None, False), ("on_track", None, False),
])
def test_status_disagrees_table(state, forecast, disagrees):
    assert status_disagrees(state, forecast) is disagrees


def test_forecast_status_threshold():
    assert forecast_status(1.0) == "achieved"
    assert forecast_status(0.999) == "short"
    assert forecast_status(np.nan) is None


# --- revisions and the status against the original target ---------------------------------------
def kr_version(target, import_id, superseded_by=None, kr_type="increase", text="40 meetings") -> dict:
    return {"kr_id": "K", "team": "Alpha", "cycle": "2024-Q1", "objective_id": "O1", "key_result": text,
            "kr_type": kr_type, "unit": None, "start_value": 0.0, "target_value": target, "weight": 1.0,
            "import_id": import_id, "superseded_by": superseded_by}


IMPORTS = pd.DataFrame({"import_id": [1, 2, 3],
                        "imported_at": pd.to_datetime(["2023-12-10 09:00", "2023-12-20 09:00", "2024-02-01 10:30"])})
CYCLES = table("cycles", [{"team": "Alpha", "cycle": "2024-Q1", "cycle_start": "2024-01-01", "cycle_end": "2024-03-31"}])


def versions() -> pd.DataFrame:
    # planned at 50 (10 Dec), settled at 40 before the start (20 Dec), revised to 30 on 1 Feb
    return pd.DataFrame([kr_version(50.0, 1, 2), kr_version(40.0, 2, 3), kr_version(30.0, 3)])


def test_revisions_list_every_change_with_its_import_date():
    revisions = kr_revisions(versions(), None, IMPORTS)
    assert list(revisions.columns) == REVISION_FIELDS
    assert revisions[["field", "old", "new", "import_id"]].values.tolist() == [
        ["target_value", "50", "40", 2], ["target_value", "40", "30", 3]]
    assert revisions["date"].tolist() == [pd.Timestamp("2023-12-20 09:00"), pd.Timestamp("2024-02-01 10:30")]


def test_the_original_is_the_version_the_cycle_started_with():
    originals = original_key_results(versions(), IMPORTS, CYCLES)
    assert originals.to_dict(orient="records") == [{"kr_id": "K", "start_value": 0.0, "target_value": 40.0,
                                                   "kr_type": "increase"}]


def test_status_against_the_original_target_beside_the_revised_one():
    originals = original_key_results(versions(), IMPORTS, CYCLES)
    result = run([kr("K", "increase", 0, 30)], [checkin("K", "2024-02-15", 18)], originals=originals)
    r = one(result, "K")
    assert r["progress"] == pytest.approx(0.6)          # 18 / 30 against the revised target
    assert r["status"] == "on_track"                     # gap .5 - .6 < 0
    assert r["original_target"] == 40.0
    assert r["status_vs_original"] == "behind"           # 18 / 40 = .45, gap .05
    counted = with_revision_counts(result, kr_revisions(versions(), None, IMPORTS))
    assert counted["revisions"].tolist() == [2]


def test_without_revisions_the_status_against_the_original_is_the_status():
    r = one(run([kr("K", "increase", 0, 100)], [checkin("K", "2024-02-15", 20)]), "K")
    assert r["status_vs_original"] == r["status"] == "at_risk"
    assert r["original_target"] == 100.0


def test_a_type_change_and_a_revision_in_the_same_import_are_ordered():
    # the demo writes a second version inside its own import: replaced version first
    frame = pd.DataFrame([kr_version(30.0, 5), kr_version(40.0, 5, 5, kr_type="increase")])
    revisions = kr_revisions(frame, None, pd.DataFrame({"import_id": [5], "imported_at": [pd.Timestamp("2024-02-01")]}))
    assert revisions[["field", "old", "new"]].values.tolist() == [["target_value", "40", "30"]]


def test_a_changed_plan_is_a_revision():
    plans = pd.DataFrame({"kr_id": ["K", "K", "K"], "date": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-03-01"]),
                          "planned_value": [10.0, 30.0, 20.0], "import_id": [1, 1, 3], "superseded_by": [None, 3, None]})
    krs = pd.DataFrame([kr_version(40.0, 1)])
    revisions = kr_revisions(krs, plans, IMPORTS)
    assert revisions[["field", "old", "new", "import_id"]].values.tolist() == [
        ["plan", "2024-02-01: 10; 2024-03-01: 30", "2024-02-01: 10; 2024-03-01: 20", 3]]


def test_a_reworded_objective_is_listed():
    frame = pd.DataFrame({"team": ["A", "A"], "cycle": ["Q1", "Q1"], "objective_id": ["O1", "O1"],
                          "objective": ["Win the north", "Win the whole north"], "import_id": [1, 3],
                          "superseded_by": [3, None]})
    rewordings = objective_rewordings(frame, IMPORTS)
    assert rewordings[["objective_id", "old", "new", "import_id"]].values.tolist() == [
        ["O1", "Win the north", "Win the whole north", 3]]
    assert rewordings["date"].tolist() == [pd.Timestamp("2024-02-01 10:30")]


def test_revisions_empty_input():
    assert kr_revisions(pd.DataFrame(), None, IMPORTS).empty
    assert objective_rewordings(pd.DataFrame(), IMPORTS).empty


# --- calibration ------------------------------------------------------------------------------
@pytest.mark.parametrize("committed, aspirational, expected", [
    (0.75, 0.5, "too ambitious"),    # committed below 0.8
    (1.0, 0.2, "too ambitious"),     # aspirational below 0.3
    (0.9, 0.9, "too easy"),          # aspirational above 0.8
    (0.8, 0.3, "about right"),       # both thresholds exactly: not below
    (1.0, 0.8, "about right"),       # 0.8 is not above 0.8
    (np.nan, 0.5, "about right"),    # no committed objective closed yet
    (0.5, np.nan, "too ambitious"),
    (np.nan, np.nan, None),
])
def test_calibration_verdicts(committed, aspirational, expected):
    assert verdict(committed, aspirational) == expected


def test_calibration_thresholds_are_parameters():
    assert verdict(0.75, 0.5, committed_min=0.7) == "about right"
    assert verdict(1.0, 0.7, aspirational_max=0.6) == "too easy"


def test_calibration_per_team_over_closed_cycles_only():
    cycles = pd.DataFrame({"team": ["A", "A", "A", "B"], "cycle": ["C1", "C2", "C3", "C1"],
                           "cycle_start": pd.to_datetime(["2024-01-01", "2024-04-01", "2024-07-01", "2024-01-01"]),
                           "cycle_end": pd.to_datetime(["2024-03-31", "2024-06-30", "2024-09-30", "2024-03-31"])})
    scores = pd.DataFrame({
        "team": ["A", "A", "A", "A", "A", "A", "A", "B", "B", "B", "B"],
        "cycle": ["C1", "C1", "C1", "C2", "C2", "C2", "C3", "C1", "C1", "C1", "C1"],
        "okr_type": ["committed", "committed", "aspirational", "committed", "committed", "aspirational", "committed",
                     "committed", "aspirational", "aspirational", "aspirational"],
        "score": [1.0, 0.9, 0.7, 1.0, 1.0, 0.5, 0.0, 1.0, 0.8, 0.9, 0.75]})
    result = calibration(scores, cycles, date(2024, 8, 1)).set_index("team")
    # A: C3 still runs. committed 1.0, .9, 1.0, 1.0 -> 3 of 4 = .75 < .8; aspirational .7, .5 -> 1 of 2
    assert result.loc["A", "cycles"] == 2
    assert result.loc["A", "committed_objectives"] == 4
    assert result.loc["A", "committed_hit_rate"] == pytest.approx(0.75)
    assert result.loc["A", "aspirational_hit_rate"] == pytest.approx(0.5)
    assert result.loc["A", "verdict"] == "too ambitious"
    # B: committed 1 of 1; aspirational .8, .9, .75 all ≥ .7 -> 1.0 > .8
    assert result.loc["B", "committed_hit_rate"] == 1.0
    assert result.loc["B", "aspirational_hit_rate"] == 1.0
    assert result.loc["B", "verdict"] == "too easy"


def test_calibration_empty_input():
    assert calibration(pd.DataFrame(), pd.DataFrame(), date(2024, 1, 1)).empty


def test_every_version_of_a_key_result_with_its_import_date_target_type_and_plan():
    """Issue 24: a revised KR keeps every version with the date it was imported (METRICS.md)."""
    plans = pd.DataFrame({"kr_id": ["K", "K", "K"], "date": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-03-01"]),
                          "planned_value": [10.0, 30.0, 20.0], "import_id": [1, 1, 3], "superseded_by": [None, 3, None]})
    found = key_result_versions(versions(), plans, IMPORTS)
    assert list(found.columns) == VERSION_FIELDS
    first_plan = [{"date": "2024-02-01", "planned_value": 10.0}, {"date": "2024-03-01", "planned_value": 30.0}]
    later_plan = [{"date": "2024-02-01", "planned_value": 10.0}, {"date": "2024-03-01", "planned_value": 20.0}]
    # import 1: target 50 with the first plan; 2: target 40 (plan as it was); 3: target 30 and the plan's
    # 1 March point 30 → 20, both in one import: one version
    assert found[["import_id", "target_value", "kr_type", "plan"]].values.tolist() == [
        [1, 50.0, "increase", first_plan], [2, 40.0, "increase", first_plan], [3, 30.0, "increase", later_plan]]
    assert found["date"].tolist() == list(IMPORTS["imported_at"])


def test_a_key_result_never_revised_has_its_one_version_and_a_version_that_changed_nothing_adds_none():
    same = pd.DataFrame([kr_version(40.0, 1, 2), kr_version(40.0, 2)])  # re-imported unchanged text aside
    found = key_result_versions(same, None, IMPORTS)
    assert found[["import_id", "target_value", "plan"]].values.tolist() == [[1, 40.0, []]]
    # the demo revises inside its own import: the replaced version first, as kr_revisions lists it
    within = pd.DataFrame([kr_version(30.0, 5), kr_version(40.0, 5, 5)])
    imports = pd.DataFrame({"import_id": [5], "imported_at": [pd.Timestamp("2024-02-01")]})
    assert key_result_versions(within, None, imports)[["import_id", "target_value"]].values.tolist() == [[5, 40.0],
                                                                                                       [5, 30.0]]


def _versions_one_key_result_at_a_time(kr_versions, plan_versions, imports) -> pd.DataFrame:
    """``key_result_versions`` as first written (pandas filters per key result and import): the
    reference the plain-Python loop must match on any history."""
    from analytics.okr_revisions import _dates, _ordered, _text
    when = _dates(imports)
    plans = plan_versions if plan_versions is not None and not plan_versions.empty else \
        pd.DataFrame(columns=["kr_id", "date", "planned_value", "import_id", "superseded_by"])
    plans = plans[plans["superseded_by"].isna() | (plans["superseded_by"] != plans["import_id"])]
    plans_of = dict(iter(plans.groupby("kr_id")))
    rows = []
    for kr_id, group in _ordered(kr_versions).groupby("kr_id", sort=True):
        found = list(group.itertuples(index=False))
        plan = plans_of.get(kr_id, plans.iloc[0:0])
        steps = [(version.import_id, version) for version in found]
        for step in sorted(set(plan["import_id"]) - set(group["import_id"])):
            before = [version for version in found if version.import_id <= step]
            if before:
                steps.append((step, before[-1]))
        previous = None
        for step, version in sorted(steps, key=lambda pair: pair[0]):
            points = plan[(plan["import_id"] <= step) & (plan["superseded_by"].isna() | (plan["superseded_by"] > step))]
            points = points.sort_values("date")
            state = [{"date": pd.Timestamp(d).date().isoformat(), "planned_value": float(v)}
                     for d, v in zip(points["date"], points["planned_value"])]
            shown = (_text(version.start_value), _text(version.target_value), _text(version.kr_type), str(state))
            if shown != previous:
                rows.append({"kr_id": kr_id, "import_id": int(step), "date": when.get(step),
                             "start_value": version.start_value, "target_value": version.target_value,
                             "kr_type": version.kr_type, "plan": state})
                previous = shown
    return pd.DataFrame(rows, columns=VERSION_FIELDS)


@pytest.mark.parametrize("seed", range(6))
def test_key_result_versions_match_the_one_at_a_time_computation_on_random_histories(seed):
    """Many key results, revised and re-planned across imports (plan-only imports, a plan before its
    key result, points replaced within their own import, unchanged re-imports): the same versions."""
    rng = np.random.default_rng(seed)
    kr_rows, plan_rows = [], []
    for k in range(25):
        kr_id = f"KR-{rng.integers(0, 40):02d}-{k}"
        imports = sorted(rng.choice(np.arange(1, 9), size=rng.integers(1, 4), replace=False).tolist())
        for position, import_id in enumerate(imports):
            if rng.random() < 0.2:  # a version replaced within its own import
                kr_rows.append({**kr_version(float(rng.choice([30, 40])), import_id, import_id), "kr_id": kr_id})
            replaced = imports[position + 1] if position + 1 < len(imports) else None
            kr_rows.append({**kr_version(float(rng.choice([30, 40, 50])), import_id, replaced,
                                         kr_type=str(rng.choice(["increase", "decrease"]))), "kr_id": kr_id})
        for day in rng.choice(np.arange(1, 6), size=rng.integers(0, 4), replace=False):
            plan_imports = sorted(rng.choice(np.arange(1, 9), size=rng.integers(1, 3), replace=False).tolist())
            for position, import_id in enumerate(plan_imports):
                replaced = plan_imports[position + 1] if position + 1 < len(plan_imports) else \
                    (import_id if rng.random() < 0.15 else None)
                plan_rows.append({"kr_id": kr_id, "date": pd.Timestamp(2024, 2, int(day)),
                                  "planned_value": float(rng.integers(5, 50)), "import_id": import_id,
                                  "superseded_by": replaced})
    kr_frame = pd.DataFrame(kr_rows).astype({"superseded_by": "Int64"})
    plans = pd.DataFrame(plan_rows).astype({"superseded_by": "Int64"})
    imports = pd.DataFrame({"import_id": range(1, 9), "imported_at": pd.date_range("2024-01-01", periods=8, freq="7D")})
    expected = _versions_one_key_result_at_a_time(kr_frame, plans, imports)
    assert len(expected) > 25
    pd.testing.assert_frame_equal(key_result_versions(kr_frame, plans, imports), expected)
    pd.testing.assert_frame_equal(key_result_versions(kr_frame, None, imports),
                                  _versions_one_key_result_at_a_time(kr_frame, None, imports))
