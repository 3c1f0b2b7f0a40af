"""Planning (METRICS.md, "Planning"): the commitment coach, KR drivers and the lessons of a cycle, on
small hand-built histories whose answers are worked out beside each assertion; then the service,
the command line (coach / drivers / lessons with --json) and the draft OKR file imported as it is.

Coach history (2026, team Alpha, type "acq", one-week sprints Mon–Fri):
  A1 05–09 Jan  5 wd  committed 20, completed 10  → 2.0 per working day
  A2 12–16 Jan  4 wd (1 day off)  20, 12          → 3.0
  A0 10–11 Jan  0 wd (a weekend)  5, 5            → left out (no working day)
  A3 19–23 Jan  5 wd  25, 20                      → 4.0
  A4 26–30 Jan  5 wd  30, 25                      → 5.0
  A5 02–06 Feb  3 wd (2 days off), future on 31 Jan: the next sprint of the type
  B1, B2 one-day "blitz" sprints: too few for a suggestion.

Drivers and lessons: cycle C1 Mon 2 Feb – Fri 27 Mar 2026 (54 days), sprints of team Alpha
  P0 26 Jan – 06 Feb acq (straddles the cycle's start: left out), P1 09–13 Feb acq, P2 16–20 Feb pipe,
  P3 23–27 Feb acq, P4 02–06 Mar pipe, P5 09–13 Mar acq.
"""
from __future__ import annotations

import json
import math
from datetime import date

import pandas as pd
import pytest

from analytics.okr_metrics import key_result_status
from analytics.planning import (COACH_FIELDS, DRIVER_FIELDS, commitment_coach, cycle_days, cycle_lessons,
                                draft_okrs, keeps_overcommitting, kr_drivers, lessons_key_results, next_cycle,
                                spearman)
from analytics.sprint_metrics import sprint_metrics
from cli import main
from data import service
from data.importer import Upload, import_uploads
from data.store import Store
from tests.support import choose_tab, static_tables, table


# --- commitment coach --------------------------------------------------------------------------

def coach_sprints() -> pd.DataFrame:
    rows = [("A1", "2026-01-05", "2026-01-09", "acq", 20, 10, 0), ("A0", "2026-01-10", "2026-01-11", "acq", 5, 5, 0),
            ("A2", "2026-01-12", "2026-01-16", "acq", 20, 12, 1), ("A3", "2026-01-19", "2026-01-23", "acq", 25, 20, 0),
            ("A4", "2026-01-26", "2026-01-30", "acq", 30, 25, 0), ("A5", "2026-02-02", "2026-02-06", "acq", 30, None, 2),
            ("B1", "2026-01-07", "2026-01-07", "blitz", 4, 2, 0), ("B2", "2026-01-21", "2026-01-21", "blitz", 4, 3, 0)]
    return table("sprints", [{"team": "Alpha", "sprint": s, "start_date": a, "end_date": b, "sprint_type": k,
                              "committed": c, "completed": d, "days_off": off} for s, a, b, k, c, d, off in rows])


def coach_metrics(as_of=date(2026, 1, 31)) -> pd.DataFrame:
    return sprint_metrics(coach_sprints(), pd.DataFrame(), as_of=as_of)


def row_of(frame: pd.DataFrame, **keys) -> pd.Series:
    match = frame
    for key, value in keys.items():
        match = match[match[key] == value]
    assert len(match) == 1, f"expected one row for {keys}, got {len(match)}"
    return match.iloc[0]


def test_coach_suggests_the_interpolated_quartile_and_median_pace_for_the_next_sprints_working_days():
    coach = commitment_coach(coach_metrics())
    acq = row_of(coach, team="Alpha", sprint_type="acq")
    assert acq["sprints_used"] == 4 and acq["sprints"] == ["A1", "A2", "A3", "A4"]  # A0 has no working day
    assert acq["enough_history"]
    assert acq["working_days"] == 3.0 and acq["days_basis"] == "next_sprint" and acq["next_sprint"] == "A5"
    # r = 2, 3, 4, 5; q0.25 at position 0.25·3 = 0.75 → 2 + 0.75·1 = 2.75; median at 1.5 → 3.5
    assert acq["suggested_low"] == pytest.approx(3 * 2.75)   # 8.25
    assert acq["suggested_high"] == pytest.approx(3 * 3.5)   # 10.5
    assert acq["typical_commitment"] == pytest.approx(22.5)  # median of 20, 20, 25, 30
    assert acq["typical_completed"] == pytest.approx(16.0)   # median of 10, 12, 20, 25
    # say/do 0.5, 0.6, 0.8, 0.8333 → (0.6 + 0.8) / 2
    assert acq["median_say_do"] == pytest.approx(0.7)
    assert acq["overcommit"] == pytest.approx(22.5 - 10.5)   # 12: commits more than its median pace delivers
    assert list(coach.columns) == COACH_FIELDS


