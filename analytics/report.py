"""The sprint review report and the OKR cycle report: computed tables in, one HTML document out.

Pure: no store, no clock, no browser. A report is a list of sections of blocks (text, figures,
tables, key figures); ``render_html`` writes it as one self-contained file — plotly.js inline once
(the basic bundle: the trace types of TRACE_TYPES only, a quarter of the full library), charts
interactive, no request to any host (a Content-Security-Policy forbids them) — or, given
the charts as PNG images (rendered elsewhere through Kaleido), as a static page for printing to
PDF: A4, no chart and no table row cut by a page break. Every word comes from the i18n catalog,
numbers and dates in the locale's formats; every piece of user text is HTML-escaped.
"""
from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from analytics import charts, narrative
from analytics.formatting import day, number, percent
from analytics.okr_metrics import GRADE_BANDS
from i18n import CATALOGS, locale, t

# A cell's kind decides its format: text as given, number/percent/date in the locale's format.
TEXT, KEY, NUMBER, PERCENT, DATE, FLAG, STATUS, OKR_TYPE = "text", "key", "number", "percent", "date", "flag", "status", "okr_type"


@dataclass
class Table:
    frame: pd.DataFrame
    columns: list[tuple[str, str, str]]  # (column, header, kind)
    empty: str = "–"


@dataclass
class Figures:
    """Key figures shown as a row of tiles: (label, value)."""
    items: list[tuple[str, str]]


@dataclass
class Chart:
    figure: go.Figure
    height: int = 420


def _chart(figure: go.Figure, lang: str, *, dates: bool = False, height: int = 420) -> Chart:
    """A chart in the report's locale: its decimal and thousands marks, its dates (31.12.2026)."""
    record = locale(lang)
    figure.update_layout(separators=record.plotly_separators)
    if dates:
        figure.update_xaxes(tickformat=record.chart_date)
    return Chart(figure, height)


@dataclass
class Section:
    title: str
    blocks: list = field(default_factory=list)  # str (a paragraph), Table, Figures, Chart, or ("h3", text)


@dataclass
class Report:
    title: str
    subtitle: str
    lang: str
    sections: list[Section]

    def charts(self) -> list[Chart]:
        return [block for section in self.sections for block in section.blocks if isinstance(block, Chart)]


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _cell(value, kind: str, lang: str) -> str:
    if kind == NUMBER:
        return number(value, lang)
    if kind == PERCENT:
        return percent(value, lang)
    if kind == DATE:
        return day(value, lang)
    if kind == FLAG:
        return "–" if _missing(value) else t("rep_yes" if bool(value) else "rep_no", lang)
    if kind == OKR_TYPE:
        return "–" if _missing(value) else t(f"rep_okr_{value}", lang) if _known(f"rep_okr_{value}") else str(value)
    if kind == STATUS:
        return "–" if _missing(value) else t(str(value), lang) if _known(str(value)) else str(value)
    return "–" if _missing(value) else str(value)


def _known(key: str) -> bool:
    return key in CATALOGS["en"]


# --- the sprint review report ------------------------------------------------------------------

