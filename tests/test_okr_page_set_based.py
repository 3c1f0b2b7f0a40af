"""The OKRs page's work done set-based (once per distinct value, per team, per group) equals the
straightforward per-row way it replaced: each function here is compared with a per-row reference
written in this file, on hand-made frames (empty ones, one key result, ties, missing values, teams
without OKRs) and on generated ones, and checked against at least one value worked out by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.frames import each_once


# --- each_once: a column's words made once per distinct value ---------------------------------------

def test_each_once_calls_once_per_distinct_value_and_keeps_the_order():
    calls = []

    def word(value):
        calls.append(value)
        return f"<{value}>"

    assert each_once(["b", "a", "b", "b", "a"], word) == ["<b>", "<a>", "<b>", "<b>", "<a>"]
    assert calls == ["b", "a"]
    assert each_once([], word) == []


def test_each_once_hands_every_missing_value_over_and_tells_equal_values_of_two_types_apart():
    calls = []

    def word(value):
        calls.append(value)
        return "–" if value is None or value is pd.NA or value != value else repr(value)

    values = [np.nan, None, pd.NA, True, 1, 1.0, np.nan, True]
    assert each_once(values, word) == [word(value) for value in values]
    # True == 1 == 1.0, but a flag and a number are worded apart; each missing value is asked about
    assert each_once([True, 1, 1.0], repr) == ["True", "1", "1.0"]
    assert each_once([np.nan, np.nan], lambda value: "–") == ["–", "–"]
    assert each_once([0.0, -0.0, 0.0], repr) == ["0.0", "-0.0", "0.0"]  # equal, and read apart


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["on_track", "at_risk", "behind", "achieved"]), st.none(),
                          st.just(np.nan), st.booleans(), st.integers(-2, 2), st.floats(allow_nan=True))))
def test_each_once_equals_calling_the_function_on_every_value(values):
    def word(value):
        return f"{type(value).__name__}:{value!r}"
    assert each_once(values, word) == [word(value) for value in values]


# --- sprint_key_results: the goals' links from the sprints that name some, the values by one as-of join ---

from analytics.sprint_kr import LINK_FIELDS, last_values, split_ids, sprint_key_results  # noqa: E402
from analytics.sprint_metrics import classify_items  # noqa: E402
from tests.support import table  # noqa: E402


def _value_on(checkins: pd.DataFrame, day, start_value: float) -> float:
    if pd.isna(day):
        return np.nan
    before = checkins[checkins["date"] <= pd.Timestamp(day)]
    return float(before.sort_values("date")["value"].iloc[-1]) if not before.empty else float(start_value)


def sprint_key_results_per_row(sprints, items, key_results, checkins, *, unit="points") -> pd.DataFrame:
    """The way it was: every sprint row visited, the check-ins filtered and sorted per link."""
    links: dict[tuple, dict] = {}
    if not items.empty and "key_result" in items:
        classified = classify_items(items[items["key_result"].notna()], sprints, unit)
        for (team, sprint, kr), group in classified.groupby(["team", "sprint", "key_result"]):
            links[(team, sprint, kr)] = {
                "linked_by": "items", "items_linked": len(group), "items_done": int(group["is_done"].sum()),
                "completed_linked": float(group["weight"].where(group["is_done"], 0.0).sum())}
    for sprint in sprints.itertuples(index=False):
        for kr in split_ids(getattr(sprint, "key_results", None)):
            entry = links.setdefault((sprint.team, sprint.sprint, kr), {
                "linked_by": "goal", "items_linked": 0, "items_done": 0, "completed_linked": 0.0})
            if entry["linked_by"] == "items":
                entry["linked_by"] = "items+goal"
    if not links:
        return pd.DataFrame(columns=LINK_FIELDS)
    dates = {(s.team, s.sprint): (s.start_date, s.end_date) for s in sprints.itertuples(index=False)}
    starts = dict(zip(key_results["kr_id"], key_results["start_value"])) if not key_results.empty else {}
    checkins = checkins.assign(date=pd.to_datetime(checkins["date"])) if not checkins.empty else \
        pd.DataFrame({"kr_id": [], "date": pd.to_datetime([]), "value": []})
    by_kr = {kr: group for kr, group in checkins.groupby("kr_id")}
    rows = []
    for (team, sprint, kr), entry in links.items():
        start_day, end_day = dates.get((team, sprint), (pd.NaT, pd.NaT))
        history = by_kr.get(kr, checkins.iloc[0:0])
        known = kr in starts
        has_evidence = known and not pd.isna(end_day) and (history["date"] <= pd.Timestamp(end_day)).any()
        at_start = _value_on(history, start_day, starts[kr]) if has_evidence else np.nan
        at_end = _value_on(history, end_day, starts[kr]) if has_evidence else np.nan
        rows.append({"team": team, "sprint": sprint, "start_date": start_day, "end_date": end_day, "kr_id": kr,
                     **entry, "value_at_start": at_start, "value_at_end": at_end,
                     "kr_movement": at_end - at_start if has_evidence else np.nan})
    out = pd.DataFrame(rows, columns=LINK_FIELDS)
    return out.sort_values(["team", "start_date", "sprint", "kr_id"], na_position="last").reset_index(drop=True)


def _sprint(name, start, end, key_results=None, team="Alpha"):
    return {"team": team, "sprint": name, "start_date": start, "end_date": end, "key_results": key_results}


def _item(key, sprint, estimate, key_result=None, team="Alpha", **fields):
    return {"team": team, "sprint": sprint, "item_key": key, "estimate": estimate, "key_result": key_result, **fields}


def _kr(kr_id, start, team="Alpha"):
    return {"kr_id": kr_id, "team": team, "cycle": "2024-Q1", "objective_id": "O1", "key_result": kr_id,
            "kr_type": "increase", "start_value": start, "target_value": 100.0}


def _as_store_reads(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as the store returns them (pandas' str dtype), not object."""
    return frame.astype({c: "str" for c in frame.columns if frame[c].dtype == object
                         and all(v is None or isinstance(v, str) for v in frame[c])})


