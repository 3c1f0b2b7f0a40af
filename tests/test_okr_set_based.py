"""The set-based key-result states (``okr_metrics.key_result_status``: every key result at once, on
whole-table arrays) against the one-key-result-at-a-time computation they replaced, kept here as the
reference: the same frame to the last bit (values and dtypes) on the demo store at many days, and
on generated OKRs with every kind of key result, check-ins before, inside and after the cycle,
missing confidences, plans, revisions, key results without check-ins or with one, cycles that run,
are over or have not begun (Hypothesis)."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.okr_metrics import (KR_FIELDS, _forecast, _days, expected_progress, forecast_status, key_result_status,
                                   progress, stale_after, status, status_disagrees)


def reference_status(key_results: pd.DataFrame, cycles: pd.DataFrame, checkins: pd.DataFrame,
                      plans: pd.DataFrame | None = None, *, as_of: date, behind_gap: float = 0.25,
                      cadence_days: int = 7, originals: pd.DataFrame | None = None) -> pd.DataFrame:
    """``key_result_status`` as it was: one key result at a time."""
    if key_results.empty:
        return pd.DataFrame(columns=KR_FIELDS)
    as_of = pd.Timestamp(as_of)
    frame = key_results.merge(cycles[["team", "cycle", "cycle_start", "cycle_end"]], on=["team", "cycle"], how="left")
    checkins = checkins.assign(date=pd.to_datetime(checkins["date"])) if not checkins.empty else \
        pd.DataFrame(columns=["kr_id", "date", "value", "confidence", "comment"])
    # each KR's check-ins as arrays, oldest first (one check-in per KR and day: the template's key)
    ordered = checkins.sort_values(["kr_id", "date"], kind="stable")
    kr_ids = ordered["kr_id"].to_numpy(dtype=object)
    columns = (ordered["date"].to_numpy(), ordered["value"].astype(float).to_numpy(),
               ordered["confidence"].astype(float).to_numpy())
    starts = np.flatnonzero(np.r_[True, kr_ids[1:] != kr_ids[:-1]]) if len(kr_ids) else np.array([], dtype=int)
    ends = np.r_[starts[1:], len(kr_ids)]
    by_kr = {kr_ids[a]: tuple(column[a:b] for column in columns) for a, b in zip(starts, ends)}
    nothing = (np.array([], dtype="datetime64[ns]"), np.array([], dtype=float), np.array([], dtype=float))
    day = as_of.to_datetime64()
    plan_by_kr = {kr: group.assign(date=pd.to_datetime(group["date"]))
                  for kr, group in plans.groupby("kr_id")} if plans is not None and not plans.empty else {}
    first = {row.kr_id: row for row in originals.itertuples(index=False)} \
        if originals is not None and not originals.empty else {}
    linear: dict = {}  # (cycle start, end) → the expected progress without a plan: one per cycle, not per KR

    def expected_of(t0, t1, plan, start, target) -> float:
        if plan is None or plan.empty or target == start:
            if (t0, t1) not in linear:
                linear[(t0, t1)] = expected_progress(as_of, t0, t1)
            return linear[(t0, t1)]
        return expected_progress(as_of, t0, t1, plan, start, target)

    rows = []
    for kr in frame.itertuples(index=False):
        t0, t1 = pd.Timestamp(kr.cycle_start), pd.Timestamp(kr.cycle_end)
        start, target = float(kr.start_value), float(kr.target_value)
        weight = 1.0 if pd.isna(kr.weight) else float(kr.weight)
        dates, values, confidence = by_kr.get(kr.kr_id, nothing)
        seen = int(np.searchsorted(dates, day, side="right"))  # the check-ins up to as_of
        dates, values, confidence = dates[:seen], values[:seen], confidence[:seen]
        has_checkin = seen > 0
        current = float(values[-1]) if has_checkin else start
        last = pd.Timestamp(dates[-1]) if has_checkin else pd.NaT
        held_at_end = bool(has_checkin and last >= t1)
        raw = progress(current, start, target, kr.kr_type)
        expected = expected_of(t0, t1, plan_by_kr.get(kr.kr_id), start, target)
        state = status(raw, expected, has_checkin, behind_gap, kr.kr_type, held_at_end)
        within = (dates >= t0.to_datetime64()) & (dates <= t1.to_datetime64())
        numeric = kr.kr_type != "milestone"  # a milestone is done or not: no line to extend
        if has_checkin and numeric:
            fc_value = _forecast(dates[within], values[within], t0, t1, start) if within.any() \
                else _forecast(dates, values, t0, t1, start)
        else:
            fc_value = np.nan
        fc_progress = progress(fc_value, start, target, kr.kr_type) if has_checkin and numeric else np.nan
        fc_status = forecast_status(fc_progress)
        original = first.get(kr.kr_id)
        if original is not None:
            o_start, o_target, o_type = float(original.start_value), float(original.target_value), original.kr_type
            o_raw = progress(current, o_start, o_target, o_type) if o_type not in ("increase", "decrease") \
                or o_target != o_start else np.nan
            o_expected = expected_of(t0, t1, plan_by_kr.get(kr.kr_id), o_start, o_target)
            against_original = status(o_raw, o_expected, has_checkin, behind_gap, o_type, held_at_end) \
                if not pd.isna(o_raw) else state
        else:
            o_target, against_original = target, state
        confidences = confidence[~np.isnan(confidence)]
        running = t0 <= as_of <= t1
        reference = last if has_checkin else t0
        rows.append({
            **{k: getattr(kr, k) for k in ("kr_id", "team", "cycle", "objective_id", "key_result", "kr_type",
                                            "unit", "start_value", "target_value")},
            "weight": weight,
            "cycle_start": t0, "cycle_end": t1, "current_value": current, "last_checkin": last,
            "days_since_checkin": float(_days(last, as_of)) if has_checkin else np.nan,
            "progress": raw, "expected_progress": expected, "status": state,
            "forecast_value": fc_value, "forecast_progress": fc_progress, "forecast_status": fc_status,
            "status_disagrees": status_disagrees(state, fc_status),
            "status_vs_original": against_original, "original_target": o_target,
            "confidence": float(confidences[-1]) if len(confidences) else np.nan,
            "stale": bool(running and _days(reference, as_of) > stale_after(cadence_days)),
            "checkins": seen,
        })
    return pd.DataFrame(rows, columns=KR_FIELDS)


KINDS = ["increase", "decrease", "stay_above", "stay_below", "milestone"]


def generated(seed: int) -> dict:
    """Teams, cycles, key results, check-ins, plans and originals with the store's column types; small
    whole numbers, so that lines through check-ins land exactly on targets and days on cycle edges."""
    rng = np.random.default_rng(seed)
    base = date(2026, 1, 1)
    cycles, krs, checkins, plans, originals = [], [], [], [], []
    for t in range(int(rng.integers(1, 4))):
        for c in range(int(rng.integers(1, 4))):
            begin = base + timedelta(days=int(rng.integers(-200, 200)))
            length = int(rng.choice([0, 1, 13, 30, 90, 91]))
            cycles.append({"team": f"T{t}", "cycle": f"C{c}", "cycle_start": begin,
                           "cycle_end": begin + timedelta(days=length)})
            for k in range(int(rng.integers(0, 5))):
                kind = str(rng.choice(KINDS))
                start = float(rng.integers(0, 10))
                target = start + float(rng.choice([-20, -5, -1, 1, 3, 10, 40]))
                if kind == "milestone":
                    start, target = (np.nan if rng.random() < 0.5 else 0.0), 1.0
                kr_id = f"KR-{t}-{c}-{k}"
                krs.append({"kr_id": kr_id, "team": f"T{t}", "cycle": f"C{c}", "objective_id": f"O{k % 2}",
                            "key_result": f"Key result {k}", "kr_type": kind,
                            "unit": None if rng.random() < 0.3 else "meetings", "start_value": start,
                            "target_value": target, "weight": np.nan if rng.random() < 0.4 else float(rng.integers(1, 4))})
                days = rng.choice(np.arange(-25, length + 25), size=int(rng.integers(0, 9)), replace=False)
                for d in days:
                    value = float(rng.integers(-5, 50)) if kind != "milestone" else float(rng.integers(0, 2))
                    if rng.random() < 0.2:
                        value = start + (target - start) * float(rng.choice([0.5, 1.0, 1 / 3])) if not np.isnan(start) else value
                    checkins.append({"kr_id": kr_id, "date": begin + timedelta(days=int(d)), "value": value,
                                     "confidence": np.nan if rng.random() < 0.3 else float(rng.integers(0, 11)),
                                     "comment": None})
                if rng.random() < 0.25 and kind in ("increase", "decrease"):
                    for d in sorted(rng.choice(np.arange(0, length + 1), size=min(length + 1, int(rng.integers(1, 4))),
                                               replace=False)):
                        plans.append({"kr_id": kr_id, "date": begin + timedelta(days=int(d)),
                                      "planned_value": start + (target - start) * float(rng.random())})
                if rng.random() < 0.3:
                    o_kind = kind if rng.random() < 0.7 else str(rng.choice(KINDS))
                    o_start = float(rng.integers(0, 10))
                    o_target = o_start + float(rng.choice([0, -3, 5, 20])) if o_kind != "milestone" else 1.0
                    originals.append({"kr_id": kr_id, "start_value": o_start, "target_value": o_target, "kr_type": o_kind})
    text = {"kr_id": "str", "team": "str", "cycle": "str", "objective_id": "str", "key_result": "str",
            "kr_type": "str", "unit": "str"}

    def dated(rows, columns, *names):
        frame = pd.DataFrame(rows, columns=columns)
        for name in names:
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[us]")
        return frame

    return {
        "cycles": dated(cycles, ["team", "cycle", "cycle_start", "cycle_end"], "cycle_start", "cycle_end").astype(
            {"team": "str", "cycle": "str"}),
        "key_results": pd.DataFrame(krs, columns=list(text) + ["start_value", "target_value", "weight"]).astype(
            {**text, "start_value": float, "target_value": float, "weight": float}),
        "checkins": dated(checkins, ["kr_id", "date", "value", "confidence", "comment"], "date").astype(
            {"kr_id": "str", "value": float, "confidence": float}),
        "kr_plans": dated(plans, ["kr_id", "date", "planned_value"], "date").astype({"planned_value": float}),
        "originals": pd.DataFrame(originals, columns=["kr_id", "start_value", "target_value", "kr_type"]),
        "as_of": base + timedelta(days=int(rng.integers(-260, 330))),
    }


def both(frames: dict, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    arguments = (frames["key_results"], frames["cycles"], frames["checkins"], frames["kr_plans"])
    return (key_result_status(*arguments, **options), reference_status(*arguments, **options))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), gap=st.sampled_from([0.0, 0.1, 0.25, 0.5]), cadence=st.sampled_from([7, 14]),
       with_originals=st.booleans())
def test_every_key_result_at_once_is_the_reference_to_the_last_bit(seed, gap, cadence, with_originals):
    frames = generated(seed)
    ours, reference = both(frames, as_of=frames["as_of"], behind_gap=gap, cadence_days=cadence,
                           originals=frames["originals"] if with_originals else None)
    pd.testing.assert_frame_equal(ours, reference, check_exact=True)


@pytest.mark.parametrize("seed", range(40))
def test_on_cycle_edges_and_without_checkins_or_plans(seed):
    """as_of on a cycle's first and last day, the day after; no check-ins at all; no plans."""
    frames = generated(seed)
    if frames["cycles"].empty:
        return
    edge = frames["cycles"].iloc[seed % len(frames["cycles"])]
    for day in (edge["cycle_start"], edge["cycle_end"], edge["cycle_end"] + pd.Timedelta(days=1)):
        ours, reference = both(frames, as_of=day.date(), originals=frames["originals"])
        pd.testing.assert_frame_equal(ours, reference, check_exact=True)
    bare = {**frames, "checkins": frames["checkins"].iloc[0:0], "kr_plans": None}
    ours, reference = both(bare, as_of=frames["as_of"])
    pd.testing.assert_frame_equal(ours, reference, check_exact=True)


