"""OKRs: a compact overview of every key result, the weekly view, details, revisions, company
goals, the cycle close with calibration and lessons, and sprint work per KR."""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

import planning_ui
import links
import ui
from i18n import locale
from analytics import charts, narrative
from analytics.calibration import MIN_OBJECTIVES, alignment, calibration
from analytics.formatting import day as format_day
from analytics.formatting import number, percent
from analytics.frames import column_list, each_once
from analytics.okr_metrics import GRADE_BANDS, running
from analytics.presentation import present
from analytics.okr_revisions import plan_text
from analytics.okr_weekly import checkin_timeline
from analytics.sprint_kr import sprint_key_results
from analytics.okr_metrics import checkin_jump
from data import service
from data.entries import record_checkin, record_lessons
from data.access import AccessRefused
from data.errors import ImportFailed

view = ui.page("page_okrs")
db, language, version, teams = view.db, view.lang, view.version, view.teams
as_of = view.as_of  # the sidebar's "As of", the same day on every page
okr = ui.okr_view(db, version, teams, as_of)
all_krs, all_objectives = okr.key_results, okr.objectives
if all_krs.empty:
    ui.empty_state()
cycles_table = ui.table_of(db, version, "cycles", teams)
cycles = all_krs[["team", "cycle", "cycle_start"]].drop_duplicates().sort_values("cycle_start")
labels = list(dict.fromkeys(cycles["cycle"]))
current = running(all_krs, as_of)["cycle"]
default = labels.index(current.iloc[0]) if not current.empty else len(labels) - 1
links.choose(language, "okr_cycle", labels, labels[default], lambda label: {"cycle": label}, "link_what_cycle")
cycle = st.selectbox(ui.tr("cycle"), labels, key="okr_cycle")
links.show(cycle=cycle)
krs = all_krs[all_krs["cycle"] == cycle]
objectives = all_objectives[all_objectives["cycle"] == cycle]
closed = bool((krs["cycle_end"] < pd.Timestamp(as_of)).all())
checkins = ui.table_of(db, version, "checkins", teams)
plans = ui.table_of(db, version, "kr_plans", teams)
cadence = service.checkin_cadence()

if saved := st.session_state.pop("okr_saved", None):
    st.success(ui.tr_md("entry_saved", id=saved))


def state(code) -> str:
    return ui.tr(code) if isinstance(code, str) else "–"


def final(code) -> str:
    """A closed cycle has a result, not a pace: achieved or not (never "at risk")."""
    return ui.tr("achieved") if code == "achieved" else ui.tr("not_achieved")


shown_state = final if closed else state


def problems(failure: ImportFailed | AccessRefused) -> None:
    if isinstance(failure, AccessRefused):
        st.error(ui.md_escape(ui.said(failure.message)), icon=":material/block:")
        return
    st.error(ui.tr("entry_failed"))
    ui.problems(failure, "entry_problems", "entry_problems")


def saved(result) -> None:
    st.session_state["okr_saved"] = result.import_id
    ui.clear_caches()
    st.rerun()


CHECKIN_FIELDS = ("checkin_value", "checkin_confidence", "checkin_comment")


