"""Entries made in the app (check-ins, retro actions, lessons) are written like imports: validated,
in the history with source "app", undoable, updated by a later CSV import of the same key. Plus
revisions kept visible through a real store, the reworded-objective warning, the CLI's checkin
command and okrs fields, and the OKRs / Retrospective forms driven through AppTest."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from analytics.okr_overview import okr_overview
from data.entries import okr_frames, record_checkin, record_lessons, record_retro_action
from data.errors import ImportFailed
from data.importer import import_uploads
from data.store import Store
from tests.support import TODAY, choose_tab, snapshot, upload
from tests.test_cli import run

OKRS = """team,cycle,cycle_start,cycle_end,objective_id,objective,okr_type,kr_id,key_result,kr_type,start_value,target_value,weight,parent
Nord,Q1,2026-01-01,2026-03-31,O1,Mehr Kunden,committed,KR-1,40 Meetings,increase,0,40,1,Marktanteil
Nord,Q1,2026-01-01,2026-03-31,O1,Mehr Kunden,committed,KR-2,Antwortzeit,decrease,9,4,1,Marktanteil
"""
SPRINTS = "team,sprint,start_date,end_date,committed,completed\nNord,S1,2026-01-05,2026-01-16,20,18\n" \
          "Nord,S2,2026-01-19,2026-01-30,20,19\n"
ACTIONS = "team,sprint,action,owner,status\nNord,S1,Angebote am selben Tag,Team,open\n"
AS_OF = date(2026, 2, 15)  # day 45 of 89 in Q1 2026


@pytest.fixture
def nord(store):
    import_uploads(store, [upload("okrs.csv", OKRS), upload("sprints.csv", SPRINTS), upload("actions.csv", ACTIONS)])
    return store


def overview(store, as_of=AS_OF):
    current, versions, imports = okr_frames(store)
    return okr_overview(current, versions, imports, as_of=as_of)


# --- check-ins ----------------------------------------------------------------------------------
def test_a_checkin_is_an_undoable_app_import(nord):
    result = record_checkin(nord, "KR-1", 18, day=date(2026, 2, 13), confidence=6, comment="Messe-Leads nachgefasst")
    assert [(f.kind, f.rows, f.inserted) for f in result.files] == [("checkins", 1, 1)]
    history = nord.history()
    assert history.iloc[0]["source"] == "app" and history.iloc[0]["import_id"] == result.import_id
    stored = nord.current("checkins")
    assert stored[["kr_id", "value", "confidence", "comment"]].values.tolist() == [
        ["KR-1", 18.0, 6.0, "Messe-Leads nachgefasst"]]
    kr = overview(nord).key_results.set_index("kr_id").loc["KR-1"]
    assert kr["current_value"] == 18.0 and kr["progress"] == pytest.approx(0.45)   # 18 / 40
    nord.undo(result.import_id)
    assert nord.current("checkins").empty


def test_a_later_csv_import_of_the_same_key_updates_the_entry(nord):
    record_checkin(nord, "KR-1", 18, day=date(2026, 2, 13), comment="typed in the meeting")
    result = import_uploads(nord, [upload("checkins.csv", "kr_id,date,value,confidence\nKR-1,13.02.2026,19,7\n")])
    assert (result.files[0].inserted, result.files[0].updated) == (0, 1)
    stored = nord.current("checkins")
    assert stored[["value", "confidence", "comment"]].values.tolist() == [[19.0, 7.0, "typed in the meeting"]]


def test_a_bad_checkin_names_file_row_column_and_changes_nothing(nord):
    before = snapshot(nord)
    with pytest.raises(ImportFailed) as unknown:
        record_checkin(nord, "KR-9", 1, day=date(2026, 2, 13))
    assert [(p.row, p.column) for p in unknown.value.problems] == [(2, "kr_id")]
    with pytest.raises(ImportFailed) as bad:
        record_checkin(nord, "KR-1", "viele", day=date(2026, 2, 13), confidence="11")
    assert sorted(p.column for p in bad.value.problems) == ["confidence", "value"]
    assert all(p.file == "app/checkin.csv" for p in bad.value.problems)
    assert snapshot(nord) == before


def test_hostile_comment_is_stored_verbatim(nord):
    text = '=HYPERLINK("x"), **bold** <b>tag</b>\nzweite Zeile; "quoted"'
    record_checkin(nord, "KR-2", 6.5, day=date(2026, 2, 13), comment=text)
    assert nord.current("checkins")["comment"].tolist() == [text]


# --- retro actions -----------------------------------------------------------------------------
def test_a_retro_action_and_closing_last_sprints_in_one_import(nord):
    result = record_retro_action(nord, "Nord", "S2", "Kapazität vor dem Planning prüfen", owner="Scrum Master",
                                 close=[("S1", "Angebote am selben Tag", "done")])
    assert [(f.kind, f.inserted, f.updated) for f in result.files] == [("retro_actions", 1, 1)]
    actions = nord.current("retro_actions").set_index("action")
    assert actions.loc["Angebote am selben Tag", ["status", "done_sprint", "owner"]].tolist() == ["done", "S2", "Team"]
    assert actions.loc["Kapazität vor dem Planning prüfen", ["sprint", "status"]].tolist() == ["S2", "open"]
    assert nord.history().iloc[0]["source"] == "app"
    nord.undo(result.import_id)
    assert nord.current("retro_actions")[["action", "status"]].values.tolist() == [["Angebote am selben Tag", "open"]]


def test_a_retro_entry_needs_an_action_or_one_to_close(nord):
    before = snapshot(nord)
    with pytest.raises(ImportFailed):
        record_retro_action(nord, "Nord", "S2", "  ")
    with pytest.raises(ImportFailed):
        record_retro_action(nord, "Nord", "S2", "", close=[("S1", "nicht da", "done")])
    assert snapshot(nord) == before


# --- lessons ------------------------------------------------------------------------------------
def test_lessons_in_the_app_and_in_the_okrs_template(nord):
    result = record_lessons(nord, "Nord", "Q1", "O1", "Messe-Leads binnen 48 h nachfassen")
    objectives = nord.current("objectives")
    assert objectives[["objective", "okr_type", "parent", "lessons"]].values.tolist() == [
        ["Mehr Kunden", "committed", "Marktanteil", "Messe-Leads binnen 48 h nachfassen"]]
    nord.undo(result.import_id)
    assert nord.current("objectives")["lessons"].isna().all()
    with_lessons = OKRS.replace(",parent\n", ",parent,lessons\n", 1).replace("Marktanteil\n", "Marktanteil,\n")
    with_lessons = with_lessons.replace("KR-2,Antwortzeit,decrease,9,4,1,Marktanteil,", 
                                        "KR-2,Antwortzeit,decrease,9,4,1,Marktanteil,Vertretung regeln")
    import_uploads(nord, [upload("okrs.csv", with_lessons)])
    assert nord.current("objectives")["lessons"].tolist() == ["Vertretung regeln"]
    import_uploads(nord, [upload("okrs.csv", OKRS.replace("40 Meetings", "40 Termine"))])  # no lessons column
    assert nord.current("objectives")["lessons"].tolist() == ["Vertretung regeln"]        # kept as stored
    with pytest.raises(ImportFailed):
        record_lessons(nord, "Nord", "Q9", "O1", "x")


# --- revisions through the store ----------------------------------------------------------------
def test_a_revised_target_stays_visible_with_the_status_against_the_original(nord):
    import_uploads(nord, [upload("checkins.csv", "kr_id,date,value\nKR-1,2026-02-13,18\n")])
    before = overview(nord).key_results.set_index("kr_id").loc["KR-1"]
    assert before["status"] == "behind"     # 18 / 40 = .45 against 45 / 89 = .506: gap .056
    assert before["revisions"] == 0
    result = import_uploads(nord, [upload("okrs.csv", OKRS.replace("40 Meetings,increase,0,40", "30 Meetings,increase,0,30")
                                                         .replace("Mehr Kunden", "Viel mehr Kunden"))])
    assert any("reworded" in warning and "Mehr Kunden" in warning for warning in result.warnings)
    view = overview(nord)
    kr = view.key_results.set_index("kr_id").loc["KR-1"]
    assert kr["status"] == "on_track"                 # 18 / 30 = .6 ≥ .506
    assert kr["status_vs_original"] == "behind" and kr["original_target"] == 40.0
    assert kr["revisions"] == 1
    assert view.revisions[["kr_id", "field", "old", "new"]].values.tolist() == [["KR-1", "target_value", "40", "30"]]
    assert view.rewordings[["objective_id", "old", "new"]].values.tolist() == [["O1", "Mehr Kunden", "Viel mehr Kunden"]]


def test_okrs_json_lists_every_version_of_a_revised_key_result(tmp_path):
    """Issue 24: `revisions` in `okrs --json` is the list of versions (date, target, plan, type,
    import id), oldest first, not a count."""
    db = tmp_path / "cli.duckdb"
    first, revised = tmp_path / "okrs.csv", tmp_path / "okrs_revised.csv"
    first.write_text(OKRS, encoding="utf-8")
    revised.write_text(OKRS.replace("40 Meetings,increase,0,40", "30 Meetings,increase,0,30"), encoding="utf-8")
    assert run("import", str(first), db=db).returncode == 0 and run("import", str(revised), db=db).returncode == 0
    rows = {r["kr_id"]: r for r in json.loads(run("okrs", "--json", db=db).stdout)["key_results"]}
    imported = {h["import_id"]: h["imported_at"][:10] for h in json.loads(run("history", "--json", db=db).stdout)}
    assert rows["KR-1"]["revisions"] == [
        {"import_id": 1, "date": imported[1], "start_value": 0.0, "target_value": 40.0, "kr_type": "increase", "plan": []},
        {"import_id": 2, "date": imported[2], "start_value": 0.0, "target_value": 30.0, "kr_type": "increase", "plan": []}]
    assert [v["target_value"] for v in rows["KR-2"]["revisions"]] == [4.0]   # never revised: its one version


def test_the_demo_shows_a_revision_a_rewording_and_lessons_in_one_undoable_import(store):
    from data.demo import load_demo
    today = date(2026, 11, 25)
    result = load_demo(store, today)
    view = overview(store, today)
    assert view.revisions[["kr_id", "field", "old", "new"]].values.tolist() == [["PS-Q4-KR2", "target_value", "90", "80"]]
    revised = view.key_results.set_index("kr_id").loc["PS-Q4-KR2"]
    assert revised["status"] != revised["status_vs_original"]
    assert view.rewordings["objective_id"].tolist() == ["KA-O1-Q4"]
    previous = view.objectives[view.objectives["cycle"] == "Q3 2026"]
    assert previous["lessons"].notna().all()
    assert store.current("checkins")["comment"].notna().sum() > 20
    shared = view.objectives.groupby("parent")["team"].nunique()
    assert shared.max() >= 2                               # a company goal served by two teams
    assert view.key_results["status_disagrees"].any()
    store.undo(result.import_id)
    assert not store.has_data()


# --- command line -------------------------------------------------------------------------------
def test_checkin_command_and_okrs_fields(tmp_path):
    db = tmp_path / "cli.duckdb"
    okrs = tmp_path / "okrs.csv"
    okrs.write_text(OKRS, encoding="utf-8")
    assert run("import", str(okrs), db=db).returncode == 0
    done = run("checkin", "KR-1", "18", "--confidence", "6", "--comment", "Messe", "--date", "2026-02-13", db=db)
    assert done.returncode == 0, done.stderr
    assert "Check-in recorded for KR-1 on 2026-02-13: value 18, confidence 6 (import 2;" in done.stdout
    rows = json.loads(run("okrs", "--as-of", "2026-02-15", "--json", db=db).stdout)["key_results"]
    kr1 = next(r for r in rows if r["kr_id"] == "KR-1")
    assert (kr1["current_value"], kr1["last_checkin"], kr1["confidence"]) == (18.0, "2026-02-13", 6.0)
    assert {"forecast_status", "status_disagrees", "status_vs_original", "revisions"} <= set(kr1)
    # line (day 0, 0)-(day 43, 18) to day 89: 18 / 43 * 89 = 37.26 < 40
    assert kr1["forecast_status"] == "short" and kr1["status_vs_original"] == kr1["status"] == "behind"
    assert [v["target_value"] for v in kr1["revisions"]] == [40.0]  # its one version: never revised
    bad = run("checkin", "KR-9", "1", db=db)
    assert bad.returncode == 1 and "kr_id" in bad.stderr and "KR-9" in bad.stderr
    history = json.loads(run("history", "--json", db=db).stdout)
    assert [h["source"] for h in history] == ["app", "template"]
    assert run("undo", "2", db=db).returncode == 0
    rows = json.loads(run("okrs", "--as-of", "2026-02-15", "--json", db=db).stdout)["key_results"]
    assert next(r for r in rows if r["kr_id"] == "KR-1")["last_checkin"] is None


@pytest.mark.parametrize(("typed", "reason"), [
    ("1.850.000", "write 1850000:"),                       # only German reads it: 1850000
    ("1,850,000", "write 1850000:"),                       # only English reads it: 1850000
    ("1,850", "can be read as 1.85 or as 1850;"),          # English 1850, German 1.85
    ("1e5", "such as 1850000 or 1850000.5"),               # no number in either language
    ("", "such as 1850000 or 1850000.5"),
])
def test_the_checkin_command_takes_plain_numbers_and_says_why_not(tmp_path, typed, reason):
    db = tmp_path / "cli.duckdb"
    okrs = tmp_path / "okrs.csv"
    okrs.write_text(OKRS, encoding="utf-8")
    run("import", str(okrs), db=db)
    refused = run("checkin", "KR-1", typed, db=db)
    assert refused.returncode == 1 and reason in refused.stderr and "column 'value'" in refused.stderr
    assert [h["import_id"] for h in json.loads(run("history", "--json", db=db).stdout)] == [1]  # nothing stored


def test_the_checkin_command_says_what_it_stored(tmp_path):
    db = tmp_path / "cli.duckdb"
    okrs = tmp_path / "okrs.csv"
    okrs.write_text(OKRS, encoding="utf-8")
    run("import", str(okrs), db=db)
    done = run("checkin", "KR-1", "1850000.5", "--date", "2026-02-13", db=db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Check-in recorded for KR-1 on 2026-02-13: value 1850000.5 (import 2;")
    rows = json.loads(run("okrs", "--as-of", "2026-02-15", "--json", db=db).stdout)["key_results"]
    assert next(r for r in rows if r["kr_id"] == "KR-1")["current_value"] == 1850000.5


# --- the pages ----------------------------------------------------------------------------------
@pytest.fixture
def app_db(tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    store = Store(path)
    import_uploads(store, [upload("okrs.csv", OKRS), upload("sprints.csv", SPRINTS), upload("actions.csv", ACTIONS)])
    store.close()
    return path


def open_page(page: str) -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    at.switch_page(page).run()
    return at


def undo_on_the_import_page(at: AppTest, source_and_kind: list[str]) -> None:
    """The entry is the newest import in the page's history; undo it there."""
    at.switch_page("pages/import.py").run()
    history = next(frame.value for frame in at.dataframe if "Import" in frame.value.columns)  # shown labelled
    assert history.iloc[0][["Import", "Source", "Kinds"]].tolist() == ["2", *source_and_kind]
    assert at.selectbox(key="undo_id").value == 2
    at.checkbox(key="undo_sure").check().run()
    at.button(key="do_undo").click().run()
    assert not at.exception
    history = next(frame.value for frame in at.dataframe if "Import" in frame.value.columns)
    assert history.set_index("Import").loc["2", "Undone"] != ""


