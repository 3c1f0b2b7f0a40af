"""Issue 19, "answers a leader can put on the screen": one answer per trend question over one named
range, pooled accuracy, like-for-like comparisons, planned completion, calibration that needs three
objectives, objectives with their kind and band. Hand-computed figures beside each assertion."""
from __future__ import annotations

import json
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import charts, narrative
from analytics.calibration import calibration
from analytics.report import render_html
from analytics.review import compared_with, sprint_comparison
from analytics.sprint_metrics import sprint_metrics, team_summary
from analytics.teams import latest_sprints, team_comparison
from data.reports import sprint_report
from data.store import Store
import ui
from tests.support import TODAY, choose_tab, static_tables, table
from tests.test_cli import run


def sprint(team, name, start, end, committed, completed, kind="a", **more):
    return {"team": team, "sprint": name, "start_date": start, "end_date": end, "committed": committed,
            "completed": completed, "sprint_type": kind, **more}


def metrics_of(rows, as_of=date(2026, 12, 31)):
    return sprint_metrics(table("sprints", rows), table("sprint_items"), as_of=as_of)


# --- pooled accuracy and the one range -----------------------------------------------------------
def test_pooled_accuracy_counts_each_sprint_by_its_size_so_a_blitz_cannot_swing_it():
    frame = metrics_of([
        sprint("T", "S1", "2026-01-05", "2026-01-16", 20, 18),   # |18 − 20| = 2
        sprint("T", "B1", "2026-01-19", "2026-01-19", 2, 0),     # one-day blitz at 0 %: |0 − 2| = 2
        sprint("T", "S2", "2026-01-20", "2026-01-30", 20, 22),   # |22 − 20| = 2
        sprint("T", "S3", "2026-02-02", "2026-02-13", 0, 5)])    # C0 = 0: not in the pool
    row = team_summary(frame).iloc[0]
    assert row["commitment_accuracy_pooled"] == pytest.approx(1 - 6 / 42)  # 1 − (2 + 2 + 2) / (20 + 2 + 20) = 0.857
    assert row["pooled_sprints"] == 3
    assert row["commitment_accuracy_mean"] == pytest.approx((0.9 + 0 + 0.9) / 3)  # 0.6: the blitz drags the mean
    two = team_summary(frame.iloc[:2]).iloc[0]
    assert np.isnan(two["commitment_accuracy_pooled"]) and two["pooled_sprints"] == 2  # fewer than 3: no figure
    assert narrative.pooled_sentence(two) == "Pooled accuracy: too few sprints (2 with a commitment; it needs 3)."
    assert narrative.pooled_sentence(row, "de") == \
        "Gepoolte Genauigkeit 86\u00a0% über 3 Sprints (jeder Sprint zählt nach seiner Größe)."


def test_the_charts_trend_line_is_the_summarys_slope_over_exactly_its_range():
    accuracy = [1.0, 0.9, 0.5, 0.6, 0.7, 0.8]
    frame = metrics_of([sprint("T", f"S{i}", None, None, 10, 10 * a) for i, a in enumerate(accuracy, 1)])
    summary = team_summary(frame, last=4).iloc[0]
    # the last 4: 0.5, 0.6, 0.7, 0.8 → slope +0.1 per sprint, halves 0.55 → 0.75, improving
    assert summary["accuracy_slope"] == pytest.approx(0.1)
    assert (summary["accuracy_first_half"], summary["accuracy_second_half"]) == pytest.approx((0.55, 0.75))
    assert summary["accuracy_trend"] == "improving"
    fig = charts.accuracy_chart(frame, (0.8, 1.0), trend_sprints=int(summary["sprints"]))
    trend = fig.data[2]
    assert list(trend.x) == ["S3", "S4", "S5", "S6"] and trend.name == "Accuracy trend, last 4 closed sprints"
    assert np.diff(trend.y) == pytest.approx([summary["accuracy_slope"]] * 3)
    assert list(trend.y) == pytest.approx([0.5, 0.6, 0.7, 0.8])
    # over all six the line would fall (1.0, 0.9 first): the chart no longer draws that one
    assert team_summary(frame).iloc[0]["accuracy_slope"] < 0


