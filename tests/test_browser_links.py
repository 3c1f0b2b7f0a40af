"""Issue 24 in a real browser: a link with team, as-of day and cycle (or sprint) opens exactly that
view on a freshly started server (a deep link, which detours through the entry point), a changed
choice is followed by the address, the "link to this view" box holds it, and a link's values that
are not there are said in sentences, never an exception (links.py)."""
from __future__ import annotations

import os
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from tests.test_browser import start_server, stop
from scripts.settled import settle
from tests.cli_process import run_cli


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    env = {**os.environ, "DASHBOARD_DB": str(tmp_path_factory.mktemp("links") / "demo.duckdb")}
    assert run_cli(["demo"], env=env).returncode == 0
    process, url = start_server(env)
    yield url
    stop(process)


def open_link(browser, url: str):
    page = browser.new_page(viewport={"width": 1440, "height": 1400})  # a new page: a new session
    page.goto(url, wait_until="domcontentloaded")
    settle(page)
    return page


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def sidebar_teams(page) -> list[str]:
    """The team chips of the sidebar's picker (the visible ones: the widget keeps a template copy)."""
    return page.locator("[data-testid=stSidebar] [data-testid=stMultiSelectTagsContainer] [data-tag]") \
        .evaluate_all("els => els.filter(e => e.offsetParent !== null).map(e => e.getAttribute('aria-label'))")


def as_of_shown(page) -> str:
    return "".join(page.locator("[data-testid=stSidebar] [data-testid=stDateInputField]").inner_text().split())


def chosen(page, key: str) -> str:
    """What the selectbox of widget key ``key`` shows."""
    return page.locator(f".st-key-{key} input[role=combobox]").input_value()


def link_box(page) -> str:
    return page.locator("[data-testid=stSidebar] .view-link code").inner_text().strip()


def grid_cells(page) -> list[str]:
    return page.eval_on_selector_all("[role=gridcell]", "els => els.map(e => e.textContent.trim())")


def test_view_in_url_a_link_with_team_day_and_cycle_shows_exactly_that_view(demo_url, browser):
    link = f"{demo_url}/okrs?lang=en&as_of=2026-09-15&team={quote('Pipeline Süd')}&cycle={quote('Q3 2026')}"
    page = open_link(browser, link)
    assert sidebar_teams(page) == ["Pipeline Süd"]
    assert as_of_shown(page) == "2026-09-15"
    assert chosen(page, "okr_cycle") == "Q3 2026"
    cells = grid_cells(page)
    assert "PS-Q3-KR1" in cells and not [cell for cell in cells if cell.startswith(("KA-", "NN-", "PS-Q4"))]
    assert query(page) == {"lang": ["en"], "as_of": ["2026-09-15"], "team": ["Pipeline Süd"], "cycle": ["Q3 2026"]}
    assert parse_qs(urlsplit(link_box(page)).query) == query(page)
    assert urlsplit(link_box(page)).path == "/okrs"
    assert not page.locator("[data-testid=stException]").count()
    page.close()


def test_view_in_url_follows_a_changed_choice_and_its_link_opens_it_again(demo_url, browser):
    page = open_link(browser, f"{demo_url}/sprint_review?lang=de&sprint_team={quote('Pipeline Süd')}&sprint="
                              f"{quote('PS Sprint 10')}&unit=items")
    assert chosen(page, "review_sprint") == "Pipeline Süd · PS Sprint 10"
    assert page.locator(".st-key-review_items input").is_checked()
    # choose another sprint: the address follows
    page.locator(".st-key-review_sprint input[role=combobox]").fill("PS Sprint 11")  # the list filters as one types
    page.get_by_role("option", name="Pipeline Süd · PS Sprint 11", exact=True).click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('sprint') === 'PS Sprint 11'", timeout=30_000)
    page.wait_for_function("""() => { const box = document.querySelector('[data-testid=stSidebar] .view-link code');
        return box && new URL(box.innerText.trim()).searchParams.get('sprint') === 'PS Sprint 11'; }""", timeout=30_000)
    settle(page)
    assert query(page)["sprint_team"] == ["Pipeline Süd"] and query(page)["unit"] == ["items"]
    again = open_link(browser, link_box(page))
    assert chosen(again, "review_sprint") == "Pipeline Süd · PS Sprint 11"
    assert again.locator(".st-key-review_items input").is_checked()
    again.close()
    page.close()


def test_view_in_url_values_that_are_not_there_are_said_and_the_page_shows_its_defaults(demo_url, browser):
    page = open_link(browser, f"{demo_url}/okrs?lang=en&as_of=2026-02-30&team=Geheimteam&cycle=Q9+2031")
    alerts = " ".join(page.get_by_test_id("stAlertContentWarning").all_inner_texts())
    assert "“2026-02-30” is not a date" in alerts
    assert "The team named in the link is not available" in alerts and "the page shows every team" in alerts
    assert "The link names a cycle that is not in the data shown here" in alerts
    assert "Geheimteam" not in alerts
    assert not page.locator("[data-testid=stException]").count()
    assert chosen(page, "okr_cycle") == "Q4 2026"  # the running cycle, the default
    assert query(page) == {"lang": ["en"], "cycle": ["Q4 2026"]}  # the address says what is shown
    page.close()


def test_the_link_box_copies_its_address(demo_url, browser):
    """The copy button puts exactly the box's address on the clipboard and says so in the page's
    language; a browser that may not write the clipboard gets the address selected instead."""
    context = browser.new_context(viewport={"width": 1440, "height": 1400},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{demo_url}/retrospective?lang=de&retro_team={quote('Pipeline Süd')}", wait_until="domcontentloaded")
    settle(page)
    button = page.locator("[data-testid=stSidebar] .view-link button")
    assert button.inner_text() == "Kopieren"
    button.click()
    page.wait_for_function("() => document.querySelector('[data-testid=stSidebar] .view-link button').innerText === 'Kopiert'",
                           timeout=10_000)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == link_box(page) and parse_qs(urlsplit(copied).query)["retro_team"] == ["Pipeline Süd"]
    context.close()
    denied = browser.new_context(viewport={"width": 1440, "height": 1400})  # no clipboard permission
    page = denied.new_page()
    page.goto(f"{demo_url}/okrs?lang=en", wait_until="domcontentloaded")
    settle(page)
    page.evaluate("() => { Object.defineProperty(navigator, 'clipboard', {value: undefined}); }")
    page.locator("[data-testid=stSidebar] .view-link button").click()
    page.wait_for_function("() => window.getSelection().toString().startsWith('http')", timeout=10_000)
    assert page.evaluate("() => window.getSelection().toString()") == link_box(page)
    denied.close()
