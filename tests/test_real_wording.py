"""Real data in the wording (issue 19, point 9): what five public Jira ecosystems' sprints did to the
sentences, each case rebuilt by hand. A history whose forecast is "at least 0", sprints without a
type or dates, a long unit on the cards, and a web page that named a command-line option."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics.forecast import next_sprint_forecast
from analytics.narrative import forecast_sentences
from analytics.report import forecast_sentence
from data.importer import import_uploads
from data.store import Store
from tests.support import upload

# a team whose history cannot carry a forecast: 2 of its 5 sprints completed nothing; no dates, no
# type, and a unit too long for a sixth of the page
IDLE = ("team,sprint,committed,completed,unit\n"
        "Board 9,S1,10,0,deal value in EUR\nBoard 9,S2,10,0,deal value in EUR\nBoard 9,S3,10,12,deal value in EUR\n"
        "Board 9,S4,10,20,deal value in EUR\nBoard 9,S5,160,30,deal value in EUR\n")


def idle_metrics() -> pd.DataFrame:
    """The five sprints as the sprint table has them: closed, undated, untyped."""
    return pd.DataFrame({"team": "Board 9", "sprint": [f"S{n}" for n in range(1, 6)], "state": "closed",
                         "completed": [0.0, 0.0, 12.0, 20.0, 30.0], "sprint_type": None, "working_days": float("nan"),
                         "velocity_per_day": float("nan")})


def test_a_forecast_of_nothing_says_the_history_cannot_support_it_and_why():
    result = next_sprint_forecast(idle_metrics(), "Board 9")
    # 2 of 5 sampled sprints are 0: the 15th percentile of 10,000 draws is 0 (40 % of them are);
    # the median is 12 (0 covers 40 %, 0 or 12 covers 60 %)
    assert (result["velocity_p85"], result["velocity_p50"]) == (0.0, 12.0)
    assert forecast_sentences(result, "points", "en") == [
        "The history cannot support a forecast of the next sprint: 2 of the 5 closed sprints it draws on completed "
        "nothing, so no amount can be promised with 85 % confidence. In half of the trials at least 12 points.",
        "No sprint type for the next sprint, so the forecast uses the last 5 closed sprints of all types: "
        "S1, S2, S3, S4, S5."]
    german = forecast_sentences(result, "Punkte", "de")
    assert german[0].startswith("Für eine Prognose zu dem nächsten Sprint reicht die Historie nicht: 2 der 5 ")
    assert german[1].startswith("Zu dem nächsten Sprint ist kein Sprint-Typ bekannt")
    assert not any("mindestens 0 " in line or "–" in line for line in german)


def test_the_sprint_report_says_it_too():
    text = forecast_sentence(next_sprint_forecast(idle_metrics(), "Board 9"), "points", "en")
    assert text.startswith("The history cannot support a forecast of the next sprint: 2 of the 5 closed sprints")
    assert "at least 0 " not in text and " – " not in text


def test_a_forecast_that_promises_something_still_reads_as_before():
    metrics = idle_metrics().assign(completed=[8.0, 8.0, 8.0, 8.0, 8.0], sprint_type="Regular")
    result = next_sprint_forecast(metrics, "Board 9")
    assert forecast_sentences(result, "points", "en")[0] == (  # constant history: every draw is 8
        "With 85 % confidence the team completes at least 8 points in the next sprint; in half of the trials at least 8.")


@pytest.fixture
def idle_db(db_path):
    # the pages' caches are keyed by data version and teams, not by the store's file (a server has one
    # store): a team of its own, so no other test's cached tables answer here, nor these there
    store = Store(db_path)
    import_uploads(store, [upload("sprints.csv", IDLE)])
    store.close()
    return db_path


def review(lang: str = "en") -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=90)
    at.session_state["lang"] = lang
    return at.run().switch_page("pages/sprint_review.py").run()


def test_the_sprint_review_of_real_looking_data_has_no_dash_for_a_word_and_no_cut_cards(idle_db):
    at = review()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert "Board 9 · S5" in texts                                  # no "· – – –" for dates it does not have
    assert not any(re.search(r"(^|\s)–(\s|$)", text) for text in texts)
    assert not any("at least 0 " in text for text in texts)
    assert "The history cannot support a forecast of the next sprint: 2 of the 5 closed sprints" in "\n".join(texts)
    # the unit once above the cards; the cards' values are the bare numbers, which fit
    assert "Unit of the figures: deal value in EUR" in texts
    cards = {m.label: m.value for m in at.metric}
    assert (cards["Committed"], cards["Completed"]) == ("160", "30")


def test_the_backlog_is_typed_the_pages_way_and_an_ambiguous_one_refused(idle_db):
    at = review("de")
    at.text_input(key="review_backlog").input("1.000").run()     # 1000 here, 1 in English
    assert [re.sub(r"\\(.)", r"\1", e.value) for e in at.error] == [
        "„1.000“ kann 1000 oder 1 heißen. Schreiben Sie die Zahl ohne Tausenderpunkte: 1000 oder 1."]
    at.text_input(key="review_backlog").input("60,5").run()
    assert not at.error and "Verstanden als 60,5" in [t.value for t in at.text]
    assert any(t.value.startswith("60,5 deal value in EUR brauchen in der Hälfte der Durchläufe") for t in at.text)


def test_the_import_page_says_what_to_do_on_the_page_and_the_command_line_its_option(db_path, tmp_path):
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run().switch_page("pages/import.py").run()
    at.file_uploader(key="uploads").set_value([("sprints.csv", IDLE.encode(), "text/csv")]).run()
    notes = "\n".join(t.value for t in at.text)
    assert ("No dates for 5 sprint(s): Board 9 / S1, Board 9 / S2, Board 9 / S3, Board 9 / S4, "
            "Board 9 / S5.") in notes
    assert "upload a sprints file with their dates together with this file (the sprints template under Templates)" in notes
    assert "--sprints" not in notes
    path = tmp_path / "sprints.csv"
    path.write_text(IDLE, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "analytics", "import", str(path), "--db", str(tmp_path / "cli.duckdb")],
                          cwd=Path(__file__).parent.parent, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "add a sprints file (--sprints FILE) for dates, without which" in done.stderr
