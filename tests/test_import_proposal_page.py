"""The Import page with issues 19 and 24 (Streamlit's AppTest, the real page and store): a German
spreadsheet's figure columns get a proposed mapping that must be accepted before Import is offered;
rows with problems can be left out, with the counts shown before the import and the rows left out
kept with it in the history; more than 50 problems are counted and offered whole."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data.store import Store
from tests.support import static_tables

GERMAN = Path(__file__).parent / "fixtures" / "spreadsheets" / "vertrieb_sued_cp1252.csv"
PROPOSED = {"committed": "Zusage (Punkte)", "completed": "Erledigt (Punkte)", "added": "Neu hinzugekommen",
            "removed": "Gestrichen"}


def import_page() -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    return at.switch_page("pages/import.py").run()


def button(at: AppTest, key: str):
    return next((b for b in at.button if b.key == key), None)


def test_the_mapping_opens_with_the_proposal_and_import_waits_for_the_user(db_path):
    at = import_page()
    at.file_uploader(key="uploads").set_value([(GERMAN.name, GERMAN.read_bytes(), "text/csv")]).run()
    assert not at.exception
    name = GERMAN.name
    [proposal] = [box.value for box in at.info if "Proposed" in box.value]
    assert "committed ← Zusage \\(Punkte\\)" in proposal and "removed ← Gestrichen" in proposal
    assert next(e for e in at.expander if "vertrieb" in e.label).proto.expanded  # opened by itself
    assert button(at, "do_import") is None  # nothing to import until the user accepts
    assert "Nothing was imported" in at.error[0].value
    button(at, f"accept_{name}").click().run()
    assert not at.exception and not at.error
    assert {field: at.selectbox(key=f"tmap_{name}_{field}").value for field in PROPOSED} == PROPOSED
    assert not [box for box in at.info if "Proposed" in box.value]
    button(at, "do_import").click().run()
    assert "Imported (import 1)" in at.success[0].value
    store = Store(db_path)
    assert store.current("sprints")[["sprint", "committed", "completed"]].values.tolist() == [
        ["Sprint 1", 20.0, 18.0], ["Sprint 2", 22.5, 20.0], ["Sprint 3", 24.0, 25.5]]
    # the cards of the home page show the latest sprint's figures, not '– Punkte'
    at.switch_page("dashboard.py").run()
    cards = {m.label: m.value for m in at.metric}
    assert (cards["Committed"], cards["Completed"]) == ("24", "25.5")  # Sprint 3: 24 committed, 25,5 done
    assert cards["Say/do"] == "106%"  # 25.5 / 24 = 1.0625


SPRINTS = ("team,sprint,start_date,end_date,committed,completed\n"
           "Nord,S1,2026-01-05,2026-01-16,10,8\n"
           "Nord,S2,2026-01-19,2027-03-01,10,9\n"  # 407 days: over the 366-day limit
           "Nord,S3,2026-02-02,2026-02-13,12,12\n")


def test_invalid_rows_can_be_left_out_with_the_counts_shown_first_and_kept_in_the_history(db_path):
    at = import_page()
    at.file_uploader(key="uploads").set_value([("sprints.csv", SPRINTS.encode(), "text/csv")]).run()
    assert "Nothing was imported" in at.error[0].value and button(at, "do_import") is None
    at.checkbox(key="skip_invalid").check().run()
    assert not at.exception and not at.error
    assert any(box.value == "2 row(s) will be imported, 1 row(s) left out." for box in at.info)
    button(at, "do_import").click().run()
    assert "1 row(s) left out" in at.success[0].value
    store = Store(db_path)
    assert store.current("sprints")["sprint"].tolist() == ["S1", "S3"]
    assert store.rejects(1)[["file", "row", "column"]].values.tolist() == [["sprints.csv", 3, "end_date"]]
    at.run()
    history = next(d.value for d in at.dataframe if "Imported" in d.value.columns)
    assert history["Left out"].tolist() == ["1"]
    assert at.selectbox(key="rejects_id").value == 1


def test_more_than_fifty_problems_are_counted_and_offered_whole(db_path):
    at = import_page()
    text = "team,sprint,committed\n" + "".join(f"Nord,S1,{i}\n" for i in range(61))  # 60 repeats of row 2
    at.file_uploader(key="uploads").set_value([("many.csv", text.encode(), "text/csv")]).run()
    assert not at.exception
    assert any("50 of 60 problems shown" in c.value for c in at.caption)
    assert any("60 problems like the one in row 3" in t.value for t in at.text)
    assert len(static_tables(at)[0]) == 50
