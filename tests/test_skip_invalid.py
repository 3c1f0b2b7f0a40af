"""Issues 19 and 24, the import side: a team's own spreadsheet gets a proposed mapping instead of a
silent import; `import --skip-invalid` imports the valid rows and keeps the refused ones (a rejects
CSV in the store, beside the import); every problem is counted, grouped and listed in full; a
team can be mapped from two columns joined; a spreadsheet's totals row is named as such."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from cli import main
from data.errors import ImportFailed, problem_groups
from data.importer import import_uploads, rejects_frame
from data.store import Store
from tests.support import snapshot, upload

SPREADSHEETS = Path(__file__).parent / "fixtures" / "spreadsheets"
GERMAN = SPREADSHEETS / "vertrieb_sued_cp1252.csv"  # Team;Sprint;Beginn;Ende;Zusage (Punkte);… in cp1252
BOARDS = SPREADSHEETS / "sprints_two_boards.csv"  # 'Sprint 1' and 'Sprint 2' on boards 1 and 2, then a 'Total' row
PROPOSAL = ["--map", "committed=Zusage (Punkte)", "--map", "completed=Erledigt (Punkte)",
            "--map", "added=Neu hinzugekommen", "--map", "removed=Gestrichen"]


def refused(store, *files, **options) -> ImportFailed:
    """The import is refused with located problems and the store is unchanged."""
    before = snapshot(store)
    with pytest.raises(ImportFailed) as caught:
        import_uploads(store, list(files), **options)
    assert snapshot(store) == before
    return caught.value


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def figures(store: Store) -> list[list]:
    frame = store.current("sprints")
    return frame[["team", "sprint", "committed", "completed", "added", "removed"]].values.tolist()


# --- issue 19: the German team's own spreadsheet ----------------------------------------------------

def test_the_german_spreadsheet_is_refused_with_a_proposed_mapping(store):
    assert GERMAN.read_bytes().decode("cp1252").startswith("Team;Sprint;Beginn;Ende;Zusage (Punkte)")
    with pytest.raises(UnicodeDecodeError):
        GERMAN.read_bytes().decode("utf-8")  # really cp1252: 'Süd' is one byte, 0xfc
    failure = refused(store, upload(GERMAN.name, GERMAN.read_bytes()))
    [problem] = failure.problems
    assert (problem.file, problem.row) == (GERMAN.name, 1)
    assert ("committed ← 'Zusage (Punkte)', completed ← 'Erledigt (Punkte)', added ← 'Neu hinzugekommen', "
            "removed ← 'Gestrichen'") in problem.message
    assert ("--map 'committed=Zusage (Punkte)' --map 'completed=Erledigt (Punkte)' "
            "--map 'added=Neu hinzugekommen' --map removed=Gestrichen") in problem.message
    # in German on a German page
    assert "Vorgeschlagene Zuordnung" in problem.message.in_language("de")


def test_the_command_line_refuses_with_the_proposal_and_map_takes_it(tmp_path, capsys):
    db = str(tmp_path / "cli.duckdb")
    code, out, err = cli(capsys, "import", str(GERMAN), "--db", db)
    assert code == 1 and out == ""
    assert "--map 'committed=Zusage (Punkte)'" in err and "Nothing was imported" in err
    assert Store(db).current("sprints").empty
    code, out, err = cli(capsys, "import", str(GERMAN), "--db", db, *PROPOSAL)
    assert code == 0, err
    assert "Imported (import 1): vertrieb_sued_cp1252.csv as sprints: 3 rows, 3 new" in out
    # the decimal commas of the file: 22,5 and 25,5
    assert figures(Store(db)) == [["Vertrieb Süd", "Sprint 1", 20.0, 18.0, 3.0, 1.0],
                                  ["Vertrieb Süd", "Sprint 2", 22.5, 20.0, 2.0, 0.0],
                                  ["Vertrieb Süd", "Sprint 3", 24.0, 25.5, 4.0, 2.0]]


def test_a_sprints_file_with_nothing_to_show_is_refused_with_that_reason(store):
    failure = refused(store, upload("names.csv", "team,sprint,farbe\nNord,S1,rot\nNord,S2,blau\n"))
    [problem] = failure.problems
    assert "has no figures" in problem.message and "none of its 2 sprints has item rows" in problem.message
    assert "'farbe'" in problem.message
    # with its item rows in the same import it is welcome (the figures come from the items)
    import_uploads(store, [upload("names.csv", "team,sprint,farbe\nNord,S1,rot\n"),
                           upload("items.csv", "team,sprint,item_key,estimate,committed_at_start,done\n"
                                               "Nord,S1,A-1,3,yes,yes\n")])
    assert store.current("sprints")["sprint"].tolist() == ["S1"]


# --- issue 24: repeated sprint names, totals rows, problems beyond 50 ------------------------------

def test_the_same_sprint_name_on_two_boards_is_grouped_with_its_remedy(store):
    failure = refused(store, upload(BOARDS.name, BOARDS.read_bytes()))
    # rows 3 and 5 repeat rows 2 and 4 (same team and sprint, other board); row 6 is the totals row
    assert [(p.row, p.column) for p in failure.problems] == [(3, "sprint"), (5, "sprint"), (6, "team")]
    assert "'Total' marks a totals row" in failure.problems[2].message
    [hint] = failure.hints
    assert "2 duplicate sprint names" in hint and "'board'" in hint and "--map team=team+board" in hint
    [group] = problem_groups(failure.problems)  # the two duplicates are one line
    assert group.startswith("sprints_two_boards.csv, column 'sprint': 2 problems like the one in row 3: Duplicate")


def test_team_from_two_columns_keeps_the_sprints_of_each_board_apart_and_skips_the_totals_row(store):
    result = import_uploads(store, [upload(BOARDS.name, BOARDS.read_bytes())], template_mapping={"team": "team+board"},
                            skip_invalid=True)
    assert store.current("sprints")[["team", "sprint", "committed"]].values.tolist() == [
        ["Apache / 1", "Sprint 1", 10.0], ["Apache / 1", "Sprint 2", 12.0],
        ["Apache / 2", "Sprint 1", 6.0], ["Apache / 2", "Sprint 2", 5.0]]
    assert (result.imported_rows, len(result.rejects)) == (4, 1)  # 5 data rows: 4 sprints and the totals row
    assert "sprints_two_boards.csv: totals row(s) 6 skipped (they sum the rows above)." in result.notes
    assert not any("'board'" in warning for warning in result.warnings)  # the board column is used, not ignored


def test_problems_beyond_fifty_are_all_counted_listed_and_grouped(store, tmp_path, capsys):
    rows = "".join(f"Nord,S1,{10 + i}\n" for i in range(61))  # row 2 is S1; rows 3 … 62 repeat it: 60
    text = "team,sprint,committed\n" + rows
    failure = refused(store, upload("many.csv", text))
    assert len(failure.problems) == 60
    assert [p.row for p in failure.problems] == list(range(3, 63))
    assert "(50 of 60 shown)" in str(failure)
    path = tmp_path / "many.csv"
    path.write_text(text)
    code, out, err = cli(capsys, "import", str(path), "--db", str(tmp_path / "x.duckdb"))
    assert code == 1
    assert "many.csv, column 'sprint': 60 problems like the one in row 3" in err
    assert "(50 of 60 problems shown; --json lists all of them)" in err
    assert sum(line.startswith("  many.csv, row ") for line in err.splitlines()) == 50
    code, out, err = cli(capsys, "import", str(path), "--db", str(tmp_path / "x.duckdb"), "--json")
    assert code == 1 and len(json.loads(out)["problems"]) == 60


# --- issue 24: --skip-invalid ------------------------------------------------------------------------

SPRINTS = ("team,sprint,start_date,end_date\n"
           "Nord,S1,2026-01-05,2026-01-16\n"
           "Nord,S2,2026-01-19,2027-03-01\n"   # 407 days: over the 366-day limit
           "Nord,S3,2026-02-02,2026-02-13\n")
ITEMS = ("team,sprint,item_key,estimate,committed_at_start,done\n"
         "Nord,S1,A-1,3,yes,yes\n"
         "Nord,S2,A-2,5,yes,no\n"            # its sprint is refused: left out too
         "Nord,S3,A-3,=HYPERLINK(x),yes,no\n"  # not a number (and formula-like)
         "Nord,S3,A-4,2,yes,yes\n")


def test_skip_invalid_imports_the_valid_rows_and_keeps_the_refused_ones_with_the_import(store):
    before = snapshot(store)
    result = import_uploads(store, [upload("sprints.csv", SPRINTS), upload("items.csv", ITEMS)], skip_invalid=True)
    # 3 sprints + 4 items = 7 rows: S2, its item are left out, 4 rows imported
    assert (result.imported_rows, len(result.rejects)) == (4, 3)
    assert result.as_dict()["imported_rows"] == 4 and result.as_dict()["rejected_rows"] == 3
    assert store.current("sprints")["sprint"].tolist() == ["S1", "S3"]
    assert store.current("sprint_items")["item_key"].tolist() == ["A-1", "A-4"]
    kept = store.rejects(result.import_id)
    assert kept[["file", "row", "column"]].values.tolist() == [
        ["items.csv", 3, "sprint"], ["items.csv", 4, "estimate"], ["sprints.csv", 3, "end_date"]]
    assert "Its sprint 'S2' was refused (sprints.csv, row 3)" in kept.loc[0, "message"]
    assert "407 days" in kept.loc[2, "message"]
    assert store.reject_counts() == {result.import_id: 3}
    # the rejects CSV: where and why first, then the row as the file had it, formulas neutralised
    from data.export import to_csv_bytes
    table = list(csv.DictReader(io.StringIO(to_csv_bytes(rejects_frame(kept)).decode("utf-8-sig"))))
    assert [line["row"] for line in table] == ["3", "4", "3"]
    assert table[1]["estimate"] == "'=HYPERLINK(x)" and table[1]["item_key"] == "A-3"
    assert table[2]["end_date"] == "2027-03-01" and table[2]["estimate"] == ""
    # undo removes exactly that import: every data table as before (the history keeps it, undone)
    store.undo(result.import_id)
    after = snapshot(store)
    assert {name: rows for name, rows in after.items() if not name.startswith("import")} == \
        {name: rows for name, rows in before.items() if not name.startswith("import")}
    assert store.history()["undone_at"].notna().all()


def test_skip_invalid_still_refuses_a_file_whose_header_is_wrong(store):
    failure = refused(store, upload("bad.csv", "team,start_date\nNord,2026-01-05\n"), skip_invalid=True)
    assert failure.problems[0].row == 1


def test_the_command_line_writes_the_rejects_and_reports_the_counts(tmp_path, capsys):
    files = []
    for name, text in (("sprints.csv", SPRINTS), ("items.csv", ITEMS)):
        files.append(tmp_path / name)
        files[-1].write_text(text)
    db, rejects = str(tmp_path / "x.duckdb"), tmp_path / "rejects.csv"
    code, out, err = cli(capsys, "import", *map(str, files), "--db", db, "--skip-invalid", "--rejects", str(rejects),
                         "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert (payload["imported_rows"], payload["rejected_rows"]) == (4, 3)
    written = csv.DictReader(io.StringIO(rejects.read_text("utf-8-sig")))
    assert sorted((line["file"], line["row"]) for line in written) == [
        ("items.csv", "3"), ("items.csv", "4"), ("sprints.csv", "3")]
    code, out, err = cli(capsys, "import", *map(str, files), "--db", db)  # without it: all or nothing
    assert code == 1 and "Nothing was imported" in err
    code, out, err = cli(capsys, "import", str(files[0]), "--db", db, "--rejects", str(rejects))
    assert code == 2 and "--skip-invalid" in err


def test_a_check_in_of_a_refused_key_result_is_left_out_saying_why(store):
    okrs = ("team,cycle,cycle_start,cycle_end,objective_id,objective,kr_id,key_result,start_value,target_value\n"
            "Nord,Q1,2026-01-01,2026-03-31,O1,Mehr Kunden,KR-1,40 Meetings,0,40\n"
            "Nord,Q1,2026-01-01,2026-03-31,O1,Mehr Kunden,KR-2,Angebote,5,5\n")  # start = target: refused
    checkins = "kr_id,date,value\nKR-1,2026-01-16,8\nKR-2,2026-01-16,6\n"
    result = import_uploads(store, [upload("okrs.csv", okrs), upload("checkins.csv", checkins)], skip_invalid=True)
    assert store.current("checkins")["kr_id"].tolist() == ["KR-1"]
    messages = {(r.file, r.row): r.message for r in result.rejects}
    assert set(messages) == {("okrs.csv", 3), ("checkins.csv", 3)}
    assert "Its key result 'KR-2' was refused (okrs.csv, row 3)" in messages[("checkins.csv", 3)]


def test_failures_keep_saying_nothing_was_imported(store):
    try:
        import_uploads(store, [upload("s.csv", SPRINTS)])
    except ImportFailed as failure:
        assert failure.rows_only and [p.row for p in failure.problems] == [3]


def test_an_issue_of_a_tool_export_in_a_refused_sprint_is_left_out_saying_so(store):
    exports = Path(__file__).parent / "fixtures" / "tool_exports"
    calendar = (exports / "jira_server_sprints.csv").read_text().replace("2026-04-10", "2027-06-01")  # Beta 3: 429 days
    result = import_uploads(store, [upload("jira_server.csv", (exports / "jira_server.csv").read_bytes()),
                                    upload("sprints.csv", calendar)], skip_invalid=True)
    # Beta 3 holds BE-1 (rows 2), BE-3 (row 4) and BE-4 (row 5): their issue rows go with it; BE-2 stays
    assert [(r.file, r.row) for r in result.rejects] == [
        ("jira_server.csv", 2), ("jira_server.csv", 4), ("jira_server.csv", 5), ("sprints.csv", 4)]
    assert "Its sprint 'Beta 3' was refused (sprints.csv, row 4)" in result.rejects[0].message
    assert store.current("sprint_items")["item_key"].tolist() == ["BE-2"]
    assert store.current("sprints")["sprint"].tolist() == ["Beta 1", "Beta 2"]


def test_rows_left_out_as_duplicates_keep_the_remedy_as_a_note(store):
    result = import_uploads(store, [upload(BOARDS.name, BOARDS.read_bytes())], skip_invalid=True)
    # rows 3 and 5 (board 2's repeats) and the totals row 6 are left out; rows 2 and 4 imported
    assert ([r.row for r in result.rejects], result.imported_rows) == ([3, 5, 6], 2)
    assert any("2 duplicate sprint names" in note and "--map team=team+board" in note for note in result.notes)


def test_migration_7_adds_the_rejects_table_to_an_older_store(tmp_path, monkeypatch):
    import data.store as store_module
    from data.schema import MIGRATIONS
    path = tmp_path / "v4.duckdb"
    monkeypatch.setattr(store_module, "MIGRATIONS", [m for m in MIGRATIONS if m[0] <= 4])
    Store(path).close()
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS)
    store = Store(path)
    assert store.reject_counts() == {}
    result = import_uploads(store, [upload("s.csv", SPRINTS)], skip_invalid=True)
    assert store.reject_counts() == {result.import_id: 1}  # S2, 407 days