def test_nothing_in_nothing_out():
    frames = generated(1)
    empty = {**frames, "key_results": frames["key_results"].iloc[0:0]}
    ours, reference = both(empty, as_of=frames["as_of"])
    assert list(ours.columns) == KR_FIELDS and ours.empty and reference.empty


@pytest.mark.parametrize("day", ["2026-11-25", "2026-09-30", "2026-10-01", "2026-07-01", "2025-01-01", "2027-06-01"])
def test_the_demo_store_is_the_reference(tmp_path, day):
    """The demo's key results (revisions, plans, conditions, milestones) through the store's frames."""
    from analytics.okr_revisions import original_key_results
    from data.demo import load_demo
    from data.entries import okr_frames
    from data.store import Store
    store = Store(str(tmp_path / "demo.duckdb"))
    load_demo(store, date(2026, 11, 25))
    current, versions, imports = okr_frames(store)
    originals = original_key_results(versions["key_results"], imports, current["cycles"])
    frames = {name: current[name] for name in ("key_results", "cycles", "checkins", "kr_plans")}
    assert not frames["kr_plans"].empty and not originals.empty  # the paths one key result at a time goes too
    ours, reference = both(frames, as_of=pd.Timestamp(day).date(), originals=originals)
    pd.testing.assert_frame_equal(ours, reference, check_exact=True)
    if day == "2026-11-25":  # the demo's day: states of every kind, not only "not started"
        assert {"achieved", "on_track", "at_risk"} <= set(ours["status"])
        assert ours["forecast_status"].notna().any()