def test_coach_with_given_days_and_with_the_median_days_when_no_sprint_is_planned():
    acq = row_of(commitment_coach(coach_metrics(), days=10), sprint_type="acq")
    assert (acq["suggested_low"], acq["suggested_high"], acq["days_basis"]) == \
        (pytest.approx(27.5), pytest.approx(35.0), "given")  # 10 · 2.75, 10 · 3.5
    # as of 7 Feb A5 is closed too (3 wd, no completed figure: left out), nothing is planned: the median
    # working days of A1–A4 (5, 4, 5, 5) is 5
    later = row_of(commitment_coach(coach_metrics(as_of=date(2026, 2, 7))), sprint_type="acq")
    assert later["working_days"] == 5.0 and later["days_basis"] == "median"
    assert later["suggested_high"] == pytest.approx(5 * 3.5)


def test_coach_says_how_many_more_sprints_a_type_needs_and_suggests_nothing():
    blitz = row_of(commitment_coach(coach_metrics()), sprint_type="blitz")
    assert blitz["sprints_used"] == 2 and not blitz["enough_history"] and blitz["sprints_needed"] == 1
    assert all(math.isnan(blitz[f]) for f in ("suggested_low", "suggested_high", "overcommit"))
    assert blitz["typical_commitment"] == 4.0  # what happened is still said
    from analytics.planning import coach_sentence
    assert coach_sentence(blitz, "points", "en") == \
        "blitz: 2 closed sprints of this type so far; the coach needs 1 more."
    assert coach_sentence(blitz, "Punkte", "de") == \
        "blitz: bisher 2 abgeschlossene Sprints dieses Typs; der Coach braucht noch 1 weiteren."


def test_coach_uses_only_the_last_six_closed_sprints_and_never_a_running_one():
    mondays = pd.date_range("2026-03-02", periods=8, freq="7D")  # S1 2–6 Mar … S8 20–24 Apr
    rows = [{"team": "T", "sprint": f"S{i}", "start_date": monday, "end_date": monday + pd.Timedelta(days=4),
             "sprint_type": "acq", "committed": 10, "completed": i} for i, monday in enumerate(mondays, start=1)]
    # S1–S7 closed on 22 Apr, S8 running; the last six closed are S2–S7, completed 2–7
    metrics = sprint_metrics(table("sprints", rows), pd.DataFrame(), as_of=date(2026, 4, 22))
    acq = row_of(commitment_coach(metrics), sprint_type="acq")
    assert acq["sprints"] == ["S2", "S3", "S4", "S5", "S6", "S7"]
    # r = 0.4 … 1.4 per day (5 wd each); W = median 5; median of 2…7 = 4.5; q0.25 at 1.25 → 3.25
    assert acq["suggested_high"] == pytest.approx(4.5) and acq["suggested_low"] == pytest.approx(3.25)


def test_coach_flags_a_team_that_keeps_over_committing_below_the_band():
    coach = commitment_coach(coach_metrics())
    # acq: overcommit 12 > 0 and median say/do 0.7 < 0.8; blitz has no suggestion
    assert list(keeps_overcommitting(coach, 0.8)["sprint_type"]) == ["acq"]
    assert keeps_overcommitting(coach, 0.7)["sprint_type"].tolist() == []  # 0.7 is not below 0.7


def test_coach_of_nothing_is_empty_and_leaves_its_input_alone():
    assert commitment_coach(pd.DataFrame()).empty
    metrics = coach_metrics()
    before = metrics.copy()
    commitment_coach(metrics, days=4)
    pd.testing.assert_frame_equal(metrics, before)


# --- KR drivers ------------------------------------------------------------------------------------

CYCLE = ("2026-02-02", "2026-03-27")
SPRINTS = [("P0", "2026-01-26", "2026-02-06", "acq"), ("P1", "2026-02-09", "2026-02-13", "acq"),
           ("P2", "2026-02-16", "2026-02-20", "pipe"), ("P3", "2026-02-23", "2026-02-27", "acq"),
           ("P4", "2026-03-02", "2026-03-06", "pipe"), ("P5", "2026-03-09", "2026-03-13", "acq")]


