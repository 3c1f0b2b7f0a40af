"""Cell values and raw CSV reading as people write them: data/values.py and data/csvfile.py."""
from __future__ import annotations

from datetime import date

import pytest

from data import values
from data.csvfile import decode, read_csv, sniff_delimiter
from data.errors import ImportFailed

LIMITS = {"max_bytes": 2**20, "max_rows": 1000}


# --- parse_bool ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["yes", "Yes", " YES ", "y", "true", "TRUE", "1", "x", "X", "ja", "Ja", "j", "wahr", "on", "✓"])
def test_parse_bool_true_words(text):
    assert values.parse_bool(text) is True


@pytest.mark.parametrize("text", ["no", "No", "n", "false", "False", "0", "", "   ", "nein", "NEIN", "falsch", "off", "-"])
def test_parse_bool_false_words(text):
    assert values.parse_bool(text) is False


@pytest.mark.parametrize("text", ["maybe", "2", "jein", "yes!", "nope", "done"])
def test_parse_bool_rejects_other_words_and_says_what_works(text):
    with pytest.raises(ValueError) as error:
        values.parse_bool(text)
    assert f"'{text}'" in str(error.value)
    assert "yes/no" in str(error.value) and "ja/nein" in str(error.value)


# --- parse_number --------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "decimal", "expected"), [
    ("3", ".", 3.0),
    (" 7 ", ".", 7.0),
    ("1.5", ".", 1.5),
    ("-2", ".", -2.0),
    ("+4", ".", 4.0),
    ("0.25", ".", 0.25),
    ("1,5", ",", 1.5),
    ("2,75", ",", 2.75),
    ("-0,5", ",", -0.5),
    ("1,5", ".", 1.5),          # a lone decimal comma is still a decimal comma
    ("1.5", ",", 1.5),          # and a lone decimal point in a decimal-comma file still a point
    ("1,234.5", ".", 1234.5),   # English thousands
    ("1,234,567", ".", 1234567.0),
    ("1.234,5", ",", 1234.5),   # German thousands
    ("1.234.567", ",", 1234567.0),
    ("1.500", ",", 1500.0),
    ("1 234,5", ",", 1234.5),   # space as thousands separator
    ("1\u00a0234", ".", 1234.0),  # no-break space, as Excel writes it
    ("€ 12,50", ",", 12.5),
    ("12,50 €", ",", 12.5),
    ("12.50€", ".", 12.5),
    ("EUR 100", ".", 100.0),
    ("100 EUR", ".", 100.0),
    ("$1,200.00", ".", 1200.0),
    ("250 USD", ".", 250.0),
])
def test_parse_number(text, decimal, expected):
    assert values.parse_number(text, decimal) == expected


@pytest.mark.parametrize("text", ["50%", "12,5 %", "0.5%"])
def test_parse_number_rejects_percentages(text):
    with pytest.raises(ValueError) as error:
        values.parse_number(text, ",")
    assert "percentage" in str(error.value)
    assert f"'{text}'" in str(error.value)


@pytest.mark.parametrize(("text", "decimal"), [
    ("abc", "."), ("three", ","), ("1.2.3", "."), ("1e3", "."), ("--1", "."), ("3 points", "."),
    ("1,5,6", "."), ("12-3", "."), ("0x10", "."), ("", "."), ("1.2.3,4,5", ","),
])
def test_parse_number_rejects_what_is_not_a_number(text, decimal):
    with pytest.raises(ValueError) as error:
        values.parse_number(text, decimal)
    assert "not a number" in str(error.value)
    assert "1,5" in str(error.value)  # says how to write one


# --- decide_decimal ------------------------------------------------------------------------------
@pytest.mark.parametrize(("cells", "expected"), [
    ([], "."),
    (["3", "5", ""], "."),
    (["3", "1.5"], "."),
    (["3", "1,5"], ","),
    (["1.234,5"], ","),
    (["€ 2,50"], ","),
    (["2,50 EUR"], ","),
    (["1.234"], "."),
    (["1,234.5"], "."),
    (["abc", "n/a", ""], "."),
])
def test_decide_decimal(cells, expected):
    assert values.decide_decimal(cells) == expected


