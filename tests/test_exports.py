"""Tool exports (FORMATS.md, "Tool exports"): Jira, Azure DevOps and Linear CSVs as the tools write
them, imported into a store and measured with ``sprint_metrics``.

The fixtures in tests/fixtures/exports were written by hand for these tests, one per shape. Every
expected number below is worked out by hand from the fixture rows, per sprint, naming the issues:
"c" = committed at start, "a" = added after the start, "d" = done, "r" = removed (cancelled).

Inference rule (FORMATS.md): an issue in sprints S1..Sk is committed in S2..Sk (carried over), in S1
committed unless created after S1's start; done only in Sk and only when delivered (Won't Do,
Duplicate … are removed in Sk instead). Sub-tasks and issues in no sprint are left out.
carried_over = estimates of items not done in a sprint that appear in the team's next sprint.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from analytics.sprint_kr import sprint_key_results
from analytics.sprint_metrics import sprint_metrics
from data.errors import ImportFailed
from data.importer import Upload, import_uploads, inspect_upload
from tests.support import snapshot, upload

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exports"


def fixture(name: str) -> Upload:
    return Upload(name, (FIXTURES / name).read_bytes())


def _plain(value):
    """Store/metric values as plain Python: None for NaN/NaT/NA, ISO text for dates."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp,)) or hasattr(value, "isoformat"):
        return pd.Timestamp(value).date().isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def metrics_of(store, unit: str = "points") -> pd.DataFrame:
    return sprint_metrics(store.current("sprints"), store.current("sprint_items"), unit=unit)


def assert_sprints(metrics: pd.DataFrame, team: str, expected: dict[str, dict]) -> None:
    """The team's sprints, in order, with the given fields exactly as expected."""
    rows = metrics[metrics["team"] == team].to_dict("records")
    assert [r["sprint"] for r in rows] == list(expected), f"sprints of {team}"
    for record in rows:
        want = expected[record["sprint"]]
        got = {field: _plain(record[field]) for field in want}
        assert got == want, f"{team} / {record['sprint']}"


def items_of(store, team: str | None = None) -> dict[tuple[str, str], dict]:
    items = store.current("sprint_items")
    if team is not None:
        items = items[items["team"] == team]
    return {(r["item_key"], r["sprint"]): {k: _plain(v) for k, v in r.items()} for r in items.to_dict("records")}


def sprint(start, end, committed, added, removed, completed, carried_over, basis="inferred"):
    return {"start_date": start, "end_date": end, "committed": committed, "added": added, "removed": removed,
            "completed": completed, "carried_over": carried_over, "commitment_basis": basis}


# =============================================================================================
# Jira Cloud: BOM, CRLF, 25/Feb/26 10:17 PM, Sprint ×2, Labels ×2, Category ×2, both SP fields
# =============================================================================================
# Sprints (jira_sprints.csv): S1 2026-02-02..02-13, S2 02-16..02-27, "VN Sprint 3, Messe" 03-02..03-13.
# Estimate = Story Points, else Story point estimate (VN-102: SPE 5; VN-106: SP 8 beats SPE 5;
# VN-112: neither → no estimate, 0 points). VN-104 is a Sub-task, VN-110 is in no sprint.
CLOUD = {
    # VN-101 c3 d | VN-102 c5 (→S2) | VN-103 created 4 Feb > 2 Feb: a2 d | VN-105 c3, Won't Do: r3 |
    # VN-112 c0 (→S2).  committed 3+5+3+0 = 11, added 2, removed 3, completed 3+2 = 5,
    # carried 5 (VN-102) + 0 (VN-112) = 5
    "VN Sprint 1": sprint("2026-02-02", "2026-02-13", 11.0, 2.0, 3.0, 5.0, 5.0),
    # VN-102 carried c5 d | VN-106 created 10 Feb: c8 (→S3) | VN-107 created 18 Feb > 16 Feb: a1, in progress |
    # VN-108 c5 (→S3) | VN-112 carried c0 d.  committed 5+8+5+0 = 18, added 1, completed 5+0 = 5,
    # carried 8 (VN-106) + 5 (VN-108) = 13 (VN-107 is in no later sprint)
    "VN Sprint 2": sprint("2026-02-16", "2026-02-27", 18.0, 1.0, 0.0, 5.0, 13.0),
    # VN-106 carried c8 d | VN-108 carried c5, to do | VN-109 created 3 Mar > 2 Mar: a3 d |
    # VN-111 created 20 Feb: c2, Duplicate: r2.  committed 8+5+2 = 15, added 3, removed 2,
    # completed 8+3 = 11, carried 0 (last sprint)
    "VN Sprint 3, Messe": sprint("2026-03-02", "2026-03-13", 15.0, 3.0, 2.0, 11.0, 0.0),
}


def test_jira_cloud_metrics_with_a_sprints_file(store):
    result = import_uploads(store, [fixture("jira_cloud.csv")], sprints=[fixture("jira_sprints.csv")])
    assert_sprints(metrics_of(store), "Vertrieb Nord", CLOUD)
    assert [(f.file, f.source, f.rows) for f in result.files] == [
        ("jira_cloud.csv", "jira", 12), ("jira_sprints.csv", "template", 10)]
    # 14 item rows: one per issue and sprint (VN-102, -106, -108, -112 are in two sprints each)
    assert result.files[0].inserted == 14
    assert not [w for w in result.warnings if "No dates" in w]