def _link_cases():
    sprints = table("sprints", [
        _sprint("S1", "2024-01-08", "2024-01-19", "KR-2; KR-3, KR-1"),
        _sprint("S2", "2024-01-22", "2024-02-02", " ;KR-2;; "),
        _sprint("S3", None, None, "KR-1"),                               # no dates: no movement
        _sprint("S1", "2024-01-01", "2024-01-12", "KR-9", team="Beta"),  # a KR nobody has: no evidence
        _sprint("S4", "2024-02-05", "2024-02-16")])
    items = table("sprint_items", [
        _item("I1", "S1", 3, "KR-1", committed_at_start=True, done=True),
        _item("I2", "S1", 5, "KR-1", committed_at_start=True),
        _item("I3", "S1", 0.1, "KR-2", done=True), _item("I6", "S1", 0.2, "KR-2", done=True),
        _item("I7", "S1", 0.3, "KR-2", done=True),                       # 0.1 + 0.2 + 0.3 summed as before
        _item("I4", "S1", 4, None, done=True),
        _item("I5", "S1", 6, "KR-1", done_on="2024-01-20"),
        _item("I2", "S2", 5, "KR-1", done=True), _item("I8", "S9", 1, "KR-3", done=True),  # a sprint not in the calendar
        _item("I9", "S4", np.nan, "KR-4", done=True)])
    key_results = table("key_results", [_kr("KR-1", 0), _kr("KR-2", 10), _kr("KR-3", np.nan), _kr("KR-4", 1)])
    checkins = table("checkins", [
        {"kr_id": "KR-1", "date": "2024-01-19", "value": 40}, {"kr_id": "KR-1", "date": "2024-01-05", "value": 10},
        {"kr_id": "KR-1", "date": "2024-01-12", "value": 25}, {"kr_id": "KR-1", "date": "2024-01-25", "value": np.nan},
        {"kr_id": "KR-2", "date": "2024-01-15", "value": 20}, {"kr_id": "KR-3", "date": "2024-02-20", "value": 9},
        {"kr_id": "KR-4", "date": "2024-02-16", "value": 3}])
    yield sprints, items, key_results, checkins
    yield sprints, items.iloc[0:0], key_results, checkins                      # goals only
    yield sprints.assign(key_results=None), items, key_results, checkins       # items only
    yield sprints, items, key_results.iloc[0:0], checkins                      # no key results
    yield sprints, items, key_results, checkins.iloc[0:0]                      # no check-ins
    yield sprints.iloc[0:0], items.iloc[0:0], key_results, checkins            # nothing linked
    yield sprints.iloc[[0]], items.iloc[0:0], key_results.iloc[[0]], checkins  # one sprint, one KR
    yield table("sprints"), table("sprint_items"), table("key_results"), table("checkins")


def test_sprint_key_results_equal_the_per_row_way():
    for case in _link_cases():
        for frames in (case, tuple(_as_store_reads(frame) for frame in case)):
            for unit in ("points", "items"):
                pd.testing.assert_frame_equal(sprint_key_results(*frames, unit=unit),
                                              sprint_key_results_per_row(*frames, unit=unit))