def sprint_review(*, team: str, sprint: str, metrics: pd.DataFrame, lists: dict[str, pd.DataFrame],
                  comparison: pd.DataFrame, forecast: dict, unit: str, band: tuple[float, float], window: int,
                  key_results: pd.DataFrame, checkins: pd.DataFrame, plans: pd.DataFrame, links: pd.DataFrame,
                  actions: pd.DataFrame, as_of, summary: pd.Series, lang: str = "en",
                  coach: pd.DataFrame | None = None) -> Report:
    """``metrics``: the team's sprint rows (sprint_metrics) in order; ``lists``: review.item_lists;
    ``comparison``: review.sprint_comparison; ``summary``: the team's row of the team summary over the
    trend range (the answer the pages quote); ``forecast``: next_sprint_forecast's result;
    ``key_results``: KR status rows of the team's running cycle; ``links``: sprint ↔ KR rows of
    this sprint; ``actions``: the team's retro actions; ``coach``: planning.commitment_coach of the team."""
    row = metrics[metrics["sprint"] == sprint].iloc[0]
    subtitle = t("rep_sprint_subtitle", lang, start=day(row["start_date"], lang), end=day(row["end_date"], lang),
                 as_of=day(as_of, lang))
    sections = []

    goal = row.get("goal")
    sections.append(Section(t("goal", lang), [goal if isinstance(goal, str) and goal.strip() else t("rep_no_goal", lang)]))

    tiles = [(f"{t(name, lang)} ({unit})", number(row[name], lang))
             for name in ("committed", "added", "removed", "completed", "not_completed")]
    ratios = ("say_do_ratio", "planned_completion", "commitment_accuracy") if not _missing(row["planned_completion"]) \
        else ("say_do_ratio", "commitment_accuracy")  # planned completion whenever item data knows it
    tiles += [(t(name, lang), percent(row[name], lang)) for name in ratios]
    numbers = Section(t("rep_figures", lang), [Figures(tiles)])
    if planned := narrative.planned_sentence(row, unit, lang):
        numbers.blocks.append(planned)
    if not comparison.empty:
        shown = comparison.assign(label=[_comparison_label(r, lang) for r in comparison.itertuples(index=False)])
        columns = [("label", "", TEXT)] + [(name, _header(name, unit, lang), kind) for name, kind in (
            ("committed", NUMBER), ("added", NUMBER), ("removed", NUMBER), ("completed", NUMBER),
            ("say_do_ratio", PERCENT), ("commitment_accuracy", PERCENT), ("scope_change", PERCENT))
            if name in shown.columns]
        previous = comparison[comparison["row"].eq("previous")]
        compared = None if previous.empty else {"sprint": previous["sprint"].iloc[0], "per_day": previous["per_day"].iloc[0],
                                                "row": previous.iloc[0]}
        numbers.blocks += [("h3", t("rep_comparison", lang)), narrative.compared_sentence(compared, row, lang),
                           Table(shown, columns)]
    sections.append(numbers)

    items = Section(t("rep_items", lang))
    item_columns = [("item_key", t("rep_key", lang), KEY), ("title", t("rep_title", lang), TEXT),
                    ("item_type", t("rep_type", lang), TEXT), ("weight", unit, NUMBER),
                    ("done_on", t("rep_done_on", lang), DATE), ("key_result", t("rep_key_result", lang), TEXT)]
    for name in ("completed", "not_completed", "removed", "added", "completed_late", "carried_over"):
        if name not in lists:
            continue
        frame = lists[name]
        total = number(pd.to_numeric(frame["weight"], errors="coerce").sum(), lang) if len(frame) else "0"
        items.blocks += [("h3", t(f"rep_list_{name}", lang, n=len(frame), total=total, unit=unit)),
                         Table(frame, [c for c in item_columns if c[0] in frame.columns], t("rep_none", lang))]
    sections.append(items)

    finished = metrics[metrics["state"].eq("closed")] if "state" in metrics else metrics  # no accuracy yet
    sections.append(Section(t("rep_velocity", lang), [_chart(charts.velocity_chart(metrics, unit, lang, window), lang)]))
    ranged = int(summary.get("sprints") or 0) or None
    sections.append(Section(t("rep_accuracy", lang), [
        _chart(charts.accuracy_chart(finished, band, lang, trend_sprints=ranged), lang),
        narrative.accuracy_sentence(summary, lang), narrative.pooled_sentence(summary, lang),
        narrative.band_sentence(finished, summary, lang)]))
    sections.append(Section(t("forecast", lang), [forecast_sentence(forecast, unit, lang)]))
    if coach is not None:
        sections.append(coach_section(coach, metrics, unit, lang))

    okr = Section(t("rep_okr", lang, cycle=key_results["cycle"].iloc[0]) if not key_results.empty else t("okr_cycle", lang))
    if key_results.empty:
        okr.blocks.append(t("no_cycle", lang))
    else:
        okr.blocks.append(Table(key_results, [
            ("kr_id", "KR", KEY), ("key_result", t("rep_key_result", lang), TEXT), ("status", "Status", STATUS),
            ("progress", t("rep_progress", lang), PERCENT), ("expected_progress", t("rep_expected", lang), PERCENT),
            ("current_value", t("rep_current", lang), NUMBER), ("target_value", t("rep_target", lang), NUMBER),
            ("confidence", t("confidence", lang), NUMBER)]))
        for kr in key_results.itertuples(index=False):
            kr_row = pd.Series(kr._asdict())
            history = checkins[checkins["kr_id"] == kr.kr_id] if not checkins.empty else checkins
            plan = plans[plans["kr_id"] == kr.kr_id] if not plans.empty else plans
            okr.blocks.append(_chart(charts.kr_trend_chart(kr_row, history, plan, lang), lang, dates=True, height=380))
    okr.blocks.append(("h3", t("sprint_kr", lang)))
    okr.blocks.append(Table(links, [
        ("kr_id", "KR", KEY), ("items_linked", t("rep_items_linked", lang), NUMBER),
        ("items_done", t("rep_items_done", lang), NUMBER), ("completed_linked", f"{t('completed', lang)} ({unit})", NUMBER),
        ("value_at_start", t("rep_value_start", lang), NUMBER), ("value_at_end", t("rep_value_end", lang), NUMBER),
        ("kr_movement", t("rep_movement", lang), NUMBER)], t("rep_none", lang)))
    sections.append(okr)

    due = actions[actions["status"].eq("open")] if not actions.empty else actions
    sections.append(Section(t("rep_actions", lang), [Table(due, [
        ("sprint", t("sprint", lang), TEXT), ("action", t("rep_action", lang), TEXT),
        ("owner", t("rep_owner", lang), TEXT)], t("rep_no_actions", lang))]))
    return Report(t("rep_sprint_title", lang, team=team, sprint=sprint), subtitle, lang, sections)


