"""Issue 24: the view in the address (links.py) in Streamlit's AppTest on the demo store — a link's
language, as-of day, teams and the pages' own choices are read back, values that are not there are
said without an exception (and without repeating a team's name), and a changed choice is written to
the address. tests/test_browser_links.py does the same through a real browser."""
from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest


@pytest.fixture(autouse=True)
def demo(demo_dashboard):
    return demo_dashboard


def opened(params: dict, page: str | None = None) -> AppTest:
    """The dashboard opened from a link with ``params``, then (as a click in the navigation) ``page``."""
    at = AppTest.from_file("../dashboard.py", default_timeout=90)
    at.query_params.update(params)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return at


def address(at: AppTest) -> dict[str, list[str]]:
    """The query the page wrote (AppTest keeps each parameter as a list of its values)."""
    return {name: list(values) if isinstance(values, list) else [values] for name, values in at.query_params.items()}


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def test_a_link_with_teams_day_and_cycle_opens_that_view():
    at = opened({"lang": "de", "team": ["Pipeline Süd", "Neukunden Nord"], "as_of": "2026-09-15", "cycle": "Q3 2026"},
                "pages/okrs.py")
    assert at.session_state["lang"] == "de"
    assert at.session_state["teams"] == ["Pipeline Süd", "Neukunden Nord"]
    assert at.session_state["as_of"] == date(2026, 9, 15)
    assert at.selectbox(key="okr_cycle").value == "Q3 2026"  # not the running cycle (Q4), the link's
    assert at.title[0].value == "OKRs"
    shown = address(at)
    assert shown["cycle"] == ["Q3 2026"] and shown["as_of"] == ["2026-09-15"] and shown["lang"] == ["de"]
    assert sorted(shown["team"]) == ["Neukunden Nord", "Pipeline Süd"]
    assert not [text for text in warnings(at) if "Link" in text]


def test_a_review_link_opens_its_sprint_counted_in_items():
    at = opened({"sprint_team": "Pipeline Süd", "sprint": "PS Sprint 10", "unit": "items"}, "pages/sprint_review.py")
    assert at.selectbox(key="review_sprint").value == ("Pipeline Süd", "PS Sprint 10")
    assert at.toggle(key="review_items").value is True
    assert address(at)["sprint"] == ["PS Sprint 10"] and address(at)["unit"] == ["items"]
    at.toggle(key="review_items").set_value(False).run()
    assert "unit" not in address(at)  # points, the default, go without saying
    assert at.selectbox(key="review_sprint").value == ("Pipeline Süd", "PS Sprint 10")


def test_a_changed_choice_is_written_to_the_address():
    at = opened({"cycle": "Q3 2026"}, "pages/okrs.py")
    at.selectbox(key="okr_cycle").set_value("Q4 2026").run()
    assert address(at)["cycle"] == ["Q4 2026"]
    assert "sprint" not in address(at) and "team" not in address(at)  # every team: no team in the link
    assert "as_of" not in address(at)  # today, unless chosen: a link stays "as of the day it is opened"


def test_a_links_values_that_are_not_there_are_said_and_the_defaults_shown():
    at = opened({"as_of": "2026-02-30", "team": ["Geheimteam", "Pipeline Süd"],
                 "sprint_team": "Geheimteam", "sprint": "GT Sprint 1"})
    said = warnings(at)  # the sidebar's choices: said on the page the link opens
    assert said == ["The link's as-of day “2026\\-02\\-30” is not a date (YYYY-MM-DD): the page looks from today.",
                    "One team named in the link is not available (it does not exist or is not yours to see): "
                    "the page shows the others."]
    at.switch_page("pages/sprint_review.py").run()
    said = warnings(at)  # the page's own choice: said where it is chosen, once
    assert "The link names a sprint that is not in the data shown here: the page shows its default." in said
    assert not [text for text in said if "2026" in text and "date" in text]
    assert "Geheimteam" not in " ".join(said)  # a team the link names is never repeated: the reader may not see it
    assert at.session_state["teams"] == ["Pipeline Süd"]
    assert at.session_state["as_of"] is None if "as_of" in at.session_state else True  # today
    # the default sprint: the team's latest closed one as of today
    assert at.selectbox(key="review_sprint").value == ("Pipeline Süd", "PS Sprint 14")  # PS Sprint 15 runs on 2026-12-04


def test_a_link_naming_only_teams_that_are_not_there_shows_every_team():
    at = opened({"team": ["Nobody", "Geheimteam"]})
    assert warnings(at) == ["The 2 teams named in the link are not available (they do not exist or are not yours "
                            "to see): the page shows every team."]
    assert not at.session_state["teams"] if "teams" in at.session_state else True  # none chosen: every team
    assert "team" not in address(at)


def test_the_link_box_holds_this_views_address():
    at = opened({"lang": "de", "as_of": "2026-11-20"})
    boxes = [box.value for box in at.sidebar.get("html") if 'class="view-link"' in box.value]
    assert len(boxes) == 1
    # AppTest has no browser address: the query alone; the button in the language of the page
    assert '<code>?lang=de&amp;as_of=2026-11-20</code>' in boxes[0]
    assert '<button type="button" data-copy="Kopieren" data-copied="Kopiert">Kopieren</button>' in boxes[0]


def test_the_link_box_shows_its_address_as_text():
    """Whatever an address holds (a base the server was reached by, a value of the query), the box
    shows it as text: nothing of it becomes markup, and the script takes no value of it."""
    from html import unescape

    from links import link_html
    link = 'http://host/okrs?team=%3Cb%3E&x="><img src=x onerror=alert(1)>&y=<script>alert(1)</script>'
    box = link_html(link, 'Copy "it"', "<i>Copied</i>")
    assert "<img" not in box and "<b>" not in box and "<i>" not in box and box.count("<script>") == 1
    code = box[box.index("<code>") + 6:box.index("</code>")]
    assert "<" not in code and unescape(code) == link  # text only, read back as written
    script = box[box.index("<script>"):]
    assert "alert" not in script and "Copy" not in script  # the script reads its values from the box
