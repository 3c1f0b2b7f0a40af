"""The store, on both kinds (the embedded DuckDB file and DuckLake on a real PostgreSQL): migrations,
round trips, re-import by natural key, undo, atomicity, threads."""
from __future__ import annotations

import threading

import duckdb
import pandas as pd
import pytest

from data.errors import ImportFailed, UndoRefused
from data.importer import import_uploads
from data.schema import MIGRATIONS, SCHEMA_VERSION
from data.store import Store
from tests.support import snapshot, upload

OKRS = """team,cycle,cycle_start,cycle_end,objective_id,objective,kr_id,key_result,start_value,target_value
Nord,Q1,2026-01-01,2026-03-31,O1,Mehr Kunden,KR1,40 Meetings,0,40
Nord,Q1,2026-01-01,2026-03-31,O1,Mehr Kunden,KR2,Antwortzeit 4 h,9,4
"""
SPRINTS = """team,sprint,start_date,end_date,goal,committed,completed
Nord,S1,2026-01-05,2026-01-16,Erstkontakte,20,18
Nord,S2,2026-01-19,2026-01-30,Pipeline,22,15
"""
ITEMS = """team,sprint,item_key,estimate,committed_at_start,done
Nord,S1,A-1,3,yes,yes
Nord,S1,A-2,5,yes,no
Nord,S2,A-2,5,yes,yes
"""


# the tests that say nothing kind-specific run on the embedded file only (keeps the suite's time)
EMBEDDED = pytest.mark.parametrize("store_target", ["duckdb"], indirect=True)


@pytest.fixture
def store(store_target):
    """Every test of this file that takes ``store`` runs on each kind of store (conftest.store_target)."""
    db = Store(store_target)
    yield db
    db.close()


def test_migrations_apply_once_and_twice_is_harmless(tmp_path):
    path = tmp_path / "twice.duckdb"
    first = Store(path)
    assert first.schema_version() == SCHEMA_VERSION
    assert first.migrate() == SCHEMA_VERSION
    first.close()
    again = Store(path)  # a second start on the same file
    with again.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)  # one row each
    again.close()


def test_round_trip_keeps_values_and_types(store):
    import_uploads(store, [upload("okrs.csv", OKRS), upload("sprints.csv", SPRINTS), upload("items.csv", ITEMS)])
    sprints = store.current("sprints")
    assert list(sprints["sprint"]) == ["S1", "S2"]
    assert sprints.loc[0, "start_date"] == pd.Timestamp("2026-01-05")
    assert sprints.loc[1, "committed"] == 22.0 and sprints.loc[1, "completed"] == 15.0
    assert list(sprints["commitment_basis"]) == ["recorded", "recorded"]
    krs = store.current("key_results")
    assert krs.set_index("kr_id")["kr_type"].to_dict() == {"KR1": "increase", "KR2": "decrease"}
    items = store.current("sprint_items")
    assert items[["sprint", "item_key", "done"]].values.tolist() == [["S1", "A-1", True], ["S1", "A-2", False],
                                                                     ["S2", "A-2", True]]
    assert store.teams() == ["Nord"]


def test_reimport_of_the_same_file_changes_nothing(store):
    import_uploads(store, [upload("sprints.csv", SPRINTS)])
    before = store.versions("sprints")
    result = import_uploads(store, [upload("sprints.csv", SPRINTS)])
    assert [(f.inserted, f.updated, f.unchanged) for f in result.files] == [(0, 0, 2)]
    assert len(store.current("sprints")) == 2
    pd.testing.assert_frame_equal(store.versions("sprints"), before)


def test_overlapping_reimport_updates_by_key_and_keeps_history(store):
    import_uploads(store, [upload("sprints.csv", SPRINTS)])
    changed = SPRINTS.replace("S2,2026-01-19,2026-01-30,Pipeline,22,15", "S2,2026-01-19,2026-01-30,Pipeline,22,19")
    result = import_uploads(store, [upload("sprints.csv", changed + "Nord,S3,2026-02-02,2026-02-13,Neu,10,10\n")])
    assert [(f.inserted, f.updated, f.unchanged) for f in result.files] == [(1, 1, 1)]
    current = store.current("sprints").set_index("sprint")
    assert current.loc["S2", "completed"] == 19.0
    assert len(current) == 3
    history = store.versions("sprints")
    s2 = history[history["sprint"] == "S2"]
    assert list(s2["completed"]) == [15.0, 19.0]
    assert list(s2["superseded_by"].isna()) == [False, True]


