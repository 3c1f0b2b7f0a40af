"""Issue 7's rules, each with hand-computed figures: sprint state as of a day, working days with
public holidays and days off, length- and type-aware stability and forecast, file order for sprints
without dates, completed late, the review's item lists and comparison."""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics.attention import out_of_band_streak
from analytics.forecast import next_sprint_forecast
from analytics.review import item_lists, sprint_comparison
from analytics.sprint_metrics import (accuracy_trend_by_type, sprint_metrics, sprint_states, stability_by_type,
                                      team_summary)
from analytics.workdays import public_holidays, region_problem
from data.errors import ImportFailed
from data.sources import sprint_sequence
from data.importer import import_uploads
from tests.support import snapshot, table, upload

ROOT = Path(__file__).resolve().parent.parent


def sprint(name, start=None, end=None, committed=None, completed=None, kind=None, team="T", **extra):
    return {"team": team, "sprint": name, "start_date": start, "end_date": end, "committed": committed,
            "completed": completed, "sprint_type": kind, **extra}


def item(sprint_name, key, estimate, team="T", **flags):
    return {"team": team, "sprint": sprint_name, "item_key": key, "estimate": estimate, **flags}


# --- state ------------------------------------------------------------------------------------
def test_state_as_of_a_day_including_the_boundaries():
    start = pd.Series(pd.to_datetime(["2026-11-02", "2026-11-16", "2026-11-25", "2026-11-26", None]))
    end = pd.Series(pd.to_datetime(["2026-11-13", "2026-11-25", "2026-12-04", "2026-12-04", None]))
    states = sprint_states(start, end, date(2026, 11, 25)).tolist()
    # ended before; ends today (still running); starts today (running); starts tomorrow; no dates (closed)
    assert states == ["closed", "running", "running", "future", "closed"]
    assert sprint_states(start, end, None).tolist() == ["closed"] * 5  # no day given: history only


def running_team() -> pd.DataFrame:
    # three closed sprints (say/do .5, .6, .7: out of band), one running (say/do 1.0 so far) and one planned
    frame = table("sprints", [
        sprint("S1", "2026-10-05", "2026-10-16", 10, 5), sprint("S2", "2026-10-19", "2026-10-30", 10, 6),
        sprint("S3", "2026-11-02", "2026-11-13", 10, 7), sprint("S4", "2026-11-16", "2026-11-27", 10, 10),
        sprint("S5", "2026-11-30", "2026-12-11", 10, 0)])
    return sprint_metrics(frame, table("sprint_items"), as_of=date(2026, 11, 25))


def test_a_running_sprint_enters_no_aggregate():
    metrics = running_team()
    assert metrics["state"].tolist() == ["closed", "closed", "closed", "running", "future"]
    # velocity_avg over closed sprints only: S3 = (5 + 6 + 7) / 3; none for the open ones
    assert metrics["velocity_avg"].iloc[2] == pytest.approx(6.0)
    assert metrics["velocity_avg"].iloc[3:].isna().all()
    summary = team_summary(metrics).iloc[0]
    assert (summary["sprints"], summary["open_sprints"], summary["last_sprint"]) == (3, 2, "S3")
    assert summary["velocity_mean"] == pytest.approx(6.0)               # not (5+6+7+10+0)/5
    assert summary["commitment_accuracy_mean"] == pytest.approx(0.6)   # .5, .6, .7
    assert summary["accuracy_slope"] == pytest.approx(0.1)             # the running 1.0 would steepen it
    forecast = next_sprint_forecast(metrics, "T", trials=1000, seed=1)
    assert forecast["used"] == ["S1", "S2", "S3"] and forecast["next_sprint"] == "S5"
    streak = out_of_band_streak(metrics)
    assert streak["detail"].tolist() == ["S1, S2, S3: 50%, 60%, 70%"]   # S4 is in band but provisional


def test_a_running_sprint_in_band_does_not_end_an_alert_and_out_of_band_does_not_start_one():
    frame = table("sprints", [
        sprint("S1", "2026-10-05", "2026-10-16", 10, 9), sprint("S2", "2026-10-19", "2026-10-30", 10, 9),
        sprint("S3", "2026-11-02", "2026-11-13", 10, 5), sprint("S4", "2026-11-16", "2026-11-27", 10, 1)])
    metrics = sprint_metrics(frame, table("sprint_items"), as_of=date(2026, 11, 25))
    assert out_of_band_streak(metrics).empty  # only S3 is closed and out of band; S4 runs


