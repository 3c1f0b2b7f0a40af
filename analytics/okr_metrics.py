"""Key-result and objective metrics as of a date (METRICS.md, "OKR metrics").

Directions: ``increase`` and ``decrease`` measure the way from start to target, so a decreasing
KR ("answer within 4 hours", from 9 to 4) progresses as its value falls. ``stay_above`` /
``stay_below`` hold a line, ``milestone`` is done or not.

Every key result and objective field with its formula: docs/metrics.md.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

KR_FIELDS = [
    "kr_id", "team", "cycle", "objective_id", "key_result", "kr_type", "unit", "start_value", "target_value",
    "weight", "cycle_start", "cycle_end", "current_value", "last_checkin", "days_since_checkin", "progress",
    "expected_progress", "status", "forecast_value", "forecast_progress", "forecast_status", "status_disagrees",
    "status_vs_original", "original_target", "confidence", "stale", "checkins",
]
OBJECTIVE_FIELDS = [
    "team", "cycle", "objective_id", "objective", "okr_type", "parent", "key_results", "key_results_achieved",
    "score", "achieved", "grade", "grade_band", "lessons",
]
STATUSES = ("achieved", "on_track", "behind", "at_risk", "not_started")
FORECAST_STATUSES = ("achieved", "short")
CONDITIONS = ("stay_above", "stay_below")  # lines to hold, not values to reach
STALE_GRACE_DAYS = 2  # a check-in may come this many days after the cadence before a KR is stale


def stale_after(cadence_days: int) -> int:
    """Days without a check-in after which a running key result is stale: the cadence plus grace."""
    return cadence_days + STALE_GRACE_DAYS


def progress(value: float, start: float, target: float, kr_type: str) -> float:
    """Raw progress of a value: may be below 0 or above 1 for increase/decrease."""
    if value is None or pd.isna(value):
        return np.nan
    if kr_type in ("increase", "decrease"):
        return (value - start) / (target - start)
    if kr_type == "stay_above":
        return 1.0 if value >= target else 0.0
    if kr_type == "stay_below":
        return 1.0 if value <= target else 0.0
    if kr_type == "milestone":
        return 1.0 if value >= target else 0.0
    raise ValueError(f"unknown kr_type {kr_type!r}")


JUMP_PROGRESS = 1.0  # a check-in moving progress by more than this (100 percentage points) asks for confirmation
JUMP_FACTOR = 100    # … and so does one whose value is this many times the last value, or this many times smaller


def checkin_jump(was: float, value: float, start: float, target: float, kr_type: str) -> dict:
    """What a new check-in value does to a key result, before it is saved: ``change`` (the value
    against the last one, a share of it; NaN from 0), ``progress_before`` / ``progress_after``, and
    ``big``: the move is so large (progress by more than 100 points, or the value ×100 or ÷100 or
    more) that a typo is likelier than the truth, so the person confirms it first."""
    before, after = progress(was, start, target, kr_type), progress(value, start, target, kr_type)
    moved = abs(after - before) if not (pd.isna(before) or pd.isna(after)) else 0.0
    known = was is not None and not pd.isna(was)
    ratio = abs(value / was) if known and was != 0 and value != 0 else 1.0
    return {"change": (value - was) / abs(was) if known and was != 0 else np.nan, "progress_before": before,
            "progress_after": after, "big": bool(moved > JUMP_PROGRESS or ratio >= JUMP_FACTOR or ratio <= 1 / JUMP_FACTOR)}


def _days(a, b) -> float:
    return (pd.Timestamp(b) - pd.Timestamp(a)) / pd.Timedelta(days=1)


def expected_progress(as_of, cycle_start, cycle_end, plan: pd.DataFrame | None = None,
                      start: float | None = None, target: float | None = None) -> float:
    """Share of the way the KR should have gone by ``as_of``: linear over the cycle, or along a plan.

    A plan is dated checkpoints (``date``, ``planned_value``); between them the expectation is
    linear, before the first it runs from (cycle start, start value), after the last to
    (cycle end, target value).
    """
    as_of, t0, t1 = pd.Timestamp(as_of), pd.Timestamp(cycle_start), pd.Timestamp(cycle_end)
    if plan is None or plan.empty or start is None or target is None or target == start:
        span = _days(t0, t1)
        return float(np.clip(_days(t0, as_of) / span, 0, 1)) if span > 0 else 1.0
    points = plan.sort_values("date")
    xs = [_days(t0, d) for d in points["date"]]
    ys = [(v - start) / (target - start) for v in points["planned_value"]]
    if not xs or xs[0] > 0:
        xs, ys = [0.0, *xs], [0.0, *ys]
    end = _days(t0, t1)
    if xs[-1] < end:
        xs, ys = [*xs, end], [*ys, 1.0]
    return float(np.clip(np.interp(_days(t0, as_of), xs, ys), 0, 1))


def status(progress_value: float, expected: float, has_checkin: bool, behind_gap: float = 0.25,
           kr_type: str = "increase", held_at_end: bool = False) -> str:
    """achieved / on_track / behind / at_risk / not_started (METRICS.md, "Key result states").

    A stay_above / stay_below KR is a condition: ``on_track`` while it holds, ``at_risk`` when it
    does not, ``achieved`` only when it held on a check-in at or after the cycle's end."""
    if not has_checkin:
        return "not_started"
    if kr_type in CONDITIONS:
        if progress_value >= 1:
            return "achieved" if held_at_end else "on_track"
        return "at_risk"
    if progress_value >= 1:
        return "achieved"
    gap = expected - float(np.clip(progress_value, 0, 1))
    if gap <= 0:
        return "on_track"
    return "behind" if gap <= behind_gap else "at_risk"


