"""The Teams page's comparison: measures that compare across units, with hand-computed figures."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.charts import status_bars
from analytics.presentation import present
from analytics.sprint_metrics import sprint_metrics
from analytics.teams import COMPARISON_FIELDS, team_comparison, team_pages
from tests.support import table


def sprint(team, name, start, end, committed, completed):
    return {"team": team, "sprint": name, "start_date": start, "end_date": end, "committed": committed,
            "completed": completed, "sprint_type": "a"}


def kr(team, kr_id, status, cycle="Q4"):
    return {"team": team, "kr_id": kr_id, "status": status, "cycle": cycle, "cycle_start": pd.Timestamp("2026-10-01"),
            "cycle_end": pd.Timestamp("2026-12-31")}


def test_team_comparison_uses_closed_sprints_and_the_running_cycle():
    metrics = sprint_metrics(table("sprints", [
        sprint("A", "S1", "2026-11-02", "2026-11-06", 10, 9), sprint("A", "S2", "2026-11-09", "2026-11-13", 10, 6),
        sprint("A", "S3", "2026-11-23", "2026-11-27", 10, 10),          # running on 25 Nov: not "latest"
        sprint("B", "S1", "2026-11-02", "2026-11-13", 20, 20)]), table("sprint_items"), as_of=date(2026, 11, 25))
    krs = pd.DataFrame([kr("A", "A1", "at_risk"), kr("A", "A2", "on_track"), kr("A", "A3", "on_track"),
                        kr("B", "B1", "achieved"), kr("B", "B0", "at_risk", cycle="Q3") | {
                            "cycle_start": pd.Timestamp("2026-07-01"), "cycle_end": pd.Timestamp("2026-09-30")}])
    scores = pd.DataFrame({"team": ["A", "A", "B", "B"], "cycle": ["Q4", "Q4", "Q4", "Q3"], "score": [0.5, 0.8, 1.0, 0.2]})
    out = team_comparison(metrics, krs, scores, date(2026, 11, 25)).set_index("team")
    assert list(out.reset_index().columns) == COMPARISON_FIELDS
    assert out.loc["A", "sprints"] == 2 and out.loc["A", "latest_say_do"] == pytest.approx(0.6)  # S2: 6 / 10
    assert out.loc["A", "in_band_share"] == pytest.approx(0.5)   # .9 in band, .6 not
    assert out.loc["A", "objective_score"] == pytest.approx(0.65)  # (.5 + .8) / 2, the running Q4 only
    assert out.loc["B", "objective_score"] == pytest.approx(1.0)   # not Q3's .2
    assert out.loc["A", ["achieved", "on_track", "behind", "at_risk", "not_started"]].tolist() == [0, 2, 0, 1, 0]
    assert out.loc["B", ["achieved", "at_risk"]].tolist() == [1, 0]  # B0 belongs to the closed Q3
    german = present(out.reset_index(), "de")
    assert german.loc[0, "Say/Do, letzter Sprint"] == "60\u00a0%"
    figure = status_bars(out.reset_index(), "de")
    assert [trace.name for trace in figure.data] == ["erreicht", "im Plan", "im Verzug", "gefährdet", "nicht begonnen"]
    assert figure.data[1].text == ("2", "")  # counts written on the bars, not colour alone


def test_teams_come_in_pages_of_a_readable_size():
    names = [f"T{i}" for i in range(19)]
    pages = team_pages(names, size=8)
    assert [len(p) for p in pages] == [8, 8, 3] and pages[2] == ["T16", "T17", "T18"]
    assert team_pages([]) == [[]]
