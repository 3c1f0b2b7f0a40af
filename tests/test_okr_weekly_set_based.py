"""The set-based OKR weekly (``okr_weekly.weekly_changes``: every key result at once, on whole-table
arrays) against the one-key-result-at-a-time loop it replaced, kept here as the reference: the same
frame to the last bit (values and dtypes) on generated OKRs (Hypothesis: key results without
check-ins, with one or many, several on one day, missing confidences, check-ins after the day, every
kind of key result) and on the demo store at many days."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.okr_metrics import key_result_status, progress
from analytics.okr_weekly import WEEKLY_FIELDS, weekly_changes
from tests.test_okr_set_based import generated


def reference_weekly(kr_status: pd.DataFrame, checkins: pd.DataFrame, as_of, *, week_days: int = 7,
                   drop: float = 3) -> pd.DataFrame:
    """``weekly_changes`` as it was, one key result at a time. Per KR: value, progress and confidence of the latest check-in on or before ``as_of`` against
    the check-in before it; ``confidence_drop`` when confidence fell by ``drop`` or more between
    them; ``new_checkin`` when the latest is newer than the last weekly (``as_of`` − ``week_days``)."""
    if kr_status.empty:
        return pd.DataFrame(columns=WEEKLY_FIELDS)
    day = pd.Timestamp(as_of)
    last_weekly = day - pd.Timedelta(days=week_days)
    dated = checkins.assign(date=pd.to_datetime(checkins["date"])) if not checkins.empty else \
        pd.DataFrame(columns=["kr_id", "date", "value", "confidence"])
    dated = dated[(dated["date"] <= day) & dated["kr_id"].isin(set(kr_status["kr_id"]))]
    # each KR's check-ins up to the day, oldest first, as positions into arrays taken out once (a stable
    # sort of all of them keeps each KR's order as sorting its own would)
    dated = dated.sort_values("date", kind="stable")
    dates = list(dated["date"])
    values = dated["value"].to_numpy()
    confidences = dated["confidence"].to_numpy()
    known_confidence = dated["confidence"].notna().to_numpy(dtype=bool)
    by_kr = dated.groupby("kr_id").indices
    nothing = np.array([], dtype=int)

    def confidence_at(rows: np.ndarray) -> float:
        given = rows[known_confidence[rows]]
        return float(confidences[given[-1]]) if len(given) else np.nan

    rows = []
    for kr in kr_status.itertuples(index=False):
        now = by_kr.get(kr.kr_id, nothing)
        then = now[:-1]  # every check-in before the latest
        start, target = float(kr.start_value), float(kr.target_value)
        value = float(values[now[-1]]) if len(now) else np.nan
        previous = float(values[then[-1]]) if len(then) else np.nan
        confidence, previous_confidence = confidence_at(now), confidence_at(then)
        current_progress = progress(value, start, target, kr.kr_type)
        previous_progress = progress(previous, start, target, kr.kr_type)
        change = confidence - previous_confidence
        rows.append({
            "kr_id": kr.kr_id, "team": kr.team, "key_result": kr.key_result,
            "previous_date": dates[then[-1]] if len(then) else pd.NaT, "previous_value": previous,
            "current_date": dates[now[-1]] if len(now) else pd.NaT, "current_value": value,
            "value_change": value - previous,
            "previous_progress": previous_progress, "progress_change": current_progress - previous_progress,
            "previous_confidence": previous_confidence, "confidence": confidence, "confidence_change": change,
            "confidence_drop": bool(not np.isnan(change) and change <= -drop),
            "new_checkin": bool(len(now) and dates[now[-1]] > last_weekly),
        })
    return pd.DataFrame(rows, columns=WEEKLY_FIELDS)


def statuses(frames: dict) -> pd.DataFrame:
    return key_result_status(frames["key_results"], frames["cycles"], frames["checkins"], frames["kr_plans"],
                             as_of=frames["as_of"])


def with_same_day_checkins(frames: dict, seed: int) -> pd.DataFrame:
    """The check-ins, some repeated on their day with another value and confidence (a store keeps one
    per key result and day, a frame handed in need not), shuffled: the order of one day's is kept."""
    checkins = frames["checkins"]
    if checkins.empty:
        return checkins
    rng = np.random.default_rng(seed)
    twins = checkins.sample(frac=0.3, random_state=seed).assign(
        value=lambda f: f["value"] + 1, confidence=lambda f: f["confidence"].where(rng.random(len(f)) < 0.5))
    return pd.concat([checkins, twins]).sample(frac=1, random_state=seed + 1).reset_index(drop=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), week_days=st.sampled_from([7, 14]), drop=st.sampled_from([1, 3]),
       twins=st.booleans(), shift=st.integers(-30, 30))
