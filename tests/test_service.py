"""data.service: where the store is, and every setting applied once for the pages, the reports and
the command line alike (a setting changed shows the same in each)."""
from __future__ import annotations

import json
from datetime import date

import pytest

from cli import main
from data import service
from data.importer import Upload, import_uploads
from data.settings import DEFAULT_STORE, LEGACY_STORE, SettingInvalid
from data.store import Store
from tests.support import TODAY

OKRS = """team,cycle,cycle_start,cycle_end,objective_id,objective,okr_type,kr_id,key_result,kr_type,start_value,target_value,weight
Nord,Q1,2026-01-01,2026-03-31,O1,Mehr Kunden,committed,KR-1,40 Meetings,increase,0,40,1
Nord,Q1,2026-01-01,2026-03-31,O1,Mehr Kunden,committed,KR-2,Antwortzeit,decrease,9,4,1
"""
CHECKINS = """kr_id,date,value,confidence
KR-1,2026-01-16,8,7
KR-1,2026-01-30,20,8
KR-2,2026-02-06,6.5,5
"""


def test_the_default_store_is_runtime_data_outside_the_code():
    assert DEFAULT_STORE.parent.name == "store" and DEFAULT_STORE.name == "dashboard.duckdb"
    assert LEGACY_STORE.parent.name == "data"


def test_default_store_folder_made_on_first_use(tmp_path):
    new, old = tmp_path / "store" / "dashboard.duckdb", tmp_path / "data" / "dashboard.duckdb"
    assert service.default_store(new, old) == new
    assert new.parent.is_dir() and not new.exists()


def test_a_store_at_the_old_place_keeps_working_until_one_exists_at_the_new(tmp_path):
    new, old = tmp_path / "store" / "dashboard.duckdb", tmp_path / "data" / "dashboard.duckdb"
    old.parent.mkdir()
    kept = Store(old)
    import_uploads(kept, [Upload("okrs.csv", OKRS.encode())])
    assert service.default_store(new, old) == old
    assert not new.parent.exists()  # nothing made or moved behind the user's back
    assert list(Store(service.default_store(new, old)).current("key_results")["kr_id"]) == ["KR-1", "KR-2"]
    new.parent.mkdir()
    Store(new)  # the user moved on (or made a new store): the new place wins
    assert service.default_store(new, old) == new


def test_store_path_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "env.duckdb"))
    assert service.store_path(str(tmp_path / "flag.duckdb")) == str(tmp_path / "flag.duckdb")
    assert service.store_path() == str(tmp_path / "env.duckdb")
    monkeypatch.delenv("DASHBOARD_DB")
    assert service.store_path() in (str(DEFAULT_STORE), str(LEGACY_STORE))


def test_sprint_settings(monkeypatch):
    assert (service.band(), service.velocity_window()) == ((0.8, 1.0), 3)
    monkeypatch.setenv("DASHBOARD_BAND_LOW", "0.7")
    monkeypatch.setenv("DASHBOARD_VELOCITY_WINDOW", "5")
    assert (service.band(), service.velocity_window()) == ((0.7, 1.0), 5)


def test_okr_and_upload_settings(monkeypatch):
    assert (service.checkin_cadence(), service.stale_days()) == (7, 9)  # cadence + 2 days of grace
    assert service.calibration_thresholds() == {"committed_min": 0.8, "aspirational_min": 0.3,
                                                "aspirational_max": 0.8}
    monkeypatch.setenv("DASHBOARD_CHECKIN_DAYS", "14")
    monkeypatch.setenv("DASHBOARD_ASPIRATIONAL_HIT_MAX", "0.9")
    monkeypatch.setenv("DASHBOARD_MAX_UPLOAD_MB", "0.5")
    assert (service.checkin_cadence(), service.stale_days()) == (14, 16)
    assert service.calibration_thresholds()["aspirational_max"] == 0.9
    assert (service.max_upload_mb(), service.max_upload_bytes()) == (0.5, 524_288)


def test_as_of_day_and_today(monkeypatch):
    assert service.as_of_day(date(2026, 3, 1)) == date(2026, 3, 1)
    assert service.as_of_day(None) == service.today() == TODAY       # DASHBOARD_TODAY, set for every test
    monkeypatch.setenv("DASHBOARD_TODAY", "2027-02-29")
    with pytest.raises(SettingInvalid, match="DASHBOARD_TODAY='2027-02-29' is not a day of the calendar"):
        service.today()
    monkeypatch.setenv("DASHBOARD_TODAY", "")
    before = date.today()
    read = service.today()                                            # blank: the clock …
    assert read in {before, date.today()}                             # … also across a midnight between the reads


@pytest.mark.parametrize("cadence, stale", [("7", {"KR-1": True, "KR-2": False}),
                                            ("10", {"KR-1": False, "KR-2": False})])
def test_the_cadence_reaches_the_okr_view_and_the_command_line_alike(tmp_path, monkeypatch, capsys, cadence, stale):
    # as of 2026-02-10, KR-1's last check-in (30 Jan) is 11 days old, KR-2's (6 Feb) 4 days:
    # stale beyond cadence + 2, i.e. 9 days at 7 and 12 days at 10
    monkeypatch.setenv("DASHBOARD_CHECKIN_DAYS", cadence)
    store = Store(tmp_path / "okr.duckdb")
    import_uploads(store, [Upload("okrs.csv", OKRS.encode()), Upload("checkins.csv", CHECKINS.encode())])
    view = service.okr_view(store, None, date(2026, 2, 10))
    assert dict(zip(view.key_results["kr_id"], view.key_results["stale"])) == stale
    assert main(["okrs", "--as-of", "2026-02-10", "--json", "--db", str(tmp_path / "okr.duckdb")]) == 0
    shown = json.loads(capsys.readouterr().out)["key_results"]
    assert {row["kr_id"]: row["stale"] for row in shown} == stale
    assert service.okr_view(store, ["Nord"], date(2026, 2, 10), cycle="Q2").key_results.empty
