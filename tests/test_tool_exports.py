"""Jira, Azure DevOps and Linear exports as the tools write them (fixtures in tests/fixtures/tool_exports,
written for these tests). Every expected figure is worked out by hand in the comment above it.

Inference (FORMATS.md): an issue in sprints S1..Sk is carried over (committed at the start) in
S2..Sk and done only in Sk when delivered; in S1 it is committed unless created after S1 started.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics.sprint_metrics import sprint_metrics
from data.errors import ImportFailed
from data.importer import Upload, import_uploads, inspect_upload
from tests.support import snapshot, upload

FIXTURES = Path(__file__).parent / "fixtures" / "tool_exports"


def fixture(name: str) -> Upload:
    return Upload(name, (FIXTURES / name).read_bytes())


def per_sprint(store, *fields) -> dict[str, tuple]:
    metrics = sprint_metrics(store.current("sprints"), store.current("sprint_items"))
    return {row["sprint"]: tuple(row[f] for f in fields) for _, row in metrics.iterrows()}


FIGURES = ("committed", "added", "removed", "completed", "carried_over", "commitment_basis")


def test_jira_cloud_with_its_sprint_calendar(store):
    result = import_uploads(store, [fixture("jira_cloud.csv")], sprints=[fixture("jira_cloud_sprints.csv")])
    assert result.files[0].source == "jira" and result.files[0].kind == "sprint_items"
    assert any("left out 1 issue(s) that are sub-tasks" in w for w in result.warnings)     # AV-5
    assert any("left out 1 issue(s) without a sprint" in w for w in result.warnings)       # AV-8
    assert not any("No dates" in w for w in result.warnings)
    assert per_sprint(store, *FIGURES) == {
        # S1 (Mar 2): AV-1 3 done, AV-2 5 (SP empty → estimate 5), AV-6 3 committed; AV-3 2 created Mar 4 → added.
        # completed AV-1 = 3; carried over AV-2 5 + AV-6 3 = 8 (both in S2)
        "Alpha Sprint 1": (11.0, 2.0, 0.0, 3.0, 8.0, "inferred"),
        # S2 (Mar 16): AV-2 5 and AV-6 3 carried (committed), AV-4 8 created Feb 20 → committed, Won't Do → removed;
        # AV-7 1 created Mar 17 → added. completed AV-2 5 + AV-7 1 = 6; last sprint: nothing carried
        "Alpha Sprint 2, Final": (16.0, 1.0, 8.0, 6.0, 0.0, "inferred"),
    }
    items = store.current("sprint_items").set_index(["sprint", "item_key"])
    assert items.loc[("Alpha Sprint 2, Final", "AV-7"), "done_on"] == pd.Timestamp("2026-03-19")
    assert items.loc[("Alpha Sprint 1", "AV-2"), "done"] == False  # noqa: E712 – done only in its last sprint
    sprints = store.current("sprints").set_index("sprint")
    assert sprints.loc["Alpha Sprint 1", "goal"] == "Erstgespräche im Maschinenbau"
    assert store.teams() == ["Alpha Vertrieb"]  # from Project name


def test_jira_cloud_without_a_calendar_imports_and_says_dates_are_missing(store):
    result = import_uploads(store, [fixture("jira_cloud.csv")])
    warning = next(w for w in result.warnings if "No dates" in w)
    assert "Alpha Vertrieb / Alpha Sprint 1" in warning and "Alpha Vertrieb / Alpha Sprint 2, Final" in warning
    assert per_sprint(store, "committed", "added", "start_date") == {
        # no start date: nothing can be told "added" by its creation date, all first-sprint items count as committed
        "Alpha Sprint 1": (13.0, 0.0, pd.NaT),   # 3 + 5 + 2 + 3
        "Alpha Sprint 2, Final": (17.0, 0.0, pd.NaT),  # 5 + 8 + 3 + 1
    }


def test_overlapping_jira_exports_give_one_row_per_issue_and_sprint(store):
    import_uploads(store, [fixture("jira_cloud_part1.csv"), fixture("jira_cloud_part2.csv")],
                   sprints=[fixture("jira_cloud_sprints.csv")])
    items = store.current("sprint_items")
    assert len(items) == len(items.drop_duplicates(["team", "sprint", "item_key"]))
    assert sorted(items["item_key"].unique()) == ["AV-1", "AV-2", "AV-3", "AV-4", "AV-6", "AV-7"]
    assert items.loc[items["item_key"] == "AV-3", "estimate"].tolist() == [3.0]  # the later file wins
    again = import_uploads(store, [fixture("jira_cloud_part1.csv"), fixture("jira_cloud_part2.csv")])
    assert [(f.inserted, f.updated) for f in again.files] == [(0, 0), (0, 0)]


def test_jira_server_three_sprints_no_status_category(store):
    import_uploads(store, [fixture("jira_server.csv"), fixture("jira_server_sprints.csv")])
    assert per_sprint(store, *FIGURES) == {
        # Beta 1: BE-1 8 (not done here), BE-2 3 (Resolved → done). carried: BE-1 8
        "Beta 1": (11.0, 0.0, 0.0, 3.0, 8.0, "inferred"),
        # Beta 2: BE-1 8 carried; BE-3 5 created Mar 18 after Mar 16 → added. carried: BE-1 8 + BE-3 5
        "Beta 2": (8.0, 5.0, 0.0, 0.0, 13.0, "inferred"),
        # Beta 3: BE-1 8 done (Closed/Fixed), BE-3 5 carried and open, BE-4 2 Duplicate → removed
        "Beta 3": (15.0, 0.0, 2.0, 8.0, 0.0, "inferred"),
    }


def test_jira_sprint_objects_give_the_calendar_and_goal(store):
    import_uploads(store, [fixture("jira_sprint_objects.csv")], team="Gamma")
    sprints = store.current("sprints").set_index("sprint")
    assert sprints.loc["Gamma 1", ["start_date", "end_date", "goal"]].tolist() == [
        pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-13"), "Calls, visits and offers"]  # completeDate ends it
    assert sprints.loc["Gamma 2", "end_date"] == pd.Timestamp("2026-03-27")
    assert per_sprint(store, "committed", "completed", "carried_over") == {
        "Gamma 1": (5.0, 2.0, 3.0),  # GA-1 2 done, GA-2 3 carried into Gamma 2
        "Gamma 2": (3.0, 3.0, 0.0),
    }
    assert store.teams() == ["Gamma"]  # --team wins


def test_jira_german_headers_dates_and_decimal_comma(store):
    result = import_uploads(store, [fixture("jira_german.csv"), fixture("jira_german_sprints.csv")])
    assert result.files[0].source == "jira"
    # DE-1 2,5 done (Statuskategorie Fertig); DE-2 3 created 15.10. after the start 07.10. → added; DE-3 sub-task out
    assert per_sprint(store, "committed", "added", "completed") == {"Delta 1": (2.5, 3.0, 2.5)}
    assert store.teams() == ["Delta Vertrieb"]


def test_jira_portuguese_headers_and_month_names(store):
    import_uploads(store, [fixture("jira_portuguese.csv")])
    items = store.current("sprint_items").set_index("item_key")
    assert items.loc["PT-1", "done_on"] == pd.Timestamp("2026-08-05")  # 05/ago/26
    assert per_sprint(store, "committed", "completed") == {"Sprint Porto 1": (8.0, 5.0)}  # PT-1 5 done, PT-2 3 open


def test_azure_agile_with_kr_links_from_tags(store):
    okrs = ("team,cycle,cycle_start,cycle_end,objective_id,objective,kr_id,key_result,start_value,target_value\n"
            "Fabrikam,Q1,2026-01-01,2026-03-31,O1,Wachsen,KR-Z1,10 Abschlüsse,0,10\n")
    import_uploads(store, [upload("okrs.csv", okrs), fixture("azure_agile.csv"), fixture("azure_sprints.csv")],
                   mapping={"key_result": "Tags"})
    assert per_sprint(store, *FIGURES) == {
        # Sprint 12 (Mar 2): 101 5 Closed, 103 2 Removed (committed, removed); 102 3 created Mar 4 → added, open.
        # 104 sits at the project root (no sprint): left out. Azure names one sprint per item: nothing carried.
        "Sprint 12": (7.0, 3.0, 2.0, 5.0, 0.0, "inferred"),
        "Sprint 13": (2.0, 0.0, 0.0, 2.0, 0.0, "inferred"),  # 105 created Mar 10, before Mar 16
    }
    items = store.current("sprint_items").set_index("item_key")
    assert items.loc["101", "key_result"] == "KR-Z1" and pd.isna(items.loc["102", "key_result"])  # "outreach" is no KR
    assert items.loc["101", "done_on"] == pd.Timestamp("2026-03-13")  # 3/13/2026 decides month/day
    assert store.teams() == ["Fabrikam"]  # the project, first segment of the iteration path


def test_azure_scrum_effort_and_team_column(store):
    import_uploads(store, [fixture("azure_scrum.csv")])
    assert store.teams() == ["Pipeline West"]
    assert per_sprint(store, "committed", "completed") == {"Sprint 4": (13.0, 8.0)}


def test_linear_34_columns_cycle_calendar_canceled_and_late_completion(store):
    import_uploads(store, [fixture("linear_34.csv")])
    sprints = store.current("sprints").set_index("sprint")
    assert sprints.loc["Cycle 7", ["start_date", "end_date"]].tolist() == [pd.Timestamp("2026-03-02"),
                                                                           pd.Timestamp("2026-03-15")]
    # ENG-1 3 done Mar 10; ENG-2 5 created Mar 3 → added; ENG-3 2 canceled → removed;
    # ENG-4 1 completed Mar 17, after the cycle's end Mar 15 → not done in this cycle
    assert per_sprint(store, *FIGURES) == {"Cycle 7": (6.0, 5.0, 2.0, 3.0, 0.0, "inferred")}
    titles = store.current("sprint_items").set_index("item_key")["title"]
    assert titles["ENG-2"] == "=SUM(A1) prüfen"  # Linear's guarding apostrophe removed; exports guard it again


def test_linear_21_columns_with_id_and_iso_dates(store):
    import_uploads(store, [fixture("linear_21.csv")])
    assert per_sprint(store, "committed", "completed", "start_date") == {
        "Ops Cycle A": (2.0, 2.0, pd.Timestamp("2025-10-06"))}


def test_recorded_totals_win_over_inferred_items(store):
    import_uploads(store, [fixture("jira_server.csv"), fixture("jira_server_sprints.csv")])
    totals = "team,sprint,committed,completed,added,removed\nBeta Key Account,Beta 2,10,4,1,0\n"
    import_uploads(store, [upload("recorded.csv", totals)])
    beta2 = sprint_metrics(store.current("sprints"), store.current("sprint_items")).set_index("sprint").loc["Beta 2"]
    assert (beta2["committed"], beta2["completed"], beta2["commitment_basis"]) == (10.0, 4.0, "recorded")
    assert beta2["carried_over"] == 13.0  # sprint membership still comes from the items


def test_mappings_pick_columns_and_are_remembered(store):
    text = ("Issue key,Summary,Sprint,Custom field (QA Story Point),Custom field (Category),Custom field (Category),Status Category\n"
            "QA-1,Test,QA 1,4,Alpha,Squad Eins,Done\nQA-2,Test 2,QA 1,2,Alpha,Squad Eins,To Do\n")
    with pytest.raises(ImportFailed, match="No story point column"):
        import_uploads(store, [upload("qa.csv", text)], team="QA")
    import_uploads(store, [upload("qa.csv", text)], mapping={"estimate": "Custom field (QA Story Point)",
                                                              "team": "Custom field (Category)#2"}, save_mapping=True)
    assert store.teams() == ["Squad Eins"]  # the second of the two equal names
    assert store.mapping("jira") == {"estimate": "Custom field (QA Story Point)", "team": "Custom field (Category)#2"}
    again = import_uploads(store, [upload("qa.csv", text)])  # the saved mapping is used
    assert [(f.inserted, f.updated, f.unchanged) for f in again.files] == [(0, 0, 2)]
    assert per_sprint(store, "committed", "completed") == {"QA 1": (6.0, 4.0)}


def test_without_estimates_items_are_counted(store):
    text = "Issue key,Summary,Sprint,Status Category\nN-1,a,S 1,Done\nN-2,b,S 1,To Do\n"
    import_uploads(store, [upload("plain.csv", text)], team="Nord", mapping={"estimate": ""})
    metrics = sprint_metrics(store.current("sprints"), store.current("sprint_items"), unit="items")
    assert metrics[["committed", "completed"]].values.tolist() == [[2.0, 1.0]]


def test_inspect_reports_fields_unknown_columns_and_repeats():
    report = inspect_upload(fixture("jira_cloud.csv"))
    assert report.source == "jira"
    assert report.recognised["sprint"] == "Sprint#1, Sprint#2"
    assert report.recognised["estimate"] == "Custom field (Story Points), Custom field (Story point estimate)"
    assert report.duplicates == {"Labels": 2, "Custom field (Category)": 2, "Sprint": 2}
    assert "Custom field (Category)#2" in report.unknown and report.missing == []
    assert "Custom field (Story Points)" in report.numeric_columns


@pytest.mark.parametrize(("name", "source"), [("jira_cloud.csv", "jira"), ("jira_server.csv", "jira"),
                                              ("jira_german.csv", "jira"), ("jira_portuguese.csv", "jira"),
                                              ("azure_agile.csv", "azure"), ("linear_34.csv", "linear"),
                                              ("linear_21.csv", "linear")])
def test_the_source_is_detected(name, source):
    assert inspect_upload(fixture(name)).source == source


def test_a_file_of_exactly_1000_issues_warns_of_jiras_cap(store):
    rows = "".join(f"K-{i},Issue {i},S 1,1,Done\n" for i in range(1000))
    result = import_uploads(store, [upload("big.csv", "Issue key,Summary,Sprint,Custom field (Story Points),Status Category\n" + rows)],
                            team="Nord")
    assert any("exactly 1,000 issues" in w for w in result.warnings)


def test_invalid_utf8_in_a_jira_export_is_read_as_cp1252_and_announced(store):
    text = "Issue key,Summary,Sprint,Custom field (Story Points),Status Category\nK-1,Gr\xfc\xdfe,S 1,2,Done\n"
    result = import_uploads(store, [Upload("latin.csv", text.encode("cp1252"))], team="Nord")
    assert any("cp1252" in note for note in result.notes)
    assert store.current("sprint_items")["title"].tolist() == ["Grüße"]


BAD = [
    ("ragged_sprint_name", "Issue key,Summary,Sprint,Custom field (Story Points)\nK-1,a,Sprint 3, final,2\n", 2, None,
     ["5 cells", "header has 4"]),
    ("ambiguous_azure_dates", '"ID","Title","State","Iteration Path","Story Points","Created Date"\n'
                              '"1","a","Active","P\\\\T\\\\S 1","2","3/4/2026 9:00:00 AM"\n', 2, "Created Date",
     ["ambiguous", "--date-order"]),
    ("no_story_points", "Issue key,Summary,Sprint,Effort points\nK-1,a,S 1,2\n", 1, "estimate",
     ["no story point column", "effort points", "--map estimate="]),
    ("negative_points", "Issue key,Summary,Sprint,Custom field (Story Points)\nK-1,a,S 1,-3\n", 2,
     "Custom field (Story Points)", ["negative"]),
    ("text_points", "Issue key,Summary,Sprint,Custom field (Story Points)\nK-1,a,S 1,viel\n", 2,
     "Custom field (Story Points)", ["'viel'", "not a number"]),
    ("bad_created_date", "Issue key,Summary,Sprint,Created,Custom field (Story Points)\nK-1,a,S 1,gestern,2\n", 2,
     "Created", ["'gestern'", "not a date"]),
    ("no_issue_in_a_sprint", "Issue key,Summary,Sprint,Custom field (Story Points)\nK-1,a,,2\n", None, "sprint",
     ["no issue", "in a sprint"]),
    ("sprint_column_missing", "Issue key,Summary,Custom field (Story Points)\nK-1,a,2\n", 1, "sprint",
     ["'sprint'", "not found"]),
]


@pytest.mark.parametrize(("case", "text", "row", "column", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_tool_exports_are_refused_clearly_and_change_nothing(store, case, text, row, column, words):
    import_uploads(store, [fixture("jira_server.csv")])
    before = snapshot(store)
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [upload(f"{case}.csv", text)], team="Nord")
    problem = failure.value.problems[0]
    assert (problem.file, problem.row, problem.column) == (f"{case}.csv", row, column)
    for word in words:
        assert word.lower() in problem.message.lower(), (word, problem.message)
    assert snapshot(store) == before


def test_a_mapping_that_names_a_missing_column_is_refused(store):
    before = snapshot(store)
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [fixture("jira_cloud.csv")], mapping={"estimate": "Custom field (QA Story Point)"})
    problem = failure.value.problems[0]
    assert (problem.row, problem.column) == (1, "Custom field (QA Story Point)")
    assert "not in this file" in problem.message
    assert snapshot(store) == before


@pytest.mark.parametrize(("text", "expected"), [
    ("25/Feb/26 10:17 PM", "2026-02-25"), ("2/Jan/06 15:04", "2006-01-02"), ("2/Jan/2006 3:04 PM", "2006-01-02"),
    ("2006-01-02 15:04", "2006-01-02"), ("23.10.2024 11:02", "2024-10-23"), ("Jan/2/06 3:04 PM", "2006-01-02"),
    ("17/mar/26 10:00 AM", "2026-03-17"), ("05/ago/26 10:33", "2026-08-05"), ("12/févr./25", "2025-02-12"),
    ("1/Okt/24", "2024-10-01"), ("Wed Oct 15 2025 09:33:28 GMT+0000 (GMT+00:00)", "2025-10-15"),
    ("2025-11-15T04:00:00.000+0000", "2025-11-15"), ("3/14/2026 6:55:03 PM", "2026-03-14"),
])
def test_every_tool_date_shape_of_formats_md(text, expected):
    from data.values import parse_date
    assert parse_date(text).isoformat() == expected


def test_spanish_and_french_headers_are_recognised():
    spanish = ("Clave de incidencia;Resumen;Tipo de Incidencia;Estado;Sprint;Campo personalizado (Story Points);Creada\n"
               "ES-1;Visita;Historia;Listo;Sprint 1;3;17/mar/26 10:00 AM\n")
    french = ("Clé de ticket,Résumé,Type de ticket,Statut,Sprint,Champ personnalisé (Story Points),Création\n"
              "FR-1,Visite,Story,Terminé,Sprint 1,2,17/mars/26 10:00\n")
    for name, text in (("es.csv", spanish), ("fr.csv", french)):
        report = inspect_upload(upload(name, text))
        assert report.source == "jira" and report.missing == []
        assert {"key", "title", "item_type", "status", "sprint", "estimate", "created"} <= set(report.recognised)


def test_command_line_imports_an_export_with_a_calendar_and_a_mapping(tmp_path):
    import json
    import os
    import subprocess
    import sys
    db = tmp_path / "cli.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "DASHBOARD_DB"}
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-m", "analytics", "import", str(FIXTURES / "jira_cloud.csv"), "--source", "jira",
                           "--sprints", str(FIXTURES / "jira_cloud_sprints.csv"), "--map", "team=Project key",
                           "--json", "--db", str(db)], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"][0]["source"] == "jira"
    rows = json.loads(subprocess.run([sys.executable, "-m", "analytics", "sprints", "--json", "--db", str(db)], cwd=root,
                                     env=env, capture_output=True, text=True, timeout=120).stdout)
    # team from the mapped "Project key" (AV); the calendar file names the team "Alpha Vertrieb", so the
    # AV sprints stay without dates, as the JSON says with nulls
    assert {(r["team"], r["sprint"], r["start_date"], r["commitment_basis"]) for r in rows if r["team"] == "AV"} == {
        ("AV", "Alpha Sprint 1", None, "inferred"), ("AV", "Alpha Sprint 2, Final", None, "inferred")}


SPRINT_OBJECT = ('"com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=29,rapidViewId=1,state=CLOSED,name=Sprint 15,'
                 'startDate=kaputt,endDate=2018-05-03T10:45:31.067-04:00,completeDate=<null>,sequence=29]"')
REFUSED = [  # (files, mapping): each refused; together they make every problem the tool exports know
    ([("ohne_sprint.csv", "Issue key,Summary,Aufwand\nK-1,a,2\n")], None),
    ([("rows.csv", "Issue key,Summary,Sprint,Custom field (Story Points),Created\n"
                   "K-1,a,S 1,-3,2026-03-02\n,b,S 1,2,2026-03-02\nK-1,c,S 1,2,2026-03-02\nK-4,d,S 1,2,gestern\n")], None),
    ([("no_sprint.csv", "Issue key,Summary,Sprint,Custom field (Story Points)\nK-1,a,,2\n")], None),
    ([("objects.csv", f"Issue key,Summary,Sprint,Custom field (Story Points),Project name\nK-1,a,{SPRINT_OBJECT},2,Nord\n")],
     None),
    ([("cycle.csv", "Id,Team,Title,Estimate,Cycle Name,Cycle Start,Cycle End\nL-1,Ops,a,2,C 1,2026-03-13,2026-03-02\n")],
     None),
    ([("regions.csv", "team,sprint,start_date,end_date,region\nNord,S1,2026-03-02,2026-03-13,DE-XX\n"
                      "Süd,S1,2026-03-02,2026-03-13,Bayern\n")], None),
]
MAPPED = [{"colour": "Labels"}, {"estimate": "Custom field (QA Story Point)"}]


def _said(message, keys: set) -> None:
    """Every message and nested message of a problem, note or warning: a Message, whose German
    differs from its English where the catalog's German text does."""
    from data.errors import PREFIX, Message
    from i18n import template
    assert isinstance(message, Message), f"plain English text: {message!r}"
    keys.add(message.key)
    n = message.values.get("n")
    if template(PREFIX + message.key, "de", n) != template(PREFIX + message.key, "en", n):
        assert message.in_language("de") != str(message), message
    for value in message.values.values():
        if isinstance(value, str) and value and hasattr(value, "in_language"):
            _said(value, keys)


