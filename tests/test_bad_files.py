"""Bad input gets a clear answer (FORMATS.md): every refused file names file, row and column,
says what is wrong in words a user understands, and leaves the store exactly as it was.

One case per line: id, uploads, where the first problem must point, words its message must contain.
Rows are counted as a spreadsheet counts them (the header is row 1). ``None`` means the problem is
about the whole file (no row / no column); ``ANY`` means any location is acceptable; ``NAMED`` means
the problem must point at some row / column (its exact choice is left to the code).
"""
from __future__ import annotations

import pytest

from data.errors import ImportFailed
from data.importer import import_uploads
from tests.support import snapshot, upload

ANY = object()
NAMED = object()

# --- the valid base every case is imported on top of ------------------------------------------
OKRS_BASE = (
    "team,cycle,cycle_start,cycle_end,objective_id,objective,okr_type,kr_id,key_result,kr_type,unit,start_value,target_value,weight\n"
    "Nord,Q2 2026,2026-04-01,2026-06-30,O-1,Win machine builders,committed,KR-1,40 discovery meetings,increase,meetings,0,40,1\n"
    "Nord,Q2 2026,2026-04-01,2026-06-30,O-1,Win machine builders,committed,KR-2,Churn down to 5,decrease,%,8,5,2\n"
)
SPRINTS_BASE = (
    "team,sprint,start_date,end_date,goal,sprint_type\n"
    "Nord,Sprint 1,2026-04-01,2026-04-14,First calls,acquisition\n"
    "Nord,Sprint 2,2026-04-15,2026-04-28,Fill the pipeline,pipeline\n"
)


def base_uploads():
    return [upload("okrs.csv", OKRS_BASE), upload("sprints.csv", SPRINTS_BASE)]


# --- headers used by several cases -------------------------------------------------------------
SPRINTS = "team,sprint,start_date,end_date,goal\n"
ITEMS = "team,sprint,item_key,title,estimate,committed_at_start,done\n"
OKRS = "team,cycle,cycle_start,cycle_end,objective_id,objective,okr_type,kr_id,key_result,kr_type,start_value,target_value,weight\n"
OKR_ROW = "Nord,Q3 2026,2026-07-01,2026-09-30,O-2,Grow key accounts,committed"  # + kr_id … weight
CHECKINS = "kr_id,date,value,confidence,comment\n"
RETRO = "team,sprint,action,owner,status\n"
PLANS = "kr_id,date,planned_value\n"

BIG_ROW = "Nord,Sprint 9,2026-05-01,2026-05-14," + "x" * 100 + "\n"


def bad(case_id, name, content, row, column, *words, file=None, extra=(), env=None, source="auto"):
    """One bad import: ``extra`` uploads go before the bad one in the same call."""
    uploads = [*extra, upload(name, content)]
    return pytest.param(uploads, file or name, row, column, words, env or {}, source, id=case_id)


