"""'Needs attention' on the home page, from tiny hand-built frames."""
from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.attention import ATTENTION_FIELDS, needs_attention, out_of_band_streak


def sprints(team: str, ratios: list[float | None]) -> pd.DataFrame:
    in_band = [pd.NA if r is None else 0.8 <= r <= 1.0 for r in ratios]
    return pd.DataFrame({"team": team, "sprint": [f"S{i}" for i in range(1, len(ratios) + 1)],
                         "say_do_ratio": ratios, "in_band": pd.array(in_band, dtype="boolean")})


def test_three_out_of_band_sprints_running_are_flagged():
    frame = pd.concat([sprints("A", [0.9, 0.7, 1.2, 0.5]), sprints("B", [0.7, 0.6, 0.9]),
                       sprints("C", [0.5, 0.6, None, 0.7])])
    streaks = out_of_band_streak(frame)
    assert streaks["team"].tolist() == ["A", "C"]  # C: the unknown sprint is skipped, not counted as in band
    assert streaks.loc[0, "detail"] == "S2, S3, S4: 70%, 120%, 50%"


def test_two_out_of_band_sprints_are_not_yet_a_streak():
    assert out_of_band_streak(sprints("A", [0.7, 0.6])).empty


def test_at_risk_stale_and_open_actions_only_for_running_cycles():
    krs = pd.DataFrame({
        "team": ["A", "A", "A"], "kr_id": ["K1", "K2", "K3"], "key_result": ["Meetings", "Antwortzeit", "Alt"],
        "status": ["at_risk", "on_track", "at_risk"], "stale": [False, True, False],
        "progress": [0.1, 0.5, 0.1], "expected_progress": [0.6, 0.5, 1.0],
        "last_checkin": pd.to_datetime(["2026-03-20", "2026-02-27", "2025-12-01"]),
        "cycle_start": pd.to_datetime(["2026-01-01", "2026-01-01", "2025-10-01"]),
        "cycle_end": pd.to_datetime(["2026-03-31", "2026-03-31", "2025-12-31"]),
    })
    actions = pd.DataFrame({"team": ["A", "A", "A"], "action": ["Puffer", "Poker", "Review"],
                            "status": ["open", "done", "open"]})
    table = needs_attention(sprints("A", [0.9]), krs, actions, as_of=date(2026, 3, 25))
    assert table.columns.tolist() == ATTENTION_FIELDS
    assert table["what"].tolist() == ["Key result at risk: K1", "Key result stale: K2", "Open retro actions: 2"]
    assert table["detail"].tolist() == ["Meetings — progress 10%, expected 60%",
                                        "Antwortzeit — last check-in 2026-02-27", "Puffer; Review"]


def test_empty_inputs_give_an_empty_table():
    empty = needs_attention(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), as_of=date(2026, 1, 1))
    assert empty.empty and empty.columns.tolist() == ATTENTION_FIELDS


def test_a_status_the_forecast_contradicts_is_a_topic_for_the_weekly():
    krs = pd.DataFrame({
        "team": ["A", "A"], "kr_id": ["K1", "K2"], "key_result": ["Meetings", "Pipeline"],
        "status": ["behind", "on_track"], "forecast_status": ["achieved", "achieved"],
        "status_disagrees": [True, False], "stale": [False, False], "progress": [0.4, 0.6],
        "expected_progress": [0.5, 0.5], "last_checkin": pd.to_datetime(["2026-03-20", "2026-03-20"]),
        "cycle_start": pd.to_datetime(["2026-01-01"] * 2), "cycle_end": pd.to_datetime(["2026-03-31"] * 2)})
    table = needs_attention(pd.DataFrame(), krs, pd.DataFrame(), as_of=date(2026, 3, 25))
    assert table["what"].tolist() == ["Status and forecast disagree: K1"]
    assert table["detail"].tolist() == ["Meetings — behind now, the forecast says achieved at cycle end"]
    german = needs_attention(pd.DataFrame(), krs, pd.DataFrame(), as_of=date(2026, 3, 25), lang="de")
    assert german["detail"].tolist() == ["Meetings — jetzt im Verzug, die Prognose sagt zum Zyklusende erreicht"]
