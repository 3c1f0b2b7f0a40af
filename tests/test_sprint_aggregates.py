"""Item rows summed per sprint in DuckDB (data.aggregates) against the same totals in pandas, and the
sprint table built from them against sprint_metrics on item frames: one metric path, same figures.

Calendar (2024): S1 runs Mon 8 Jan – Fri 19 Jan, S2 Mon 22 Jan – Fri 2 Feb.
"""
from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.sprint_metrics import ITEM_TOTALS, item_totals, next_sprints, sprint_metrics, sprints_in_order
from data import aggregates, service
from data.demo import load_demo, write_tables
from data.settings import setting
from data.store import Store
from tests.support import table


def write(store: Store, sprints=(), items=(), teams=("Alpha", "Beta")) -> None:
    write_tables(store, [("teams", "teams", table("teams", [{"team": t, "unit": "points"} for t in teams])),
                         ("sprints", "sprints", table("sprints", sprints).assign(file_order=range(len(sprints)))),
                         ("sprint_items", "sprint_items", table("sprint_items", items))], source="test")


def sprint(team, name, start=None, end=None, **fields) -> dict:
    return {"team": team, "sprint": name, "start_date": start, "end_date": end, **fields}


def item(team, name, key, estimate, **fields) -> dict:
    return {"team": team, "sprint": name, "item_key": key, "estimate": estimate, **fields}


HAND_SPRINTS = [sprint("Alpha", "S1", "2024-01-08", "2024-01-19"), sprint("Alpha", "S2", "2024-01-22", "2024-02-02"),
                sprint("Beta", "S1", "2024-01-08", "2024-01-19")]
HAND_ITEMS = [
    item("Alpha", "S1", "A1", 3, committed_at_start=True, done=True),               # committed, done
    item("Alpha", "S1", "A2", 5, done_on="2024-01-15"),                             # committed (not added), done by date
    item("Alpha", "S1", "A3", 2, added_on="2024-01-10", done=True),                 # added after start, done
    item("Alpha", "S1", "A4", 8, committed_at_start=True, removed=True, done=True), # removed: not done
    item("Alpha", "S1", "A5", 1, committed_at_start=True),                          # open, in S2: carried over
    item("Alpha", "S1", "A6", 4, committed_at_start=True, done_on="2024-01-22"),    # done after the end: late
    item("Alpha", "S1", "A7", None, committed_at_start=True, done=True),            # no estimate: 0 points, 1 item
    item("Alpha", "S2", "A5", 1, committed_at_start=True, done=True),
    item("Alpha", "X", "B1", 2, done=True, commitment_basis="inferred"),            # a sprint only items name
    item("Beta", "S1", "C1", 13, committed_at_start=True, done=True),
]


def expected(rows) -> pd.DataFrame:
    columns = ["team", "sprint", "committed", "added", "removed", "completed", "completed_committed",
               "completed_late", "carried_over", "inferred"]
    return pd.DataFrame(rows, columns=columns)[ITEM_TOTALS]