# --- parse_date ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "day_first", "expected"), [
    ("2025-03-31", None, date(2025, 3, 31)),
    (" 2025-03-31 ", None, date(2025, 3, 31)),
    ("2025-3-1", None, date(2025, 3, 1)),
    ("2026-03-04T10:15:00", None, date(2026, 3, 4)),
    ("2026-03-04 10:15", None, date(2026, 3, 4)),
    ("2026-03-04T10:15:00.123+01:00", None, date(2026, 3, 4)),
    ("2026-03-04T23:59:59Z", None, date(2026, 3, 4)),
    ("2026/03/31", None, date(2026, 3, 31)),
    ("2025-03-31", False, date(2025, 3, 31)),  # ISO ignores the slash order
    ("31.03.2025", None, date(2025, 3, 31)),
    ("1.3.2025", None, date(2025, 3, 1)),
    ("31.03.25", None, date(2025, 3, 31)),
    ("23.10.2024 11:02", None, date(2024, 10, 23)),
    ("31.03.2025", False, date(2025, 3, 31)),  # dotted is always day.month
    ("03/04/2026", True, date(2026, 4, 3)),
    ("03/04/2026", False, date(2026, 3, 4)),
    ("3/4/26", True, date(2026, 4, 3)),
    ("3/4/26", False, date(2026, 3, 4)),
    ("04/04/2026", None, date(2026, 4, 4)),  # day == month: no order needed
    ("13/03/2026", True, date(2026, 3, 13)),
    ("03/13/2026", False, date(2026, 3, 13)),
    ("3/4/2026 6:55:03 PM", False, date(2026, 3, 4)),  # Azure DevOps
    ("25/02/26 10:17", True, date(2026, 2, 25)),
])
def test_parse_date(text, day_first, expected):
    assert values.parse_date(text, day_first) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("13/03/2026", date(2026, 3, 13)),
    ("03/13/2026", date(2026, 3, 13)),
])
def test_parse_date_slashed_with_a_part_above_12_is_not_ambiguous(text, expected):
    assert values.parse_date(text, None) == expected


@pytest.mark.parametrize("text", ["03/04/2026", "1/2/26", "12/11/2025 10:00"])
def test_parse_date_ambiguous_order_is_asked_not_guessed(text):
    with pytest.raises(ValueError) as error:
        values.parse_date(text, None)
    message = str(error.value)
    assert "ambiguous" in message and f"'{text}'" in message
    assert "2025-03-31" in message  # says what to write instead


@pytest.mark.parametrize(("text", "day_first"), [
    ("31.02.2026", None), ("2025-02-30", None), ("2025-13-01", None), ("31.13.2025", None),
    ("31/02/2026", True), ("2/29/2025", False), ("13/13/2026", True), ("00.01.2026", None),
])
def test_parse_date_impossible_calendar_dates(text, day_first):
    with pytest.raises(ValueError) as error:
        values.parse_date(text, day_first)
    assert "not a real calendar date" in str(error.value)
    assert f"'{text}'" in str(error.value)


@pytest.mark.parametrize("text", ["next monday", "", "March 2026", "2026-03", "31.03", "31-03-2026x", "Q2"])
def test_parse_date_rejects_what_is_not_a_date(text):
    with pytest.raises(ValueError) as error:
        values.parse_date(text)
    assert "not a date" in str(error.value)
    assert "2025-03-31" in str(error.value) and "31.03.2025" in str(error.value)


@pytest.mark.parametrize("text", ["45123", "46113.5"])
def test_parse_date_explains_excel_serial_numbers(text):
    with pytest.raises(ValueError) as error:
        values.parse_date(text)
    assert "Excel serial" in str(error.value)


# --- decide_day_first ----------------------------------------------------------------------------
@pytest.mark.parametrize(("cells", "expected"), [
    ([], None),
    (["", "n/a", "2026-03-13", "13.03.2026"], None),  # nothing slashed: nothing to decide
    (["03/04/2026", "05/06/2026"], None),
    (["13/03/2026"], True),
    (["03/04/2026", "13/03/2026"], True),
    (["03/13/2026"], False),
    (["03/04/2026", "3/14/2026 6:55:03 PM"], False),
    (["31/12/25", "01/02/26"], True),
])
def test_decide_day_first(cells, expected):
    assert values.decide_day_first(cells) is expected