def cycle_frames():
    sprints = table("sprints", [{"team": "Alpha", "sprint": s, "start_date": a, "end_date": b, "sprint_type": k}
                                for s, a, b, k in SPRINTS])
    items = table("sprint_items", [
        {"team": "Alpha", "sprint": s, "item_key": key, "estimate": e, "committed_at_start": True, "done": done,
         "key_result": kr}
        for s, key, e, done, kr in [("P0", "I0", 5, True, "K1"), ("P1", "I1", 4, True, "K1"), ("P1", "I2", 2, False, "K1"),
                                    ("P2", "I3", 3, True, None), ("P3", "I4", 6, True, "K1"), ("P3", "I5", 3, True, "K2"),
                                    ("P4", "I6", 2, True, "K1"), ("P5", "I7", 8, True, "K1")]])
    krs = table("key_results", [
        {"kr_id": "K1", "team": "Alpha", "cycle": "C1", "objective_id": "O1", "key_result": "Meetings",
         "kr_type": "increase", "unit": "meetings", "start_value": 10, "target_value": 40, "weight": 1},
        {"kr_id": "K2", "team": "Alpha", "cycle": "C1", "objective_id": "O2", "key_result": "Answer time",
         "kr_type": "decrease", "unit": "hours", "start_value": 50, "target_value": 30, "weight": 2},
        {"kr_id": "K3", "team": "Alpha", "cycle": "C1", "objective_id": "O2", "key_result": "Playbook",
         "kr_type": "increase", "unit": "", "start_value": 0, "target_value": 5, "weight": 1}])
    cycles = table("cycles", [{"team": "Alpha", "cycle": "C1", "cycle_start": CYCLE[0], "cycle_end": CYCLE[1]}])
    objectives = table("objectives", [
        {"team": "Alpha", "cycle": "C1", "objective_id": "O1", "objective": "More customers", "okr_type": "committed",
         "parent": "Growth"},
        {"team": "Alpha", "cycle": "C1", "objective_id": "O2", "objective": "Fast answers", "okr_type": "aspirational"}])
    checkins = table("checkins", [{"kr_id": k, "date": d, "value": v} for k, d, v in [
        ("K1", "2026-02-13", 13), ("K1", "2026-02-20", 13), ("K1", "2026-02-27", 19), ("K1", "2026-03-06", 20),
        ("K1", "2026-03-13", 26), ("K2", "2026-02-13", 48), ("K2", "2026-02-27", 45), ("K2", "2026-03-13", 40)]])
    return sprints, items, krs, cycles, objectives, checkins


def drivers_of(as_of=date(2026, 4, 1), unit="points", keep=None):
    sprints, items, krs, cycles, _, checkins = cycle_frames()
    if keep:
        sprints = sprints[sprints["sprint"].isin(keep)]
    metrics = sprint_metrics(sprints, items, as_of=as_of, unit=unit)
    status = key_result_status(krs, cycles, checkins, as_of=as_of)
    return kr_drivers(metrics, items, status, checkins, unit=unit)


def test_drivers_sum_linked_work_and_movement_over_the_sprints_with_work():
    summary, detail = drivers_of()
    k1 = row_of(summary, kr_id="K1")
    # P0 straddles the cycle start: left out; P1–P5 lie in the cycle
    assert k1["sprints"] == 5
    per_sprint = detail[detail["kr_id"] == "K1"].set_index("sprint")
    # linked done work: P1 4 (the open 2 not), P2 0, P3 6, P4 2, P5 8
    assert per_sprint["linked_completed"].tolist() == [4.0, 0.0, 6.0, 2.0, 8.0]
    # movement v(end) − v(start): 13−10, 13−13, 19−13, 20−19, 26−20
    assert per_sprint["kr_change"].tolist() == [3.0, 0.0, 6.0, 1.0, 6.0]
    assert k1["sprints_with_work"] == 4
    assert k1["linked_completed"] == 20.0          # 4 + 6 + 2 + 8
    assert k1["kr_change"] == 16.0                 # 3 + 6 + 1 + 6 (P2 had no work)
    assert k1["change_per_unit"] == pytest.approx(0.8)  # 16 / 20
    types = {t["sprint_type"]: t for t in k1["by_sprint_type"]}
    # acq: P1, P3, P5 → 18 work, 15 change; pipe: P4 only → 2 work, 1 change
    assert (types["acq"]["linked_completed"], types["acq"]["kr_change"], types["acq"]["sprints"]) == (18.0, 15.0, 3)
    assert types["acq"]["change_per_unit"] == pytest.approx(15 / 18)
    assert (types["pipe"]["linked_completed"], types["pipe"]["kr_change"]) == (2.0, 1.0)
    assert types["pipe"]["change_per_unit"] == pytest.approx(0.5)
    # ranks of work (4,0,6,2,8) = 3,1,4,2,5; of change (3,0,6,1,6) = 3,1,4.5,2,4.5 (tie averaged);
    # deviations from 3: (0,−2,1,−1,2) and (0,−2,1.5,−1,1.5): Σ = 9.5, Σx² = 10, Σy² = 9.5 → 9.5/√95 = √0.95
    assert k1["correlation"] == pytest.approx(math.sqrt(0.95))
    assert list(summary.columns) == DRIVER_FIELDS


