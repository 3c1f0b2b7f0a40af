"""Plotly figures for the pages: DataFrame in, titled and labelled ``go.Figure`` out.

One colour-blind-safe palette (Okabe–Ito) for the whole app and fixed status colours, the same
on every page; large fonts for projectors; every title names its metric and its subtitle gives
the one-line definition; hover shows exact values; an empty frame gives a figure that says so.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from analytics.formatting import number, percent
from analytics.presentation import unit_text
from analytics.sprint_metrics import accuracy_line
from i18n import locale, messages, t

PALETTE = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
           "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000", "grey": "#7F7F7F"}
STATUS_COLOURS = {"achieved": PALETTE["green"], "on_track": PALETTE["blue"], "behind": PALETTE["orange"],
                  "at_risk": PALETTE["vermillion"], "not_started": PALETTE["grey"]}
FONT = dict(size=16, color="#1f1f1f")
# light tints behind the grade's word in tables: colour and text together, dark text stays readable
GRADE_COLOURS = {"green": "#cdeee0", "yellow": "#fbeec2", "red": "#f6d3c4"}



def short(text, size: int = 24) -> str:
    """A user's text cut to fit an axis title, a legend entry or a tick (the full text is in the hover)."""
    text = str(text)
    return text if len(text) <= size else text[:size - 1] + "…"


def plain(values):
    """User text for plotly, which renders a few HTML-like tags in titles and labels: shown literally."""
    escape = lambda text: str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # noqa: E731
    return escape(values) if isinstance(values, str) else [escape(v) for v in values]


TICKS = dict(size=14, color="#1f1f1f")  # dark on white: well above 4.5:1 contrast on a projector
# plotly_white's look (white paper, light grid) and our dark ticks and axis titles on every axis, for
# the 2-D charts drawn here, without plotly_white's templates of every trace type, which plotly
# validates and copies into each figure: it took a third of the time a chart takes to build, and a
# page draws up to six (issue 21). Built once.
_WHITE = pio.templates["plotly_white"].layout
WHITE = go.layout.Template(layout={
    **{name: _WHITE[name] for name in ("autotypenumbers", "colorway", "font", "hoverlabel", "paper_bgcolor",
                                       "plot_bgcolor", "shapedefaults", "annotationdefaults", "title")},
    **{axis: {**_WHITE[axis].to_plotly_json(), "tickfont": TICKS, "title_font": dict(size=15, color="#1f1f1f"),
              "automargin": True} for axis in ("xaxis", "yaxis")}})
TOOLBAR = 28  # px on top of every chart kept free for plotly's toolbar (the mode bar)
MANY = 24  # more sprints than this: slanted labels, thinned to about this many


def _layout(fig: go.Figure, title: str, subtitle: str, *, height: int = 460, lang: str = "en",
            hovermode: str = "x unified", top: int = 140) -> go.Figure:
    """Title and one-line definition on top, under the row of plotly's toolbar (which would cover
    their right end), the legend right under them (never over an axis title), the language's decimal
    and thousands marks, dark ticks."""
    height += TOOLBAR  # the plot keeps the height asked for
    layout = dict(
        # at the figure's left edge and semibold, as Streamlit's chart element drew them on the pages
        title=dict(text=title, subtitle=dict(text=subtitle, font=dict(size=14, color="#333333")),
                   font=dict(size=22, weight=600), x=0, xref="container", xanchor="left", pad=dict(l=4),
                   y=1 - TOOLBAR / height, yanchor="top"),
        font=FONT, height=height, template=WHITE, hovermode=hovermode, separators=locale(lang).plotly_separators,
        # under the title and subtitle, measured from the figure's top: never over an axis or a panel title
        legend=dict(orientation="h", yref="container", yanchor="top", y=1 - (92 + TOOLBAR) / height, x=0,
                    font=dict(size=14), traceorder="normal"),
        margin=dict(t=top + TOOLBAR, b=70, l=70, r=30))
    # what fig.update_layout(**layout) makes, built as one new layout: update_layout walks and
    # validates each property on its own (10-12 ms a chart, a page draws up to six), a layout made
    # from a whole dict at once takes a third of that
    fig.layout = go.Layout(_merged(fig.layout.to_plotly_json(), layout))
    return fig