def test_decide_day_first_takes_the_first_date_that_tells():
    # the contradicting 03/14/2026 is then refused by parse_date, with its own row and column
    assert values.decide_day_first(["13/03/2026", "03/04/2026", "03/14/2026"]) is True
    with pytest.raises(ValueError) as error:
        values.parse_date("03/14/2026", day_first=True)
    assert "month/day date" in str(error.value) and "uses day/month" in str(error.value)


def test_slash_parts():
    assert values.slash_parts(" 13/3/2026 ") == (13, 3)
    assert values.slash_parts("2026-03-13") is None
    assert values.slash_parts("13.03.2026") is None


# --- csvfile: sniff_delimiter --------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("team,sprint,goal\nNord,S1,g\n", ","),
    ("team;sprint;goal\nNord;S1;g\n", ";"),
    ("team\tsprint\tgoal\nNord\tS1\tg\n", "\t"),
    ("team;sprint;goal\r\nNord;S1;a, b and c\r\n", ";"),
    ("Team;Sprint;Schätzung (Punkte, geschätzt)\n", ";"),
    ('"Team, Nord";Sprint;Ziel\n', ";"),
    ('team,"a;b;c;d",goal,x\n', ","),
    ("team\n", ","),
])
def test_sniff_delimiter(text, expected):
    assert sniff_delimiter(text) == expected


# --- csvfile: decode -----------------------------------------------------------------------------
def test_decode_utf8_with_and_without_bom():
    assert decode("a.csv", "Team;Schätzung".encode()) == ("Team;Schätzung", "utf-8", [])
    assert decode("a.csv", b"\xef\xbb\xbf" + "Team;Schätzung".encode()) == ("Team;Schätzung", "utf-8", [])


def test_decode_falls_back_to_cp1252_and_says_where():
    content = "Team;Verantwortlich\nSüd;Jürgen (5 €)\n".encode("cp1252")
    text, encoding, notes = decode("retro.csv", content)
    assert (text, encoding) == ("Team;Verantwortlich\nSüd;Jürgen (5 €)\n", "cp1252")
    assert len(notes) == 1
    assert "retro.csv" in notes[0] and "cp1252" in notes[0] and "line 2" in notes[0] and "0xfc" in notes[0]
    assert "CSV UTF-8" in notes[0]  # what to do


def test_decode_falls_back_to_latin1_when_cp1252_cannot():
    content = b"Team\nA\x81B\n"  # 0x81 is undefined in cp1252
    text, encoding, notes = decode("x.csv", content)
    assert (text, encoding) == ("Team\nA\x81B\n", "latin-1")
    assert "latin-1" in notes[0]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec):
    text = "Team\tSchätzung\r\nNord\t3\r\n"
    content = text.encode(codec)
    if codec == "utf-16-le":
        content = b"\xff\xfe" + content
    elif codec == "utf-16-be":
        content = b"\xfe\xff" + content
    assert decode("x.txt", content) == (text, "utf-16", [])


# --- csvfile: read_csv ---------------------------------------------------------------------------
def test_read_csv_tolerates_trailing_empty_header_columns():
    raw = read_csv("x.csv", b"team,sprint,goal,,\r\nNord,S1,g,,\r\nNord,S2,h,\r\n", **LIMITS)
    assert raw.header == ["team", "sprint", "goal"]
    assert raw.rows == [["Nord", "S1", "g"], ["Nord", "S2", "h"]]
    assert raw.row_numbers == [2, 3]


def test_read_csv_tolerates_trailing_empty_cells_in_rows():
    raw = read_csv("x.csv", b"team;sprint\nNord;S1;;;\n", **LIMITS)
    assert raw.rows == [["Nord", "S1"]]


def test_read_csv_strips_header_cells_and_bom_and_keeps_repeated_names():
    raw = read_csv("jira.csv", b"\xef\xbb\xbf Issue key ,Sprint,Sprint,Labels,Labels\nNN-1,S1,S2,a,b\n", **LIMITS)
    assert raw.header == ["Issue key", "Sprint", "Sprint", "Labels", "Labels"]
    assert raw.rows == [["NN-1", "S1", "S2", "a", "b"]]
    assert (raw.delimiter, raw.encoding, raw.notes) == (",", "utf-8", [])


