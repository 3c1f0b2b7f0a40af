"""Per-sprint metrics (METRICS.md, "Sprint metrics") and the team summary over a range of sprints."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

SPRINT_FIELDS = [
    "team", "sprint", "start_date", "end_date", "sprint_type", "goal", "commitment_basis", "data_level",
    "committed", "added", "removed", "completed", "completed_committed", "not_completed", "carried_over",
    "say_do_ratio", "commitment_accuracy", "planned_completion", "scope_change", "in_band",
    "velocity_avg", "sprint_days", "velocity_per_day",
]


def _natural_key(name: str) -> list:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", str(name))]


def sprint_order(sprints: pd.DataFrame) -> pd.DataFrame:
    """Sprints of each team in time order: by start date, undated ones last in natural name order."""
    start = pd.to_datetime(sprints["start_date"]) if len(sprints) else pd.Series(dtype="datetime64[us]")
    keys = [(team, pd.isna(begin), begin if not pd.isna(begin) else pd.Timestamp.min, _sortable(_natural_key(name)))
            for team, begin, name in zip(sprints["team"], start, sprints["sprint"])]
    order = sorted(range(len(sprints)), key=keys.__getitem__)
    return sprints.iloc[order].reset_index(drop=True)


def _sortable(parts: list) -> tuple:
    # numbers before text at each position, so "Sprint 2" < "Sprint 10" and mixed names still compare
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in parts)


def working_days(start, end) -> float:
    """Mon–Fri days from start to end inclusive; NaN when a date is missing."""
    if pd.isna(start) or pd.isna(end):
        return np.nan
    first = np.datetime64(pd.Timestamp(start).date(), "D")
    last = np.datetime64(pd.Timestamp(end).date(), "D") + 1
    return float(np.busday_count(first, last)) if last > first else 0.0


def classify_items(items: pd.DataFrame, sprints: pd.DataFrame, unit: str = "points") -> pd.DataFrame:
    """Each item row with its weight and the flags committed / done / removed resolved.

    committed_at_start wins when given; otherwise an item added after the sprint's start is added
    work. done wins when yes; otherwise a done_on on or before the sprint's end counts as done.
    """
    if items.empty:
        return items.assign(weight=[], is_committed=[], is_done=[], is_removed=[])
    dates = sprints[["team", "sprint", "start_date", "end_date"]] if not sprints.empty else \
        pd.DataFrame(columns=["team", "sprint", "start_date", "end_date"])
    frame = items.merge(dates, on=["team", "sprint"], how="left")
    start = pd.to_datetime(frame["start_date"])
    end = pd.to_datetime(frame["end_date"])
    added_on = pd.to_datetime(frame["added_on"])
    done_on = pd.to_datetime(frame["done_on"])
    stated = frame["committed_at_start"].astype("boolean")
    inferred = ~(added_on.notna() & start.notna() & (added_on > start))
    is_committed = stated.fillna(pd.Series(inferred, index=frame.index)).astype(bool)
    done_flag = frame["done"].astype("boolean").fillna(False).astype(bool)
    done_by_date = done_on.notna() & (end.isna() | (done_on <= end))
    is_removed = frame["removed"].astype("boolean").fillna(False).astype(bool)
    weight = pd.Series(1.0, index=frame.index) if unit == "items" else \
        pd.to_numeric(frame["estimate"], errors="coerce").fillna(0.0)
    return frame.assign(weight=weight, is_committed=is_committed,
                        is_done=(done_flag | done_by_date) & ~is_removed, is_removed=is_removed)


def _item_totals(classified: pd.DataFrame, order: pd.DataFrame) -> pd.DataFrame:
    w = classified["weight"]
    basis = classified["commitment_basis"] if "commitment_basis" in classified else pd.Series("recorded", index=classified.index)
    parts = classified.assign(
        inferred=basis.eq("inferred"),
        committed=w.where(classified["is_committed"], 0.0),
        added=w.where(~classified["is_committed"], 0.0),
        removed=w.where(classified["is_removed"], 0.0),
        completed=w.where(classified["is_done"], 0.0),
        completed_committed=w.where(classified["is_done"] & classified["is_committed"], 0.0))
    totals = parts.groupby(["team", "sprint"], sort=False).agg(
        committed=("committed", "sum"), added=("added", "sum"), removed=("removed", "sum"),
        completed=("completed", "sum"), completed_committed=("completed_committed", "sum"), inferred=("inferred", "any"))

    # carried over: not done here and present in the team's next sprint
    following = order[["team", "sprint"]].assign(next_sprint=order.groupby("team", sort=False)["sprint"].shift(-1))
    open_items = classified.loc[~classified["is_done"], ["team", "sprint", "item_key", "weight"]] \
        .merge(following, on=["team", "sprint"], how="left")
    later = classified[["team", "sprint", "item_key"]].drop_duplicates() \
        .rename(columns={"sprint": "next_sprint"}).assign(in_next=True)
    open_items = open_items.merge(later, on=["team", "next_sprint", "item_key"], how="left")
    carried = open_items[open_items["in_next"].fillna(False).astype(bool)] \
        .groupby(["team", "sprint"], sort=False)["weight"].sum()
    totals["carried_over"] = carried.reindex(totals.index).fillna(0.0)
    return totals.reset_index()


def sprint_metrics(sprints: pd.DataFrame, items: pd.DataFrame, *, unit: str = "points",
                   band: tuple[float, float] = (0.8, 1.0), window: int = 3) -> pd.DataFrame:
    """One row per team and sprint with every METRICS.md sprint field, in sprint order.

    Sprints with item rows are computed from the items; the others from their recorded totals
    (then the item-dependent fields are null). ``unit='items'`` counts items instead of estimates.
    """
    if unit not in ("points", "items"):
        raise ValueError("unit must be 'points' or 'items'")
    sprint_cols = ["team", "sprint", "start_date", "end_date", "goal", "sprint_type",
                   "committed", "completed", "added", "removed", "commitment_basis"]
    sprints = sprints.reindex(columns=sprint_cols) if not sprints.empty else pd.DataFrame(columns=sprint_cols)
    items = items if not items.empty else pd.DataFrame(columns=["team", "sprint", "item_key", "estimate",
                                                                "committed_at_start", "added_on", "removed",
                                                                "done", "done_on"])
    known = set(zip(sprints["team"], sprints["sprint"]))
    missing = items[["team", "sprint"]].drop_duplicates()
    missing = missing[[(t, s) not in known for t, s in zip(missing["team"], missing["sprint"])]]
    all_sprints = pd.concat([sprints, missing.assign(commitment_basis="recorded")], ignore_index=True) \
        if not missing.empty else sprints
    if all_sprints.empty:
        return pd.DataFrame(columns=SPRINT_FIELDS)
    order = sprint_order(all_sprints)
    order["commitment_basis"] = order["commitment_basis"].fillna("recorded")

    from_items = _item_totals(classify_items(items, order, unit), order) if not items.empty else \
        pd.DataFrame(columns=["team", "sprint"])
    item_fields = ["committed", "added", "removed", "completed", "completed_committed", "carried_over"]
    out = order[["team", "sprint", "start_date", "end_date", "sprint_type", "goal", "commitment_basis"]].merge(
        from_items.reindex(columns=["team", "sprint", *item_fields, "inferred"]).assign(from_items=True),
        on=["team", "sprint"], how="left")
    has_items = out.pop("from_items").notna().to_numpy()
    inferred = out.pop("inferred").eq(True).to_numpy()
    recorded_totals = pd.to_numeric(order["committed"], errors="coerce").notna().to_numpy() & (unit == "points")
    # Recorded totals beat commitment inferred from an issue export; item rows that say what was
    # committed (our template) beat totals.
    use_items = has_items & ~(inferred & recorded_totals)
    out["data_level"] = np.where(use_items, "items", "totals")
    out["commitment_basis"] = np.where(use_items & inferred, "inferred",
                                       np.where(use_items, "recorded", out["commitment_basis"].fillna("recorded")))
    for field in item_fields:
        if field == "carried_over":  # sprint membership: only items know it, recorded totals or not
            keep, recorded = has_items, np.nan
        elif field == "completed_committed" or unit == "items":
            keep, recorded = use_items, np.nan  # item-dependent (or counted in items): unknown from totals
        else:
            keep, recorded = use_items, pd.to_numeric(order[field], errors="coerce").astype(float)
        out[field] = pd.Series(out[field], dtype=float).where(keep, recorded)

    return _ratios(out, band, window)


def _ratios(out: pd.DataFrame, band: tuple[float, float], window: int) -> pd.DataFrame:
    c0, d = out["committed"].astype(float), out["completed"].astype(float)
    a, r = out["added"].astype(float), out["removed"].astype(float)
    has_c0 = c0.notna() & (c0 != 0)
    out["not_completed"] = (c0 + a.fillna(0) - r.fillna(0) - d).clip(lower=0)
    out["say_do_ratio"] = (d / c0).where(has_c0)
    out["commitment_accuracy"] = (1 - (d - c0).abs() / c0).clip(lower=0).where(has_c0)
    out["planned_completion"] = (out["completed_committed"].astype(float) / c0).where(has_c0)
    out["scope_change"] = ((a.fillna(0) - r.fillna(0)) / c0).where(has_c0 & (a.notna() | r.notna()))
    say_do = out["say_do_ratio"]
    out["in_band"] = ((say_do >= band[0]) & (say_do <= band[1])).astype("boolean").where(say_do.notna(), pd.NA)
    out["velocity_avg"] = out.groupby("team", sort=False)["completed"].transform(
        lambda s: s.astype(float).rolling(window, min_periods=1).mean())
    out["sprint_days"] = [working_days(s, e) for s, e in zip(out["start_date"], out["end_date"])]
    days = out["sprint_days"]
    out["velocity_per_day"] = (d / days).where(days > 0)
    return out[SPRINT_FIELDS]


SUMMARY_FIELDS = [
    "team", "sprints", "first_sprint", "last_sprint", "velocity_mean", "velocity_median", "velocity_std",
    "velocity_cv", "commitment_accuracy_mean", "say_do_mean", "in_band_share", "scope_change_mean",
    "accuracy_slope", "accuracy_first_half", "accuracy_second_half", "accuracy_trend",
]


def accuracy_trend(accuracy: pd.Series) -> dict:
    """Least-squares slope per sprint and first-half vs second-half means of commitment accuracy.

    'improving' only when the slope and the halves both say so; 'declining' likewise; else 'unclear'.
    The halves are the first and last n//2 sprints (the middle one of an odd count sits out).
    """
    values = accuracy.astype(float).reset_index(drop=True)
    position = pd.Series(np.arange(len(values), dtype=float))
    known = values.notna()
    values, position = values[known], position[known]
    if len(values) < 2:
        return {"accuracy_slope": np.nan, "accuracy_first_half": np.nan,
                "accuracy_second_half": np.nan, "accuracy_trend": None}
    slope = float(np.polyfit(position.to_numpy(), values.to_numpy(), 1)[0])
    half = len(values) // 2
    first, second = float(values.iloc[:half].mean()), float(values.iloc[-half:].mean())
    tolerance = 1e-12
    if slope > tolerance and second > first + tolerance:
        trend = "improving"
    elif slope < -tolerance and second < first - tolerance:
        trend = "declining"
    else:
        trend = "unclear"
    return {"accuracy_slope": slope, "accuracy_first_half": first, "accuracy_second_half": second,
            "accuracy_trend": trend}


def team_summary(metrics: pd.DataFrame, *, last: int | None = None) -> pd.DataFrame:
    """One row per team over its sprints (the last ``last`` ones when given), in sprint order."""
    rows = []
    for team, group in metrics.groupby("team", sort=False):
        group = group.tail(last) if last else group
        velocity = group["completed"].astype(float).dropna()
        mean = float(velocity.mean()) if len(velocity) else np.nan
        std = float(velocity.std(ddof=1)) if len(velocity) > 1 else np.nan
        in_band = group["in_band"].dropna()
        rows.append({
            "team": team, "sprints": len(group),
            "first_sprint": group["sprint"].iloc[0], "last_sprint": group["sprint"].iloc[-1],
            "velocity_mean": mean, "velocity_median": float(velocity.median()) if len(velocity) else np.nan,
            "velocity_std": std, "velocity_cv": std / mean if mean and not np.isnan(std) else np.nan,
            "commitment_accuracy_mean": float(group["commitment_accuracy"].astype(float).mean()),
            "say_do_mean": float(group["say_do_ratio"].astype(float).mean()),
            "in_band_share": float(in_band.astype(bool).mean()) if len(in_band) else np.nan,
            "scope_change_mean": float(group["scope_change"].astype(float).mean()),
            **accuracy_trend(group["commitment_accuracy"]),
        })
    return pd.DataFrame(rows, columns=SUMMARY_FIELDS)