def test_teams_side_by_side_in_the_order_of_their_names_with_pooled_accuracy_and_its_count():
    frame = metrics_of([
        sprint("Zeta", "Z1", "2026-01-05", "2026-01-09", 10, 9), sprint("Zeta", "Z2", "2026-01-12", "2026-01-16", 10, 8),
        sprint("Zeta", "Z3", "2026-01-19", "2026-01-23", 10, 10), sprint("Zeta", "Z4", "2026-01-26", "2026-01-30", 10, 12),
        sprint("Alpha", "A1", "2026-01-05", "2026-01-09", 10, 10)])
    out = team_comparison(frame, pd.DataFrame(), pd.DataFrame(), date(2026, 12, 31), last=3)
    assert list(out["team"]) == ["Alpha", "Zeta"]  # by name, not by any figure
    alpha, zeta = out.iloc[0], out.iloc[1]
    assert zeta["trend_range"] == "Z2 – Z4" and zeta["sprints"] == 3  # the last 3 of 4
    assert zeta["commitment_accuracy_pooled"] == pytest.approx(1 - 4 / 30)  # 1 − (2 + 0 + 2) / 30
    assert zeta["pooled_sprints"] == 3 and pd.isna(zeta["accuracy_note"])
    assert np.isnan(alpha["commitment_accuracy_pooled"]) and alpha["pooled_sprints"] == 1
    assert alpha["accuracy_note"] == "too_few_sprints" and alpha["trend_range"] == "A1"


def test_homes_organisation_table_puts_each_teams_answer_beside_its_latest_sprint_by_name():
    frame = metrics_of([
        sprint("Zeta", "Z1", "2026-01-05", "2026-01-09", 10, 9), sprint("Zeta", "Z2", "2026-01-12", "2026-01-16", 10, 8),
        sprint("Zeta", "Z3", "2026-01-19", "2026-01-23", 10, 10), sprint("Zeta", "Z4", "2026-12-28", "2027-01-08", 10, 0),
        sprint("Alpha", "A1", "2026-01-05", "2026-01-09", 10, 10)])  # Z4 runs on 31 Dec
    out = latest_sprints(frame, team_summary(frame))
    assert list(out["team"]) == ["Alpha", "Zeta"] and list(out["sprint"]) == ["A1", "Z3"]
    zeta = out.iloc[1]
    assert zeta["running_sprint"] == "Z4" and zeta["trend_range"] == "Z1 – Z3"
    assert zeta["commitment_accuracy_pooled"] == pytest.approx(1 - 3 / 30)  # 1 − (1 + 2 + 0) / 30
    # accuracy .9, .8, 1.0: slope ((−1)·0 + 0 + 1·0.1) / 2 = +0.05, halves Z1 .9 → Z3 1.0 agree: improving
    assert zeta["pooled_sprints"] == 3 and zeta["accuracy_trend"] == "improving"


# --- like for like ------------------------------------------------------------------------------
def test_a_sprint_is_compared_with_the_previous_one_of_its_type_per_working_day_when_lengths_differ():
    frame = metrics_of([
        sprint("T", "A1", "2026-01-05", "2026-01-09", 10, 9, "acq"),          # 5 working days
        sprint("T", "P1", "2026-01-12", "2026-01-23", 20, 20, "pipe"),        # 10 days, another type
        sprint("T", "A2", "2026-01-26", "2026-02-05", 16, 16, "acq"),         # 9 working days
        sprint("T", "A3", "2026-02-09", "2026-02-18", 16, 15, "acq")])        # 8 working days
    compared = compared_with(frame, "T", "P1")
    assert compared is None  # no earlier pipe sprint
    compared = compared_with(frame, "T", "A2")
    assert compared["sprint"] == "A1" and compared["per_day"]  # 9 > 1.2 × 5 working days
    assert narrative.compared_sentence(compared, frame.iloc[2]) == ("Compared with A1, the previous closed sprint of "
                                                                    "the same type, per working day (9 against 5 working days).")
    compared = compared_with(frame, "T", "A3")
    assert compared["sprint"] == "A2" and not compared["per_day"]  # 9 ≤ 1.2 × 8 = 9.6: per sprint
    assert frame.iloc[3]["working_days"] == 8


def test_the_reviews_previous_row_is_the_same_comparison():
    frame = metrics_of([
        sprint("T", "A1", "2026-01-05", "2026-01-09", 10, 9, "acq"),
        sprint("T", "P1", "2026-01-12", "2026-01-23", 20, 20, "pipe"),
        sprint("T", "A2", "2026-01-26", "2026-01-30", 10, 8, "acq")])
    rows = sprint_comparison(frame, "T", "A2").set_index("row")
    assert rows.loc["previous", "sprint"] == "A1" and not rows.loc["previous", "per_day"]  # 5 and 5 days
    assert rows.loc["previous", "completed"] == 9  # not P1's 20


