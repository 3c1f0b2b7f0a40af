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


def reference_small_multiples(metrics: pd.DataFrame, units: dict[str, str], lang: str = "en", columns: int = 2):
    """``velocity_small_multiples`` as first written: each panel's traces and axes set one call at a time."""
    from plotly import graph_objects as go
    from plotly.subplots import make_subplots

    from analytics import charts
    from analytics.presentation import unit_text
    from i18n import messages
    text = messages("chart_", lang)
    teams = list(dict.fromkeys(metrics["team"]))
    rows = -(-len(teams) // columns)
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=charts.plain([charts.short(t, 40) for t in teams]),
                        horizontal_spacing=0.08, vertical_spacing=min(0.18, 0.9 / rows))
    for index, team in enumerate(teams):
        row, col = index // columns + 1, index % columns + 1
        part = metrics[metrics["team"] == team]
        unit = charts.plain(charts.short(unit_text(units.get(team) or "points", lang)))
        first = index == 0
        fig.add_trace(go.Bar(x=charts.plain(part["sprint"]), y=part["completed"], marker_color=charts.PALETTE["blue"],
                             name=text["completed"], legendgroup="completed", showlegend=first,
                             hovertemplate="%{y:.4~g} " + unit), row=row, col=col)
        fig.add_trace(go.Scatter(x=charts.plain(part["sprint"]), y=part["velocity_avg"], mode="lines",
                                 line=dict(color=charts.PALETTE["orange"], width=3), name=text["avg"].format(n=3),
                                 legendgroup="avg", showlegend=first, hovertemplate="%{y:.4~g} " + unit),
                      row=row, col=col)
        fig.update_yaxes(title_text=unit, rangemode="tozero", row=row, col=col)
        charts._sprint_axis(fig, part["sprint"], "", row=row, col=col)
        fig.update_xaxes(showticklabels=len(part) <= 12, row=row, col=col)
    fig.update_annotations(font=dict(size=15, color="#1f1f1f"))
    return charts._layout(fig, text["multiples"], text["multiples_def"], height=280 * rows + 190, lang=lang, top=175)


def multiples_table(sizes: dict[str, int], long_names: bool = False) -> pd.DataFrame:
    rows = []
    for team, size in sizes.items():
        for n in range(size):
            name = f"{team} sprint with a long name <{n}>" if long_names else f"{team} {n}"
            rows.append({"team": team, "sprint": name, "completed": float(n % 5) if n % 7 else None,
                         "velocity_avg": n / 3 if n else None})
    return pd.DataFrame(rows).astype({"team": "str", "sprint": "str"})


@pytest.mark.parametrize("sizes, long_names", [
    ({"Alpha": 4}, False),                                               # one team
    ({"Alpha": 1, "Beta & <Co>": 13, "Gamma": 5}, False),               # an odd count, > 12 sprints, markup in a name
    ({f"T{i}": 3 + 9 * i for i in range(8)}, True),                     # a full page, long and many sprint names
])
def test_small_multiples_are_the_panel_by_panel_figure(sizes, long_names):
    from analytics.charts import velocity_small_multiples
    metrics = multiples_table(sizes, long_names)
    units = {"Beta & <Co>": "hours", "T3": "items"}
    for lang in ("en", "de"):
        found = velocity_small_multiples(metrics, units, lang)
        assert found.to_dict() == reference_small_multiples(metrics, units, lang).to_dict()
    if len(sizes) == 3:  # by hand: the third team's panel is the first of the second row
        assert (found.data[4].xaxis, found.data[4].yaxis) == ("x3", "y3")
        assert found.layout.yaxis2.title.text == "hours" and found.layout.xaxis2.showticklabels is False


def test_latest_sprints_name_each_teams_trend_range():
    from analytics.sprint_metrics import range_name, team_summary
    from analytics.teams import latest_sprints
    metrics = sprint_metrics(table("sprints", [
        sprint("A", "S1", "2026-11-02", "2026-11-06", 10, 9), sprint("A", "S2", "2026-11-09", "2026-11-13", 10, 6),
        sprint("A", "S3", "2026-11-23", "2026-11-27", 10, 10),          # running on 25 Nov
        sprint("B", "B1", "2026-11-02", "2026-11-13", 20, 20),          # one sprint: one name
        sprint("C", "C1", "2026-11-24", "2026-12-04", 5, 0)]), table("sprint_items"), as_of=date(2026, 11, 25))
    summary = team_summary(metrics)
    out = latest_sprints(metrics, summary).set_index("team")
    assert out["trend_range"].to_dict() == {"A": "S1 – S2", "B": "B1"}  # C has no closed sprint: no row
    assert out.loc["A", "running_sprint"] == "S3"
    by_team = summary.set_index("team")  # the reference: a lookup per team
    assert out["trend_range"].tolist() == [range_name(by_team["first_sprint"].get(t), by_team["last_sprint"].get(t))
                                           for t in out.index]
    unknown = latest_sprints(metrics, summary[summary["team"].eq("B")]).set_index("team")
    assert unknown["trend_range"].isna().tolist() == [True, False]  # a team without a summary row: no range
