"""The set-based computations (analytics.segments and what uses it: the commitment coach, the team
summary) against straightforward per-team references written out here and in test_summary_paths.py:
the same frames to the last bit on hand-made tables (one team, a team without closed sprints, one
sprint, ties, missing figures) and on generated ones, and figures worked out by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import segments
from analytics.planning import commitment_coach
from analytics.sprint_metrics import team_summary
from tests.test_summary_paths import reference_coach, reference_summary

COLUMNS = ["team", "sprint", "sprint_type", "state", "committed", "completed", "commitment_accuracy", "say_do_ratio",
           "scope_change", "in_band", "working_days", "velocity_per_day"]


def table(rows: list[dict]) -> pd.DataFrame:
    """A sprint table of the fields the summaries read, rows in sprint order per team."""
    frame = pd.DataFrame([{"sprint_type": None, "state": "closed", "committed": np.nan, "completed": np.nan,
                           "commitment_accuracy": np.nan, "say_do_ratio": np.nan, "scope_change": np.nan,
                           "in_band": None, "working_days": 10.0, **row} for row in rows], columns=COLUMNS[:-1])
    days = frame["working_days"].astype(float)
    frame["velocity_per_day"] = (frame["completed"].astype(float) / days).where(days > 0)
    return frame.astype({"in_band": "boolean", "team": "str", "sprint": "str"})


def sprints(team: str, completed: list, **fields) -> list[dict]:
    return [{"team": team, "sprint": f"{team} {n + 1}", "completed": value,
             **{name: values[n] for name, values in fields.items()}} for n, value in enumerate(completed)]


# --- the helpers ------------------------------------------------------------------------------

def test_ranks_place_the_chosen_rows_within_their_group():
    group = np.array([0, 0, 0, 1, 2, 2])
    place, counts = segments.ranks(group, np.array([True, False, True, False, True, True]), 3)
    assert place.tolist() == [0, -1, 1, -1, 0, 1]
    assert counts.tolist() == [2, 0, 2]


def test_by_count_reduces_each_rows_own_values():
    matrix = segments.laid_out(np.array([3.0, 1.0, 2.0, 5.0]), np.array([0, 0, 0, 2]), np.array([0, 1, 2, 0]), 3, 3)
    counts = np.array([3, 0, 1])
    assert segments.median(matrix, counts)[[0, 2]].tolist() == [2.0, 5.0]
    assert np.isnan(segments.median(matrix, counts)[1])
    assert segments.percentile(matrix, counts, 25.0)[0] == 1.5   # 1, 2, 3: a quarter of the way is 1.5
    assert segments.total(matrix, counts)[[0, 2]].tolist() == [6.0, 5.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=12), min_size=1, max_size=8))
def test_by_count_is_each_group_alone_to_the_last_bit(groups):
    counts = np.array([len(values) for values in groups])
    group = np.repeat(np.arange(len(groups)), counts)
    place = np.concatenate([np.arange(count) for count in counts]) if counts.sum() else np.array([], dtype=int)
    values = np.array([value for values in groups for value in values], dtype=float)
    matrix = segments.laid_out(values, group, place, len(groups), int(counts.max()))
    for found, alone in ((segments.median(matrix, counts), np.median),
                         (segments.percentile(matrix, counts, 25.0), lambda v: np.percentile(v, 25.0)),
                         (segments.total(matrix, counts), np.sum)):
        expected = [alone(np.array(values)) if values else np.nan for values in groups]
        np.testing.assert_array_equal(found, np.array(expected, dtype=float))


# --- the commitment coach ---------------------------------------------------------------------

def test_coach_by_hand():
    # rates 0.8, 1.0, 1.2, 0.6 a day over 10 days: the quartile 0.75 (between 0.6 and 0.8), the median 0.9
    metrics = table([*sprints("Alpha", [8.0, 10.0, 12.0, 6.0], committed=[10.0, 10.0, 12.0, 12.0],
                              say_do_ratio=[0.8, 1.0, 1.0, 0.5]),
                     {"team": "Alpha", "sprint": "Alpha 5", "state": "future", "working_days": 8.0}])
    row = commitment_coach(metrics).iloc[0]
    assert (row["sprints_used"], row["days_basis"], row["working_days"], row["next_sprint"]) == (4, "next_sprint", 8.0,
                                                                                                 "Alpha 5")
    assert row["suggested_low"] == pytest.approx(8 * 0.75) and row["suggested_high"] == pytest.approx(8 * 0.9)
    assert row["typical_commitment"] == 11.0 and row["median_say_do"] == 0.9 and row["typical_completed"] == 9.0
    assert row["overcommit"] == pytest.approx(11.0 - 7.2)
    assert row["sprints"] == ["Alpha 1", "Alpha 2", "Alpha 3", "Alpha 4"]


HAND_TABLES = {
    "one team": table(sprints("Alpha", [8.0, 10.0, 12.0, 6.0, 9.0, 9.0, 11.0], committed=[10.0] * 7)),
    "no closed sprint": table([*sprints("Alpha", [5.0, 7.0, 6.0]),
                               {"team": "Beta", "sprint": "B1", "state": "running", "completed": 3.0},
                               {"team": "Beta", "sprint": "B2", "state": "future", "working_days": 0.0}]),
    "one sprint": table([*sprints("Alpha", [5.0]), *sprints("Beta", [4.0, 4.0, 4.0])]),
    "ties": table([*sprints("A", [5.0, 5.0, 5.0, 5.0], committed=[5.0, 5.0, 6.0, 6.0]),
                   *sprints("B", [5.0, 5.0, 5.0, 5.0], say_do_ratio=[1.0, 1.0, 1.0, 1.0])]),
    "missing figures": table(sprints("Alpha", [np.nan, 8.0, np.nan, 6.0, 7.0], committed=[np.nan, 10.0, 9.0, np.nan, 8.0],
                                     working_days=[10.0, np.nan, 0.0, 10.0, 10.0])),
    "types": table(sprints("Alpha", [8.0, 3.0, 9.0, 2.0, 7.0, 4.0, 8.0],
                           sprint_type=["regular", "blitz", "regular", None, "regular", "blitz", ""],
                           working_days=[10.0, 3.0, 10.0, 4.0, 9.0, 3.0, 10.0])),
}


@pytest.mark.parametrize("name", HAND_TABLES)
@pytest.mark.parametrize("options", [{}, {"days": 8.0}, {"sprint_type": "regular"}, {"last": 2, "minimum": 1},
                                     {"last": 0}, {"minimum": 0}])
def test_coach_is_the_per_team_reference_on_hand_made_tables(name, options):
    metrics = HAND_TABLES[name]
    pd.testing.assert_frame_equal(commitment_coach(metrics, **options), reference_coach(metrics, **options),
                                  check_exact=True)


figure = st.one_of(st.just(np.nan), st.sampled_from([0.0, 1.0, 2.5, 5.0, 8.0, 13.0, 1 / 3]))


@st.composite
def sprint_tables(draw) -> pd.DataFrame:
    rows = []
    for team in draw(st.lists(st.sampled_from(["A", "B", "Ärger", "Z"]), unique=True, min_size=1, max_size=4)):
        for n in range(draw(st.integers(0, 9))):
            rows.append({"team": team, "sprint": f"{team}{n}", "sprint_type": draw(st.sampled_from([None, "", "x", "y"])),
                         "state": draw(st.sampled_from(["closed", "closed", "running", "future"])),
                         "committed": draw(figure), "completed": draw(figure), "commitment_accuracy": draw(figure),
                         "say_do_ratio": draw(figure), "scope_change": draw(figure),
                         "in_band": draw(st.sampled_from([True, False, None])),
                         "working_days": draw(st.sampled_from([np.nan, 0.0, 4.0, 9.0, 10.0, 10.0]))})
    return table(rows) if rows else table([]).iloc[0:0]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(metrics=sprint_tables(), days=st.sampled_from([None, 7.5]), kind=st.sampled_from([None, "x", ""]),
       last=st.sampled_from([6, 2, 0]), minimum=st.sampled_from([3, 1, 0]))
def test_coach_is_the_per_team_reference_on_generated_tables(metrics, days, kind, last, minimum):
    options = {"days": days, "sprint_type": kind, "last": last, "minimum": minimum}
    pd.testing.assert_frame_equal(commitment_coach(metrics, **options), reference_coach(metrics, **options),
                                  check_exact=True)


# --- the team summary -------------------------------------------------------------------------

def test_team_summary_by_hand():
    metrics = table([*sprints("Alpha", [8.0, 10.0, 12.0, 6.0], committed=[10.0] * 4,
                              commitment_accuracy=[0.8, 1.0, 0.8, 0.6], in_band=[True, True, False, None]),
                     {"team": "Alpha", "sprint": "Alpha 5", "state": "running", "completed": 1.0},
                     {"team": "Idle", "sprint": "I1", "state": "future"}])
    alpha, idle = team_summary(metrics).to_dict("records")
    assert (alpha["sprints"], alpha["open_sprints"], alpha["first_sprint"], alpha["last_sprint"]) == (4, 1, "Alpha 1",
                                                                                                    "Alpha 4")
    assert alpha["velocity_mean"] == 9.0 and alpha["velocity_median"] == 9.0
    assert alpha["velocity_std"] == pytest.approx(np.sqrt(20 / 3))     # (1 + 1 + 9 + 9) / 3
    assert alpha["commitment_accuracy_pooled"] == pytest.approx(0.8)   # 1 − (2 + 0 + 2 + 4) / 40
    assert alpha["pooled_sprints"] == 4 and alpha["in_band_share"] == pytest.approx(2 / 3)
    assert alpha["accuracy_slope"] == pytest.approx(-0.08)            # −0.4 / 5 over the positions 0 … 3
    assert (alpha["accuracy_first_half"], alpha["accuracy_second_half"]) == pytest.approx((0.9, 0.7))
    assert alpha["accuracy_trend"] == "declining" and alpha["comparable"]
    assert alpha["stability_cv"] == pytest.approx(np.sqrt(20 / 3) / 9) and alpha["stability"] == "variable"  # 0.29
    assert (idle["team"], idle["sprints"], idle["open_sprints"], idle["pooled_sprints"]) == ("Idle", 0, 1, 0)
    assert pd.isna(idle["velocity_mean"]) and pd.isna(idle["accuracy_trend"])
    cut = team_summary(metrics, last=2).iloc[0]
    assert (cut["sprints"], cut["first_sprint"], cut["velocity_mean"]) == (2, "Alpha 3", 9.0)


SUMMARY_TABLES = {**HAND_TABLES,
                  "mixed lengths": table(sprints("Alpha", [8.0, 4.0, 9.0, 3.0, 8.0], working_days=[10.0, 5.0, 10.0, 5.0, 10.0],
                                                 sprint_type=["a", "a", "b", "b", "a"],
                                                 commitment_accuracy=[0.5, 0.5, np.nan, 0.51, 0.52])),
                  "steady ties": table(sprints("Alpha", [5.0] * 6, commitment_accuracy=[0.5, 0.51, 0.52, 0.5, 0.51, 0.52],
                                               committed=[5.0] * 6, in_band=[True] * 6)),
                  "nothing closed": table([{"team": "Alpha", "sprint": "A1", "state": "running"},
                                           {"team": "Beta", "sprint": "B1", "state": "future"}])}


@pytest.mark.parametrize("name", SUMMARY_TABLES)
@pytest.mark.parametrize("last", [None, 1, 2, 8])
def test_team_summary_is_the_per_team_reference_on_hand_made_tables(name, last):
    metrics = SUMMARY_TABLES[name]
    pd.testing.assert_frame_equal(team_summary(metrics, last=last), reference_summary(metrics, last=last),
                                  check_exact=True)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(metrics=sprint_tables(), last=st.sampled_from([None, 1, 3, 8]))
def test_team_summary_is_the_per_team_reference_on_generated_tables(metrics, last):
    pd.testing.assert_frame_equal(team_summary(metrics, last=last), reference_summary(metrics, last=last),
                                  check_exact=True)
