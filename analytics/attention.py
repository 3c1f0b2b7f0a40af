"""What needs a leader's attention: KRs at risk, stale or whose status the forecast contradicts,
say/do out of band three sprints running, open retro actions."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.formatting import day, percent
from analytics.okr_metrics import running
from analytics.sprint_metrics import closed
from i18n import messages

ATTENTION_FIELDS = ["team", "what", "detail"]


def out_of_band_streak(sprints: pd.DataFrame, run: int = 3, lang: str = "en") -> pd.DataFrame:
    """Teams whose last ``run`` closed sprints with a say/do ratio were all outside the band (a
    running sprint's figures are provisional and raise no alert)."""
    rows = []
    finished = closed(sprints)
    if finished.empty:
        return pd.DataFrame(rows, columns=ATTENTION_FIELDS)
    # the columns out of pandas once, each team's rows by position: no frame per team
    known = finished["in_band"].notna().to_numpy(dtype=bool)
    within = np.zeros(len(finished), dtype=bool)
    within[known] = finished["in_band"][known].astype(bool).to_numpy(dtype=bool)
    ratios, names = finished["say_do_ratio"].tolist(), finished["sprint"].tolist()
    for team, positions in finished.groupby("team", sort=False).indices.items():
        latest = positions[known[positions]]
        latest = latest[-run:] if run else latest[:0]  # DataFrame.tail(run)
        if len(latest) == run and not within[latest].any():
            shown = ", ".join(percent(ratios[i], lang) for i in latest)
            rows.append({"team": team, "what": messages("att_", lang)["streak"].format(run=run),
                         "detail": f"{', '.join(names[i] for i in latest)}: {shown}"})
    return pd.DataFrame(rows, columns=ATTENTION_FIELDS)


def needs_attention(sprints: pd.DataFrame, kr_status: pd.DataFrame, actions: pd.DataFrame, *,
                    as_of: date, lang: str = "en") -> pd.DataFrame:
    """One row per thing to look at, most urgent kind first."""
    text = messages("att_", lang)
    rows = []
    if not kr_status.empty:
        for kr in running(kr_status, as_of).itertuples(index=False):
            if kr.status == "at_risk":
                rows.append({"team": kr.team, "what": text["at_risk"].format(kr=kr.kr_id),
                             "detail": text["progress"].format(text=kr.key_result, progress=percent(kr.progress, lang),
                                                               expected=percent(kr.expected_progress, lang))})
            if getattr(kr, "status_disagrees", False):  # a ready topic for the weekly
                rows.append({"team": kr.team, "what": text["disagree"].format(kr=kr.kr_id),
                             "detail": text["disagree_detail"].format(text=kr.key_result,
                                                                      status=text.get("state_" + kr.status, kr.status),
                                                                      forecast=text.get("state_" + str(kr.forecast_status),
                                                                                        kr.forecast_status))})
            if kr.stale:
                since = text["no_checkin"] if pd.isna(kr.last_checkin) else text["last"].format(
                    day=day(kr.last_checkin, lang))
                rows.append({"team": kr.team, "what": text["stale"].format(kr=kr.kr_id), "detail": f"{kr.key_result} — {since}"})
    attention = pd.DataFrame(rows, columns=ATTENTION_FIELDS)
    streaks = out_of_band_streak(sprints, lang=lang) if not sprints.empty else pd.DataFrame(columns=ATTENTION_FIELDS)
    open_actions = actions[actions["status"] == "open"] if not actions.empty else actions
    action_rows = pd.DataFrame(
        [{"team": team, "what": text["open"].format(n=len(group)), "detail": "; ".join(group["action"])}
         for team, group in open_actions.groupby("team", sort=False)] if not open_actions.empty else [],
        columns=ATTENTION_FIELDS)
    return pd.concat([attention, streaks, action_rows], ignore_index=True)