@EMBEDDED
def test_a_column_absent_from_the_file_keeps_its_stored_value(store):
    import_uploads(store, [upload("sprints.csv", SPRINTS)])
    import_uploads(store, [upload("calendar.csv", "team,sprint,sprint_type\nNord,S1,acquisition\n")])
    s1 = store.current("sprints").set_index("sprint").loc["S1"]
    assert s1["sprint_type"] == "acquisition"
    assert s1["goal"] == "Erstkontakte" and s1["committed"] == 20.0  # not in the second file: kept


def test_undo_restores_exactly_the_state_before(store):
    import_uploads(store, [upload("okrs.csv", OKRS), upload("sprints.csv", SPRINTS)])
    before = snapshot(store)
    changed = SPRINTS.replace(",20,18", ",20,20")
    result = import_uploads(store, [upload("sprints.csv", changed), upload("items.csv", ITEMS)])
    assert store.current("sprints").set_index("sprint").loc["S1", "completed"] == 20.0
    store.undo(result.import_id)
    after = snapshot(store)
    assert store.current("sprints").set_index("sprint").loc["S1", "completed"] == 18.0
    assert store.current("sprint_items").empty
    # data tables identical; the log keeps the undone import, marked
    for table in before:
        if table not in ("imports", "import_files"):
            assert after[table] == before[table], table
    history = store.history()
    assert history.loc[history["import_id"] == result.import_id, "undone_at"].notna().all()


def test_undo_refuses_when_a_later_import_changed_the_rows(store):
    first = import_uploads(store, [upload("sprints.csv", SPRINTS)])
    import_uploads(store, [upload("sprints.csv", SPRINTS.replace(",22,15", ",22,16"))])
    with pytest.raises(UndoRefused, match="later import"):
        store.undo(first.import_id)
    with pytest.raises(UndoRefused, match="no import 99"):
        store.undo(99)


@EMBEDDED
def test_undo_twice_is_refused(store):
    result = import_uploads(store, [upload("sprints.csv", SPRINTS)])
    store.undo(result.import_id)
    with pytest.raises(UndoRefused, match="already undone"):
        store.undo(result.import_id)


@EMBEDDED
def test_undo_of_an_older_independent_import_is_allowed(store):
    first = import_uploads(store, [upload("okrs.csv", OKRS)])
    import_uploads(store, [upload("sprints.csv", SPRINTS)])
    store.undo(first.import_id)
    assert store.current("key_results").empty
    assert len(store.current("sprints")) == 2


def test_all_files_of_a_call_or_none(store):
    import_uploads(store, [upload("okrs.csv", OKRS)])
    before = snapshot(store)
    bad_checkins = "kr_id,date,value\nKR1,2026-01-09,4\nKR9,2026-01-09,4\n"
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [upload("sprints.csv", SPRINTS), upload("checkins.csv", bad_checkins)])
    problem = failure.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("checkins.csv", 3, "kr_id")
    assert "KR9" in problem.message
    assert snapshot(store) == before


def test_dry_run_counts_and_writes_nothing(store):
    before = snapshot(store)
    result = import_uploads(store, [upload("sprints.csv", SPRINTS)], dry_run=True)
    assert result.dry_run and result.import_id is None
    assert [(f.inserted, f.updated, f.unchanged) for f in result.files] == [(2, 0, 0)]
    assert snapshot(store) == before


def test_an_import_interrupted_midway_leaves_the_store_as_it_was(store, monkeypatch):
    import_uploads(store, [upload("okrs.csv", OKRS)])
    before = snapshot(store)
    real_upsert = Store._upsert
    calls = {"n": 0}

    def failing_after_some_rows(self, cur, frame, import_id, touched):
        calls["n"] += 1
        if calls["n"] == 3:  # teams and sprints are written by now; the items table is next
            raise RuntimeError("disk full (injected)")
        return real_upsert(self, cur, frame, import_id, touched)

    monkeypatch.setattr(Store, "_upsert", failing_after_some_rows)
    with pytest.raises(RuntimeError, match="injected"):
        import_uploads(store, [upload("sprints.csv", SPRINTS), upload("items.csv", ITEMS)])
    assert calls["n"] == 3
    monkeypatch.setattr(Store, "_upsert", real_upsert)
    assert snapshot(store) == before
    # and the store still works afterwards
    result = import_uploads(store, [upload("sprints.csv", SPRINTS), upload("items.csv", ITEMS)])
    assert [f.inserted for f in result.files] == [2, 3]