def test_jira_cloud_items_as_stored(store):
    result = import_uploads(store, [fixture("jira_cloud.csv")], sprints=[fixture("jira_sprints.csv")])
    items = items_of(store, "Vertrieb Nord")
    assert {key for key, _ in items} == {"VN-101", "VN-102", "VN-103", "VN-105", "VN-106", "VN-107", "VN-108",
                                         "VN-109", "VN-111", "VN-112"}  # no sub-task VN-104, no backlog VN-110
    assert items[("VN-101", "VN Sprint 1")]["title"] == "Erstgespräch Müller GmbH"  # BOM gone, UTF-8 kept
    assert items[("VN-108", "VN Sprint 2")]["title"] == "Kaltakquise Maschinenbau"  # after a multi-line cell
    assert items[("VN-102", "VN Sprint 1")]["estimate"] == 5.0   # Story point estimate, Story Points empty
    assert items[("VN-106", "VN Sprint 2")]["estimate"] == 8.0   # Story Points wins over Story point estimate
    assert items[("VN-112", "VN Sprint 1")]["estimate"] is None  # neither field filled
    # carried over into S2: committed at its start; first sprint: decided by the creation date
    assert items[("VN-102", "VN Sprint 2")]["committed_at_start"] is True
    assert items[("VN-102", "VN Sprint 1")]["added_on"] == "2026-01-30"
    # done only in the last sprint; Won't Do / Duplicate are removed there, never done
    assert (items[("VN-102", "VN Sprint 1")]["done"], items[("VN-102", "VN Sprint 2")]["done"]) == (False, True)
    assert items[("VN-102", "VN Sprint 2")]["done_on"] == "2026-02-20"
    assert (items[("VN-105", "VN Sprint 1")]["removed"], items[("VN-105", "VN Sprint 1")]["done"]) == (True, False)
    assert (items[("VN-111", "VN Sprint 3, Messe")]["removed"], items[("VN-111", "VN Sprint 3, Messe")]["done"]) == (True, False)
    assert {v["commitment_basis"] for v in items.values()} == {"inferred"}
    assert any("left out 1 issue(s) that are sub-tasks" in w for w in result.warnings), result.warnings
    assert any("left out 1 issue(s) without a sprint" in w for w in result.warnings), result.warnings


def test_sprints_file_may_come_as_another_upload(store):
    import_uploads(store, [fixture("jira_sprints.csv"), fixture("jira_cloud.csv")])
    assert_sprints(metrics_of(store), "Vertrieb Nord", CLOUD)


# =============================================================================================
# Jira Server / Data Center: three Sprint columns, 2/Jan/06 15:04, no Status Category, Epic Link
# =============================================================================================
# Without Status Category an issue is delivered with a done status (Closed, Resolved, Done …) or a
# Resolved date; Won't Fix is not delivered. KA-1 is an Epic in no sprint, KA-19 a Sub-task.
SERVER = {
    # KA-11 c8 (→S8) | KA-12 c3 d (Resolved) | KA-13 created 8 Oct > 6 Oct: a5, Closed/Won't Fix: r5 |
    # KA-14 c2 (→S8).  committed 8+3+2 = 13, added 5, removed 5, completed 3, carried 8+2 = 10
    "KA Sprint 7": sprint("2025-10-06", "2025-10-17", 13.0, 5.0, 5.0, 3.0, 10.0),
    # KA-11 carried c8 (→S9) | KA-14 carried c2, in progress, not in S9 | KA-15 created 22 Oct > 20 Oct: a5,
    # status "Ready for Release" but Resolved 30 Oct: d | KA-16 created 14 Oct: c3 (→S9).
    # committed 8+2+3 = 13, added 5, completed 5, carried 8+3 = 11
    "KA Sprint 8": sprint("2025-10-20", "2025-10-31", 13.0, 5.0, 0.0, 5.0, 11.0),
    # KA-11 carried c8 d | KA-16 carried c3 d | KA-17 created 5 Nov > 3 Nov: a1, status Done without a
    # Resolved date: d | KA-18 created 28 Oct: c2, open.  committed 8+3+2 = 13, added 1,
    # completed 8+3+1 = 12, carried 0
    "KA Sprint 9": sprint("2025-11-03", "2025-11-14", 13.0, 1.0, 0.0, 12.0, 0.0),
}


def test_jira_server_metrics(store):
    result = import_uploads(store, [fixture("jira_server.csv")], sprints=[fixture("jira_sprints.csv")])
    assert_sprints(metrics_of(store), "Key Accounts", SERVER)
    assert result.files[0].source == "jira"
    assert {key for key, _ in items_of(store, "Key Accounts")} == {f"KA-1{n}" for n in range(1, 9)}


# =============================================================================================
# Jira with Sprint@…[id=…,name=…,startDate=…,completeDate=…,goal=…] cells: dates and goals in the file
# =============================================================================================
# Süd Sprint 4: start 2025-09-01, completeDate 2025-09-12; Süd Sprint 5 (keys in another order):
# start 2025-09-15, completed late on 2025-09-29; Süd Sprint 6: FUTURE, <null> dates.
# Team: Custom field (Team) = "Team Süd" (beats Project name "Vertrieb").
OBJECTS = {
    # SUD-1 c3 d | SUD-2 c5 (→S5) | SUD-3 created 3 Sep > 1 Sep: a2, open.
    # committed 3+5 = 8, added 2, completed 3, carried 5
    "Süd Sprint 4": sprint("2025-09-01", "2025-09-12", 8.0, 2.0, 0.0, 3.0, 5.0),
    # SUD-2 carried c5 d | SUD-4 created 10 Sep: c8, Closed: d | SUD-5 created 16 Sep > 15 Sep: a3 (→S6).
    # committed 5+8 = 13, added 3, completed 5+8 = 13, carried 3
    "Süd Sprint 5": sprint("2025-09-15", "2025-09-29", 13.0, 3.0, 0.0, 13.0, 3.0),
    # no dates: nothing can be "added by date". SUD-5 carried c3 | SUD-6 c1, open.
    # committed 3+1 = 4, completed 0
    "Süd Sprint 6": sprint(None, None, 4.0, 0.0, 0.0, 0.0, 0.0),
}