def timeline_comments(at: AppTest, kr_id: str = "KR-2") -> list:
    """The comments of one key result's timeline (the OKRs page details one key result at a time)."""
    choose_tab(at, "okr_tab", "Key results in detail")
    next(box for box in at.selectbox if box.key.startswith("detail_kr_")).set_value(kr_id).run()
    return [comment for frame in at.dataframe if "Comment" in frame.value.columns for comment in frame.value["Comment"]]


def test_a_checkin_entered_on_the_okrs_page_shows_everywhere_and_goes_with_undo(app_db, tmp_path):
    at = open_page("pages/okrs.py")
    assert not at.exception
    at.selectbox(key="checkin_kr").set_value("KR-2")
    at.text_input(key="checkin_value").input("6.5")
    at.text_input(key="checkin_confidence").input("4")
    at.date_input(key="checkin_date").set_value(TODAY)
    at.text_area(key="checkin_comment").set_value("**Engpass** bei <b>Qualifizierung</b>").run()
    assert [t.value for t in at.text if t.value.startswith("Understood as")][:2] == [
        "Understood as 6.5 (was 9, -28%)", "Understood as 4"]   # KR-2 starts at 9, no check-in: (6.5 − 9) / 9 = −27.8 % → −28%
    at.button(key="checkin_submit").click().run()
    assert not at.exception and not at.error
    assert "Saved as import 2" in at.success[0].value
    assert "**Engpass** bei <b>Qualifizierung</b>" in timeline_comments(at)   # the KR's timeline, as text
    rows = json.loads(run("okrs", "--json", db=app_db).stdout)["key_results"]
    kr2 = next(r for r in rows if r["kr_id"] == "KR-2")
    assert (kr2["current_value"], kr2["confidence"], kr2["last_checkin"]) == (6.5, 4.0, TODAY.isoformat())
    undo_on_the_import_page(at, ["entered in the app", "checkins"])
    at.switch_page("pages/okrs.py").run()
    assert "**Engpass** bei <b>Qualifizierung</b>" not in timeline_comments(at)
    rows = json.loads(run("okrs", "--json", db=app_db).stdout)["key_results"]
    assert next(r for r in rows if r["kr_id"] == "KR-2")["last_checkin"] is None


