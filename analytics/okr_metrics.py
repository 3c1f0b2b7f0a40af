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

from analytics.frames import frame_rows

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
    never revised, that is the status itself.

    Set-based: every key result at once on whole-table arrays (a page at 500 teams has 8,000 key
    results; one at a time took seconds). The same figures to the last bit as the rule applied one
    key result at a time (``progress``, ``expected_progress``, ``status``, ``forecast_value``), which
    tests/test_okr_set_based.py keeps as the reference; plans, which few key results have, are
    interpolated one key result at a time by ``expected_progress`` itself."""
    if key_results.empty:
        return pd.DataFrame(columns=KR_FIELDS)
    as_of = pd.Timestamp(as_of)
    day = np.datetime64(as_of, "ns")
    frame = key_results.merge(cycles[["team", "cycle", "cycle_start", "cycle_end"]], on=["team", "cycle"], how="left")
    n = len(frame)
    t0s, t1s = (pd.to_datetime(frame[name]) for name in ("cycle_start", "cycle_end"))
    t0, t1 = (column.to_numpy(dtype="datetime64[ns]") for column in (t0s, t1s))
    start = frame["start_value"].astype(float).to_numpy()
    target = frame["target_value"].astype(float).to_numpy()
    kinds = frame["kr_type"].to_numpy(dtype=object)
    weight = frame["weight"].astype(float).fillna(1.0).to_numpy()

    # the check-ins up to as_of, each KR's oldest first, as pairs (row of the frame, check-in)
    if checkins.empty:
        checkins = pd.DataFrame({"kr_id": pd.Series(dtype=object), "date": pd.Series(dtype="datetime64[ns]"),
                                 "value": pd.Series(dtype=float), "confidence": pd.Series(dtype=float)})
    dated = checkins.assign(date=pd.to_datetime(checkins["date"]))
    ordered = dated.sort_values(["kr_id", "date"], kind="stable")
    ordered = ordered[(ordered["date"].to_numpy(dtype="datetime64[ns]") <= day)]
    kr_ids = ordered["kr_id"].to_numpy(dtype=object)
    c_dates = ordered["date"].to_numpy()
    c_ns = c_dates.astype("datetime64[ns]")
    c_values = ordered["value"].astype(float).to_numpy()
    c_confidence = ordered["confidence"].astype(float).to_numpy()
    firsts = np.flatnonzero(np.r_[True, kr_ids[1:] != kr_ids[:-1]]) if len(kr_ids) else np.array([], dtype=int)
    group = pd.Index(kr_ids[firsts]).get_indexer(frame["kr_id"].to_numpy(dtype=object)) if len(firsts) \
        else np.full(n, -1)
    # each KR's first check-in and how many it has up to as_of; -1 (no check-in) picks the 0 appended
    first_at = np.r_[firsts, 0][group]
    seen = np.r_[np.diff(np.r_[firsts, len(kr_ids)]), 0][group]
    has_checkin = seen > 0
    last_at = np.maximum(first_at + seen - 1, 0)
    current = np.where(has_checkin, c_values[last_at] if len(c_values) else start, start)
    last = np.where(has_checkin, c_dates[last_at] if len(c_dates) else np.datetime64("NaT"),
                    np.datetime64("NaT")).astype(c_dates.dtype)
    last_ns = last.astype("datetime64[ns]")
    if not has_checkin.any():
        last = last.astype("datetime64[s]")  # NaT only: the resolution pandas gives a column of NaT
    held_at_end = has_checkin & (last_ns >= t1)
    pair_row = np.repeat(np.arange(n), seen)
    pair = np.repeat(first_at - np.r_[0, np.cumsum(seen)[:-1]], seen) + np.arange(len(pair_row))
    # the last confidence given (a check-in without one keeps the one before)
    given = ~np.isnan(c_confidence[pair])
    last_given = np.full(n, -1)
    np.maximum.at(last_given, pair_row[given], pair[given])
    confidence = np.where(last_given >= 0, c_confidence[np.maximum(last_given, 0)] if len(c_confidence) else np.nan,
                          np.nan)

    raw = progress_of(current, start, target, kinds)
    expected = _expected(as_of, day, t0, t1, start, target, frame["kr_id"], plans)
    state = _status(raw, expected, has_checkin, behind_gap, kinds, held_at_end)

    # the forecast: a line through the cycle's check-ins (all of them when none lies in the cycle)
    numeric = has_checkin & (kinds != "milestone")
    inside = (c_ns[pair] >= t0[pair_row]) & (c_ns[pair] <= t1[pair_row])
    any_inside = np.bincount(pair_row[inside], minlength=n) > 0
    used = inside | ~any_inside[pair_row]
    used_row, used_at = pair_row[used], pair[used]  # contiguous per row, oldest first
    counts = np.bincount(used_row, minlength=n)
    begin = np.r_[0, np.cumsum(counts)[:-1]]
    x = (c_ns[used_at] - t0[used_row]) / _DAY
    y = c_values[used_at]
    end = (t1 - t0) / _DAY
    fc_value = np.full(n, np.nan)
    latest = np.maximum(begin + counts - 1, 0)
    spread = np.zeros(n)
    if len(x):
        spread[counts > 0] = x[latest[counts > 0]] - x[begin[counts > 0]]
    fitted = numeric & (counts >= 3) & (spread > 0)
    for size in np.unique(counts[fitted]):
        rows = np.flatnonzero(fitted & (counts == size))
        at = begin[rows][:, None] + np.arange(size)
        xs, ys = x[at], y[at]
        x_mean = xs.mean(axis=1)
        dx = xs - x_mean[:, None]
        dy = ys - ys.mean(axis=1)[:, None]
        # dx @ dy row by row (numpy's dot of each row: the same sums as the one-KR fit)
        slope = np.matmul(dx[:, None, :], dy[:, :, None])[:, 0, 0] / np.matmul(dx[:, None, :], dx[:, :, None])[:, 0, 0]
        fc_value[rows] = ys.mean(axis=1) + slope * (end[rows] - x_mean)
    through = np.flatnonzero(numeric & ~fitted)
    if len(through):
        latest_x, latest_y = x[latest[through]], y[latest[through]]
        with np.errstate(divide="ignore", invalid="ignore"):
            fc_value[through] = np.where(latest_x <= 0, latest_y,
                                         start[through] + (latest_y - start[through]) / latest_x * end[through])
    fc_progress = np.full(n, np.nan)
    fc_progress[numeric] = progress_of(fc_value[numeric], start[numeric], target[numeric], kinds[numeric])
    fc_status = np.where(np.isnan(fc_progress), None, np.where(fc_progress >= 1, "achieved", "short")).astype(object)
    disagrees = (np.isin(state, ["behind", "at_risk"]) & (fc_status == "achieved")) | \
        ((state == "on_track") & (fc_status == "short"))

    # the status against the cycle's first version of a revised key result
    o_target, against = target.copy(), state.copy()
    if originals is not None and not originals.empty:
        first = originals.drop_duplicates("kr_id", keep="last").set_index("kr_id")
        at = first.index.get_indexer(frame["kr_id"].to_numpy(dtype=object))
        rows = np.flatnonzero(at >= 0)
        chosen = first.iloc[at[rows]]
        o_start, o_target_rows = chosen["start_value"].astype(float).to_numpy(), chosen["target_value"].astype(float).to_numpy()
        o_kinds = chosen["kr_type"].to_numpy(dtype=object)
        o_target[rows] = o_target_rows
        measured = ~np.isin(o_kinds, ["increase", "decrease"]) | (o_target_rows != o_start)
        o_raw = np.full(len(rows), np.nan)
        o_raw[measured] = progress_of(current[rows][measured], o_start[measured], o_target_rows[measured], o_kinds[measured])
        o_expected = _expected(as_of, day, t0[rows], t1[rows], o_start, o_target_rows, frame["kr_id"].iloc[rows], plans)
        o_state = _status(o_raw, o_expected, has_checkin[rows], behind_gap, o_kinds, held_at_end[rows])
        against[rows] = np.where(np.isnan(o_raw), state[rows], o_state)

    running_now = (t0 <= day) & (day <= t1)
    reference = np.where(has_checkin, last_ns, t0)
    days_since = np.where(has_checkin, (day - last_ns) / _DAY, np.nan)
    stale = running_now & ((day - reference) / _DAY > stale_after(cadence_days))
    columns = {name: _as_built(frame[name]) for name in ("kr_id", "team", "cycle", "objective_id", "key_result",
                                                        "kr_type", "unit")}
    columns.update({
        "start_value": frame["start_value"].to_numpy(), "target_value": frame["target_value"].to_numpy(),
        "weight": weight, "cycle_start": t0s.to_numpy(), "cycle_end": t1s.to_numpy(), "current_value": current,
        "last_checkin": last, "days_since_checkin": days_since, "progress": raw, "expected_progress": expected,
        "status": state.tolist(), "forecast_value": fc_value, "forecast_progress": fc_progress,
        "forecast_status": fc_status.tolist(), "status_disagrees": disagrees.astype(bool),
        "status_vs_original": against.tolist(), "original_target": o_target,
        "confidence": confidence, "stale": stale.astype(bool), "checkins": seen.astype("int64"),
    })
    return pd.DataFrame(columns, columns=KR_FIELDS)


def _as_built(column: pd.Series):
    """A text column as a frame built from its values infers it: kept when it is text with a value
    (the common case, no copy), else from its values (all missing: float NaN; objects: text)."""
    if isinstance(column.dtype, pd.StringDtype) and column.notna().any():
        return column.reset_index(drop=True)
    return column.tolist()


def progress_of(value: np.ndarray, start: np.ndarray, target: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """``progress`` of every row at once (NaN where the value is missing)."""
    result = np.full(len(value), np.nan)
    present = ~np.isnan(value)
    way = present & np.isin(kinds, ["increase", "decrease"])
    if (target[way] == start[way]).any():
        raise ZeroDivisionError("float division by zero")
    result[way] = (value[way] - start[way]) / (target[way] - start[way])
    for kind, reached in (("stay_above", np.greater_equal), ("stay_below", np.less_equal),
                          ("milestone", np.greater_equal)):
        rows = present & (kinds == kind)
        result[rows] = np.where(reached(value[rows], target[rows]), 1.0, 0.0)
    unknown = present & ~np.isin(kinds, ["increase", "decrease", "stay_above", "stay_below", "milestone"])
    if unknown.any():
        raise ValueError(f"unknown kr_type {kinds[unknown][0]!r}")
    return result


def _expected(as_of: pd.Timestamp, day: np.datetime64, t0: np.ndarray, t1: np.ndarray, start: np.ndarray,
              target: np.ndarray, kr_ids: pd.Series, plans: pd.DataFrame | None) -> np.ndarray:
    """``expected_progress`` of every row: linear over the cycle, along the KR's plan where it has one."""
    span = (t1 - t0) / _DAY
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(span > 0, np.clip((day - t0) / _DAY / span, 0, 1), 1.0)
    if plans is not None and not plans.empty:
        planned = kr_ids.isin(set(plans["kr_id"])).to_numpy() & (target != start)
        if planned.any():
            plan_by_kr = {kr: group.assign(date=pd.to_datetime(group["date"])) for kr, group in plans.groupby("kr_id")}
            for row in np.flatnonzero(planned):
                result[row] = expected_progress(as_of, pd.Timestamp(t0[row]), pd.Timestamp(t1[row]),
                                                plan_by_kr[kr_ids.iloc[row]], float(start[row]), float(target[row]))
    return result


def _status(raw: np.ndarray, expected: np.ndarray, has_checkin: np.ndarray, behind_gap: float, kinds: np.ndarray,
            held_at_end: np.ndarray) -> np.ndarray:
    """``status`` of every row at once."""
    gap = expected - np.clip(raw, 0, 1)
    measured = np.select([raw >= 1, gap <= 0, gap <= behind_gap], ["achieved", "on_track", "behind"], "at_risk")
    condition = np.where(raw >= 1, np.where(held_at_end, "achieved", "on_track"), "at_risk")
    state = np.where(np.isin(kinds, CONDITIONS), condition, measured)
    return np.where(has_checkin, state, "not_started").astype(object)


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
    for objective in frame_rows(objectives):
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