def test_jira_sprint_objects_give_dates_and_goals(store):
    result = import_uploads(store, [fixture("jira_sprint_objects.csv")])
    metrics = metrics_of(store)
    assert_sprints(metrics, "Team Süd", OBJECTS)
    goals = {name: _plain(goal) for name, goal in zip(metrics["sprint"], metrics["goal"])}
    assert goals == {"Süd Sprint 4": "Zehn Termine, davon drei bei Neukunden",
                     "Süd Sprint 5": "Pipeline füllen, Angebote raus", "Süd Sprint 6": None}
    assert any("No dates for 1 sprint(s): Team Süd / Süd Sprint 6" in w for w in result.warnings), result.warnings


# =============================================================================================
# Jira, German UI: ; separator, German headers, 23.10.2024 11:02, decimal comma, Statuskategorie Fertig
# =============================================================================================
GERMAN = {
    # NN-301 c2,5 d | NN-302 c5 (→S22) | NN-303 created 23 Oct > 21 Oct: a1,5, "Wird nicht erledigt": r1,5.
    # committed 2.5+5 = 7.5, added 1.5, removed 1.5, completed 2.5, carried 5
    "NN Sprint 21": sprint("2024-10-21", "2024-11-01", 7.5, 1.5, 1.5, 2.5, 5.0),
    # NN-302 carried c5 d | NN-304 created 30 Oct: c3, in Arbeit | NN-305 Unteraufgabe: left out |
    # NN-306 created 6 Nov > 4 Nov: a0,5 d.  committed 5+3 = 8, added 0.5, completed 5+0.5 = 5.5
    "NN Sprint 22": sprint("2024-11-04", "2024-11-15", 8.0, 0.5, 0.0, 5.5, 0.0),
}


def test_jira_german_export_with_german_sprints_template(store):
    result = import_uploads(store, [fixture("jira_german.csv"), fixture("sprints_de.csv")])
    assert_sprints(metrics_of(store), "Neukunden Nord", GERMAN)
    assert [(f.file, f.source) for f in result.files] == [("jira_german.csv", "jira"), ("sprints_de.csv", "template")]
    assert items_of(store)[("NN-306", "NN Sprint 22")]["title"] == "Rückruf Frau Özdemir"
    assert any("jira_german.csv: separated by semicolon" in n for n in result.notes), result.notes


# =============================================================================================
# Jira, Portuguese UI: Chave da item, Criado, 17/mar/26 and 05/ago/26, Categoria de status
# =============================================================================================
PORTUGUESE = {
    # LOJA-21 created 17 Mar: c3 d | LOJA-22 created 20 Jul: c5 (→S15) | LOJA-23 created 29 Jul > 27 Jul: a2,
    # "Não será feito": r2.  committed 3+5 = 8, added 2, removed 2, completed 3, carried 5
    "Loja Sprint 14": sprint("2026-07-27", "2026-08-07", 8.0, 2.0, 2.0, 3.0, 5.0),
    # LOJA-22 carried c5 d | LOJA-24 created 05/ago/26 < 10 Aug: c8, em andamento | LOJA-25 Subtarefa: left out |
    # LOJA-26 created 12 Aug > 10 Aug: a1 d.  committed 5+8 = 13, added 1, completed 5+1 = 6
    "Loja Sprint 15": sprint("2026-08-10", "2026-08-21", 13.0, 1.0, 0.0, 6.0, 0.0),
}


def test_jira_portuguese_export_named_as_jira(store):
    import_uploads(store, [fixture("jira_spanish_or_portuguese.csv")], sprints=[fixture("jira_sprints.csv")],
                   source="jira")
    assert_sprints(metrics_of(store), "Loja Online", PORTUGUESE)
    assert items_of(store)[("LOJA-24", "Loja Sprint 15")]["added_on"] == "2026-08-05"


# =============================================================================================
# Azure DevOps, Agile process: all quoted, Story Points, Iteration Path, 3/14/2026 6:55:03 PM
# =============================================================================================
# Month first: 2/27/2026 (first date of the file) and 3/14/2026 can only be read so; 3/4/2026 is 4 March.
# Team = project of the iteration path (Fabrikam). States Closed = done, Removed = cancelled,
# Resolved and Active are not done. 4107 sits at the project root: in no sprint.
AZURE_AGILE = {
    # 4101 created 27 Feb: c5, Closed: d | 4102 created 4 Mar > 2 Mar: a3, Active | 4103 created 20 Feb: c2,
    # Removed: r2.  committed 5+2 = 7, added 3, removed 2, completed 5, carried 0 (one sprint per item)
    "Sprint 12": sprint("2026-03-02", "2026-03-13", 7.0, 3.0, 2.0, 5.0, 0.0),
    # 4104 created 14 Mar < 16 Mar: c8, Closed: d | 4105 created 10 Mar: c5, Resolved (not done) |
    # 4106 created 18 Mar > 16 Mar: a1, Closed: d.  committed 8+5 = 13, added 1, completed 8+1 = 9
    "Sprint 13": sprint("2026-03-16", "2026-03-27", 13.0, 1.0, 0.0, 9.0, 0.0),
}


def test_azure_agile_metrics(store):
    result = import_uploads(store, [fixture("azure_agile.csv")], sprints=[fixture("azure_sprints.csv")])
    assert_sprints(metrics_of(store), "Fabrikam", AZURE_AGILE)
    items = items_of(store, "Fabrikam")
    assert items[("4102", "Sprint 12")]["added_on"] == "2026-03-04"
    assert items[("4104", "Sprint 13")]["done_on"] == "2026-03-26"
    assert "4107" not in {key for key, _ in items}
    assert any("left out 1 issue(s) without a sprint" in w for w in result.warnings), result.warnings


