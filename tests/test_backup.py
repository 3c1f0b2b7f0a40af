"""Backup → restore loses nothing: every table (all row versions, the import history, saved
mappings, schema versions) equal, the CLI's sprints identical, import numbering continued; a
restore into a store with data, or of a file that is not a good backup, is refused and changes nothing."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

import pytest

from data.backup import BackupInvalid, RestoreRefused, backup_bytes, read_manifest, restore_bytes
from data.demo import load_demo
from data.importer import import_uploads
from data.store import Store
from tests.support import upload
from tests.test_cli import run

CHANGED_SPRINT = "team,sprint,start_date,end_date,goal,committed,completed\nNord,S 99,2026-12-01,2026-12-12,Neu,10,0\n"


def everything(store: Store) -> dict[str, list]:
    """Every row of every table in the catalog (not only the known ones), sorted."""
    with store.cursor() as cur:
        # write_serial is the store's own write counter, bumped by the restore itself
        names = [r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary "
                                           "AND table_name <> 'write_serial'").fetchall()]
        return {name: sorted(map(repr, cur.execute(f'SELECT * FROM "{name}"').fetchall())) for name in names}


@pytest.fixture
def original(tmp_path) -> Store:
    """Demo data, a second import that replaces rows, an undone import and a saved mapping."""
    db = Store(tmp_path / "original.duckdb")
    load_demo(db, date(2026, 11, 25))
    import_uploads(db, [upload("sprints.csv", CHANGED_SPRINT)])
    undone = import_uploads(db, [upload("more.csv", CHANGED_SPRINT.replace("S 99", "S 100"))])
    db.undo(undone.import_id)
    db.save_mapping("jira", {"estimate": "Custom field (QA Points)"}, now=datetime(2026, 11, 20, 9, 0))
    yield db
    db.close()


def test_round_trip_keeps_every_table_and_continues_import_numbers(original, tmp_path):
    data = backup_bytes(original)
    manifest = read_manifest(data)
    copy = Store(tmp_path / "copy.duckdb")
    try:
        restore_bytes(copy, data)
        before, after = everything(original), everything(copy)
        assert after == before
        # the history is really in there: 3 imports (one undone), demo rows in several versions
        assert len(before["imports"]) == 3 and len(before["column_mappings"]) == 1
        assert manifest["tables"]["imports"]["rows"] == 3
        assert copy.mapping("jira") == {"estimate": "Custom field (QA Points)"}
        # the next import continues the original's numbering (3 were made: not 1 again)
        assert manifest["next_import_id"] == 4
        assert import_uploads(copy, [upload("x.csv", CHANGED_SPRINT.replace("S 99", "S 7"))]).import_id == 4
        # undo works on the restored store as on the original
        copy.undo(4)
        copy.undo(2)
        assert "S 99" not in set(copy.current("sprints")["sprint"])
    finally:
        copy.close()


def test_cli_backup_restore_gives_identical_sprints_json(tmp_path):
    source, target, file = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "store.backup"
    assert run("demo", db=source).returncode == 0
    done = run("backup", str(file), db=source)
    assert done.returncode == 0, done.stderr
    assert "Backup written" in done.stdout
    done = run("restore", str(file), db=target)
    assert done.returncode == 0, done.stderr
    first, second = run("sprints", "--json", db=source), run("sprints", "--json", db=target)
    assert first.returncode == second.returncode == 0
    assert len(json.loads(first.stdout)) == 48  # the demo's 48 sprints (one running, one planned per team)
    assert second.stdout == first.stdout
    assert run("okrs", "--json", "--as-of", "2026-11-25", db=target).stdout == \
        run("okrs", "--json", "--as-of", "2026-11-25", db=source).stdout
    # a second restore into the now filled store is refused, exit 1, store unchanged
    before = everything(Store(target))
    again = run("restore", str(file), db=target)
    assert again.returncode == 1 and "not empty" in again.stderr and "unchanged" in again.stderr
    assert everything(Store(target)) == before


def test_restore_into_a_store_with_data_is_refused_and_changes_nothing(original, store):
    data = backup_bytes(original)
    import_uploads(store, [upload("sprints.csv", CHANGED_SPRINT)])
    before = everything(store)
    with pytest.raises(RestoreRefused, match="not empty"):
        restore_bytes(store, data)
    assert everything(store) == before


def _rezip(data: bytes, change) -> bytes:
    """A copy of a backup with its manifest (or members) changed by ``change(manifest, files)``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    change(manifest, files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        if manifest is not None:
            archive.writestr("manifest.json", json.dumps(manifest))
    return out.getvalue()


def _wrong_count(manifest, files):
    manifest["tables"]["sprints"]["rows"] += 1


def _newer_schema(manifest, files):
    manifest["schema_version"] = 999


def _missing_file(manifest, files):
    del files["sprints.parquet"]


def _foreign_table(manifest, files):
    manifest["tables"]["x; DROP TABLE teams"] = {"rows": 0, "columns": [], "file": "x; DROP TABLE teams.parquet"}
    files["x; DROP TABLE teams.parquet"] = b""


def _damaged_parquet(manifest, files):
    files["sprints.parquet"] = b"PAR1 not really"


def _no_manifest(manifest, files):
    manifest.clear()
    manifest["format"] = "something else"


@pytest.mark.parametrize("change, message", [
    (_wrong_count, "manifest says"),
    (_newer_schema, "schema version 999"),
    (_missing_file, "'sprints'"),
    (_foreign_table, "not a table name"),
    (_damaged_parquet, "cannot be restored"),
    (_no_manifest, "not the dashboard's"),
])
def test_a_damaged_backup_is_refused_and_the_store_stays_empty(original, store, change, message):
    bad = _rezip(backup_bytes(original), change)
    before = everything(store)
    with pytest.raises(BackupInvalid, match=message):
        restore_bytes(store, bad)
    assert everything(store) == before
    assert store.is_empty()


@pytest.mark.parametrize("data", [b"", b"team,sprint\nNord,S 1\n", b"PK\x03\x04broken"])
def test_not_a_backup_at_all(store, data):
    with pytest.raises(BackupInvalid, match="not a backup"):
        restore_bytes(store, data)
    assert store.is_empty()


def test_a_column_added_by_a_later_migration_is_in_the_backup(original):
    with original.cursor() as cur:
        cur.execute("ALTER TABLE sprints ADD COLUMN review_note VARCHAR DEFAULT 'kept'")
    manifest = read_manifest(backup_bytes(original))
    assert ["review_note", "VARCHAR"] in manifest["tables"]["sprints"]["columns"]
    assert manifest["tables"]["sprints"]["rows"] == 49  # 48 demo sprints and S 99 (S 100's import was undone)


def _backup_page():
    import ui
    ui.backup_section()


def test_import_page_section_restores_a_backup_into_an_empty_store_only(original, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest
    data = backup_bytes(original)
    target = tmp_path / "dashboard.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(target))
    at = AppTest.from_function(_backup_page, default_timeout=60).run()
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")] == ["Download backup"]
    assert len(at.get("file_uploader")) == 0  # the restore box appears on demand only
    at.toggle(key="backup_restore_open").set_value(True).run()
    # a file that is no backup: refused, said in words, the store stays empty
    at.file_uploader(key="backup_upload").set_value([("notes.zip", b"PK\x03\x04 no zip", "application/zip")]).run()
    at.button(key="backup_restore").click().run()
    assert not at.exception and at.error[0].value == "Not restored, the store is unchanged:"
    assert any("not a backup" in t.value for t in at.text)
    assert Store(target).is_empty()
    # the real backup: restored, every table equal to the original's
    at.file_uploader(key="backup_upload").set_value([("backup.zip", data, "application/zip")]).run()
    at.button(key="backup_restore").click().run()
    tables = len(read_manifest(data)["tables"])
    assert not at.exception and at.success[0].value.startswith(f"Restored: {tables} tables")
    assert everything(Store(target)) == everything(original)
    # now the store has data: no restore offered any more, the reason given
    at.run()
    assert len(at.get("file_uploader")) == 0 and len(at.toggle) == 0
    assert any("restored into an empty store only" in c.value for c in at.caption)