def test_every_sentence_of_the_tool_exports_is_a_message_in_the_users_language(store):
    keys: set = set()
    failures = []
    for files, mapping in REFUSED:
        with pytest.raises(ImportFailed) as failure:
            import_uploads(store, [upload(name, text) for name, text in files], mapping=mapping)
        failures.append(failure.value)
    for mapping in MAPPED:
        with pytest.raises(ImportFailed) as failure:
            import_uploads(store, [fixture("jira_cloud.csv")], mapping=mapping)
        failures.append(failure.value)
    for failed in failures:
        _said(failed.title, keys)
        for problem in failed.problems:
            _said(problem.message, keys)
    # notes and warnings: estimates from a column, none at all, issues left out, Jira's cap
    cut = "".join(f"K-{i},Issue {i},S 1,1,Done,Story\n" for i in range(998))
    cut += "K-998,a,,1,Done,Story\nK-999,b,S 1,1,Done,Sub-task\n"  # one without a sprint, one sub-task
    results = [import_uploads(store, [fixture("jira_cloud.csv")]),
               import_uploads(store, [upload("cut.csv", "Issue key,Summary,Sprint,Custom field (Story Points),"
                                                        "Status Category,Issue Type\n" + cut)],
                              team="Nord", mapping={"estimate": ""})]
    for result in results:
        for sentence in [*result.notes, *result.warnings]:
            _said(sentence, keys)
    assert keys >= {
        "unmappable_field", "mapped_column_missing", "t_mapping_unfit", "tool_column_missing", "no_estimate_column",
        "numeric_columns", "t_columns_missing", "issue_key_empty", "duplicate_issue", "period_named", "no_team",
        "t_file_problems", "t_no_sprint_work", "no_sprint_work", "negative_estimate", "not_date", "sprint_object_date",
        "cycle_ends_before", "export_note", "estimates_from", "no_estimates", "left_out_subtasks",
        "left_out_sprintless", "jira_cap", "region_not_in_country", "region_unknown"}, keys