# =============================================================================================
# Azure DevOps, Scrum process: Effort instead of Story Points, 14/03/2026 18:55 (day first)
# =============================================================================================
AZURE_SCRUM = {
    # 812 created 24 Feb: c8, Done: d | 813 created 5 Mar > 2 Mar: a5, Done: d | 814 created 26 Feb: c3,
    # Committed (not done).  committed 8+3 = 11, added 5, completed 8+5 = 13
    "Sprint 4": sprint("2026-03-02", "2026-03-13", 11.0, 5.0, 0.0, 13.0, 0.0),
    # 815 created 13 Mar: c13, Done: d | 816 created 17 Mar > 16 Mar: a2, Removed: r2.
    # committed 13, added 2, removed 2, completed 13
    "Sprint 5": sprint("2026-03-16", "2026-03-27", 13.0, 2.0, 2.0, 13.0, 0.0),
}


def test_azure_scrum_effort_metrics(store):
    result = import_uploads(store, [fixture("azure_scrum.csv")], sprints=[fixture("azure_sprints.csv")])
    assert_sprints(metrics_of(store), "Contoso", AZURE_SCRUM)
    assert any("estimates from 'Effort'" in n for n in result.notes), result.notes
    assert items_of(store)[("813", "Sprint 4")]["added_on"] == "2026-03-05"  # 05/03/2026 is 5 March here


# =============================================================================================
# Linear, 34 columns: ID, JavaScript dates, cycle calendar in the file, ' before formula-like titles
# =============================================================================================
# Cycle 7 (no name): Oct 06 – Oct 20 2025; cycle 8 "Herbstkampagne": Oct 20 – Nov 03 2025.
LINEAR_34 = {
    # GRO-41 c3 d (15 Oct) | GRO-42 created 7 Oct > 6 Oct: a2 d | GRO-43 c5, Canceled: r5 |
    # GRO-44 c3, completed 22 Oct, after the cycle ended: not done here | GRO-45 c1, in progress.
    # committed 3+5+3+1 = 12, added 2, removed 5, completed 3+2 = 5, carried 0
    "Cycle 7": sprint("2025-10-06", "2025-10-20", 12.0, 2.0, 5.0, 5.0, 0.0),
    # GRO-46 c8 d | GRO-47 created 21 Oct > 20 Oct: a2 d | GRO-48 no estimate: c0.
    # committed 8+0 = 8, added 2, completed 8+2 = 10
    "Herbstkampagne": sprint("2025-10-20", "2025-11-03", 8.0, 2.0, 0.0, 10.0, 0.0),
}


def test_linear_34_columns(store):
    result = import_uploads(store, [fixture("linear_34.csv")])
    assert_sprints(metrics_of(store), "Growth", LINEAR_34)
    items = items_of(store, "Growth")
    assert items[("GRO-42", "Cycle 7")]["title"] == "- [X] Angebot nachfassen"  # the guarding ' is gone
    assert items[("GRO-44", "Cycle 7")]["done"] is False
    assert "GRO-49" not in {key for key, _ in items}
    assert not [w for w in result.warnings if "No dates" in w]


# Linear, 21 columns (Id): Cycle 3 May 06 – May 20 2024, Cycle 4 May 20 – Jun 03 2024 (GMT+0200).
LINEAR_21 = {
    # PAR-10 c2 d | PAR-11 created 8 May > 6 May: a3, in review.  committed 2, added 3, completed 2
    "Cycle 3": sprint("2024-05-06", "2024-05-20", 2.0, 3.0, 0.0, 2.0, 0.0),
    # PAR-12 c5 d | PAR-13 created 22 May > 20 May: a1, Canceled: r1 | PAR-14 c2, todo.
    # committed 5+2 = 7, added 1, removed 1, completed 5
    "Cycle 4": sprint("2024-05-20", "2024-06-03", 7.0, 1.0, 1.0, 5.0, 0.0),
}


def test_linear_21_columns(store):
    import_uploads(store, [fixture("linear_21.csv")])
    assert_sprints(metrics_of(store), "Partner", LINEAR_21)


# =============================================================================================
# Two overlapping Jira exports (1,000-issue cap): one row per issue and sprint
# =============================================================================================
# A: VW-1..VW-6 exported 24 Jan (VW-4 in progress); B: VW-4..VW-9 exported 31 Jan (VW-4 done 29 Jan).
OVERLAP = {
    # VW-1 c3 d | VW-2 c5 (→S2) | VW-3 created 7 Jan > 5 Jan: a2 d | VW-4 c8 (→S2).
    # committed 3+5+8 = 16, added 2, completed 3+2 = 5, carried 5+8 = 13
    "VW Sprint 1": sprint("2026-01-05", "2026-01-16", 16.0, 2.0, 0.0, 5.0, 13.0),
    # VW-2 carried c5 d | VW-4 carried c8, done per the newer file B | VW-5 created 15 Jan: c3 |
    # VW-6 created 21 Jan > 19 Jan: a1 d | VW-7 created 20 Jan: a2 d | VW-8 created 16 Jan: c5.
    # committed 5+8+3+5 = 21, added 1+2 = 3, completed 5+8+1+2 = 16
    "VW Sprint 2": sprint("2026-01-19", "2026-01-30", 21.0, 3.0, 0.0, 16.0, 0.0),
}
OVERLAP_ROWS = {("VW-1", "VW Sprint 1"), ("VW-2", "VW Sprint 1"), ("VW-3", "VW Sprint 1"), ("VW-4", "VW Sprint 1"),
                ("VW-2", "VW Sprint 2"), ("VW-4", "VW Sprint 2"), ("VW-5", "VW Sprint 2"), ("VW-6", "VW Sprint 2"),
                ("VW-7", "VW Sprint 2"), ("VW-8", "VW Sprint 2")}