def totals_both_ways(store: Store, teams, unit: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The SQL totals and the pandas totals of the same store, sorted alike."""
    order = sprints_in_order(store.current("sprints", teams), aggregates.item_sprints(store, teams))
    in_sql = aggregates.item_totals(store, teams, next_sprints(order), unit)
    in_pandas = item_totals(store.current("sprint_items", teams), order, unit)
    tidy = lambda frame: frame.sort_values(["team", "sprint"]).reset_index(drop=True).astype(
        {c: float for c in ITEM_TOTALS[2:-1]} | {"inferred": bool})
    return tidy(in_sql), tidy(in_pandas)


@pytest.mark.parametrize("unit, rows", [
    ("points", [
        # committed A1 3 + A2 5 + A4 8 + A5 1 + A6 4 + A7 0 = 21; added A3 2; removed A4 8;
        # completed A1 3 + A2 5 + A3 2 + A7 0 = 10, of them committed 8; late A6 4; carried A5 1
        ("Alpha", "S1", 21.0, 2.0, 8.0, 10.0, 8.0, 4.0, 1.0, False),
        ("Alpha", "S2", 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, False),      # next is X, which has no A5
        ("Alpha", "X", 2.0, 0.0, 0.0, 2.0, 2.0, 0.0, 0.0, True),        # no dates: not added, not late
    ]),
    ("items", [
        # committed A1 A2 A4 A5 A6 A7 = 6; added A3; removed A4; completed A1 A2 A3 A7 = 4 (3 committed)
        ("Alpha", "S1", 6.0, 1.0, 1.0, 4.0, 3.0, 1.0, 1.0, False),
        ("Alpha", "S2", 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, False),
        ("Alpha", "X", 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, True),
    ]),
])
def test_item_totals_in_sql_match_the_hand_count_and_pandas(store, unit, rows):
    write(store, HAND_SPRINTS, HAND_ITEMS)
    in_sql, in_pandas = totals_both_ways(store, ["Alpha"], unit)
    pd.testing.assert_frame_equal(in_sql, expected(rows), check_exact=True)
    pd.testing.assert_frame_equal(in_pandas, expected(rows), check_exact=True)


def test_both_units_from_one_query_are_each_units_own_totals(store):
    """The sprint tables' data in points and items from one reading of the items (what a page caches,
    so that switching the unit asks nothing more) is, per unit, the hand count above."""
    write(store, HAND_SPRINTS, HAND_ITEMS)
    order = sprints_in_order(store.current("sprints", ["Alpha"]), aggregates.item_sprints(store, ["Alpha"]))
    both = aggregates.item_totals_by_unit(store, ["Alpha"], next_sprints(order))
    assert list(both) == ["points", "items"]
    tidy = lambda frame: frame.sort_values(["team", "sprint"]).reset_index(drop=True).astype(
        {c: float for c in ITEM_TOTALS[2:-1]} | {"inferred": bool})
    assert tidy(both["points"])["committed"].tolist() == [21.0, 1.0, 2.0]
    assert tidy(both["items"])["committed"].tolist() == [6.0, 1.0, 1.0]
    for unit in ("points", "items"):
        pd.testing.assert_frame_equal(tidy(both[unit]), totals_both_ways(store, ["Alpha"], unit)[0], check_exact=True)
    totals = service.sprint_totals(store, ["Alpha"])
    for unit in ("points", "items"):
        for as_of in (None, date(2024, 1, 25)):
            pd.testing.assert_frame_equal(service.sprint_table_of(totals, unit, as_of),
                                          service.sprint_table(store, ["Alpha"], unit, as_of), check_exact=True)
    with pytest.raises(ValueError, match="unit must be"):
        service.sprint_table(store, ["Alpha"], "hours")


def test_every_team_when_none_is_named_and_nothing_without_sprints(store):
    assert aggregates.item_totals(store, None, next_sprints(sprints_in_order(
        store.current("sprints"), aggregates.item_sprints(store, None))), "points").empty
    write(store, HAND_SPRINTS, HAND_ITEMS)
    in_sql, _ = totals_both_ways(store, None, "points")
    assert list(zip(in_sql["team"], in_sql["sprint"])) == [("Alpha", "S1"), ("Alpha", "S2"), ("Alpha", "X"),
                                                            ("Beta", "S1")]
    assert in_sql.iloc[-1]["completed"] == 13.0
    assert totals_both_ways(store, ["Gamma"], "points")[0].empty


def test_the_sprint_table_from_sql_totals(store):
    write(store, HAND_SPRINTS, HAND_ITEMS)
    table_ = service.sprint_table(store, ["Alpha"], "points", date(2024, 1, 25))
    assert list(table_["sprint"]) == ["S1", "S2", "X"]              # undated after the dated ones
    s1 = table_.iloc[0]
    assert (s1["committed"], s1["completed"], s1["carried_over"], s1["completed_late"]) == (21.0, 10.0, 1.0, 4.0)
    assert s1["not_completed"] == 21 + 2 - 8 - 10                   # C0 + A − R − D = 5
    assert s1["say_do_ratio"] == 10 / 21
    assert list(table_["state"]) == ["closed", "running", "closed"]
    assert table_.iloc[2]["commitment_basis"] == "inferred"


def test_a_sprints_items_only(store):
    write(store, HAND_SPRINTS, HAND_ITEMS)
    rows = aggregates.sprint_items(store, "Alpha", ["S2", "X"])
    assert list(zip(rows["sprint"], rows["item_key"])) == [("S2", "A5"), ("X", "B1")]
    whole = store.current("sprint_items", ["Alpha"])
    # the same rows and values (a boolean column without nulls comes back as plain bool)
    pd.testing.assert_frame_equal(rows, whole[whole["sprint"].isin(["S2", "X"])].reset_index(drop=True),
                                  check_dtype=False)


def old_way(store: Store, teams, unit: str, as_of) -> pd.DataFrame:
    """The sprint table as it was computed before: every item row through sprint_metrics."""
    return sprint_metrics(store.current("sprints", teams), store.current("sprint_items", teams), unit=unit,
                          band=(setting("DASHBOARD_BAND_LOW"), setting("DASHBOARD_BAND_HIGH")),
                          window=setting("DASHBOARD_VELOCITY_WINDOW"), as_of=as_of,
                          regions=service.regions(store, teams))


def test_demo_store_sql_path_equals_the_item_path(store):
    load_demo(store, date(2026, 11, 25))
    team = store.teams()[0]
    for unit in ("points", "items"):
        for teams in (None, [team]):
            for as_of in (None, date(2026, 11, 25)):
                pd.testing.assert_frame_equal(service.sprint_table(store, teams, unit, as_of),
                                              old_way(store, teams, unit, as_of), check_exact=True)


# --- generated stores -------------------------------------------------------------------------
BASE = date(2024, 1, 8)
day = st.one_of(st.none(), st.sampled_from([-1, 0, 3, 11, 12, 13, 20, 30])).map(
    lambda offset: None if offset is None else BASE + timedelta(days=offset))
flag = st.sampled_from([None, True, False])


@st.composite
def organisations(draw):
    sprints, items = [], []
    for team in ("Alpha", "Beta"):
        names = draw(st.lists(st.sampled_from(["S1", "S2", "S3", "S4"]), unique=True, max_size=4))
        for name in names:
            start = draw(st.sampled_from([None, 0, 14, 14, 28]))
            begin = None if start is None else BASE + timedelta(days=start)
            end = None if begin is None or draw(st.booleans()) and draw(st.booleans()) else begin + timedelta(days=11)
            sprints.append(sprint(team, name, begin, end,
                                  committed=draw(st.sampled_from([None, 10.0, 0.0])),
                                  completed=draw(st.sampled_from([None, 8.0])),
                                  sprint_type=draw(st.sampled_from([None, "regular"]))))
        for _ in range(draw(st.integers(0, 14))):
            items.append(item(team, draw(st.sampled_from([*names, "X", "Y"])), draw(st.sampled_from(["K1", "K2", "K3"])),
                              draw(st.sampled_from([None, 0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 0.1, 0.2, 0.7])),
                              committed_at_start=draw(flag), added_on=draw(day), removed=draw(flag), done=draw(flag),
                              done_on=draw(day), commitment_basis=draw(st.sampled_from(["recorded", "inferred"]))))
    unique = {(row["team"], row["sprint"], row["item_key"]): row for row in items}  # the store's key
    return sprints, list(unique.values())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisation=organisations(), as_of=st.sampled_from([None, date(2024, 1, 15), date(2024, 2, 20)]))
def test_generated_stores_sql_path_equals_the_item_path(organisation, as_of):
    sprints, items = organisation
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "generated.duckdb")
        write(store, sprints, items)
        # the reads in one connection, as a page's run makes them (a connection per read was 40 % of the test's time)
        with store.session():
            for unit, teams in (("points", None), ("items", None), ("points", ["Beta"])):
                pd.testing.assert_frame_equal(service.sprint_table(store, teams, unit, as_of),
                                              old_way(store, teams, unit, as_of), check_exact=True)
            assert_item_only_sprints(store, None)
            assert_item_only_sprints(store, ["Beta"])
            both = service.sprint_totals(store, None)  # both units from one query: each as computed alone
            for unit in ("points", "items"):
                pd.testing.assert_frame_equal(service.sprint_table_of(both, unit, as_of),
                                              old_way(store, None, unit, as_of), check_exact=True)


def assert_item_only_sprints(store: Store, teams) -> None:
    """The store's item-only sprints are item_sprints without those with a sprints row, in its order."""
    stored = store.current("sprints", teams)
    known = set(zip(stored["team"], stored["sprint"]))
    named = aggregates.item_sprints(store, teams)
    expected = [(t, s) for t, s in zip(named["team"], named["sprint"]) if (t, s) not in known]
    found = aggregates.item_only_sprints(store, teams)
    assert list(found.columns) == ["team", "sprint"]
    assert list(zip(found["team"], found["sprint"])) == expected