def test_read_csv_counts_rows_as_a_spreadsheet_does():
    content = b'a,b\n1,"two\nlines"\n\n3,4\n,\n5,6\n'
    raw = read_csv("x.csv", content, **LIMITS)
    assert raw.rows == [["1", "two\nlines"], ["3", "4"], ["5", "6"]]
    assert raw.row_numbers == [2, 4, 6]


def test_read_csv_keeps_cell_text_as_written():
    raw = read_csv("x.csv", '"a";"b"\n" padded ";"=1+2"\n'.encode(), **LIMITS)
    assert raw.rows == [[" padded ", "=1+2"]]
    assert raw.delimiter == ";"
    assert any("semicolon" in note for note in raw.notes)


def test_read_csv_announces_cp1252_and_tab():
    raw = read_csv("x.csv", "a\tb\nM\u00fcller\t1\n".encode("cp1252"), **LIMITS)
    assert raw.rows == [["Müller", "1"]]
    assert raw.encoding == "cp1252"
    assert any("cp1252" in note for note in raw.notes) and any("tab" in note for note in raw.notes)


def test_read_csv_reports_rows_with_the_wrong_number_of_cells_all_at_once():
    with pytest.raises(ImportFailed) as failure:
        read_csv("x.csv", b"a,b,c\n1,2\n1,2,3\n1,2,3,4\n", **LIMITS)
    assert [(p.file, p.row, p.column) for p in failure.value.problems] == [("x.csv", 2, None), ("x.csv", 4, None)]
    assert "2 cells" in failure.value.problems[0].message and "4 cells" in failure.value.problems[1].message


def test_read_csv_row_limit_counts_data_rows_not_the_header():
    content = b"a,b\n" + b"1,2\n" * 5
    assert len(read_csv("x.csv", content, max_bytes=2**20, max_rows=5).rows) == 5
    with pytest.raises(ImportFailed) as failure:
        read_csv("x.csv", content, max_bytes=2**20, max_rows=4)
    assert "more than 4" in failure.value.problems[0].message


def test_read_csv_size_limit_is_exact():
    content = b"a,b\n1,2\n"
    assert read_csv("x.csv", content, max_bytes=len(content), max_rows=10).rows == [["1", "2"]]
    with pytest.raises(ImportFailed) as failure:
        read_csv("x.csv", content, max_bytes=len(content) - 1, max_rows=10)
    assert failure.value.title == "File too large"


# --- settings read once per file -----------------------------------------------------------------
def test_the_year_bounds_are_read_once_per_file_and_again_for_the_next(monkeypatch):
    monkeypatch.setenv("DASHBOARD_MIN_YEAR", "1980")
    with values.settings_read_once():
        assert values.parse_date("1985-01-01") == date(1985, 1, 1)
        monkeypatch.setenv("DASHBOARD_MIN_YEAR", "1990")
        assert values.parse_date("1985-06-01") == date(1985, 6, 1)  # the bounds this file started with
    with pytest.raises(ValueError, match="outside 1990–2100"):
        values.parse_date("1985-06-01")


def test_an_invalid_year_setting_fails_at_every_date_that_needs_it(monkeypatch):
    from data.errors import SettingInvalid
    monkeypatch.setenv("DASHBOARD_MAX_YEAR", "soon")
    with values.settings_read_once():
        for text in ("2026-01-01", "2026-01-02"):  # an invalid value is never remembered
            with pytest.raises(SettingInvalid, match="DASHBOARD_MAX_YEAR='soon' is not a whole number"):
                values.parse_date(text)


# --- parse_typed: a number typed on a page, in the page's language ---------------------------------
@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("1.850.000", "de", 1850000.0),      # German thousands points
    ("1.850.000,50", "de", 1850000.5),   # … and a decimal comma
    ("1,85", "de", 1.85),
    (" 12 ", "de", 12.0),
    ("-3,5", "de", -3.5),
    ("\u22123,5", "de", -3.5),           # a typographic minus, as copied from a report
    (",5", "de", 0.5),
    ("1,850,000", "en", 1850000.0),      # English thousands commas
    ("1,850,000.5", "en", 1850000.5),
    ("1.85", "en", 1.85),
    ("0", "en", 0.0),
])
def test_parse_typed_reads_the_pages_language(text, lang, expected):
    assert values.parse_typed(text, lang) == expected