def test_two_imports_from_two_threads_at_once_both_land(store):
    other = SPRINTS.replace("Nord", "Süd")
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(name: str, text: str) -> None:
        try:
            start.wait()
            import_uploads(store, [upload(name, text)])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=("nord.csv", SPRINTS)),
               threading.Thread(target=run, args=("sued.csv", other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    sprints = store.current("sprints")
    assert sorted(zip(sprints["team"], sprints["sprint"])) == [("Nord", "S1"), ("Nord", "S2"), ("Süd", "S1"), ("Süd", "S2")]
    assert sorted(store.history()["import_id"]) == [1, 2]


@EMBEDDED
def test_readers_in_threads_while_an_import_runs(store):
    import_uploads(store, [upload("sprints.csv", SPRINTS)])
    seen: list[int] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(20):
                seen.append(len(store.current("sprints")))
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    import_uploads(store, [upload("more.csv", "team,sprint,committed,completed\nNord,S9,5,5\n")])
    for reader in readers:
        reader.join(timeout=60)
    assert errors == []
    assert set(seen) <= {2, 3}  # a reader sees the state before or after, never half of it


HOSTILE = ["=HYPERLINK(\"http://x\",\"klick\")", "<script>alert(1)</script>", "'; DROP TABLE sprints; --",
           "Umlaute äöüß € 🚀", "**bold** _md_ [link](x)", "x" * 5000, "Zeile 1\nZeile 2"]


@EMBEDDED
def test_hostile_strings_are_stored_and_read_back_exactly(store):
    lines = ["team,sprint,goal"] + [f'Nord,S{i},"{text.replace(chr(34), chr(34) * 2)}"' for i, text in enumerate(HOSTILE)]
    import_uploads(store, [upload("hostile.csv", "\n".join(lines) + "\n")])
    goals = store.current("sprints").set_index("sprint")["goal"]
    assert [goals[f"S{i}"] for i in range(len(HOSTILE))] == HOSTILE
    assert store.current("sprints")["team"].unique().tolist() == ["Nord"]


@EMBEDDED
def test_team_filter_applies_to_checkins_through_their_key_results(store):
    import_uploads(store, [upload("okrs.csv", OKRS + "Süd,Q1,2026-01-01,2026-03-31,O9,X,KR9,Y,0,10\n"),
                           upload("checkins.csv", "kr_id,date,value\nKR1,2026-01-09,4\nKR9,2026-01-09,2\n")])
    assert store.current("checkins", ["Nord"])["kr_id"].tolist() == ["KR1"]
    assert store.current("checkins", ["Süd"])["kr_id"].tolist() == ["KR9"]
    assert store.current("checkins", [])["kr_id"].tolist() == []


@EMBEDDED
def test_is_empty_and_has_data(store):
    assert store.is_empty() and not store.has_data()
    result = import_uploads(store, [upload("sprints.csv", SPRINTS)])
    assert not store.is_empty() and store.has_data()
    store.undo(result.import_id)
    assert not store.is_empty() and not store.has_data()  # undone imports still count as "ever imported"


def test_data_version_changes_with_imports_and_undo(store):
    v0 = store.data_version()
    result = import_uploads(store, [upload("sprints.csv", SPRINTS)])
    v1 = store.data_version()
    store.undo(result.import_id)
    assert len({v0, v1, store.data_version()}) == 3


@EMBEDDED
def test_import_log_records_file_hash_kind_source_and_rows(store):
    import_uploads(store, [upload("sprints.csv", SPRINTS)], source="template")
    log = store.import_files()
    import hashlib
    assert log.loc[0, "file_name"] == "sprints.csv"
    assert log.loc[0, "content_hash"] == hashlib.sha256(SPRINTS.encode()).hexdigest()
    assert (log.loc[0, "kind"], log.loc[0, "source"], log.loc[0, "rows"]) == ("sprints", "template", 2)
    assert store.history().loc[0, "imported_at"] is not pd.NaT


def test_a_version_1_store_is_migrated_and_keeps_its_rows(tmp_path, monkeypatch):
    import data.store as store_module
    from data.schema import MIGRATIONS
    path = tmp_path / "old.duckdb"
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:1])
    old = Store(path)
    assert old.schema_version() == 1
    with old.cursor() as cur:  # a row as version 1 wrote it, before items knew their commitment basis
        cur.execute("INSERT INTO sprint_items (team, sprint, item_key, estimate, done, import_id) "
                    "VALUES ('Nord', 'S1', 'A-1', 3, true, 1)")
    old.close()
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS)
    new = Store(path)
    assert new.schema_version() == SCHEMA_VERSION == MIGRATIONS[-1][0]
    items = new.current("sprint_items")
    assert items[["item_key", "estimate", "commitment_basis"]].values.tolist() == [["A-1", 3.0, "recorded"]]
    new.close()


