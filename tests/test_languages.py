"""A language is data: a catalog and a locale record. A third one needs no code change."""
from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

import i18n
from analytics import locales
from analytics.formatting import day, number, percent
from data.demo import load_demo
from data.store import Store
from i18n import CATALOGS, languages, t

FRENCH = locales.LocaleRecord("Français", "fr_FR", "dd/MM/yyyy", "DD/MM/YYYY", ";", True, ", ", "%d/%m/%Y", "%d/%m",
                              ((1e9, " Md"), (1e6, " M"), (1e3, " k")))


@pytest.fixture
def french(monkeypatch):
    monkeypatch.setitem(locales.LOCALES, "fr", FRENCH)
    monkeypatch.setitem(CATALOGS, "fr", {"app_title": "Revue de sprint et d'OKR", "committed": "Engagé",
                                         "language": "Langue"})
    return "fr"


def test_every_id_has_english_and_german_and_they_fill_the_same_values():
    for key in CATALOGS["en"]:
        assert key in CATALOGS["de"], key
        placeholders = lambda text: sorted(__import__("re").findall(r"{(\w+)", text))  # noqa: E731
        assert placeholders(CATALOGS["en"][key]) == placeholders(CATALOGS["de"][key]), key


def test_plural_forms_follow_the_language():
    assert t("nar_actions", "de", done=3, total=4, rate="75 %", n=1).endswith("1 ist noch offen.")
    assert t("nar_actions", "de", done=2, total=4, rate="50 %", n=2).endswith("2 sind noch offen.")


def test_a_third_language_is_a_catalog_and_a_record(french):
    assert languages() == {"en": "English", "de": "Deutsch", "fr": "Français"}
    assert t("app_title", "fr") == "Revue de sprint et d'OKR"
    assert t("completed", "fr") == "Completed"  # not translated yet: English
    assert number(1234.5, "fr") == "1\u202f234,5" and percent(0.85, "fr") == "85\u00a0%"
    assert day("2026-03-31", "fr") == "31/03/2026"


def test_a_third_language_runs_the_dashboard_from_the_address(french, tmp_path, monkeypatch):
    path = tmp_path / "fr.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    store = Store(path)
    load_demo(store, date.today())
    store.close()
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
