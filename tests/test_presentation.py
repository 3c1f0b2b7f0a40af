"""Charts, sentences, retro views and number formats: the pure presentation layer, by hand."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analytics import charts, narrative
from analytics.formatting import day, number, percent
from analytics.retro import by_sprint_type, follow_through
from analytics.sprint_metrics import team_summary


def metrics(accuracy, say_do=None, completed=None, types=None) -> pd.DataFrame:
    n = len(accuracy)
    return pd.DataFrame({
        "team": "T", "sprint": [f"S{i}" for i in range(1, n + 1)], "sprint_type": types or ["acq"] * n,
        "committed": [10.0] * n, "completed": completed or [10.0] * n, "velocity_avg": completed or [10.0] * n,
        "commitment_accuracy": accuracy, "say_do_ratio": say_do or accuracy,
        "in_band": pd.array([0.8 <= a <= 1.0 if a == a else pd.NA for a in accuracy], dtype="boolean"),
        "state": "closed", "start_date": pd.NaT, "end_date": pd.NaT, "working_days": [5.0] * n,
        "scope_change": [0.1] * n, "carried_over": [2.0] * n, "velocity_per_day": [1.0] * n})


# --- formatting -------------------------------------------------------------------------------
def test_numbers_percentages_and_dates_per_language():
    assert number(1234.5) == "1,234.5" and number(1234.5, "de") == "1.234,5"
    assert number(12.0) == "12" and number(float("nan")) == "–"
    # German keeps the number and its % sign together with a no-break space (CLDR's de pattern)
    assert percent(0.853) == "85%" and percent(0.853, "de") == "85\u00a0%"
    assert percent(0.8534, "de", 1) == "85,3\u00a0%" and number(1_234_567.25, "de") == "1.234.567,2"
    assert day("2026-03-31") == "2026-03-31" and day("2026-03-31", "de") == "31.03.2026"


# --- charts -----------------------------------------------------------------------------------
def test_velocity_chart_plots_the_metrics_it_is_given():
    frame = metrics([0.9, 1.0, 0.8], completed=[9.0, 10.0, 8.0])
    fig = charts.velocity_chart(frame, "points")
    committed, completed, average = fig.data
    assert list(committed.y) == [10.0, 10.0, 10.0] and list(completed.y) == [9.0, 10.0, 8.0]
    assert list(completed.x) == ["S1", "S2", "S3"]
    assert fig.layout.title.text == "Velocity" and "committed at start" in fig.layout.title.subtitle.text
    assert fig.layout.yaxis.title.text == "points"


def test_the_charts_layout_is_what_plotlys_update_layout_makes():
    """``_layout`` builds the layout in one go instead of ``fig.update_layout`` (a third of the time);
    the result is the same, on a figure whose layout has nested properties already (axes, legend,
    shapes, a subplot's second axes) and in German."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    def before(fig, title, subtitle, *, height=460, lang="en", hovermode="x unified", top=140):
        height += charts.TOOLBAR  # the implementation replaced, kept as the reference
        fig.update_layout(
            title=dict(text=title, subtitle=dict(text=subtitle, font=dict(size=14, color="#333333")),
                       font=dict(size=22, weight=600), x=0, xref="container", xanchor="left", pad=dict(l=4),
                       y=1 - charts.TOOLBAR / height, yanchor="top"),
            font=charts.FONT, height=height, template=charts.WHITE, hovermode=hovermode,
            separators=charts.locale(lang).plotly_separators,
            legend=dict(orientation="h", yref="container", yanchor="top", y=1 - (92 + charts.TOOLBAR) / height, x=0,
                        font=dict(size=14), traceorder="normal"),
            margin=dict(t=top + charts.TOOLBAR, b=70, l=70, r=30))
        return fig

    def figure():
        fig = make_subplots(rows=1, cols=2)
        fig.add_trace(go.Bar(x=["S1", "S2"], y=[3.0, 4.0], name="a"), row=1, col=1)
        fig.add_trace(go.Scatter(x=["S1", "S2"], y=[1.0, 2.0], name="b"), row=1, col=2)
        fig.update_layout(barmode="group", legend=dict(bgcolor="#ffffff", font=dict(color="#111111")),
                          margin=dict(pad=3), shapes=[dict(type="line", x0=0, x1=1, y0=1, y1=1)])
        fig.update_yaxes(title_text="points", row=1, col=2)
        return fig

    for lang, options in (("en", {}), ("de", {"height": 300, "hovermode": "closest", "top": 175})):
        made = charts._layout(figure(), "Velocity", "committed at start", lang=lang, **options)
        assert made.to_plotly_json() == before(figure(), "Velocity", "committed at start", lang=lang, **options).to_plotly_json()


def test_every_chart_has_an_empty_state():
    empty = pd.DataFrame(columns=metrics([1.0]).columns)
    for fig in (charts.velocity_chart(empty, "points"), charts.accuracy_chart(empty, (0.8, 1.0)),
                charts.scope_chart(empty, "points"), charts.sprint_type_chart(pd.DataFrame()),
                charts.velocity_small_multiples(empty, {})):
        assert fig.layout.annotations[0].text == "No data for this chart yet"
    assert charts.velocity_chart(empty, "points", "de").layout.annotations[0].text.startswith("Für diese Grafik")


def test_accuracy_chart_shades_the_band_and_draws_the_least_squares_trend():
    fig = charts.accuracy_chart(metrics([0.5, 0.7, 0.9]), (0.8, 1.0))
    band = fig.layout.shapes[0]
    assert (band.y0, band.y1) == (0.8, 1.0)
    trend = fig.data[2]
    assert np.allclose(trend.y, [0.5, 0.7, 0.9])  # slope 0.2 per sprint through exact points
    assert charts.trend_line(pd.Series([0.5, np.nan, 0.9])).tolist() == pytest.approx([0.5, 0.7, 0.9])
    assert charts.trend_line(pd.Series([0.5, np.nan])) is None


def test_status_colours_are_fixed_and_colour_the_key_result_line():
    kr = pd.Series({"kr_id": "KR-1", "unit": "h", "cycle_start": pd.Timestamp("2026-01-01"),
                    "cycle_end": pd.Timestamp("2026-03-31"), "start_value": 9.0, "target_value": 4.0,
                    "kr_type": "decrease", "status": "at_risk", "forecast_value": 7.0})
    checkins = pd.DataFrame({"date": pd.to_datetime(["2026-01-09", "2026-01-16"]), "value": [9.0, 8.5],
                             "confidence": [6.0, 5.0]})
    fig = charts.kr_trend_chart(kr, checkins, None)
    expected, check_ins, forecast = fig.data
    assert list(expected.y) == [9.0, 4.0]  # expected pace from start to target
    assert check_ins.line.color == charts.STATUS_COLOURS["at_risk"] == "#D55E00"
    assert list(forecast.y) == [8.5, 7.0]
    assert fig.layout.shapes[0].y0 == 4.0  # the target line


def test_user_text_in_charts_is_not_markup():
    frame = metrics([0.9])
    frame["sprint"] = ["<b>S1</b>"]
    fig = charts.velocity_chart(frame, "<i>EUR</i>")
    assert list(fig.data[0].x) == ["&lt;b&gt;S1&lt;/b&gt;"]
    assert fig.layout.yaxis.title.text == "&lt;i&gt;EUR&lt;/i&gt;"


# --- retro views ------------------------------------------------------------------------------
def test_by_sprint_type_means():
    frame = metrics([0.6, 1.0, 0.8], types=["blitz", "acq", "acq"])
    table = by_sprint_type(frame).set_index("sprint_type")
    assert table.loc["acq", "sprints"] == 2 and table.loc["acq", "commitment_accuracy"] == pytest.approx(0.9)
    assert table.loc["blitz", "in_band_share"] == 0.0 and table.loc["acq", "in_band_share"] == 1.0
    assert by_sprint_type(pd.DataFrame()).empty


def test_follow_through_rate():
    actions = pd.DataFrame({"status": ["done", "done", "open", "dropped"]})
    assert follow_through(actions) == {"actions": 4, "done": 2, "open": 1, "dropped": 1, "rate": 0.5}
    assert math.isnan(follow_through(pd.DataFrame())["rate"])


# --- sentences --------------------------------------------------------------------------------
def test_accuracy_sentence_quotes_the_team_summary_and_names_its_range():
    rising = team_summary(metrics([0.6, 0.7, 0.8, 0.9])).iloc[0]  # halves 0.65 and 0.85, slope +0.1
    assert narrative.accuracy_sentence(rising) == \
        "Commitment accuracy rose from 65% to 85% over the last 4 closed sprints (S1 – S4): improving."
    assert narrative.accuracy_sentence(rising, "de") == ("Die Zusagegenauigkeit stieg in den letzten 4 abgeschlossenen "
                                                         "Sprints (S1 – S4) von 65\u00a0% auf 85\u00a0%: sie verbessert sich.")
    falling = team_summary(metrics([0.9, 0.8])).iloc[0]
    assert narrative.accuracy_sentence(falling).startswith("Commitment accuracy fell from 90% to 80%")
    # the last 2 of 4: halves 0.8 and 0.9 over S3 – S4, not the whole history's 0.65 → 0.85
    assert narrative.accuracy_sentence(team_summary(metrics([0.6, 0.7, 0.8, 0.9]), last=2).iloc[0]) == \
        "Commitment accuracy rose from 80% to 90% over the last 2 closed sprints (S3 – S4): improving."
    few = team_summary(metrics([0.9])).iloc[0]
    assert narrative.accuracy_sentence(few) == "Too few closed sprints with a commitment to see a trend yet."
    assert narrative.pooled_sentence(few) == "Pooled accuracy: too few sprints (1 with a commitment; it needs 3)."


def test_other_sentences():
    frame = metrics([0.9, 0.7, 1.0], types=["acq", "blitz", "acq"])
    assert narrative.band_sentence(frame, team_summary(frame).iloc[0]) == \
        "2 of these 3 sprints landed in the predictability band."
    assert narrative.scope_sentence(frame, "points") == \
        "On average scope changed by 10% after the start; 6 points carried over in the last 3 sprints."
    types = by_sprint_type(frame)
    assert narrative.sprint_type_sentence(types) == \
        "Accuracy is highest in acq sprints (95%) and lowest in blitz sprints (70%)."
    assert narrative.actions_sentence({"actions": 4, "done": 3, "open": 1, "dropped": 0, "rate": 0.75}) == \
        "3 of 4 retro actions were done (75%); 1 is still open."
    summary = pd.Series({"velocity_mean": 20.0, "velocity_cv": 0.2, "sprints": 5, "stability_basis": "per_sprint",
                         "stability_cv": 0.2, "stability": "stable"})
    assert narrative.velocity_sentence(summary, "points") == ("Velocity averaged 20 points per sprint over 5 sprints; "
                                                              "it varies by 20% around that (coefficient of variation), fairly stable.")
    single = pd.Series({"velocity_mean": 8.0, "velocity_cv": float("nan"), "sprints": 1, "stability_basis": "per_sprint",
                        "stability_cv": float("nan"), "stability": None})
    assert narrative.velocity_sentence(single, "points").endswith("(coefficient of variation), –.")
    mixed = pd.Series({"velocity_mean": 12.0, "velocity_cv": 0.62, "sprints": 9, "stability_basis": "per_day_by_type",
                       "stability_cv": 0.12, "stability": "stable"})
    assert narrative.velocity_sentence(mixed, "points") == (
        "Velocity averaged 12 points per sprint over 9 closed sprints. The sprints differ in type or length, so "
        "stability is judged per working day within each type: it varies by 12% (coefficient of variation), "
        "fairly stable; per sprint it would read 62%.")