CASES = [
    # whole file: nothing usable
    bad("empty_file", "sprints.csv", b"", None, None, "empty"),
    bad("whitespace_only", "sprints.csv", b"  \r\n\t\n   \n", None, None, "empty"),
    bad("bom_and_newline_only", "sprints.csv", b"\xef\xbb\xbf\r\n", None, None, "empty"),
    bad("header_only", "sprints.csv", SPRINTS, None, None, "header", "no data rows"),
    bad("header_then_blank_rows", "sprints.csv", "team,sprint,goal\r\n\r\n,,\r\n", None, None, "header", "no data rows"),
    bad("pipe_delimited", "sprints.csv", "team|sprint|start_date|end_date\nNord|Sprint 3|2026-05-01|2026-05-14\n", 1, ANY,
        "only one column", "comma, semicolon or tab"),
    bad("xlsx_bytes", "sprints.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + b"\x00" * 64, None, None, "not a csv", "excel", "csv utf-8"),
    bad("xls_bytes", "sprints.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, None, None, "not a csv", "xls"),
    bad("pdf_bytes", "sprints.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", None, None, "not a csv", "pdf"),
    bad("png_bytes", "sprints.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", None, None, "not a csv", "png"),
    bad("jpeg_bytes", "photo.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", None, None, "not a csv", "jpeg"),
    bad("binary_with_nul", "sprints.csv", b"team,sprint\n\x00\x01\x02\x03garbage\x00\x7f", None, None, "not a csv", "binary"),
    # cells and columns
    bad("too_many_cells", "sprints.csv", SPRINTS + "Nord,Sprint 3,2026-05-01,2026-05-14,Calls, mails and visits\n", 2, None,
        "6 cells", "header has 5", "double quotes"),
    bad("too_few_cells", "sprints.csv", SPRINTS + "Nord,Sprint 3,2026-05-01,2026-05-14,ok\nNord,Sprint 4\n", 3, None,
        "2 cells", "header has 5"),
    bad("unnamed_column_with_values", "sprints.csv", "team,sprint,,goal\nNord,Sprint 3,oops,g\n", 1, "#3", "no name"),
    bad("unknown_columns_only", "sales.csv", "customer,revenue,month\nACME,1000,2026-04\n", 1, ANY,
        "none of the columns", "customer, revenue, month", "sprints (team, sprint)"),
    bad("jira_export_without_story_points", "jira.csv", "Issue key,Summary,Sprint,Custom field (QA Story Point)\nNN-1,Call,Sprint 1,3\n",
        1, "estimate", "no story point column", "custom field (qa story point)", "--map estimate="),
    # required columns missing, per template
    bad("sprints_missing_team", "sprints.csv", "sprint,start_date,end_date\nSprint 3,2026-05-01,2026-05-14\n", 1, ANY, "missing", "team"),
    bad("sprints_missing_sprint", "sprints.csv", "team,start_date,end_date,goal\nNord,2026-05-01,2026-05-14,g\n", 1, ANY, "missing", "sprint"),
    bad("items_missing_item_key", "items.csv", "team,sprint,title,item_type,estimate,committed_at_start,done\nNord,Sprint 1,Call Müller,activity,3,yes,no\n",
        1, ANY, "missing", "item_key"),
    bad("items_missing_done_and_done_on", "items.csv", "team,sprint,item_key,title,estimate\nNord,Sprint 1,NN-1,Call,3\n", 1, ANY, "done", "done_on"),
    bad("okrs_missing_kr_id", "okrs.csv",
        "team,cycle,cycle_start,cycle_end,objective_id,objective,key_result,start_value,target_value\n"
        "Nord,Q3 2026,2026-07-01,2026-09-30,O-2,Grow,10 deals,0,10\n", 1, ANY, "missing", "kr_id"),
    bad("okrs_missing_cycle_dates", "okrs.csv", "team,cycle,objective_id,objective,kr_id,key_result,start_value,target_value\n"
        "Nord,Q3 2026,O-2,Grow,KR-5,10 deals,0,10\n", 1, ANY, "missing", "cycle_start", "cycle_end"),
    bad("checkins_missing_value", "checkins.csv", "kr_id,date,confidence,comment\nKR-1,2026-04-13,7,ok\n", 1, ANY, "missing", "value"),
    bad("checkins_missing_date", "checkins.csv", "kr_id,value,comment\nKR-1,6,ok\n", 1, ANY, "missing", "date"),
    bad("retro_missing_action", "retro.csv", "team,sprint,owner,status\nNord,Sprint 1,Anna,open\n", 1, ANY, "missing", "action"),
    bad("kr_plans_missing_kr_id", "plans.csv", "date,planned_value\n2026-05-15,20\n", 1, ANY, "missing", "kr_id"),
    # numbers
    bad("estimate_not_a_number", "items.csv", ITEMS + "Nord,Sprint 1,NN-1,Call,three,yes,no\n", 2, "estimate", "'three'", "not a number"),
    bad("estimate_negative", "items.csv", ITEMS + "Nord,Sprint 1,NN-1,Call,-2,yes,no\n", 2, "estimate", "'-2'", "negative"),
    bad("estimate_percentage", "items.csv", ITEMS + "Nord,Sprint 1,NN-1,Call,50%,yes,no\n", 2, "estimate", "percentage"),
    bad("estimate_bad_german_header", "items.csv", "Team;Sprint;Schlüssel;Schätzung;Erledigt\nNord;Sprint 1;NN-1;drei;ja\n", 2, "Schätzung",
        "'drei'", "not a number"),
    bad("sprint_total_negative", "sprints.csv", "team,sprint,committed,completed\nNord,Sprint 3,10,-1\n", 2, "completed", "negative"),
    bad("checkin_value_not_a_number", "checkins.csv", CHECKINS + "KR-1,2026-04-13,six,7,\n", 2, "value", "'six'", "not a number"),
    bad("checkin_kr_id_empty", "checkins.csv", CHECKINS + ",2026-04-13,6,7,\n", 2, "kr_id", "required", "empty"),
    bad("confidence_above_10", "checkins.csv", CHECKINS + "KR-1,2026-04-13,6,11,\n", 2, "confidence", "'11'", "0–10"),
    bad("confidence_negative", "checkins.csv", CHECKINS + "KR-1,2026-04-13,6,-1,\n", 2, "confidence", "'-1'", "negative"),
    bad("yes_no_word_unknown", "items.csv", ITEMS + "Nord,Sprint 1,NN-1,Call,3,maybe,no\n", 2, "committed_at_start", "'maybe'", "yes/no"),
    # dates
    bad("date_unparseable", "sprints.csv", SPRINTS + "Nord,Sprint 3,next monday,2026-05-14,g\n", 2, "start_date", "'next monday'", "not a date", "2025-03-31"),
    bad("date_impossible", "sprints.csv", SPRINTS + "Nord,Sprint 3,31.02.2026,14.03.2026,g\n", 2, "start_date", "'31.02.2026'", "not a real calendar date"),
    bad("checkin_date_unparseable", "checkins.csv", CHECKINS + "KR-1,last friday,6,7,\n", 2, "date", "'last friday'", "not a date"),
    bad("item_done_on_impossible", "items.csv", "team,sprint,item_key,done_on\nNord,Sprint 1,NN-1,30.02.2026\n", 2, "done_on",
        "'30.02.2026'", "not a real calendar date"),
    bad("date_excel_serial", "sprints.csv", SPRINTS + "Nord,Sprint 3,46143,46156,g\n", 2, "start_date", "excel serial"),
    bad("date_ambiguous_order", "sprints.csv", SPRINTS + "Nord,Sprint 3,03/04/2026,04/05/2026,g\n", 2, "start_date", "ambiguous", "day/month"),
    bad("date_orders_mixed", "sprints.csv", SPRINTS + "Nord,Sprint 3,13/03/2026,20/03/2026,g\nNord,Sprint 4,03/24/2026,04/02/2026,g\n",
        NAMED, NAMED, "day/month", "month/day"),
    bad("end_before_start", "sprints.csv", SPRINTS + "Nord,Sprint 3,2026-05-14,2026-05-01,g\n", 2, "end_date", "before it starts"),
    bad("end_before_start_german", "sprints.csv", "Team;Sprint;Startdatum;Enddatum\nNord;Sprint 3;14.05.2026;01.05.2026\n", 2, "Enddatum",
        "before it starts"),
    bad("start_without_end", "sprints.csv", SPRINTS + "Nord,Sprint 3,2026-05-01,,g\n", 2, "end_date", "start_date", "end_date"),
    bad("end_without_start", "sprints.csv", SPRINTS + "Nord,Sprint 3,,2026-05-14,g\n", 2, "start_date", "start_date", "end_date"),
    bad("cycle_end_before_start", "okrs.csv", OKRS + "Nord,Q3 2026,2026-09-30,2026-07-01,O-2,Grow,committed,KR-5,10 deals,increase,0,10,1\n",
        2, "cycle_end", "before it starts"),
    bad("cycle_two_date_ranges", "okrs.csv", OKRS + OKR_ROW + ",KR-5,10 deals,increase,0,10,1\n"
        "Nord,Q3 2026,2026-07-01,2026-10-15,O-2,Grow key accounts,committed,KR-6,5 renewals,increase,0,5,1\n", 3, "cycle_start", "other dates", "row 2"),
    # references and duplicate keys
    bad("checkin_for_unknown_kr", "checkins.csv", CHECKINS + "KR-1,2026-04-13,6,7,\nKR-9,2026-04-13,2,5,\n", 3, "kr_id", "'kr-9'", "unknown", "okrs"),
    bad("kr_plan_for_unknown_kr", "plans.csv", PLANS + "KR-9,2026-05-15,20\n", 2, "kr_id", "'kr-9'", "unknown"),
    bad("duplicate_item", "items.csv", ITEMS + "Nord,Sprint 1,NN-1,Call,3,yes,no\nNord,Sprint 1,NN-1,Visit,5,yes,yes\n", 3, "item_key", "duplicate", "row 2"),
    bad("duplicate_item_trailing_space", "items.csv", ITEMS + "Nord,Sprint 1,NN-1,Call,3,yes,no\nNord,Sprint 1,NN-1 ,Call,3,yes,no\n", 3, "item_key",
        "duplicate", "row 2"),
    bad("duplicate_sprint", "sprints.csv", SPRINTS + "Nord,Sprint 3,2026-05-01,2026-05-14,a\nNord,Sprint 3,2026-05-15,2026-05-28,b\n", 3, "sprint",
        "duplicate", "row 2"),
    bad("duplicate_kr_id", "okrs.csv", OKRS + OKR_ROW + ",KR-5,10 deals,increase,0,10,1\n" + OKR_ROW + ",KR-5,12 deals,increase,0,12,1\n", 3, "kr_id",
        "duplicate", "row 2"),
    bad("duplicate_checkin_same_day_two_formats", "checkins.csv", CHECKINS + "KR-1,2026-04-13,6,7,\nKR-1,13.04.2026,7,7,\n", 3, "date",
        "duplicate", "row 2"),
    bad("duplicate_retro_action", "retro.csv", RETRO + "Nord,Sprint 1,Send offers same day,Anna,open\nNord,Sprint 1,Send offers same day,Ben,done\n",
        3, "action", "duplicate", "row 2"),
    bad("duplicate_kr_plan", "plans.csv", PLANS + "KR-1,2026-05-15,20\nKR-1,2026-05-15,25\n", 3, "date", "duplicate", "row 2"),
    # choice words and key-result logic
    bad("kr_type_unknown_word", "okrs.csv", OKRS + OKR_ROW + ",KR-5,10 deals,sideways,0,10,1\n", 2, "kr_type", "'sideways'", "increase", "milestone"),
    bad("okr_type_unknown_word", "okrs.csv", OKRS + "Nord,Q3 2026,2026-07-01,2026-09-30,O-2,Grow,maybe,KR-5,10 deals,increase,0,10,1\n",
        2, "okr_type", "'maybe'", "committed", "aspirational"),
    bad("retro_status_unknown_word", "retro.csv", RETRO + "Nord,Sprint 1,Send offers same day,Anna,someday\n", 2, "status",
        "'someday'", "open", "done", "dropped"),
    bad("increase_target_equals_start", "okrs.csv", OKRS + OKR_ROW + ",KR-5,10 deals,increase,10,10,1\n", 2, "target_value", "equals start"),
    bad("increase_target_below_start", "okrs.csv", OKRS + OKR_ROW + ",KR-5,10 deals,increase,10,4,1\n", 2, "kr_type", "below the start", "decrease"),
    bad("decrease_target_above_start", "okrs.csv", OKRS + OKR_ROW + ",KR-5,Costs down,decrease,4,10,1\n", 2, "kr_type", "above the start", "increase"),
    bad("no_kr_type_target_equals_start", "okrs.csv",
        "team,cycle,cycle_start,cycle_end,objective_id,objective,kr_id,key_result,start_value,target_value\n"
        "Nord,Q3 2026,2026-07-01,2026-09-30,O-2,Grow,KR-5,Keep NPS,50,50\n", 2, "kr_type", "stay_above", "stay_below"),
    bad("numeric_kr_without_start", "okrs.csv", OKRS + OKR_ROW + ",KR-5,10 deals,increase,,10,1\n", 2, "start_value", "start_value", "required"),
    bad("numeric_kr_without_start_second_row", "okrs.csv", OKRS + OKR_ROW + ",KR-5,10 deals,increase,0,10,1\n" + OKR_ROW + ",KR-6,5 renewals,increase,,5,1\n",
        3, "start_value", "start_value", "required"),
    bad("empty_kr_type_target_equals_start_second_row", "okrs.csv", OKRS + OKR_ROW + ",KR-5,10 deals,increase,0,10,1\n" + OKR_ROW + ",KR-6,Keep NPS,,50,50,1\n",
        3, "kr_type", "stay_above", "stay_below"),
    bad("weight_zero", "okrs.csv", OKRS + OKR_ROW + ",KR-5,10 deals,increase,0,10,0\n", 2, "weight", "above 0"),
    bad("objective_two_texts", "okrs.csv", OKRS + OKR_ROW + ",KR-5,10 deals,increase,0,10,1\n"
        "Nord,Q3 2026,2026-07-01,2026-09-30,O-2,Something else,committed,KR-6,5 renewals,increase,0,5,1\n", 3, "objective", "row 2"),
    # CSV structure and spreadsheet row numbers
    bad("unclosed_quote_at_end", "sprints.csv", SPRINTS + 'Nord,Sprint 3,2026-05-01,2026-05-14,"Calls and visits\n', 2, ANY, "quote"),
    bad("unclosed_quote_swallows_rows", "sprints.csv",
        SPRINTS + 'Nord,Sprint 3,2026-05-01,2026-05-14,"Calls\nNord,Sprint 4,2026-05-15,2026-05-28,Visits\n', 2, ANY, "quote"),
    bad("row_number_after_multiline_cell", "items.csv", ITEMS + 'Nord,Sprint 1,NN-1,"Call\nand visit",3,yes,no\nNord,Sprint 1,NN-2,Mail,abc,yes,no\n',
        3, "estimate", "'abc'"),
    bad("row_number_after_blank_line", "items.csv", ITEMS + "Nord,Sprint 1,NN-1,Call,3,yes,no\n\nNord,Sprint 1,NN-2,Mail,abc,yes,no\n", 4, "estimate", "'abc'"),
    bad("row_number_bom_crlf", "items.csv", b"\xef\xbb\xbf" + (ITEMS + "Nord,Sprint 1,NN-1,Call,3,yes,no\nNord,Sprint 1,NN-2,Mail,abc,yes,no\n")
        .replace("\n", "\r\n").encode(), 3, "estimate", "'abc'"),
    # limits
    bad("over_size_limit", "sprints.csv", SPRINTS + BIG_ROW * 12000, None, None, "1 mib", "dashboard_max_upload_mb", "split",
        env={"DASHBOARD_MAX_UPLOAD_MB": "1"}),
    bad("over_fractional_size_limit", "sprints.csv", SPRINTS + BIG_ROW * 6000, None, None, "0.5 mib", "dashboard_max_upload_mb",
        env={"DASHBOARD_MAX_UPLOAD_MB": "0.5"}),
    bad("over_row_limit", "sprints.csv", SPRINTS + "".join(f"Nord,Sprint {n},,,g\n" for n in range(3, 7)), None, None,
        "more than 3", "dashboard_max_rows", "split", env={"DASHBOARD_MAX_ROWS": "3"}),
    # several files in one call, and sources
    bad("second_file_bad", "items.csv", ITEMS + "Nord,Sprint 1,NN-1,Call,-3,yes,no\n", 2, "estimate", "negative",
        extra=[upload("retro.csv", RETRO + "Nord,Sprint 1,Send offers same day,Anna,open\n")]),
    bad("second_file_unknown_kr_after_an_update", "checkins.csv", CHECKINS + "KR-7,2026-04-13,6,7,\n", 2, "kr_id", "'kr-7'", "unknown",
        extra=[upload("sprints_changed.csv", SPRINTS_BASE.replace("First calls", "First calls and visits"))]),
    bad("second_file_bad_first_defines_kr", "checkins.csv", CHECKINS + "KR-5,2026-07-13,3,12,\n", 2, "confidence", "'12'",
        extra=[upload("okrs_q3.csv", OKRS + OKR_ROW + ",KR-5,10 deals,increase,0,10,1\n")]),
    bad("source_jira_for_a_template_file", "jira.csv", ITEMS + "Nord,Sprint 1,NN-1,Call,3,yes,no\n", 1, "key", "jira column",
        "'key'", "--map", source="jira"),
    bad("source_unknown", "export.csv", ITEMS + "Nord,Sprint 1,NN-1,Call,3,yes,no\n", None, None, "'trello'", "unknown", "template", source="trello"),
    # tool exports (Jira, Azure DevOps): structure, estimates, dates, sprints
    bad("jira_ragged_row_comma_in_sprint_name", "jira.csv",
        "Issue key,Summary,Issue Type,Status,Created,Sprint,Custom field (Story Points),Project name\n"
        "NN-1,Call,Story,Done,25/Feb/26 10:17 PM,Nord Sprint 1,3.0,Nord\n"
        "NN-2,Visit,Story,Done,26/Feb/26 9:00 AM,Nord Sprint 2, Messe,5.0,Nord\n", 3, None, "9 cells", "header has 8", "double quotes"),
    bad("azure_dates_ambiguous_order", "azure.csv",
        '"ID","Work Item Type","Title","State","Iteration Path","Story Points","Created Date","Closed Date"\n'
        '"501","User Story","Call","Active","Nord\\Sprint 1","3","3/4/2026 6:55:03 PM",""\n'
        '"502","User Story","Visit","Closed","Nord\\Sprint 1","2","4/3/2026 9:10:00 AM","4/10/2026 5:00:00 PM"\n',
        2, "Created Date", "'3/4/2026 6:55:03 PM'", "ambiguous", "--date-order"),
    bad("azure_export_without_estimate_column", "azure.csv",
        '"ID","Work Item Type","Title","State","Iteration Path","Original Estimate"\n'
        '"501","User Story","Call","Active","Nord\\Sprint 1","4"\n', 1, "estimate", "no story point column", "original estimate",
        "--map estimate="),
    bad("jira_story_points_negative", "jira.csv",
        "Issue key,Summary,Issue Type,Status,Created,Sprint,Custom field (Story Points),Project name\n"
        "NN-1,Call,Story,Done,25/Feb/26 10:17 PM,Nord Sprint 1,3.0,Nord\n"
        "NN-2,Visit,Story,Done,26/Feb/26 9:00 AM,Nord Sprint 1,-3,Nord\n", 3, "Custom field (Story Points)", "'-3'", "negative"),
    bad("jira_story_points_not_a_number", "jira.csv",
        "Issue key,Summary,Issue Type,Status,Created,Sprint,Custom field (Story Points),Project name\n"
        "NN-1,Call,Story,Done,25/Feb/26 10:17 PM,Nord Sprint 1,3.0,Nord\n"
        "NN-2,Visit,Story,Done,26/Feb/26 9:00 AM,Nord Sprint 1,L,Nord\n", 3, "Custom field (Story Points)", "'L'", "not a number"),
    bad("jira_story_point_estimate_bad_names_its_own_column", "jira.csv",
        "Issue key,Summary,Sprint,Custom field (Story Points),Custom field (Story point estimate),Project name\n"
        "NN-1,Call,Nord Sprint 1,,3.0,Nord\nNN-2,Visit,Nord Sprint 1,,five,Nord\n",
        3, "Custom field (Story point estimate)", "'five'", "not a number"),
    bad("jira_created_not_a_date", "jira.csv",
        "Issue key,Summary,Issue Type,Status,Created,Sprint,Custom field (Story Points),Project name\n"
        "NN-1,Call,Story,Done,25/Feb 10:17 PM,Nord Sprint 1,3.0,Nord\n", 2, "Created", "'25/Feb 10:17 PM'", "not a date"),
    bad("jira_no_issue_in_a_sprint", "jira.csv",
        "Issue key,Summary,Issue Type,Status,Created,Sprint,Custom field (Story Points),Project name\n"
        "NN-1,Call,Story,To Do,25/Feb/26 10:17 PM,,3.0,Nord\nNN-2,Visit,Story,To Do,25/Feb/26 10:20 PM,,2.0,Nord\n",
        None, "sprint", "no issue", "in a sprint"),
    bad("jira_sprint_column_missing", "jira.csv",
        "Issue key,Summary,Issue Type,Status,Created,Custom field (Story Points),Project name\n"
        "NN-1,Call,Story,Done,25/Feb/26 10:17 PM,3.0,Nord\n", 1, "sprint", "sprint", "not found", "--map sprint="),
    bad("jira_key_column_missing_when_named_as_jira", "jira.csv",
        "Summary,Sprint,Custom field (Story Points),Project name\nCall,Nord Sprint 1,3.0,Nord\n", 1, "key", "not found", "--map key=",
        source="jira"),
]


@pytest.mark.parametrize(("uploads", "file", "row", "column", "words", "env", "source"), CASES)
def test_bad_file_is_refused_clearly_and_store_is_unchanged(store, monkeypatch, uploads, file, row, column, words, env, source):
    import_uploads(store, base_uploads())
    before = snapshot(store)
    assert before["sprints"] and before["key_results"], "the base import must give the store content"
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, uploads, source=source)

    assert failure.value.problems, "a failed import must say what is wrong"
    first = failure.value.problems[0]
    assert first.file == file
    if row is NAMED:
        assert isinstance(first.row, int), f"no row named: {first}"
    elif row is not ANY:
        assert first.row == row, str(first)
    if column is NAMED:
        assert first.column, f"no column named: {first}"
    elif column is not ANY:
        assert first.column == column, str(first)
    message = first.message.lower()
    missing = [word for word in words if word.lower() not in message]
    assert not missing, f"message lacks {missing}: {first}"
    if isinstance(row, int) and isinstance(column, str):
        assert str(first).startswith(f"{file}, row {row}, column '{column}': ")
    assert snapshot(store) == before


def test_problems_of_every_file_are_reported_together(store):
    import_uploads(store, base_uploads())
    before = snapshot(store)
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [upload("a.csv", ITEMS + "Nord,Sprint 1,NN-1,Call,-1,yes,no\n"),
                               upload("b.csv", RETRO + "Nord,Sprint 1,Call back,Anna,later\n")])
    located = [(p.file, p.row, p.column) for p in failure.value.problems]
    assert located == [("a.csv", 2, "estimate"), ("b.csv", 2, "status")]
    assert "2 files" in failure.value.title
    assert snapshot(store) == before


