"""Planning the next sprint and the next cycle (METRICS.md, "Planning"): the commitment coach, what
moves the key results (KR drivers), and the lessons of a cycle with the next cycle's draft OKRs.

Pure: frames in, frames and plain values out; the day (``as_of``) and the next cycle's dates are
parameters. Every formula with its reading: docs/metrics.md ("Planning")."""
from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pandas as pd

from analytics.frames import column_list, frame_rows
from analytics.formatting import number, percent
from analytics.segments import laid_out, median, percentile, ranks
from analytics.sprint_kr import last_values
from analytics.sprint_metrics import classify_items, closed
from i18n import t

COACH_SPRINTS = 6      # the coach looks at the last 6 closed sprints of a type …
COACH_MINIMUM = 3      # … and suggests nothing from fewer than 3
DRIVERS_MINIMUM = 4    # a rank correlation over fewer than 4 sprints says nothing
TOP_KRS = 3            # the key results named per sprint type in the lessons

# what the command line's JSON carries (CLI.md); the frames carry a little more for the pages
COACH_JSON = ["team", "sprint_type", "sprints_used", "enough_history", "working_days", "suggested_low",
              "suggested_high", "typical_commitment", "median_say_do", "overcommit"]
COACH_FIELDS = COACH_JSON + ["typical_completed", "days_basis", "next_sprint", "sprints", "sprints_needed"]
DRIVER_JSON = ["team", "kr_id", "sprints_with_work", "linked_completed", "kr_change", "change_per_unit",
               "correlation", "by_sprint_type"]
DRIVER_FIELDS = ["team", "cycle", "kr_id", "key_result", "kr_type", "sprints", "sprints_with_work", "linked_completed",
                 "kr_change", "change_per_unit", "correlation", "by_sprint_type"]
DRIVER_TYPE_JSON = ["sprint_type", "linked_completed", "kr_change", "change_per_unit"]
DRIVER_SPRINT_FIELDS = ["team", "kr_id", "sprint", "sprint_type", "start_date", "end_date", "linked_completed",
                        "kr_change"]
LESSON_FIELDS = ["team", "cycle", "objective_id", "okr_type", "kr_id", "key_result", "kr_type", "unit", "start_value",
                 "target_value", "weight", "final_value", "final_progress", "status_at_close", "achieved_change",
                 "planned_change", "ambition_ratio", "ambition_reading", "realistic_target"]
DRAFT_COLUMNS = ["team", "cycle", "cycle_start", "cycle_end", "objective_id", "objective", "okr_type", "kr_id",
                 "key_result", "kr_type", "unit", "start_value", "target_value", "weight", "parent", "lessons", "note"]
PACED = ("increase", "decrease")  # key results with a pace; conditions and milestones have none


def _type_key(value) -> str:
    return value if isinstance(value, str) and value else ""


# --- commitment coach ---------------------------------------------------------------------------

