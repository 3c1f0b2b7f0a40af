"""The home page in Streamlit's AppTest, on an empty store and on the demo store."""
from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from analytics.sprint_metrics import sprint_metrics
from data.demo import load_demo
from data.importer import import_uploads
from data.store import Store
from tests.support import upload


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def home() -> AppTest:
    return AppTest.from_file("../dashboard.py", default_timeout=60)


def test_empty_store_offers_the_demo_and_loads_it(db_path):
    at = home().run()
    assert not at.exception
    assert "No data yet" in at.info[0].value
    at.button(key="load_demo").click().run()
    assert not at.exception
    assert len(at.metric) > 0
    store = Store(db_path)
    assert store.teams() == ["Key Account Automotive", "Neukunden Nord", "Pipeline Süd"]
    store.close()


def test_demo_store_shows_latest_sprint_of_each_team(db_path):
    store = Store(db_path)
    load_demo(store, date.today())
    metrics = sprint_metrics(store.current("sprints"), store.current("sprint_items"))
    store.close()
    at = home().run()
    assert not at.exception
    headings = [t.value for t in at.text]
    latest = metrics.groupby("team").tail(1)
    assert headings == [f"{row.team} · {row.sprint}" for row in latest.itertuples()]
    committed = [m.value for m in at.metric if m.label == "Committed"]
    assert committed == [f"{v:g}" for v in latest["committed"]]
    attention = at.dataframe[0].value
    assert attention["what"].str.contains("Key result stale").any()


def test_team_picker_narrows_the_page_and_is_kept_in_the_session(db_path):
    store = Store(db_path)
    load_demo(store, date.today())
    store.close()
    at = home().run()
    at.multiselect(key="teams").set_value(["Pipeline Süd"]).run()
    assert not at.exception
    assert [t.value.split(" · ")[0] for t in at.text] == ["Pipeline Süd"]
    assert at.session_state["teams"] == ["Pipeline Süd"]
    at.run()  # a rerun (as after switching pages) keeps the choice
    assert [t.value.split(" · ")[0] for t in at.text] == ["Pipeline Süd"]


def test_user_text_is_shown_as_text_not_markdown(db_path):
    store = Store(db_path)
    import_uploads(store, [upload("s.csv", "team,sprint,committed,completed\n"
                                           "**Team** <b>x</b>,[Sprint](http://x),5,4\n")])
    store.close()
    at = home().run()
    assert not at.exception
    assert at.text[0].value == "**Team** <b>x</b> · [Sprint](http://x)"
    assert all("<b>" not in m.value for m in at.markdown)