def test_every_key_result_at_once_is_the_reference_to_the_last_bit(seed, week_days, drop, twins, shift):
    frames = generated(seed)
    krs = statuses(frames)
    checkins = with_same_day_checkins(frames, seed % 1000) if twins else frames["checkins"]
    day = frames["as_of"] + pd.Timedelta(days=shift).to_pytimedelta()
    ours = weekly_changes(krs, checkins, day, week_days=week_days, drop=drop)
    reference = reference_weekly(krs, checkins, day, week_days=week_days, drop=drop)
    pd.testing.assert_frame_equal(ours, reference, check_exact=True)


def test_the_hand_case_and_its_edges():
    """Same-day check-ins keep their order; a confidence given only before the latest is kept; a key
    result with only a confidence-less check-in has none; an unknown key result in the check-ins is left out."""
    krs = pd.DataFrame({"kr_id": ["A", "B", "C", "D"], "team": ["T", "T", "U", "U"],
                        "key_result": ["a", "b", "c", "d"], "kr_type": ["increase", "stay_below", "milestone", "decrease"],
                        "start_value": [0.0, 0.0, np.nan, 10.0], "target_value": [10.0, 5.0, 1.0, 0.0]})
    checkins = pd.DataFrame({
        "kr_id": ["A", "A", "A", "B", "C", "X", "D", "D"],
        "date": pd.to_datetime(["2026-03-02", "2026-03-09", "2026-03-09", "2026-03-01", "2026-03-05", "2026-03-09",
                                "2026-03-10", "2026-03-11"]),
        "value": [2.0, 4.0, 5.0, 6.0, 1.0, 1.0, 8.0, 9.0], "confidence": [8.0, 5.0, np.nan, np.nan, 7.0, 1.0, 6.0, 6.0]})
    ours = weekly_changes(krs, checkins, date(2026, 3, 10))
    pd.testing.assert_frame_equal(ours, reference_weekly(krs, checkins, date(2026, 3, 10)), check_exact=True)
    a = ours.set_index("kr_id").loc["A"]
    # A: the two of 9 March in their order: 4 (confidence 5) then 5 (none): latest 5 against 4
    assert (a["previous_value"], a["current_value"], a["value_change"]) == (4.0, 5.0, 1.0)
    assert (a["previous_confidence"], a["confidence"], a["confidence_change"]) == (5.0, 5.0, 0.0)
    assert a["progress_change"] == pytest.approx(0.1) and a["new_checkin"] and not a["confidence_drop"]
    b = ours.set_index("kr_id").loc["B"]
    assert np.isnan(b["confidence"]) and b["previous_progress"] != b["previous_progress"]  # NaN: nothing before
    assert b["current_value"] == 6.0 and not b["new_checkin"]  # 1 March: before the weekly of 3 March
    d = ours.set_index("kr_id").loc["D"]
    assert d["current_value"] == 8.0 and np.isnan(d["previous_value"])  # 11 March is after the day
    assert list(ours["kr_id"]) == ["A", "B", "C", "D"] and list(ours.columns) == WEEKLY_FIELDS


def test_without_any_checkin():
    frames = generated(3)
    krs = statuses(frames)
    empty = frames["checkins"].iloc[0:0]
    pd.testing.assert_frame_equal(weekly_changes(krs, empty, frames["as_of"]),
                                  reference_weekly(krs, empty, frames["as_of"]), check_exact=True)


@pytest.mark.parametrize("day", ["2026-11-25", "2026-11-27", "2026-10-01", "2026-07-01", "2025-01-01"])
def test_the_demo_store_is_the_reference(tmp_path, day):
    from data.demo import load_demo
    from data.entries import okr_frames
    from data.store import Store
    store = Store(str(tmp_path / "demo.duckdb"))
    load_demo(store, date(2026, 11, 25))
    current, _, _ = okr_frames(store)
    krs = key_result_status(current["key_results"], current["cycles"], current["checkins"], current["kr_plans"],
                            as_of=pd.Timestamp(day).date())
    ours = weekly_changes(krs, current["checkins"], pd.Timestamp(day).date())
    pd.testing.assert_frame_equal(ours, reference_weekly(krs, current["checkins"], pd.Timestamp(day).date()),
                                  check_exact=True)
    if day == "2026-11-25":
        assert ours["previous_date"].notna().any() and ours["confidence_change"].notna().any()