def _header(name: str, unit: str, lang: str) -> str:
    label = t(name, lang)
    return f"{label} ({unit})" if name in ("committed", "added", "removed", "completed") else label


def _comparison_label(row, lang: str) -> str:
    if row.row == "this":
        return t("rep_this", lang, sprint=row.sprint)
    if row.row == "previous":
        return t("rep_previous", lang, sprint=row.sprint)
    return t("rep_average", lang, n=int(row.sprints))


def forecast_sentence(result: dict, unit: str, lang: str = "en") -> str:
    """The next-sprint forecast in words, in the report's language."""
    if result.get("velocity_p50") is None:
        return t("rep_forecast_none", lang, n=result.get("sprints_used", 0))
    if result["velocity_p85"] <= 0:  # "at least 0 points" promises nothing: why not, as the Sprint review says
        return " ".join(narrative.forecast_sentences(result, unit, lang))
    nxt = result.get("next_sprint")
    used = result.get("used") or []
    kind = result.get("next_type")
    basis = t("rep_basis_same", lang, n=result["sprints_used"], type=kind) \
        if result.get("basis") == "same_type" and kind else t("rep_basis_all", lang, n=result["sprints_used"])
    days = t("rep_basis_days", lang, days=number(result["next_working_days"], lang)) \
        if result.get("per_day") and not _missing(result.get("next_working_days")) else ""
    return t("rep_forecast_sentence", lang, p50=number(result["velocity_p50"], lang),
             p85=number(result["velocity_p85"], lang), p95=number(result["velocity_p95"], lang), unit=unit,
             next=t("rep_forecast_next", lang, sprint=nxt) if nxt else "", basis=basis, days=days,
             used=", ".join(map(str, used)) if used else "–", trials=number(result["trials"], lang, 0))


# --- the OKR cycle report ----------------------------------------------------------------------

