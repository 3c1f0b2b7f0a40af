"""The cycle close and the hand-over: calibration of a team's targets over its closed cycles, a
cycle beside the previous one, and objectives rolled up to the company goals (``parent``).

METRICS.md ("Key result states during the cycle", Calibration): ``committed_hit_rate`` = share of
committed objectives with score 1.0, ``aspirational_hit_rate`` = share of aspirational ones with
score ≥ 0.7; committed < 0.8 or aspirational < 0.3 "too ambitious", aspirational > 0.8 "too easy",
else "about right" (thresholds are settings, passed in here). A kind's hit rate enters the verdict only
with at least ``MIN_OBJECTIVES`` objectives of that kind over the closed cycles ("One question, one
answer"); with fewer of both kinds there is no verdict: "not enough cycles yet", with the counts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

CALIBRATION_FIELDS = ["team", "cycles", "committed_objectives", "committed_hit_rate", "aspirational_objectives",
                      "aspirational_hit_rate", "verdict"]
COMPARISON_FIELDS = ["team", "objective_id", "objective", "score", "grade", "achieved", "previous_cycle",
                     "previous_objective_id", "previous_objective", "previous_score", "previous_grade",
                     "score_change", "matched_by", "previous_lessons"]
ALIGNMENT_FIELDS = ["parent", "teams", "objectives", "key_results", "on_track", "at_risk", "on_track_share"]
VERDICTS = ("too ambitious", "about right", "too easy")
_FULL = 1 - 1e-9  # a score of 1.0 after floating-point sums
MIN_OBJECTIVES = 3  # objectives of a kind a hit rate needs before it may judge the targets


def verdict(committed_hit_rate: float, aspirational_hit_rate: float, *, committed_min: float = 0.8,
            aspirational_min: float = 0.3, aspirational_max: float = 0.8) -> str | None:
    """'too ambitious', 'about right' or 'too easy'; None when no objective was closed yet."""
    committed_known, aspirational_known = not pd.isna(committed_hit_rate), not pd.isna(aspirational_hit_rate)
    if not committed_known and not aspirational_known:
        return None
    if (committed_known and committed_hit_rate < committed_min) or \
            (aspirational_known and aspirational_hit_rate < aspirational_min):
        return "too ambitious"
    if aspirational_known and aspirational_hit_rate > aspirational_max:
        return "too easy"
    return "about right"


def closed_cycles(cycles: pd.DataFrame, as_of) -> pd.DataFrame:
    """Cycles whose last day lies before ``as_of``."""
    if cycles.empty:
        return cycles
    return cycles[pd.to_datetime(cycles["cycle_end"]) < pd.Timestamp(as_of)]


def calibration(scores: pd.DataFrame, cycles: pd.DataFrame, as_of, **thresholds) -> pd.DataFrame:
    """Per team over its closed cycles: hit rates of committed and aspirational objectives and the
    verdict, judged on the kinds with at least ``MIN_OBJECTIVES`` objectives (none: no verdict)."""
    closed = closed_cycles(cycles, as_of)
    if scores.empty or closed.empty:
        return pd.DataFrame(columns=CALIBRATION_FIELDS)
    done = scores.merge(closed[["team", "cycle"]], on=["team", "cycle"])
    rows = []
    # each team's objectives by position into arrays taken out once (no frame per team)
    kinds = done["okr_type"].to_numpy(dtype=object)
    scores_of = done["score"].astype(float).to_numpy(dtype=float)
    cycle_of = done["cycle"].to_numpy(dtype=object)
    known_cycle = done["cycle"].notna().to_numpy(dtype=bool)
    positions = done.groupby("team", sort=True).indices
    for team in sorted(positions):
        rows_of = positions[team]
        committed = scores_of[rows_of[kinds[rows_of] == "committed"]]
        aspirational = scores_of[rows_of[kinds[rows_of] == "aspirational"]]
        # a share of hits as pandas takes the mean of booleans: hits / objectives
        committed_rate = float((committed >= _FULL).sum()) / float(len(committed)) if len(committed) else np.nan
        aspirational_rate = float((aspirational >= 0.7 - 1e-9).sum()) / float(len(aspirational)) \
            if len(aspirational) else np.nan
        rows.append({"team": team, "cycles": len(set(cycle_of[rows_of[known_cycle[rows_of]]])),
                     "committed_objectives": len(committed), "committed_hit_rate": committed_rate,
                     "aspirational_objectives": len(aspirational), "aspirational_hit_rate": aspirational_rate,
                     "verdict": verdict(committed_rate if len(committed) >= MIN_OBJECTIVES else np.nan,
                                        aspirational_rate if len(aspirational) >= MIN_OBJECTIVES else np.nan,
                                        **thresholds)})
    return pd.DataFrame(rows, columns=CALIBRATION_FIELDS)


def previous_cycle(cycles: pd.DataFrame, team: str, cycle: str) -> str | None:
    """The team's cycle that started last before ``cycle`` started."""
    own = cycles[cycles["team"] == team].assign(cycle_start=lambda f: pd.to_datetime(f["cycle_start"]))
    this = own[own["cycle"] == cycle]
    if this.empty:
        return None
    earlier = own[own["cycle_start"] < this["cycle_start"].iloc[0]].sort_values("cycle_start")
    return earlier["cycle"].iloc[-1] if not earlier.empty else None