def _merged(base: dict, changes: dict) -> dict:
    """``base`` with ``changes`` merged in as plotly's update merges them: nested dicts key by key,
    anything else replaced."""
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = _merged(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) \
            else value
    return merged


def _sprint_axis(fig: go.Figure, names, title: str, **where) -> None:
    """A category axis of sprint names that stays readable from 1 to 200 sprints: all labels up to
    MANY, then slanted and thinned; long names cut on the axis (hover still names every sprint)."""
    fig.update_xaxes(**_sprint_axis_options(names, title), **where)


def _sprint_axis_options(names, title: str) -> dict:
    """The x axis properties of ``_sprint_axis``."""
    raw = [str(name) for name in names]
    options = dict(title_text=title, type="category", automargin=True)
    if len(raw) > MANY:
        options.update(tickangle=-45, nticks=MANY)
    if any(len(name) > 24 for name in raw):
        step = max(1, -(-len(raw) // MANY))
        options.update(tickmode="array", tickvals=plain(raw[::step]), ticktext=plain([short(n) for n in raw[::step]]))
    return options


def _dates(fig: go.Figure, lang: str, *, day: bool = False) -> None:
    """Date axes written as the language writes dates (31.12.2026), never with hours for daily data."""
    record = locale(lang)
    fig.update_xaxes(tickformat=record.chart_day if day else record.chart_date, hoverformat=record.chart_date)


def empty_figure(title: str, lang: str = "en") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=messages("chart_", lang)["empty"], showarrow=False, font=dict(size=18, color=PALETTE["grey"]),
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, "", height=300, lang=lang)


def velocity_chart(metrics: pd.DataFrame, unit: str, lang: str = "en", window: int = 3) -> go.Figure:
    """Committed vs completed bars per sprint and the rolling average of completed (closed sprints).
    Running and planned sprints are hatched: their figures are provisional. Hover gives velocity per
    working day beside velocity."""
    unit = plain(short(unit))
    text = messages("chart_", lang)
    if metrics.empty:
        return empty_figure(text["velocity"], lang)
    x = plain(metrics["sprint"])
    provisional = metrics["state"].ne("closed") if "state" in metrics else pd.Series(False, index=metrics.index)
    hatch = ["/" if flag else "" for flag in provisional]
    per_day = np.column_stack([metrics["velocity_per_day"].astype(float), metrics["working_days"].astype(float)]) \
        if "working_days" in metrics else None
    fig = go.Figure([
        go.Bar(x=x, y=metrics["committed"], name=text["committed"], marker=dict(color=PALETTE["sky"], pattern_shape=hatch),
               hovertemplate="%{y:.4~g} " + unit),
        go.Bar(x=x, y=metrics["completed"], name=text["completed"], customdata=per_day,
               marker=dict(color=PALETTE["blue"], pattern_shape=hatch),
               hovertemplate="%{y:.4~g} " + unit + (f" (%{{customdata[0]:.3~g}} {text['per_day']}, "
                                                    f"%{{customdata[1]:.3~g}} {text['working_days']})"
                                                    if per_day is not None else "")),
        go.Scatter(x=x, y=metrics["velocity_avg"], name=text["avg"].format(n=window), mode="lines+markers",
                   line=dict(color=PALETTE["orange"], width=3), hovertemplate="%{y:.4~g} " + unit),
    ])
    if provisional.any():  # a legend entry that explains the hatching
        fig.add_trace(go.Bar(x=[x[0]], y=[None], name=text["open"], hoverinfo="skip",
                             marker=dict(color="white", line=dict(color=PALETTE["blue"], width=1), pattern_shape="/")))
    fig.update_layout(barmode="group")
    _sprint_axis(fig, metrics["sprint"], text["sprint"])
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    return _layout(fig, text["velocity"], text["velocity_def"], lang=lang)


def forecast_chart(result: dict, unit: str, lang: str = "en") -> go.Figure:
    """The forecast's spread: the sampled history as dots, the 50 % and 85 % levels as lines."""
    unit = plain(short(unit))
    text = messages("chart_", lang)
    if result.get("velocity_p50") is None:
        return empty_figure(text["spread"], lang)
    history = [float(v) for v in result["history"]]
    fig = go.Figure(go.Scatter(x=history, y=[0] * len(history), mode="markers", name=text["history"],
                               marker=dict(size=16, color=PALETTE["blue"], symbol="circle-open", line=dict(width=3)),
                               hovertemplate="%{x:.4~g} " + unit + "<extra></extra>"))
    for key, dash, colour in (("p85", "solid", PALETTE["vermillion"]), ("p50", "dash", PALETTE["green"])):
        value = float(result[f"velocity_{key}"])
        fig.add_trace(go.Scatter(x=[value, value], y=[-1, 1], mode="lines", name=f"{text[key]} {number(value, lang)} {unit}",
                                 line=dict(color=colour, dash=dash, width=3), hoverinfo="skip"))
    fig.update_yaxes(visible=False, range=[-1.2, 1.2])
    fig.update_xaxes(title_text=f"{text['outcome']} ({unit})", rangemode="tozero")
    return _layout(fig, text["spread"], text["spread_def"], height=300, lang=lang, hovermode="closest")


def trend_line(values: pd.Series) -> np.ndarray | None:
    """Least-squares line through the known values, by position: the line whose slope is the team
    summary's ``accuracy_slope`` when given the same sprints (``sprint_metrics.accuracy_line``)."""
    line = accuracy_line(values)
    if line is None:
        return None
    slope, intercept = line
    return slope * np.arange(len(values), dtype=float) + intercept


def accuracy_chart(metrics: pd.DataFrame, band: tuple[float, float], lang: str = "en",
                   trend_sprints: int | None = None) -> go.Figure:
    """Say/do and commitment accuracy per sprint, the predictability band shaded, the accuracy trend:
    the least-squares line over the last ``trend_sprints`` sprints (the team summary's range, named in
    the legend), over all of them when not given."""
    text = messages("chart_", lang)
    if metrics.empty:
        return empty_figure(text["accuracy"], lang)
    x = plain(metrics["sprint"])
    fig = go.Figure([
        # told apart by line and marker too, not by colour alone
        go.Scatter(x=x, y=metrics["say_do_ratio"], name=text["say_do"], mode="lines+markers",
                   line=dict(color=PALETTE["blue"], width=3), marker=dict(symbol="circle", size=9),
                   hovertemplate="%{y:.0%}"),
        go.Scatter(x=x, y=metrics["commitment_accuracy"], name=text["accuracy"], mode="lines+markers",
                   line=dict(color=PALETTE["green"], width=3, dash="dot"), marker=dict(symbol="square", size=9),
                   hovertemplate="%{y:.0%}"),
    ])
    ranged = metrics.tail(trend_sprints) if trend_sprints else metrics
    trend = trend_line(ranged["commitment_accuracy"])
    if trend is not None:
        name = t("ans_chart_trend", lang, n=len(ranged)) if trend_sprints else text["trend"]
        fig.add_trace(go.Scatter(x=plain(ranged["sprint"]), y=trend, name=name, mode="lines",
                                 line=dict(color=PALETTE["black"], dash="dash", width=2), hovertemplate="%{y:.0%}"))
    fig.add_hrect(y0=band[0], y1=band[1], fillcolor=PALETTE["green"], opacity=0.12, line_width=0,
                  annotation_text=f"{text['band']} {percent(band[0], lang)}–{percent(band[1], lang)}",
                  annotation_position="inside top left")
    _sprint_axis(fig, metrics["sprint"], text["sprint"])
    fig.update_yaxes(title_text=text["share"], tickformat=".0%", rangemode="tozero")
    return _layout(fig, text["accuracy"], text["accuracy_def"], lang=lang)


def scope_chart(metrics: pd.DataFrame, unit: str, lang: str = "en") -> go.Figure:
    unit = plain(short(unit))
    text = messages("chart_", lang)
    if metrics.empty:
        return empty_figure(text["scope"], lang)
    x = plain(metrics["sprint"])
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=x, y=metrics["scope_change"], name=text["scope"], marker_color=PALETTE["purple"],
                         hovertemplate="%{y:+.0%}"), secondary_y=False)
    fig.add_trace(go.Scatter(x=x, y=metrics["carried_over"], name=f"{text['carried']} ({unit})", mode="lines+markers",
                             line=dict(color=PALETTE["vermillion"], width=3), hovertemplate="%{y:.4~g} " + unit),
                  secondary_y=True)
    _sprint_axis(fig, metrics["sprint"], text["sprint"])
    # both axes put 0 on the same line: the scope change may be negative, carry-over never is
    change = metrics["scope_change"].astype(float)
    low, high = min(0.0, float(change.min()) if change.notna().any() else 0.0), \
        max(0.05, float(change.max()) if change.notna().any() else 0.05)
    carried_max = max(1.0, float(metrics["carried_over"].astype(float).max()) if metrics["carried_over"].notna().any() else 1.0)
    pad = 1.1
    fig.update_yaxes(title_text=text["scope"], tickformat="+.0%", range=[low * pad, high * pad], secondary_y=False,
                     zeroline=True, zerolinecolor="#1f1f1f")
    fig.update_yaxes(title_text=f"{text['carried']} ({unit})", range=[carried_max * pad * low / high, carried_max * pad],
                     showgrid=False, secondary_y=True)
    fig.data[0].marker.pattern = dict(shape="/")  # the bars differ from the line by more than colour
    return _layout(fig, text["scope"], text["scope_def"], lang=lang)


