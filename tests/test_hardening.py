"""Issue 11, items 3, 5, 6 and 7: every hostile input gets a located rejection or a documented exit
code, never a traceback, and the store stays exactly as it was."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from cli import main, terminal_safe
from data.csvfile import MAX_CELL_CHARS, FileRefused, read_file
from data.errors import ImportFailed, SettingInvalid
from data.sources import inspect
from data.importer import Upload, import_uploads, inspect_upload, read_upload
from data.settings import SETTINGS, setting
from data.values import parse_date, parse_number
from tests.support import snapshot, upload

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "tool_exports"

SPRINTS = "team,sprint,start_date,end_date,committed,completed\nNord,S1,2026-03-02,2026-03-13,10,8\n"
OKRS = ("team,cycle,cycle_start,cycle_end,objective_id,objective,kr_id,key_result,start_value,target_value\n"
        "Nord,Q2,2026-04-01,2026-06-30,O1,Mehr Kunden,KR-1,Meetings,0,40\n")
JIRA_HEADER = "Issue key,Summary,Issue Type,Status,Resolution,Created,Resolved,Sprint,Custom field (Story Points)\n"
JIRA_ROW = ("{key},Call,Story,Closed,Fixed,2026-02-27,2026-03-10,\"com.atlassian.greenhopper.service.sprint.Sprint@1a2b"
            "[id=101,rapidViewId=7,state=CLOSED,name=Gamma 1,goal=<null>,startDate={start},endDate=2026-03-13T17:00:00.000"
            "+01:00,completeDate=<null>,sequence=101]\",{points}\n")
LINEAR = ('"Id","Team","Title","Status","Estimate","Cycle Number","Cycle Name","Cycle Start","Cycle End","Created",'
          '"Completed"\n"OPS-1","Ops","Server","Done","2","3","Ops Cycle A","{start}","{end}","2025-10-01","2025-10-08"\n')


def jira(*rows: tuple[str, str, str]) -> str:
    return JIRA_HEADER + "".join(JIRA_ROW.format(key=k, start=s, points=p) for k, s, p in rows)


def refused(store, *files: Upload, **options) -> ImportFailed:
    """The import is refused with located problems and the store is unchanged."""
    before = snapshot(store)
    with pytest.raises(ImportFailed) as caught:
        import_uploads(store, list(files), **options)
    assert snapshot(store) == before
    return caught.value


# --- item 3: clean rejections -------------------------------------------------------------------

def test_utf16_with_bom_and_a_broken_body_is_refused_with_its_line(store):
    body = "team,sprint\nNord,S1\n".encode("utf-16-le") + b"\x00\xd8"  # a lone high surrogate on line 3
    failure = refused(store, upload("u16.csv", b"\xff\xfe" + body))
    assert failure.title == "Unreadable text"
    assert [(p.file, p.row) for p in failure.problems] == [("u16.csv", 3)]
    assert "not valid UTF-16" in failure.problems[0].message


def test_a_cell_over_the_csv_field_limit_is_refused_with_row_and_column(store):
    long_goal = "x" * (MAX_CELL_CHARS + 1)  # 131,073 characters: Python's csv module would raise
    text = f"team,sprint,goal\nNord,S1,ok\nNord,S2,{long_goal}\n"
    failure = refused(store, upload("long.csv", text))
    assert [(p.row, p.column) for p in failure.problems] == [(3, "goal")]
    assert "131,073 characters" in failure.problems[0].message
    # exactly at the limit is a cell like any other
    import_uploads(store, [upload("ok.csv", f"team,sprint,goal\nNord,S1,{'y' * MAX_CELL_CHARS}\n")])
    assert len(store.current("sprints").loc[0, "goal"]) == MAX_CELL_CHARS


def test_a_garbled_jira_sprint_start_date_is_a_located_problem(store):
    failure = refused(store, upload("jira.csv", jira(("GA-1", "2026-03-02T09:00:00.000+01:00", "2"),
                                                      ("GA-2", "garbage", "3"))), team="Gamma")
    assert [(p.row, p.column) for p in failure.problems] == [(3, "Sprint")]
    assert "startDate" in failure.problems[0].message and "garbage" in failure.problems[0].message


def test_a_saved_mapping_that_does_not_fit_neither_crashes_nor_blocks_later_files(store):
    store.save_mapping("jira", {"estimate": "Custom field (QA Story Point)", "team": "Project name"})
    content = (FIXTURES / "jira_sprint_objects.csv").read_bytes()
    raw = read_upload(Upload("j.csv", content))
    report = inspect(raw, "jira", store.mapping("jira"))  # what the Import page calls
    assert report.recognised["estimate"] == "Custom field (Story Points)"
    assert len(report.ignored) == 2 and "QA Story Point" in report.ignored[0]
    result = import_uploads(store, [Upload("j.csv", content)], team="Gamma")
    assert result.import_id == 1 and any("saved Jira column mapping does not fit" in n for n in result.notes)
    # a mapping given for this very file must fit it
    with pytest.raises(ImportFailed, match="does not fit"):
        inspect_upload(Upload("j.csv", content), mapping={"estimate": "Nope"})
    before = snapshot(store)
    with pytest.raises(ImportFailed, match="does not fit"):
        import_uploads(store, [Upload("j.csv", content)], mapping={"estimate": "Nope"})
    assert snapshot(store) == before


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args", [["forecast", "--trials", "-1"], ["forecast", "--trials", "0"],
                                  ["summary", "--last", "-1"], ["summary", "--last", "0"],
                                  ["forecast", "--last", "0"], ["forecast", "--backlog", "-5"],
                                  ["forecast", "--backlog", "nan"], ["forecast", "--trials", "99999999999"]])
def test_bad_numbers_on_the_command_line_are_usage_errors(tmp_path, capsys, args):
    with pytest.raises(SystemExit) as caught:
        main([*args, "--db", str(tmp_path / "x.duckdb")])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "must be" in err or "is not a" in err


BAD_VALUES = {str: "/no/such/folder/x.duckdb", int: "ten", float: "1e999", date: "2026-02-30"}


@pytest.mark.parametrize("item", SETTINGS, ids=lambda s: s.name)
def test_every_bad_setting_names_itself_and_exits_2(tmp_path, capsys, monkeypatch, item):
    monkeypatch.setenv(item.name, BAD_VALUES[item.kind])
    code, out, err = cli(capsys, "history", *([] if item.name == "DASHBOARD_DB" else ["--db", str(tmp_path / "x.duckdb")]))
    if item.name == "DASHBOARD_DB":  # a store in a folder that does not exist: exit 3, no folder made
        assert code == 3 and "does not exist" in err and not Path("/no/such/folder").exists()
    else:
        assert code == 2 and item.name in err and "Traceback" not in err
        with pytest.raises(SettingInvalid, match=item.name):
            setting(item.name)


def test_settings_out_of_range_and_inconsistent(monkeypatch):
    monkeypatch.setenv("DASHBOARD_FORECAST_TRIALS", "-3")
    with pytest.raises(SettingInvalid, match="is below 1"):
        setting("DASHBOARD_FORECAST_TRIALS")
    monkeypatch.setenv("DASHBOARD_BAND_LOW", "1.2")
    with pytest.raises(SettingInvalid, match="above DASHBOARD_BAND_HIGH"):
        setting("DASHBOARD_BAND_HIGH")
    monkeypatch.setenv("DASHBOARD_MAX_ROWS", "1_000")  # Python's int() would take it
    with pytest.raises(SettingInvalid, match="not a whole number"):
        setting("DASHBOARD_MAX_ROWS")


def test_db_in_a_missing_folder_and_in_memory_are_refused(tmp_path, capsys):
    code, _, err = cli(capsys, "history", "--db", str(tmp_path / "missing" / "x.duckdb"))
    assert code == 3 and "does not exist" in err and str(tmp_path) not in err
    assert not (tmp_path / "missing").exists()
    code, _, err = cli(capsys, "history", "--db", ":memory:")
    assert code == 2 and "keeps nothing" in err


def test_dev_zero_a_fifo_and_a_folder_are_refused_before_reading(tmp_path, capsys):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer for ever
    for path, words in (("/dev/zero", "device, pipe or socket"), (str(fifo), "device, pipe or socket"),
                        (str(tmp_path), "folder")):
        code, _, err = cli(capsys, "import", path, "--db", str(tmp_path / "x.duckdb"))
        assert code == 2 and words in err, path
    code, _, err = cli(capsys, "inspect", "/dev/zero", "--db", str(tmp_path / "x.duckdb"))
    assert code == 2


def test_a_huge_file_is_refused_after_reading_at_most_the_limit(tmp_path, capsys, monkeypatch):
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as handle:  # 2 GiB, sparse: costs no disk
        handle.write(b"team,sprint\n")
        handle.truncate(2 * 2**30)
    tracemalloc.start()
    with pytest.raises(ImportFailed) as caught:
        read_file(huge, max_bytes=2**20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 * 2**20  # read 1 MiB + 1 byte, not 2 GiB
    assert "2048.0 MiB" in caught.value.problems[0].message and "DASHBOARD_MAX_UPLOAD_MB" in caught.value.problems[0].message
    monkeypatch.setenv("DASHBOARD_MAX_UPLOAD_MB", "1")
    code, _, err = cli(capsys, "import", str(huge), "--db", str(tmp_path / "x.duckdb"))
    assert code == 1 and "File too large" in err
    with pytest.raises(FileRefused, match="cannot be read"):
        read_file(tmp_path / "absent.csv", max_bytes=10)


def test_cli_never_prints_a_traceback_for_an_unexpected_error(tmp_path, capsys, monkeypatch):
    import data.store
    monkeypatch.setattr(data.store.Store, "history", lambda self: 1 / 0)
    code, _, err = cli(capsys, "history", "--db", str(tmp_path / "x.duckdb"))
    assert code == 4 and "ZeroDivisionError" in err and "Traceback" not in err


# --- item 5: implausible dates and sprint lengths ---------------------------------------------------

@pytest.mark.parametrize("start,end,words", [
    ("0001-01-01", "9999-12-31", "outside 1990–2100"),
    ("1989-12-31", "1990-01-10", "outside 1990–2100"),
    ("2026-01-01", "2027-01-02", "lasts 367 days"),
])
def test_implausible_sprint_dates_are_refused(store, start, end, words):
    failure = refused(store, upload("s.csv", f"team,sprint,start_date,end_date\nNord,S1,{start},{end}\n"))
    assert failure.problems[0].row == 2 and words in failure.problems[0].message


def test_date_limits_are_settings(store, monkeypatch):
    monkeypatch.setenv("DASHBOARD_MAX_SPRINT_DAYS", "400")
    monkeypatch.setenv("DASHBOARD_MIN_YEAR", "1980")
    import_uploads(store, [upload("s.csv", "team,sprint,start_date,end_date\nNord,S1,1985-01-01,1986-01-02\n")])
    assert store.current("sprints")["sprint"].tolist() == ["S1"]  # 367 days, in 1985: both allowed now


def test_jira_and_linear_periods_follow_the_same_rule(store):
    failure = refused(store, upload("jira.csv", jira(("GA-1", "1970-01-01T09:00:00.000+01:00", "2"))), team="Gamma")
    assert "outside 1990–2100" in failure.problems[0].message
    failure = refused(store, upload("linear.csv", LINEAR.format(start="2025-10-19", end="2025-10-06")))
    assert [(p.row, p.column) for p in failure.problems] == [(2, "Cycle End")]
    assert "ends (2025-10-06) before it starts (2025-10-19)" in failure.problems[0].message
    failure = refused(store, upload("linear.csv", LINEAR.format(start="2024-10-06", end="2025-10-19")))
    assert "lasts 379 days" in failure.problems[0].message


@pytest.mark.parametrize("text", ["2026-03-02T99:99:99", "2026-03-02T24:00", "2026-03-02 12:60", "02.03.2026 25:00",
                                  "3/2/2026 13:00 PM"])
def test_impossible_times_of_day_are_no_dates(text):
    with pytest.raises(ValueError, match="no valid time of day"):
        parse_date(text, True)


def test_real_times_of_day_still_parse():
    assert str(parse_date("2026-03-02T23:59:60.5+01:00")) == "2026-03-02"
    assert str(parse_date("05/Mar/26 4:00 PM")) == "2026-03-05"
    assert str(parse_date("Wed Oct 15 2025 09:33:28 GMT+0000")) == "2025-10-15"


# --- item 6: infinite numbers, duplicates, NUL, repeated headers, unknown links -------------------------

@pytest.mark.parametrize("text", ["9" * 309, "-" + "9" * 400, "inf", "nan", "Infinity", "-Infinity", "+nan", "1e400"])
def test_numbers_that_are_not_finite_are_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_a_309_digit_estimate_is_refused_in_templates_and_exports(store):
    failure = refused(store, upload("s.csv", f"team,sprint,committed\nNord,S1,{'9' * 309}\n"))
    assert [(p.row, p.column) for p in failure.problems] == [(2, "committed")]
    assert "too large" in failure.problems[0].message
    failure = refused(store, upload("jira.csv", jira(("GA-1", "2026-03-02T09:00:00.000+01:00", "9" * 309))), team="Gamma")
    assert [(p.row, p.column) for p in failure.problems] == [(2, "Custom field (Story Points)")]


def test_a_duplicate_key_inside_one_export_names_both_rows(store):
    start = "2026-03-02T09:00:00.000+01:00"
    failure = refused(store, upload("jira.csv", jira(("GA-1", start, "2"), ("GA-2", start, "3"), ("GA-1", start, "5"))),
                      team="Gamma")
    assert [(p.row, p.column, p.value) for p in failure.problems] == [(4, "Issue key", "GA-1")]
    assert "already in row 2" in failure.problems[0].message


def test_a_nul_byte_after_the_first_4_kib_is_refused_with_its_row(store):
    rows = "".join(f"Nord,S{n},1,1\n" for n in range(1, 600))  # about 7 KiB
    text = "team,sprint,committed,completed\n" + rows + "Nord,S600,1\x00,1\n"
    failure = refused(store, upload("nul.csv", text))
    assert failure.problems[0].row == 601 and "NUL" in failure.problems[0].message


def test_a_repeated_header_says_so(store):
    failure = refused(store, upload("dup.csv", "team,team,sprint\nNord,Süd,S1\n"))
    assert failure.title == "dup.csv: columns repeated"
    assert [(p.row, p.column) for p in failure.problems] == [(1, "team")]
    assert "'team' (column 2) repeats column 1" in failure.problems[0].message


def test_items_may_link_a_key_result_imported_later_checkins_may_not(store):
    """One rule per meaning: a check-in *is* data of its key result, an item only links to one."""
    items = "team,sprint,item_key,estimate,done,key_result\nNord,S1,A-1,3,yes,KR-1\n"
    result = import_uploads(store, [upload("items.csv", items)])
    assert any("KR-1" in note and "not stored yet" in note for note in result.notes)
    failure = refused(store, upload("checkins.csv", "kr_id,date,value\nKR-1,2026-04-10,5\n"))
    assert [(p.row, p.column) for p in failure.problems] == [(2, "kr_id")]
    import_uploads(store, [upload("okrs.csv", OKRS)])
    assert store.integrity_problems() == []


# --- item 7: terminal escapes -------------------------------------------------------------------

def test_terminal_safe_removes_control_characters_only():
    hostile = "Nord\x1b[2J\x1b]0;pwned\x07\rX\x9b31m\u202eevil\u2066 Süd\tA\nB 🚀"
    assert terminal_safe(hostile) == "Nord[2J]0;pwnedX31mevil Süd\tA\nB 🚀"


def test_cli_tables_and_messages_carry_no_escape_sequences(tmp_path, capsys):
    team = "Nord\x1b[31m\x1b]0;title\x07"
    path = tmp_path / "s.csv"
    path.write_text(f"team,sprint,start_date,end_date,committed,completed\n{team},S1,2026-03-02,2026-03-13,10,8\n")
    db = str(tmp_path / "x.duckdb")
    code, _, err = cli(capsys, "import", str(path), "--db", db)
    assert code == 0, err
    for command in (["sprints"], ["history"]):
        code, out, err = cli(capsys, *command, "--db", db)
        assert code == 0 and "\x1b" not in out + err and "\x07" not in out
    assert "Nord[31m]0;title" in cli(capsys, "sprints", "--db", db)[1]
    code, out, _ = cli(capsys, "sprints", "--json", "--db", db)  # JSON keeps the value exactly (escaped)
    assert json.loads(out)[0]["team"] == team
    bad = tmp_path / "bad.csv"
    bad.write_text(f"team,sprint,committed\n{team},S1,x\x1b[2J\n")
    code, _, err = cli(capsys, "import", str(bad), "--db", db)
    assert code == 1 and "\x1b" not in err and "[2J" in err


def test_exit_codes_as_a_subprocess(tmp_path):
    """The documented exit codes, seen by a scheduler: 0 ok, 1 refused, 2 usage, 3 store."""
    def run(*args):
        environment = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
        return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=ROOT, capture_output=True,
                              text=True, env=environment, timeout=120)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(SPRINTS)
    bad.write_text("team,sprint,start_date,end_date\nNord,S1,0001-01-01,9999-12-31\n")
    db = str(tmp_path / "x.duckdb")
    assert run("import", str(good), "--db", db).returncode == 0
    done = run("import", str(bad), "--db", db)
    assert done.returncode == 1 and "outside 1990–2100" in done.stderr and "Traceback" not in done.stderr
    assert run("forecast", "--trials", "-1", "--db", db).returncode == 2
    assert run("history", "--db", str(tmp_path / "no" / "x.duckdb")).returncode == 3