def test_overlapping_exports_in_one_call(store):
    result = import_uploads(store, [fixture("jira_overlap_a.csv"), fixture("jira_overlap_b.csv")],
                            sprints=[fixture("jira_sprints.csv")])
    stored = store.current("sprint_items")
    stored = stored[stored["team"] == "Vertrieb West"]
    assert len(stored) == 10 and set(zip(stored["item_key"], stored["sprint"])) == OVERLAP_ROWS
    assert_sprints(metrics_of(store), "Vertrieb West", OVERLAP)
    # 10 rows, each written once: nothing of the store existed before, nothing is counted twice
    exports = [f for f in result.files if f.source == "jira"]
    assert sum(f.inserted for f in exports) == 10
    assert sum(f.updated for f in exports) == 0
    # and again: nothing changes
    again = import_uploads(store, [fixture("jira_overlap_a.csv"), fixture("jira_overlap_b.csv")])
    assert [(f.inserted, f.updated) for f in again.files] == [(0, 0), (0, 0)]


def test_overlapping_exports_in_two_calls(store):
    import_uploads(store, [fixture("jira_overlap_a.csv")], sprints=[fixture("jira_sprints.csv")])
    result = import_uploads(store, [fixture("jira_overlap_b.csv")])
    assert (result.files[0].inserted, result.files[0].updated, result.files[0].unchanged) == (2, 1, 3)
    assert len(store.current("sprint_items").query("team == 'Vertrieb West'")) == 10
    assert_sprints(metrics_of(store), "Vertrieb West", OVERLAP)


def test_overlapping_exports_uploaded_newest_first_keep_the_newest_state(store):
    # research notes §7.13: de-dup on Issue key, keep the newest Updated. Files picked together arrive
    # in any order; VW-4 was updated 29 Jan in B and 22 Jan in A, so B's "done" must stand.
    import_uploads(store, [fixture("jira_overlap_b.csv"), fixture("jira_overlap_a.csv")],
                   sprints=[fixture("jira_sprints.csv")])
    assert_sprints(metrics_of(store), "Vertrieb West", OVERLAP)


# =============================================================================================
# Detection, re-import, missing dates, recorded totals, the 1,000-issue cap, encodings
# =============================================================================================
@pytest.mark.parametrize(("name", "source"), [
    ("jira_cloud.csv", "jira"), ("jira_server.csv", "jira"), ("jira_sprint_objects.csv", "jira"),
    ("jira_german.csv", "jira"), ("jira_spanish_or_portuguese.csv", "jira"), ("jira_overlap_a.csv", "jira"),
    ("azure_agile.csv", "azure"), ("azure_scrum.csv", "azure"), ("linear_34.csv", "linear"),
    ("linear_21.csv", "linear"), ("jira_sprints.csv", "template"),
])
def test_auto_detection(store, name, source):
    result = import_uploads(store, [fixture(name)], source="auto")
    assert [(f.file, f.source) for f in result.files] == [(name, source)]


REIMPORTS = [
    ("jira_cloud.csv", "jira_sprints.csv", "auto"), ("jira_server.csv", "jira_sprints.csv", "auto"),
    ("jira_sprint_objects.csv", None, "auto"), ("jira_german.csv", "sprints_de.csv", "auto"),
    ("jira_spanish_or_portuguese.csv", "jira_sprints.csv", "jira"), ("azure_agile.csv", "azure_sprints.csv", "auto"),
    ("azure_scrum.csv", "azure_sprints.csv", "auto"), ("linear_34.csv", None, "auto"), ("linear_21.csv", None, "auto"),
]


@pytest.mark.parametrize(("name", "sprints_file", "source"), REIMPORTS)
def test_reimporting_the_same_export_changes_nothing(store, name, sprints_file, source):
    sprints = [fixture(sprints_file)] if sprints_file else []
    first = import_uploads(store, [fixture(name)], sprints=sprints, source=source)
    assert first.files[0].inserted > 0
    tables = {t: store.current(t) for t in ("teams", "sprints", "sprint_items")}
    again = import_uploads(store, [fixture(name)], sprints=sprints, source=source)
    assert [(f.file, f.inserted, f.updated) for f in again.files] == [(f.file, 0, 0) for f in first.files]
    for table, before in tables.items():
        pd.testing.assert_frame_equal(store.current(table), before)
    # and the export alone again, without the calendar: the stored dates stay
    alone = import_uploads(store, [fixture(name)], source=source)
    assert (alone.files[0].inserted, alone.files[0].updated) == (0, 0)
    pd.testing.assert_frame_equal(store.current("sprints"), tables["sprints"])


def test_without_a_sprints_file_the_sprints_are_named_and_undated(store):
    result = import_uploads(store, [fixture("jira_cloud.csv")])
    assert ("No dates for 3 sprint(s): Vertrieb Nord / VN Sprint 1, Vertrieb Nord / VN Sprint 2, "
            "Vertrieb Nord / VN Sprint 3, Messe.") in " ".join(result.warnings)
    # Without dates no item counts as added by date: every first-sprint item is committed.
    assert_sprints(metrics_of(store), "Vertrieb Nord", {
        # VN-101 c3 d, VN-102 c5, VN-103 c2 d, VN-105 c3 r3, VN-112 c0: committed 13, completed 5, carried 5+0
        "VN Sprint 1": sprint(None, None, 13.0, 0.0, 3.0, 5.0, 5.0),
        # VN-102 c5 d, VN-106 c8, VN-107 c1, VN-108 c5, VN-112 c0 d: committed 19, completed 5, carried 8+5
        "VN Sprint 2": sprint(None, None, 19.0, 0.0, 0.0, 5.0, 13.0),
        # VN-106 c8 d, VN-108 c5, VN-109 c3 d, VN-111 c2 r2: committed 18, completed 11
        "VN Sprint 3, Messe": sprint(None, None, 18.0, 0.0, 2.0, 11.0, 0.0),
    })
    # a calendar given later dates them: the warning is gone and the numbers become CLOUD's
    later = import_uploads(store, [], sprints=[fixture("jira_sprints.csv")])
    assert not [w for w in later.warnings if "No dates" in w]
    assert_sprints(metrics_of(store), "Vertrieb Nord", CLOUD)


