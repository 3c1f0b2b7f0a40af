"""Figures of every group of rows at once (a team, a team's sprint type): the set-based helpers behind
the commitment coach and the team summary of an organisation. Hundreds of teams with a handful of
numpy calls each cost more than the arithmetic; here each figure is one call over all groups.

The figures equal those computed group by group to the last bit: a group's values are laid out as
a row of a matrix, and rows holding the same number of values are reduced together by the same
numpy function (``by_count``), whose arithmetic along a row does not depend on the other rows
(a sum of 5 values is not a sum of 8 with 3 zeros: numpy sums 8 or more in a different order).
Pure: arrays in, arrays out."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np


def ranks(group: np.ndarray, chosen: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """For rows sorted by ``group`` (0 … groups − 1, in their order within a group): each chosen
    row's place among the chosen rows of its group (0, 1, …; −1 for rows not chosen) and how many
    rows each group has chosen."""
    counts = np.bincount(group[chosen], minlength=groups)
    place = np.full(len(group), -1, dtype=np.int64)
    picked = np.flatnonzero(chosen)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])  # where each group's chosen rows begin
    place[picked] = np.arange(len(picked)) - first[group[picked]]
    return place, counts


def laid_out(values: np.ndarray, group: np.ndarray, place: np.ndarray, groups: int, width: int) -> np.ndarray:
    """A ``groups`` × ``width`` matrix with each row at ``place`` ≥ 0 in its group's row, NaN elsewhere."""
    matrix = np.full((groups, max(width, 1)), np.nan)
    kept = place >= 0
    matrix[group[kept], place[kept]] = values[kept]
    return matrix


def by_count(matrix: np.ndarray, counts: np.ndarray, reduce: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``reduce`` (a numpy reduction along axis 1) of each row's first ``counts`` values; NaN where a
    row has none. Rows of one count go together, so each row is reduced as its values alone would be."""
    out = np.full(len(counts), np.nan)
    for count in np.unique(counts):
        if count:
            rows = counts == count
            out[rows] = reduce(np.ascontiguousarray(matrix[rows, :count]))
    return out


def median(matrix: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``np.median`` of each row's first ``counts`` values (NaN for none)."""
    return by_count(matrix, counts, lambda values: np.median(values, axis=1))


def percentile(matrix: np.ndarray, counts: np.ndarray, q: float) -> np.ndarray:
    """``np.percentile(values, q)`` (linear) of each row's first ``counts`` values (NaN for none)."""
    return by_count(matrix, counts, lambda values: np.percentile(values, q, axis=1))


def total(matrix: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``values.sum()`` of each row's first ``counts`` values (NaN for none)."""
    return by_count(matrix, counts, lambda values: values.sum(axis=1))
