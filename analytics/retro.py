"""Retrospective views: comparison by sprint type and the follow-through of retro actions."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.sprint_metrics import closed


def by_sprint_type(metrics: pd.DataFrame) -> pd.DataFrame:
    """Mean commitment accuracy, say/do and velocity per working day for each sprint type (closed sprints)."""
    columns = ["sprint_type", "sprints", "commitment_accuracy", "say_do_ratio", "velocity_per_day", "in_band_share"]
    metrics = closed(metrics)
    if metrics.empty:
        return pd.DataFrame(columns=columns)
    frame = metrics.assign(sprint_type=metrics["sprint_type"].fillna("–"),
                           in_band_num=metrics["in_band"].astype("Float64"))
    grouped = frame.groupby("sprint_type", sort=True).agg(
        sprints=("sprint", "size"), commitment_accuracy=("commitment_accuracy", "mean"),
        say_do_ratio=("say_do_ratio", "mean"), velocity_per_day=("velocity_per_day", "mean"),
        in_band_share=("in_band_num", "mean"))
    return grouped.reset_index()[columns].astype({"in_band_share": float})


def follow_through(actions: pd.DataFrame) -> dict:
    """Share of retro actions done among those decided (done + dropped + still open)."""
    if actions.empty:
        return {"actions": 0, "done": 0, "open": 0, "dropped": 0, "rate": np.nan}
    counts = actions["status"].value_counts()
    done, open_, dropped = (int(counts.get(status, 0)) for status in ("done", "open", "dropped"))
    total = len(actions)
    return {"actions": total, "done": done, "open": open_, "dropped": dropped, "rate": done / total}
