"""Monte Carlo forecast of the next sprint and of the sprints a backlog needs (METRICS.md, "Forecast").

What is sampled and what each result field means: docs/metrics.md ("Forecast").
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

MIN_HISTORY = 3
MAX_SPRINTS = 1000  # a backlog that needs more than this is reported as not finishing


def forecast(completed: Sequence[float], *, backlog: float | None = None, last: int = 8,
             trials: int = 10_000, seed: int = 42) -> dict:
    """Sample the last ``last`` sprints' velocity with replacement, ``trials`` times, seeded.

    ``velocity_p85`` reads "at least this much with 85 % confidence": the 15th percentile of outcomes.
    ``sprints_p85`` is the number of sprints that finishes the backlog in 85 % of the trials.
    """
    history = [float(v) for v in completed if v is not None and not math.isnan(float(v))][-last:] if last else []
    result = {"history": history, "sprints_used": len(history), "trials": trials, "seed": seed,
              "velocity_p50": None, "velocity_p85": None, "velocity_p95": None,
              "backlog": backlog, "sprints_p50": None, "sprints_p85": None, "sprints_p95": None, "reason": None}
    if len(history) < MIN_HISTORY:
        result["reason"] = (f"A forecast needs at least {MIN_HISTORY} finished sprints of history; "
                            f"there {'is' if len(history) == 1 else 'are'} {len(history)}.")
        return result
    rng = np.random.default_rng(seed)
    sample = np.asarray(history)
    next_sprint = rng.choice(sample, size=trials, replace=True)
    for confidence in (50, 85, 95):
        result[f"velocity_p{confidence}"] = float(np.percentile(next_sprint, 100 - confidence, method="lower"))
    if backlog is not None:
        if backlog <= 0:
            result.update(sprints_p50=0, sprints_p85=0, sprints_p95=0)
        elif sample.max() <= 0:
            result["reason"] = "No sprint in the history completed anything, so the backlog never finishes."
        else:
            needed = _sprints_needed(rng, sample, backlog, trials)
            for confidence in (50, 85, 95):
                value = float(np.percentile(needed, confidence, method="higher"))
                result[f"sprints_p{confidence}"] = int(value) if value <= MAX_SPRINTS else None
            if result["sprints_p95"] is None:
                result["reason"] = f"In some trials the backlog is not done within {MAX_SPRINTS} sprints."
    return result


def _sprints_needed(rng: np.random.Generator, sample: np.ndarray, backlog: float, trials: int) -> np.ndarray:
    """Per trial, the first sprint count whose cumulative sampled velocity reaches the backlog."""
    needed = np.full(trials, MAX_SPRINTS + 1, dtype=np.int64)
    done = np.zeros(trials)
    open_trials = np.arange(trials)
    sprint = 0
    while open_trials.size and sprint < MAX_SPRINTS:
        sprint += 1
        done[open_trials] += rng.choice(sample, size=open_trials.size, replace=True)
        finished = open_trials[done[open_trials] >= backlog]
        needed[finished] = sprint
        open_trials = open_trials[done[open_trials] < backlog]
    return needed


def next_sprint_forecast(metrics: pd.DataFrame, team: str, *, backlog: float | None = None, last: int = 8,
                         trials: int = 10_000, seed: int = 42) -> dict:
    """The next sprint of ``team`` forecast from its closed sprints (METRICS.md, "Forecast").

    The next sprint is the first future sprint in the data, else the running one, else one like the
    last closed sprint (its type, the median working days of that type). History: the last ``last``
    closed sprints of that type, or of all types when fewer than three. Velocity per working day is
    sampled and multiplied by the next sprint's working days; without dates, velocity per sprint.
    Returns ``forecast()``'s figures plus what was used and why: ``next_sprint``, ``next_type``,
    ``next_working_days``, ``basis`` (same_type / all_types) and ``per_day`` and ``used`` (sprint names).
    """
    rows = metrics[metrics["team"] == team]
    finished = rows[rows["state"].eq("closed") & rows["completed"].notna()] if "state" in rows else rows
    upcoming = rows[rows["state"].eq("future")] if "state" in rows else rows.iloc[0:0]
    running_now = rows[rows["state"].eq("running")] if "state" in rows else rows.iloc[0:0]
    nxt = upcoming.iloc[0] if len(upcoming) else running_now.iloc[0] if len(running_now) else None
    kind = nxt["sprint_type"] if nxt is not None else (finished["sprint_type"].iloc[-1] if len(finished) else None)
    kind = None if kind is None or (isinstance(kind, float) and math.isnan(kind)) else kind

    same = finished[finished["sprint_type"].eq(kind)] if kind is not None else finished.iloc[0:0]
    basis = "same_type" if len(same.tail(last)) >= MIN_HISTORY else "all_types"
    history = (same if basis == "same_type" else finished).tail(last)
    days = float(nxt["working_days"]) if nxt is not None and not pd.isna(nxt["working_days"]) else np.nan
    if np.isnan(days) and kind is not None and len(same):
        days = float(same["working_days"].astype(float).median())
    per_day = bool(history["working_days"].astype(float).gt(0).all()) and len(history) > 0 and not np.isnan(days)
    sample = (history["velocity_per_day"].astype(float) * days) if per_day else history["completed"].astype(float)
    result = forecast(sample.tolist(), backlog=backlog, last=last, trials=trials, seed=seed)
    result.update(team=team, next_sprint=None if nxt is None else nxt["sprint"], next_type=kind,
                  next_working_days=days if per_day else None, basis=basis, per_day=per_day,
                  used=history["sprint"].tolist())
    return result