# --- working days -----------------------------------------------------------------------------
def test_a_bavarian_holiday_and_days_off_change_working_days():
    # Mon 5 Jan – Fri 9 Jan 2026: five weekdays; 6 Jan (Epiphany) is a holiday in Bavaria, not in Hamburg
    frame = table("sprints", [sprint("S1", "2026-01-05", "2026-01-09", 10, 8, team="Süd"),
                              sprint("S1", "2026-01-05", "2026-01-09", 10, 8, team="Nord"),
                              sprint("S2", "2026-01-12", "2026-01-16", 10, 8, team="Süd", days_off=1.5)])
    metrics = sprint_metrics(frame, table("sprint_items"), regions={"Süd": "DE-BY", "Nord": "DE-HH"})
    days = {(r.team, r.sprint): (r.sprint_days, r.working_days, r.velocity_per_day) for r in metrics.itertuples()}
    assert days[("Süd", "S1")] == (5.0, 4.0, 2.0)       # 8 / 4
    assert days[("Nord", "S1")] == (5.0, 5.0, 1.6)      # 8 / 5
    assert days[("Süd", "S2")] == (5.0, 3.5, 8 / 3.5)   # 5 − 1.5 days off
    assert public_holidays("2026-01-05", "2026-01-09", "DE-BY", "de") == [(date(2026, 1, 6), "Heilige Drei Könige")]
    # a holiday on a weekend is not subtracted twice: 1 Nov 2026 (All Saints' Day) is a Sunday
    assert public_holidays("2026-10-26", "2026-11-06", "DE-BY") == []


def test_a_region_loads_its_own_country_of_the_holidays_package_only():
    """holidays.countries imports all 250 countries' modules when any is looked up; a process
    imports the modules of the countries its regions are in (issue 21: a server's memory), and the
    calendars are the package's own (the answers below are what the whole package gives)."""
    probe = """
import sys
from analytics.workdays import public_holidays, region_problem
print(public_holidays("2026-01-05", "2026-01-09", "DE-BY", "de"))
print(public_holidays("2026-10-26", "2026-10-30", "AT", "en"))
print(region_problem("DE-XX") is not None, region_problem("FR") is None)
print(sorted(m for m in sys.modules if m.startswith("holidays.countries.")))
from holidays.countries import Austria, DE
import holidays
print(Austria.__module__, DE.__module__, holidays.country_holidays("CH", subdiv="ZH", years=2026).get("2026-08-01"))
"""
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "[(datetime.date(2026, 1, 6), 'Heilige Drei Könige')]",
        "[(datetime.date(2026, 10, 26), 'National Day')]",
        "True True",
        "['holidays.countries.austria', 'holidays.countries.france', 'holidays.countries.germany']",
        "holidays.countries.austria holidays.countries.germany National Day"]


def test_region_codes_are_checked():
    assert region_problem("DE-BY") is None and region_problem("at") is None
    assert "DE-BY" in region_problem("DE-XX")
    assert "not a known region" in region_problem("Bayern")


def test_a_bad_region_is_refused_at_import_with_row_and_column(store):
    before = snapshot(store)
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [upload("sprints.csv", "team,sprint,start_date,end_date,region\n"
                                                     "Süd,S1,2026-01-05,2026-01-09,DE-BY\nSüd,S2,2026-01-12,2026-01-16,Bayern\n")])
    problem = failure.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("sprints.csv", 3, "region")
    assert snapshot(store) == before


def test_region_and_days_off_travel_through_the_sprints_template(store):
    import_uploads(store, [upload("sprints.csv", "Team;Sprint;Startdatum;Enddatum;Region;Abwesenheitstage\n"
                                                 "Süd;S1;05.01.2026;09.01.2026;de-by;1,5\n")])
    assert store.current("teams")[["team", "region"]].values.tolist() == [["Süd", "DE-BY"]]
    assert store.current("sprints")["days_off"].tolist() == [1.5]


# --- stability and forecast compare like with like --------------------------------------------
def mixed_history() -> pd.DataFrame:
    # 10-day pipeline sprints at 2, 2.2, 1.8 per day and 1-day blitz sprints of 3 points; a planned
    # 10-day pipeline sprint next. Working days: Mon 5 Jan 2026 onwards, no region.
    rows = [sprint("P1", "2026-01-05", "2026-01-16", 20, 20, "pipeline"), sprint("B1", "2026-01-19", "2026-01-19", 3, 3, "blitz"),
            sprint("P2", "2026-01-20", "2026-02-02", 22, 22, "pipeline"), sprint("B2", "2026-02-03", "2026-02-03", 3, 3, "blitz"),
            sprint("P3", "2026-02-04", "2026-02-17", 18, 18, "pipeline"), sprint("B3", "2026-02-18", "2026-02-18", 3, 3, "blitz"),
            sprint("P4", "2026-03-02", "2026-03-13", 20, None, "pipeline")]
    return sprint_metrics(table("sprints", rows), table("sprint_items"), as_of=date(2026, 2, 20))