def test_recorded_totals_in_a_sprints_file_win_over_inferred_items(store):
    import_uploads(store, [fixture("jira_cloud.csv")], sprints=[fixture("jira_sprints_recorded.csv")])
    expected = dict(CLOUD)
    # VN Sprint 2 has recorded totals committed 20, completed 6, added 1, removed 0: they win; which items
    # moved on to S3 is still only known from the items: VN-106 8 + VN-108 5 = 13
    expected["VN Sprint 2"] = sprint("2026-02-16", "2026-02-27", 20.0, 1.0, 0.0, 6.0, 13.0, basis="recorded")
    metrics = metrics_of(store)
    assert_sprints(metrics, "Vertrieb Nord", expected)
    levels = dict(zip(metrics["sprint"], metrics["data_level"]))
    assert levels == {"VN Sprint 1": "items", "VN Sprint 2": "totals", "VN Sprint 3, Messe": "items"}


def _capped(count: int) -> str:
    head = "Issue key,Summary,Issue Type,Status,Status Category,Created,Resolved,Sprint,Custom field (Story Points),Project name\r\n"
    return head + "".join(f"CAP-{n},Anruf {n},Story,Done,Done,5/Jan/26 9:00 AM,14/Jan/26 5:00 PM,CAP Sprint 1,1.0,Capped\r\n"
                          for n in range(1, count + 1))


def test_export_of_exactly_1000_issues_warns_about_jiras_cap(store):
    result = import_uploads(store, [upload("jira_1000.csv", _capped(1000))])
    assert any("1,000" in w and "jira_1000.csv" in w for w in result.warnings), result.warnings
    row = metrics_of(store).iloc[0]
    assert (row["committed"], row["completed"]) == (1000.0, 1000.0)  # 1,000 issues of 1 point, all done


def test_export_of_999_issues_has_no_cap_warning(store):
    result = import_uploads(store, [upload("jira_999.csv", _capped(999))])
    assert not [w for w in result.warnings if "1,000" in w or "limit" in w]


def test_jira_export_resaved_in_cp1252_imports_with_a_note(store):
    text = ("Issue key,Summary,Issue Type,Status,Status Category,Created,Resolved,Sprint,Custom field (Story Points),Project name\r\n"
            "NN-1,Erstgespräch Müller GmbH,Story,Done,Done,2/Feb/26 9:00 AM,6/Feb/26 3:00 PM,Nord Sprint 1,3.0,Nord\r\n"
            "NN-2,Größenvergleich Wettbewerb,Story,To Do,To Do,3/Feb/26 9:00 AM,,Nord Sprint 1,2.0,Nord\r\n")
    result = import_uploads(store, [upload("jira_excel.csv", text, "cp1252")])
    note = " ".join(result.notes)
    assert "not valid UTF-8" in note and "byte 0xe4 on line 2" in note and "cp1252" in note, result.notes
    titles = set(store.current("sprint_items")["title"])
    assert titles == {"Erstgespräch Müller GmbH", "Größenvergleich Wettbewerb"}


# =============================================================================================
# Team resolution
# =============================================================================================
@pytest.mark.parametrize(("name", "team", "expected"), [
    ("jira_sprint_objects.csv", "Außendienst", {"Außendienst"}),  # --team wins over Team and Project name
    ("jira_sprint_objects.csv", None, {"Team Süd"}),              # else the Team column
    ("jira_cloud.csv", None, {"Vertrieb Nord"}),                  # else Project name
    ("jira_german.csv", None, {"Neukunden Nord"}),                # … also as Projektname
    ("azure_agile.csv", None, {"Fabrikam"}),                      # else the iteration path's project
    ("azure_agile.csv", "Vertrieb", {"Vertrieb"}),
    ("linear_34.csv", None, {"Growth"}),                          # Linear's Team column
])
def test_team_resolution(store, name, team, expected):
    import_uploads(store, [fixture(name)], team=team)
    assert set(store.current("sprint_items")["team"]) == expected
    assert set(store.current("sprints")["team"]) == expected
    assert set(store.teams()) == expected


def test_given_team_keeps_the_dates_of_sprint_objects(store):
    import_uploads(store, [fixture("jira_sprint_objects.csv")], team="Außendienst")
    assert_sprints(metrics_of(store), "Außendienst", OBJECTS)


