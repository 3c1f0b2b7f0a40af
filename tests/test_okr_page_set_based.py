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


# --- kr_drivers: the KRs' sprints by one join, their values by one as-of join ----------------------

from analytics.frames import column_list as _column_list, frame_rows as _frame_rows  # noqa: E402
from analytics.planning import (DRIVER_FIELDS, DRIVER_SPRINT_FIELDS, _ratio, _type_key, kr_drivers,  # noqa: E402
                                spearman)
from analytics.sprint_metrics import closed as _closed  # noqa: E402


def _values_on(history, days):
    dates, values, start = history
    seen = np.searchsorted(dates, days, side="right")
    if not len(values):
        return np.full(len(seen), start)
    return np.where(seen > 0, values[np.maximum(seen - 1, 0)], start)


def kr_drivers_per_kr(metrics, items, key_results, checkins, *, unit="points"):
    """The way it was: each KR's sprints filtered, its values looked up and its rows made one by one."""
    if key_results.empty or metrics.empty:
        return pd.DataFrame(columns=DRIVER_FIELDS), pd.DataFrame(columns=DRIVER_SPRINT_FIELDS)
    done = pd.DataFrame(columns=["team", "sprint", "key_result", "weight"])
    if not items.empty:
        classified = classify_items(items[items["key_result"].notna()], metrics, unit)
        done = classified[classified["is_done"]].groupby(["team", "sprint", "key_result"], as_index=False)["weight"].sum()
    linked = {(r.team, r.sprint, r.key_result): float(r.weight) for r in _frame_rows(done)}
    finished = _closed(metrics)
    finished = finished[finished["start_date"].notna() & finished["end_date"].notna()]
    columns = (finished["sprint"].to_numpy(dtype=object), finished["sprint_type"].to_numpy(dtype=object),
               pd.to_datetime(finished["start_date"]).to_numpy(dtype="datetime64[ns]"),
               pd.to_datetime(finished["end_date"]).to_numpy(dtype="datetime64[ns]"))
    teams = {team: tuple(column[rows] for column in columns)
             for team, rows in finished.groupby("team", sort=False).indices.items()}
    wanted = checkins[checkins["kr_id"].isin(set(_column_list(key_results["kr_id"])))] if not checkins.empty else checkins
    dated = wanted.assign(date=pd.to_datetime(wanted["date"])) if not wanted.empty else \
        pd.DataFrame({"kr_id": [], "date": pd.to_datetime([]), "value": []})
    ordered = dated.sort_values(["kr_id", "date"], kind="stable")
    days, values = ordered["date"].to_numpy(dtype="datetime64[ns]"), ordered["value"].astype(float).to_numpy()
    by_kr = {kr: (days[rows], values[rows]) for kr, rows in ordered.groupby("kr_id").indices.items()}
    nothing = (np.array([], dtype="datetime64[ns]"), np.array([], dtype=float))
    no_sprints = (np.array([], dtype=object), np.array([], dtype=object), nothing[0], nothing[0])
    summary, detail = [], []
    for kr in key_results.itertuples(index=False):
        names, kinds, starts, ends = teams.get(kr.team, no_sprints)
        inside = (starts >= np.datetime64(pd.Timestamp(kr.cycle_start), "ns")) & \
            (ends <= np.datetime64(pd.Timestamp(kr.cycle_end), "ns"))
        names, kinds, starts, ends = names[inside], kinds[inside], starts[inside], ends[inside]
        history = (*by_kr.get(kr.kr_id, nothing), float(kr.start_value))
        sign = -1.0 if kr.kr_type == "decrease" else 1.0
        change = sign * (_values_on(history, ends) - _values_on(history, starts))
        work = np.array([linked.get((kr.team, name, kr.kr_id), 0.0) for name in names], dtype=float)
        detail += [{"team": kr.team, "kr_id": kr.kr_id, "sprint": name, "sprint_type": kind,
                    "start_date": pd.Timestamp(start), "end_date": pd.Timestamp(end), "linked_completed": w,
                    "kr_change": float(c)} for name, kind, start, end, w, c in zip(names, kinds, starts, ends, work, change)]
        worked = work > 0
        types: dict[str, list[float]] = {}
        for kind, w, c in zip(kinds[worked], work[worked], change[worked]):
            sums = types.setdefault(_type_key(kind), [0.0, 0.0, 0])
            sums[0], sums[1], sums[2] = sums[0] + w, sums[1] + float(c), sums[2] + 1
        total_work, total_change = float(work[worked].sum()), float(change[worked].sum())
        summary.append({"team": kr.team, "cycle": kr.cycle, "kr_id": kr.kr_id, "key_result": kr.key_result,
                        "kr_type": kr.kr_type, "sprints": len(names), "sprints_with_work": int(worked.sum()),
                        "linked_completed": total_work, "kr_change": total_change,
                        "change_per_unit": _ratio(total_change, total_work), "correlation": spearman(work, change),
                        "by_sprint_type": [{"sprint_type": kind or None, "linked_completed": w, "kr_change": c,
                                            "change_per_unit": _ratio(c, w), "sprints": n}
                                           for kind, (w, c, n) in sorted(types.items())]})
    return pd.DataFrame(summary, columns=DRIVER_FIELDS), pd.DataFrame(detail, columns=DRIVER_SPRINT_FIELDS)