def test_stability_uses_velocity_per_day_within_each_type_when_sprints_differ():
    metrics = mixed_history()
    summary = team_summary(metrics).iloc[0]
    # per sprint: 20, 3, 22, 3, 18, 3 (mean 11.5) look erratic …
    assert summary["velocity_cv"] > 0.5
    # … per working day within type: pipeline 2, 2.2, 1.8 (mean 2, sd .2, CV .1); blitz 3, 3, 3 (CV 0);
    # pooled with weights n − 1 = 2 and 2: (.1·2 + 0·2) / 4 = .05
    assert (summary["comparable"], summary["stability_basis"]) == (False, "per_day_by_type")
    assert summary["stability_cv"] == pytest.approx(0.05)
    assert summary["stability"] == "stable"
    by_type = stability_by_type(metrics).set_index("sprint_type")
    assert by_type.loc["pipeline", "velocity_per_day_cv"] == pytest.approx(0.1)
    assert by_type.loc["blitz", "working_days_median"] == 1.0


def test_forecast_of_the_next_sprint_uses_its_type_per_working_day():
    result = next_sprint_forecast(mixed_history(), "T", trials=2000, seed=3)
    assert (result["next_sprint"], result["next_type"], result["basis"]) == ("P4", "pipeline", "same_type")
    assert result["next_working_days"] == 10 and result["used"] == ["P1", "P2", "P3"]
    # samples 2, 2.2, 1.8 per day × 10 days: outcomes 20, 22, 18; the 15th percentile is 18 and the median 20
    assert sorted(result["history"]) == pytest.approx([18.0, 20.0, 22.0])
    assert (result["velocity_p85"], result["velocity_p50"]) == (pytest.approx(18.0), pytest.approx(20.0))


def test_forecast_falls_back_to_all_types_with_fewer_than_three_of_the_next_type():
    rows = [sprint("P1", "2026-01-05", "2026-01-16", 20, 20, "pipeline"), sprint("B1", "2026-01-19", "2026-01-19", 3, 3, "blitz"),
            sprint("P2", "2026-01-20", "2026-02-02", 20, 20, "pipeline"), sprint("B2", "2026-02-03", "2026-02-03", 3, 4, "blitz")]
    metrics = sprint_metrics(table("sprints", rows), table("sprint_items"), as_of=date(2026, 3, 1))
    result = next_sprint_forecast(metrics, "T", trials=500, seed=1)
    # no planned sprint: like the last closed one (blitz, median 1 working day); only 2 blitz sprints
    assert (result["next_type"], result["basis"], result["next_working_days"]) == ("blitz", "all_types", 1.0)
    # per day 2, 3, 2, 4 × 1 day
    assert result["history"] == [2.0, 3.0, 2.0, 4.0]


def test_accuracy_trend_per_sprint_type():
    rows = [sprint(f"A{i}", f"2026-01-{5 + i:02d}", f"2026-01-{5 + i:02d}", 10, c, "a") for i, c in enumerate([6, 7, 8, 9])]
    rows += [sprint(f"B{i}", f"2026-02-{2 + i:02d}", f"2026-02-{2 + i:02d}", 10, 10, "b") for i in range(3)]
    trends = accuracy_trend_by_type(sprint_metrics(table("sprints", rows), table("sprint_items"))).set_index("sprint_type")
    assert trends.loc["a", "accuracy_slope"] == pytest.approx(0.1)  # .6 .7 .8 .9
    assert trends.loc["a", "accuracy_trend"] == "improving"
    assert trends.loc["b", "accuracy_trend"] == "steady"


# --- sprints without dates keep their file's order --------------------------------------------
def test_undated_sprints_keep_the_order_of_their_file_not_of_their_names(store):
    result = import_uploads(store, [upload("sprints.csv", "team,sprint,committed,completed\n"
                                                          "Mongo,Sharding 7,10,8\nMongo,Atlas 1,10,9\nMongo,Zeus 3,10,10\n")])
    assert any("No dates for 3 sprint(s): Mongo / Sharding 7, Mongo / Atlas 1, Mongo / Zeus 3" in w
               and "keep the order of the file" in w for w in result.warnings)
    import_uploads(store, [upload("more.csv", "team,sprint,committed,completed\nMongo,Beta 2,10,7\n")])
    metrics = sprint_metrics(store.current("sprints"), store.current("sprint_items"))
    assert metrics["sprint"].tolist() == ["Sharding 7", "Atlas 1", "Zeus 3", "Beta 2"]  # never Atlas, Beta, …
    assert metrics["state"].tolist() == ["closed"] * 4
    # re-importing the first file does not move its sprints behind the later one
    import_uploads(store, [upload("sprints.csv", "team,sprint,committed,completed\n"
                                                 "Mongo,Zeus 3,10,10\nMongo,Sharding 7,10,8\nMongo,Atlas 1,10,9\n")])
    again = sprint_metrics(store.current("sprints"), store.current("sprint_items"))
    assert again["sprint"].tolist() == ["Sharding 7", "Atlas 1", "Zeus 3", "Beta 2"]


