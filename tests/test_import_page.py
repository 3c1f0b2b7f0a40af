"""The Import page as a new user meets it (issue 8): one box for all notes, counts explained, the
mapping can be remembered from the start, the undo picker offers the newest import, history with
the time of day, and an undo that later imports depend on offers to take them along."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data.importer import import_uploads
from data.store import Store
from tests.support import as_read, upload

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
EXTRA = "team,sprint,committed,completed,owner,notes,colour,budget\nNord,S1,10,8,Ann,x,red,5\n"


def import_page() -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    return at.switch_page("pages/import.py").run()


def test_ignored_columns_are_one_note_and_counts_are_explained(db_path):
    at = import_page()
    at.file_uploader(key="uploads").set_value([("extra.csv", EXTRA.encode(), "text/csv")]).run()
    assert not at.exception
    # one box for both notes: the ignored columns (one line for all four) and the sprint without dates
    assert [w.value for w in at.warning] == ["2 notes on these files:"]
    assert any("4 column(s) not part of the sprints template were ignored: 'owner', 'notes', 'colour', 'budget'"
               in t.value for t in at.text)
    assert any(t.value.startswith("New: rows the store did not have") for t in at.text)
    preview = at.dataframe[1].value
    assert "None" not in preview.to_string() and "00:00:00" not in preview.to_string()


def test_remember_mapping_is_offered_with_the_first_export(db_path):
    at = import_page()
    content = (FIXTURES / "jira_cloud.csv").read_bytes()
    at.file_uploader(key="uploads").set_value([("jira.csv", content, "text/csv")]).run()
    assert not at.exception
    box = at.checkbox(key="save_mapping")
    assert box is not None and box.disabled  # visible at once; usable when a column is mapped
    # the 'as recognised' choice is worded apart from the columns, so a rerun keeps it (and the check)
    at.run()
    assert at.selectbox(key="map_jira.csv_sprint").value == "auto"
    assert at.selectbox(key="map_jira.csv_sprint").format_func("auto") == "as recognised: Sprint#1, Sprint#2"  # both Sprint columns


def test_the_undo_picker_offers_the_newest_import_and_history_has_the_time(db_path):
    store = Store(db_path)
    import_uploads(store, [upload("a.csv", "team,sprint,committed,completed\nNord,S1,10,8\n")])
    store.close()
    at = import_page()
    assert at.selectbox(key="undo_id").value == 1
    store = Store(db_path)
    import_uploads(store, [upload("b.csv", "team,sprint,committed,completed\nNord,S2,10,9\n")])
    store.close()
    at.run()
    assert at.selectbox(key="undo_id").value == 2
    history = next(d.value for d in at.dataframe if "Imported" in d.value.columns)
    assert history["Imported"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d").all()


def test_an_undo_that_later_imports_depend_on_offers_to_take_them_along(db_path):
    store = Store(db_path)
    import_uploads(store, [upload("okrs.csv", "team,cycle,cycle_start,cycle_end,objective_id,objective,kr_id,"
                                              "key_result,start_value,target_value\nNord,Q1,2026-01-01,2026-03-31,"
                                              "O1,Mehr Kunden,KR-1,40 Meetings,0,40\n")])
    import_uploads(store, [upload("checkins.csv", "kr_id,date,value\nKR-1,2026-01-16,8\n")])
    store.close()
    at = import_page()
    at.selectbox(key="undo_id").set_value(1).run()
    at.checkbox(key="undo_sure").check().run()
    at.button(key="do_undo").click().run()
    assert at.error and "2" in at.info[0].value  # refused, naming import 2
    at.checkbox(key="undo_cascade").check().run()
    at.checkbox(key="undo_sure").check().run()
    at.button(key="do_undo").click().run()
    assert not at.exception
    store = Store(db_path)
    assert not store.has_data() and store.history()["undone_at"].notna().all()
    store.close()


OWN_LAYOUT = "Mannschaft;Iteration;Beginn;Schluss;Zusage;Geliefert\nNord;S1;02.03.2026;13.03.2026;20;18\n"


def test_a_spreadsheet_with_its_own_headers_is_mapped_to_a_template_and_remembered(db_path):
    at = import_page()
    at.file_uploader(key="uploads").set_value([("mine.csv", OWN_LAYOUT.encode(), "text/csv")]).run()
    assert not at.exception
    assert "Nothing was imported" in at.error[0].value  # 'team' is not recognised …
    assert at.selectbox(key="tmap_mine.csv_kind").value == "sprints"  # … but the file looks like sprints
    at.selectbox(key="tmap_mine.csv_team").set_value("Mannschaft").run()
    assert "Give both start_date and end_date" in as_read(at.table[0].value).to_string()  # 'Schluss' is no known name
    at.selectbox(key="tmap_mine.csv_end_date").set_value("Schluss").run()
    assert not at.error
    at.checkbox(key="save_mapping").check().run()
    at.button(key="do_import").click().run()
    assert "Imported (import 1)" in at.success[0].value
    store = Store(db_path)
    assert store.current("sprints")[["team", "sprint", "committed", "completed"]].values.tolist() == \
        [["Nord", "S1", 20.0, 18.0]]
    assert store.current("sprints")["end_date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-13"]
    assert store.mapping("template") == {"team": "Mannschaft", "end_date": "Schluss"}
    # the next file of this layout imports without a choice, from the command line too
    import_uploads(store, [upload("next.csv", OWN_LAYOUT.replace("S1", "S2"))])
    assert store.current("sprints")["sprint"].tolist() == ["S1", "S2"]
    store.close()