# the key result: revenue from 1.500.000 to 2.000.000 EUR in Q4 2026, last checked in at 1.745.545
REVENUE = """team,cycle,cycle_start,cycle_end,objective_id,objective,okr_type,kr_id,key_result,kr_type,start_value,target_value,weight
Umsatz Süd,Q4,2026-10-01,2026-12-31,O1,Wachstum,committed,KR-U,Umsatz in EUR,increase,1500000,2000000,1
"""
REVENUE_CHECKINS = "kr_id,date,value,confidence\nKR-U,2026-11-27,1745545,7\n"


@pytest.fixture
def revenue_db(tmp_path, monkeypatch):  # a team of its own: the pages' caches are keyed by data version and teams
    path = tmp_path / "revenue.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    store = Store(path)
    import_uploads(store, [upload("okrs.csv", REVENUE), upload("checkins.csv", REVENUE_CHECKINS)])
    store.close()
    return path


def german_checkin(db) -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=90)
    at.session_state["lang"] = "de"   # the sidebar's choice, kept across pages
    at.run().switch_page("pages/okrs.py").run()
    assert at.title[0].value == "OKRs" and at.text_input(key="checkin_value").label == "Wert"
    at.selectbox(key="checkin_kr").set_value("KR-U").run()
    return at


def understood(at: AppTest) -> list[str]:
    return [t.value for t in at.text if t.value.startswith("Verstanden als")]


