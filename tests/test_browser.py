"""The real thing: `streamlit run dashboard.py` served on localhost, opened in Debian's headless
Chromium through Playwright."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from data.templates import template_csv
from scripts.settled import settle
from tests.cli_process import run_cli

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


JIRA_EXPORT = (
    "\ufeffSummary,Issue key,Issue id,Issue Type,Status,Project name,Resolution,Created,Resolved,Sprint,Sprint,"
    "Custom field (Story Points),Status Category\r\n"
    "Erstgespräch Müller,VS-1,10001,Story,Done,Vertrieb Süd,Done,02/Mar/26 9:00 AM,05/Mar/26 4:10 PM,VS Sprint 1,,3.0,Done\r\n"
    "Angebot Schneider,VS-2,10002,Story,Done,Vertrieb Süd,Done,02/Mar/26 9:05 AM,18/Mar/26 11:00 AM,VS Sprint 1,VS Sprint 2,5.0,Done\r\n"
    "Messe-Leads,VS-3,10003,Story,To Do,Vertrieb Süd,,03/Mar/26 10:00 AM,,VS Sprint 2,,2.0,To Do\r\n"
)


def start_server(env: dict, *options: str, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """``streamlit run dashboard.py`` on 127.0.0.1 (a free port unless given), with more ``options``
    (e.g. ``--secrets.files`` for sign-in); returns once it accepts connections."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false", *options],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the dashboard did not start within 60 s: " + process.stdout.read().decode(errors="replace"))
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def server(tmp_path):
    """The dashboard on a free localhost port, on a store that `make run` would have prepared."""
    env = {**os.environ, "DASHBOARD_DB": str(tmp_path / "browser.duckdb")}
    assert run_cli(["demo", "--if-empty"], env=env).returncode == 0
    process, url = start_server(env)
    yield url
    stop(process)


@pytest.fixture
def empty_server(tmp_path):
    process, url = start_server({**os.environ, "DASHBOARD_DB": str(tmp_path / "empty.duckdb")})
    yield url
    stop(process)


@pytest.fixture
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


