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

from analytics.okr_metrics import progress

WEEKLY_FIELDS = ["kr_id", "team", "key_result", "previous_date", "previous_value", "current_date", "current_value",
                 "value_change", "previous_progress", "progress_change", "previous_confidence", "confidence",
                 "confidence_change", "confidence_drop", "new_checkin"]
TIMELINE_FIELDS = ["date", "value", "confidence", "comment"]


def weekly_changes(kr_status: pd.DataFrame, checkins: pd.DataFrame, as_of, *, week_days: int = 7,
                   drop: float = 3) -> pd.DataFrame:
    """Per KR: value, progress and confidence of the latest check-in on or before ``as_of`` against
    the check-in before it; ``confidence_drop`` when confidence fell by ``drop`` or more between
    them; ``new_checkin`` when the latest is newer than the last weekly (``as_of`` − ``week_days``)."""
    if kr_status.empty:
        return pd.DataFrame(columns=WEEKLY_FIELDS)
    day = pd.Timestamp(as_of)
    last_weekly = day - pd.Timedelta(days=week_days)
    dated = checkins.assign(date=pd.to_datetime(checkins["date"])) if not checkins.empty else \
        pd.DataFrame(columns=["kr_id", "date", "value", "confidence"])
    dated = dated[(dated["date"] <= day) & dated["kr_id"].isin(set(kr_status["kr_id"]))]
    # each KR's check-ins up to the day, oldest first, as positions into arrays taken out once (a stable
    # sort of all of them keeps each KR's order as sorting its own would)
    dated = dated.sort_values("date", kind="stable")
    dates = list(dated["date"])
    values = dated["value"].to_numpy()
    confidences = dated["confidence"].to_numpy()
    known_confidence = dated["confidence"].notna().to_numpy(dtype=bool)
    by_kr = dated.groupby("kr_id").indices
    nothing = np.array([], dtype=int)

    def confidence_at(rows: np.ndarray) -> float:
        given = rows[known_confidence[rows]]
        return float(confidences[given[-1]]) if len(given) else np.nan

    rows = []
    for kr in kr_status.itertuples(index=False):
        now = by_kr.get(kr.kr_id, nothing)
        then = now[:-1]  # every check-in before the latest
        start, target = float(kr.start_value), float(kr.target_value)
        value = float(values[now[-1]]) if len(now) else np.nan
        previous = float(values[then[-1]]) if len(then) else np.nan
        confidence, previous_confidence = confidence_at(now), confidence_at(then)
        current_progress = progress(value, start, target, kr.kr_type)
        previous_progress = progress(previous, start, target, kr.kr_type)
        change = confidence - previous_confidence
        rows.append({
            "kr_id": kr.kr_id, "team": kr.team, "key_result": kr.key_result,
            "previous_date": dates[then[-1]] if len(then) else pd.NaT, "previous_value": previous,
            "current_date": dates[now[-1]] if len(now) else pd.NaT, "current_value": value,
            "value_change": value - previous,
            "previous_progress": previous_progress, "progress_change": current_progress - previous_progress,
            "previous_confidence": previous_confidence, "confidence": confidence, "confidence_change": change,
            "confidence_drop": bool(not np.isnan(change) and change <= -drop),
            "new_checkin": bool(len(now) and dates[now[-1]] > last_weekly),
        })
    return pd.DataFrame(rows, columns=WEEKLY_FIELDS)


def checkin_timeline(checkins: pd.DataFrame, kr_id: str, as_of) -> pd.DataFrame:
    """A KR's check-ins up to ``as_of``, newest first, with their comments."""
    if checkins.empty:
        return pd.DataFrame(columns=TIMELINE_FIELDS)
    rows = checkins[(checkins["kr_id"] == kr_id) & (pd.to_datetime(checkins["date"]) <= pd.Timestamp(as_of))]
    return rows.sort_values("date", ascending=False)[TIMELINE_FIELDS].reset_index(drop=True)
