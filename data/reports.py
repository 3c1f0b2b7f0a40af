"""The reports from the store: gathers the tables, computes what the pages show (the same functions
and settings as the pages and the command line), and hands them to ``analytics.report``; PDF
through ``data.pdf``. Shared by ``python -m analytics report`` and the report buttons."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd

from analytics import report as build
from analytics.okr_metrics import running
from analytics.planning import commitment_coach, kr_drivers
from analytics.presentation import unit_text
from analytics.review import item_lists, sprint_comparison
from analytics.sprint_kr import sprint_key_results
from data.errors import say
from data.pdf import chart_images, html_to_pdf
from data import aggregates
from data.service import band, forecast, lessons, okr_state, sprint_table, summarise, velocity_window
from data.store import Store
from i18n import t

Progress = Callable[[float, str], None]


class ReportUnavailable(ValueError):
    """The team, sprint or cycle asked for is not in the store (the message names it)."""


def _unit(store: Store, team: str, lang: str) -> str:
    teams = store.current("teams", [team])
    units = [u for u in teams["unit"] if isinstance(u, str) and u.strip()] if not teams.empty else []
    return unit_text(units[0], lang) if units else t("unit_points", lang)  # "points" reads Punkte in German


def _okr_status(store: Store, teams: list[str] | None, as_of: date) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """KR status and objective scores as the OKRs page and ``okrs`` command compute them."""
    view, current = okr_state(store, teams, as_of)
    return view.key_results, view.objectives, current


def sprint_report(store: Store, team: str, sprint: str, *, as_of: date, lang: str = "en") -> build.Report:
    metrics = sprint_table(store, [team], "points", as_of)
    metrics = metrics[metrics["team"] == team].reset_index(drop=True)
    if not (metrics["sprint"] == sprint).any():
        known = ", ".join(map(str, metrics["sprint"].tail(5))) or say("word_none")
        raise ReportUnavailable(say("no_such_sprint", team=team, sprint=sprint, known=known))
    row = metrics[metrics["sprint"] == sprint].iloc[0]
    sprints = store.current("sprints", [team])
    position = {name: number for number, name in enumerate(metrics["sprint"])}
    sprints = sprints.assign(_order=sprints["sprint"].map(position)).sort_values("_order").drop(columns="_order")
    items = store.current("sprint_items", [team])
    unit = _unit(store, team, lang)

    krs, _, current = _okr_status(store, [team], as_of)
    cycle_krs = running(krs, as_of)
    if cycle_krs.empty and not krs.empty and not pd.isna(row["end_date"]):
        cycle_krs = running(krs, row["end_date"])  # the cycle the sprint belonged to
    checkins = current["checkins"]
    checkins = checkins[pd.to_datetime(checkins["date"]) <= pd.Timestamp(as_of)] if not checkins.empty else checkins
    links = sprint_key_results(sprints[sprints["sprint"] == sprint], items[items["sprint"] == sprint],
                               store.current("key_results", [team]), current["checkins"])
    return build.sprint_review(
        team=team, sprint=sprint, metrics=metrics, lists=item_lists(items, sprints, team, sprint, "points"),
        comparison=sprint_comparison(metrics, team, sprint), forecast=forecast(metrics, team), unit=unit,
        band=band(), window=velocity_window(), key_results=cycle_krs, checkins=checkins,
        plans=current["kr_plans"], links=links, actions=store.current("retro_actions", [team]), as_of=as_of,
        summary=summarise(metrics).iloc[0], lang=lang, coach=commitment_coach(metrics))


def cycle_report(store: Store, team: str | None, cycle: str, *, as_of: date, lang: str = "en") -> build.Report:
    from analytics.okr_weekly import weekly_changes
    teams = [team] if team else None
    krs, objectives, current = _okr_status(store, teams, as_of)
    krs, objectives = krs[krs["cycle"] == cycle], objectives[objectives["cycle"] == cycle]
    if krs.empty:
        known = ", ".join(dict.fromkeys(current["key_results"]["cycle"])) or say("word_none")
        raise ReportUnavailable(say("no_team_krs_in_cycle", team=team, cycle=cycle, known=known) if team
                                else say("no_krs_in_cycle", cycle=cycle, known=known))
    checkins = current["checkins"]
    checkins = checkins[pd.to_datetime(checkins["date"]) <= pd.Timestamp(as_of)] if not checkins.empty else checkins
    summary, _ = kr_drivers(sprint_table(store, teams, "points", as_of), aggregates.linked_items(store, teams),
                            krs, current["checkins"])
    return build.okr_cycle(team=team, cycle=cycle, key_results=krs.reset_index(drop=True),
                           objectives=objectives.reset_index(drop=True), checkins=checkins,
                           plans=current["kr_plans"], weekly=weekly_changes(krs, checkins, as_of), as_of=as_of,
                           lang=lang, drivers=summary, unit=_unit(store, team, lang) if team else "",
                           lessons=[lessons(store, name, cycle, as_of, lang=lang) for name in dict.fromkeys(krs["team"])])


# plotly.js's basic bundle (scatter, bar, pie; MIT licence, in the file's header), the version the
# plotly package ships (tests/test_reports.py checks they agree): what an interactive report inlines,
# and what the pages draw their charts with (served from static/, ui.chart).
PLOTLY_BASIC = Path(__file__).resolve().parent.parent / "static" / "plotly-basic.min.js"


@cache
def plotly_basic() -> str:
    """The source of plotly.js's basic bundle, read once."""
    return PLOTLY_BASIC.read_text(encoding="utf-8")


def render(report: build.Report, fmt: str, *, progress: Progress | None = None) -> bytes:
    """``html``: self-contained and interactive; ``pdf``: charts through Kaleido, printed by Chromium
    (raises ``data.pdf.RendererMissing`` when either is not installed)."""
    if fmt == "html":
        return build.render_html(report, plotly_js=plotly_basic()).encode("utf-8")
    if fmt != "pdf":
        raise ValueError("format must be html or pdf")
    found = report.charts()
    if progress:
        progress(0.05, say("rendering_charts", n=len(found)))
    images = chart_images([c.figure for c in found], heights=[c.height for c in found])
    if progress:
        progress(0.7, say("printing_pdf"))
    data = html_to_pdf(build.render_html(report, images=images))
    if progress:
        progress(1.0, say("pdf_ready"))
    return data