def test_home_page_in_chromium_shows_the_demo_teams(server, chromium, tmp_path):
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server, wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Sprint & OKR review")).to_be_visible(timeout=60_000)
    for team in ("Key Account Automotive", "Neukunden Nord", "Pipeline Süd"):
        expect(page.get_by_text(f"{team} · ", exact=False).first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Needs attention")).to_be_visible()
    page.screenshot(path=str(tmp_path / "home.png"))
    assert (tmp_path / "home.png").stat().st_size > 10_000


# the browser's requests for the charts' code: ours (plotly.js's basic bundle, static/) and Streamlit's
# chart element's (the full plotly.js; its file name carries a build hash)
CHART_CODE_LOADS = """() => { const names = performance.getEntriesByType('resource').map(e => e.name);
    return [names.filter(n => n.endsWith('/app/static/plotly-basic.min.js')).length,
            names.filter(n => /\\/PlotlyChart\\.[^/]*\\.js/.test(n)).length]; }"""


# both parts of the charts' code loaded: plotly.js's basic bundle (evaluated) and Streamlit's code for
# components (a chunk of its own, fetched when the first component element of a browser session mounts)
CHART_CODE_READY = """() => window.Plotly !== undefined && performance.getEntriesByType('resource')
    .some(e => /\\/BidiComponent\\.[^/]*\\.js$/.test(e.name))"""


def test_a_chart_page_loads_the_basic_chart_code_once_and_redraws_in_place(server, chromium):
    """The Sprint review has the browser load plotly.js's basic bundle at its top (ui.prefetch_charts)
    and draws every chart with it: loaded once, never Streamlit's full plotly.js. A rerun with new
    data (items instead of points) redraws each chart in the element it was drawn in; the toolbar
    has a full-screen button that shows the chart on the whole screen."""
    review = chromium.new_context(viewport={"width": 1400, "height": 1400}).new_page()
    review.goto(f"{server}/sprint_review", wait_until="domcontentloaded")
    settle(review)
    assert review.locator(".dashboard-chart .main-svg").count() >= 2
    assert review.evaluate(CHART_CODE_LOADS) == [1, 0]
    velocity = review.locator(".dashboard-chart").first
    expect(velocity.locator(".g-ytitle")).to_have_text("points")
    velocity.evaluate("plot => { plot.dataset.seen = 'before the rerun'; }")
    review.get_by_text("Count items instead of estimates").click()
    expect(velocity.locator(".g-ytitle")).to_have_text("items", timeout=60_000)
    assert velocity.evaluate("plot => plot.dataset.seen") == "before the rerun"  # the same element, redrawn
    velocity.hover()
    button = velocity.locator('.modebar-btn[data-title="Full screen"]')
    expect(button).to_be_visible(timeout=30_000)
    button.click()
    review.wait_for_function("() => document.fullscreenElement?.classList.contains('dashboard-chart')", timeout=30_000)
    review.wait_for_function("() => document.fullscreenElement.offsetHeight >= window.innerHeight - 1", timeout=30_000)


# counts plotly.js's drawings of a chart after the first (Plotly.Plots.resize, which draws the chart
# again at its element's width), wrapped the moment the bundle sets window.Plotly
COUNT_REDRAWS = """Object.defineProperty(window, 'Plotly', {configurable: true, set(plotly) {
  window.__redraws = 0;
  const resize = plotly.Plots.resize;
  plotly.Plots.resize = function (...args) { window.__redraws += 1; return resize.apply(this, args); };
  Object.defineProperty(window, 'Plotly', {value: plotly, writable: true, configurable: true});
}});"""
# every chart of the page fills its element's width (plotly's drawing, the svg, against the element)
CHARTS_FIT = """() => Array.from(document.querySelectorAll('.dashboard-chart')).filter(c => c.offsetParent)
    .every(c => Math.abs(c.querySelector('.main-svg').getBoundingClientRect().width - c.clientWidth) < 2)"""


def test_each_chart_is_drawn_once_at_its_width_and_again_when_the_width_changes(server, chromium):
    """A chart is drawn at the width of its element; the element's observer drew every chart a
    second time at once (its first report is the width just drawn at). Now: no second drawing while
    the page loads, and a chart still follows a new width (a narrower window) by drawing again."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1400})
    context.add_init_script(COUNT_REDRAWS)
    review = context.new_page()
    review.goto(f"{server}/sprint_review", wait_until="domcontentloaded")
    settle(review)
    assert review.locator(".dashboard-chart .main-svg").count() >= 2
    assert review.evaluate("() => window.__redraws") == 0 and review.evaluate(CHARTS_FIT)
    review.set_viewport_size({"width": 1000, "height": 1400})
    review.wait_for_function(CHARTS_FIT, timeout=60_000)
    review.wait_for_function("() => window.__redraws >= 1", timeout=60_000)


def test_the_sprint_reviews_lists_are_drawn_when_their_tab_is_chosen(server, chromium):
    """Only the open list of the items behind the figures is drawn; choosing another tab reruns the
    page, which then draws that list in it."""
    review = chromium.new_context(viewport={"width": 1400, "height": 1400}).new_page()
    review.goto(f"{server}/sprint_review", wait_until="domcontentloaded")
    settle(review)
    lists = review.get_by_test_id("stTabs").get_by_test_id("stDataFrame")  # those in hidden panels counted too
    expect(lists).to_have_count(1)  # the completed items, in the open tab
    expect(review.get_by_role("tabpanel").get_by_test_id("stDataFrame")).to_have_count(1)
    removed = review.get_by_role("tab", name=re.compile(r"^Removed \(\d+\)$"))
    removed.click()
    expect(removed).to_have_attribute("aria-selected", "true")
    expect(review.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    chosen = review.get_by_role("tabpanel")
    expect(chosen.get_by_test_id("stDataFrame").or_(chosen.get_by_text("No items in this list."))).to_have_count(1, timeout=60_000)
    expect(lists).to_have_count(chosen.get_by_test_id("stDataFrame").count())  # and no other list


def test_a_chart_whose_code_does_not_load_says_so_in_its_place(server, chromium):
    page = chromium.new_context(viewport={"width": 1400, "height": 1400}).new_page()
    page.route("**/app/static/plotly-basic.min.js", lambda route: route.abort())
    page.goto(f"{server}/sprint_review", wait_until="domcontentloaded")
    expect(page.locator(".dashboard-chart").first).to_have_text(
        "The chart could not be drawn: the browser did not load the charts' code. Reload the page to try again.",
        timeout=60_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)


# the page's requests for CSV files before any click (a download button with its bytes given has its
# file fetched by the browser as the page loads)
TEMPLATE_FETCHES = "() => performance.getEntriesByType('resource').filter(e => e.name.includes('.csv')).length"


def test_upload_a_jira_export_and_find_its_sprints_in_the_velocity_chart(empty_server, chromium, tmp_path):
    export = tmp_path / "jira.csv"
    export.write_bytes(JIRA_EXPORT.encode("utf-8"))
    page = chromium.new_page(viewport={"width": 1400, "height": 2400}, accept_downloads=True)
    page.goto(f"{empty_server}/import", wait_until="domcontentloaded")
    # the templates are made when clicked: loading the page fetched none of them. The page's run is
    # over before the click (a run registers the buttons' files again, and a click meanwhile asks for
    # the one it replaced)
    settle(page)
    page.get_by_text("Templates", exact=True).click()
    button = page.get_by_role("button", name="sprints_de.csv", exact=True)
    expect(button).to_be_visible(timeout=60_000)
    assert page.evaluate(TEMPLATE_FETCHES) == 0
    with page.expect_download(timeout=60_000) as download:
        button.click()
    assert download.value.suggested_filename == "sprints_de.csv"
    assert Path(download.value.path()).read_bytes() == template_csv("sprints", "de")
    page.locator("input[type='file']").set_input_files(str(export))
    expect(page.get_by_text("Preview: the first rows as they will be stored")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Jira export, 3 issues in 2 sprint(s)", exact=False)).to_be_visible()
    # while the files wait for the click, the browser loads the charts' code for the Sprint review that
    # usually follows (ui.prefetch_charts): plotly.js's basic bundle and Streamlit's code for components
    page.wait_for_function(CHART_CODE_READY, timeout=60_000)
    # and, once the browser is idle, draws one small chart out of sight and takes it away again: the
    # Sprint review's first chart is then drawn by code the browser has run before
    page.wait_for_function("() => window.__dashboardChartsWarm === true", timeout=60_000)
    expect(page.locator(".dashboard-chart")).to_have_count(0)  # this page shows no chart
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    expect(page.get_by_test_id("stFileChipName")).to_have_text(["jira.csv"])
    page.get_by_test_id("stButton").get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Imported (import 1)", exact=False)).to_be_visible(timeout=60_000)
    # imported: the uploader is empty again for the next files, in the same view as the result
    expect(page.get_by_test_id("stFileChipName")).to_have_count(0)
    expect(page.get_by_test_id("stFileUploaderDropzone")).to_be_visible()

    page.goto(f"{empty_server}/sprint_review", wait_until="domcontentloaded")
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_be_visible(timeout=60_000)
    expect(chart.locator(".gtitle")).to_have_text("Velocity")
    ticks = chart.locator(".xtick text")
    expect(ticks).to_have_text(["VS Sprint 1", "VS Sprint 2"])
    expect(page.get_by_text("Commitment of this sprint is inferred", exact=False)).to_be_visible()
    page.screenshot(path=str(tmp_path / "review.png"))


# the key result: revenue from 1.500.000 to 2.000.000 EUR in Q4 2026, last checked in at 1.745.545
REVENUE_OKRS = ("team,cycle,cycle_start,cycle_end,objective_id,objective,okr_type,kr_id,key_result,kr_type,"
                "start_value,target_value,weight\n"
                "Süd,Q4,2026-10-01,2026-12-31,O1,Wachstum,committed,KR-U,Umsatz in EUR,increase,1500000,2000000,1\n")
REVENUE_CHECKINS = "kr_id,date,value,confidence\nKR-U,2026-11-27,1745545,7\n"


def stored_value(env: dict) -> float:
    """KR-U's value as the command line reads it from the store."""
    done = run_cli(["okrs", "--json"], env=env)
    assert done.returncode == 0, done.stderr
    return next(r for r in json.loads(done.stdout)["key_results"] if r["kr_id"] == "KR-U")["current_value"]


def drawn_once(page):
    """The check-in form once the rerun is over: while the page redraws, the old tabs stay until the new ones replace them."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    expect(page.locator(".st-key-checkin_box")).to_have_count(1, timeout=60_000)
    return page.locator(".st-key-checkin_box")


def test_a_german_checkin_typed_in_chromium_is_stored_as_meant(tmp_path, chromium):
    env = {**os.environ, "DASHBOARD_DB": str(tmp_path / "revenue.duckdb")}
    for name, text in (("okrs.csv", REVENUE_OKRS), ("checkins.csv", REVENUE_CHECKINS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert run_cli(["import", str(tmp_path / "okrs.csv"), str(tmp_path / "checkins.csv")], env=env).returncode == 0
    process, url = start_server(env)
    try:
        page = chromium.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(f"{url}/okrs?lang=de", wait_until="domcontentloaded")
        expect(page.locator(".st-key-checkin_box").first).to_be_visible(timeout=60_000)
        form = drawn_once(page)
        value = form.get_by_role("textbox", name="Wert")
        save = form.get_by_role("button", name="Speichern", exact=True)

        # an English decimal point on the German page: refused, with Babel's proposals
        value.fill("1.85")
        value.press("Enter")
        expect(form.get_by_text("„1.85“ ist keine Zahl, wie diese Seite sie schreibt (etwa 1.850.000,5). "
                                "Meinten Sie 185 oder 1,85?")).to_be_visible(timeout=30_000)
        drawn_once(page)
        save.click()
        expect(form.get_by_text("Meinten Sie 185 oder 1,85?")).to_be_visible()

        # the entry: shown back as understood, then saved as 1850000 (not 1.85)
        value.fill("1.850.000")
        value.press("Enter")
        # (1850000 − 1745545) / 1745545 = +5.98 % → +6 %
        expect(form.get_by_text(re.compile(r"^Verstanden als 1\.850\.000 \(bisher 1\.745\.545, \+6\s%\)$"))
               ).to_be_visible(timeout=30_000)
        drawn_once(page)
        save.click()
        expect(page.get_by_text("Gespeichert als Import 2", exact=False)).to_be_visible(timeout=60_000)
        assert stored_value(env) == 1850000.0

        # a German 1,85 for a KR at 1.850.000: progress 70 % → −300 %, a jump confirmed before it counts
        drawn_once(page)
        expect(value).to_have_value("")                            # the form is empty after the save
        value.fill("1,85")
        value.press("Enter")
        expect(form.get_by_text("ein ungewöhnlich großer Sprung", exact=False)).to_be_visible(timeout=30_000)
        drawn_once(page)
        save.click()
        expect(form.get_by_text("Bestätigen Sie zuerst den großen Sprung", exact=False)).to_be_visible(timeout=30_000)
        assert stored_value(env) == 1850000.0
        drawn_once(page)
        form.get_by_text("Ja, 1,85 stimmt").click()
        expect(form.get_by_role("checkbox", name="Ja, 1,85 stimmt")).to_be_checked(timeout=30_000)
        drawn_once(page)
        save.click()
        expect(page.get_by_text("Gespeichert als Import 3", exact=False)).to_be_visible(timeout=60_000)
        assert stored_value(env) == 1.85
    finally:
        stop(process)
