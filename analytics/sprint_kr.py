"""Sprint ↔ key result: which sprint work went into which KR, and how the KR moved in that window."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analytics.frames import column_list, frame_rows
from analytics.sprint_metrics import classify_items

LINK_FIELDS = ["team", "sprint", "start_date", "end_date", "kr_id", "linked_by", "items_linked", "items_done",
               "completed_linked", "value_at_start", "value_at_end", "kr_movement"]


def value_on(checkins: pd.DataFrame, day, start_value: float) -> float:
    """The last check-in on or before ``day``; the start value when there is none yet."""
    if pd.isna(day):
        return np.nan
    before = checkins[checkins["date"] <= pd.Timestamp(day)]
    return float(before.sort_values("date")["value"].iloc[-1]) if not before.empty else float(start_value)


def split_ids(text) -> list[str]:
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return []
    return [part.strip() for part in re.split(r"[,;]", str(text)) if part.strip()]


def sprint_key_results(sprints: pd.DataFrame, items: pd.DataFrame, key_results: pd.DataFrame,
                       checkins: pd.DataFrame, *, unit: str = "points") -> pd.DataFrame:
    """Per sprint and linked KR: completed estimate of the linked items and the KR's movement
    v(end of sprint) − v(start of sprint). Links come from items' key_result and the sprint goal's
    key_results. Movement is null when the sprint has no dates or the KR no check-in by its end."""
    links: dict[tuple, dict] = {}
    if not items.empty and "key_result" in items:
        classified = classify_items(items[items["key_result"].notna()], sprints, unit)
        for (team, sprint, kr), group in classified.groupby(["team", "sprint", "key_result"]):
            links[(team, sprint, kr)] = {
                "linked_by": "items", "items_linked": len(group), "items_done": int(group["is_done"].sum()),
                "completed_linked": float(group["weight"].where(group["is_done"], 0.0).sum())}
    for sprint in frame_rows(sprints):
        for kr in split_ids(getattr(sprint, "key_results", None)):
            entry = links.setdefault((sprint.team, sprint.sprint, kr), {
                "linked_by": "goal", "items_linked": 0, "items_done": 0, "completed_linked": 0.0})
            if entry["linked_by"] == "items":
                entry["linked_by"] = "items+goal"
    if not links:
        return pd.DataFrame(columns=LINK_FIELDS)
    dates = {(s.team, s.sprint): (s.start_date, s.end_date) for s in frame_rows(sprints)}
    starts = dict(zip(column_list(key_results["kr_id"]), column_list(key_results["start_value"]))) if not key_results.empty else {}
    checkins = checkins.assign(date=pd.to_datetime(checkins["date"])) if not checkins.empty else \
        pd.DataFrame({"kr_id": [], "date": pd.to_datetime([]), "value": []})
    by_kr = {kr: group for kr, group in checkins.groupby("kr_id")}
    rows = []
    for (team, sprint, kr), entry in links.items():
        start_day, end_day = dates.get((team, sprint), (pd.NaT, pd.NaT))
        history = by_kr.get(kr, checkins.iloc[0:0])
        known = kr in starts
        has_evidence = known and not pd.isna(end_day) and (history["date"] <= pd.Timestamp(end_day)).any()
        at_start = value_on(history, start_day, starts[kr]) if has_evidence else np.nan
        at_end = value_on(history, end_day, starts[kr]) if has_evidence else np.nan
        rows.append({"team": team, "sprint": sprint, "start_date": start_day, "end_date": end_day, "kr_id": kr,
                     **entry, "value_at_start": at_start, "value_at_end": at_end,
                     "kr_movement": at_end - at_start if has_evidence else np.nan})
    out = pd.DataFrame(rows, columns=LINK_FIELDS)
    return out.sort_values(["team", "start_date", "sprint", "kr_id"], na_position="last").reset_index(drop=True)
