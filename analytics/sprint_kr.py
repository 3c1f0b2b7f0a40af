"""Sprint ↔ key result: which sprint work went into which KR, and how the KR moved in that window."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analytics.frames import column_list
from analytics.sprint_metrics import classify_items

LINK_FIELDS = ["team", "sprint", "start_date", "end_date", "kr_id", "linked_by", "items_linked", "items_done",
               "completed_linked", "value_at_start", "value_at_end", "kr_movement"]


def last_values(checkins: pd.DataFrame, kr_ids, days) -> tuple[np.ndarray, np.ndarray]:
    """For each pair of ``kr_ids`` and ``days``: the value of the KR's last check-in on or before the
    day, and whether there is one (NaN and False where there is none or the day is missing). One
    as-of join of every pair at once, instead of filtering and sorting the check-ins pair by pair."""
    count = len(kr_ids)
    values, found = np.full(count, np.nan), np.zeros(count, dtype=bool)
    if not count or checkins.empty:
        return values, found
    asked = pd.DataFrame({"kr_id": np.asarray(kr_ids, dtype=object), "row": np.arange(count),
                          "day": pd.to_datetime(pd.Series(list(days), dtype=object)).astype("datetime64[ns]").to_numpy()})
    known = pd.DataFrame({"kr_id": checkins["kr_id"].to_numpy(dtype=object), "value": checkins["value"].to_numpy(dtype=float),
                          "day": pd.to_datetime(checkins["date"]).astype("datetime64[ns]").to_numpy(), "seen": True})
    asked = asked[asked["day"].notna()].sort_values("day", kind="stable")
    known = known[known["day"].notna()].sort_values("day", kind="stable")
    if asked.empty or known.empty:
        return values, found
    hit = pd.merge_asof(asked, known, on="day", by="kr_id", direction="backward")
    seen = hit["seen"].eq(True).to_numpy(dtype=bool)
    rows = hit["row"].to_numpy()
    values[rows[seen]] = hit["value"].to_numpy(dtype=float)[seen]
    found[rows] = seen
    return values, found


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
        done = classified["is_done"].to_numpy(dtype=bool)
        completed = classified["weight"].where(classified["is_done"], 0.0).to_numpy(dtype=float)
        for key, rows in classified.groupby(["team", "sprint", "key_result"]).indices.items():
            links[key] = {"linked_by": "items", "items_linked": len(rows), "items_done": int(done[rows].sum()),
                          "completed_linked": float(completed[rows].sum())}
    # the goals' key results: only the sprints whose goal names some are looked at, not every field of every sprint
    texts = column_list(sprints["key_results"]) if "key_results" in sprints else []
    named = [row for row, text in enumerate(texts) if split_ids(text)]
    for team, sprint, text in zip(sprints["team"].iloc[named], sprints["sprint"].iloc[named], [texts[row] for row in named]):
        for kr in split_ids(text):
            entry = links.setdefault((team, sprint, kr), {
                "linked_by": "goal", "items_linked": 0, "items_done": 0, "completed_linked": 0.0})
            if entry["linked_by"] == "items":
                entry["linked_by"] = "items+goal"
    if not links:
        return pd.DataFrame(columns=LINK_FIELDS)
    dates = dict(zip(zip(column_list(sprints["team"]), column_list(sprints["sprint"])),
                     zip(column_list(sprints["start_date"]), column_list(sprints["end_date"]))))
    starts = dict(zip(column_list(key_results["kr_id"]), column_list(key_results["start_value"]))) if not key_results.empty else {}
    keys = list(links)
    windows = [dates.get((team, sprint), (pd.NaT, pd.NaT)) for team, sprint, _ in keys]
    kr_ids = [kr for _, _, kr in keys]
    at_start, seen_at_start = last_values(checkins, kr_ids, [start for start, _ in windows])
    at_end, seen_at_end = last_values(checkins, kr_ids, [end for _, end in windows])
    rows = []
    for (team, sprint, kr), (start_day, end_day), value_start, known_start, value_end, evidence in zip(
            keys, windows, at_start, seen_at_start, at_end, seen_at_end):
        # evidence: a known KR with a check-in by the sprint's end; before the first one, its start value
        has_evidence = kr in starts and bool(evidence)
        if has_evidence:
            value_start = np.nan if pd.isna(start_day) else (float(value_start) if known_start else float(starts[kr]))
            value_end = float(value_end)
        else:
            value_start = value_end = np.nan
        rows.append({"team": team, "sprint": sprint, "start_date": start_day, "end_date": end_day, "kr_id": kr,
                     **links[(team, sprint, kr)], "value_at_start": value_start, "value_at_end": value_end,
                     "kr_movement": value_end - value_start if has_evidence else np.nan})
    out = pd.DataFrame(rows, columns=LINK_FIELDS)
    return out.sort_values(["team", "start_date", "sprint", "kr_id"], na_position="last").reset_index(drop=True)
