"""Computations rewritten for organisations (plain arrays and rows instead of pandas objects per team
or key result) against the computations they replaced, kept here as the references: the team
summary, the commitment coach and the cycle comparison give the same frames to the last bit on
varied tables: missing figures, mixed sprint types and lengths, running and future
sprints, teams without a closed sprint, the trend range cut short or not at all."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.sprint_metrics import (SUMMARY_FIELDS, _cv, _stability, accuracy_trend, closed, pooled_accuracy,
                                      team_summary)


def reference_summary(metrics: pd.DataFrame, *, last: int | None = None) -> pd.DataFrame:
    rows = []
    finished = closed(metrics)
    by_team = dict(tuple(finished.groupby("team", sort=False))) if not finished.empty else {}
    for team, count in metrics.groupby("team", sort=False).size().items():
        group = by_team.get(team, finished.iloc[0:0])
        open_sprints = int(count) - len(group)
        group = group.tail(last) if last else group
        if group.empty:
            rows.append({"team": team, "sprints": 0, "open_sprints": int(count), "pooled_sprints": 0})
            continue
        velocity = group["completed"].astype(float).dropna()
        mean = float(velocity.mean()) if len(velocity) else np.nan
        std = float(velocity.std(ddof=1)) if len(velocity) > 1 else np.nan
        in_band = group["in_band"].dropna()
        per_day = group["velocity_per_day"].astype(float) if "velocity_per_day" in group else pd.Series(dtype=float)
        rows.append({
            "team": team, "sprints": len(group), "open_sprints": open_sprints,
            "first_sprint": group["sprint"].iloc[0], "last_sprint": group["sprint"].iloc[-1],
            "velocity_mean": mean, "velocity_median": float(velocity.median()) if len(velocity) else np.nan,
            "velocity_std": std, "velocity_cv": std / mean if mean and not np.isnan(std) else np.nan,
            "velocity_per_day_mean": float(per_day.mean()) if per_day.notna().any() else np.nan,
            "velocity_per_day_cv": _cv(per_day),
            **_stability(group),
            "commitment_accuracy_mean": float(group["commitment_accuracy"].astype(float).mean()),
            "say_do_mean": float(group["say_do_ratio"].astype(float).mean()),
            "in_band_share": float(in_band.astype(bool).mean()) if len(in_band) else np.nan,
            "scope_change_mean": float(group["scope_change"].astype(float).mean()),
            **accuracy_trend(group["commitment_accuracy"]),
            **pooled_accuracy(group),
        })
    return pd.DataFrame(rows, columns=SUMMARY_FIELDS)


def random_table(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(int(rng.integers(1, 30))):
        for s in range(int(rng.integers(0, 25))):
            committed = float(rng.choice([0.0, np.nan, *rng.integers(1, 60, 6) * rng.choice([1.0, 0.5, 1 / 3])]))
            completed = np.nan if rng.random() < 0.1 else float(rng.integers(0, 70)) * float(rng.choice([1.0, 0.1, 1 / 7]))
            days = float(rng.choice([np.nan, 0.0, 5.0, 8.0, 9.0, 10.0, 10.0, 10.0]))
            rows.append({
                "team": f"T{t}", "sprint": f"S{s}",
                "sprint_type": rng.choice([None, "", "delivery", "acquisition"], p=[0.1, 0.05, 0.65, 0.2])
                if rng.random() < 0.5 else "delivery",
                "state": rng.choice(["closed", "closed", "closed", "running", "future"]),
                "committed": committed, "completed": completed,
                "commitment_accuracy": np.nan if rng.random() < 0.15 else float(rng.random() * 1.3),
                "say_do_ratio": np.nan if rng.random() < 0.1 else float(rng.random() * 1.4),
                "scope_change": np.nan if rng.random() < 0.1 else float(rng.normal(0, 0.3)),
                "in_band": rng.choice([True, False, None]),
                "working_days": days,
                "velocity_per_day": completed / days if days and not np.isnan(days) else np.nan,
            })
    frame = pd.DataFrame(rows, columns=["team", "sprint", "sprint_type", "state", "committed", "completed",
                                        "commitment_accuracy", "say_do_ratio", "scope_change", "in_band",
                                        "working_days", "velocity_per_day"])
    return frame.astype({"in_band": "boolean", "team": "str", "sprint": "str"})


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("last", [None, 1, 2, 8])
def test_team_summary_is_the_reference_to_the_last_bit(seed, last):
    metrics = random_table(seed)
    found, expected = team_summary(metrics, last=last), reference_summary(metrics, last=last)
    pd.testing.assert_frame_equal(found, expected, check_exact=True)


def test_team_summary_of_the_demo_and_of_nothing_closed():
    from datetime import date

    from analytics.demo import generate
    from analytics.sprint_metrics import sprint_metrics
    data = generate(date(2026, 11, 25))
    regions = dict(zip(data["teams"]["team"], data["teams"]["region"]))
    metrics = sprint_metrics(data["sprints"], data["sprint_items"], as_of=date(2026, 11, 25), regions=regions)
    for last in (None, 8):
        pd.testing.assert_frame_equal(team_summary(metrics, last=last), reference_summary(metrics, last=last),
                                      check_exact=True)
    running = metrics.assign(state="running")
    pd.testing.assert_frame_equal(team_summary(running), reference_summary(running), check_exact=True)


def reference_coach(metrics: pd.DataFrame, *, days=None, sprint_type=None, last: int = 6, minimum: int = 3):
    """``commitment_coach`` as first written: a pandas frame per team and sprint type."""
    from analytics.planning import COACH_FIELDS, _type_key

    def row(team, kind, group):
        finished = closed(group)
        wd = finished["working_days"].astype(float)
        history = finished[(wd > 0) & finished["completed"].notna()].tail(last)
        n = len(history)
        upcoming = group[group["state"].eq("future") & (group["working_days"].astype(float) > 0)]
        if days is not None:
            w, basis = float(days), "given"
        elif not upcoming.empty:
            w, basis = float(upcoming["working_days"].iloc[0]), "next_sprint"
        elif n:
            w, basis = float(history["working_days"].astype(float).median()), "median"
        else:
            w, basis = np.nan, None
        rate = history["completed"].astype(float) / history["working_days"].astype(float)
        enough = n >= minimum
        low = w * float(rate.quantile(0.25)) if enough else np.nan
        high = w * float(rate.quantile(0.5)) if enough else np.nan
        typical = float(history["committed"].astype(float).median()) if n else np.nan
        return {"team": team, "sprint_type": kind or None, "sprints_used": n, "enough_history": enough,
                "working_days": w, "suggested_low": low, "suggested_high": high, "typical_commitment": typical,
                "median_say_do": float(history["say_do_ratio"].astype(float).median()) if n else np.nan,
                "overcommit": typical - high if enough else np.nan,
                "typical_completed": float(history["completed"].astype(float).median()) if n else np.nan,
                "days_basis": basis, "next_sprint": upcoming["sprint"].iloc[0] if not upcoming.empty else None,
                "sprints": list(history["sprint"]), "sprints_needed": max(0, minimum - n)}
    rows = []
    if metrics.empty:
        return pd.DataFrame(columns=COACH_FIELDS)
    kinds = metrics["sprint_type"].map(_type_key)
    for team, group in metrics.groupby("team", sort=False):
        for kind in list(dict.fromkeys(sorted(kinds[group.index]))):
            if sprint_type is not None and kind != _type_key(sprint_type):
                continue
            rows.append(row(team, kind, group[kinds[group.index] == kind]))
    return pd.DataFrame(rows, columns=COACH_FIELDS)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("options", [{}, {"last": 2, "minimum": 1}, {"days": 7.5}, {"sprint_type": "delivery"},
                                     {"sprint_type": None, "last": 0}, {"minimum": 0}])
def test_commitment_coach_is_the_reference_to_the_last_bit(seed, options):
    from analytics.planning import commitment_coach
    metrics = random_table(seed)
    pd.testing.assert_frame_equal(commitment_coach(metrics, **options), reference_coach(metrics, **options),
                                  check_exact=True)
    one = metrics[metrics["team"].eq(metrics["team"].iloc[0])] if not metrics.empty else metrics
    pd.testing.assert_frame_equal(commitment_coach(one, **options), reference_coach(one, **options), check_exact=True)


def reference_cycle_comparison(scores: pd.DataFrame, cycles: pd.DataFrame, cycle: str) -> pd.DataFrame:
    """``calibration.cycle_comparison`` as first written: pandas filters per team and objective."""
    from analytics.calibration import COMPARISON_FIELDS, previous_cycle
    rows = []
    for team, own in scores[scores["cycle"] == cycle].groupby("team", sort=True):
        before_name = previous_cycle(cycles, team, cycle)
        before = scores[(scores["team"] == team) & (scores["cycle"] == before_name)] if before_name else scores.iloc[0:0]
        used: set[str] = set()
        for objective in own.itertuples(index=False):
            match, how = None, None
            same = before[(before["objective_id"] == objective.objective_id) & ~before["objective_id"].isin(used)]
            if not same.empty:
                match, how = same.iloc[0], "objective_id"
            elif isinstance(objective.parent, str) and objective.parent:
                related = before[(before["parent"] == objective.parent) & ~before["objective_id"].isin(used)]
                if not related.empty:
                    match, how = related.iloc[0], "parent"
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


@pytest.mark.parametrize("seed", range(10))
def test_cycle_comparison_is_the_reference(seed):
    """Objectives matched by id, else by parent goal, each previous one used once; cycles starting on
    the same day (a tie for the previous one), teams without a previous cycle, missing lessons."""
    from analytics.calibration import cycle_comparison
    rng = np.random.default_rng(seed)
    cycle_rows, score_rows = [], []
    for t in range(int(rng.integers(1, 12))):
        team = f"T{rng.integers(0, 20):02d}"
        if any(row["team"] == team for row in cycle_rows):
            continue
        for c in range(int(rng.integers(1, 5))):
            start = pd.Timestamp(2026, 1 + 3 * int(rng.integers(0, 4)), 1)
            cycle_rows.append({"team": team, "cycle": f"C{c}", "cycle_start": f"{start:%Y-%m-%d}"})
            for o in range(int(rng.integers(0, 5))):
                score = float(rng.random())
                score_rows.append({"team": team, "cycle": f"C{c}", "objective_id": f"O{rng.integers(0, 4)}",
                                   "objective": f"goal {o}", "score": score, "grade": round(score, 1),
                                   "achieved": bool(score > 0.7),
                                   "parent": rng.choice([None, "", "P1", "P2"]),
                                   "lessons": rng.choice([None, "keep it small"])})
    scores = pd.DataFrame(score_rows, columns=["team", "cycle", "objective_id", "objective", "score", "grade",
                                               "achieved", "parent", "lessons"])
    cycles = pd.DataFrame(cycle_rows, columns=["team", "cycle", "cycle_start"])
    for cycle in ["C0", "C1", "C2", "C3", "C9"]:
        pd.testing.assert_frame_equal(cycle_comparison(scores, cycles, cycle),
                                      reference_cycle_comparison(scores, cycles, cycle), check_exact=True)


def reference_streak(sprints: pd.DataFrame, run: int = 3, lang: str = "en") -> pd.DataFrame:
    """``attention.out_of_band_streak`` as first written: a frame per team."""
    from analytics.attention import ATTENTION_FIELDS
    from analytics.formatting import percent
    from i18n import messages
    rows = []
    for team, group in closed(sprints).groupby("team", sort=False):
        known = group[group["in_band"].notna()].tail(run)
        if len(known) == run and not known["in_band"].astype(bool).any():
            ratios = ", ".join(percent(v, lang) for v in known["say_do_ratio"])
            rows.append({"team": team, "what": messages("att_", lang)["streak"].format(run=run),
                         "detail": f"{', '.join(known['sprint'])}: {ratios}"})
    return pd.DataFrame(rows, columns=ATTENTION_FIELDS)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("run", [1, 3])
def test_out_of_band_streak_is_the_reference(seed, run):
    from analytics.attention import out_of_band_streak
    metrics = random_table(seed)
    for lang in ("en", "de"):
        pd.testing.assert_frame_equal(out_of_band_streak(metrics, run, lang), reference_streak(metrics, run, lang),
                                      check_exact=True)


@pytest.mark.parametrize("day", ["2026-11-25", "2026-09-30", "2026-10-01", "2026-07-01", "2025-01-01", "2027-06-01"])
def test_the_running_okr_view_is_the_running_part_of_the_whole_view(tmp_path, day):
    """Home and Teams compute the OKR view of the running cycles only: the same key results (states,
    forecasts, revisions), objective scores, team comparison and attention rows as from the view of
    every cycle, on the demo store and on cycle edges (first and last day, before and after all)."""
    from datetime import date

    from analytics.attention import needs_attention
    from analytics.okr_metrics import running
    from analytics.teams import team_comparison
    from data import service
    from data.demo import load_demo
    from data.store import Store
    store = Store(str(tmp_path / "demo.duckdb"))
    load_demo(store, date(2026, 11, 25))
    as_of = pd.Timestamp(day).date()
    whole, part = service.okr_view(store, None, as_of), service.running_okr_view(store, None, as_of)
    expected = running(whole.key_results, as_of).reset_index(drop=True)
    # the same values; a date column may come out in another resolution (datetime64[s] vs [us])
    pd.testing.assert_frame_equal(part.key_results, expected, check_exact=True, check_dtype=False)
    keys = set(zip(expected["team"], expected["cycle"]))
    shown = whole.objectives[[key in keys for key in zip(whole.objectives["team"], whole.objectives["cycle"])]]
    # the same values; a column with no value in the running cycles (lessons) may come out float
    pd.testing.assert_frame_equal(part.objectives, shown.reset_index(drop=True), check_exact=True, check_dtype=False)
    metrics = service.sprint_table(store, None, "points", as_of)
    pd.testing.assert_frame_equal(team_comparison(metrics, part.key_results, part.objectives, as_of, last=8),
                                  team_comparison(metrics, whole.key_results, whole.objectives, as_of, last=8),
                                  check_exact=True)
    actions = store.current("retro_actions")
    empty = Store(str(tmp_path / "empty.duckdb"))  # no OKRs at all: empty tables with their columns
    assert service.running_okr_view(empty, None, as_of).key_results.columns.equals(
        service.okr_view(empty, None, as_of).key_results.columns)
    pd.testing.assert_frame_equal(needs_attention(metrics, part.key_results, actions, as_of=as_of),
                                  needs_attention(metrics, whole.key_results, actions, as_of=as_of), check_exact=True)


def reference_calibration(scores: pd.DataFrame, cycles: pd.DataFrame, as_of) -> pd.DataFrame:
    """``calibration.calibration`` as first written: a frame per team."""
    from analytics.calibration import _FULL, CALIBRATION_FIELDS, MIN_OBJECTIVES, closed_cycles, verdict
    closed_ones = closed_cycles(cycles, as_of)
    if scores.empty or closed_ones.empty:
        return pd.DataFrame(columns=CALIBRATION_FIELDS)
    done = scores.merge(closed_ones[["team", "cycle"]], on=["team", "cycle"])
    rows = []
    for team, group in done.groupby("team", sort=True):
        committed = group[group["okr_type"] == "committed"]["score"].astype(float)
        aspirational = group[group["okr_type"] == "aspirational"]["score"].astype(float)
        committed_rate = float((committed >= _FULL).mean()) if len(committed) else np.nan
        aspirational_rate = float((aspirational >= 0.7 - 1e-9).mean()) if len(aspirational) else np.nan
        rows.append({"team": team, "cycles": int(group["cycle"].nunique()),
                     "committed_objectives": len(committed), "committed_hit_rate": committed_rate,
                     "aspirational_objectives": len(aspirational), "aspirational_hit_rate": aspirational_rate,
                     "verdict": verdict(committed_rate if len(committed) >= MIN_OBJECTIVES else np.nan,
                                        aspirational_rate if len(aspirational) >= MIN_OBJECTIVES else np.nan)})
    return pd.DataFrame(rows, columns=CALIBRATION_FIELDS)


@pytest.mark.parametrize("seed", range(8))
def test_calibration_is_the_reference(seed):
    from analytics.calibration import calibration
    rng = np.random.default_rng(seed)
    cycles = pd.DataFrame([{"team": f"T{t}", "cycle": f"C{c}", "cycle_end": f"2026-{3 * c + 3:02d}-28"}
                           for t in range(int(rng.integers(1, 15))) for c in range(4)])
    scores = pd.DataFrame([{"team": row.team, "cycle": row.cycle, "okr_type": rng.choice(["committed", "aspirational"]),
                            "score": rng.choice([0.2, 0.5, 0.7, 0.7 - 5e-10, 0.95, 1.0, np.nan])}
                           for row in cycles.itertuples() for _ in range(int(rng.integers(0, 4)))],
                          columns=["team", "cycle", "okr_type", "score"])
    for as_of in ("2026-01-01", "2026-07-01", "2027-01-01"):
        pd.testing.assert_frame_equal(calibration(scores, cycles, as_of), reference_calibration(scores, cycles, as_of),
                                      check_exact=True)


@pytest.mark.parametrize("day", ["2026-11-25", "2026-09-30", "2026-07-01", "2025-01-01"])
def test_kr_drivers_from_the_sprint_calendar_are_those_from_the_sprint_table(tmp_path, day):
    """The KR drivers read only the sprints' dates, types and states: from ``sprint_calendar`` (no
    item row summed) they are the frames computed from the whole sprint table, for every cycle of the
    demo, all teams and one, in both units; the calendar's rows are those of the sprint table."""
    from datetime import date

    from data import aggregates, service
    from data.demo import load_demo
    from data.store import Store
    store = Store(str(tmp_path / "demo.duckdb"))
    load_demo(store, date(2026, 11, 25))
    as_of = pd.Timestamp(day).date()
    for teams in (None, store.teams()[:1]):
        metrics = service.sprint_table(store, teams, "points", as_of)
        calendar = service.sprint_calendar(store, teams, as_of)
        columns = ["team", "sprint", "start_date", "end_date", "sprint_type", "state"]
        pd.testing.assert_frame_equal(calendar[columns], metrics[columns], check_exact=True)
        view = service.okr_view(store, teams, as_of)
        linked, checkins = aggregates.linked_items(store, teams), store.current("checkins", teams)
        assert not linked.empty
        worked = 0
        for cycle in [None, *dict.fromkeys(view.key_results["cycle"])]:
            for unit in ("points", "items"):
                ours = service.cycle_drivers(calendar, linked, view.key_results, checkins, cycle, unit=unit)
                reference = service.cycle_drivers(service.sprint_table(store, teams, unit, as_of) if unit == "items"
                                                  else metrics, linked, view.key_results, checkins, cycle, unit=unit)
                for mine, theirs in zip(ours, reference):
                    pd.testing.assert_frame_equal(mine, theirs, check_exact=True)
                worked += int(ours[0]["sprints_with_work"].sum()) if not ours[0].empty else 0
        if day == "2026-11-25":
            assert worked  # linked work found, not only empty frames compared
