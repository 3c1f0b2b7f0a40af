"""Teams side by side on measures that compare across units: predictability and OKR health, never
raw velocity (a point in one team is not a point in another)."""
from __future__ import annotations

import pandas as pd

from analytics.okr_metrics import running
from analytics.sprint_metrics import closed, team_summary

STATUS_ORDER = ("achieved", "on_track", "behind", "at_risk", "not_started")
COMPARISON_FIELDS = ["team", "sprints", "latest_say_do", "in_band_share", "commitment_accuracy_mean",
                     "accuracy_trend", "stability", "objective_score", *STATUS_ORDER]


def team_comparison(metrics: pd.DataFrame, kr_status: pd.DataFrame, objective_scores: pd.DataFrame,
                    as_of) -> pd.DataFrame:
    """One row per team: closed sprints, the latest closed sprint's say/do, share in band, mean
    accuracy and its trend, stability (comparable CV), the mean objective score of the running
    cycle, and its key results per status in a fixed order."""
    summary = team_summary(metrics) if not metrics.empty else pd.DataFrame(columns=["team"])
    finished = closed(metrics) if not metrics.empty else metrics
    latest = finished.groupby("team", sort=False)["say_do_ratio"].last() if not finished.empty else pd.Series(dtype=float)
    krs = running(kr_status, as_of) if not kr_status.empty else kr_status
    counts = (krs.groupby(["team", "status"]).size().unstack(fill_value=0) if not krs.empty
              else pd.DataFrame()).reindex(columns=list(STATUS_ORDER), fill_value=0)
    scores = pd.Series(dtype=float)
    if not objective_scores.empty and not krs.empty:
        now = objective_scores.merge(krs[["team", "cycle"]].drop_duplicates(), on=["team", "cycle"])
        scores = now.groupby("team")["score"].mean()
    teams = list(dict.fromkeys([*summary["team"], *counts.index]))
    out = pd.DataFrame({"team": teams})
    out = out.merge(summary.reindex(columns=["team", "sprints", "in_band_share", "commitment_accuracy_mean",
                                             "accuracy_trend", "stability"]), on="team", how="left")
    out["latest_say_do"] = out["team"].map(latest)
    out["objective_score"] = out["team"].map(scores).astype(float)
    for status in STATUS_ORDER:
        out[status] = out["team"].map(counts[status]).fillna(0).astype(int) if status in counts else 0
    out["sprints"] = out["sprints"].fillna(0).astype(int)
    return out[COMPARISON_FIELDS].sort_values("team", kind="stable").reset_index(drop=True)


def team_pages(teams: list[str], size: int = 8) -> list[list[str]]:
    """Teams in pages of a readable size for the small multiples."""
    return [teams[start:start + size] for start in range(0, len(teams), size)] or [[]]