def test_migration_3_adds_region_days_off_and_file_order_and_keeps_rows(tmp_path, monkeypatch):
    import data.store as store_module
    from data.schema import MIGRATIONS
    path = tmp_path / "v2.duckdb"
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:2])
    old = Store(path)
    with old.cursor() as cur:  # a team and a sprint as version 2 wrote them
        cur.execute("INSERT INTO teams (team, unit, import_id) VALUES ('Nord', 'points', 1)")
        cur.execute("INSERT INTO sprints (team, sprint, start_date, end_date, import_id) "
                    "VALUES ('Nord', 'S1', DATE '2026-03-02', DATE '2026-03-13', 1)")
    old.close()
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS)
    new = Store(path)
    assert new.current("teams")[["team", "unit", "region"]].values.tolist() == [["Nord", "points", None]]
    sprint = new.current("sprints").iloc[0]
    assert (sprint["sprint"], pd.isna(sprint["days_off"]), pd.isna(sprint["file_order"]), sprint["first_import"]) == \
        ("S1", True, True, 1)
    new.close()


def schema_of(store: Store) -> dict[str, list[tuple[str, str]]]:
    """Every table of the store with its columns and types, in order."""
    with store.cursor() as cur:
        rows = cur.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                           "WHERE database_name = current_database() AND schema_name = 'main' "
                           "ORDER BY table_name, column_index").fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, sql_type in rows:
        found.setdefault(table, []).append((column, sql_type))
    return found


def test_a_version_4_file_store_upgrades_in_place_to_the_schema_both_kinds_share(tmp_path, monkeypatch):
    """Migration 5 on a file made by the released versions (a sequence for import ids, primary keys):
    both gone, every row kept, numbering continued, and the schema exactly a new store's."""
    import data.store as store_module
    from data.schema import MIGRATIONS
    path = tmp_path / "v4.duckdb"
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:4])
    monkeypatch.setattr(store_module, "PORTABLE", {})  # as versions 1–4 made every store
    with duckdb.connect(str(path)) as con:  # and its schema_version table, with a primary key then
        con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
    old = Store(path)
    with old.cursor() as cur:  # an import as version 4 wrote it, with its number from the sequence
        number = cur.execute("SELECT nextval('import_ids')").fetchone()[0]
        cur.execute("INSERT INTO imports VALUES (?, TIMESTAMP '2026-03-02 09:00', 'template', NULL)", [number])
        cur.execute("INSERT INTO teams (team, unit, import_id) VALUES ('Nord', 'points', 1)")
        cur.execute("INSERT INTO sprints (team, sprint, start_date, end_date, committed, completed, import_id) "
                    "VALUES ('Nord', 'S1', DATE '2026-03-02', DATE '2026-03-13', 20, 18, 1)")
        cur.execute("INSERT INTO column_mappings VALUES ('jira', '{}', TIMESTAMP '2026-03-02 09:00')")
        assert cur.execute("SELECT count(*) FROM duckdb_sequences()").fetchone()[0] == 1
        assert cur.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
                           ).fetchone()[0] == 3  # imports, column_mappings, schema_version
    old.close()
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS)
    monkeypatch.undo()
    upgraded = Store(path)
    assert upgraded.schema_version() == SCHEMA_VERSION
    with upgraded.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM duckdb_sequences()").fetchone()[0] == 0
        assert cur.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
                           ).fetchone()[0] == 0
        assert cur.execute("SELECT serial FROM write_serial").fetchall() == [(0,)]
    assert upgraded.current("sprints")[["sprint", "committed", "completed"]].values.tolist() == [["S1", 20.0, 18.0]]
    assert upgraded.mapping("jira") == {}
    assert upgraded.history()["import_id"].tolist() == [1]
    # the next import continues after the sequence's last number: 1 was taken, so 2
    assert import_uploads(upgraded, [upload("sprints.csv", SPRINTS)]).import_id == 2
    assert schema_of(upgraded) == schema_of(Store(tmp_path / "new.duckdb"))


def test_a_new_ducklake_store_has_the_schema_of_a_new_file_store(lake_target, tmp_path):
    assert schema_of(Store(lake_target)) == schema_of(Store(tmp_path / "new.duckdb"))


