"""The Import page as a new user meets it (issue 8): one box for all notes, counts explained, the
mapping can be remembered from the start, the undo picker offers the newest import, history with
the time of day, and an undo that later imports depend on offers to take them along."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.csvfile import read_csv
from data.importer import import_uploads
from data.store import Store
from tests.support import charts, static_tables, upload

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
EXTRA = "team,sprint,committed,completed,owner,notes,colour,budget\nNord,S1,10,8,Ann,x,red,5\n"


def import_page() -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    return at.switch_page("pages/import.py").run()


def reads_counted(monkeypatch) -> list[str]:
    """The names of the files read from here on (the importer's real reader, wrapped)."""
    import data.importer as importer
    reads = []
    real = importer.read_csv
    monkeypatch.setattr(importer, "read_csv", lambda name, *args, **kwargs: reads.append(name) or
                        real(name, *args, **kwargs))
    return reads


def jira_uploaded() -> tuple[AppTest, bytes]:
    """The Import page with a Jira export uploaded (and so checked), and the export."""
    at = import_page()
    content = (FIXTURES / "jira_cloud.csv").read_bytes()
    at.file_uploader(key="uploads").set_value([("jira.csv", content, "text/csv")]).run()
    return at, content


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
    at.checkbox(key="undo_sure").check().run()
    at.button(key="do_undo").click().run()
    assert [s.value for s in at.success] == ["Import 2 undone; the data is as it was before it."]
    assert at.selectbox(key="undo_id").value == 1  # the newest import still open is offered next
    assert at.checkbox(key="undo_sure").value is False  # and its undo is confirmed afresh
    assert at.button(key="do_undo").disabled


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
    # said after the rerun that shows the store without them (a message before st.rerun() is never seen)
    assert [s.value for s in at.success] == ["Import 2, 1 undone; the data is as it was before it."]
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
    assert "Give both start_date and end_date" in static_tables(at)[0].to_string()  # 'Schluss' is no known name
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


def test_the_check_and_the_import_share_one_reading_and_one_parse(db_path, monkeypatch):
    """Issue 12: a large upload was read and parsed again on every rerun and once more on the
    click. Counted with the real functions wrapped (they still run). The file's hash (7 ms for
    13 MB) once per run, to find the file kept from the run before, and once for the file itself."""
    import data.importer as importer
    import data.store
    calls = {"read_csv": 0, "parse_uploads": 0, "content_hash": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(importer, "read_csv", counting("read_csv", importer.read_csv))
    monkeypatch.setattr(importer, "parse_uploads", counting("parse_uploads", importer.parse_uploads))
    monkeypatch.setattr(importer, "content_hash", counting("content_hash", importer.content_hash))
    monkeypatch.setattr(data.store, "content_hash", counting("content_hash", data.store.content_hash))  # the page's
    at = import_page()
    content = (FIXTURES / "jira_cloud.csv").read_bytes()
    at.file_uploader(key="uploads").set_value([("jira.csv", content, "text/csv")]).run()
    at.run()  # any click on the page reruns it
    at.button(key="do_import").click().run()
    assert not at.exception and any("Imported (import 1)" in s.value for s in at.success)
    assert calls == {"read_csv": 1, "parse_uploads": 1, "content_hash": 3 + 1}
    store = Store(db_path)
    assert len(store.current("sprint_items")) > 0
    store.close()


def test_the_click_writes_the_checked_parse_without_the_files_cells(db_path, monkeypatch):
    """Issue 21: the import's peak held the files' cells (19 MiB for a 100k-row export) beside the
    rows going in. The check counts with them read; the click writes the parse the check made, the
    cells let go first, as the command line does; an Upload asked again reads its content again."""
    import streamlit as st

    import data.importer as importer
    real_write, seen = importer.write_import, []

    def writing(store, prepared, **kwargs):
        seen.append((kwargs.get("dry_run", False), [bool(u._read) for u in st.session_state["import_uploads"].values()]))
        return real_write(store, prepared, **kwargs)
    monkeypatch.setattr(importer, "write_import", writing)
    at = import_page()
    content = (FIXTURES / "jira_cloud.csv").read_bytes()
    at.file_uploader(key="uploads").set_value([("jira.csv", content, "text/csv")]).run()
    at.button(key="do_import").click().run()
    assert not at.exception and any("Imported (import 1)" in s.value for s in at.success)
    assert seen == [(True, [True]), (False, [False])]
    again = importer.Upload("jira.csv", content)
    first = importer.read_upload(again)
    again.let_go_of_reading()
    assert importer.read_upload(again) is not first and importer.read_upload(again).rows == first.rows


def test_after_the_check_the_page_holds_the_parse_not_the_files_cells(db_path, monkeypatch):
    """Issue 21: once checked, the files' cells go (the import writes the checked parse); a rerun
    recognises the files from their first rows, reading nothing again; a changed option reads the
    files again and checks anew. Counted with the real reader wrapped."""
    reads = reads_counted(monkeypatch)
    at, content = jira_uploaded()
    upload, = at.session_state["import_uploads"].values()
    rows = len(read_csv("jira.csv", content, max_bytes=2**24, max_rows=10**6))
    assert reads == ["jira.csv"] and not upload._read and len(upload._head[0]) == min(rows, 200) > 0
    mapping = [s.value for s in at.selectbox if s.key.startswith("map_jira.csv_")]
    at.run()  # any click on the page: the mapping is shown as before, from the rows kept
    assert not at.exception and reads == ["jira.csv"] and [s.value for s in at.selectbox
                                                          if s.key.startswith("map_jira.csv_")] == mapping
    at.selectbox(key="import_date_order").set_value("dmy").run()  # an option changed: checked anew
    assert not at.exception and reads == ["jira.csv", "jira.csv"] and "do_import" in [b.key for b in at.button]
    at.button(key="do_import").click().run()
    assert not at.exception and any("Imported (import 1)" in s.value for s in at.success)
    assert reads == ["jira.csv", "jira.csv"]


LONG = {  # longer than the rows kept, a cell past them that is no number
    "long_jira.csv": "Issue key,Summary,Sprint,Story Points,Status\n" + "".join(
        f"K-{n},Item {n},S{n // 50},{'viel' if n == 300 else n % 8},Done\n" for n in range(450)),
    "long_sprints.csv": "Team,Sprint,Zusage,Erledigt\n" + "".join(
        f"Nord,S{n},{'n/a' if n == 300 else 10},8\n" for n in range(450))}


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.csv")) + sorted(LONG))
def test_a_file_is_recognised_from_its_first_rows_as_from_all_of_them(name):
    """What the Import page shows about a file once its cells have gone (``glance``: the header and
    the first rows) is what the whole reading gives: the tool, the columns found and the columns of
    numbers, the template it fits."""
    from data.importer import Upload, glance, inspect_template, read_upload
    from data.sources import detect_source, inspect
    content = LONG[name].encode() if name in LONG else (FIXTURES / name).read_bytes()
    whole, kept = Upload(name, content), Upload(name, content)
    read_upload(kept)
    kept.let_go_of_reading()
    assert not kept._read and glance(kept).header == read_upload(whole).header
    source = detect_source(read_upload(whole).header)
    if source:
        assert inspect(glance(kept), source) == inspect(read_upload(whole), source)
    assert inspect_template(kept) == inspect_template(whole)
    assert not kept._read  # recognised without reading the file again
    if name in LONG:
        assert len(read_upload(whole)) == 450 and len(glance(kept)) == 200


def test_the_sprint_review_and_home_share_one_sprint_table(db_path, monkeypatch):
    """The Sprint review asks for the sprint table in points by name, Home by default: one question,
    one table built (Streamlit keys its cache by the arguments as passed; ui.sprint_table passes them
    alike). Counted with the real functions wrapped."""
    import data.service as service
    asked = {"sprint_totals": 0, "sprint_table_of": 0}

    def counting(name):
        real = getattr(service, name)

        def wrapper(*args, **kwargs):
            asked[name] += 1
            return real(*args, **kwargs)
        monkeypatch.setattr(service, name, wrapper)

    counting("sprint_totals")
    counting("sprint_table_of")
    at = import_page()
    content = (FIXTURES / "jira_cloud.csv").read_bytes()
    at.file_uploader(key="uploads").set_value([("jira.csv", content, "text/csv")]).run()
    at.button(key="do_import").click().run()
    assert not at.exception and any("Imported (import 1)" in s.value for s in at.success)
    at.switch_page("pages/sprint_review.py").run()
    assert not at.exception and charts(at)
    assert asked == {"sprint_totals": 1, "sprint_table_of": 1}
    at.switch_page("pages/home.py").run()
    assert not at.exception
    assert asked == {"sprint_totals": 1, "sprint_table_of": 1}


def test_after_an_import_the_sprint_table_is_computed_while_the_result_is_read(db_path, monkeypatch):
    """Issue 21: right after an import, the new sprint table is computed in a thread of its own
    (ui.warm_sprint_table), while the user reads the result; the Sprint review that follows finds
    it in the cache and computes nothing of it again. Recorded with the real functions wrapped: which
    thread asked, and for which teams."""
    import threading

    import data.service as service
    real = service.sprint_totals
    asked: list[tuple[str, tuple]] = []

    def recording(store, teams, *args, **kwargs):
        asked.append((threading.current_thread().name, tuple(teams)))
        return real(store, teams, *args, **kwargs)

    monkeypatch.setattr(service, "sprint_totals", recording)
    at = import_page()
    content = (FIXTURES / "jira_cloud.csv").read_bytes()
    at.file_uploader(key="uploads").set_value([("jira.csv", content, "text/csv")]).run()
    assert asked == []  # the check computes no sprint table
    at.button(key="do_import").click().run()
    assert not at.exception and any("Imported (import 1)" in s.value for s in at.success)
    for thread in threading.enumerate():
        if thread.name == "dashboard-sprint-table":
            thread.join(timeout=60)
    store = Store(db_path)
    teams = tuple(store.teams())
    store.close()
    assert teams and asked == [("dashboard-sprint-table", teams)]
    at.switch_page("pages/sprint_review.py").run()
    assert not at.exception and charts(at)
    assert len(asked) == 1  # the review's table came from the cache


def test_after_an_import_the_uploader_is_empty_and_the_files_leave_the_session(db_path, monkeypatch):
    """Issue 21: once imported, the files are not kept. The uploader is empty for the next files,
    the session holds neither their bytes nor their reading, and a click on the page does not check
    them again against the changed store (it would find every row unchanged). Counted with the real
    reader wrapped."""
    reads = reads_counted(monkeypatch)
    at, content = jira_uploaded()
    assert "import_uploads" in at.session_state and reads == ["jira.csv"]
    at.button(key="do_import").click().run()
    assert not at.exception and any("Imported (import 1)" in s.value for s in at.success)
    assert [u.key for u in at.file_uploader] == ["uploads_1"] and not at.file_uploader(key="uploads_1").value
    assert "import_uploads" not in at.session_state and "import_check" not in at.session_state
    at.run()  # any click on the page
    assert not at.exception and reads == ["jira.csv"] and "do_import" not in [b.key for b in at.button]
    assert at.session_state["uploads_imported"] == 1
    # the next file goes into the new uploader, is checked and imported as the second import
    at.file_uploader(key="uploads_1").set_value([("again.csv", content, "text/csv")]).run()
    assert reads == ["jira.csv", "again.csv"]
    at.button(key="do_import").click().run()
    assert not at.exception and any("Imported (import 2)" in s.value for s in at.success)
    assert [u.key for u in at.file_uploader] == ["uploads_2"]


def test_streamlit_lets_go_of_the_files_it_was_handed(db_path):
    """ui.let_go_of_uploads drops the files from Streamlit's own file manager, which otherwise keeps
    their bytes until the session ends."""
    def app():
        import streamlit as st
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        import ui
        files = st.file_uploader("files", accept_multiple_files=True, key="files")
        context = get_script_run_ctx()
        ids = [f.file_id for f in files or []]
        held = context.uploaded_file_mgr.get_files
        before = len(held(context.session_id, ids))
        ui.let_go_of_uploads(ids)
        st.text(f"{before} {len(held(context.session_id, ids))}")

    at = AppTest.from_function(app, default_timeout=60).run()
    at.file_uploader(key="files").set_value([("a.csv", b"x,y\n1,2\n", "text/csv"),
                                             ("b.csv", b"z\n3\n", "text/csv")]).run()
    assert not at.exception and at.text[0].value == "2 0"


def test_an_upload_holds_the_file_managers_bytes_not_the_widgets_copy(db_path):
    """The widget hands out a copy of each file on every run; ui.uploaded_bytes gives the bytes
    Streamlit's file manager holds anyway, so a kept upload does not hold the file a second time."""
    def app():
        import streamlit as st
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        import ui
        files = st.file_uploader("files", accept_multiple_files=True, key="files")
        context = get_script_run_ctx()
        for file in files or []:
            held = context.uploaded_file_mgr.get_files(context.session_id, [file.file_id])[0].data
            content = ui.uploaded_bytes(file)
            st.text(f"{file.name} {content == file.getvalue()} {content is held} {file.getvalue() is held}")

    at = AppTest.from_function(app, default_timeout=60).run()
    at.file_uploader(key="files").set_value([("a.csv", b"x,y\n1,2\n", "text/csv"),
                                             ("b.csv", b"z\n3\n", "text/csv")]).run()
    assert not at.exception and [t.value for t in at.text] == ["a.csv True True False", "b.csv True True False"]


def german_import_page() -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    at.sidebar.radio(key="lang_widget").set_value("de").run()
    at.switch_page("pages/import.py").run()
    assert "Import-Verlauf" in [header.value for header in at.subheader]  # the page speaks German
    return at


BROKEN = {  # three files, each refused for another reason (problems of reading come before those of cells)
    "dates.csv": "team,sprint,start_date,end_date\nNord,S9,2026-02-09,2026-02-31\n",
    "cells.csv": "team,sprint,committed,completed\nNord,S1,20,18,5\n",
    "long.csv": "team,sprint,goal\nNord,S1," + "x" * 131_073 + "\n",
}


def test_a_german_import_page_shows_the_problems_in_german(db_path):
    at = german_import_page()
    at.file_uploader(key="uploads").set_value([(name, text.encode(), "text/csv") for name, text in BROKEN.items()]).run()
    assert not at.exception
    assert at.error[0].value.startswith("Es wurde nichts importiert")
    assert "3 Dateien haben Probleme" in [t.value for t in at.text]
    problems = static_tables(at)[0]
    assert problems.columns.tolist() == ["Datei", "Zeile", "Spalte", "Wert", "Problem"]
    assert problems.values.tolist() == [
        ["cells.csv", "2", "", "", "Diese Zeile hat 5 Zellen, die Kopfzeile aber 4 (ein Trennzeichen ohne "
                                   "Anführungszeichen in einem Wert? Setzen Sie solche Werte in doppelte Anführungszeichen)."],
        ["long.csv", "2", "goal", "", "Diese Zelle hat 131.073 Zeichen; erlaubt sind höchstens 131.072. Kürzen Sie sie "
                                      "oder lassen Sie die Spalte weg."],
        ["dates.csv", "2", "end_date", "2026-02-31",
         "„2026-02-31“ ist kein echtes Kalenderdatum. Schreiben Sie Daten als 2025-03-31 oder 31.03.2025."],
    ]


def test_a_german_import_page_writes_its_notes_in_german(db_path):
    at = german_import_page()
    content = "team;sprint;committed;completed;farbe\nNord;S1;20;18,5;rot\n".encode()
    at.file_uploader(key="uploads").set_value([("meine.csv", content, "text/csv")]).run()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert "meine.csv: getrennt durch Semikolon." in texts
    assert [w.value for w in at.warning] == ["2 Hinweise zu diesen Dateien:"]
    assert ("• meine.csv: 1 Spalte(n), die nicht zur Vorlage sprints gehören, wurden ignoriert: 'farbe'.\n"
            "• Keine Daten für 1 Sprint(s): Nord / S1. Sie gelten als abgeschlossen") in "\n".join(texts)


def test_the_command_line_prints_the_same_problems_in_english(tmp_path):
    import subprocess
    import sys
    for name, text in BROKEN.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "analytics", "import", *(str(tmp_path / name) for name in BROKEN),
                           "--db", str(tmp_path / "cli.duckdb")], cwd=Path(__file__).parent.parent,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "Import failed: 3 files have problems. Nothing was imported.",
        "  cells.csv, row 2: This row has 5 cells but the header has 4 (an unquoted delimiter inside a value? Put such "
        "values in double quotes).",
        "  long.csv, row 2, column 'goal': This cell has 131,073 characters; the most a cell may have is 131,072. "
        "Shorten it or leave the column out.",
        "  dates.csv, row 2, column 'end_date': '2026-02-31' is not a real calendar date. Write dates as 2025-03-31 "
        "or 31.03.2025.",
    ]