def checkin_form(open_krs: pd.DataFrame) -> None:
    """The check-in: the value and confidence typed the page's way and shown back as understood
    (with the last value and the change), saved only once that was on screen, a huge jump only
    after a tick. Not an st.form: a form shows nothing back before its button is pressed."""
    if st.session_state.pop("checkin_clear", False):  # after a save, before the fields are drawn again
        for key in CHECKIN_FIELDS:
            st.session_state[key] = ""
    with st.container(border=True, key="checkin_box"):
        ui.strong("record_checkin")
        names = dict(zip(open_krs["kr_id"], open_krs["key_result"]))
        kr_choice = st.selectbox(ui.tr("key_result"), list(names), key="checkin_kr",
                                 format_func=ui.labelled({kr: f"{kr} · {name}" for kr, name in names.items()}))
        kr = open_krs[open_krs["kr_id"] == kr_choice].iloc[0]
        was = kr["current_value"] if not pd.isna(kr["current_value"]) else kr["start_value"]

        def understood(value: float) -> str:
            if pd.isna(was):  # no check-in and no start value (a milestone): nothing to compare with
                return ui.tr("typed_understood", value=ui.shown(value))
            jump = checkin_jump(was, value, kr["start_value"], kr["target_value"], kr["kr_type"])
            if pd.isna(jump["change"]):
                return ui.tr("typed_understood_was_zero", value=ui.shown(value), was=ui.shown(was))
            sign = "+" if jump["change"] > 0 else ""  # a rise reads as one: +6 %
            return ui.tr("typed_understood_was", value=ui.shown(value), was=ui.shown(was),
                         change=sign + percent(jump["change"], language))

        left, middle, right = st.columns(3)
        value = ui.number_field(ui.tr("value"), "checkin_value", where=left, understood=understood)
        confidence = ui.number_field(ui.tr("confidence"), "checkin_confidence", where=middle, minimum=0, maximum=10)
        checkin_day = right.date_input(ui.tr("checkin_date"), value=service.today(), key="checkin_date",
                                        format=locale(language).date_input)
        comment = st.text_area(ui.tr("comment"), key="checkin_comment", max_chars=2000)
        confirmed = True
        if value.value is not None:
            jump = checkin_jump(was, value.value, kr["start_value"], kr["target_value"], kr["kr_type"])
            if jump["big"]:
                st.warning(ui.tr_md("checkin_jump", was=ui.shown(was), value=ui.shown(value.value), kr=kr_choice,
                                    before=percent(jump["progress_before"], language),
                                    after=percent(jump["progress_after"], language)))
                # keyed by KR and value: another value or key result needs its own tick
                confirmed = st.checkbox(ui.tr_md("checkin_jump_confirm", value=ui.shown(value.value)),
                                        key=f"checkin_confirm_{kr_choice}_{value.value!r}")
        if not st.button(ui.tr("save"), key="checkin_submit"):
            return
        if value.value is None:
            if value.problem is None:  # blank: the refusal of a typed text is already under its field
                st.error(ui.tr("entry_failed") + " " + ui.tr("imp_typed_blank"))
            return
        if confidence.problem is not None:
            return
        if not (value.seen and confidence.seen):
            st.warning(ui.tr("checkin_check_first"))
            return
        if not confirmed:
            st.warning(ui.tr("checkin_confirm_first"))
            return
        try:
            result = record_checkin(db, kr_choice, value.value, day=checkin_day, comment=comment,
                                    confidence=confidence.value)
        except (ImportFailed, AccessRefused) as failure:
            problems(failure)
        else:
            st.session_state["checkin_clear"] = True
            saved(result)


# --- overview: one row per key result --------------------------------------------------------
st.subheader(ui.tr("okr_overview"))
ui.caption(ui.tr("okr_overview_caption"))
overview = krs[["team", "kr_id", "key_result", "progress", "expected_progress", "status", "forecast_status",
                "status_disagrees", "confidence", "last_checkin", "stale", "revisions"]].assign(
    status=each_once(column_list(krs["status"]), shown_state),
    forecast_status=each_once(column_list(krs["forecast_status"]), state),
    status_disagrees=each_once(column_list(krs["status_disagrees"]), lambda flag: "⚠" if flag and not closed else ""))
if closed:  # the pace and the forecast are history once the cycle is over
    overview = overview.drop(columns=["expected_progress", "forecast_status", "status_disagrees", "stale"])
ui.table(overview, "okr_overview", f"key_results_{cycle}", bars=["progress", "expected_progress"],
         compact=["team", "kr_id", "key_result", "progress", "status"])
disagreeing = krs[krs["status_disagrees"]]
if not disagreeing.empty and not closed:
    st.warning(ui.md_escape(ui.tr("disagree_note", krs=", ".join(disagreeing["kr_id"]))))

st.subheader(ui.tr("objectives"))
if closed:
    ui.caption(ui.tr("cycle_closed"))