def test_jira_sprint_histories_order_sprints_the_issues_lead_through():
    # the first issue lists S3 → S4; a later one S1 → S2 → S3: S1 comes first although it appears later
    histories = [["S3", "S4"], ["S1", "S2", "S3"], ["S5"]]
    assert sprint_sequence(histories) == ["S1", "S2", "S3", "S4", "S5"]
    assert sprint_sequence([["A", "B"], ["B", "A"]]) == ["A", "B"]  # contradicting: order of appearance


# --- completed late ---------------------------------------------------------------------------
def test_an_item_done_after_the_sprint_end_is_completed_late_not_completed():
    sprints = table("sprints", [sprint("Blitz", "2026-03-06", "2026-03-06", kind="blitz")])
    items = table("sprint_items", [
        item("Blitz", "A", 3, committed_at_start=True, done=True, done_on="2026-03-06"),
        item("Blitz", "B", 5, committed_at_start=True, done=True, done_on="2026-03-09"),   # marked done, on Monday
        item("Blitz", "C", 2, committed_at_start=True, done=False, done_on="2026-03-10"),
        item("Blitz", "D", 1, committed_at_start=True, done=False)])
    row = sprint_metrics(sprints, items).iloc[0]
    assert (row["committed"], row["completed"], row["completed_late"]) == (11.0, 3.0, 7.0)
    assert row["not_completed"] == 8.0  # 11 − 3: late work was not done in the sprint
    lists = item_lists(items, sprints, "T", "Blitz")
    assert lists["completed"]["item_key"].tolist() == ["A"]
    assert lists["completed_late"]["item_key"].tolist() == ["B", "C"]
    assert lists["not_completed"]["item_key"].tolist() == ["D"]


def test_totals_only_sprints_have_no_completed_late():
    row = sprint_metrics(table("sprints", [sprint("S1", "2026-03-02", "2026-03-13", 10, 8)]), table("sprint_items")).iloc[0]
    assert pd.isna(row["completed_late"])


# --- the review's lists and comparison -------------------------------------------------------
def test_review_lists_as_jiras_sprint_report_has_them():
    sprints = table("sprints", [sprint("S1", "2026-03-02", "2026-03-13", kind="a"), sprint("S2", "2026-03-16", "2026-03-27", kind="a")])
    items = table("sprint_items", [
        item("S1", "A", 3, committed_at_start=True, done=True, done_on="2026-03-05"),
        item("S1", "B", 2, committed_at_start=True, done=False),
        item("S1", "C", 1, committed_at_start=True, removed=True, done=False),
        item("S1", "D", 5, committed_at_start=False, added_on="2026-03-04", done=True, done_on="2026-03-10"),
        item("S1", "E", 8, committed_at_start=False, added_on="2026-03-09", done=False),
        item("S2", "B", 2, committed_at_start=True, done=True, done_on="2026-03-18")])
    lists = item_lists(items, sprints, "T", "S1")
    keys = {name: frame["item_key"].tolist() for name, frame in lists.items()}
    assert keys == {"completed": ["A", "D"], "not_completed": ["B", "E"], "removed": ["C"], "added": ["D", "E"],
                    "completed_late": [], "carried_over": ["B"]}
    assert lists["added"]["committed"].tolist() == [False, False]


def test_sprint_beside_the_previous_one_and_the_average_of_its_type():
    rows = [sprint("A1", "2026-01-05", "2026-01-16", 10, 8, "a"), sprint("B1", "2026-01-19", "2026-01-19", 2, 2, "b"),
            sprint("A2", "2026-01-20", "2026-02-02", 10, 12, "a"), sprint("A3", "2026-02-03", "2026-02-16", 10, 9, "a")]
    metrics = sprint_metrics(table("sprints", rows), table("sprint_items"))
    compared = sprint_comparison(metrics, "T", "A3").set_index("row")
    assert compared.loc["this", "completed"] == 9
    assert compared.loc["previous", "sprint"] == "A2"
    # average of the other closed sprints of type a: A1 and A2 → (8 + 12) / 2, not the blitz B1
    assert (compared.loc["average", "sprints"], compared.loc["average", "completed"]) == (2, 10.0)
    assert compared.loc["average", "commitment_accuracy"] == pytest.approx(0.8)  # (.8 + .8) / 2