def test_a_decrease_key_result_counts_a_fall_as_positive_movement():
    summary, detail = drivers_of()
    k2 = row_of(summary, kr_id="K2")
    per_sprint = detail[detail["kr_id"] == "K2"]["kr_change"].tolist()
    # −(48−50), −(48−48), −(45−48), −(45−45), −(40−45)
    assert per_sprint == [2.0, 0.0, 3.0, 0.0, 5.0]
    assert (k2["sprints_with_work"], k2["linked_completed"], k2["kr_change"]) == (1, 3.0, 3.0)  # P3 only
    assert k2["change_per_unit"] == pytest.approx(1.0)
    # ranks of work (0,0,3,0,0) = 2.5,2.5,5,2.5,2.5; of change (2,0,3,0,5) = 3,1.5,4,1.5,5;
    # Σdxdy = 0 + 0.75 + 2 + 0.75 − 1 = 2.5, Σdx² = 5, Σdy² = 9.5 → 2.5/√47.5
    assert k2["correlation"] == pytest.approx(2.5 / math.sqrt(47.5))


def test_a_key_result_without_linked_work_or_movement_has_no_ratio_and_no_correlation():
    summary, _ = drivers_of()
    k3 = row_of(summary, kr_id="K3")  # no item names it, no check-in: both sides constant
    assert (k3["sprints_with_work"], k3["linked_completed"], k3["kr_change"]) == (0, 0.0, 0.0)
    assert math.isnan(k3["change_per_unit"]) and math.isnan(k3["correlation"]) and k3["by_sprint_type"] == []
    from analytics.planning import driver_sentences
    assert driver_sentences(k3, "points", "en") == ["K3: no completed sprint work is linked to this key result in this cycle."]


def test_drivers_with_fewer_than_four_sprints_have_no_correlation():
    summary, _ = drivers_of(keep=["P1", "P2", "P3"])
    k1 = row_of(summary, kr_id="K1")
    assert k1["sprints"] == 3 and math.isnan(k1["correlation"])
    assert k1["linked_completed"] == 10.0 and k1["kr_change"] == 9.0  # P1 + P3: 4 + 6 work, 3 + 6 change


def test_drivers_in_count_mode_count_the_done_linked_items():
    summary, _ = drivers_of(unit="items")
    k1 = row_of(summary, kr_id="K1")
    assert k1["linked_completed"] == 4.0                 # one done item in P1, P3, P4, P5
    assert k1["change_per_unit"] == pytest.approx(4.0)  # 16 / 4


def test_spearman_is_null_for_a_constant_side_and_for_too_few_pairs():
    assert math.isnan(spearman(pd.Series([1, 2, 3, 4]), pd.Series([5, 5, 5, 5])))
    assert math.isnan(spearman(pd.Series([1, 2, 3]), pd.Series([1, 2, 3])))
    assert spearman(pd.Series([1, 2, 3, 4]), pd.Series([10, 20, 30, 40])) == pytest.approx(1.0)
    assert spearman(pd.Series([1, 2, 3, 4]), pd.Series([4, 3, 2, 1])) == pytest.approx(-1.0)