def test_the_tool_exports_problems_read_in_german():
    """Hand-written German for the sentences the German Import page test does not show."""
    from data.importer import read_upload
    from data.sources import parse_export
    cases = {
        "cycle.csv": ("Id,Team,Title,Estimate,Cycle Name,Cycle Start,Cycle End\nL-1,Ops,a,2,C 1,2026-03-13,2026-03-02\n",
                      "linear", ["„C 1“: Der Zyklus endet (02.03.2026), bevor er beginnt (13.03.2026)."]),
        "objects.csv": (f"Issue key,Summary,Sprint,Custom field (Story Points),Project name\nK-1,a,{SPRINT_OBJECT},2,Nord\n",
                        "jira", ["Sprint „Sprint 15“: startDate „kaputt“ ist kein Datum. Schreiben Sie Daten als "
                                 "2025-03-31 oder 31.03.2025."]),
        "team.csv": ("Issue key,Summary,Sprint,Custom field (Story Points)\nK-1,a,S 1,2\n", "jira",
                     ["Kein Team: Diese Zeile hat weder einen Team- noch einen Projektnamen. Geben Sie das Team an (--team)."]),
    }
    for name, (text, source, german) in cases.items():
        with pytest.raises(ImportFailed) as failure:
            parse_export(read_upload(upload(name, text)), source)
        assert [problem.message.in_language("de") for problem in failure.value.problems] == german
    cut = "".join(f"K-{i},Issue {i},S 1,1,Done,Story\n" for i in range(999)) + "K-999,b,S 1,1,Done,Sub-task\n"
    header = "Issue key,Summary,Sprint,Custom field (Story Points),Status Category,Issue Type\n"
    parsed = parse_export(read_upload(upload("cut.csv", header + cut)), "jira", team="Nord", mapping={"estimate": ""})
    assert [note.in_language("de") for note in parsed.notes] == [
        "cut.csv: Jira-Export, 999 Vorgänge in 1 Sprint(s); keine Schätzungen (Einträge werden gezählt)."]
    assert [warning.in_language("de") for warning in parsed.warnings] == [
        "cut.csv: 1 Vorgang ausgelassen, der eine Unteraufgabe ist.",
        "cut.csv: genau 1.000 Vorgänge, die Exportgrenze von Jira: Der Export ist vermutlich abgeschnitten. "
        "Exportieren Sie den Rest (z. B. nach Erstellungsdatum) und laden Sie die Dateien zusammen hoch."]