# the grade first: what a leader looks for, and on screen at 1440 px. One figure (the grade, the score
# rounded), beside the kind and the band it is judged by: 0.8 yellow beside 0.7 green reads right
ui.caption(ui.tr("ans_grade_caption", full=number(GRADE_BANDS["committed"][0], language, 1),
                 healthy=number(GRADE_BANDS["aspirational"][0], language, 1)))
several = objectives["team"].nunique() > 1
shown_objectives = objectives.assign(  # the team goes with the objective's words: one column less to scroll to
    objective=[f"{team} · {text}" if several else text for team, text in zip(objectives["team"], objectives["objective"])],
    key_results_achieved=[f"{done} / {total}" for done, total in zip(objectives["key_results_achieved"],
                                                                      objectives["key_results"])],
    judged_by=each_once(column_list(objectives["okr_type"]), lambda kind: narrative.grade_rule(kind, language)))
# "Judged by" starts with the kind ("committed: green ≥ 1, …"): kind and band in one column, so the
# table still fits the screen; the downloads keep okr_type and score as fields
ui.table(shown_objectives[["objective_id", "objective", "grade", "grade_band", "judged_by", "achieved",
                           "key_results_achieved"]], "objectives", f"objectives_{cycle}",
         colours={"grade_band": charts.GRADE_COLOURS}, widths={"objective": 360, "judged_by": "medium"},
         compact=["objective", "grade", "grade_band", "judged_by"])
comparison = ui.objective_comparison(db, version, teams, as_of, cycle)
carried = comparison.dropna(subset=["previous_lessons"])
for item in carried.itertuples(index=False):  # what the last cycle taught, where this one is planned and run
    st.text(f"{ui.tr('lessons_previous', cycle=item.previous_cycle)} · {item.previous_objective_id}: "
            f"{item.previous_lessons}")

# Only the open tab is drawn: choosing another reruns the page with it (every tab's tables, charts and
# forms were sent on each run). The tables of a closed tab that need no choice of their own are in the
# page's workbook all the same, in the tabs' order.
open_tab, tab = ui.open_tab("okr_tab", {"weekly": ui.tr("tab_weekly"), "details": ui.tr("tab_details"),
                                        "revisions": ui.tr("tab_revisions"), "alignment": ui.tr("tab_alignment"),
                                        "close": ui.tr("tab_close")})

# --- the weekly ---------------------------------------------------------------------------------
weekly = ui.weekly(db, version, teams, as_of, cycle)
weekly_table = weekly.drop(columns=["team", "previous_progress"])
if open_tab != "weekly":
    ui.note_table(weekly_table, f"weekly_{cycle}")
else:
    with tab:
        last_weekly = format_day(pd.Timestamp(as_of) - timedelta(days=cadence), language)
        ui.caption(ui.tr("weekly_caption", day=last_weekly, cadence=cadence, stale=service.stale_days()))
        ui.table(weekly_table, "weekly", f"weekly_{cycle}",
                 compact=["key_result", "current_value", "progress_change", "confidence"])
        dropped = weekly[weekly["confidence_drop"]]
        if not dropped.empty:
            st.warning(ui.md_escape(ui.tr("confidence_drop", krs=", ".join(dropped["kr_id"]))))
        quiet = weekly[~weekly["new_checkin"]]
        if not quiet.empty:
            st.info(ui.md_escape(ui.tr("no_checkin_since_weekly", day=last_weekly, krs=", ".join(quiet["kr_id"]))))
        stale = krs[krs["stale"]]
        if not stale.empty:
            st.warning(ui.md_escape(ui.tr("stale_list", krs=", ".join(stale["kr_id"]))))
        # a final check-in at or after the cycle end settles a stay_above / stay_below KR; members check in
        members = {team: ui.may("member", team) for team in dict.fromkeys(column_list(krs["team"]))}  # once per team
        open_krs = krs[[members[team] for team in column_list(krs["team"])]]
        if not open_krs.empty:
            checkin_form(open_krs)