def forecast_status(forecast_progress_value: float) -> str | None:
    """Where the forecast lands at cycle end: achieved (≥ 1) or short; None without a forecast."""
    if forecast_progress_value is None or pd.isna(forecast_progress_value):
        return None
    return "achieved" if forecast_progress_value >= 1 else "short"


def status_disagrees(status_value: str, forecast_status_value: str | None) -> bool:
    """Status and forecast tell different stories: a ready topic for the weekly."""
    return bool((status_value in ("behind", "at_risk") and forecast_status_value == "achieved")
                or (status_value == "on_track" and forecast_status_value == "short"))


def forecast_value(checkins: pd.DataFrame, cycle_start, cycle_end, start: float) -> float:
    """Value at cycle end from a least-squares line through the cycle's check-ins (3 or more),
    else through (cycle start, start value) and the latest check-in; NaN without a check-in."""
    if checkins.empty:
        return np.nan
    dates = pd.to_datetime(checkins["date"]).to_numpy(dtype="datetime64[ns]")
    return _forecast(dates, checkins["value"].astype(float).to_numpy(), cycle_start, cycle_end, start)


_DAY = np.timedelta64(1, "D")


def _forecast(dates: np.ndarray, y: np.ndarray, cycle_start, cycle_end, start: float) -> float:
    """``forecast_value`` on arrays (check-in days as datetime64, values), oldest first."""
    t0 = np.datetime64(pd.Timestamp(cycle_start), "ns")
    x = (dates - t0) / _DAY
    end = (np.datetime64(pd.Timestamp(cycle_end), "ns") - t0) / _DAY
    if len(x) >= 3 and np.ptp(x) > 0:
        # the least-squares line in closed form (what np.polyfit(x, y, 1) solves, without its
        # general lstsq set-up: a page at 500 teams fits 8,000 of these)
        dx = x - x.mean()
        slope = float(dx @ (y - y.mean()) / (dx @ dx))
        return float(y.mean() + slope * (end - x.mean()))
    latest_x, latest_y = x[-1], y[-1]
    if latest_x <= 0:
        return float(latest_y)
    return float(start + (latest_y - start) / latest_x * end)


def key_result_status(key_results: pd.DataFrame, cycles: pd.DataFrame, checkins: pd.DataFrame,
                      plans: pd.DataFrame | None = None, *, as_of: date, behind_gap: float = 0.25,
                      cadence_days: int = 7, originals: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per key result with every METRICS.md KR field as of ``as_of``.

    ``cadence_days`` is the team's check-in rhythm: a running KR is stale when its last check-in
    (or, without one, the cycle's start) lies more than cadence + 2 days before ``as_of``.
    ``originals`` (kr_id, start_value, target_value, kr_type: the first version of the cycle, see
    ``okr_revisions.original_key_results``) gives ``status_vs_original``; without it, or for a KR
    never revised, that is the status itself."""
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


def running(kr_status: pd.DataFrame, as_of) -> pd.DataFrame:
    """The key results whose cycle runs on ``as_of``."""
    if kr_status.empty:
        return kr_status
    day = pd.Timestamp(as_of)
    return kr_status[(kr_status["cycle_start"] <= day) & (kr_status["cycle_end"] >= day)]


# (green from, yellow from) on the grade, per objective kind (METRICS.md "Objective"); below yellow: red
GRADE_BANDS = {"committed": (1.0, 0.7), "aspirational": (0.6, 0.4)}


def grade_band(grade: float, okr_type: str) -> str:
    """red / yellow / green (METRICS.md). Aspirational objectives are healthy at 0.6–0.7: < 0.4 red,
    0.4 up to 0.6 yellow, ≥ 0.6 green. Committed ones are expected to reach 1.0: green only then,
    yellow from 0.7, else red."""
    if pd.isna(grade):
        return None
    green, yellow = GRADE_BANDS["committed" if okr_type == "committed" else "aspirational"]
    return "green" if grade >= green else "yellow" if grade >= yellow else "red"


def objective_scores(kr_status: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """Score = Σ w·clamp(progress) / Σ w; achieved only when every key result is achieved."""
    rows = []
    keys = ["team", "cycle", "objective_id"]
    # each objective's key results as positions into whole-table arrays (thousands of objectives:
    # one small frame each took seconds)
    positions = kr_status.groupby(keys, sort=False).indices if not kr_status.empty else {}
    all_weights = kr_status["weight"].astype(float).fillna(1.0).to_numpy()  # weight defaults to 1
    all_clamped = kr_status["progress"].astype(float).clip(0, 1).fillna(0).to_numpy()
    all_achieved = (kr_status["status"] == "achieved").to_numpy()
    nothing = np.array([], dtype=int)
    for objective in objectives.itertuples(index=False):
        at = positions.get((objective.team, objective.cycle, objective.objective_id), nothing)
        weights, clamped = all_weights[at], all_clamped[at]
        score = float((weights * clamped).sum() / weights.sum()) if len(at) and weights.sum() > 0 else np.nan
        grade = float(np.round(score + 1e-9, 1)) if not np.isnan(score) else np.nan
        achieved_count = int(all_achieved[at].sum())
        rows.append({
            "team": objective.team, "cycle": objective.cycle, "objective_id": objective.objective_id,
            "objective": objective.objective, "okr_type": objective.okr_type, "parent": objective.parent,
            "key_results": len(at), "key_results_achieved": achieved_count,
            "score": score, "achieved": bool(len(at)) and achieved_count == len(at),
            "grade": grade, "grade_band": grade_band(grade, objective.okr_type),
            "lessons": getattr(objective, "lessons", None),
        })
    return pd.DataFrame(rows, columns=OBJECTIVE_FIELDS)