def _previous(own: list[tuple], cycles: pd.DataFrame, team: str, cycle: str) -> str | None:
    """``previous_cycle`` from the team's own (cycle, start) pairs in plain Python when one earlier
    cycle started last (any sort finds that one); a tie for the latest start goes to ``previous_cycle``."""
    this = [start for name, start in own if name == cycle]
    if not this:
        return None
    earlier = [(start, name) for name, start in own if start < this[0]]
    if not earlier:
        return None
    latest = max(start for start, _ in earlier)
    found = [name for start, name in earlier if start == latest]
    return found[0] if len(found) == 1 else previous_cycle(cycles, team, cycle)


def cycle_comparison(scores: pd.DataFrame, cycles: pd.DataFrame, cycle: str) -> pd.DataFrame:
    """Each objective of ``cycle`` beside its counterpart in the team's previous cycle: the same
    objective id, else an objective serving the same parent goal; with that one's lessons.

    Plain rows throughout (the teams' cycles and scores read once): hundreds of teams with pandas
    filters each took seconds."""
    rows = []
    now = scores[scores["cycle"] == cycle]
    if now.empty:
        return pd.DataFrame(rows, columns=COMPARISON_FIELDS)
    teams = set(now["team"])
    team_cycles = cycles[cycles["team"].isin(teams)]
    own_cycles: dict[str, list[tuple]] = {}
    for team, name, start in zip(team_cycles["team"], team_cycles["cycle"], pd.to_datetime(team_cycles["cycle_start"])):
        own_cycles.setdefault(team, []).append((name, start))
    scores_of: dict[tuple, list[dict]] = {}
    for row in scores[scores["team"].isin(teams)].to_dict("records"):
        scores_of.setdefault((row["team"], row["cycle"]), []).append(row)
    by_team: dict[str, list] = {}
    for objective in now.itertuples(index=False):
        if not pd.isna(objective.team):  # as groupby: no group for a missing team
            by_team.setdefault(objective.team, []).append(objective)
    for team in sorted(by_team):
        own = by_team[team]
        before_name = _previous(own_cycles.get(team, []), cycles, team, cycle)
        earlier = scores_of.get((team, before_name), []) if before_name else []  # in order, as plain rows
        used: set[str] = set()
        for objective in own:
            match, how = None, None
            same = [row for row in earlier if row["objective_id"] == objective.objective_id
                    and row["objective_id"] not in used]
            if same:
                match, how = same[0], "objective_id"
            elif isinstance(objective.parent, str) and objective.parent:
                related = [row for row in earlier if row["parent"] == objective.parent and row["objective_id"] not in used]
                if related:
                    match, how = related[0], "parent"
            if match is not None:
                used.add(match["objective_id"])
            get = (lambda name: match[name]) if match is not None else (lambda name: None)
            previous_score = float(get("score")) if match is not None else np.nan
            rows.append({
                "team": team, "objective_id": objective.objective_id, "objective": objective.objective,
                "score": objective.score, "grade": objective.grade, "achieved": objective.achieved,
                "previous_cycle": before_name if match is not None else None,
                "previous_objective_id": get("objective_id"), "previous_objective": get("objective"),
                "previous_score": previous_score,
                "previous_grade": float(get("grade")) if match is not None else np.nan,
                "score_change": float(objective.score) - previous_score if match is not None else np.nan,
                "matched_by": how, "previous_lessons": get("lessons") if match is not None else None,
            })
    return pd.DataFrame(rows, columns=COMPARISON_FIELDS)


def alignment(kr_status: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """Objectives grouped by their company goal across teams, with the share of their KRs on
    track (``on_track`` or ``achieved``) and how many are at risk; weakest goal first."""
    if objectives.empty or kr_status.empty:
        return pd.DataFrame(columns=ALIGNMENT_FIELDS)
    linked = objectives[objectives["parent"].notna() & (objectives["parent"].astype(str).str.strip() != "")]
    krs = kr_status.merge(linked[["team", "cycle", "objective_id", "parent"]], on=["team", "cycle", "objective_id"])
    rows = []
    for parent, group in linked.groupby("parent", sort=True):
        own = krs[krs["parent"] == parent]
        good = int(own["status"].isin(["on_track", "achieved"]).sum())
        rows.append({"parent": parent, "teams": ", ".join(sorted(group["team"].unique())),
                     "objectives": len(group), "key_results": len(own), "on_track": good,
                     "at_risk": int((own["status"] == "at_risk").sum()),
                     "on_track_share": good / len(own) if len(own) else np.nan})
    frame = pd.DataFrame(rows, columns=ALIGNMENT_FIELDS)
    return frame.sort_values(["on_track_share", "parent"], na_position="last", kind="stable").reset_index(drop=True)
