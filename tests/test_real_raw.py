"""The messy real CSVs in ../shared/data/real/choetkiertikul2017_raw (beside the project, not in it):
a parser robustness check. They are neither our templates nor tool exports, so every import is
refused; what matters is that each refusal is the right one, located, and changes nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from data.csvfile import decode, read_csv
from data.errors import ImportFailed
from data.importer import Upload, import_uploads
from tests.support import snapshot

RAW = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real" / "choetkiertikul2017_raw"
pytestmark = pytest.mark.skipif(not RAW.exists(), reason="../shared/data/real is not beside the project here")

# rows (header = 1) whose sprint names hold an unquoted comma, found by reading the files
RAGGED = {"jboss": [72, 90, 91, 241], "jira": [93, 235, 430, 465, 474, 478, 494, 496, 1168, 1221, 1447, 1763]}
ROWS = {"apache": 348, "mongodb": 765, "spring": 476}


def raw(name: str) -> bytes:
    return (RAW / name).read_bytes()


@pytest.mark.parametrize("project", ["jboss", "jira"])
@pytest.mark.parametrize("moment", [0, 80])
def test_unquoted_commas_are_refused_row_by_row(project, moment):
    name = f"{project}_iteration_{moment}.csv"
    with pytest.raises(ImportFailed) as failure:
        read_csv(name, raw(name), max_bytes=10**8, max_rows=10**6)
    assert [p.row for p in failure.value.problems] == RAGGED[project]
    assert all("cells but the header has 19" in p.message for p in failure.value.problems)  # 20 or 21


@pytest.mark.parametrize("moment", [0, 80])
def test_the_jira_file_is_not_utf8_and_falls_back_to_cp1252(moment):
    text, encoding, notes = decode(f"jira_iteration_{moment}.csv", raw(f"jira_iteration_{moment}.csv"))
    assert encoding == "cp1252" and "not valid UTF-8 (byte 0xc4" in notes[0]


@pytest.mark.parametrize("project", ["apache", "mongodb", "spring"])
@pytest.mark.parametrize("moment", [0, 80])
def test_the_others_read_completely(project, moment):
    name = f"{project}_iteration_{moment}.csv"
    table = read_csv(name, raw(name), max_bytes=10**8, max_rows=10**6)
    assert len(table.rows) == ROWS[project] and len(table.header) == 19
    if project == "mongodb":  # "Let's Go Crazy" (08/29): text after a closing quote, read as Excel does
        assert "row 448" in table.notes[0]
        assert table.rows[446][2] == "Let's Go Crazy (08/29)"


def test_importing_any_of_them_is_refused_and_changes_nothing(store):
    before = snapshot(store)
    for path in sorted(RAW.iterdir()):
        with pytest.raises(ImportFailed) as failure:
            import_uploads(store, [Upload(path.name, path.read_bytes())])
        project = path.name.split("_")[0]
        message = failure.value.problems[0].message
        assert ("but the header has 19" in message) if project in RAGGED else ("None of the columns is known" in message)
    assert snapshot(store) == before
