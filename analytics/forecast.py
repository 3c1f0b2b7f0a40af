"""Monte Carlo forecast of the next sprint and of the sprints a backlog needs (METRICS.md, "Forecast")."""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

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