def test_a_saved_mapping_that_does_not_fit_is_noted_in_german_entry_by_entry(store):
    store.save_mapping("jira", {"colour": "Labels", "estimate": "Nope"})
    result = import_uploads(store, [upload("j.csv", "Issue key,Summary,Sprint,Custom field (Story Points)\nK-1,a,S 1,2\n")],
                            team="Nord")
    note = next(note for note in result.notes if "saved Jira column mapping" in note)
    fields = "key, title, item_type, status"  # the mappable fields start so (common.BASE_FIELDS)
    columns = "Issue key, Summary, Sprint, Custom field (Story Points)"
    assert note.startswith(f"j.csv: the saved Jira column mapping does not fit this file; left out: 'colour' is not a "
                           f"field that can be mapped; use one of {fields}")
    assert note.endswith(f"; The column 'Nope' chosen for estimate is not in this file. Columns: {columns}.")
    german = note.in_language("de")
    assert german.startswith(f"j.csv: Die gespeicherte Spaltenzuordnung für Jira passt nicht zu dieser Datei; "
                             f"weggelassen: „colour“ ist kein Feld, das sich zuordnen lässt; verwenden Sie eines von {fields}")
    assert german.endswith(f"; Die für estimate gewählte Spalte „Nope“ gibt es in dieser Datei nicht. Spalten: {columns}.")


