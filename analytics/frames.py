"""A frame's rows and columns as Python values, fast. pandas keeps text in Arrow arrays, and
iterating one (``itertuples``, ``zip(frame["team"], frame["sprint"])``) converts it value by value
(~0.6 µs each: a page at 500 teams loops over hundreds of thousands); ``tolist`` converts a whole
column at once into the same values. Pure."""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator

import numpy as np
import pandas as pd


def column_list(column: pd.Series) -> list:
    """The column's values as iterating it gives them (text: str, a missing one NaN; dates:
    Timestamps), converted at once for text columns."""
    return column.tolist() if isinstance(column.dtype, pd.StringDtype) else list(column)


def frame_rows(frame: pd.DataFrame, name: str = "Pandas") -> Iterator:
    """``frame.itertuples(index=False, name=name)``: the same named tuples of the same values."""
    if frame.shape[1] == 0 or frame.shape[1] > 254:  # itertuples' own cases: leave them to it
        return frame.itertuples(index=False, name=name)
    row = namedtuple(name, frame.columns, rename=True)
    return map(row._make, zip(*(column_list(frame.iloc[:, k]) for k in range(frame.shape[1]))))


def is_in(column: pd.Series, wanted) -> np.ndarray:
    """``column.isin(wanted).to_numpy()`` for a text column and a collection of texts (a missing value
    in ``wanted`` matches the missing ones, anything else in it nothing), without pandas making an
    Arrow scalar of each wanted value (8,000 key results: ~30 ms a call). Other columns: ``isin``."""
    if not isinstance(column.dtype, pd.StringDtype):
        return column.isin(wanted).to_numpy(dtype=bool)
    texts = {value for value in wanted if isinstance(value, str)}
    missing = any(value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
                  for value in wanted if not isinstance(value, str))
    return np.fromiter((value in texts if isinstance(value, str) else missing for value in column_list(column)),
                       dtype=bool, count=len(column))


def each_once(values, function) -> list:
    """``[function(value) for value in values]`` with ``function`` called once per distinct value: a
    page words a column of 2,000 codes that holds five. Missing values (None, NaN, pd.NA) are never
    equal to one another and a zero float equals its negative (0.0 == -0.0 but they read apart),
    so each of those is handed to ``function`` itself."""
    done: dict = {}
    texts = []
    for value in values:
        if value is None or value is pd.NA or (isinstance(value, float) and (value != value or value == 0)):
            texts.append(function(value))
            continue
        key = (value.__class__, value)
        if key not in done:
            done[key] = function(value)
        texts.append(done[key])
    return texts