def revenue(db) -> float:
    rows = json.loads(run("okrs", "--json", db=db).stdout)["key_results"]
    return next(r for r in rows if r["kr_id"] == "KR-U")["current_value"]


def imports(db) -> int:
    return len(json.loads(run("history", "--json", db=db).stdout))


def confirm_box(at: AppTest) -> list:
    """The tick a huge jump asks for (keyed by key result and value), if the page shows one."""
    return [box for box in at.checkbox if box.key and box.key.startswith("checkin_confirm_")]


def read(elements) -> list[str]:
    """Messages (st.error, st.warning: Markdown, escaped by ui.md_escape) as the browser shows them."""
    return [re.sub(r"\\(.)", r"\1", element.value) for element in elements]


def test_a_german_checkin_value_is_read_the_german_way_and_shown_back(revenue_db):
    at = german_checkin(revenue_db)
    at.text_input(key="checkin_value").input("1.850.000").run()
    # (1850000 − 1745545) / 1745545 = +5.98 % → +6 %
    assert understood(at) == ["Verstanden als 1.850.000 (bisher 1.745.545, +6\u00a0%)"]
    assert not confirm_box(at)                                    # 49 % → 70 %: no jump to confirm
    at.button(key="checkin_submit").click().run()
    assert not at.exception and not at.error
    assert revenue(revenue_db) == 1850000.0                       # not 1.85
    assert at.text_input(key="checkin_value").value == ""         # the form is empty again


