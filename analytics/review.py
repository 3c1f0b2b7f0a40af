"""What the sprint review looks at: the sprint's items in the lists Jira's Sprint Report has, and the
sprint beside the previous one and the team's average of comparable sprints (docs/metrics.md,
"Sprint review")."""
from __future__ import annotations

import pandas as pd

from analytics.sprint_metrics import LENGTH_SPREAD, classify_items, closed

LISTS = ("completed", "not_completed", "removed", "added", "completed_late", "carried_over")
ITEM_COLUMNS = ["item_key", "title", "item_type", "weight", "committed", "added_on", "done_on", "key_result"]
COMPARED = ["committed", "added", "removed", "completed", "completed_late", "working_days", "velocity_per_day",
            "say_do_ratio", "commitment_accuracy", "scope_change"]


def item_lists(items: pd.DataFrame, sprints: pd.DataFrame, team: str, sprint: str,
               unit: str = "points") -> dict[str, pd.DataFrame]:
    """The sprint's items as the review lists them, each a frame with ``ITEM_COLUMNS``:

    completed (done in the sprint), not_completed (neither done nor removed nor done late),
    removed, added (added after the start, whatever became of them), completed_late (done after
    the sprint's end) and carried_over (not done here, in the team's next sprint). ``sprints`` must
    hold the team's sprints in sprint order (the order decides which sprint is next).
    """
    team_items = items[items["team"] == team] if not items.empty else items
    here = team_items[team_items["sprint"] == sprint] if not team_items.empty else team_items
    if here.empty:
        return {name: pd.DataFrame(columns=ITEM_COLUMNS) for name in LISTS}
    flags = classify_items(here, sprints, unit)
    order = list(sprints.loc[sprints["team"] == team, "sprint"])
    following = order[order.index(sprint) + 1] if sprint in order and order.index(sprint) + 1 < len(order) else None
    in_next = set(team_items.loc[team_items["sprint"] == following, "item_key"]) if following is not None else set()
    view = flags.assign(committed=flags["is_committed"])
    chosen = {
        "completed": flags["is_done"],
        "not_completed": ~flags["is_done"] & ~flags["is_removed"] & ~flags["is_late"],
        "removed": flags["is_removed"],
        "added": ~flags["is_committed"],
        "completed_late": flags["is_late"],
        "carried_over": ~flags["is_done"] & flags["item_key"].isin(in_next),
    }
    return {name: view.loc[mask, ITEM_COLUMNS].reset_index(drop=True) for name, mask in chosen.items()}


def compared_with(metrics: pd.DataFrame, team: str, sprint: str) -> dict | None:
    """The sprint one sprint is set beside (METRICS.md "One question, one answer"): the team's previous
    closed sprint of the same type (sprints without a type count as one type), and whether the two are
    compared per working day (their working days differ by more than 20 %). None when there is none.

    Returns ``{"sprint": name, "row": its metrics row, "per_day": bool}``; ``metrics`` in sprint order."""
    rows = metrics[metrics["team"] == team].reset_index(drop=True)
    here = rows.index[rows["sprint"] == sprint]
    if not len(here):
        return None
    current = rows.iloc[here[0]]
    before = closed(rows.iloc[:here[0]])
    kind = before["sprint_type"].fillna("") if len(before) else pd.Series(dtype=object)
    same = before[kind.eq("" if pd.isna(current["sprint_type"]) else current["sprint_type"])]
    if same.empty:
        return None
    previous = same.iloc[-1]
    days = sorted(float(d) for d in (current["working_days"], previous["working_days"]) if not pd.isna(d))
    per_day = len(days) == 2 and days[0] > 0 and days[1] > (1 + LENGTH_SPREAD) * days[0]
    return {"sprint": previous["sprint"], "row": previous, "per_day": per_day}


def sprint_comparison(metrics: pd.DataFrame, team: str, sprint: str) -> pd.DataFrame:
    """Three rows — ``this``, ``previous`` (``compared_with``: the previous closed sprint of the same
    type) and ``average`` (mean of the team's other closed sprints of the same type, or of all types
    when it has no other of its type) — with the columns ``COMPARED``, plus ``row``, ``sprint``,
    ``sprints`` (how many are averaged) and ``per_day`` (the previous one is compared per working day)."""
    rows = metrics[metrics["team"] == team].reset_index(drop=True)
    here = rows.index[rows["sprint"] == sprint]
    if not len(here):
        return pd.DataFrame(columns=["row", "sprint", "sprints", "per_day", *COMPARED])
    position = here[0]
    current = rows.iloc[position]
    previous = compared_with(rows, team, sprint)
    others = closed(rows.drop(index=position))
    same = others[others["sprint_type"].eq(current["sprint_type"])] if pd.notna(current["sprint_type"]) else others.iloc[0:0]
    pool = same if len(same) else others
    out = [{"row": "this", "sprint": sprint, "sprints": 1, "per_day": None, **{c: current[c] for c in COMPARED}}]
    if previous is not None:
        out.append({"row": "previous", "sprint": previous["sprint"], "sprints": 1, "per_day": previous["per_day"],
                    **{c: previous["row"][c] for c in COMPARED}})
    if len(pool):
        out.append({"row": "average", "sprint": None, "sprints": len(pool), "per_day": None,
                    **{c: float(pd.to_numeric(pool[c], errors="coerce").mean()) for c in COMPARED}})
    return pd.DataFrame(out, columns=["row", "sprint", "sprints", "per_day", *COMPARED])