def test_column_mappings_are_saved_per_source(store):
    assert store.mapping("jira") == {}
    store.save_mapping("jira", {"estimate": "Custom field (QA Story Point)", "team": "Project name"})
    store.save_mapping("jira", {"estimate": "Custom field (Story Points)"})
    store.save_mapping("azure", {"estimate": "Effort"})
    assert store.mapping("jira") == {"estimate": "Custom field (Story Points)"}
    assert store.mapping("azure") == {"estimate": "Effort"}


def test_a_session_shares_one_connection_and_frees_the_file_afterwards(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "s.duckdb"
    store = Store(path)
    opens = [sys.executable, "-c", f"import duckdb; duckdb.connect({str(path)!r}).close()"]
    with store.session():
        with store.cursor() as first, store.cursor() as second:
            assert first is second
        assert store.is_empty() and store.teams() == []
        # the file is held for the session: another process cannot open it meanwhile
        assert subprocess.run(opens, capture_output=True, timeout=60).returncode != 0
    assert subprocess.run(opens, capture_output=True, timeout=60).returncode == 0
    with store.cursor() as a, store.cursor() as b:
        assert a is not b


def test_one_file_is_attached_once_while_it_is_used_and_let_go_after_the_last_use(tmp_path, monkeypatch):
    """The embedded file is attached to the process's one in-memory DuckDB (``_Files``; a new DuckDB
    per opening cost 20 ms): once however its path is written, held while any operation uses it, free
    for other processes after the last; a file that is no store leaves nothing attached."""
    import subprocess
    import sys

    from data import store as store_module
    from data.errors import StoreUnavailable
    path = tmp_path / "s.duckdb"
    store = Store(path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "link.duckdb").symlink_to(path)
    relative, linked = Store("s.duckdb"), Store(tmp_path / "link.duckdb")
    opens = [sys.executable, "-c", f"import duckdb; duckdb.connect({str(path)!r}).close()"]
    with store.cursor() as first:
        with relative.cursor() as second, linked.cursor() as third:
            assert len({id(first), id(second), id(third)}) == 3  # a cursor each, one attached file
            assert {cur.execute("SELECT current_database()").fetchone()[0] for cur in (first, second, third)} \
                == {store_module._FILES.attached[str(path.resolve())][0]}
        assert subprocess.run(opens, capture_output=True, timeout=60).returncode != 0  # still in use
    assert store_module._FILES.attached == {}
    assert subprocess.run(opens, capture_output=True, timeout=60).returncode == 0  # let go
    (tmp_path / "bad.duckdb").write_text("team,sprint\nNord,S1\n", encoding="utf-8")
    with pytest.raises(StoreUnavailable):
        Store(tmp_path / "bad.duckdb")
    assert store_module._FILES.attached == {} and store.teams() == []


class CountingStore(Store):
    """The real store, counting the reads of the list of teams and of the sprints table."""

    asked = 0
    sprints_read = 0

    def cursor(self, timeout=None):
        store = self
        inner = super().cursor(timeout)

        class Counting:
            def __enter__(self):
                connection = inner.__enter__()

                class Cursor:
                    def __getattr__(self, name):
                        return getattr(connection, name)

                    def execute(self, sql, *args):
                        store.asked += "DISTINCT team FROM teams" in sql
                        store.sprints_read += sql.startswith("SELECT team, sprint, start_date")
                        return connection.execute(sql, *args)
                return Cursor()

            def __exit__(self, *exc):
                return inner.__exit__(*exc)
        return Counting()


@EMBEDDED
def test_a_session_asks_each_question_once_and_a_write_in_it_forgets_the_answers(store_target):
    store = CountingStore(store_target)
    import_uploads(store, [upload("sprints.csv", SPRINTS)])
    store.asked = store.sprints_read = 0  # the import's own reads
    with store.session():
        assert store.teams() == store.teams() == ["Nord"]
        assert store.asked == 1  # the page's run asks three or four times; the store once
        first = store.current("sprints", ["Nord"])
        first.loc[0, "goal"] = "changed by a caller"  # a caller's change stays with the caller
        again = store.current("sprints", ["Nord"])
        assert store.sprints_read == 1 and again.loc[0, "goal"] == "Erstkontakte"
        assert store.current("sprints").shape == again.shape and store.sprints_read == 2  # other teams: asked
        import_uploads(store, [upload("sued.csv", SPRINTS.replace("Nord", "Süd"))])
        assert store.teams() == ["Nord", "Süd"]  # the write of the session is seen at once
        assert len(store.current("sprints")) == 4 and store.asked == 2 and store.sprints_read == 3
    assert store.teams() == ["Nord", "Süd"] and store.asked == 3  # outside a session: asked each time
    assert store.teams() == ["Nord", "Süd"] and store.asked == 4
