"""The demo shows what the product exists to reveal, the same way every time."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.attention import needs_attention
from analytics.demo import generate
from analytics.okr_metrics import key_result_status, objective_scores
from analytics.sprint_metrics import sprint_metrics, team_summary
from data.demo import load_demo

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo():
    return generate(TODAY)


@pytest.fixture(scope="module")
def metrics(demo):
    regions = dict(zip(demo["teams"]["team"], demo["teams"]["region"]))
    return sprint_metrics(demo["sprints"], demo["sprint_items"], as_of=TODAY, regions=regions)


def test_is_deterministic(demo):
    again = generate(TODAY)
    for table, frame in demo.items():
        pd.testing.assert_frame_equal(frame, again[table], obj=table)


def test_three_teams_with_twelve_or_more_sprints_of_mixed_types_and_lengths(demo, metrics):
    counts = metrics.groupby("team").size()
    assert set(counts.index) == {"Neukunden Nord", "Pipeline Süd", "Key Account Automotive"}
    assert (counts >= 12).all()
    assert set(metrics["sprint_days"]) == {1.0, 5.0, 10.0}  # a one-day blitz, one week, two weeks
    assert {"Akquise", "Pipeline-Hygiene", "Key Account", "Akquise-Blitz"} <= set(metrics["sprint_type"])
    finished = metrics[metrics["state"] == "closed"]
    assert (finished.groupby("team")["end_date"].max() < pd.Timestamp(TODAY)).all()
    # every team has the sprint running this week and the one planned after it
    assert metrics.groupby("team")["state"].apply(lambda s: list(s.tail(2))).tolist() == [["running", "future"]] * 3


def test_working_days_show_a_public_holiday_and_days_off(demo, metrics):
    assert set(demo["teams"]["region"]) == {"DE-HH", "DE-BY", "DE-BW"}
    holiday = metrics[(metrics["days_off"] == 0) & (metrics["working_days"] < metrics["sprint_days"])]
    assert not holiday.empty  # a sprint over a public holiday of its team's region has fewer working days
    off = metrics[metrics["days_off"] > 0]
    assert len(off) == 5 and (off["working_days"] <= off["sprint_days"] - off["days_off"]).all()


def test_some_work_is_completed_late(metrics):
    late = metrics[metrics["completed_late"] > 0]
    assert not late.empty and set(late["sprint_type"]) == {"Akquise-Blitz"}


def test_items_have_points_added_removed_and_carry_over(demo, metrics):
    assert (metrics["data_level"] == "items").all()
    assert metrics["added"].sum() > 0 and metrics["removed"].sum() > 0 and metrics["carried_over"].sum() > 0
    assert demo["sprint_items"]["key_result"].notna().any()
    assert demo["sprints"]["key_results"].notna().any()


def test_one_team_improves_one_over_commits(metrics):
    summary = team_summary(metrics).set_index("team")
    assert summary.loc["Neukunden Nord", "accuracy_trend"] == "improving"
    assert summary.loc["Pipeline Süd", "say_do_mean"] < 0.8
    assert summary.loc["Pipeline Süd", "in_band_share"] < 0.2
    assert summary.loc["Key Account Automotive", "in_band_share"] > 0.6


def test_okrs_cover_every_direction_with_an_at_risk_and_a_stale_key_result(demo):
    krs = key_result_status(demo["key_results"], demo["cycles"], demo["checkins"], demo["kr_plans"], as_of=TODAY)
    assert {"increase", "decrease", "stay_above", "stay_below", "milestone"} <= set(krs["kr_type"])
    running = krs[krs["cycle_end"] >= pd.Timestamp(TODAY)]
    assert (running["status"] == "at_risk").any()
    assert running["stale"].sum() == 1
    assert len(demo["cycles"]["cycle"].unique()) == 2
    assert demo["checkins"]["confidence"].notna().all()
    objectives = objective_scores(krs, demo["objectives"])
    assert set(objectives["okr_type"]) == {"committed", "aspirational"}
    assert objectives["achieved"].any() and not objectives["achieved"].all()


def test_needs_attention_lists_the_stories(demo, metrics):
    krs = key_result_status(demo["key_results"], demo["cycles"], demo["checkins"], demo["kr_plans"], as_of=TODAY)
    attention = needs_attention(metrics, krs, demo["retro_actions"], as_of=TODAY)
    whats = " | ".join(attention["what"])
    assert "Key result at risk" in whats and "Key result stale" in whats
    assert "Say/do out of band 3 sprints running" in whats
    assert "Open retro actions" in whats


def test_loads_as_one_undoable_import(store):
    result = load_demo(store, TODAY)
    assert store.teams() == ["Key Account Automotive", "Neukunden Nord", "Pipeline Süd"]
    assert len(store.current("sprints")) == 48  # 14 closed, one running and one planned per team
    store.undo(result.import_id)
    assert not store.has_data()