def test_a_german_page_refuses_an_english_decimal_point_and_saves_nothing(revenue_db):
    at = german_checkin(revenue_db)
    at.button(key="checkin_submit").click().run()                 # nothing typed yet
    assert read(at.error)[-1].endswith(" Bitte eine Zahl eingeben.")
    at.text_input(key="checkin_value").input("1.85").run()
    assert read(at.error) == ["„1.85“ ist keine Zahl, wie diese Seite sie schreibt (etwa 1.850.000,5). "
                                           "Meinten Sie 185 oder 1,85?"]
    at.text_input(key="checkin_value").input("1.850").run()       # 1850 here, 1.85 in English: which one?
    assert "kann 1850 oder 1,85 heißen" in read(at.error)[0]
    at.button(key="checkin_submit").click().run()
    assert not at.exception and not at.success
    assert (imports(revenue_db), revenue(revenue_db)) == (1, 1745545.0)   # the files' one import, nothing more


def test_a_value_typed_and_saved_in_one_go_is_shown_first_not_saved(revenue_db):
    at = german_checkin(revenue_db)
    at.text_input(key="checkin_value").input("1.900.000")
    at.button(key="checkin_submit").click().run()                 # typed and clicked at once: one run
    assert "Prüfen Sie den oben verstandenen Wert und speichern Sie dann erneut." in read(at.warning)
    assert imports(revenue_db) == 1
    # (1900000 − 1745545) / 1745545 = +8.85 % → +9 %
    assert understood(at) == ["Verstanden als 1.900.000 (bisher 1.745.545, +9\u00a0%)"]
    at.button(key="checkin_submit").click().run()
    assert revenue(revenue_db) == 1900000.0


