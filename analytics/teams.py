"""Teams side by side on measures that compare across units: predictability and OKR health, never
raw velocity (a point in one team is not a point in another)."""
from __future__ import annotations

import pandas as pd

from analytics.frames import column_list
from analytics.okr_metrics import running
from analytics.sprint_metrics import closed, range_name, team_summary

STATUS_ORDER = ("achieved", "on_track", "behind", "at_risk", "not_started")
COMPARISON_FIELDS = ["team", "sprints", "trend_range", "commitment_accuracy_pooled", "pooled_sprints", "accuracy_note",
                     "accuracy_first_half", "accuracy_second_half", "accuracy_trend", "in_band_share", "stability",
                     "latest_say_do", "objective_score", *STATUS_ORDER]


def team_comparison(metrics: pd.DataFrame, kr_status: pd.DataFrame, objective_scores: pd.DataFrame,
                    as_of, *, last: int | None = None) -> pd.DataFrame:
    """One row per team, in the order of team names (a fixed order, never a ranking): over the team
    summary's range (its last ``last`` closed sprints, named in ``trend_range``) the pooled accuracy
    with the sprints behind it (``accuracy_note`` "too_few_sprints" where there are too few), the
    accuracy halves and trend, share in band and stability; the latest closed sprint's say/do; the mean
    objective score of the running cycle and its key results per status in a fixed order."""
    summary = team_summary(metrics, last=last) if not metrics.empty else pd.DataFrame(columns=["team"])
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
    out = out.merge(summary.reindex(columns=["team", "sprints", "first_sprint", "last_sprint",
                                             "commitment_accuracy_pooled", "pooled_sprints", "accuracy_first_half",
                                             "accuracy_second_half", "accuracy_trend", "in_band_share", "stability"]),
                    on="team", how="left")
    out["trend_range"] = [range_name(first, last) for first, last in zip(out["first_sprint"], out["last_sprint"])]
    out["pooled_sprints"] = out["pooled_sprints"].fillna(0).astype(int)
    out["commitment_accuracy_pooled"] = out["commitment_accuracy_pooled"].astype(float)
    out["accuracy_note"] = pd.Series(["too_few_sprints" if missing else None
                                      for missing in out["commitment_accuracy_pooled"].isna()], dtype=object)
    out["latest_say_do"] = out["team"].map(latest)
    out["objective_score"] = out["team"].map(scores).astype(float)
    for status in STATUS_ORDER:
        out[status] = out["team"].map(counts[status]).fillna(0).astype(int) if status in counts else 0
    out["sprints"] = out["sprints"].fillna(0).astype(int)
    return out[COMPARISON_FIELDS].sort_values("team", kind="stable").reset_index(drop=True)


LATEST_FIELDS = ["team", "sprint", "committed", "completed", "say_do_ratio", "commitment_accuracy", "velocity_per_day",
                 "running_sprint", "commitment_accuracy_pooled", "pooled_sprints", "accuracy_trend", "trend_range"]


def latest_sprints(metrics: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """One row per team in the order of team names: its latest closed sprint, its running sprints by
    name, and the team summary's trend answer (pooled accuracy, sprints pooled, trend, the range)."""
    finished = closed(metrics)
    rows = finished.groupby("team", sort=False).tail(1) if not finished.empty else finished
    running_names = metrics[metrics["state"].eq("running")].groupby("team", sort=False)["sprint"].agg(", ".join) \
        if not metrics.empty else pd.Series(dtype=object)
    answers = summary.set_index("team") if not summary.empty else pd.DataFrame(
        columns=["commitment_accuracy_pooled", "pooled_sprints", "accuracy_trend", "first_sprint", "last_sprint"])
    out = rows.assign(
        running_sprint=rows["team"].map(running_names),
        commitment_accuracy_pooled=rows["team"].map(answers["commitment_accuracy_pooled"]).astype(float),
        pooled_sprints=rows["team"].map(answers["pooled_sprints"]),
        accuracy_trend=rows["team"].map(answers["accuracy_trend"]),
        trend_range=[range_name(first, last) for first, last in  # the columns mapped at once, not a lookup per team
                     zip(column_list(rows["team"].map(answers["first_sprint"])),
                         column_list(rows["team"].map(answers["last_sprint"])))])
    return out.reindex(columns=LATEST_FIELDS).sort_values("team", kind="stable").reset_index(drop=True)


def team_pages(teams: list[str], size: int = 8) -> list[list[str]]:
    """Teams in pages of a readable size for the small multiples."""
    return [teams[start:start + size] for start in range(0, len(teams), size)] or [[]]