def test_drivers_of_nothing_are_empty():
    summary, detail = kr_drivers(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert summary.empty and detail.empty


# --- lessons of a cycle ------------------------------------------------------------------------------

NEXT = (date(2026, 3, 30), date(2026, 6, 19))  # 2 + 30 + 31 + 19 = 82 days


def lessons_of(as_of: date) -> dict:
    sprints, items, krs, cycles, objectives, checkins = cycle_frames()
    close = min(pd.Timestamp(CYCLE[1]), pd.Timestamp(as_of))
    status = key_result_status(krs, cycles, checkins, as_of=close)
    metrics = sprint_metrics(sprints, items, as_of=as_of)
    summary, _ = kr_drivers(metrics, items, status, checkins)
    actions = table("retro_actions", [
        {"team": "Alpha", "sprint": "P3", "action": "Call back within a day", "owner": "Kim", "status": "open"},
        {"team": "Alpha", "sprint": "P1", "action": "Shorter stand-up", "status": "done"}])
    return cycle_lessons(team="Alpha", cycle="C1", kr_close=status, objectives=objectives, metrics=metrics,
                         drivers=summary, actions=actions, as_of=as_of, next_start=NEXT[0], next_end=NEXT[1])


def test_cycle_days_count_both_ends():
    assert cycle_days(*CYCLE) == 54      # 2–28 Feb: 27, 1–27 Mar: 27
    assert cycle_days(*NEXT) == 82


def test_lessons_at_close_planned_against_achieved_and_the_same_pace_again():
    result = lessons_of(date(2026, 4, 1))
    assert not result["provisional"]
    k1 = row_of(result["key_results"], kr_id="K1")
    assert k1["final_value"] == 26.0 and k1["final_progress"] == pytest.approx(16 / 30)
    # expected 1 at the end, progress 0.533: gap 0.467 > 0.25
    assert k1["status_at_close"] == "at_risk"
    assert (k1["achieved_change"], k1["planned_change"]) == (16.0, 30.0)  # 26 − 10, 40 − 10
    assert k1["ambition_ratio"] == pytest.approx(30 / 16)                  # 1.875
    assert k1["ambition_reading"] == "overreached"                         # committed: more than 1
    assert k1["realistic_target"] == pytest.approx(26 + 16 * 82 / 54)      # 50.296…
    k2 = row_of(result["key_results"], kr_id="K2")
    # decrease: 50 → 40 achieved 10, 50 → 30 planned 20, both positive as progress
    assert (k2["final_value"], k2["achieved_change"], k2["planned_change"]) == (40.0, 10.0, 20.0)
    assert k2["ambition_ratio"] == pytest.approx(2.0)
    assert k2["ambition_reading"] == "stretching"                          # aspirational, half achieved
    assert k2["realistic_target"] == pytest.approx(40 - 10 * 82 / 54)      # 24.81…: minus for decrease
    k3 = row_of(result["key_results"], kr_id="K3")
    assert k3["achieved_change"] == 0.0 and math.isnan(k3["ambition_ratio"]) and k3["ambition_reading"] == "no_progress"


def test_lessons_name_the_sprint_types_that_moved_which_key_results_and_the_open_actions():
    result = lessons_of(date(2026, 4, 1))
    types = {t["sprint_type"]: t for t in result["sprint_types"]}
    # acq: P1, P3, P5 (P0 straddles the start); their say/do is null without committed totals
    assert types["acq"]["sprints"] == 3 and types["pipe"]["sprints"] == 2
    # acq: K2 1.0 per unit (3 on 3 in P3) before K1 0.833 (15 on 18); pipe: K1 0.5
    assert [kr["kr_id"] for kr in types["acq"]["key_results"]] == ["K2", "K1"]
    assert [kr["kr_id"] for kr in types["pipe"]["key_results"]] == ["K1"]
    assert result["open_retro_actions"] == [{"sprint": "P3", "action": "Call back within a day", "owner": "Kim"}]


def test_provisional_lessons_before_the_last_day_use_the_pace_so_far():
    result = lessons_of(date(2026, 3, 1))
    assert result["provisional"]
    k1 = row_of(result["key_results"], kr_id="K1")
    # last check-in by 1 Mar: 19 (27 Feb); 2 Feb – 1 Mar is 28 days; 9 achieved
    assert k1["final_value"] == 19.0 and k1["achieved_change"] == 9.0
    assert k1["realistic_target"] == pytest.approx(19 + 9 * 82 / 28)


def test_the_draft_starts_at_the_final_value_and_aims_at_the_realistic_target():
    result = lessons_of(date(2026, 4, 1))
    _, _, _, _, objectives, _ = cycle_frames()
    draft = draft_okrs(result["key_results"], objectives, next_name="C2", next_start=NEXT[0], next_end=NEXT[1])
    k1 = row_of(draft, kr_id="K1-C2")
    assert (k1["cycle"], k1["cycle_start"], k1["cycle_end"]) == ("C2", "2026-03-30", "2026-06-19")
    assert (k1["start_value"], k1["target_value"]) == (26.0, round(26 + 16 * 82 / 54, 2))  # 50.3
    assert (k1["objective"], k1["okr_type"], k1["parent"]) == ("More customers", "committed", "Growth")
    assert row_of(draft, kr_id="K2-C2")["target_value"] == round(40 - 10 * 82 / 54, 2)      # 24.81
    assert row_of(draft, kr_id="K2-C2")["weight"] == 2.0
    # no progress: the planned change again (0 → 5), not a target equal to the start
    k3 = row_of(draft, kr_id="K3-C2")
    assert (k3["start_value"], k3["target_value"]) == (0.0, 5.0)
    assert all(note.startswith("Draft from the lessons of C1") for note in draft["note"])


def test_the_next_cycle_after_a_quarter_and_after_other_cycles():
    assert next_cycle("Q4 2026", "2026-10-01", "2026-12-31") == ("Q1 2027", date(2027, 1, 1), date(2027, 3, 31))
    assert next_cycle("Q2-2026", "2026-04-01", "2026-06-30") == ("Q3-2026", date(2026, 7, 1), date(2026, 9, 30))
    # not whole months: as many days again (2 Feb – 27 Mar is 54 days → 28 Mar – 20 May)
    assert next_cycle("C1", *CYCLE) == ("C1 +1", date(2026, 3, 28), date(2026, 5, 20))


def test_lessons_key_results_of_nothing_are_empty():
    assert lessons_key_results(pd.DataFrame(), pd.DataFrame(), elapsed_days=1, next_days=1).empty


# --- the store, the command line and the draft file imported as it is -----------------------------

OKRS = """team,cycle,cycle_start,cycle_end,objective_id,objective,okr_type,kr_id,key_result,kr_type,unit,start_value,target_value,weight,parent
Alpha,C1,2026-02-02,2026-03-27,O1,More customers,committed,K1,Meetings,increase,meetings,10,40,1,Growth
Alpha,C1,2026-02-02,2026-03-27,O2,Fast answers,aspirational,K2,Answer time,decrease,hours,50,30,2,
"""
CHECKINS = """kr_id,date,value
K1,2026-02-13,13
K1,2026-02-27,19
K1,2026-03-13,26
K2,2026-02-13,48
K2,2026-03-13,40
"""
SPRINTS_CSV = """team,sprint,start_date,end_date,sprint_type,committed,completed
Alpha,P1,2026-02-09,2026-02-13,acq,10,8
Alpha,P3,2026-02-23,2026-02-27,acq,10,6
Alpha,P5,2026-03-09,2026-03-13,acq,10,9
"""


@pytest.fixture
def planned(store):
    import_uploads(store, [Upload("okrs.csv", OKRS.encode()), Upload("checkins.csv", CHECKINS.encode()),
                           Upload("sprints.csv", SPRINTS_CSV.encode())])
    return store


def test_the_draft_file_imports_as_it_is_with_start_at_the_final_value_and_the_realistic_target(planned, tmp_path):
    result = service.lessons(planned, "Alpha", "C1", date(2026, 4, 1), next_name="C2", next_start=NEXT[0],
                             next_end=NEXT[1])
    draft = tmp_path / "draft.csv"
    draft.write_bytes(service.draft_csv(result["draft"]))
    import_uploads(planned, [Upload("draft.csv", draft.read_bytes())])
    krs = planned.current("key_results", ["Alpha"]).set_index("kr_id")
    assert (krs.loc["K1-C2", "cycle"], krs.loc["K1-C2", "start_value"]) == ("C2", 26.0)
    assert krs.loc["K1-C2", "target_value"] == round(26 + 16 * 82 / 54, 2)  # 50.3
    assert (krs.loc["K2-C2", "start_value"], krs.loc["K2-C2", "target_value"]) == (40.0, round(40 - 10 * 82 / 54, 2))
    assert krs.loc["K1", "cycle"] == "C1" and krs.loc["K1", "target_value"] == 40.0  # this cycle as it was
    cycles = planned.current("cycles", ["Alpha"]).set_index("cycle")
    assert pd.Timestamp(cycles.loc["C2", "cycle_start"]).date() == NEXT[0]


def test_lessons_command_json_and_draft_file(planned, tmp_path, capsys):
    out = tmp_path / "next.csv"
    code = main(["lessons", "--db", str(planned.path), "--team", "Alpha", "--cycle", "C1", "--next-cycle", "C2",
                 "--next-start", "2026-03-30", "--next-end", "2026-06-19", "--out", str(out), "--as-of", "2026-04-01",
                 "--json"])
    captured = capsys.readouterr()
    assert code == 0
    doc = json.loads(captured.out)
    assert (doc["team"], doc["cycle"], doc["provisional"]) == ("Alpha", "C1", False)
    k1 = next(kr for kr in doc["key_results"] if kr["kr_id"] == "K1")
    assert k1["ambition_ratio"] == pytest.approx(1.875) and k1["final_progress"] == pytest.approx(16 / 30)
    assert k1["status_at_close"] == "at_risk"
    assert doc["open_retro_actions"] == []
    assert [t["sprint_type"] for t in doc["sprint_types"]] == ["acq"]
    assert doc["sprint_types"][0]["say_do_mean"] == pytest.approx((0.8 + 0.6 + 0.9) / 3)
    assert "K1-C2" in out.read_text(encoding="utf-8-sig")


def test_lessons_command_refuses_an_unknown_cycle_and_half_a_next_cycle(planned, capsys):
    assert main(["lessons", "--db", str(planned.path), "--team", "Alpha", "--cycle", "C9"]) == 1
    assert "C9" in capsys.readouterr().err
    assert main(["lessons", "--db", str(planned.path), "--team", "Alpha", "--cycle", "C1",
                 "--next-start", "2026-04-01"]) == 2


def test_coach_command_json_shape(planned, capsys):
    assert main(["coach", "--db", str(planned.path), "--as-of", "2026-04-01", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [set(row) for row in doc] == [set(COACH_FIELDS[:10])]
    row = doc[0]
    # completed 8, 6, 9 on 5 working days: 1.6, 1.2, 1.8 per day; q0.25 at 0.5 → 1.4, median 1.6; W = 5
    assert (row["team"], row["sprint_type"], row["sprints_used"]) == ("Alpha", "acq", 3)
    assert row["suggested_low"] == pytest.approx(7.0) and row["suggested_high"] == pytest.approx(8.0)
    assert row["median_say_do"] == pytest.approx(0.8) and row["overcommit"] == pytest.approx(2.0)  # 10 − 8


def test_drivers_command_json_shape(planned, capsys):
    assert main(["drivers", "--db", str(planned.path), "--cycle", "C1", "--as-of", "2026-04-01", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [row["kr_id"] for row in doc] == ["K1", "K2"]
    assert set(doc[0]) == {"team", "kr_id", "sprints_with_work", "linked_completed", "kr_change", "change_per_unit",
                           "correlation", "by_sprint_type"}
    # no item names a KR here: no work, no ratio; three sprints: no correlation
    assert (doc[0]["sprints_with_work"], doc[0]["change_per_unit"], doc[0]["correlation"]) == (0, None, None)


def test_lessons_of_a_store_without_the_team_raise_a_clear_message(store):
    with pytest.raises(service.PlanningUnavailable, match="C1"):
        service.lessons(store, "Nobody", "C1", date(2026, 4, 1))


def test_the_demo_coach_flags_the_over_committing_team(demo_dashboard):
    from tests.support import TODAY
    db = Store(demo_dashboard)
    flagged = service.overcommitting(db, None, TODAY)
    db.close()
    # Pipeline Süd commits far more than it delivers, every sprint (analytics/demo.py)
    assert "Pipeline Süd" in set(flagged["team"])
    assert "Key Account Automotive" not in set(flagged["team"])


# --- the pages (Streamlit's AppTest on the demo store, as of TODAY) --------------------------------

def open_page(page: str, lang: str = "en"):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    if lang != "en":
        at.sidebar.radio(key="lang_widget").set_value(lang).run()
    if page != "pages/home.py":
        at.switch_page(page).run()
    assert not at.exception
    return at


def test_sprint_review_coaches_the_next_commitment_in_english_and_german(demo_dashboard):
    at = open_page("pages/sprint_review.py")
    texts = [t.value for t in at.text]
    # the review opens on Pipeline Süd's latest sprint; its acquisition sprints: 14.5 committed, 9.5 done
    assert "Last 4 Akquise sprints you committed 14.5 and delivered 9.5 points (medians; say/do 65%). " \
           "For 5 working days, commit 9–10 points." in texts
    assert "Commitment coach" in [s.value for s in at.subheader]
    german = open_page("pages/sprint_review.py", "de")
    assert "Zusage-Coach" in [s.value for s in german.subheader]
    assert any(t.value.startswith("In den letzten 4 Sprints vom Typ Akquise haben Sie 14,5 zugesagt und 9,5")
               for t in german.text)


def test_home_lists_a_team_that_keeps_over_committing(demo_dashboard):
    at = open_page("pages/home.py")
    shown = pd.concat(static_tables(at), ignore_index=True)  # the wide tables and the phone's
    what = shown.iloc[:, 1].tolist()
    assert "Commits more than it delivers: Akquise sprints" in what  # Pipeline Süd, say/do 65 %
    assert "Commits more than it delivers: Key Account sprints" not in what  # 86 %: in the band


def test_okrs_page_shows_drivers_and_provisional_lessons_with_the_draft_download(demo_dashboard):
    at = choose_tab(open_page("pages/okrs.py"), "okr_tab", "Cycle close and calibration")  # where the lessons are
    headers = [s.value for s in at.subheader]
    assert "What moves the key results" in headers and "Lessons of the cycle" in headers
    assert any("Provisional: the cycle runs until" in w.value for w in at.warning)  # Q4 runs until 1 Jan 2027
    assert any("an association, not a cause" in t.value for t in at.text)
    assert at.text_input(key="draft_name_Key Account Automotive_Q4 2026").value == "Q1 2027"  # after Q4 2026
    # a key result without linked work says so and shows how to link it
    at.selectbox(key="drivers_kr_okrs_Q4 2026").set_value("KA-Q4-KR3").run()
    assert any("KA-Q4-KR3: no completed sprint work is linked" in i.value.replace("\\", "") for i in at.info)
    assert any("key_result column" in c.value for c in at.caption)


def test_retrospective_shows_what_the_teams_sprint_work_moved_in_german(demo_dashboard):
    at = open_page("pages/retrospective.py", "de")
    assert "Was die Key Results bewegt" in [s.value for s in at.subheader]
    assert any(t.value.startswith("3 Sprints mit verknüpfter Arbeit") for t in at.text)


# --- the reports ------------------------------------------------------------------------------------

def test_the_cycle_report_gains_drivers_and_lessons_and_the_sprint_report_the_coach(planned):
    from data.reports import cycle_report, sprint_report
    cycle = cycle_report(planned, "Alpha", "C1", as_of=date(2026, 4, 1), lang="de")
    titles = [section.title for section in cycle.sections]
    assert titles[-2:] == ["Was die Key Results bewegt", "Erkenntnisse des Zyklus · Alpha"]
    lessons = cycle.sections[-1]
    table_of_krs = next(block for block in lessons.blocks if hasattr(block, "frame"))
    k1 = table_of_krs.frame.set_index("kr_id").loc["K1"]
    assert k1["ambition_ratio"] == pytest.approx(1.875) and k1["ambition_reading"] == "mehr geplant als erreicht"
    review = sprint_report(planned, "Alpha", "P5", as_of=date(2026, 4, 1), lang="en")
    coach = next(section for section in review.sections if section.title == "Commitment coach")
    # 3 acq sprints, 5 working days each: 1.4 and 1.6 per day (see test_coach_command_json_shape)
    assert "Last 3 acq sprints you committed 10 and delivered 8 points (medians; say/do 80%). " \
           "For 5 working days, commit 7–8 points." in coach.blocks


# --- charts and the text output ------------------------------------------------------------------------

def test_the_coach_chart_draws_per_working_day_and_the_suggested_band():
    from analytics.charts import coach_chart
    metrics = coach_metrics()
    acq = row_of(commitment_coach(metrics), sprint_type="acq")
    fig = coach_chart(metrics[metrics["sprint"].isin(acq["sprints"])], acq.to_dict(), "points", "de")
    committed, completed, legend = fig.data
    assert legend.name == "Empfohlener Bereich 2,75–3,5"
    assert list(committed.y) == [4.0, 5.0, 5.0, 6.0]   # 20/5, 20/4, 25/5, 30/5
    assert list(completed.y) == [2.0, 3.0, 4.0, 5.0]   # 10/5, 12/4, 20/5, 25/5
    band = fig.layout.shapes[0]
    assert (band.y0, band.y1) == (pytest.approx(2.75), pytest.approx(3.5))  # the quartile and median pace
    assert fig.layout.title.text == "Zugesagt und erledigt je Arbeitstag: acq"


def test_the_drivers_chart_shows_work_and_movement_per_sprint():
    from analytics.charts import drivers_chart
    _, detail = drivers_of()
    fig = drivers_chart(detail[detail["kr_id"] == "K1"], "K1", "points")
    work, change = fig.data
    assert list(work.y) == [4.0, 0.0, 6.0, 2.0, 8.0] and list(change.y) == [3.0, 0.0, 6.0, 1.0, 6.0]
    assert drivers_chart(detail.iloc[0:0], "K1", "points").data == ()  # no sprints: the empty figure


def test_coach_and_drivers_text_output(planned, capsys):
    assert main(["coach", "--db", str(planned.path), "--as-of", "2026-04-01", "--days", "1"]) == 0
    # 1 day × 1.4 and × 1.6, in whole points: 1–2; one working day, singular
    assert capsys.readouterr().out == ("Alpha · Last 3 acq sprints you committed 10 and delivered 8 points (medians; "
                                       "say/do 80%). For 1 working day, commit 1–2 points.\n")
    assert main(["coach", "--db", str(planned.path), "--as-of", "2026-04-01", "--days", "2"]) == 0
    assert capsys.readouterr().out.endswith("For 2 working days, commit 3 points.\n")  # 2.8 and 3.2: one number
    assert main(["drivers", "--db", str(planned.path), "--team", "Alpha", "--as-of", "2026-04-01"]) == 0
    out = capsys.readouterr().out
    assert "K1: no completed sprint work is linked to this key result in this cycle." in out


def test_drivers_from_the_pages_frames_are_the_drivers_of_the_cycle(planned):
    """The OKR page's drivers (``cycle_drivers`` on the view of every cycle it already holds) are
    ``drivers`` of the one cycle, computed from the store."""
    from data import aggregates
    as_of = date(2026, 4, 1)
    view = service.okr_view(planned, None, as_of)
    assert view.key_results["cycle"].nunique() >= 1
    for cycle in [*dict.fromkeys(view.key_results["cycle"]), None]:
        for unit in ("points", "items"):
            found = service.cycle_drivers(service.sprint_table(planned, None, unit, as_of),
                                          aggregates.linked_items(planned, None), view.key_results,
                                          planned.current("checkins"), cycle, unit=unit)
            expected = service.drivers(planned, None, as_of, cycle=cycle, unit=unit)
            for got, want in zip(found, expected):
                pd.testing.assert_frame_equal(got, want)