def test_a_huge_jump_is_saved_only_after_it_is_confirmed(revenue_db):
    at = german_checkin(revenue_db)
    at.text_input(key="checkin_value").input("1,85").run()        # 1.85 typed the German way: a real 1.85
    # progress (1745545 − 1500000) / 500000 = 49 % → (1.85 − 1500000) / 500000 = −300 %; the value ÷ 943,538
    assert any(w.startswith("Von 1.745.545 auf 1,85 bewegt den Fortschritt von KR-U von 49\u00a0% auf -300\u00a0%")
               for w in read(at.warning))
    at.button(key="checkin_submit").click().run()
    assert any("Bestätigen Sie zuerst den großen Sprung" in w for w in read(at.warning))
    assert imports(revenue_db) == 1
    confirm_box(at)[0].check().run()
    at.button(key="checkin_submit").click().run()
    assert not at.exception and not at.error
    assert revenue(revenue_db) == 1.85


def test_confidence_is_typed_too_and_refused_outside_0_to_10(revenue_db):
    at = german_checkin(revenue_db)
    # each field's example is in its range and in the page's language
    assert at.text_input(key="checkin_value").placeholder.endswith("1.850.000,5")
    assert at.text_input(key="checkin_confidence").placeholder.endswith(" 7")
    at.text_input(key="checkin_value").input("1.800.000")
    at.text_input(key="checkin_confidence").input("7,5").run()
    assert understood(at)[-1] == "Verstanden als 7,5"
    at.text_input(key="checkin_confidence").input("12").run()
    assert read(at.error) == ["12 liegt nicht zwischen 0 und 10."]
    at.button(key="checkin_submit").click().run()
    assert imports(revenue_db) == 1


