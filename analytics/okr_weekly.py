"""The weekly OKR check-in: what changed since last week's meeting, and each KR's timeline.

"Since the last weekly" compares the latest check-in on or before ``as_of`` with the latest one on
or before ``as_of`` − 7 days (the week before). A confidence that fell by 3 or more in that week is
flagged: the team's own estimate moved, which is worth a minute in the meeting.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.okr_metrics import progress

WEEKLY_FIELDS = ["kr_id", "team", "key_result", "previous_date", "previous_value", "current_value", "value_change",
                 "previous_progress", "progress_change", "previous_confidence", "confidence", "confidence_change",
                 "confidence_drop", "new_checkin"]
TIMELINE_FIELDS = ["date", "value", "confidence", "comment"]


def _confidence_at(history: pd.DataFrame) -> float:
    given = history["confidence"].dropna()
    return float(given.iloc[-1]) if len(given) else np.nan


def weekly_changes(kr_status: pd.DataFrame, checkins: pd.DataFrame, as_of, *, week_days: int = 7,
                   drop: float = 3) -> pd.DataFrame:
    """Per KR: value, progress and confidence now against the week before; ``confidence_drop``
    when confidence fell by ``drop`` or more; ``new_checkin`` when someone checked in this week."""
    if kr_status.empty:
        return pd.DataFrame(columns=WEEKLY_FIELDS)
    day = pd.Timestamp(as_of)
    before = day - pd.Timedelta(days=week_days)
    dated = checkins.assign(date=pd.to_datetime(checkins["date"])) if not checkins.empty else \
        pd.DataFrame(columns=["kr_id", "date", "value", "confidence"])
    by_kr = {kr: group.sort_values("date") for kr, group in dated.groupby("kr_id")}
    rows = []
    for kr in kr_status.itertuples(index=False):
        history = by_kr.get(kr.kr_id, dated.iloc[0:0])
        now, then = history[history["date"] <= day], history[history["date"] <= before]
        start, target = float(kr.start_value), float(kr.target_value)
        value = float(now["value"].iloc[-1]) if len(now) else np.nan
        previous = float(then["value"].iloc[-1]) if len(then) else np.nan
        confidence, previous_confidence = _confidence_at(now), _confidence_at(then)
        current_progress = progress(value, start, target, kr.kr_type)
        previous_progress = progress(previous, start, target, kr.kr_type)
        change = confidence - previous_confidence
        rows.append({
            "kr_id": kr.kr_id, "team": kr.team, "key_result": kr.key_result,
            "previous_date": then["date"].iloc[-1] if len(then) else pd.NaT,
            "previous_value": previous, "current_value": value, "value_change": value - previous,
            "previous_progress": previous_progress, "progress_change": current_progress - previous_progress,
            "previous_confidence": previous_confidence, "confidence": confidence, "confidence_change": change,
            "confidence_drop": bool(not np.isnan(change) and change <= -drop),
            "new_checkin": bool(len(now) and now["date"].iloc[-1] > before),
        })
    return pd.DataFrame(rows, columns=WEEKLY_FIELDS)


def checkin_timeline(checkins: pd.DataFrame, kr_id: str, as_of) -> pd.DataFrame:
    """A KR's check-ins up to ``as_of``, newest first, with their comments."""
    if checkins.empty:
        return pd.DataFrame(columns=TIMELINE_FIELDS)
    rows = checkins[(checkins["kr_id"] == kr_id) & (pd.to_datetime(checkins["date"]) <= pd.Timestamp(as_of))]
    return rows.sort_values("date", ascending=False)[TIMELINE_FIELDS].reset_index(drop=True)
