"""Per-sprint metrics (METRICS.md, "Sprint metrics") and the team summary over a range of sprints.

Every field with its formula: docs/metrics.md ("Sprint fields", "Team summary").
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import segments
from analytics.frames import column_list
from analytics.workdays import sprint_days, working_days

SPRINT_FIELDS = [
    "team", "sprint", "start_date", "end_date", "sprint_type", "goal", "commitment_basis", "data_level", "state",
    "committed", "added", "removed", "completed", "completed_committed", "not_completed", "carried_over",
    "completed_late", "say_do_ratio", "commitment_accuracy", "planned_completion", "scope_change", "in_band",
    "velocity_avg", "sprint_days", "days_off", "working_days", "velocity_per_day",
]
STATES = ("closed", "running", "future")


def sprint_order(sprints: pd.DataFrame) -> pd.DataFrame:
    """Sprints of each team in time order: by start (and end) date; sprints without dates after them in
    the order their files brought them (first import, then row), never by name (METRICS.md)."""
    if sprints.empty:
        return sprints.reset_index(drop=True)
    frame = sprints.reset_index(drop=True)
    keys = pd.DataFrame({
        "team": frame["team"].astype(str),
        "undated": pd.to_datetime(frame["start_date"]).isna(),
        "start": pd.to_datetime(frame["start_date"]),
        "end": pd.to_datetime(frame["end_date"]),
        "first_import": pd.to_numeric(frame.get("first_import"), errors="coerce") if "first_import" in frame else np.nan,
        "file_order": pd.to_numeric(frame.get("file_order"), errors="coerce") if "file_order" in frame else np.nan,
        "position": np.arange(len(frame)),
    })
    order = keys.sort_values(["team", "undated", "start", "end", "first_import", "file_order", "position"],
                             na_position="last", kind="stable").index
    return frame.iloc[order].reset_index(drop=True)


def sprint_states(start: pd.Series, end: pd.Series, as_of) -> pd.Series:
    """closed / running / future as of a day; a sprint without dates is closed. No day: all closed."""
    if as_of is None:
        return pd.Series("closed", index=start.index, dtype=object)
    day = pd.Timestamp(as_of)
    start, end = pd.to_datetime(start), pd.to_datetime(end)
    state = np.where(start.notna() & (start > day), "future",
                     np.where(start.notna() & (start <= day) & (end.isna() | (end >= day)), "running", "closed"))
    return pd.Series(state, index=start.index, dtype=object)


def closed(metrics: pd.DataFrame) -> pd.DataFrame:
    """Only the finished sprints: the ones every average, trend, forecast and alert is made of."""
    if "state" not in metrics or metrics.empty:
        return metrics
    return metrics[metrics["state"].eq("closed")]


def classify_items(items: pd.DataFrame, sprints: pd.DataFrame, unit: str = "points") -> pd.DataFrame:
    """Each item row with its weight and the flags committed / done / late / removed resolved.

    committed_at_start wins when given; otherwise an item added after the sprint's start is added
    work. An item is done in the sprint when marked done or done_on falls on or before the sprint's
    end; one done after the end is *late* (``is_late``) and not done in this sprint, whatever its
    done flag says (Azure DevOps calls these "completed outside the iteration").
    """
    if items.empty:
        return items.assign(weight=[], is_committed=[], is_done=[], is_late=[], is_removed=[])
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
    is_removed = frame["removed"].astype("boolean").fillna(False).astype(bool)
    finished = (done_flag | done_on.notna()) & ~is_removed
    is_late = finished & done_on.notna() & end.notna() & (done_on > end)
    weight = pd.Series(1.0, index=frame.index) if unit == "items" else \
        pd.to_numeric(frame["estimate"], errors="coerce").fillna(0.0)
    return frame.assign(weight=weight, is_committed=is_committed, is_done=finished & ~is_late,
                        is_late=is_late, is_removed=is_removed)


# The per-sprint aggregate of item rows that every metric is computed from: one row per team and
# sprint that has item rows, in the chosen unit. data.aggregates builds it in SQL from the store;
# item_totals builds the same frame in pandas from item rows (tests, reports, the real-data check).
# Weights are summed in millionths of the unit, as whole numbers: exact, so the total does not depend
# on the order of the rows (DuckDB's parallel sums have none) and both paths agree to the last bit
# up to 9 billion points per sprint; a sum of 0.1 + 0.2 is 0.3.
WEIGHT_STEPS = 1_000_000
ITEM_TOTALS = ["team", "sprint", "committed", "added", "removed", "completed", "completed_committed",
               "completed_late", "carried_over", "inferred"]
_SPRINT_COLUMNS = ["team", "sprint", "start_date", "end_date", "goal", "sprint_type", "committed", "completed",
                   "added", "removed", "commitment_basis", "days_off", "first_import", "file_order"]


def sprints_in_order(sprints: pd.DataFrame, item_sprints: pd.DataFrame) -> pd.DataFrame:
    """Every sprint of the teams in sprint order (``sprint_order``): the stored ones and, after them,
    those only item rows name (``item_sprints``: their team and sprint, in the order the items bring
    them), which have no dates and recorded commitment."""
    sprints = sprints.reindex(columns=_SPRINT_COLUMNS) if not sprints.empty else pd.DataFrame(columns=_SPRINT_COLUMNS)
    missing = item_sprints[["team", "sprint"]].drop_duplicates() if not item_sprints.empty else \
        pd.DataFrame(columns=["team", "sprint"])
    if not missing.empty:  # the store usually hands over only these already (aggregates.item_only_sprints)
        known = set(zip(column_list(sprints["team"]), column_list(sprints["sprint"])))
        missing = missing[[(t, s) not in known
                           for t, s in zip(column_list(missing["team"]), column_list(missing["sprint"]))]]
    everything = pd.concat([sprints, missing.assign(commitment_basis="recorded")], ignore_index=True) \
        if not missing.empty else sprints
    order = sprint_order(everything)
    if not order.empty:
        order["commitment_basis"] = order["commitment_basis"].fillna("recorded")
    return order


def next_sprints(order: pd.DataFrame) -> pd.DataFrame:
    """Each sprint with its dates and the team's next sprint (null for the last): what classifying an
    item and finding what was carried over need, from the one ordering rule (``sprint_order``)."""
    frame = order[["team", "sprint", "start_date", "end_date"]].reset_index(drop=True)
    following = frame.groupby("team", sort=False)["sprint"].shift(-1) if not frame.empty else pd.Series(dtype=object)
    return frame.assign(next_sprint=following.astype(object))


def item_totals(items: pd.DataFrame, order: pd.DataFrame, unit: str = "points") -> pd.DataFrame:
    """The ``ITEM_TOTALS`` of item rows: per team and sprint the weights of committed, added, removed,
    done, done-and-committed and late items (``classify_items``), of the items not done that appear
    in the team's next sprint in ``order`` (carried over), and whether any commitment was inferred."""
    if items.empty:
        return pd.DataFrame(columns=ITEM_TOTALS)
    classified = classify_items(items, order, unit)
    w = np.floor(classified["weight"].astype(float) * WEIGHT_STEPS + 0.5)  # whole millionths, as data.aggregates
    basis = classified["commitment_basis"] if "commitment_basis" in classified else pd.Series("recorded", index=classified.index)
    parts = classified.assign(
        inferred=basis.eq("inferred"),
        committed=w.where(classified["is_committed"], 0.0),
        added=w.where(~classified["is_committed"], 0.0),
        removed=w.where(classified["is_removed"], 0.0),
        completed=w.where(classified["is_done"], 0.0),
        completed_late=w.where(classified["is_late"], 0.0),
        completed_committed=w.where(classified["is_done"] & classified["is_committed"], 0.0))
    totals = parts.groupby(["team", "sprint"], sort=False).agg(
        committed=("committed", "sum"), added=("added", "sum"), removed=("removed", "sum"),
        completed=("completed", "sum"), completed_committed=("completed_committed", "sum"),
        completed_late=("completed_late", "sum"), inferred=("inferred", "any"))

    # carried over: not done here and present in the team's next sprint
    following = next_sprints(order)[["team", "sprint", "next_sprint"]]
    open_items = classified.assign(weight=w).loc[~classified["is_done"], ["team", "sprint", "item_key", "weight"]] \
        .merge(following, on=["team", "sprint"], how="left")
    later = classified[["team", "sprint", "item_key"]].drop_duplicates() \
        .rename(columns={"sprint": "next_sprint"}).assign(in_next=True)
    open_items = open_items.merge(later, on=["team", "next_sprint", "item_key"], how="left")
    carried = open_items[open_items["in_next"].fillna(False).astype(bool)] \
        .groupby(["team", "sprint"], sort=False)["weight"].sum()
    totals["carried_over"] = carried.reindex(totals.index).fillna(0.0)
    sums = ["committed", "added", "removed", "completed", "completed_committed", "completed_late", "carried_over"]
    totals[sums] = totals[sums] / WEIGHT_STEPS
    return totals.reset_index()[ITEM_TOTALS]