def _driver_cases():
    """A calendar of two teams (Beta: no OKRs), two cycles, a straddling sprint, an undated one, a
    running one; KRs of every kind, one without check-ins, one with a missing value, one decrease."""
    from data.service import calendar_of
    rows = []
    start = pd.Timestamp("2024-01-01")
    for team in ("Alpha", "Beta"):
        for n in range(14):
            first = start + pd.Timedelta(days=14 * n)
            rows.append(_sprint(f"{team}-S{n}", first, first + pd.Timedelta(days=11), team=team)
                        | {"sprint_type": ["feature", "hardening", None][n % 3]})
        rows.append(_sprint(f"{team}-undated", None, None, team=team))
    sprints = table("sprints", rows)
    calendar = calendar_of(sprints, date_of("2024-06-10"))
    def kr(kr_id, cycle, first, last, kind="increase", start_value=0.0):
        return _kr(kr_id, start_value) | {"cycle": cycle, "cycle_start": pd.Timestamp(first), "cycle_end": pd.Timestamp(last),
                                          "kr_type": kind}
    key_results = pd.DataFrame([
        kr("KR-1", "Q1", "2024-01-01", "2024-03-31"), kr("KR-2", "Q1", "2024-01-01", "2024-03-31", "decrease", 50.0),
        kr("KR-3", "Q1", "2024-01-10", "2024-03-31", start_value=np.nan),  # straddling sprint left out
        kr("KR-4", "Q2", "2024-04-01", "2024-06-30"),                      # the running sprint is not closed
        kr("KR-5", "Q2", "2024-04-01", "2024-06-30", "milestone"), kr("KR-6", "Q3", "2024-07-01", "2024-09-30")])
    checkins = pd.DataFrame([
        {"kr_id": "KR-1", "date": "2024-01-20", "value": 10.0}, {"kr_id": "KR-1", "date": "2024-01-12", "value": 5.0},
        {"kr_id": "KR-1", "date": "2024-02-23", "value": 30.0}, {"kr_id": "KR-1", "date": "2024-03-08", "value": np.nan},
        {"kr_id": "KR-2", "date": "2024-01-26", "value": 40.0}, {"kr_id": "KR-2", "date": "2024-03-22", "value": 35.0},
        {"kr_id": "KR-3", "date": "2024-02-01", "value": 3.0}, {"kr_id": "KR-4", "date": "2024-05-01", "value": 7.0},
        {"kr_id": "KR-9", "date": "2024-02-01", "value": 1.0}])
    checkins["date"] = pd.to_datetime(checkins["date"])
    items = table("sprint_items", [
        _item("I1", "Alpha-S1", 3, "KR-1", done=True), _item("I2", "Alpha-S1", 2, "KR-2", done=True),
        _item("I3", "Alpha-S3", 5, "KR-1", done=True), _item("I4", "Alpha-S4", 1, "KR-1"),
        _item("I5", "Alpha-S5", 8, "KR-1", done=True), _item("I6", "Alpha-S2", 4, "KR-2", done=True),
        _item("I7", "Alpha-S8", 2, "KR-4", done=True), _item("I8", "Alpha-undated", 2, "KR-1", done=True)])
    yield calendar, items, key_results, checkins
    yield calendar, items.iloc[0:0], key_results, checkins                 # no linked work
    yield calendar, items, key_results, checkins.iloc[0:0]                 # no check-ins
    yield calendar, items, key_results.iloc[[0]], checkins                 # one KR
    yield calendar[calendar["team"] == "Beta"], items, key_results, checkins  # no sprints of the KRs' team
    yield calendar.iloc[0:0], items, key_results, checkins                 # no sprints at all
    yield calendar, items, key_results.iloc[0:0], checkins                 # no key results
    yield _as_store_reads(calendar), _as_store_reads(items), _as_store_reads(key_results), checkins