def commitment_coach(metrics: pd.DataFrame, *, days: float | None = None, sprint_type: str | None = None,
                     last: int = COACH_SPRINTS, minimum: int = COACH_MINIMUM) -> pd.DataFrame:
    """Per team and sprint type: the commitment the team met in about three of four (``suggested_low``)
    and in half (``suggested_high``) of its last closed sprints of the type, for the next sprint's
    working days. ``metrics``: the sprint table with each sprint's state as of the day looked from.

    Every team and type at once (``analytics.segments``): an organisation has thousands of them. The
    same quantiles and medians as pandas gives a group alone (tests/test_summary_paths.py)."""
    if metrics.empty:
        return pd.DataFrame(columns=COACH_FIELDS)
    kinds = np.asarray([_type_key(value) for value in column_list(metrics["sprint_type"])], dtype=object)
    wanted = np.ones(len(metrics), dtype=bool) if sprint_type is None else kinds == _type_key(sprint_type)
    # a group per team (in the order teams first appear) and type (sorted), its rows in sprint order
    team_code = pd.factorize(metrics["team"], sort=False)[0][wanted]
    kinds = kinds[wanted]
    if not len(kinds):
        return pd.DataFrame([], columns=COACH_FIELDS)
    group = pd.DataFrame({"team": team_code, "kind": kinds}).groupby(["team", "kind"], sort=True).ngroup().to_numpy()
    order = np.argsort(group, kind="stable")
    group, groups = group[order], int(group.max()) + 1
    rows = np.flatnonzero(wanted)[order]
    state = metrics["state"].to_numpy(dtype=object)[rows]
    sprint = metrics["sprint"].to_numpy(dtype=object)[rows]
    wd, completed, committed, say_do = (metrics[name].astype(float).to_numpy(dtype=float)[rows]
                                        for name in ("working_days", "completed", "committed", "say_do_ratio"))
    first = np.concatenate([[0], np.flatnonzero(np.diff(group)) + 1])  # each group's first row

    # the history: the last ``last`` closed sprints with working days and a result (DataFrame.tail)
    place, usable = ranks(group, (state == "closed") & (wd > 0) & ~np.isnan(completed), groups)
    n = np.minimum(usable, last) if last else np.zeros(groups, dtype=np.int64)
    place = np.where(place >= 0, place - (usable - n)[group], -1)  # counted from the history's first sprint
    width = int(n.max())
    history = place >= 0

    def known(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A history's known values laid out per group (a median leaves the missing ones out)."""
        where, counts = ranks(group, history & ~np.isnan(values), groups)
        return laid_out(values, group, where, groups, width), counts

    # the next sprint's working days: the first planned sprint with working days, else the history's median
    upcoming, planned = ranks(group, (state == "future") & (wd > 0), groups)
    upcoming_row = np.full(groups, -1)
    upcoming_row[group[upcoming == 0]] = np.flatnonzero(upcoming == 0)
    if days is not None:
        w, basis = np.full(groups, float(days)), np.full(groups, "given", dtype=object)
    else:
        w = np.where(planned > 0, wd[np.maximum(upcoming_row, 0)], median(*known(wd)))
        basis = np.where(planned > 0, "next_sprint", np.where(n > 0, "median", None)).astype(object)
    enough = n >= minimum
    rate = laid_out(completed / np.where(wd > 0, wd, np.nan), group, place, groups, width)
    low = np.where(enough & (n > 0), w * percentile(rate, n, 25.0), np.nan)
    high = np.where(enough & (n > 0), w * percentile(rate, n, 50.0), np.nan)
    typical = median(*known(committed))
    names = [[] for _ in range(groups)]
    for row in np.flatnonzero(history):  # in sprint order
        names[group[row]].append(sprint[row])
    teams = metrics["team"].to_numpy(dtype=object)[rows[first]]
    return pd.DataFrame({
        "team": list(teams), "sprint_type": [kind or None for kind in kinds[order][first]],
        "sprints_used": n.astype(np.int64), "enough_history": enough, "working_days": w,
        "suggested_low": low, "suggested_high": high, "typical_commitment": typical,
        "median_say_do": median(*known(say_do)), "overcommit": np.where(enough, typical - high, np.nan),
        "typical_completed": median(*known(completed)), "days_basis": list(basis),
        "next_sprint": [sprint[row] if row >= 0 else None for row in upcoming_row],
        "sprints": names, "sprints_needed": np.maximum(0, minimum - n).astype(np.int64)}, columns=COACH_FIELDS)


def keeps_overcommitting(coach: pd.DataFrame, band_low: float) -> pd.DataFrame:
    """The coach's rows where a team usually commits more than it delivers at its median pace and its
    median say/do is below the band: what Home lists as needing attention."""
    if coach.empty:
        return coach
    flagged = coach["enough_history"].astype(bool) & (coach["overcommit"].astype(float) > 0) \
        & (coach["median_say_do"].astype(float) < band_low)
    return coach[flagged]


def coach_sentence(row, unit: str, lang: str = "en") -> str:
    """The coach in one sentence: what the team committed and delivered, and the range to commit."""
    kind = row["sprint_type"] or t("plan_no_type", lang)
    if not row["enough_history"]:
        return t("plan_coach_few", lang, type=kind, used=int(row["sprints_used"]), n=int(row["sprints_needed"]))
    w = float(row["working_days"])
    days = t("plan_coach_days", lang, n=int(w) if w.is_integer() else w, days=number(w, lang))
    low, high = number(row["suggested_low"], lang, 0), number(row["suggested_high"], lang, 0)
    return t("plan_coach_sentence", lang, n=int(row["sprints_used"]), type=kind,
             committed=number(row["typical_commitment"], lang), completed=number(row["typical_completed"], lang),
             unit=unit, say_do=percent(row["median_say_do"], lang), days=days,
             range=low if low == high else f"{low}–{high}")


# --- KR drivers -----------------------------------------------------------------------------------

def in_cycle(metrics: pd.DataFrame, team: str, start, end) -> pd.DataFrame:
    """A team's closed sprints whose window lies in the cycle (start and end within it): a sprint
    that straddles the cycle's start or end belongs to neither cycle alone and is left out."""
    finished = closed(metrics)
    if finished.empty:
        return finished
    s, e = pd.to_datetime(finished["start_date"]), pd.to_datetime(finished["end_date"])
    inside = finished["team"].eq(team) & (s >= pd.Timestamp(start)) & (e <= pd.Timestamp(end))
    return finished[inside.fillna(False).astype(bool)]


def _ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties given the average of the ranks they share."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    return (np.cumsum(counts) - (counts - 1) / 2)[inverse]


def spearman(x, y, minimum: int = DRIVERS_MINIMUM) -> float:
    """Spearman's rank correlation (average ranks for ties, then Pearson on the ranks); NaN with fewer
    than ``minimum`` pairs or when either side is constant."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    known = ~(np.isnan(x) | np.isnan(y))
    x, y = x[known], y[known]
    if len(x) < minimum or np.ptp(x) == 0 or np.ptp(y) == 0:
        return np.nan
    return float(np.corrcoef(_ranks(x), _ranks(y))[0, 1])


def _ratio(change: float, work: float) -> float:
    return change / work if work else np.nan


def kr_drivers(metrics: pd.DataFrame, items: pd.DataFrame, key_results: pd.DataFrame, checkins: pd.DataFrame,
               *, unit: str = "points") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per team and KR over the KR's cycle: the completed work linked to it and its movement, sprint
    by sprint and summed over the sprints with linked work, with the change per completed unit
    overall and per sprint type and the rank correlation across the cycle's sprints. A decrease
    KR's movement counts falling as positive (progress). An association, never a cause.

    ``metrics``: the sprint table (states as of the day looked from); ``items``: item rows naming a
    key result; ``key_results``: rows with team, kr_id, kr_type, start_value, cycle_start, cycle_end.
    Returns (one row per KR: ``DRIVER_FIELDS``, one row per KR and sprint: ``DRIVER_SPRINT_FIELDS``)."""
    if key_results.empty or metrics.empty:
        return pd.DataFrame(columns=DRIVER_FIELDS), pd.DataFrame(columns=DRIVER_SPRINT_FIELDS)
    done = pd.DataFrame(columns=["team", "sprint", "key_result", "weight"])
    if not items.empty:
        classified = classify_items(items[items["key_result"].notna()], metrics, unit)
        done = classified[classified["is_done"]].groupby(["team", "sprint", "key_result"], as_index=False)["weight"].sum()
    linked = {(r.team, r.sprint, r.key_result): float(r.weight) for r in frame_rows(done)}
    # every KR beside its team's dated closed sprints whose window lies in the KR's cycle (one straddling
    # its start or end is left out), in the KRs' order and each team's sprint order: one join, not a filter per KR
    finished = closed(metrics)
    finished = finished[finished["start_date"].notna() & finished["end_date"].notna() & finished["team"].notna()]
    sprints = pd.DataFrame({"team": finished["team"].to_numpy(dtype=object), "position": np.arange(len(finished)),
                            "sprint": finished["sprint"].to_numpy(dtype=object),
                            "sprint_type": finished["sprint_type"].to_numpy(dtype=object),
                            "start": pd.to_datetime(finished["start_date"]).to_numpy(dtype="datetime64[ns]"),
                            "end": pd.to_datetime(finished["end_date"]).to_numpy(dtype="datetime64[ns]")})
    krs = pd.DataFrame({"kr": np.arange(len(key_results)), "team": key_results["team"].to_numpy(dtype=object),
                        "kr_id": key_results["kr_id"].to_numpy(dtype=object),
                        "first": pd.to_datetime(key_results["cycle_start"]).to_numpy(dtype="datetime64[ns]"),
                        "last": pd.to_datetime(key_results["cycle_end"]).to_numpy(dtype="datetime64[ns]")})
    sprints = sprints[(sprints["start"] >= krs["first"].min()) & (sprints["end"] <= krs["last"].max())]  # in no cycle
    pairs = krs.merge(sprints, on="team")
    pairs = pairs[(pairs["start"] >= pairs["first"]) & (pairs["end"] <= pairs["last"])].sort_values(
        ["kr", "position"], kind="stable")
    # each pair's KR value at the sprint's start and end: the last check-in on or before the day, else the
    # KR's start value (one as-of join for all, as the sprint work per KR finds them)
    start_values = pd.to_numeric(key_results["start_value"]).to_numpy(dtype=float)[pairs["kr"].to_numpy()]
    signs = np.where(key_results["kr_type"].to_numpy(dtype=object) == "decrease", -1.0, 1.0)[pairs["kr"].to_numpy()]
    on_start, seen_start = last_values(checkins, pairs["kr_id"].to_numpy(), pairs["start"].to_numpy())
    on_end, seen_end = last_values(checkins, pairs["kr_id"].to_numpy(), pairs["end"].to_numpy())
    all_changes = signs * (np.where(seen_end, on_end, start_values) - np.where(seen_start, on_start, start_values))
    all_work = np.array([linked.get(key, 0.0) for key in zip(column_list(pairs["team"]), column_list(pairs["sprint"]),
                                                              column_list(pairs["kr_id"]))], dtype=float) \
        if linked else np.zeros(len(pairs))
    all_kinds = pairs["sprint_type"].to_numpy(dtype=object)
    counts = np.bincount(pairs["kr"].to_numpy(), minlength=len(key_results))  # each KR's pairs, one after another
    ends = np.cumsum(counts)
    summary = []
    for kr, begin, end in zip(frame_rows(key_results[["team", "cycle", "kr_id", "key_result", "kr_type"]]),
                              ends - counts, ends):
        row = {"team": kr.team, "cycle": kr.cycle, "kr_id": kr.kr_id, "key_result": kr.key_result, "kr_type": kr.kr_type}
        if begin == end:  # no closed sprint in the cycle yet: what the arrays below give for no sprints
            summary.append({**row, "sprints": 0, "sprints_with_work": 0, "linked_completed": 0.0, "kr_change": 0.0,
                            "change_per_unit": np.nan, "correlation": np.nan, "by_sprint_type": []})
            continue
        kinds, work, change = all_kinds[begin:end], all_work[begin:end], all_changes[begin:end]
        worked = work > 0
        types: dict[str, list[float]] = {}
        for kind, w, c in zip(kinds[worked], work[worked], change[worked]):
            sums = types.setdefault(_type_key(kind), [0.0, 0.0, 0])
            sums[0], sums[1], sums[2] = sums[0] + w, sums[1] + float(c), sums[2] + 1
        total_work, total_change = float(work[worked].sum()), float(change[worked].sum())
        summary.append({**row, "sprints": len(work), "sprints_with_work": int(worked.sum()),
                        "linked_completed": total_work, "kr_change": total_change,
                        "change_per_unit": _ratio(total_change, total_work), "correlation": spearman(work, change),
                        "by_sprint_type": [{"sprint_type": kind or None, "linked_completed": w, "kr_change": c,
                                            "change_per_unit": _ratio(c, w), "sprints": n}
                                           for kind, (w, c, n) in sorted(types.items())]})
    detail = pd.DataFrame({"team": pairs["team"].tolist(), "kr_id": pairs["kr_id"].tolist(), "sprint": pairs["sprint"].tolist(),
                           "sprint_type": all_kinds.tolist(), "start_date": pairs["start"].to_numpy(),
                           "end_date": pairs["end"].to_numpy(), "linked_completed": all_work,
                           "kr_change": all_changes.astype(float)}, columns=DRIVER_SPRINT_FIELDS) \
        if len(pairs) else pd.DataFrame([], columns=DRIVER_SPRINT_FIELDS)
    return pd.DataFrame(summary, columns=DRIVER_FIELDS), detail


def driver_sentences(row, unit: str, lang: str = "en") -> list[str]:
    """A KR's drivers in words, worded as association with the number of sprints behind each figure."""
    if not row["sprints_with_work"]:
        return [t("plan_drivers_none", lang, kr=row["kr_id"])]
    lines = [t("plan_drivers_overall", lang, n=int(row["sprints_with_work"]), work=number(row["linked_completed"], lang),
               unit=unit, change=_signed(row["kr_change"], lang), per=_signed(row["change_per_unit"], lang, 2))]
    for kind in row["by_sprint_type"]:
        if not pd.isna(kind["change_per_unit"]):
            lines.append(t("plan_drivers_type", lang, type=kind["sprint_type"] or t("plan_no_type", lang), unit=unit,
                           per=_signed(kind["change_per_unit"], lang, 2), n=kind["sprints"]))
    if pd.isna(row["correlation"]):
        lines.append(t("plan_drivers_no_correlation", lang, n=int(row["sprints"]), minimum=DRIVERS_MINIMUM))
    else:
        lines.append(t("plan_drivers_correlation", lang, rho=number(row["correlation"], lang, 2), n=int(row["sprints"])))
    return lines


def _signed(value, lang: str, decimals: int = 1) -> str:
    text = number(value, lang, decimals)
    return f"+{text}" if not pd.isna(value) and value > 0 else text


# --- lessons of a cycle -----------------------------------------------------------------------------

def cycle_days(start, end) -> int:
    """Calendar days of a cycle, first and last day included."""
    return int((pd.Timestamp(end) - pd.Timestamp(start)).days) + 1


def next_cycle(cycle: str, start, end) -> tuple[str, date, date]:
    """The cycle after this one when none is given: 'Q4 2026' → 'Q1 2027' (else '<cycle> +1'),
    starting the day after this one ends, as many whole months long when this one is whole months,
    else as many days."""
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    begin = (t1 + pd.Timedelta(days=1)).date()
    if t0.day == 1 and (t1 + pd.Timedelta(days=1)).day == 1:
        months = (t1.year - t0.year) * 12 + t1.month - t0.month + 1
        finish = (pd.Timestamp(begin) + pd.DateOffset(months=months) - pd.Timedelta(days=1)).date()
    else:
        finish = begin + timedelta(days=cycle_days(t0, t1) - 1)
    quarter = re.fullmatch(r"\s*Q([1-4])([\s/-]*)(\d{4})\s*", str(cycle))
    if quarter:
        q, year = int(quarter.group(1)), int(quarter.group(3))
        q, year = (1, year + 1) if q == 4 else (q + 1, year)
        name = f"Q{q}{quarter.group(2)}{year}"
    else:
        name = f"{cycle} +1"
    return name, begin, finish


def ambition_reading(ratio: float, okr_type: str) -> str:
    """How the planned change compares with the achieved one, read as METRICS.md reads grades:
    committed objectives are meant to be met (ratio ≤ 1); aspirational ones are healthy when 60 % or
    more of the plan was achieved (ratio ≤ 1/0.6) and too easy when all of it was (ratio ≤ 1)."""
    if ratio is None or pd.isna(ratio):
        return "no_progress"
    if okr_type == "committed":
        return "met" if ratio <= 1 else "overreached"
    share = 1 / ratio
    return "too_easy" if share >= 1 else "healthy" if share >= 0.6 else "stretching" if share >= 0.4 else "overreached"


def lessons_key_results(kr_close: pd.DataFrame, objectives: pd.DataFrame, *, elapsed_days: int,
                        next_days: int) -> pd.DataFrame:
    """Per KR of a cycle at its close (``kr_close``: KR status as of the close day, or as of the day
    looked from while the cycle runs): outcome, planned and achieved change (decrease: falling is
    positive), the ambition ratio and the realistic target for the next cycle at the same pace
    (``elapsed_days`` of this cycle so far, ``next_days`` of the next)."""
    if kr_close.empty:
        return pd.DataFrame(columns=LESSON_FIELDS)
    types = {(o.team, o.cycle, o.objective_id): o.okr_type for o in objectives.itertuples(index=False)}
    rows = []
    for kr in kr_close.itertuples(index=False):
        paced = kr.kr_type in PACED
        sign = -1.0 if kr.kr_type == "decrease" else 1.0
        final, start, target = float(kr.current_value), float(kr.start_value), float(kr.target_value)
        achieved = sign * (final - start) if paced else np.nan
        planned = sign * (target - start) if paced else np.nan
        ratio = planned / achieved if paced and achieved > 0 else np.nan
        okr_type = types.get((kr.team, kr.cycle, kr.objective_id), "committed")
        rows.append({"team": kr.team, "cycle": kr.cycle, "objective_id": kr.objective_id, "okr_type": okr_type,
                     "kr_id": kr.kr_id, "key_result": kr.key_result, "kr_type": kr.kr_type, "unit": kr.unit,
                     "start_value": start, "target_value": target,
                     "weight": 1.0 if pd.isna(kr.weight) else float(kr.weight), "final_value": final,
                     "final_progress": float(kr.progress), "status_at_close": kr.status,
                     "achieved_change": achieved, "planned_change": planned, "ambition_ratio": ratio,
                     "ambition_reading": ambition_reading(ratio, okr_type) if paced else None,
                     "realistic_target": final + sign * achieved * next_days / elapsed_days if paced else np.nan})
    return pd.DataFrame(rows, columns=LESSON_FIELDS)


def lessons_sprint_types(sprints: pd.DataFrame, drivers: pd.DataFrame, top: int = TOP_KRS) -> list[dict]:
    """Per sprint type of the cycle's closed sprints: how many ran, their mean say/do, and the key
    results whose change per completed unit in that type was largest (positive ones only)."""
    out = []
    if sprints.empty:
        return out
    movers: dict[str, list[dict]] = {}
    for row in drivers.itertuples(index=False):
        for kind in row.by_sprint_type:
            if not pd.isna(kind["change_per_unit"]) and kind["change_per_unit"] > 0:
                movers.setdefault(_type_key(kind["sprint_type"]), []).append(
                    {"kr_id": row.kr_id, "change_per_unit": kind["change_per_unit"], "sprints": kind["sprints"]})
    for kind, group in sprints.groupby(sprints["sprint_type"].map(_type_key), sort=True):
        ranked = sorted(movers.get(kind, []), key=lambda m: (-m["change_per_unit"], m["kr_id"]))[:top]
        say_do = group["say_do_ratio"].astype(float)
        out.append({"sprint_type": kind or None, "sprints": len(group),
                    "say_do_mean": float(say_do.mean()) if say_do.notna().any() else None, "key_results": ranked})
    return out


def cycle_lessons(*, team: str, cycle: str, kr_close: pd.DataFrame, objectives: pd.DataFrame,
                  metrics: pd.DataFrame, drivers: pd.DataFrame, actions: pd.DataFrame, as_of: date,
                  next_start: date | None = None, next_end: date | None = None) -> dict:
    """The lessons of one team's cycle for the next one (``provisional`` while the cycle runs on
    ``as_of``): ``key_results`` (a frame, ``LESSON_FIELDS``), ``sprint_types``, ``open_retro_actions``.
    ``kr_close``: the cycle's KR status as of min(cycle end, as_of); ``metrics``: the team's sprint
    table; ``drivers``: ``kr_drivers``' summary of the cycle's KRs; ``actions``: the team's retro actions."""
    t0, t1 = pd.Timestamp(kr_close["cycle_start"].iloc[0]), pd.Timestamp(kr_close["cycle_end"].iloc[0])
    provisional = pd.Timestamp(as_of) < t1
    close = pd.Timestamp(as_of) if provisional else t1
    if next_start is None or next_end is None:
        _, next_start, next_end = next_cycle(cycle, t0, t1)
    open_actions = actions[actions["status"].eq("open")] if not actions.empty else actions
    return {
        "team": team, "cycle": cycle, "provisional": bool(provisional), "cycle_start": t0.date(),
        "cycle_end": t1.date(), "as_of": pd.Timestamp(as_of).date(),
        "key_results": lessons_key_results(kr_close, objectives, elapsed_days=max(1, cycle_days(t0, close)),
                                           next_days=cycle_days(next_start, next_end)),
        "sprint_types": lessons_sprint_types(in_cycle(metrics, team, t0, t1), drivers),
        "open_retro_actions": [{"sprint": a.sprint, "action": a.action,
                                "owner": a.owner if isinstance(a.owner, str) and a.owner else None}
                               for a in open_actions.itertuples(index=False)],
    }


def draft_okrs(lessons: pd.DataFrame, objectives: pd.DataFrame, *, next_name: str,
               next_start: date, next_end: date, lang: str = "en") -> pd.DataFrame:
    """The next cycle's draft OKR file in the OKR template (``DRAFT_COLUMNS``): each objective and KR
    again, start = final value, target = realistic target, marked as a draft in ``note``. A KR
    without progress this cycle gets its planned change again (the same pace would set no target); a
    condition keeps its line, a milestone starts again at 0. KR ids get the next cycle's name, so
    importing the draft adds the next cycle and leaves this one as it was."""
    if lessons.empty:
        return pd.DataFrame(columns=DRAFT_COLUMNS)
    texts = {(o.team, o.objective_id): o for o in objectives.itertuples(index=False)}
    suffix = re.sub(r"\s+", "-", next_name.strip())
    rows = []
    for kr in lessons.itertuples(index=False):
        objective = texts.get((kr.team, kr.objective_id))
        sign = -1.0 if kr.kr_type == "decrease" else 1.0
        if kr.kr_type in PACED and kr.achieved_change > 0:
            start, target = kr.final_value, kr.realistic_target
            note = t("plan_note_pace", lang, cycle=kr.cycle)
            if kr.kr_type == "decrease" and target < 0 <= kr.final_value:  # hours, errors, churn: not below 0
                target, note = 0.0, t("plan_note_floor", lang, cycle=kr.cycle)
        elif kr.kr_type in PACED:
            start, target = kr.final_value, kr.final_value + sign * kr.planned_change
            note = t("plan_note_no_progress", lang, cycle=kr.cycle)
        elif kr.kr_type == "milestone":
            start, target, note = 0.0, 1.0, t("plan_note_milestone", lang, cycle=kr.cycle)
        else:
            start, target, note = kr.final_value, kr.target_value, t("plan_note_condition", lang, cycle=kr.cycle)
        rows.append({"team": kr.team, "cycle": next_name, "cycle_start": pd.Timestamp(next_start).date().isoformat(),
                     "cycle_end": pd.Timestamp(next_end).date().isoformat(), "objective_id": kr.objective_id,
                     "objective": getattr(objective, "objective", kr.objective_id), "okr_type": kr.okr_type,
                     "kr_id": f"{kr.kr_id}-{suffix}", "key_result": kr.key_result, "kr_type": kr.kr_type,
                     "unit": kr.unit if isinstance(kr.unit, str) else None, "start_value": round(float(start), 2),
                     "target_value": round(float(target), 2), "weight": kr.weight,
                     "parent": getattr(objective, "parent", None), "lessons": None, "note": note})
    return pd.DataFrame(rows, columns=DRAFT_COLUMNS)


def overcommit_attention(rows: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Home's attention rows (team, what, detail) for ``keeps_overcommitting``'s rows."""
    out = [{"team": row.team,
            "what": t("plan_att_overcommit", lang, type=row.sprint_type or t("plan_no_type", lang)),
            "detail": t("plan_att_detail", lang, committed=number(row.typical_commitment, lang),
                        high=number(row.suggested_high, lang), say_do=percent(row.median_say_do, lang),
                        n=row.sprints_used, low=number(row.suggested_low, lang), days=number(row.working_days, lang))}
           for row in rows.itertuples(index=False)]
    return pd.DataFrame(out, columns=["team", "what", "detail"])