def sprint_type_chart(by_type: pd.DataFrame, lang: str = "en") -> go.Figure:
    """by_type: sprint_type, commitment_accuracy, say_do_ratio, sprints."""
    text = messages("chart_", lang)
    if by_type.empty:
        return empty_figure(text["type_title"], lang)
    fig = go.Figure([
        go.Bar(x=plain(by_type["sprint_type"]), y=by_type["commitment_accuracy"], name=text["accuracy"],
               marker_color=PALETTE["green"], customdata=by_type["sprints"],
               hovertemplate="%{y:.0%} (%{customdata} sprints)"),
        go.Bar(x=plain(by_type["sprint_type"]), y=by_type["say_do_ratio"], name=text["say_do"], marker_color=PALETTE["blue"],
               hovertemplate="%{y:.0%}"),
    ])
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=text["share"], tickformat=".0%", rangemode="tozero")
    return _layout(fig, text["type_title"], text["type_def"], height=400, lang=lang)


def kr_trend_chart(kr: pd.Series, checkins: pd.DataFrame, plan: pd.DataFrame | None, lang: str = "en") -> go.Figure:
    """One key result: check-ins, expected pace (linear or along the plan), target, forecast to cycle end."""
    text = messages("chart_", lang)
    unit = plain(kr.get("unit")) if isinstance(kr.get("unit"), str) else ""
    title = plain(kr["kr_id"])
    t0, t1 = pd.Timestamp(kr["cycle_start"]), pd.Timestamp(kr["cycle_end"])
    start, target = float(kr["start_value"]), float(kr["target_value"])
    fig = go.Figure()
    if plan is not None and not plan.empty and kr["kr_type"] in ("increase", "decrease"):
        points = plan.sort_values("date")
        px = [t0, *pd.to_datetime(points["date"]), t1]
        py = [start, *points["planned_value"].astype(float), target]
    else:
        px, py = [t0, t1], [start, target] if kr["kr_type"] in ("increase", "decrease") else [target, target]
    fig.add_trace(go.Scatter(x=px, y=py, name=text["expected"], mode="lines",
                             line=dict(color=PALETTE["grey"], dash="dot", width=2), hovertemplate="%{y:.4~g} " + unit))
    fig.add_hline(y=target, line=dict(color=PALETTE["green"], width=2), annotation_text=text["target"],
                  annotation_position="top left")
    if not checkins.empty:
        colour = STATUS_COLOURS.get(kr["status"], PALETTE["blue"])
        fig.add_trace(go.Scatter(x=pd.to_datetime(checkins["date"]), y=checkins["value"], name=text["checkins"],
                                 mode="lines+markers", line=dict(color=colour, width=3), marker=dict(size=9),
                                 hovertemplate="%{y:.4~g} " + unit))
        if not pd.isna(kr["forecast_value"]):
            last = checkins.sort_values("date").iloc[-1]
            fig.add_trace(go.Scatter(x=[pd.Timestamp(last["date"]), t1], y=[last["value"], kr["forecast_value"]],
                                     name=text["forecast"], mode="lines", line=dict(color=colour, dash="dash", width=2),
                                     hovertemplate="%{y:.4~g} " + unit))
    fig.update_xaxes(title_text=text["date"], range=[t0 - pd.Timedelta(days=2), t1 + pd.Timedelta(days=2)])
    _dates(fig, lang)
    fig.update_yaxes(title_text=f"{text['value']} ({unit})" if unit else text["value"], tickformat=",~r")
    return _layout(fig, title, text["kr_def"], height=380, lang=lang)