# --- planned completion, calibration, objectives ------------------------------------------------
def test_planned_completion_explains_a_say_do_of_100_percent_made_of_swapped_scope():
    row = pd.Series({"committed": 21.0, "completed": 21.0, "completed_committed": 19.0, "say_do_ratio": 1.0,
                     "planned_completion": 19 / 21})
    assert narrative.planned_sentence(row, "points") == (
        "Say/do 100% counts added work too: of the 21 points committed at the start, 19 points were delivered "
        "(planned completion 90%).")  # 19 / 21 = 0.905
    agreeing = pd.Series({**row, "completed_committed": 21.0, "planned_completion": 1.0})  # nothing swapped
    assert narrative.planned_sentence(agreeing, "points") is None
    assert narrative.planned_sentence(pd.Series({**row, "planned_completion": np.nan}), "points") is None  # totals only


def test_calibration_judges_a_kind_only_from_three_objectives():
    cycles = pd.DataFrame({"team": ["T"] * 3, "cycle": ["Q1", "Q2", "Q3"],
                           "cycle_start": pd.to_datetime(["2026-01-01", "2026-04-01", "2026-07-01"]),
                           "cycle_end": pd.to_datetime(["2026-03-31", "2026-06-30", "2026-09-30"])})
    scores = pd.DataFrame({"team": "T", "cycle": ["Q1", "Q1", "Q2"], "okr_type": ["committed", "aspirational", "committed"],
                           "score": [0.5, 1.0, 0.4]})
    few = calibration(scores, cycles, date(2026, 12, 1)).iloc[0]
    # committed 0 of 2 at 1.0, aspirational 1 of 1 at ≥ 0.7: both rates shown, no verdict from 2 and 1
    assert (few["committed_objectives"], few["committed_hit_rate"]) == (2, 0.0)
    assert few["verdict"] is None
    three = pd.concat([scores, pd.DataFrame({"team": ["T"], "cycle": ["Q3"], "okr_type": ["committed"], "score": [1.0]})])
    judged = calibration(three, cycles, date(2026, 12, 1)).iloc[0]
    assert judged["committed_hit_rate"] == pytest.approx(1 / 3)  # 1 of 3 committed at 1.0
    assert judged["verdict"] == "too ambitious"  # 1/3 < 0.8; the one aspirational objective does not count


def test_the_band_an_objective_is_judged_by_in_words():
    assert narrative.grade_rule("committed") == "committed: green ≥ 1, yellow ≥ 0.7"
    assert narrative.grade_rule("aspirational", "de") == "ambitioniert: grün ≥ 0,6, gelb ≥ 0,4"


# --- the demo, across Retrospective, Teams, Home, summary and the report -----------------------
# Hand-checked from the demo's last 8 closed sprints as of TODAY (KA Sprint 7 … 14 and PS Sprint 7 … 14):
# Key Account: first half (1.0 + 0 + .72 + .913) / 4 = 0.658, second half (.808 + .964 + .783 + 1.0) / 4 = 0.889,
# slope +0.054 per sprint: improving. Pipeline Süd: 0.529 → 0.551, slope +0.0069 < 0.01: steady.
DEMO = {"Key Account Automotive": ("66%", "89%", "improving", "KA Sprint 7 – KA Sprint 14"),
        "Pipeline Süd": ("53%", "55%", "steady", "PS Sprint 7 – PS Sprint 14")}
SENTENCES = {
    "Key Account Automotive": "Commitment accuracy rose from 66% to 89% over the last 8 closed sprints "
                              "(KA Sprint 7 – KA Sprint 14): improving.",
    "Pipeline Süd": "Commitment accuracy held steady over the last 8 closed sprints (PS Sprint 7 – PS Sprint 14): "
                    "53%, then 55%."}