# =============================================================================================
# Column mapping
# =============================================================================================
def test_mapping_estimate_to_a_renamed_story_point_field(store):
    import_uploads(store, [fixture("jira_cloud.csv")], sprints=[fixture("jira_sprints.csv")],
                   mapping={"estimate": "Custom field (QA Story Point)"})
    # QA points: VN-101 2, -102 3, -103 1, -105 2, -106 5, -107 1, -108 3, -109 2, -111 1, -112 2
    assert_sprints(metrics_of(store), "Vertrieb Nord", {
        # c: 101 2 + 102 3 + 105 2 + 112 2 = 9; a: 103 1; r: 105 2; d: 101 2 + 103 1 = 3; carried 102 3 + 112 2
        "VN Sprint 1": sprint("2026-02-02", "2026-02-13", 9.0, 1.0, 2.0, 3.0, 5.0),
        # c: 102 3 + 106 5 + 108 3 + 112 2 = 13; a: 107 1; d: 102 3 + 112 2 = 5; carried 106 5 + 108 3 = 8
        "VN Sprint 2": sprint("2026-02-16", "2026-02-27", 13.0, 1.0, 0.0, 5.0, 8.0),
        # c: 106 5 + 108 3 + 111 1 = 9; a: 109 2; r: 111 1; d: 106 5 + 109 2 = 7
        "VN Sprint 3, Messe": sprint("2026-03-02", "2026-03-13", 9.0, 2.0, 1.0, 7.0, 0.0),
    })


def test_mapping_no_estimates_counts_items(store):
    result = import_uploads(store, [fixture("jira_cloud.csv")], sprints=[fixture("jira_sprints.csv")],
                            mapping={"estimate": ""})
    assert store.current("sprint_items")["estimate"].isna().all()
    assert any("no estimates (count items)" in n for n in result.notes), result.notes
    assert_sprints(metrics_of(store, unit="items"), "Vertrieb Nord", {
        # c: 101, 102, 105, 112 = 4; a: 103 = 1; r: 105 = 1; d: 101, 103 = 2; carried 102, 112 = 2
        "VN Sprint 1": sprint("2026-02-02", "2026-02-13", 4.0, 1.0, 1.0, 2.0, 2.0),
        # c: 102, 106, 108, 112 = 4; a: 107 = 1; d: 102, 112 = 2; carried 106, 108 = 2
        "VN Sprint 2": sprint("2026-02-16", "2026-02-27", 4.0, 1.0, 0.0, 2.0, 2.0),
        # c: 106, 108, 111 = 3; a: 109 = 1; r: 111 = 1; d: 106, 109 = 2
        "VN Sprint 3, Messe": sprint("2026-03-02", "2026-03-13", 3.0, 1.0, 1.0, 2.0, 0.0),
    })


def test_mapping_team_to_project_name_beats_the_team_column(store):
    import_uploads(store, [fixture("jira_sprint_objects.csv")], mapping={"team": "Project name"})
    assert set(store.current("sprint_items")["team"]) == {"Vertrieb"}
    assert_sprints(metrics_of(store), "Vertrieb", OBJECTS)


def test_mapping_picks_the_second_of_two_equal_column_names(store):
    # Custom field (Category) #1 holds Neukunde/Bestandskunde, #2 Inbound/Outbound
    import_uploads(store, [fixture("jira_cloud.csv")], mapping={"team": "Custom field (Category)#2"})
    items = store.current("sprint_items")
    teams = dict(zip(items["item_key"], items["team"]))
    assert teams == {"VN-101": "Outbound", "VN-102": "Outbound", "VN-105": "Outbound", "VN-108": "Outbound",
                     "VN-111": "Outbound", "VN-103": "Inbound", "VN-106": "Inbound", "VN-107": "Inbound",
                     "VN-109": "Inbound", "VN-112": "Inbound"}
    seen = inspect_upload(fixture("jira_cloud.csv"), mapping={"team": "Custom field (Category)#2"})
    assert seen.recognised["team"] == "Custom field (Category)#2"
    assert "Custom field (Category)#1" in seen.unknown and "Custom field (Category)#2" not in seen.unknown


def test_saved_mapping_is_reused_by_the_next_import(store):
    import_uploads(store, [fixture("jira_cloud.csv")], sprints=[fixture("jira_sprints.csv")],
                   mapping={"estimate": "Custom field (QA Story Point)"}, save_mapping=True)
    assert store.mapping("jira") == {"estimate": "Custom field (QA Story Point)"}
    assert store.mapping("azure") == {} and store.mapping("linear") == {}
    again = import_uploads(store, [fixture("jira_cloud.csv")])  # no mapping given: the saved one applies
    assert (again.files[0].inserted, again.files[0].updated) == (0, 0)
    items = items_of(store)
    assert items[("VN-106", "VN Sprint 2")]["estimate"] == 5.0  # QA 5, not Story Points 8
    assert any("estimates from 'Custom field (QA Story Point)'" in n for n in again.notes), again.notes


def test_mapping_without_save_is_not_kept(store):
    import_uploads(store, [fixture("jira_cloud.csv")], mapping={"estimate": "Custom field (QA Story Point)"})
    assert store.mapping("jira") == {}


def test_mapping_naming_a_column_that_is_not_there_is_refused(store):
    import_uploads(store, [fixture("jira_cloud.csv")], sprints=[fixture("jira_sprints.csv")])
    before = snapshot(store)
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [fixture("jira_server.csv")], mapping={"estimate": "Custom field (Story Pts)"})
    first = failure.value.problems[0]
    assert (first.file, first.row, first.column) == ("jira_server.csv", 1, "Custom field (Story Pts)")
    assert "not in this file" in first.message and "estimate" in first.message
    assert "Custom field (Story Points)" in first.message  # lists the columns there are
    assert snapshot(store) == before


def test_mapping_an_unknown_field_is_refused(store):
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [fixture("jira_cloud.csv")], mapping={"points": "Custom field (Story Points)"})
    first = failure.value.problems[0]
    assert (first.file, first.row) == ("jira_cloud.csv", 1)
    assert "'points' is not a field" in first.message and "estimate" in first.message
    assert store.is_empty()