NO_TEAM_COLUMN = {"jira_sprint_objects.csv"}  # neither a team nor a project column: imported with a team given


@pytest.mark.parametrize(("name", "team"), [(path.name, team) for path in sorted(FIXTURES.glob("*.csv"))
                                            if not path.name.endswith("sprints.csv") for team in (None, "One Team")
                                            if team or path.name not in NO_TEAM_COLUMN])
def test_an_exports_items_are_unique_on_the_stored_key_as_their_frame_says(tmp_path, name, team):
    """The export's item frame says it is unique on the stored key (team, sprint, issue), so the
    write does not look for repeated keys again: it holds for every export, with the team of a
    column or one for all (overlapping exports: test_overlapping_jira_exports_give_one_row_per_issue_and_sprint)."""
    from data.importer import prepare_import
    from data.store import Store
    store = Store(tmp_path / "s.duckdb")
    try:
        with store.session():
            prepared = prepare_import(store, [Upload(name, (FIXTURES / name).read_bytes())], team=team)
    finally:
        store.close()
    frames = [frame for item in prepared.parsed for frame in item.frames if frame.table == "sprint_items"]
    assert frames and all(frame.unique for frame in frames)
    for frame in frames:
        assert not frame.data.duplicated(["team", "sprint", "item_key"]).any()