def okr_cycle(*, team: str | None, cycle: str, key_results: pd.DataFrame, objectives: pd.DataFrame,
              checkins: pd.DataFrame, plans: pd.DataFrame, weekly: pd.DataFrame, as_of,
              lang: str = "en", drivers: pd.DataFrame | None = None, lessons: list[dict] | None = None,
              unit: str = "") -> Report:
    """``key_results`` / ``objectives``: status and scores of the cycle as of ``as_of``;
    ``weekly``: okr_weekly.weekly_changes; ``checkins``: every check-in up to ``as_of``;
    ``drivers``: planning.kr_drivers' summary of the cycle; ``lessons``: planning.cycle_lessons per team."""
    team_label = team if team else t("rep_all_teams", lang)
    dates = key_results[["cycle_start", "cycle_end"]].iloc[0] if not key_results.empty else None
    subtitle = t("rep_cycle_subtitle", lang, start=day(dates["cycle_start"], lang) if dates is not None else "–",
                 end=day(dates["cycle_end"], lang) if dates is not None else "–", as_of=day(as_of, lang))
    # one figure per objective (the grade: the score rounded), its colour and the band of its kind that
    # colour is judged by, so 0.8 yellow (committed) beside 0.7 green (aspirational) reads right
    judged = objectives.assign(
        judged_by=[narrative.grade_rule(kind, lang) for kind in objectives["okr_type"]],
        grade_band=[None if _missing(band) else t(f"v_{band}", lang) for band in objectives["grade_band"]])
    sections = [Section(t("objectives", lang), [
        t("ans_grade_caption", lang, full=number(GRADE_BANDS["committed"][0], lang, 1),
          healthy=number(GRADE_BANDS["aspirational"][0], lang, 1)),
        Table(judged, [
            ("team", t("team", lang), TEXT), ("objective_id", "ID", KEY), ("objective", t("rep_objective", lang), TEXT),
            ("okr_type", t("rep_okr_type", lang), OKR_TYPE), ("grade", t("rep_grade", lang), NUMBER),
            ("grade_band", t("f_grade_band", lang), TEXT), ("judged_by", t("f_judged_by", lang), TEXT),
            ("achieved", t("achieved", lang), FLAG),
            ("key_results_achieved", t("rep_krs_achieved", lang), NUMBER)], t("rep_none", lang))])]

    last_comment = _last_comments(checkins, as_of)
    shown = key_results.assign(comment=[last_comment.get(kr) for kr in key_results["kr_id"]]) \
        if not key_results.empty else key_results.assign(comment=[])
    forecast_column = "forecast_status" if "forecast_status" in shown.columns else None
    columns = [("kr_id", "KR", KEY), ("key_result", t("rep_key_result", lang), TEXT), ("status", "Status", STATUS),
               ("progress", t("rep_progress", lang), PERCENT), ("forecast_value", t("forecast_end", lang), NUMBER)]
    if forecast_column:
        columns.append((forecast_column, t("rep_forecast_status", lang), STATUS))
    columns += [("confidence", t("confidence", lang), NUMBER), ("last_checkin", t("last_checkin", lang), DATE),
                ("comment", t("rep_comment", lang), TEXT)]
    krs = Section(t("key_results", lang), [Table(shown, columns, t("rep_none", lang))])
    for kr in key_results.itertuples(index=False):
        history = checkins[checkins["kr_id"] == kr.kr_id] if not checkins.empty else checkins
        plan = plans[plans["kr_id"] == kr.kr_id] if not plans.empty else plans
        krs.blocks.append(_chart(charts.kr_trend_chart(pd.Series(kr._asdict()), history, plan, lang), lang,
                                 dates=True, height=380))
    sections.append(krs)

    sections.append(Section(t("rep_changes", lang, day=day(as_of, lang)), [
        Table(weekly, [("kr_id", "KR", KEY), ("previous_date", t("rep_week_ago", lang), DATE),
                       ("previous_value", t("f_previous_value", lang), NUMBER),
                       ("current_date", t("rep_now", lang), DATE), ("current_value", t("f_current_value", lang), NUMBER),
                       ("value_change", t("rep_change", lang), NUMBER),
                       ("progress_change", t("rep_progress_change", lang), PERCENT),
                       ("confidence_change", t("rep_confidence_change", lang), NUMBER),
                       ("new_checkin", t("rep_new_checkin", lang), FLAG)], t("rep_none", lang))]))
    if drivers is not None:
        sections.append(drivers_section(drivers, unit or t("unit_points", lang), lang))
    for result in lessons or []:
        sections.append(lessons_section(result, lang))
    return Report(t("rep_cycle_title", lang, team=team_label, cycle=cycle), subtitle, lang, sections)