def test_a_retro_action_entered_on_the_retrospective_page_and_undone(app_db):
    at = open_page("pages/retrospective.py")
    assert not at.exception
    assert at.selectbox(key="action_sprint").value == "S2"          # the latest sprint first
    at.text_input(key="action_text").set_value("Puffer für Kundenanfragen einplanen")
    at.multiselect(key="action_close").set_value(["S1 · Angebote am selben Tag"])
    at.button(key="action_submit").click().run()
    assert not at.exception and not at.error
    assert "Saved as import 2" in at.success[0].value
    shown = next(frame.value for frame in at.dataframe if "Action" in frame.value.columns)
    assert shown.set_index("Action").loc["Angebote am selben Tag", "Status"] == "done"
    assert "Puffer für Kundenanfragen einplanen" in shown["Action"].tolist()
    undo_on_the_import_page(at, ["entered in the app", "retro_actions"])
    store = Store(app_db)
    assert store.current("retro_actions")[["action", "status"]].values.tolist() == [["Angebote am selben Tag", "open"]]
    store.close()
    at.switch_page("pages/retrospective.py").run()
    shown = next(frame.value for frame in at.dataframe if "Action" in frame.value.columns)
    assert shown["Action"].tolist() == ["Angebote am selben Tag"]


def test_the_okrs_page_flags_disagreement_carries_lessons_and_records_new_ones(demo_dashboard):
    at = open_page("pages/okrs.py")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "Status and forecast disagree" in warnings and "Confidence fell by 3" in warnings
    choose_tab(at, "okr_tab", "Revisions")
    assert "reworded" in " ".join(w.value for w in at.warning)          # the demo's reworded objective
    assert any(t.value.startswith("Lessons from ") for t in at.text)     # the closed cycle's lessons, carried
    choose_tab(at, "okr_tab", "Cycle close and calibration")             # where lessons are recorded
    objective = at.selectbox(key="lessons_objective").options[0]
    at.selectbox(key="lessons_objective").set_value(objective)
    at.text_area(key="lessons_text").set_value("Weniger Kaltakquise, mehr Empfehlungen")
    at.button(key="lessons_submit").click().run()
    assert not at.exception and not at.error
    assert any(t.value.endswith(": Weniger Kaltakquise, mehr Empfehlungen") for t in at.text)
    store = Store(demo_dashboard)
    assert store.history().iloc[0][["source", "kinds"]].tolist() == ["app", "okrs"]
    store.close()


def test_checkin_command_json_on_failure_is_one_document(tmp_path):
    db = tmp_path / "cli.duckdb"
    okrs = tmp_path / "okrs.csv"
    okrs.write_text(OKRS, encoding="utf-8")
    run("import", str(okrs), db=db)
    failed = run("checkin", "KR-1", "viele", "--confidence", "12", "--json", db=db)
    assert failed.returncode == 1
    document = json.loads(failed.stdout)
    assert document["ok"] is False
    assert sorted(p["column"] for p in document["problems"]) == ["confidence", "value"]
    comma = run("checkin", "KR-1", "12,5", "--json", db=db)  # a decimal comma, as typed in Germany: refused
    assert comma.returncode == 1
    assert json.loads(comma.stdout)["problems"][0]["message"] == (
        "'12,5' is not a plain number; write 12.5: the command line takes plain numbers, no thousands separators, "
        "a point for decimals.")
    done = json.loads(run("checkin", "KR-1", "12.5", "--json", db=db).stdout)
    assert done["ok"] is True and done["import_id"] == 2 and done["value"] == 12.5
    rows = json.loads(run("okrs", "--json", db=db).stdout)["key_results"]
    assert next(r for r in rows if r["kr_id"] == "KR-1")["current_value"] == 12.5


def test_the_okrs_page_shows_every_version_of_a_revised_key_result_in_its_details(demo_dashboard):
    """Issue 24: the demo revised PS-Q4-KR2's target from 90 to 80; its details list both versions."""
    at = choose_tab(open_page("pages/okrs.py"), "okr_tab", "Key results in detail")
    box = next(box for box in at.selectbox if box.key.startswith("detail_kr_"))
    box.set_value("PS-Q4-KR2").run()
    assert not at.exception
    versions = next(frame.value for frame in at.dataframe if "Plan" in frame.value.columns)
    assert versions["Target"].tolist() == ["90", "80"]
    assert versions["Import"].tolist() == ["1", "1"]    # the demo writes its revision inside its one import
