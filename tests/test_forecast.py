"""Monte Carlo forecast (METRICS.md, "Forecast"): expectations worked out by hand.

Where the outcome is random, the history is chosen so that the answer is certain (a constant
history) or holds with a margin of many standard deviations at 10,000 trials (and the run is
seeded, so it is reproducible either way).
"""
from __future__ import annotations

from analytics.forecast import forecast

VELOCITIES = ("velocity_p50", "velocity_p85", "velocity_p95")
SPRINTS = ("sprints_p50", "sprints_p85", "sprints_p95")


def velocities(result: dict) -> list:
    return [result[k] for k in VELOCITIES]


def sprints_needed(result: dict) -> list:
    return [result[k] for k in SPRINTS]


# --- exact answers ----------------------------------------------------------------------------
def test_constant_history_gives_exact_percentiles():
    result = forecast([5, 5, 5])
    assert velocities(result) == [5.0, 5.0, 5.0]      # every trial samples 5
    assert result["sprints_used"] == 3
    assert result["trials"] == 10_000                 # the documented default
    assert result["reason"] is None
    assert sprints_needed(result) == [None, None, None]   # no backlog given


def test_constant_history_needs_ceil_backlog_over_velocity_sprints():
    result = forecast([4, 4, 4], backlog=12)
    assert sprints_needed(result) == [3, 3, 3]                             # ceil(12 / 4) = 3
    assert result["backlog"] == 12
    assert sprints_needed(forecast([4, 4, 4], backlog=13)) == [4, 4, 4]   # ceil(13 / 4) = 4
    assert sprints_needed(forecast([4, 4, 4], backlog=4)) == [1, 1, 1]    # ceil(4 / 4) = 1
    assert sprints_needed(forecast([4, 4, 4], backlog=0.5)) == [1, 1, 1]  # ceil(0.5 / 4) = 1
    assert sprints_needed(forecast([2.5, 2.5, 2.5], backlog=10)) == [4, 4, 4]   # 10 / 2.5


def test_p85_is_the_15th_percentile_of_outcomes():
    # history 0, 10, 10, 10: a sampled sprint is 0 with probability 1/4, else 10.
    # P50 (median) = 10; P85 ("at least X in 85 %") = 15th percentile = 0 since 25 % of outcomes are 0;
    # P95 = 5th percentile = 0. (A wrongly read 85th percentile would say 10.)
    result = forecast([0, 10, 10, 10])
    assert velocities(result) == [10.0, 0.0, 0.0]


def test_sprints_needed_percentiles_read_upward():
    # history 0, 10, 10, 10 and backlog 10: one sprint suffices with probability 3/4,
    # two with 1 - (1/4)^2 = 0.9375, three with 1 - (1/4)^3 = 0.984.
    # 50 % -> 1 sprint, 85 % -> 2 sprints, 95 % -> 3 sprints (0.9375 < 0.95 <= 0.984).
    result = forecast([0, 10, 10, 10], backlog=10)
    assert sprints_needed(result) == [1, 2, 3]


def test_uses_the_last_eight_sprints_by_default():
    result = forecast([100, 100, 5, 5, 5, 5, 5, 5, 5, 5])
    assert result["sprints_used"] == 8
    assert result["history"] == [5.0] * 8
    assert velocities(result) == [5.0, 5.0, 5.0]      # the two old 100s are out of the window


def test_last_n_is_configurable():
    result = forecast([1, 1, 1, 6, 6, 6], last=3, backlog=12)
    assert result["history"] == [6.0, 6.0, 6.0]
    assert velocities(result) == [6.0, 6.0, 6.0]
    assert sprints_needed(result) == [2, 2, 2]        # 12 / 6


def test_missing_velocities_are_left_out():
    result = forecast([3, None, float("nan"), 3, 3])
    assert result["history"] == [3.0, 3.0, 3.0]
    assert velocities(result) == [3.0, 3.0, 3.0]


# --- not enough history, nothing to do, never finishing ----------------------------------------
def test_fewer_than_three_sprints_gives_no_forecast_and_a_reason():
    result = forecast([8, 9], backlog=20)
    assert result["sprints_used"] == 2
    assert velocities(result) == [None, None, None]
    assert sprints_needed(result) == [None, None, None]
    assert isinstance(result["reason"], str) and "3" in result["reason"]


def test_forecast_empty_input():
    result = forecast([], backlog=20)
    assert result["history"] == []
    assert result["sprints_used"] == 0
    assert velocities(result) == [None, None, None]
    assert sprints_needed(result) == [None, None, None]
    assert result["reason"]


def test_backlog_zero_needs_no_sprints():
    result = forecast([3, 5, 8], backlog=0)
    assert sprints_needed(result) == [0, 0, 0]
    assert result["reason"] is None


def test_all_zero_history_with_a_backlog_says_why():
    result = forecast([0, 0, 0], backlog=5)
    assert velocities(result) == [0.0, 0.0, 0.0]
    assert sprints_needed(result) == [None, None, None]
    assert isinstance(result["reason"], str) and result["reason"]


# --- random histories: bounds, order, seed ------------------------------------------------------
def test_non_constant_history_lies_within_history_and_is_ordered():
    history = [2, 4, 6, 8, 10]
    result = forecast(history, backlog=30)
    p50, p85, p95 = velocities(result)
    assert 2 <= p95 <= p85 <= p50 <= 10
    assert all(v in history for v in (p50, p85, p95))   # sampled outcomes are history values
    s50, s85, s95 = sprints_needed(result)
    # 30 needs between ceil(30/10) = 3 and ceil(30/2) = 15 sprints; more confidence, more sprints
    assert 3 <= s50 <= s85 <= s95 <= 15


def test_same_seed_same_result():
    history = [3, 7, 4, 9, 5, 6]
    assert forecast(history, backlog=40, seed=7) == forecast(history, backlog=40, seed=7)
    assert forecast(history, backlog=40, seed=7)["seed"] == 7


def test_the_seed_is_used():
    # one trial from 1..10: across 20 seeds the sampled next sprint cannot always be the same value
    # unless the seed is ignored
    outcomes = {forecast(list(range(1, 11)), trials=1, seed=seed)["velocity_p50"] for seed in range(20)}
    assert len(outcomes) > 1


def test_trials_is_configurable():
    result = forecast([5, 5, 5], trials=50, backlog=10)
    assert result["trials"] == 50
    assert velocities(result) == [5.0, 5.0, 5.0]
    assert sprints_needed(result) == [2, 2, 2]