def test_sprint_key_results_by_hand():
    result = sprint_key_results(*next(_link_cases()))
    row = result[(result["sprint"] == "S1") & (result["kr_id"] == "KR-1")].iloc[0]
    # done in S1: I1 (3); I2 open, I5 late. KR-1 is 10 on 8 Jan (5 Jan's check-in), 40 on 19 Jan
    assert (row["linked_by"], row["items_linked"], row["items_done"], row["completed_linked"]) == ("items+goal", 3, 1, 3.0)
    assert (row["value_at_start"], row["value_at_end"], row["kr_movement"]) == (10.0, 40.0, 30.0)
    kr2 = result[(result["sprint"] == "S1") & (result["kr_id"] == "KR-2")].iloc[0]
    assert kr2["completed_linked"] == 0.1 + 0.2 + 0.3 and (kr2["value_at_start"], kr2["value_at_end"]) == (10.0, 20.0)
    s2 = result[(result["sprint"] == "S2") & (result["kr_id"] == "KR-1")].iloc[0]
    assert np.isnan(s2["value_at_end"]) and np.isnan(s2["kr_movement"])  # the last check-in by 2 Feb has no value
    assert list(result[result["sprint"] == "S2"]["kr_id"]) == ["KR-1", "KR-2"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["KR-1", "KR-2", "KR-3"]), st.integers(0, 40),
                          st.one_of(st.floats(-5, 5), st.just(np.nan))), max_size=12, unique_by=lambda c: c[:2]),
       st.lists(st.tuples(st.sampled_from(["KR-1", "KR-2", "KR-4"]), st.one_of(st.none(), st.integers(0, 45))),
                max_size=10))
def test_last_values_equal_filtering_each_kr(checks, asked):
    day = pd.Timestamp("2024-01-01")
    checkins = pd.DataFrame({"kr_id": [c[0] for c in checks], "value": [c[2] for c in checks],
                             "date": pd.to_datetime([day + pd.Timedelta(days=c[1]) for c in checks])})
    days = [pd.NaT if offset is None else day + pd.Timedelta(days=offset) for _, offset in asked]
    values, found = last_values(checkins, [kr for kr, _ in asked], days)
    for (kr, _), when, value, seen in zip(asked, days, values, found):
        before = checkins[(checkins["kr_id"] == kr) & (checkins["date"] <= when)] if not pd.isna(when) else checkins.iloc[0:0]
        assert seen == (not before.empty)
        expected = before.sort_values("date")["value"].iloc[-1] if seen else np.nan
        assert (np.isnan(value) and np.isnan(expected)) or value == expected


# --- the KR drivers' sprint calendar from the sprint rows the page holds ---------------------------

def test_drivers_from_the_stored_sprints_equal_those_from_the_whole_calendar(tmp_path):
    """``calendar_of`` (the stored sprint rows, no item row read) is ``sprint_calendar`` without the
    sprints only items name, and the KR drivers from it are the drivers from the whole calendar: for
    every cycle of the demo plus a sprint only an item names, all teams and one, both units."""
    from datetime import date

    from data import aggregates, service
    from data.demo import load_demo
    from data.store import Store
    from analytics.sprint_metrics import sprint_states, sprints_in_order
    store = Store(str(tmp_path / "demo.duckdb"))
    load_demo(store, date(2026, 11, 25))
    linked_all = aggregates.linked_items(store, None)
    extra = linked_all.iloc[[0]].assign(sprint="Only in items", item_key="X-1", done=True)  # no sprints row
    as_of = date(2026, 11, 25)
    for teams in (None, store.teams()[:1]):
        whole = service.sprint_calendar(store, teams, as_of)
        ours = service.calendar_of(store.current("sprints", teams), as_of)
        stored = whole[whole["first_import"].notna()].reset_index(drop=True)  # the rows a sprints file brought
        pd.testing.assert_frame_equal(ours, stored.astype(ours.dtypes.to_dict()), check_exact=True)
        view = service.okr_view(store, teams, as_of)
        linked, checkins = aggregates.linked_items(store, teams), store.current("checkins", teams)
        # the calendar with one more sprint that only an item names (read from the items as sprint_calendar does)
        named = pd.concat([aggregates.item_sprints(store, teams), extra[["team", "sprint"]]], ignore_index=True)
        order = sprints_in_order(store.current("sprints", teams), named)
        whole_extra = order.assign(state=sprint_states(order["start_date"], order["end_date"], as_of))
        assert len(whole_extra) == len(whole) + (teams is None or extra["team"].iloc[0] in teams)
        for items, calendar in ((linked, whole), (pd.concat([linked, extra], ignore_index=True), whole_extra)):
            for cycle in [None, *dict.fromkeys(view.key_results["cycle"])]:
                for unit in ("points", "items"):
                    mine = service.cycle_drivers(ours, items, view.key_results, checkins, cycle, unit=unit)
                    theirs = service.cycle_drivers(calendar, items, view.key_results, checkins, cycle, unit=unit)
                    for a, b in zip(mine, theirs):
                        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_a_calendar_by_hand():
    from data.service import calendar_of
    sprints = table("sprints", [_sprint("S2", "2024-01-22", "2024-02-02"), _sprint("S1", "2024-01-08", "2024-01-19"),
                                _sprint("S0", None, None), _sprint("S9", "2024-01-01", "2024-01-12", team="Beta")])
    calendar = calendar_of(sprints, date_of("2024-01-25"))
    assert list(zip(calendar["team"], calendar["sprint"], calendar["state"])) == [
        ("Alpha", "S1", "closed"), ("Alpha", "S2", "running"), ("Alpha", "S0", "closed"), ("Beta", "S9", "closed")]
    assert calendar_of(table("sprints"), None).empty


def date_of(text: str):
    return pd.Timestamp(text).date()