def open_page(page: str = "pages/home.py") -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    if page != "pages/home.py":
        at.switch_page(page).run()
    assert not at.exception
    return at


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def test_summary_json_carries_the_one_answer_and_pooled_accuracy(demo_dashboard):
    done = run("summary", "--json", db=demo_dashboard)
    assert done.returncode == 0, done.stderr
    rows = {row["team"]: row for row in json.loads(done.stdout)}
    for team, (first, second, verdict, named) in DEMO.items():
        row = rows[team]
        assert row["sprints"] == 8 and f"{row['first_sprint']} – {row['last_sprint']}" == named
        assert (f"{row['accuracy_first_half']:.0%}", f"{row['accuracy_second_half']:.0%}") == (first, second)
        assert row["accuracy_trend"] == verdict
        assert row["pooled_sprints"] == 8
    # Key Account: Σ|D − C0| = 0 + 2 + 7 + 2 + 5 + 1 + 5 + 0 = 22 over ΣC0 = 26 + 2 + 25 + 23 + 26 + 28 + 23 + 21 = 174
    assert rows["Key Account Automotive"]["commitment_accuracy_pooled"] == pytest.approx(1 - 22 / 174)
    everything = json.loads(run("summary", "--last", "14", "--json", db=demo_dashboard).stdout)
    assert {row["team"]: row["accuracy_trend"] for row in everything}["Key Account Automotive"] == "steady"  # 14 sprints


def test_retrospective_headline_is_the_summarys_answer(demo_dashboard):
    at = open_page("pages/retrospective.py")
    for team, sentence in SENTENCES.items():
        at.selectbox(key="retro_team").set_value(team).run()
        assert not at.exception
        headline = next(text for text in texts(at) if text.startswith("Commitment accuracy"))
        assert headline.startswith(sentence)
        assert not any("Accuracy trend per sprint type" in c.value for c in at.caption)  # no verdict of its own


def test_teams_table_names_the_range_and_cannot_be_sorted(demo_dashboard):
    at = open_page("pages/teams.py")
    wide = static_tables(at)[0]  # a static table: no header click re-sorts it
    assert list(wide["Team"]) == ["Key Account Automotive", "Neukunden Nord", "Pipeline Süd"]
    shown = wide.set_index("Team")
    for team, (first, second, verdict, named) in DEMO.items():
        assert shown.loc[team, "Range"] == named
        assert (shown.loc[team, "Accuracy, first half"], shown.loc[team, "Accuracy, second half"]) == (first, second)
        assert shown.loc[team, "Accuracy trend"] == verdict
        assert shown.loc[team, "Sprints pooled"] == "8"
    assert shown.loc["Key Account Automotive", "Pooled accuracy"] == "87%"  # 1 − 22 / 174 = 0.874
    assert all("Pooled accuracy" not in frame.value.columns for frame in at.dataframe)


def test_home_quotes_the_same_answer_and_compares_like_with_like(demo_dashboard):
    at = open_page()
    for team, sentence in SENTENCES.items():
        assert any(text.startswith(sentence) for text in texts(at)), team
    # Pipeline Süd's PS Sprint 14 (Akquise, 5 days, 8 done) beside PS Sprint 10 (Akquise, 5 days, 9 done),
    # not beside PS Sprint 13 (Pipeline-Hygiene, 10 days, 18 done): −1, not −10
    completed = [m for m in at.metric if m.label == "Completed"]
    assert [m.delta for m in completed] == ["3", "1", "-1"]  # KA 21 − 18 (KA Sprint 13), NN 17 − 16, PS 8 − 9
    assert "Compared with PS Sprint 10, the previous closed sprint of the same type." in texts(at)


def test_the_report_says_the_same(demo_dashboard):
    store = Store(demo_dashboard)
    html = render_html(sprint_report(store, "Key Account Automotive", "KA Sprint 14", as_of=TODAY), plotly_js="")
    store.close()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert SENTENCES["Key Account Automotive"] in text
    assert "Pooled accuracy 87% over 8 sprints" in text
    # KA Sprint 14: committed 21, added 2, removed 2, completed 21, 19 of them committed
    assert "Planned completion 90%" in text
    assert "of the 21 points committed at the start, 19 points were delivered" in text
    assert "Compared with KA Sprint 13, the previous closed sprint of the same type." in text


def test_sprint_review_shows_planned_completion_beside_say_do(demo_dashboard):
    at = open_page("pages/sprint_review.py")
    at.selectbox(key="review_sprint").set_value(("Key Account Automotive", "KA Sprint 14")).run()
    figures = {m.label: m.value for m in at.metric}
    assert (figures["Say/do"], figures["Planned completion"]) == ("100%", "90%")  # 21 / 21 and 19 / 21
    assert any("of the 21 points committed at the start, 19 points were delivered" in t for t in texts(at))
    assert "Compared with KA Sprint 13, the previous closed sprint of the same type." in texts(at)