@pytest.mark.parametrize(("text", "lang", "says"), [
    # a German page: 1.85 is no German number; Babel proposes 185 and 1,85
    ("1.85", "de", "„1.85“ ist keine Zahl, wie diese Seite sie schreibt (etwa 1.850.000,5). Meinten Sie 185 oder 1,85?"),
    # an English page: 1.850.000 is no English number (a decimal point once at most)
    ("1.850.000", "en", "'1.850.000' is not a number the way this page writes them (such as 1,850,000.5)."),
    ("1,85", "en", "'1,85' is not a number the way this page writes them (such as 1,850,000.5). Did you mean 185 or 1.85?"),
    # one mark followed by three digits: 1850 in German, 1.85 in English: which one, the person says
    ("1.850", "de", "„1.850“ kann 1850 oder 1,85 heißen. Schreiben Sie die Zahl ohne Tausenderpunkte: 1850 oder 1,85."),
    ("1,850", "en", "'1,850' can be read as 1850 or as 1.85. Write it without thousands separators: 1850 or 1.85."),
    ("", "en", "Type a number."),
    ("   ", "de", "Bitte eine Zahl eingeben."),
    ("viele", "de", "„viele“ ist keine Zahl: Schreiben Sie Ziffern, etwa 1.850.000,5."),
    ("1e5", "en", "'1e5' is not a number: write digits, such as 1,850,000.5."),   # Babel would read 100000
    ("12k", "en", "'12k' is not a number: write digits, such as 1,850,000.5."),
    ("1 850 000", "de", "„1 850 000“ ist keine Zahl: Schreiben Sie Ziffern, etwa 1.850.000,5."),
    ("9" * 20, "en", f"'{'9' * 20}' is too large a number."),
])
def test_parse_typed_refuses_with_what_to_write(text, lang, says):
    with pytest.raises(ValueError) as refused:
        values.parse_typed(text, lang)
    assert refused.value.args[0].in_language(lang) == says


@pytest.mark.parametrize(("text", "lang", "bounds", "says"), [
    ("-5", "en", {"minimum": 0}, "-5 is below 0, the smallest value allowed here."),       # a negative backlog
    ("11", "en", {"minimum": 0, "maximum": 10}, "11 is outside 0 to 10."),                  # confidence 0–10
    ("-0,5", "de", {"minimum": 0, "maximum": 10}, "-0,5 liegt nicht zwischen 0 und 10."),
    ("12", "en", {"maximum": 10}, "12 is above 10, the largest value allowed here."),
])
def test_parse_typed_refuses_values_outside_the_bounds(text, lang, bounds, says):
    with pytest.raises(ValueError) as refused:
        values.parse_typed(text, lang, **bounds)
    assert refused.value.args[0].in_language(lang) == says


def test_parse_typed_takes_the_bounds_themselves():
    assert values.parse_typed("0", "en", minimum=0, maximum=10) == 0.0
    assert values.parse_typed("10", "de", minimum=0, maximum=10) == 10.0


# --- parse_plain: a number typed on the command line ------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [("1850000", 1850000.0), ("1850000.5", 1850000.5), ("-3", -3.0),
                                                ("+4", 4.0), (" 12.5 ", 12.5), ("1.850", 1.85)])
def test_parse_plain_takes_the_plain_form(text, expected):
    assert values.parse_plain(text) == expected


@pytest.mark.parametrize(("text", "says"), [
    ("12,5", "'12,5' is not a plain number; write 12.5: the command line takes plain numbers, no thousands "
             "separators, a point for decimals."),                       # only German reads it: 12.5
    ("1.850.000", "'1.850.000' is not a plain number; write 1850000: the command line takes plain numbers, no "
                  "thousands separators, a point for decimals."),        # only German reads it
    ("1,850,000.5", "'1,850,000.5' is not a plain number; write 1850000.5: the command line takes plain numbers, "
                    "no thousands separators, a point for decimals."),   # only English reads it
    ("1,850", "'1,850' can be read as 1.85 or as 1850; write the one you mean: the command line takes plain "
              "numbers, no thousands separators, a point for decimals."),
    ("1e5", "'1e5' is not a plain number; the command line takes plain numbers such as 1850000 or 1850000.5: no "
            "thousands separators, a point for decimals."),
])
def test_parse_plain_refuses_anything_else_with_the_reason(text, says):
    with pytest.raises(ValueError) as refused:
        values.parse_plain(text)
    assert str(refused.value) == says