def sprint_metrics(sprints: pd.DataFrame, items: pd.DataFrame, *, unit: str = "points",
                   band: tuple[float, float] = (0.8, 1.0), window: int = 3, as_of=None,
                   regions: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per team and sprint with every METRICS.md sprint field, in sprint order, from item rows:
    they are aggregated to ``item_totals`` and the metrics computed by ``metrics_from_totals`` (the one
    path the store's SQL aggregate takes too)."""
    _check_unit(unit)
    items = items if not items.empty else pd.DataFrame(columns=["team", "sprint", "item_key", "estimate",
                                                                "committed_at_start", "added_on", "removed",
                                                                "done", "done_on"])
    order = sprints_in_order(sprints, items[["team", "sprint"]])
    return metrics_from_totals(order, item_totals(items, order, unit), unit=unit, band=band, window=window,
                               as_of=as_of, regions=regions)


def _check_unit(unit: str) -> None:
    if unit not in ("points", "items"):
        raise ValueError("unit must be 'points' or 'items'")


def metrics_from_totals(order: pd.DataFrame, totals: pd.DataFrame, *, unit: str = "points",
                        band: tuple[float, float] = (0.8, 1.0), window: int = 3, as_of=None,
                        regions: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per sprint of ``order`` (``sprints_in_order``) with every METRICS.md sprint field.

    Sprints with a row in ``totals`` (``ITEM_TOTALS``, in ``unit``) are computed from their items;
    the others from their recorded totals (then the item-dependent fields are null).
    ``unit='items'`` counts items instead of estimates. ``as_of`` decides each sprint's state
    (without it every sprint counts as closed); only closed sprints enter ``velocity_avg``.
    ``regions`` maps a team to its public-holiday region.
    """
    _check_unit(unit)
    if order.empty:
        return pd.DataFrame(columns=SPRINT_FIELDS)
    item_fields = ["committed", "added", "removed", "completed", "completed_committed", "carried_over",
                   "completed_late"]
    from_items = totals.reindex(columns=ITEM_TOTALS).astype({field: float for field in item_fields})
    out = order[["team", "sprint", "start_date", "end_date", "sprint_type", "goal", "commitment_basis",
                 "days_off"]].merge(from_items.assign(from_items=True), on=["team", "sprint"], how="left")
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
        if field in ("carried_over", "completed_late"):  # only items know these, recorded totals or not
            keep, recorded = has_items, np.nan
        elif field == "completed_committed" or unit == "items":
            keep, recorded = use_items, np.nan  # item-dependent (or counted in items): unknown from totals
        else:
            keep, recorded = use_items, pd.to_numeric(order[field], errors="coerce").astype(float)
        out[field] = pd.Series(out[field], dtype=float).where(keep, recorded)

    out["state"] = sprint_states(out["start_date"], out["end_date"], as_of)
    team_regions = out["team"].map(regions or {})
    out["sprint_days"] = sprint_days(out["start_date"], out["end_date"])
    out["days_off"] = pd.to_numeric(out["days_off"], errors="coerce").astype(float)
    out["working_days"] = working_days(out["start_date"], out["end_date"], team_regions, out["days_off"])
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
    finished = out["state"].eq("closed")
    done = out.loc[finished, "completed"].astype(float)
    out["velocity_avg"] = done.groupby(out.loc[finished, "team"], sort=False).rolling(window, min_periods=1).mean() \
        .droplevel(0).reindex(out.index)  # one rolling pass over all teams, restarting at each team
    days = out["working_days"]
    out["velocity_per_day"] = (d / days).where(days > 0)
    return out[SPRINT_FIELDS]


SUMMARY_FIELDS = [
    "team", "sprints", "first_sprint", "last_sprint", "open_sprints", "velocity_mean", "velocity_median",
    "velocity_std", "velocity_cv", "velocity_per_day_mean", "velocity_per_day_cv", "comparable", "stability_basis",
    "stability_cv", "stability", "commitment_accuracy_mean", "say_do_mean", "in_band_share", "scope_change_mean",
    "accuracy_slope", "accuracy_first_half", "accuracy_second_half", "accuracy_trend",
    "commitment_accuracy_pooled", "pooled_sprints",
]
STEADY_SLOPE = 0.01      # accuracy changing by less than one point per sprint is "steady" (METRICS.md)
STABLE_CV, VARIABLE_CV = 0.25, 0.5  # velocity CV up to 0.25 is stable, up to 0.5 variable, above erratic
LENGTH_SPREAD = 0.2      # sprints whose working days differ by more than 20 % are not comparable per sprint
POOLED_MIN_SPRINTS = 3   # fewer closed sprints with a commitment: no pooled accuracy, "too few sprints"


def range_name(first, last) -> str | None:
    """The sprints a summary covers, by name: 'KA Sprint 7 – KA Sprint 14' (one name for one sprint)."""
    if first is None or (isinstance(first, float) and np.isnan(first)):
        return None
    return str(first) if first == last else f"{first} – {last}"


def accuracy_line(accuracy: pd.Series) -> tuple[float, float] | None:
    """Slope and intercept of the least-squares line of commitment accuracy over sprint position
    (0, 1, … in the order given; sprints without a figure keep their place); None below two figures.
    The one line both the accuracy trend and the chart's trend line are."""
    values = accuracy.astype(float).reset_index(drop=True)
    known = values.notna()
    if known.sum() < 2:
        return None
    slope, intercept = np.polyfit(np.arange(len(values), dtype=float)[known.to_numpy()], values[known].to_numpy(), 1)
    return float(slope), float(intercept)


def pooled_accuracy(metrics: pd.DataFrame) -> dict:
    """Commitment accuracy of the sprints taken together, each by its size: max(0, 1 − Σ|D − C0| / ΣC0)
    over the sprints with C0 > 0 (1 − WAPE), so a one-day sprint cannot swing it; null below
    ``POOLED_MIN_SPRINTS`` such sprints. ``pooled_sprints``: how many it is made of."""
    c0, d = metrics["committed"].astype(float), metrics["completed"].astype(float)
    used = c0.notna() & (c0 > 0) & d.notna()
    count = int(used.sum())
    if count < POOLED_MIN_SPRINTS:
        return {"commitment_accuracy_pooled": np.nan, "pooled_sprints": count}
    return {"commitment_accuracy_pooled": max(0.0, float(1 - (d[used] - c0[used]).abs().sum() / c0[used].sum())),
            "pooled_sprints": count}


def accuracy_trend(accuracy: pd.Series) -> dict:
    """Least-squares slope per sprint and first-half vs second-half means of commitment accuracy.

    'improving' / 'declining' only when the slope and the halves agree and the slope is at least
    0.01 per sprint in size; a smaller slope is 'steady'; slope and halves disagreeing is 'unclear'.
    The halves are the first and last n//2 sprints (the middle one of an odd count sits out).
    """
    line = accuracy_line(accuracy)
    if line is None:
        return {"accuracy_slope": np.nan, "accuracy_first_half": np.nan,
                "accuracy_second_half": np.nan, "accuracy_trend": None}
    slope = line[0]
    values = accuracy.astype(float).dropna()
    half = len(values) // 2
    first, second = float(values.iloc[:half].mean()), float(values.iloc[-half:].mean())
    if abs(slope) < STEADY_SLOPE:
        trend = "steady"
    elif slope > 0 and second > first:
        trend = "improving"
    elif slope < 0 and second < first:
        trend = "declining"
    else:
        trend = "unclear"
    return {"accuracy_slope": slope, "accuracy_first_half": first, "accuracy_second_half": second,
            "accuracy_trend": trend}


def _cv(values: pd.Series) -> float:
    """Coefficient of variation with the sample standard deviation; NaN below two values or mean 0."""
    values = values.astype(float).dropna()
    if len(values) < 2 or not values.mean():
        return np.nan
    return float(values.std(ddof=1) / values.mean())


def verdict(cv: float) -> str | None:
    if cv is None or np.isnan(cv):
        return None
    return "stable" if cv <= STABLE_CV else "variable" if cv <= VARIABLE_CV else "erratic"


def comparable(metrics: pd.DataFrame) -> bool:
    """Sprints that may be compared per sprint: one type and working days within 20 % of each other."""
    types = metrics["sprint_type"].dropna().unique() if "sprint_type" in metrics else []
    days = metrics["working_days"].astype(float).dropna() if "working_days" in metrics else pd.Series(dtype=float)
    days = days[days > 0]
    uneven = len(days) > 1 and days.max() > (1 + LENGTH_SPREAD) * days.min()
    return len(types) <= 1 and not uneven


def stability_by_type(metrics: pd.DataFrame) -> pd.DataFrame:
    """Per sprint type (closed sprints): count, median working days, velocity and velocity per
    working day with its coefficient of variation."""
    columns = ["sprint_type", "sprints", "working_days_median", "velocity_mean", "velocity_per_day_mean",
               "velocity_per_day_cv", "stability"]
    finished = closed(metrics)
    if finished.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for kind, group in finished.groupby(finished["sprint_type"].fillna(""), sort=True):
        per_day = group["velocity_per_day"].astype(float)
        cv = _cv(per_day)
        rows.append({"sprint_type": kind or None, "sprints": len(group),
                     "working_days_median": float(group["working_days"].astype(float).median()),
                     "velocity_mean": float(group["completed"].astype(float).mean()),
                     "velocity_per_day_mean": float(per_day.mean()), "velocity_per_day_cv": cv,
                     "stability": verdict(cv)})
    return pd.DataFrame(rows, columns=columns)


def _stability(group: pd.DataFrame) -> dict:
    """The comparable coefficient of variation: per sprint when the sprints are alike, else the
    per-working-day CV within each type, pooled with weights n − 1 (METRICS.md)."""
    per_sprint = _cv(group["completed"])
    if comparable(group):
        return {"comparable": True, "stability_basis": "per_sprint", "stability_cv": per_sprint,
                "stability": verdict(per_sprint)}
    by_type = stability_by_type(group).dropna(subset=["velocity_per_day_cv"])
    weights = by_type["sprints"] - 1
    pooled = float((by_type["velocity_per_day_cv"] * weights).sum() / weights.sum()) if weights.sum() else np.nan
    return {"comparable": False, "stability_basis": "per_day_by_type", "stability_cv": pooled,
            "stability": verdict(pooled)}


def _divided(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """top / bottom where bottom is not 0, NaN elsewhere."""
    return np.divide(top, bottom, out=np.full(len(top), np.nan), where=bottom != 0)


def _std_rows(values: np.ndarray) -> np.ndarray:
    """``Series.std(ddof=1)`` of each row of values (two or more, none missing), as pandas computes it."""
    count = values.shape[1]
    average = values.sum(axis=1) / float(count)
    return np.sqrt(((average[:, None] - values) ** 2).sum(axis=1) / float(count - 1))


def _cv_rows(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``_cv`` of each row's first ``counts`` values (known ones only): NaN below two values or mean 0."""
    mean = _divided(segments.total(values, counts), counts)
    several = counts > 1
    std = segments.by_count(values, np.where(several, counts, 0), _std_rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(several & (mean != 0), std / mean, np.nan)


def _half_means(values: np.ndarray) -> np.ndarray:
    """The means of the first and of the last n // 2 of each row's n values, as two columns."""
    half = values.shape[1] // 2
    first, second = np.ascontiguousarray(values[:, :half]), np.ascontiguousarray(values[:, -half:])
    return np.stack([first.sum(axis=1) / float(half), second.sum(axis=1) / float(half)], axis=1)


def team_summary(metrics: pd.DataFrame, *, last: int | None = None) -> pd.DataFrame:
    """One row per team over its closed sprints (the last ``last`` of them when given), in sprint order:
    the one computation every trend answer quotes (METRICS.md "One question, one answer"); the range is
    ``first_sprint`` … ``last_sprint``, ``sprints`` of them. Running and future sprints are counted in
    ``open_sprints`` and enter no figure.

    Every team at once (``analytics.segments``): each figure is one numpy call over all teams (only the
    accuracy line's ``np.polyfit`` is one call per team), with the arithmetic of a team alone: the
    figures of ``Series.mean``, ``std`` and ``median`` per team to the last bit (tests/test_summary_paths.py
    keeps the per-team version as the reference)."""
    teams = metrics.groupby("team", sort=False).size()  # every team, in the order they first appear
    finished = closed(metrics)
    count = len(teams)
    if finished.empty:
        return pd.DataFrame([{"team": team, "sprints": 0, "open_sprints": int(size), "pooled_sprints": 0}
                             for team, size in teams.items()], columns=SUMMARY_FIELDS)
    # the closed sprints by team, in sprint order, cut to each team's last ``last``
    code = teams.index.get_indexer(finished["team"])
    order = np.argsort(code, kind="stable")
    place, closed_sprints = segments.ranks(code[order], np.ones(len(order), dtype=bool), count)
    n = np.minimum(closed_sprints, last) if last else closed_sprints
    rows = order[place >= (closed_sprints - n)[code[order]]]
    group = code[rows]
    width = int(n.max())

    def column(name: str) -> np.ndarray:
        if name not in finished:
            return np.full(len(rows), np.nan)
        return finished[name].astype(float).to_numpy(dtype=float)[rows]

    def spread(values: np.ndarray, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The chosen sprints' values, each team's as one row in sprint order, and how many each has."""
        where, counts = segments.ranks(group, chosen, count)
        return segments.laid_out(values, group, where, count, width), counts

    def mean(values: np.ndarray) -> np.ndarray:
        """``_mean``: missing values count as 0 in the sum (in their place) and not in the count."""
        missing = np.isnan(values)
        return _divided(segments.total(spread(np.where(missing, 0.0, values), np.ones(len(values), dtype=bool))[0], n),
                        np.bincount(group[~missing], minlength=count).astype(float))

    completed, committed, per_day = column("completed"), column("committed"), column("velocity_per_day")
    days, accuracy = column("working_days"), column("commitment_accuracy")
    sprint = finished["sprint"].to_numpy(dtype=object)[rows]
    kinds = finished["sprint_type"].to_numpy(dtype=object)[rows]
    kind_known = finished["sprint_type"].notna().to_numpy(dtype=bool)[rows]
    band_known = finished["in_band"].notna().to_numpy(dtype=bool)
    in_band = np.zeros(len(finished), dtype=bool)
    in_band[band_known] = finished["in_band"][band_known].astype(bool).to_numpy(dtype=bool)
    in_band, band_known = in_band[rows], band_known[rows]

    # velocity: the known results' mean, median, sample deviation and its coefficient of variation
    velocity, known = spread(completed, ~np.isnan(completed))
    velocity_mean = _divided(segments.total(velocity, known), known.astype(float))
    velocity_std = segments.by_count(velocity, np.where(known > 1, known, 0), _std_rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        velocity_cv = np.where((velocity_mean != 0) & ~np.isnan(velocity_std), velocity_std / velocity_mean, np.nan)
    per_day_known = ~np.isnan(per_day)

    # stability: per sprint when the sprints are alike (one type, working days within the spread) …
    kinds_seen = pd.Series(kinds[kind_known]).groupby(group[kind_known]).nunique().reindex(range(count), fill_value=0)
    lengths = pd.Series(days[days > 0]).groupby(group[days > 0]).agg(["max", "min", "size"]).reindex(range(count))
    uneven = (lengths["size"] > 1) & (lengths["max"] > (1 + LENGTH_SPREAD) * lengths["min"])
    alike = (kinds_seen.to_numpy() <= 1) & ~uneven.to_numpy(dtype=bool)
    per_sprint = _cv_rows(velocity, known)
    # … else the per-day CV within each type ('' for none), pooled over the types with weights n − 1
    labels = np.where(kind_known, kinds, "")
    kind_group = pd.DataFrame({"team": group, "label": labels}).groupby(["team", "label"], sort=True).ngroup().to_numpy()
    kind_count = int(kind_group.max()) + 1
    kind_team = np.zeros(kind_count, dtype=np.int64)
    kind_team[kind_group] = group  # the types of a team come together, sorted by name
    by_kind = np.argsort(kind_group, kind="stable")
    where, counts = segments.ranks(kind_group[by_kind], per_day_known[by_kind], kind_count)
    kind_cv = _cv_rows(segments.laid_out(per_day[by_kind], kind_group[by_kind], where, kind_count, width), counts)
    weights = np.bincount(kind_group, minlength=kind_count) - 1
    pooled_in = ~np.isnan(kind_cv)
    where, counts = segments.ranks(kind_team, pooled_in, count)
    weighted = segments.total(segments.laid_out(kind_cv * weights, kind_team, where, count, int(counts.max())), counts)
    weight = np.bincount(kind_team[pooled_in], weights=weights[pooled_in], minlength=count)
    pooled_cv = _divided(weighted, weight)

    # the accuracy trend: the least-squares line over the positions, the halves of the known figures
    all_accuracy, _ = spread(accuracy, np.ones(len(rows), dtype=bool))
    known_accuracy, figures = spread(accuracy, ~np.isnan(accuracy))
    halves = np.full((count, 2), np.nan)
    for size in np.unique(figures[figures >= 2]):
        chosen = figures == size
        halves[chosen] = _half_means(np.ascontiguousarray(known_accuracy[chosen, :size]))
    slope = np.full(count, np.nan)
    for team in np.flatnonzero(figures >= 2):
        values = all_accuracy[team, :n[team]]
        sure = ~np.isnan(values)
        slope[team] = float(np.polyfit(np.arange(len(values), dtype=float)[sure], values[sure], 1)[0])
    first, second = halves[:, 0], halves[:, 1]
    word = np.select([np.abs(slope) < STEADY_SLOPE, (slope > 0) & (second > first), (slope < 0) & (second < first)],
                     ["steady", "improving", "declining"], "unclear")

    # pooled accuracy: 1 − WAPE over the sprints with a commitment and a result
    used = ~np.isnan(committed) & (committed > 0) & ~np.isnan(completed)
    gaps, pooled_sprints = spread(np.abs(completed - committed), used)
    pooled = np.maximum(0.0, 1 - segments.total(gaps, pooled_sprints) / segments.total(spread(committed, used)[0],
                                                                                         pooled_sprints))
    band_size = np.bincount(group[band_known], minlength=count)
    band_in = np.bincount(group[band_known & in_band], minlength=count)
    comparable = alike.tolist()
    stability_cv = np.where(alike, per_sprint, pooled_cv)
    ends = np.cumsum(n)  # the kept sprints of team i are rows[ends[i] - n[i]:ends[i]] (none for n[i] = 0)
    figures_of = {
        "sprints": n.tolist(), "first_sprint": sprint[np.minimum(ends - n, len(rows) - 1)].tolist(),
        "last_sprint": sprint[np.maximum(ends - 1, 0)].tolist(),
        "velocity_mean": velocity_mean.tolist(), "velocity_median": segments.median(velocity, known).tolist(),
        "velocity_std": velocity_std.tolist(), "velocity_cv": velocity_cv.tolist(),
        "velocity_per_day_mean": mean(per_day).tolist(),
        "velocity_per_day_cv": _cv_rows(*spread(per_day, per_day_known)).tolist(),
        "comparable": comparable, "stability_basis": ["per_sprint" if same else "per_day_by_type" for same in comparable],
        "stability_cv": stability_cv.tolist(), "stability": [verdict(cv) for cv in stability_cv.tolist()],
        "commitment_accuracy_mean": mean(accuracy).tolist(), "say_do_mean": mean(column("say_do_ratio")).tolist(),
        "in_band_share": _divided(band_in.astype(float), band_size.astype(float)).tolist(),
        "scope_change_mean": mean(column("scope_change")).tolist(),
        "accuracy_slope": slope.tolist(), "accuracy_first_half": first.tolist(), "accuracy_second_half": second.tolist(),
        "accuracy_trend": [str(w) if size >= 2 else None for w, size in zip(word, figures)],
        "commitment_accuracy_pooled": np.where(pooled_sprints >= POOLED_MIN_SPRINTS, pooled, np.nan).tolist(),
        "pooled_sprints": pooled_sprints.tolist()}
    out = []
    for index, (team, size) in enumerate(teams.items()):
        if not n[index]:
            out.append({"team": team, "sprints": 0, "open_sprints": int(size), "pooled_sprints": 0})
        else:
            out.append({"team": team, "open_sprints": int(size) - int(closed_sprints[index]),
                        **{name: values[index] for name, values in figures_of.items()}})
    return pd.DataFrame(out, columns=SUMMARY_FIELDS)


def accuracy_trend_by_type(metrics: pd.DataFrame) -> pd.DataFrame:
    """The accuracy trend within each sprint type (closed sprints), for teams that mix types."""
    columns = ["sprint_type", "sprints", "accuracy_slope", "accuracy_first_half", "accuracy_second_half",
               "accuracy_trend"]
    finished = closed(metrics)
    rows = [{"sprint_type": kind or None, "sprints": len(group), **accuracy_trend(group["commitment_accuracy"])}
            for kind, group in finished.groupby(finished["sprint_type"].fillna(""), sort=True)]
    return pd.DataFrame(rows, columns=columns)