# --- each key result in detail ------------------------------------------------------------------
if open_tab == "details":
    with tab:
        # one key result at a time, chosen here: every key result's charts at once took seconds per rerun
        # (200 key results, 400 charts) and a page no one scrolls through
        if not krs.empty:
            urgent = (krs["status_disagrees"].fillna(False).astype(bool) | krs["status"].isin(["at_risk", "behind"])) \
                if not closed else pd.Series(False, index=krs.index)
            ordered = pd.concat([krs[urgent], krs[~urgent]])  # what needs a look first
            words = each_once(column_list(ordered["status"]), shown_state)
            titles = {kr_id: f"{kr_id} · {text} — {word}" + (" ⚠" if flag and not closed else "")
                      for kr_id, text, word, flag in zip(column_list(ordered["kr_id"]),
                                                         column_list(ordered["key_result"]), words,
                                                         column_list(ordered["status_disagrees"]))}
            chosen_kr = st.selectbox(ui.tr("key_result"), list(titles), key=f"detail_kr_{cycle}",
                                     format_func=ui.labelled(titles))
            kr = next(ordered[ordered["kr_id"] == chosen_kr].itertuples(index=False))
            row = pd.Series(kr._asdict())
            st.text(f"{kr.team} · {kr.kr_id} · {kr.key_result}")
            cols = st.columns(4)
            cols[0].metric(shown_state(kr.status), percent(kr.progress, language),
                           help=ui.tr_md("progress_help", expected=percent(kr.expected_progress, language)))
            cols[1].metric(ui.tr("forecast_end"), number(kr.forecast_value, language),
                           delta=state(kr.forecast_status) if isinstance(kr.forecast_status, str) else None,
                           delta_color="off")
            cols[2].metric(ui.tr("confidence"), number(kr.confidence, language))
            if pd.isna(kr.last_checkin):
                last = ui.tr("no_checkin")
            elif closed:
                last = format_day(kr.last_checkin, language)  # a closed cycle: the day, not "644 days ago"
            else:
                last = ui.tr("days_ago", days=int(kr.days_since_checkin))
            cols[3].metric(ui.tr("last_checkin"), ui.md_escape(last))
            if kr.status_disagrees and not closed:
                st.warning(ui.tr_md("disagree_detail", status=state(kr.status), forecast=state(kr.forecast_status)))
            if kr.kr_type == "milestone":
                st.caption(ui.tr("milestone_no_forecast"))
            elif kr.kr_type in ("stay_above", "stay_below"):
                st.caption(ui.tr("condition_note"))
            if kr.revisions:
                st.text(ui.tr("revised", n=kr.revisions, target=number(kr.original_target, language),
                              status=shown_state(kr.status_vs_original)))
                kept = okr.versions[okr.versions["kr_id"] == kr.kr_id]
                st.text(ui.tr("kr_versions"))
                ui.table(kept.drop(columns="kr_id").assign(plan=[plan_text(p, language) for p in kept["plan"]]),
                         f"versions_{kr.kr_id}", f"versions_{kr.kr_id}")
            history = checkins[(checkins["kr_id"] == kr.kr_id) & (checkins["date"] <= pd.Timestamp(as_of))]
            left, right = st.columns([2, 1])
            with left:
                ui.chart(charts.kr_trend_chart(row, history, plans[plans["kr_id"] == kr.kr_id], language),
                         f"kr_{kr.kr_id}")
            with right:
                ui.chart(charts.confidence_chart(history, language), f"confidence_{kr.kr_id}")
            st.text(ui.tr("timeline"))
            st.dataframe(present(checkin_timeline(checkins, kr.kr_id, as_of), language), hide_index=True,
                         key=f"timeline_{kr.kr_id}")

# --- revisions ----------------------------------------------------------------------------------
revisions = okr.revisions[okr.revisions["kr_id"].isin(krs["kr_id"])]
revisions = revisions.merge(krs[["kr_id", "target_value", "original_target", "status", "status_vs_original"]],
                            on="kr_id").drop(columns=["import_id"])
rewordings = okr.rewordings[okr.rewordings["cycle"] == cycle].drop(columns=["import_id"])
if open_tab != "revisions":
    for frame, file_name in ((revisions, f"revisions_{cycle}"), (rewordings, f"rewordings_{cycle}")):
        if not frame.empty:
            ui.note_table(frame, file_name)