def test_the_sprint_review_draws_only_the_open_list_and_keeps_it_open_by_name(demo_dashboard):
    """The items behind the figures are tabs of which only the open one is drawn (choosing another
    reruns the page); the page's workbook still has every list with items; the chosen list stays open
    when another sprint changes the count in its label."""
    at = open_page("pages/sprint_review.py")
    at.selectbox(key="review_sprint").set_value(("Key Account Automotive", "KA Sprint 14")).run()
    labels = ["Completed (4)", "Not completed (0)", "Removed (1)", "Added after start (1)", "Completed late (0)",
              "Carried over (0)"]
    assert [t.label for t in at.tabs] == [ui.md_escape(label) for label in labels]

    def drawn_lists():
        return [frame.value["Key"].tolist() for frame in at.dataframe if "Title" in frame.value.columns]
    assert [len(keys) for keys in drawn_lists()] == [4]  # the completed items only
    workbook = {name: len(frame) for name, (frame, _) in at.session_state["_page_tables"].items()}
    assert {name: rows for name, rows in workbook.items() if name.endswith("_KA Sprint 14")} == {
        "completed_KA Sprint 14": 4, "removed_KA Sprint 14": 1, "added_KA Sprint 14": 1, "key_results_KA Sprint 14": 2}

    at.session_state["review_list"] = ui.md_escape("Added after start (1)")  # the tab clicked
    at.run()
    assert drawn_lists() == [["KA-188"]]
    at.selectbox(key="review_sprint").set_value(("Key Account Automotive", "KA Sprint 13")).run()
    assert at.session_state["review_list"] == ui.md_escape("Added after start (0)")
    assert drawn_lists() == [] and "No items in this list." in [c.value for c in at.caption]


def test_okrs_show_kind_and_band_and_no_verdict_from_one_objective(demo_dashboard):
    at = open_page("pages/okrs.py")
    objectives = next(frame.value for frame in at.dataframe if "Judged by" in frame.value.columns)
    assert "Score" not in objectives.columns  # one figure: the grade
    rows = objectives.set_index("Objective ID")
    # KA-O1-Q4 committed, score 0.76 → grade 0.8, yellow; NN-O2-Q4 aspirational, 0.73 → 0.7, green
    assert rows.loc["KA-O1-Q4", ["Grade", "Grade colour", "Judged by"]].tolist() == [
        "0.8", "yellow", "committed: green ≥ 1, yellow ≥ 0.7"]
    assert rows.loc["NN-O2-Q4", ["Grade", "Grade colour", "Judged by"]].tolist() == [
        "0.7", "green", "aspirational: green ≥ 0.6, yellow ≥ 0.4"]
    # one closed cycle (Q3): Neukunden Nord has 1 committed and 1 aspirational objective, too few for a verdict
    choose_tab(at, "okr_tab", "Cycle close and calibration")
    assert ("Neukunden Nord: not enough cycles yet for a verdict (1 committed and 1 aspirational objectives in "
            "closed cycles; a kind needs 3).") in texts(at)
    calibrated = next(frame.value for frame in at.dataframe if "Verdict" in frame.value.columns)
    assert set(calibrated["Verdict"]) == {"Not enough cycles yet"}


def test_the_range_is_a_setting_and_summary_last_overrides_it(demo_dashboard):
    rows = json.loads(run("summary", "--team", "Pipeline Süd", "--json", db=demo_dashboard,
                          env={"DASHBOARD_TREND_SPRINTS": "4"}).stdout)
    # the last 4 closed: PS Sprint 11 … 14, accuracy .68, .333, .692, .5 → halves .507 → .596
    assert (rows[0]["sprints"], rows[0]["first_sprint"]) == (4, "PS Sprint 11")
    assert rows[0]["accuracy_first_half"] == pytest.approx((0.68 + 1 / 3) / 2)
    overridden = json.loads(run("summary", "--team", "Pipeline Süd", "--last", "6", "--json", db=demo_dashboard,
                                env={"DASHBOARD_TREND_SPRINTS": "4"}).stdout)
    assert (overridden[0]["sprints"], overridden[0]["first_sprint"]) == (6, "PS Sprint 9")