# =============================================================================================
# Key-result links from Labels
# =============================================================================================
def test_key_results_from_labels_with_okrs_in_the_same_call(store):
    import_uploads(store, [fixture("okrs_vertrieb_nord.csv"), fixture("jira_cloud.csv")],
                   sprints=[fixture("jira_sprints.csv")], mapping={"key_result": "Labels"})
    items = items_of(store)
    links = {key: row["key_result"] for key, row in items.items() if row["key_result"] in ("KR-1", "KR-2")}
    assert links == {
        ("VN-101", "VN Sprint 1"): "KR-1",          # labels KR-1, q1
        ("VN-102", "VN Sprint 1"): "KR-2",          # labels q1, KR-2 (the KR in the second Labels column)
        ("VN-102", "VN Sprint 2"): "KR-2",
        ("VN-106", "VN Sprint 2"): "KR-1",
        ("VN-106", "VN Sprint 3, Messe"): "KR-1",
        ("VN-109", "VN Sprint 3, Messe"): "KR-2",   # labels messe, KR-2
    }
    assert items[("VN-108", "VN Sprint 2")]["key_result"] is None  # no labels
    links = sprint_key_results(store.current("sprints"), store.current("sprint_items"),
                               store.current("key_results"), store.current("checkins"))
    links = links[links["kr_id"].isin(["KR-1", "KR-2"])]
    got = {(r["sprint"], r["kr_id"]): (r["linked_by"], r["items_linked"], r["items_done"], r["completed_linked"])
           for r in links.to_dict("records")}
    assert got == {
        ("VN Sprint 1", "KR-1"): ("items", 1, 1, 3.0),         # VN-101 done, 3
        ("VN Sprint 1", "KR-2"): ("items", 1, 0, 0.0),         # VN-102 carried on
        ("VN Sprint 2", "KR-1"): ("items", 1, 0, 0.0),         # VN-106 carried on
        ("VN Sprint 2", "KR-2"): ("items", 1, 1, 5.0),         # VN-102 done, 5
        ("VN Sprint 3, Messe", "KR-1"): ("items", 1, 1, 8.0),  # VN-106 done, 8
        ("VN Sprint 3, Messe", "KR-2"): ("items", 1, 1, 3.0),  # VN-109 done, 3
    }


def test_a_label_that_is_no_key_result_is_not_taken_as_one(store):
    # VN-103's only label is "messe": no KR id is defined under that name, so it links nothing
    import_uploads(store, [fixture("okrs_vertrieb_nord.csv"), fixture("jira_cloud.csv")],
                   sprints=[fixture("jira_sprints.csv")], mapping={"key_result": "Labels"})
    stored = {kr for kr in store.current("sprint_items")["key_result"] if isinstance(kr, str)}
    assert stored == {"KR-1", "KR-2"}


# =============================================================================================
# inspect_upload: what the mapping step of the Import page shows
# =============================================================================================
def test_inspect_jira_cloud():
    seen = inspect_upload(fixture("jira_cloud.csv"))
    assert seen.source == "jira"
    assert seen.recognised == {
        "title": "Summary", "key": "Issue key", "item_type": "Issue Type", "status": "Status",
        "project": "Project name", "resolution": "Resolution", "created": "Created", "updated": "Updated",
        "resolved": "Resolved",
        "labels": "Labels#1, Labels#2", "sprint": "Sprint#1, Sprint#2", "epic": "Parent key",
        "status_category": "Status Category",
        "estimate": "Custom field (Story Points), Custom field (Story point estimate)"}
    assert seen.unknown == ["Issue id", "Project key", "Project type", "Priority", "Assignee", "Assignee Id", "Reporter",
                            "Description", "Custom field (Category)#1", "Custom field (Category)#2",
                            "Custom field (QA Story Point)", "Custom field (Rank)", "Parent", "Parent summary",
                            "Status Category Changed"]
    assert seen.duplicates == {"Labels": 2, "Custom field (Category)": 2, "Sprint": 2}
    assert seen.missing == []
    assert seen.numeric_columns == ["Issue id", "Custom field (QA Story Point)", "Custom field (Story Points)",
                                    "Custom field (Story point estimate)", "Parent"]


def test_inspect_reports_missing_fields_and_mapping_clears_them():
    no_points = upload("jira.csv", "Issue key,Summary,Sprint,Custom field (QA Story Point)\nNN-1,Call,Sprint 1,3\n")
    assert inspect_upload(no_points).missing == ["estimate"]
    assert inspect_upload(no_points, mapping={"estimate": ""}).missing == []
    mapped = inspect_upload(no_points, mapping={"estimate": "Custom field (QA Story Point)"})
    assert (mapped.missing, mapped.recognised["estimate"], mapped.unknown) == ([], "Custom field (QA Story Point)", [])
    no_sprint = upload("jira.csv", "Issue key,Summary,Custom field (Story Points)\nNN-1,Call,3\n")
    assert inspect_upload(no_sprint).missing == ["sprint"]


def test_inspect_other_tools():
    scrum = inspect_upload(fixture("azure_scrum.csv"))
    assert (scrum.source, scrum.recognised["estimate"], scrum.recognised["iteration"]) == ("azure", "Effort", "Iteration Path")
    assert scrum.unknown == ["Assigned To"] and scrum.missing == [] and scrum.duplicates == {}
    linear = inspect_upload(fixture("linear_21.csv"))
    assert (linear.source, linear.recognised["key"], linear.recognised["estimate"]) == ("linear", "Id", "Estimate")
    german = inspect_upload(fixture("jira_german.csv"))
    assert german.recognised["estimate"] == "Benutzerdefinierte Felder (Story Points)"
    assert german.recognised["status_category"] == "Statuskategorie"
    with pytest.raises(ImportFailed) as failure:
        inspect_upload(fixture("jira_sprints.csv"))
    assert "templates" in failure.value.problems[0].message