def confidence_chart(checkins: pd.DataFrame, lang: str = "en") -> go.Figure:
    text = messages("chart_", lang)
    known = checkins.dropna(subset=["confidence"]) if not checkins.empty else checkins
    if known.empty:
        return empty_figure(text["confidence_title"], lang)
    fig = go.Figure(go.Scatter(x=pd.to_datetime(known["date"]), y=known["confidence"], mode="lines+markers",
                               line=dict(color=PALETTE["purple"], width=3), name=text["confidence"],
                               hovertemplate="%{y}"))
    fig.update_yaxes(title_text=text["confidence"], range=[0, 10.5])
    fig.update_xaxes(title_text=text["date"])
    _dates(fig, lang)
    return _layout(fig, text["confidence_title"], text["confidence_def"], height=300, lang=lang)


def velocity_small_multiples(metrics: pd.DataFrame, units: dict[str, str], lang: str = "en", columns: int = 2) -> go.Figure:
    """One panel per team in a grid, each with its own y scale and unit; one legend for all.
    Meant for a page of teams at a time (the Teams page shows them in pages of a readable size)."""
    text = messages("chart_", lang)
    teams = list(dict.fromkeys(metrics["team"])) if not metrics.empty else []
    if not teams:
        return empty_figure(text["multiples"], lang)
    rows = -(-len(teams) // columns)
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=plain([short(t, 40) for t in teams]), horizontal_spacing=0.08,
                        vertical_spacing=min(0.18, 0.9 / rows))
    # every panel's traces and axes gathered first and set in one call each: plotly's per-panel
    # update_xaxes(row=, col=) looks through every axis of the figure each time
    traces, axes = [], {}
    for index, (team, part) in enumerate(metrics.groupby("team", sort=False)):
        panel = fig.get_subplot(index // columns + 1, index % columns + 1)
        x_axis, y_axis = panel.xaxis.plotly_name, panel.yaxis.plotly_name  # 'xaxis3' is the axis a trace calls 'x3'
        where = {"xaxis": x_axis.replace("axis", ""), "yaxis": y_axis.replace("axis", "")}
        unit = plain(short(unit_text(units.get(team) or "points", lang)))
        first = index == 0  # one legend entry per kind of trace, not per team
        sprints = plain(part["sprint"])
        traces.append(go.Bar(x=sprints, y=part["completed"], marker_color=PALETTE["blue"], name=text["completed"],
                             legendgroup="completed", showlegend=first, hovertemplate="%{y:.4~g} " + unit, **where))
        traces.append(go.Scatter(x=sprints, y=part["velocity_avg"], mode="lines",
                                 line=dict(color=PALETTE["orange"], width=3), name=text["avg"].format(n=3),
                                 legendgroup="avg", showlegend=first, hovertemplate="%{y:.4~g} " + unit, **where))
        axes[y_axis] = dict(title_text=unit, rangemode="tozero")
        axes[x_axis] = dict(_sprint_axis_options(part["sprint"], ""), showticklabels=len(part) <= 12)
    fig.add_traces(traces)
    fig.update_layout(axes)
    fig.update_annotations(font=dict(size=15, color="#1f1f1f"))
    # room for the panel titles of the first row under the legend
    return _layout(fig, text["multiples"], text["multiples_def"], height=280 * rows + 190, lang=lang, top=175)


def burnup_chart(items: pd.DataFrame, start, end, unit: str, lang: str = "en") -> go.Figure:
    """Done work against a moving scope within one sprint, and the ideal line.

    items: the sprint's classified items (weight, is_committed, is_done, is_removed, added_on,
    done_on). The scope starts at what was committed, grows with each item's ``added_on`` and
    shrinks with removals (at the sprint's end: the export does not say when). Points are drawn only
    on days where something changed, so the cost follows the data, never the length of the range."""
    unit = plain(short(unit))
    text = messages("chart_", lang)
    if items.empty or pd.isna(start) or pd.isna(end):
        return empty_figure(text["burnup"], lang)
    first, last = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    weight = items["weight"].astype(float)
    added_on = pd.to_datetime(items["added_on"]).dt.normalize().clip(lower=first, upper=last)
    done_on = pd.to_datetime(items["done_on"]).dt.normalize().clip(lower=first)
    at_start = float(weight[items["is_committed"]].sum())
    events = pd.concat([
        pd.DataFrame({"day": added_on[~items["is_committed"]].fillna(first), "scope": weight[~items["is_committed"]], "done": 0.0}),
        pd.DataFrame({"day": last, "scope": -weight[items["is_removed"]], "done": 0.0}),
        pd.DataFrame({"day": done_on[items["is_done"]].fillna(last), "scope": 0.0, "done": weight[items["is_done"]]}),
        pd.DataFrame({"day": [first, last], "scope": [0.0, 0.0], "done": [0.0, 0.0]}),
    ], ignore_index=True)
    daily = events.groupby("day", sort=True)[["scope", "done"]].sum().cumsum()
    daily["scope"] += at_start
    fig = go.Figure([
        go.Scatter(x=daily.index, y=daily["done"], name=text["done"], mode="lines+markers", line_shape="hv",
                   line=dict(color=PALETTE["blue"], width=3), hovertemplate="%{y:.4~g} " + unit),
        go.Scatter(x=daily.index, y=daily["scope"], name=text["scope_line"], mode="lines", line_shape="hv",
                   line=dict(color=PALETTE["black"], dash="dot", width=2), hovertemplate="%{y:.4~g} " + unit),
        go.Scatter(x=[first, last], y=[0.0, at_start], name=text["ideal"], mode="lines",
                   line=dict(color=PALETTE["grey"], dash="dash", width=2), hovertemplate="%{y:.4~g} " + unit),
    ])
    span = (last - first).days
    fig.update_xaxes(title_text=text["day"], dtick=86_400_000 * max(1, span // 14 + 1),
                     range=[first - pd.Timedelta(hours=12), last + pd.Timedelta(hours=12)])
    _dates(fig, lang, day=True)
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    return _layout(fig, text["burnup"], text["burnup_def"], height=380, lang=lang)


STATUS_PATTERNS = {"achieved": "", "on_track": "/", "behind": ".", "at_risk": "x", "not_started": "-"}


def status_bars(comparison: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Key results of the running cycle per team and status: stacked bars in the fixed status order,
    each status with its colour, its pattern and its count written on it (never colour alone)."""
    text = messages("chart_", lang)
    statuses = [s for s in STATUS_COLOURS if s in comparison]
    if comparison.empty or not comparison[statuses].to_numpy().sum():
        return empty_figure(text["status_title"], lang)
    teams = plain([short(team, 30) for team in comparison["team"]])
    fig = go.Figure([
        go.Bar(y=teams, x=comparison[status], orientation="h", name=messages("v_", lang)[status],
               # overlay: the status colour fills the bar and the pattern is drawn over it (plotly's
               # default, replace, takes marker.color as the pattern's colour on a transparent
               # ground, so a white pattern drew the bar invisible on the white page)
               marker=dict(color=STATUS_COLOURS[status], pattern_shape=STATUS_PATTERNS[status], pattern_fillmode="overlay",
                           pattern_fgcolor="white" if status != "not_started" else "#1f1f1f", pattern_solidity=0.15),
               text=[str(v) if v else "" for v in comparison[status]], textposition="inside",
               insidetextanchor="middle", textfont=dict(color="white" if status != "not_started" else "#1f1f1f", size=14),
               hovertemplate="%{y}: %{x} " + messages("v_", lang)[status] + "<extra></extra>")
        for status in statuses])
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title_text=text["key_results"], dtick=1 if comparison[statuses].sum(axis=1).max() <= 20 else None)
    return _layout(fig, text["status_title"], text["status_def"], height=230 + 56 * len(comparison), lang=lang,
                   hovermode="closest")


def coach_chart(history: pd.DataFrame, coach: dict, unit: str, lang: str = "en") -> go.Figure:
    """The commitment coach of one sprint type (issue 23): committed and completed per working day of
    the sprints it is based on (``history``: their sprint-table rows), the suggested range per working
    day drawn as a band (``coach``: a row of ``planning.commitment_coach``)."""
    from i18n import t
    kind = coach["sprint_type"] or t("plan_no_type", lang)
    title = t("plan_chart_title", lang, type=plain(short(kind, 40)))
    if history.empty:
        return empty_figure(title, lang)
    days = history["working_days"].astype(float)
    x = plain(history["sprint"])
    per_day = t("plan_chart_axis", lang, unit=plain(short(unit)))
    fig = go.Figure([
        go.Bar(x=x, y=history["committed"].astype(float) / days, name=t("plan_chart_committed", lang),
               marker_color=PALETTE["sky"], customdata=history["committed"], hovertemplate="%{y:.3~g} (%{customdata:.4~g})"),
        go.Bar(x=x, y=history["completed"].astype(float) / days, name=t("plan_chart_completed", lang),
               marker_color=PALETTE["blue"], customdata=history["completed"], hovertemplate="%{y:.3~g} (%{customdata:.4~g})"),
    ])
    if coach["enough_history"] and coach["working_days"]:
        low, high = coach["suggested_low"] / coach["working_days"], coach["suggested_high"] / coach["working_days"]
        # behind the bars, named in the legend (a label on the band would sit on the bars)
        fig.add_hrect(y0=low, y1=high, fillcolor=PALETTE["green"], opacity=0.3, line_width=0, layer="below")
        fig.add_trace(go.Scatter(x=[x[0]], y=[None], mode="markers", hoverinfo="skip",
                                 name=f"{t('plan_chart_range', lang)} {number(low, lang, 2)}–{number(high, lang, 2)}",
                                 marker=dict(symbol="square", size=14, color=PALETTE["green"], opacity=0.5)))
    fig.update_layout(barmode="group")
    _sprint_axis(fig, history["sprint"], messages("chart_", lang)["sprint"])
    fig.update_yaxes(title_text=per_day, rangemode="tozero")
    return _layout(fig, title, t("plan_chart_def", lang), height=400, lang=lang)


def drivers_chart(detail: pd.DataFrame, kr_id: str, unit: str, lang: str = "en") -> go.Figure:
    """One key result's drivers (issue 23): the completed work linked to it per sprint (bars, left
    axis) and the key result's movement in the same sprint window (line, right axis; a decrease KR's
    fall counts as positive). ``detail``: planning.kr_drivers' per-sprint rows of that KR."""
    from i18n import t
    title = t("plan_drivers_chart", lang, kr=plain(short(kr_id, 40)))
    if detail.empty:
        return empty_figure(title, lang)
    x = plain(detail["sprint"])
    unit = plain(short(unit))
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=x, y=detail["linked_completed"], name=t("f_linked_completed", lang),
                         marker_color=PALETTE["blue"], hovertemplate="%{y:.4~g} " + unit), secondary_y=False)
    fig.add_trace(go.Scatter(x=x, y=detail["kr_change"], name=t("f_kr_change", lang), mode="lines+markers",
                             line=dict(color=PALETTE["orange"], width=3), marker=dict(symbol="diamond", size=10),
                             hovertemplate="%{y:+.4~g}"), secondary_y=True)
    _sprint_axis(fig, detail["sprint"], messages("chart_", lang)["sprint"])
    fig.update_yaxes(title_text=unit, rangemode="tozero", secondary_y=False)
    fig.update_yaxes(title_text=t("f_kr_change", lang), secondary_y=True, showgrid=False, rangemode="tozero")
    return _layout(fig, title, t("plan_drivers_chart_def", lang), height=400, lang=lang)