def _last_comments(checkins: pd.DataFrame, as_of) -> dict[str, str]:
    """Per KR the comment of its last check-in on or before ``as_of``."""
    if checkins.empty or "comment" not in checkins:
        return {}
    dated = checkins.assign(date=pd.to_datetime(checkins["date"]))
    dated = dated[dated["date"] <= pd.Timestamp(as_of)].sort_values("date")
    last = dated.groupby("kr_id").tail(1)
    return {row.kr_id: row.comment for row in last.itertuples(index=False) if isinstance(row.comment, str)}


# --- planning (issue 23): the commitment coach, what moves the key results, the lessons --------

def coach_section(coach: pd.DataFrame, metrics: pd.DataFrame, unit: str, lang: str = "en") -> Section:
    """The commitment coach of one team: one sentence per sprint type, the table, and the chart of
    the sprints behind the type of the next planned sprint (else the first type with a suggestion)."""
    from analytics.planning import coach_sentence
    section = Section(t("plan_coach_title", lang), [t("plan_coach_caption", lang)])
    if coach.empty:
        section.blocks.append(t("rep_none", lang))
        return section
    section.blocks += [coach_sentence(row, unit, lang) for row in coach.to_dict("records")]
    section.blocks.append(Table(coach.assign(sprint_type=coach["sprint_type"].fillna(t("plan_no_type", lang))), [
        ("sprint_type", t("plan_coach_type", lang), TEXT), ("sprints_used", t("f_sprints_used", lang), NUMBER),
        ("working_days", t("working_days", lang), NUMBER), ("suggested_low", f"{t('f_suggested_low', lang)} ({unit})", NUMBER),
        ("suggested_high", f"{t('f_suggested_high', lang)} ({unit})", NUMBER),
        ("typical_commitment", f"{t('f_typical_commitment', lang)} ({unit})", NUMBER),
        ("median_say_do", t("f_median_say_do", lang), PERCENT)]))
    upcoming = metrics[metrics["state"].eq("future")]["sprint_type"] if "state" in metrics else pd.Series(dtype=object)
    ready = coach[coach["enough_history"].astype(bool)]
    chosen = ready[ready["sprint_type"].eq(upcoming.iloc[0])] if not upcoming.empty else ready.iloc[0:0]
    row = chosen.iloc[0] if not chosen.empty else ready.iloc[0] if not ready.empty else None
    if row is not None:
        history = metrics[metrics["sprint"].isin(row["sprints"])]
        section.blocks.append(_chart(charts.coach_chart(history, row.to_dict(), unit, lang), lang, height=380))
    return section


def drivers_section(drivers: pd.DataFrame, unit: str, lang: str = "en") -> Section:
    """Which sprint work went with which key result's movement, per KR, worded as association."""
    from analytics.planning import driver_sentences
    section = Section(t("plan_drivers_title", lang), [t("plan_drivers_caption", lang)])
    section.blocks.append(Table(drivers, [
        ("kr_id", "KR", KEY), ("key_result", t("rep_key_result", lang), TEXT),
        ("sprints_with_work", t("f_sprints_with_work", lang), NUMBER),
        ("linked_completed", f"{t('f_linked_completed', lang)} ({unit})", NUMBER),
        ("kr_change", t("f_kr_change", lang), NUMBER), ("change_per_unit", t("f_change_per_unit", lang), NUMBER),
        ("correlation", t("f_correlation", lang), NUMBER)], t("plan_drivers_empty", lang)))
    for row in drivers.to_dict("records"):
        section.blocks.append(f"{row['kr_id']}: " + " ".join(driver_sentences(row, unit, lang)))
    return section


