"""The messy real CSVs of shared/data/real/choetkiertikul2017_raw through the reader and the importer.

They are sprint-level research files (boardid, sprintid, name, vel_…): neither one of our templates
nor a tool export. What must happen with each is written down below, found by reading the files:
unquoted commas in sprint names (jboss line 72 ``Rel 5.0.0.Alpha2, 4.5.0.Alpha2``, jira line 93
``atlassian-selenium, anyone?``), invalid UTF-8 (``\\xc4\\x1a`` on jira line 1419) and a quoted name
followed by more text (mongodb line 448 ``"Let's Go Crazy" (08/29)``). None of the files has quoted
line breaks, so a spreadsheet row is a file line.

The folder travels beside the project, not inside it (no licence is stated for that data).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from data.csvfile import decode, read_csv
from data.errors import ImportFailed
from data.importer import Upload, import_uploads
from tests.support import snapshot

RAW = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real" / "choetkiertikul2017_raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exports"

pytestmark = pytest.mark.skipif(not RAW.exists(), reason="shared/data/real/choetkiertikul2017_raw is not beside the project")

HEADER = ["boardid", "sprintid", "name", "vel_diff", "planday", "no_issue_starttime", "vel_starttime", "no_issue_added",
          "vel_added", "no_issue_removed", "vel_removed", "no_issuetodo", "vel_todo", "no_issueinprogress",
          "vel_inprogress", "no_issuedone", "vel_done", "no_admin", "no_teammember"]
# rows with too many cells (row → cells), the same in the _0 and _80 file of a project
JBOSS_RAGGED = {72: 20, 90: 20, 91: 20, 241: 20}
JIRA_RAGGED = {93: 20, 235: 20, 430: 20, 465: 20, 474: 20, 478: 20, 494: 20, 496: 20, 1168: 20, 1221: 20,
               1447: 21, 1763: 21}
# what read_csv does with each file: rows read, or the rows it refuses
READ = {
    "apache_iteration_0.csv": 348, "apache_iteration_80.csv": 348,
    "spring_iteration_0.csv": 476, "spring_iteration_80.csv": 476,
    "mongodb_iteration_0.csv": 765, "mongodb_iteration_80.csv": 765,
    "jboss_iteration_0.csv": JBOSS_RAGGED, "jboss_iteration_80.csv": JBOSS_RAGGED,
    "jira_iteration_0.csv": JIRA_RAGGED, "jira_iteration_80.csv": JIRA_RAGGED,
}
MAX = {"max_bytes": 50 * 2**20, "max_rows": 200_000}


def content(name: str) -> bytes:
    return (RAW / name).read_bytes()


def test_the_folder_holds_the_ten_files():
    assert sorted(p.name for p in RAW.glob("*.csv")) == sorted(READ)


@pytest.mark.parametrize("name", [n for n, expected in READ.items() if isinstance(expected, int)])
def test_readable_files(name):
    raw = read_csv(name, content(name), **MAX)
    assert (raw.header, raw.delimiter, raw.encoding) == (HEADER, ",", "utf-8")
    assert len(raw.rows) == READ[name] and all(len(row) == 19 for row in raw.rows)
    assert raw.row_numbers[0] == 2 and raw.row_numbers[-1] == READ[name] + 1
    if name.startswith("mongodb"):
        # line 448: 187,270,"Let's Go Crazy" (08/29),0,… read as a spreadsheet reads it, and said so
        assert raw.rows[raw.row_numbers.index(448)][:3] == ["187", "270", "Let's Go Crazy (08/29)"]
        assert len(raw.notes) == 1 and "row 448" in raw.notes[0] and "quotes dropped" in raw.notes[0]
    else:
        assert raw.notes == []


@pytest.mark.parametrize("name", [n for n, expected in READ.items() if isinstance(expected, dict)])
def test_files_with_unquoted_commas_are_refused_naming_every_row(name):
    with pytest.raises(ImportFailed) as failure:
        read_csv(name, content(name), **MAX)
    problems = failure.value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [(name, row, None) for row in READ[name]]
    for problem in problems:
        assert problem.message.startswith(f"This row has {READ[name][problem.row]} cells but the header has 19")
        assert "double quotes" in problem.message


@pytest.mark.parametrize("name", sorted(READ))
def test_import_refuses_each_file_and_leaves_the_store_unchanged(store, name):
    import_uploads(store, [Upload("jira_sprints.csv", (FIXTURES / "jira_sprints.csv").read_bytes())])
    before = snapshot(store)
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [Upload(name, content(name))])
    problems = failure.value.problems
    if isinstance(READ[name], dict):
        assert [(p.file, p.row, p.column) for p in problems] == [(name, row, None) for row in READ[name]]
    else:  # read fine, but no template and no tool export
        assert [(p.file, p.row, p.column) for p in problems] == [(name, 1, None)]
        assert "None of the columns is known" in problems[0].message
        assert "Found: boardid, sprintid, name, vel_diff" in problems[0].message
    assert snapshot(store) == before


@pytest.mark.parametrize("name", ["jira_iteration_0.csv", "jira_iteration_80.csv"])
def test_invalid_utf8_is_read_as_cp1252_with_a_note(name):
    text, encoding, notes = decode(name, content(name))
    assert encoding == "cp1252"
    assert notes == [f"{name}: not valid UTF-8 (byte 0xc4 on line 1419); read as cp1252 (Windows/Excel encoding). "
                     "Check umlauts in the preview; save as 'CSV UTF-8' to avoid this."]
    # With the twelve sprint names quoted (as the extract's README repaired them) the file reads, with the note
    repaired = []
    for line in content(name).split(b"\n"):
        cells = line.split(b",")
        if len(cells) > 19:
            cells = cells[:2] + [b'"' + b",".join(cells[2:len(cells) - 16]) + b'"'] + cells[len(cells) - 16:]
        repaired.append(b",".join(cells))
    raw = read_csv(name, b"\n".join(repaired), **MAX)
    assert (raw.encoding, raw.notes, len(raw.rows)) == ("cp1252", notes, 1873)
    names = dict(zip(raw.row_numbers, (row[2] for row in raw.rows)))
    assert names[93] == "atlassian-selenium, anyone?"
    assert names[1419] == "f\u00c4\x1aowert\u00c4\x1ane"  # the corrupt bytes as cp1252 shows them