def test_every_bad_cell_of_a_file_is_reported_not_only_the_first(store):
    content = ITEMS + "Nord,Sprint 1,NN-1,Call,x,yes,no\nNord,Sprint 1,NN-2,Mail,3,perhaps,no\nNord,Sprint 1,NN-3,Visit,-4,yes,no\n"
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [upload("items.csv", content)])
    located = sorted((p.row, p.column, p.value) for p in failure.value.problems)
    assert located == [(2, "estimate", "x"), (3, "committed_at_start", "perhaps"), (4, "estimate", "-4")]
    assert store.is_empty()


def test_file_exactly_at_the_row_limit_is_accepted(store, monkeypatch):
    monkeypatch.setenv("DASHBOARD_MAX_ROWS", "3")
    result = import_uploads(store, [upload("sprints.csv", SPRINTS + "".join(f"Nord,Sprint {n},,,g\n" for n in range(1, 4)))])
    assert [(f.rows, f.inserted) for f in result.files] == [(3, 3)]


def test_sprints_argument_forces_the_kind_and_names_the_missing_column(store):
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [], sprints=[upload("calendar.csv", "team,start_date,end_date\nNord,2026-05-01,2026-05-14\n")])
    first = failure.value.problems[0]
    assert (first.file, first.row, first.column) == ("calendar.csv", 1, "sprint")
    assert "missing" in first.message.lower()
    assert store.is_empty()


def test_no_files_at_all_is_refused(store):
    with pytest.raises(ImportFailed) as failure:
        import_uploads(store, [])
    assert "choose at least one" in failure.value.problems[0].message.lower()
    assert store.is_empty()