BROKEN_JIRA = {  # two Jira exports: one with its columns short, one with four rows that cannot be read
    "ohne_sprint.csv": "Issue key,Summary,Aufwand\nK-1,a,2\n",
    "jira.csv": "Issue key,Summary,Sprint,Custom field (Story Points),Created,Project name\n"
                "K-1,a,S 1,-3,2026-03-02,Nord\n"
                ",b,S 1,2,2026-03-02,Nord\n"
                "K-1,c,S 1,2,2026-03-02,Nord\n"
                "K-4,d,S 1,2,gestern,Nord\n",
}


def test_a_german_import_page_shows_the_problems_of_a_jira_export_in_german(db_path):
    at = german_import_page()
    at.file_uploader(key="uploads").set_value(
        [(name, text.encode(), "text/csv") for name, text in BROKEN_JIRA.items()]).run()
    assert not at.exception
    assert at.error[0].value.startswith("Es wurde nichts importiert")
    assert "2 Dateien haben Probleme" in [t.value for t in at.text]
    problems = static_tables(at)[0]
    assert problems.columns.tolist() == ["Datei", "Zeile", "Spalte", "Wert", "Problem"]
    assert problems.values.tolist() == [
        ["ohne_sprint.csv", "1", "sprint", "",
         "Die Jira-Spalte für „sprint“ wurde nicht gefunden. Ordnen Sie sie zu (--map sprint=\"Spalte\") oder "
         "exportieren Sie sie mit."],
        ["ohne_sprint.csv", "1", "estimate", "",
         "Es wurde keine Spalte mit Story Points gefunden. Wählen Sie die Spalte mit den Schätzungen mit "
         "--map estimate=\"Spalte\" (Spalten mit Zahlen: Aufwand) oder importieren Sie mit --map estimate= ohne "
         "Schätzungen und zählen Sie die Einträge."],
        ["jira.csv", "2", "Custom field (Story Points)", "-3", "„-3“ ist negativ; eine Schätzung kann das nicht sein."],
        ["jira.csv", "3", "Issue key", "", "Der Vorgangsschlüssel ist leer."],
        ["jira.csv", "4", "Issue key", "K-1",
         "Doppelt: Vorgang K-1 steht schon in Zeile 2 dieser Datei. Behalten Sie eine Zeile je Vorgang."],
        ["jira.csv", "5", "Created", "gestern",
         "„gestern“ ist kein Datum. Schreiben Sie Daten als 2025-03-31 oder 31.03.2025."],
    ]
