"""analytics.frames: a frame's rows and columns as Python values, the same as pandas' own iteration
gives them (text with missing values, dates with NaT, nullable integers, objects, categories)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.frames import column_list, frame_rows, is_in


def mixed() -> pd.DataFrame:
    return pd.DataFrame({
        "team": pd.Series(["A", None, "C"], dtype="str"), "note": pd.Series([None, [1], "x"], dtype=object),
        "day": pd.to_datetime(["2026-01-01", None, "2026-01-03"]).astype("datetime64[us]"),
        "value": [1.5, np.nan, 2.0], "count": pd.array([1, None, 3], dtype="Int64"), "done": [True, False, True],
        "n": [1, 2, 3], "kind": pd.Categorical(["x", None, "y"]),
        "text": pd.array(["p", None, "q"], dtype="string[pyarrow]"), "class": ["a", "b", "c"]})


def same(a, b) -> bool:
    return a is b or (type(a) is type(b) and (a == b or (a != a and b != b)))


def test_columns_are_what_iterating_them_gives():
    frame = mixed()
    for name in frame.columns:
        listed, iterated = column_list(frame[name]), list(frame[name])
        assert len(listed) == 3 and all(same(a, b) for a, b in zip(listed, iterated)), name
    assert column_list(frame["team"]) == ["A", column_list(frame["team"])[1], "C"] and np.isnan(column_list(frame["team"])[1])


def test_rows_are_itertuples():
    frame = mixed()
    ours, theirs = list(frame_rows(frame)), list(frame.itertuples(index=False))
    assert [type(row).__name__ for row in ours] == ["Pandas"] * 3
    assert [row._fields for row in ours] == [row._fields for row in theirs]
    assert ours[0]._fields[-1] == "_9"  # a name that is a keyword is renamed as itertuples renames it
    assert all(same(a, b) for mine, its in zip(ours, theirs) for a, b in zip(mine, its))
    assert (ours[2].team, ours[2].value, ours[2].n) == ("C", 2.0, 3)


def test_empty_frames():
    assert list(frame_rows(mixed().iloc[0:0])) == []
    assert list(frame_rows(pd.DataFrame(index=[0, 1]))) == list(pd.DataFrame(index=[0, 1]).itertuples(index=False))


@pytest.mark.parametrize("wanted", [set(), {"A"}, {"A", "C", "Z"}, {"A", np.nan}, {None}, {pd.NA, "C"}, ["C", "C"],
                                    {5, "A"}, {float("nan")}, ("a",)])
def test_is_in_is_isin(wanted):
    text = pd.Series(["A", None, "C", "A", "c"], dtype="str")
    assert is_in(text, wanted).tolist() == text.isin(wanted).tolist()
    numbers = pd.Series([1.0, np.nan, 5.0])
    assert is_in(numbers, {5}).tolist() == [False, False, True]