def lessons_section(result: dict, lang: str = "en") -> Section:
    """The lessons of one team's cycle: per KR planned against achieved and the realistic target,
    the sprint types that moved which key results, the retro actions still open."""
    krs = result["key_results"]
    section = Section(f"{t('plan_lessons_title', lang)} · {result['team']}", [t("plan_lessons_caption", lang)])
    if result["provisional"] and not krs.empty:
        section.blocks.append(t("plan_lessons_provisional", lang, end=day(result["cycle_end"], lang),
                                day=day(result["as_of"], lang)))
    section.blocks.append(Table(krs.assign(status_at_close=krs["status_at_close"].map(lambda s: t(s, lang) if _known(s) else s),
                                           ambition_reading=krs["ambition_reading"].map(
                                               lambda r: t(f"v_{r}", lang) if _known(f"v_{r}") else r)), [
        ("kr_id", "KR", KEY), ("key_result", t("rep_key_result", lang), TEXT),
        ("start_value", t("f_start_value", lang), NUMBER), ("target_value", t("rep_target", lang), NUMBER),
        ("final_value", t("f_final_value", lang), NUMBER), ("status_at_close", t("f_status_at_close", lang), TEXT),
        ("planned_change", t("f_planned_change", lang), NUMBER), ("achieved_change", t("f_achieved_change", lang), NUMBER),
        ("ambition_ratio", t("f_ambition_ratio", lang), NUMBER), ("ambition_reading", t("f_ambition_reading", lang), TEXT),
        ("realistic_target", t("f_realistic_target", lang), NUMBER)], t("rep_none", lang)))
    section.blocks.append(("h3", t("plan_lessons_types", lang)))
    if not result["sprint_types"]:
        section.blocks.append(t("plan_lessons_no_types", lang))
    for kind in result["sprint_types"]:
        movers = ", ".join(f"{kr['kr_id']} ({number(kr['change_per_unit'], lang, 2)})" for kr in kind["key_results"])
        section.blocks.append(t("plan_lessons_type_line", lang, type=kind["sprint_type"] or t("plan_no_type", lang),
                                n=kind["sprints"], say_do=percent(kind["say_do_mean"], lang),
                                krs=movers or t("plan_lessons_no_mover", lang)))
    section.blocks.append(("h3", t("plan_lessons_actions", lang)))
    section.blocks.append(Table(pd.DataFrame(result["open_retro_actions"], columns=["sprint", "action", "owner"]), [
        ("sprint", t("sprint", lang), TEXT), ("action", t("rep_action", lang), TEXT), ("owner", t("rep_owner", lang), TEXT)],
        t("plan_lessons_no_actions", lang)))
    return section


# --- HTML --------------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1f1f1f; margin: 24px auto;
       max-width: 1100px; padding: 0 16px; font-size: 14px; line-height: 1.4; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 28px 0 8px; border-bottom: 2px solid #0072B2; }
