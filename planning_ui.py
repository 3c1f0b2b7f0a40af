"""The planning sections of the pages (issue 23), one function each, so a page calls a section with
one line: the commitment coach (Sprint review), what moves the key results (OKRs, Retrospective)
and the lessons of a cycle with the next cycle's draft OKR file (OKRs, cycle close). Streamlit glue
only: the figures come from ``analytics.planning`` through ``data.service``, the words from i18n."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import ui
from analytics import charts
from analytics.formatting import day, number, percent
from i18n import locale
from analytics.planning import coach_sentence, commitment_coach, driver_sentences
from data import service
from data.store import Store


# --- commitment coach (Sprint review) --------------------------------------------------------------

def coach_section(team_metrics: pd.DataFrame, team: str, unit: str) -> None:
    """For the next sprint of each type of ``team``: the suggested range in one sentence, the table
    behind it, and the chart of the sprints it is based on (the type of the next planned sprint first)."""
    language = ui.lang()
    st.subheader(ui.tr("plan_coach_title"))
    st.caption(ui.tr("plan_coach_caption"))
    coach = commitment_coach(team_metrics)
    if coach.empty:
        st.caption("–")
        return
    for row in coach.to_dict("records"):
        st.text(coach_sentence(row, unit, language))
        if row["enough_history"] and row["overcommit"] > 0:
            ui.caption(ui.tr("plan_coach_over", over=number(row["overcommit"], language), unit=unit))
    ui.table(coach.drop(columns=["team", "sprints", "next_sprint"]), "coach", f"commitment_coach_{team}", unit=unit,
             compact=["sprint_type", "suggested_low", "suggested_high"])
    upcoming = team_metrics[team_metrics["state"].eq("future")]["sprint_type"]
    kinds = list(coach["sprint_type"])
    first = kinds.index(upcoming.iloc[0]) if not upcoming.empty and upcoming.iloc[0] in kinds else 0
    kind = st.selectbox(ui.tr("plan_coach_type"), kinds, index=first, key="coach_type",
                        format_func=lambda k: k or ui.tr("plan_no_type")) if len(kinds) > 1 else kinds[0]
    row = coach[coach["sprint_type"].eq(kind) if kind is not None else coach["sprint_type"].isna()].iloc[0]
    history = team_metrics[team_metrics["sprint"].isin(row["sprints"])]
    ui.chart(charts.coach_chart(history, row.to_dict(), unit, language), "coach_chart")


# --- KR drivers (OKRs, Retrospective) --------------------------------------------------------------

@st.cache_data(show_spinner=False)
def _drivers(_store: Store, version: tuple, teams: tuple[str, ...], as_of: date, cycle: str | None):
    # from the page's cached frames: service.drivers would compute the OKR view again; the sprints'
    # dates and states without the sprint table's figures (at 500 teams summing 1.5 M items took a second),
    # from the sprint rows the pages already read, without the undated sprints only items name (never counted)
    return service.cycle_drivers(service.calendar_of(ui.table_of(_store, version, "sprints", teams), as_of),
                                 ui.linked_items(_store, version, teams), ui.okr_tables(_store, version, teams, as_of)[0],
                                 ui.table_of(_store, version, "checkins", teams), cycle)


def drivers_section(view: ui.Page, teams: tuple[str, ...], key: str, cycle: str | None = None) -> None:
    """Per key result of the cycle (default: the teams' running one, else their latest begun): the
    linked work and the KR's movement sprint by sprint, the change per completed unit overall and per
    sprint type, the rank correlation, worded as association with the number of sprints behind it."""
    language = ui.lang()
    st.subheader(ui.tr("plan_drivers_title"))
    st.caption(ui.tr("plan_drivers_caption"))
    if cycle is None:
        cycle = current_cycle(ui.okr_tables(view.db, view.version, teams, view.as_of)[0], view.as_of)
    if cycle is None:
        st.caption(ui.tr("no_cycle"))
        return
    summary, detail = _drivers(view.db, view.version, teams, view.as_of, cycle)
    if summary.empty or not summary["sprints"].any():
        st.info(ui.tr("plan_drivers_empty"))
        return
    unit = ui.unit_label(ui.units(view.db, view.version), teams)
    shown = summary.drop(columns=["by_sprint_type", "cycle", "kr_type"])
    ui.table(shown, f"drivers_{key}", f"kr_drivers_{cycle}", unit=unit,
             compact=["kr_id", "linked_completed", "kr_change", "change_per_unit"])
    titles = {row.kr_id: f"{row.kr_id} · {row.key_result}" for row in summary.itertuples(index=False)}
    chosen = st.selectbox(ui.tr("key_result"), list(titles), key=f"drivers_kr_{key}_{cycle}",
                          format_func=lambda kr_id: titles[kr_id])
    row = summary[summary["kr_id"] == chosen].iloc[0]
    if not row["sprints_with_work"]:
        st.info(ui.md_escape(driver_sentences(row, unit, language)[0]))
        st.caption(ui.tr("plan_drivers_how"))
        st.page_link("pages/import.py", label=ui.tr("go_import"), icon=":material/link:")
    else:
        for line in driver_sentences(row, unit, language):
            st.text(line)
    per_sprint = detail[detail["kr_id"] == chosen]
    ui.chart(charts.drivers_chart(per_sprint, chosen, unit, language), f"drivers_chart_{key}")
    st.caption(ui.tr("plan_drivers_sprints"))
    ui.table(per_sprint.drop(columns=["team", "kr_id"]), f"drivers_sprints_{key}", f"kr_drivers_{chosen}", unit=unit,
             compact=["sprint", "linked_completed", "kr_change"])


def current_cycle(krs: pd.DataFrame, as_of: date) -> str | None:
    """The cycle running on ``as_of``, else the latest that has begun, else None."""
    begun = krs[pd.to_datetime(krs["cycle_start"]) <= pd.Timestamp(as_of)] if not krs.empty else krs
    if begun.empty:
        return None
    ordered = begun.sort_values("cycle_start")
    running = ordered[pd.to_datetime(ordered["cycle_end"]) >= pd.Timestamp(as_of)]
    return (running if not running.empty else ordered)["cycle"].iloc[-1]


# --- lessons of a cycle (OKRs, cycle close) ----------------------------------------------------------

@st.cache_data(show_spinner=False)
def _lessons(_store: Store, version: tuple, team: str, cycle: str, as_of: date, language: str,
             next_name: str | None, next_start: date | None, next_end: date | None) -> dict:
    return service.lessons(_store, team, cycle, as_of, next_name=next_name, next_start=next_start,
                           next_end=next_end, lang=language)


def lessons_section(view: ui.Page, teams: tuple[str, ...], cycle: str) -> None:
    """The lessons of a team's cycle (provisional before its last day) and one click to the next
    cycle's draft OKR file."""
    language = ui.lang()
    st.subheader(ui.tr("plan_lessons_title"))
    st.caption(ui.tr("plan_lessons_caption"))
    team = st.selectbox(ui.tr("team"), teams, key=f"lessons_team_{cycle}") if len(teams) > 1 else teams[0]
    try:
        result = _lessons(view.db, view.version, team, cycle, view.as_of, language, None, None, None)
    except service.PlanningUnavailable as missing:
        st.info(ui.md_escape(ui.said(missing.args[0])))
        return
    krs = result["key_results"]
    if result["provisional"]:
        st.warning(ui.tr_md("plan_lessons_provisional", end=day(result["cycle_end"], language),
                            day=day(view.as_of, language)))
    ui.table(krs.drop(columns=["team", "cycle", "objective_id", "okr_type"]), f"lessons_{cycle}", f"lessons_{team}_{cycle}",
             compact=["key_result", "final_progress", "ambition_ratio", "realistic_target"])
    ui.strong("plan_lessons_types")
    if not result["sprint_types"]:
        st.caption(ui.tr("plan_lessons_no_types"))
    for kind in result["sprint_types"]:
        movers = ", ".join(f"{kr['kr_id']} ({number(kr['change_per_unit'], language, 2)})" for kr in kind["key_results"])
        st.text(ui.tr("plan_lessons_type_line", type=kind["sprint_type"] or ui.tr("plan_no_type"), n=kind["sprints"],
                      say_do=percent(kind["say_do_mean"], language), krs=movers or ui.tr("plan_lessons_no_mover")))
    ui.strong("plan_lessons_actions")
    if not result["open_retro_actions"]:
        st.caption(ui.tr("plan_lessons_no_actions"))
    for action in result["open_retro_actions"]:
        st.text(f"{action['sprint']} · {action['action']}" + (f" ({action['owner']})" if action["owner"] else ""))

    ui.strong("plan_draft_title")
    st.caption(ui.tr("plan_draft_caption"))
    name, begin, finish = result["next_cycle"], result["next_start"], result["next_end"]
    left, middle, right = st.columns(3)
    chosen_name = left.text_input(ui.tr("plan_next_cycle"), value=name, key=f"draft_name_{team}_{cycle}", max_chars=100)
    chosen_start = middle.date_input(ui.tr("plan_next_start"), value=begin, key=f"draft_start_{team}_{cycle}",
                                     format=locale(language).date_input)
    chosen_end = right.date_input(ui.tr("plan_next_end"), value=finish, key=f"draft_end_{team}_{cycle}",
                                  format=locale(language).date_input)
    if not chosen_name.strip() or chosen_end <= chosen_start:
        st.error(ui.tr("plan_draft_dates"))
        return
    if (chosen_name.strip(), chosen_start, chosen_end) == (name, begin, finish):
        draft = result["draft"]  # the proposed next cycle: the lessons above already drafted it
    else:
        draft = _lessons(view.db, view.version, team, cycle, view.as_of, language, chosen_name.strip(), chosen_start,
                         chosen_end)["draft"]
    st.download_button(ui.tr("plan_draft_download"), service.draft_csv(draft), mime="text/csv",
                       file_name=f"okrs_draft_{chosen_name.strip()}.csv", key=f"draft_download_{team}_{cycle}",
                       icon=":material/download:", on_click="ignore")