else:
    with tab:
        ui.caption(ui.tr("revisions_caption"))
        if revisions.empty and rewordings.empty:
            st.caption(ui.tr("no_revisions"))
        if not revisions.empty:
            ui.table(revisions, "revisions", f"revisions_{cycle}")
        if not rewordings.empty:
            st.warning(ui.tr("reworded"))
            ui.table(rewordings, "rewordings", f"rewordings_{cycle}")

# --- company goals --------------------------------------------------------------------------------
aligned = alignment(krs, objectives)
if open_tab != "alignment":
    ui.note_table(aligned, f"company_goals_{cycle}")
else:
    with tab:
        ui.caption(ui.tr("alignment_caption"))
        ui.table(aligned, "alignment", f"company_goals_{cycle}", bars=["on_track_share"])

# --- cycle close, comparison, calibration, lessons ---------------------------------------------
thresholds = service.calibration_thresholds()
calibrated = calibration(all_objectives, cycles_table, as_of, **thresholds)
verdicts = calibrated.assign(verdict=calibrated["verdict"].fillna("not enough cycles").map(state))
compared = comparison.drop(columns=["previous_lessons"])
if open_tab != "close":
    ui.note_table(compared, f"comparison_{cycle}")
    ui.note_table(verdicts, "calibration")
else:
    with tab:
        ui.strong("comparison")
        ui.caption(ui.tr("comparison_caption"))
        ui.table(compared, "comparison", f"comparison_{cycle}")
        ui.strong("calibration")
        ui.caption(ui.tr("calibration_caption", cmin=percent(thresholds["committed_min"], language),
                         amin=percent(thresholds["aspirational_min"], language),
                         amax=percent(thresholds["aspirational_max"], language)))
        for few in calibrated[calibrated["verdict"].isna()].itertuples(index=False):  # no verdict from one or two
            ui.caption(ui.tr("ans_calibration_few", team=few.team, committed=few.committed_objectives,
                             aspirational=few.aspirational_objectives, need=MIN_OBJECTIVES))
        ui.table(verdicts, "calibration", "calibration")
        lessons = objectives.dropna(subset=["lessons"])
        for item in lessons.itertuples(index=False):
            st.text(f"{ui.tr('lessons')} · {item.objective_id}: {item.lessons}")
        writers = {team: ui.may("member", team) for team in dict.fromkeys(column_list(objectives["team"]))}
        keys = {f"{team} · {objective_id}": (team, objective_id)  # members write lessons
                for team, objective_id in zip(column_list(objectives["team"]), column_list(objectives["objective_id"]))
                if writers[team]}
        if keys:
            with st.form("lessons_form", clear_on_submit=True):
                ui.strong("record_lessons")
                chosen = st.selectbox(ui.tr("objective"), list(keys), key="lessons_objective")
                text = st.text_area(ui.tr("lessons"), key="lessons_text", max_chars=2000)
                if st.form_submit_button(ui.tr("save"), key="lessons_submit") and chosen:
                    try:
                        result = record_lessons(db, keys[chosen][0], cycle, keys[chosen][1], text)
                    except (ImportFailed, AccessRefused) as failure:
                        problems(failure)
                    else:
                        saved(result)
        planning_ui.lessons_section(view, tuple(dict.fromkeys(krs["team"])), cycle)  # issue 23

# --- sprint work per key result -----------------------------------------------------------------
st.subheader(ui.tr("sprint_kr"))
sprint_work = sprint_key_results(ui.table_of(db, version, "sprints", teams), ui.linked_items(db, version, teams), krs,
                                 checkins)
sprint_work = sprint_work[sprint_work["kr_id"].isin(krs["kr_id"])]
if sprint_work.empty:
    st.caption("–")
else:
    ui.table(sprint_work, "sprint_kr", f"sprint_key_results_{cycle}", compact=["sprint", "kr_id", "completed_linked", "kr_movement"])

planning_ui.drivers_section(view, teams, "okrs", cycle)  # which sprint work moves which KR (issue 23)

ui.report_download("cycle", teams[0] if len(teams) == 1 else None, cycle, as_of, version)
ui.page_xlsx_download()
