"""A language is data: a gettext catalog (its number, date and plural rules come from CLDR). A third
one needs no code change."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

import i18n
from analytics.formatting import day, number, percent
from i18n import CATALOGS, LOCALES, PLURALS, languages, locale, t


@pytest.fixture
def french(monkeypatch):
    """French as a translator's catalog would bring it: texts only, no record of ours."""
    monkeypatch.setitem(CATALOGS, "fr", {"app_title": "Revue de sprint et d'OKR", "committed": "Engagé",
                                         "language": "Langue"})
    monkeypatch.delitem(LOCALES, "fr", raising=False)
    return "fr"


def test_every_id_has_english_and_german_and_they_fill_the_same_values():
    placeholders = lambda text: sorted(re.findall(r"{(\w+)", text))  # noqa: E731
    for key in CATALOGS["en"]:
        assert key in CATALOGS["de"], key
        assert placeholders(CATALOGS["en"][key]) == placeholders(CATALOGS["de"][key]), key
    for key, forms in PLURALS["en"].items():
        assert len(PLURALS["de"][key]) == len(forms) == 2, key
        assert {tuple(placeholders(form)) for form in PLURALS["de"][key]} <= {tuple(placeholders(f)) for f in forms}


def test_plural_forms_follow_the_language():
    assert t("nar_actions", "de", done=3, total=4, rate="75 %", n=1).endswith("1 ist noch offen.")
    assert t("nar_actions", "de", done=2, total=4, rate="50 %", n=2).endswith("2 sind noch offen.")


def test_a_third_language_is_a_catalog_and_a_record(french):
    assert languages() == {"en": "English", "de": "Deutsch", "fr": "Français"}
    assert t("app_title", "fr") == "Revue de sprint et d'OKR"
    assert t("completed", "fr") == "Completed"  # not translated yet: English
    assert number(1234.5, "fr") == "1\u202f234,5" and percent(0.85, "fr") == "85\u00a0%"
    assert day("2026-03-31", "fr") == "31/03/2026"          # CLDR's short date, the year in full
    record = locale("fr")                                   # derived from CLDR: nobody wrote it
    assert (record.name, record.date_input, record.csv_separator, record.decimal_comma) == \
        ("Français", "DD/MM/YYYY", ";", True)


def test_a_third_language_runs_the_dashboard_from_the_address(french, demo_dashboard):
    at = AppTest.from_file("../dashboard.py", default_timeout=90)
    at.query_params["lang"] = "fr"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Revue de sprint et d'OKR"
    assert at.sidebar.radio(key="lang_widget").options == ["English", "Deutsch", "Français"]
    assert {m.label for m in at.metric} >= {"Engagé"}


def test_the_language_follows_the_address_across_reloads(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "empty.duckdb"))
    at = AppTest.from_file("../dashboard.py", default_timeout=90)
    at.query_params["lang"] = "de"
    at.run()
    assert at.title[0].value == "Sprint- & OKR-Review"
    at.sidebar.radio(key="lang_widget").set_value("en").run()
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"
    assert i18n.t("app_title", "en") == at.title[0].value


def test_an_import_message_is_english_text_that_remembers_how_to_say_it_in_another_language():
    import pickle
    from datetime import date as day_of

    from data.errors import Message, message_of, say
    from data.values import parse_date, period_problem
    message = say("cell_too_long", chars=131_073, limit=131_072)
    assert isinstance(message, str) and message == ("This cell has 131,073 characters; the most a cell may have is "
                                                    "131,072. Shorten it or leave the column out.")
    assert message.in_language("de") == ("Diese Zelle hat 131.073 Zeichen; erlaubt sind höchstens 131.072. Kürzen Sie "
                                         "sie oder lassen Sie die Spalte weg.")
    again = pickle.loads(pickle.dumps(message))  # st.session_state keeps the last check of the Import page
    assert isinstance(again, Message) and again == message and again.in_language("de") == message.in_language("de")
    with pytest.raises(ValueError) as caught:
        parse_date("2026-02-31")
    assert str(caught.value) == "'2026-02-31' is not a real calendar date. Write dates as 2025-03-31 or 31.03.2025."
    assert not isinstance(str(caught.value), Message)  # str() of the exception drops what message_of keeps
    assert message_of(caught.value).in_language("de") == ("„2026-02-31“ ist kein echtes Kalenderdatum. Schreiben Sie "
                                                          "Daten als 2025-03-31 oder 31.03.2025.")
    _, late = period_problem(day_of(2026, 3, 13), day_of(2026, 3, 2))  # dates written as the language writes them
    assert late == "The sprint ends (2026-03-02) before it starts (2026-03-13)."
    assert late.in_language("de") == "Der Sprint endet (02.03.2026), bevor er beginnt (13.03.2026)."


def test_an_import_message_in_a_third_language_is_english_with_its_number_marks(french):
    from data.errors import say
    assert say("cell_too_long", chars=131_073, limit=131_072).in_language("fr") == (
        "This cell has 131\u202f073 characters; the most a cell may have is 131\u202f072. Shorten it or leave the "
        "column out.")
    assert say("too_large", size=2.5, limit=2).in_language("fr").startswith("The file is 2,5 MiB; the limit is 2 MiB")
