"""What needs a leader's attention: KRs at risk or stale, say/do out of band three sprints
running, open retro actions."""
from __future__ import annotations

from datetime import date

import pandas as pd

ATTENTION_FIELDS = ["team", "what", "detail"]


def out_of_band_streak(sprints: pd.DataFrame, run: int = 3) -> pd.DataFrame:
    """Teams whose last ``run`` sprints with a say/do ratio were all outside the band."""
    rows = []
    for team, group in sprints.groupby("team", sort=False):
        known = group[group["in_band"].notna()].tail(run)
        if len(known) == run and not known["in_band"].astype(bool).any():
            ratios = ", ".join(f"{v:.0%}" for v in known["say_do_ratio"])
            rows.append({"team": team, "what": f"Say/do out of band {run} sprints running",
                         "detail": f"{', '.join(known['sprint'])}: {ratios}"})
    return pd.DataFrame(rows, columns=ATTENTION_FIELDS)


def needs_attention(sprints: pd.DataFrame, kr_status: pd.DataFrame, actions: pd.DataFrame, *,
                    as_of: date) -> pd.DataFrame:
    """One row per thing to look at, most urgent kind first."""
    rows = []
    if not kr_status.empty:
        running = kr_status[(kr_status["cycle_start"] <= pd.Timestamp(as_of)) & (kr_status["cycle_end"] >= pd.Timestamp(as_of))]
        for kr in running.itertuples(index=False):
            if kr.status == "at_risk":
                rows.append({"team": kr.team, "what": f"Key result at risk: {kr.kr_id}",
                             "detail": f"{kr.key_result} — progress {kr.progress:.0%}, expected {kr.expected_progress:.0%}"})
            if kr.stale:
                since = "no check-in yet" if pd.isna(kr.last_checkin) else f"last check-in {kr.last_checkin:%Y-%m-%d}"
                rows.append({"team": kr.team, "what": f"Key result stale: {kr.kr_id}", "detail": f"{kr.key_result} — {since}"})
    attention = pd.DataFrame(rows, columns=ATTENTION_FIELDS)
    streaks = out_of_band_streak(sprints) if not sprints.empty else pd.DataFrame(columns=ATTENTION_FIELDS)
    open_actions = actions[actions["status"] == "open"] if not actions.empty else actions
    action_rows = pd.DataFrame(
        [{"team": team, "what": f"Open retro actions: {len(group)}", "detail": "; ".join(group["action"])}
         for team, group in open_actions.groupby("team", sort=False)] if not open_actions.empty else [],
        columns=ATTENTION_FIELDS)
    return pd.concat([attention, streaks, action_rows], ignore_index=True)