h3 { font-size: 16px; margin: 16px 0 6px; break-after: avoid; page-break-after: avoid; }
.subtitle { color: #444; margin: 0 0 12px; }
.tiles { display: flex; flex-wrap: wrap; gap: 8px; break-inside: avoid; page-break-inside: avoid; }
.tile { border: 1px solid #ccc; border-radius: 6px; padding: 6px 10px; min-width: 120px; }
.tile .label { font-size: 12px; color: #444; } .tile .value { font-size: 20px; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; white-space: pre-wrap; }
td.num { text-align: right; white-space: nowrap; } td.key { white-space: nowrap; }
thead { display: table-header-group; } tr, .chart, .tiles, p, .keep { break-inside: avoid; page-break-inside: avoid; }
th { background: #eef4fa; }
.chart { margin: 6px 0 14px; } .chart img { width: 100%; height: auto; display: block; }
.empty { color: #555; font-style: italic; }
@media print { body { margin: 0; max-width: none; padding: 0; font-size: 11px; } h2 { margin-top: 18px; } }
"""

# Nothing but what is inline: no script, style, image or font from any host, no form target.
_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'")


# The trace types of plotly.js's basic bundle (plotly.js-basic-dist-min), which the interactive
# report inlines: 1.2 MB instead of the full library's 4.8 MB. A chart of another type would draw
# nothing offline, so render_html refuses it.
TRACE_TYPES = frozenset({"scatter", "bar", "pie"})


def render_html(report: Report, images: list[bytes] | None = None, plotly_js: str | None = None) -> str:
    """One HTML document. ``images``: a PNG per chart (in ``report.charts()`` order) for a static,
    printable page; else the charts are interactive and ``plotly_js``, the source of plotly.js's
    basic bundle (``data.reports.plotly_basic``), is inlined once."""
    if images is None:
        if plotly_js is None:
            raise ValueError("an interactive report needs plotly_js, the basic bundle's source")
        used = {trace.type or "scatter" for chart in report.charts() for trace in chart.figure.data}
        if used - TRACE_TYPES:
            raise ValueError(f"trace types {sorted(used - TRACE_TYPES)} are not in the basic bundle")
    escape = html.escape
    out = [f'<!DOCTYPE html><html lang="{escape(report.lang)}"><head><meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(report.title)}</title><style>{_CSS}</style>"]
    if images is None:
        out.append(f"<script>{plotly_js}</script>")
    out.append(f"</head><body><h1>{escape(report.title)}</h1><p class=\"subtitle\">{escape(report.subtitle)}</p>")
    number_of_chart = 0
    for section in report.sections:
        out.append("<section>")
        # a heading and the block after it in one box that a printed page never splits, so no
        # heading is left at the foot of a page with its text on the next one
        heading = f"<h2>{escape(section.title)}</h2>"
        for block in section.blocks:
            if isinstance(block, tuple) and block[0] == "h3":
                heading += f"<h3>{escape(block[1])}</h3>"
                continue
            if heading:
                out.append('<div class="keep">' + heading)
            if isinstance(block, str):
                out.append(f"<p>{escape(block)}</p>")
            elif isinstance(block, Figures):
                out.append('<div class="tiles">' + "".join(
                    f'<div class="tile"><div class="label">{escape(label)}</div><div class="value">{escape(value)}</div></div>'
                    for label, value in block.items) + "</div>")
            elif isinstance(block, Table):
                out.append(_table_html(block, report.lang))
            elif isinstance(block, Chart):
                if images is not None:
                    data = base64.b64encode(images[number_of_chart]).decode("ascii")
                    title = block.figure.layout.title.text or ""
                    out.append(f'<div class="chart"><img alt="{escape(_strip_tags(title))}" src="data:image/png;base64,{data}"></div>')
                else:
                    out.append('<div class="chart">' + block.figure.to_html(
                        full_html=False, include_plotlyjs=False, include_mathjax=False, default_height=block.height,
                        config={"displaylogo": False, "responsive": True}) + "</div>")
                number_of_chart += 1
            if heading:
                out.append("</div>")
                heading = ""
        if heading:
            out.append(heading)  # a heading without content after it
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out)


def _strip_tags(text: str) -> str:
    """Chart titles hold user text escaped for plotly ('&lt;'): back to plain text for alt=."""
    return html.unescape(text)


def _table_html(table: Table, lang: str) -> str:
    escape = html.escape
    if table.frame.empty:
        return f'<p class="empty">{escape(table.empty)}</p>'
    head = "".join(f"<th>{escape(header)}</th>" for _, header, _ in table.columns)
    rows = []
    for record in table.frame.to_dict(orient="records"):
        cells = []
        for column, _, kind in table.columns:
            css = ' class="num"' if kind in (NUMBER, PERCENT) else ' class="key"' if kind == KEY else ""
            cells.append(f"<td{css}>{escape(_cell(record.get(column), kind, lang))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
