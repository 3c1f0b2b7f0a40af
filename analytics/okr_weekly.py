"""The weekly OKR check-in: what changed since each key result's previous check-in, and its timeline.

Each KR's latest check-in on or before ``as_of`` is set against the check-in before it, both dated:
on the day of the weekly, a key result checked in that morning is compared with last week's, not
with itself, and one checked in a fortnight ago still shows its last change. A KR with no check-in
since the last weekly (``as_of`` − the cadence) is marked. A confidence that fell by 3 or more from
one check-in to the next is flagged: the team's own estimate moved, which is worth a minute in the
meeting.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.frames import column_list, is_in
from analytics.okr_metrics import progress_of

WEEKLY_FIELDS = ["kr_id", "team", "key_result", "previous_date", "previous_value", "current_date", "current_value",
                 "value_change", "previous_progress", "progress_change", "previous_confidence", "confidence",
                 "confidence_change", "confidence_drop", "new_checkin"]
TIMELINE_FIELDS = ["date", "value", "confidence", "comment"]


def weekly_changes(kr_status: pd.DataFrame, checkins: pd.DataFrame, as_of, *, week_days: int = 7,
                   drop: float = 3) -> pd.DataFrame:
    """Per KR: value, progress and confidence of the latest check-in on or before ``as_of`` against
    the check-in before it; ``confidence_drop`` when confidence fell by ``drop`` or more between
    them; ``new_checkin`` when the latest is newer than the last weekly (``as_of`` − ``week_days``).

    Set-based: every key result at once on whole-table arrays (8,000 key results at 500 teams); the
    same frame to the last bit as one key result at a time, which tests/test_okr_weekly_set_based.py
    keeps as the reference."""
    if kr_status.empty:
        return pd.DataFrame(columns=WEEKLY_FIELDS)
    day = pd.Timestamp(as_of)
    last_weekly = day - pd.Timedelta(days=week_days)
    dated = checkins.assign(date=pd.to_datetime(checkins["date"])) if not checkins.empty else \
        pd.DataFrame(columns=["kr_id", "date", "value", "confidence"])
    dated = dated[(dated["date"] <= day).to_numpy(dtype=bool) & is_in(dated["kr_id"], set(column_list(kr_status["kr_id"])))]
    # each KR's check-ins up to the day, oldest first (a stable sort: check-ins of one day keep their order)
    dated = dated.sort_values(["kr_id", "date"], kind="stable")
    kr_ids = dated["kr_id"].to_numpy(dtype=object)
    dates = list(dated["date"])
    values = dated["value"].to_numpy(dtype=float, na_value=np.nan)
    confidences = dated["confidence"].to_numpy(dtype=float, na_value=np.nan)
    firsts = np.flatnonzero(np.r_[True, kr_ids[1:] != kr_ids[:-1]]) if len(kr_ids) else np.array([], dtype=int)
    group = pd.Index(kr_ids[firsts]).get_indexer(kr_status["kr_id"].to_numpy(dtype=object)) if len(firsts) \
        else np.full(len(kr_status), -1)
    # per KR: its first check-in and how many it has (-1, no check-in, picks the 0 appended)
    first = np.r_[firsts, 0][group]
    seen = np.r_[np.diff(np.r_[firsts, len(kr_ids)]), 0][group]
    latest, before = first + seen - 1, first + seen - 2     # valid with one check-in, with two
    # the last check-in with a confidence at or before each check-in (-1: none)
    known = np.where(~np.isnan(confidences), np.arange(len(confidences)), -1)
    last_known = np.maximum.accumulate(known) if len(known) else known

    def at(column: np.ndarray, rows: np.ndarray, valid: np.ndarray) -> np.ndarray:
        return np.where(valid, column[np.where(valid, rows, 0)] if len(column) else np.nan, np.nan)

    def confidence_to(rows: np.ndarray, valid: np.ndarray) -> np.ndarray:
        given = at(last_known.astype(float), rows, valid)    # a confidence of the KR's own: not before its first
        return at(confidences, np.nan_to_num(given, nan=-1).astype(int), valid & (given >= first))

    has_latest, has_before = seen >= 1, seen >= 2
    value, previous = at(values, latest, has_latest), at(values, before, has_before)
    confidence, previous_confidence = confidence_to(latest, has_latest), confidence_to(before, has_before)
    start = kr_status["start_value"].to_numpy(dtype=float, na_value=np.nan)
    target = kr_status["target_value"].to_numpy(dtype=float, na_value=np.nan)
    kinds = kr_status["kr_type"].to_numpy(dtype=object)
    current_progress = progress_of(value, start, target, kinds)
    previous_progress = progress_of(previous, start, target, kinds)
    change = confidence - previous_confidence
    current_date = [dates[row] if ok else pd.NaT for row, ok in zip(latest.tolist(), has_latest.tolist())]
    return pd.DataFrame({
        "kr_id": kr_status["kr_id"].tolist(), "team": kr_status["team"].tolist(),
        "key_result": kr_status["key_result"].tolist(),
        "previous_date": [dates[row] if ok else pd.NaT for row, ok in zip(before.tolist(), has_before.tolist())],
        "previous_value": previous, "current_date": current_date, "current_value": value,
        "value_change": value - previous, "previous_progress": previous_progress,
        "progress_change": current_progress - previous_progress, "previous_confidence": previous_confidence,
        "confidence": confidence, "confidence_change": change,
        "confidence_drop": ~np.isnan(change) & (change <= -drop),
        "new_checkin": np.array([ok and date > last_weekly for date, ok in zip(current_date, has_latest.tolist())],
                                dtype=bool),
    }, columns=WEEKLY_FIELDS)


def checkin_timeline(checkins: pd.DataFrame, kr_id: str, as_of) -> pd.DataFrame:
    """A KR's check-ins up to ``as_of``, newest first, with their comments."""
    if checkins.empty:
        return pd.DataFrame(columns=TIMELINE_FIELDS)
    rows = checkins[(checkins["kr_id"] == kr_id) & (pd.to_datetime(checkins["date"]) <= pd.Timestamp(as_of))]
    return rows.sort_values("date", ascending=False)[TIMELINE_FIELDS].reset_index(drop=True)