def test_kr_drivers_equal_the_per_kr_way():
    for case in _driver_cases():
        for unit in ("points", "items"):
            for mine, theirs in zip(kr_drivers(*case, unit=unit), kr_drivers_per_kr(*case, unit=unit)):
                _same_frames(mine, theirs)


def _same_frames(mine: pd.DataFrame, theirs: pd.DataFrame) -> None:
    """Equal frames; a column of lists of dicts compared by its text (a NaN inside a dict is equal
    only to itself, so two equal lists made apart would differ)."""
    lists = [c for c in theirs.columns if theirs[c].map(lambda v: isinstance(v, list)).any()]
    pd.testing.assert_frame_equal(mine.drop(columns=lists), theirs.drop(columns=lists), check_exact=True)
    for column in lists:
        assert mine[column].map(repr).tolist() == theirs[column].map(repr).tolist(), column


def test_kr_drivers_by_hand():
    summary, detail = kr_drivers(*next(_driver_cases()))
    one = summary.set_index("kr_id")
    # KR-1 in Q1: S0 … S5 (S6 ends 1 Apr); work in S1 (3), S3 (5), S5 (8), S4's item is open
    assert (one.loc["KR-1", "sprints"], one.loc["KR-1", "sprints_with_work"], one.loc["KR-1", "linked_completed"]) == (6, 3, 16.0)
    sprints = detail[detail["kr_id"] == "KR-1"].set_index("sprint")
    # S1 runs 15–26 Jan: 5 on the 15th (the 12th's check-in), 10 on the 26th; S3 12–23 Feb: 10 → 30;
    # S5 11–22 Mar: the last check-in by then (8 Mar) has no value
    assert sprints.loc["Alpha-S1", "kr_change"] == 5.0 and sprints.loc["Alpha-S3", "kr_change"] == 20.0
    assert np.isnan(sprints.loc["Alpha-S5", "kr_change"]) and list(sprints.index) == [f"Alpha-S{n}" for n in range(6)]
    # KR-2 decreases: 50 (start) on 15 Jan → 40 on 26 Jan counts as +10 for S1
    assert detail[(detail["kr_id"] == "KR-2") & (detail["sprint"] == "Alpha-S1")]["kr_change"].iloc[0] == 10.0
    assert one.loc["KR-3", "sprints"] == 5 and one.loc["KR-6", "sprints"] == 0  # S0 straddles KR-3's start


# --- with_revision_counts: counted once, looked up per key result ------------------------------------

def test_revision_counts_equal_counting_per_key_result():
    from analytics.okr_revisions import with_revision_counts

    def per_row(kr_status, revisions):
        counts = revisions.groupby("kr_id").size() if not revisions.empty else pd.Series(dtype=int)
        return kr_status.assign(revisions=[int(counts.get(kr, 0)) for kr in kr_status["kr_id"]])

    krs = pd.DataFrame({"kr_id": ["KR-1", "KR-2", None, "KR-3", "KR-1"], "progress": [0.1, 0.2, 0.3, 0.4, 0.5]})
    revisions = pd.DataFrame({"kr_id": ["KR-1", "KR-1", "KR-3", None, "KR-9"], "import_id": [2, 3, 2, 4, 5]})
    for kr_status in (krs, krs.astype({"kr_id": "str"}), krs.iloc[0:0], krs.iloc[[1]]):
        for changes in (revisions, revisions.astype({"kr_id": "str"}), revisions.iloc[0:0]):
            pd.testing.assert_frame_equal(with_revision_counts(kr_status, changes), per_row(kr_status, changes))
    assert with_revision_counts(krs, revisions)["revisions"].tolist() == [2, 0, 0, 1, 2]