def test_item_only_sprints_are_the_ones_without_a_sprints_row(store):
    assert aggregates.item_only_sprints(store, None).empty
    write(store, HAND_SPRINTS, [*HAND_ITEMS, item("Beta", "Z9", "C2", 1), item("Beta", "A0", "C3", 1)])
    found = aggregates.item_only_sprints(store, None)
    assert list(zip(found["team"], found["sprint"])) == [("Alpha", "X"), ("Beta", "A0"), ("Beta", "Z9")]
    found = aggregates.item_only_sprints(store, ["Beta"])
    assert list(zip(found["team"], found["sprint"])) == [("Beta", "A0"), ("Beta", "Z9")]
    assert_item_only_sprints(store, None)


def test_sums_are_exact_and_the_same_in_any_order(store):
    # in whole millionths 0.1 + 0.2 + 0.3 is 0.6; as floats it is 0.6000000000000001 left to right
    # and 0.6 right to left
    rows = [item("Alpha", "S1", key, estimate, committed_at_start=True, done=True)
            for key, estimate in (("A1", 0.1), ("A2", 0.2), ("A3", 0.3))]
    write(store, HAND_SPRINTS[:1], rows)
    in_sql, in_pandas = totals_both_ways(store, ["Alpha"], "points")
    assert in_sql.loc[0, "committed"] == in_pandas.loc[0, "committed"] == 0.6
    reversed_frame = store.current("sprint_items", ["Alpha"]).iloc[::-1]
    order = sprints_in_order(store.current("sprints", ["Alpha"]), reversed_frame)
    assert item_totals(reversed_frame, order, "points").loc[0, "completed"] == 0.6


def test_teams_with_sprints_in_the_sprint_tables_order(store):
    assert aggregates.teams_with_sprints(store, None) == []
    write(store, HAND_SPRINTS, [*HAND_ITEMS, item("Ärger", "Z1", "D1", 1)], teams=("Alpha", "Beta", "Ärger", "Idle"))
    everything = service.sprint_table(store, None)
    assert aggregates.teams_with_sprints(store, None) == list(dict.fromkeys(everything["team"])) \
        == ["Alpha", "Beta", "Ärger"]                      # Ärger has item rows only; Idle nothing
    assert aggregates.teams_with_sprints(store, ["Beta", "Idle"]) == ["Beta"]
