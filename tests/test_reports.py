"""The sprint review report and the OKR cycle report from the demo data, made by the real command
line: HTML that opens in headless Chromium with no console error and no request to any host, PDF
(Kaleido + Chromium) on A4 whose text holds the sprint's figures as `sprints --json` gives them."""
from __future__ import annotations

import html
import json
import re
import subprocess
import threading
import time
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from analytics.formatting import day, number, percent
from analytics.report import TRACE_TYPES, Chart, Report, Section, render_html, sprint_review
from data import pdf
from data.demo import load_demo
from data.importer import import_uploads
from data.reports import PLOTLY_BASIC, plotly_basic, sprint_report
from data.store import Store
from tests.support import TODAY, upload
from tests.test_browser import CHROMIUM, CHROMIUM_FLAGS
from tests.test_cli import run

AS_OF = "2026-11-25"
TEAM = "Neukunden Nord"
LABELS = {"en": ["Committed", "Added", "Removed", "Completed", "Not completed", "Say/do", "Planned completion",
                 "Accuracy"],
          "de": ["Zugesagt", "Hinzugefügt", "Entfernt", "Erledigt", "Nicht erledigt", "Say/Do", "Planerfüllung",
                 "Genauigkeit"]}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "demo.duckdb"
    store = Store(path)
    load_demo(store, date(2026, 11, 25))
    store.close()
    return path


@pytest.fixture(scope="module")
def sprint_row(demo_db) -> dict:
    """The team's last closed sprint as the CLI computes it."""
    done = run("sprints", "--json", "--team", TEAM, db=demo_db)
    assert done.returncode == 0, done.stderr
    rows = [row for row in json.loads(done.stdout) if row.get("state", "closed") == "closed"]
    return rows[-1]


def pdftotext(path: Path, page: int | None = None) -> str:
    """The PDF's text (of one page) in content order; no-break spaces (German '85\u00a0%') read as spaces."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    text = subprocess.run(["pdftotext", "-raw", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.replace("\u00a0", " ")


def last_line(path: Path, page: int) -> tuple[str, float, float]:
    """The last line of text on a page, where its foot is (points from the top) and the page's height:
    a heading there, less than a chart's height above the page's foot, is stranded (a chart after a
    heading has no text, so being the last line alone says nothing)."""
    page_box = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', page_box).group(1))
    words = [(float(y0), float(y1), html.unescape(word)) for y0, y1, word in
             re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page_box)]
    if not words:
        return "", 0.0, height
    top = max(y0 for y0, _, _ in words)
    line = [(y1, word) for y0, y1, word in words if abs(y0 - top) < 2]
    return " ".join(word for _, word in line), max(y1 for y1, _ in line), height


def pdf_pages(path: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+(.*)$", info, re.M).group(1)
    return pages, size


def expected_tiles(row: dict, unit: str, lang: str) -> str:
    """The key figures as the PDF's text holds them: label, then value, one per line (planned
    completion beside say/do whenever item data knows it)."""
    values = [number(row[f], lang) for f in ("committed", "added", "removed", "completed", "not_completed")]
    ratios = ("say_do_ratio", "planned_completion", "commitment_accuracy")
    values += [percent(row[f], lang) for f in ratios if row[f] is not None]
    labels = [f"{label} ({unit})" for label in LABELS[lang][:5]] + \
        [label for label, f in zip(LABELS[lang][5:], ratios) if row[f] is not None]
    return "\n".join(f"{label}\n{value}" for label, value in zip(labels, values)).replace("\u00a0", " ")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_sprint_review_pdf_holds_the_cli_figures_on_a4(demo_db, sprint_row, tmp_path, lang):
    out = tmp_path / f"review_{lang}.pdf"
    done = run("report", "--team", TEAM, "--sprint", sprint_row["sprint"], "--as-of", AS_OF, "--lang", lang,
               "--out", str(out), db=demo_db)
    assert done.returncode == 0, done.stderr
    pages, size = pdf_pages(out)
    assert 3 <= pages <= 10
    assert "(A4)" in size
    text = pdftotext(out)
    # the demo's Neukunden Nord counts activities; its last closed sprint is a full one (hand-checked: 17 / 17)
    assert expected_tiles(sprint_row, {"en": "activities", "de": "Aktivitäten"}[lang], lang) in text
    if lang == "de":  # issue 24: units and plurals from the catalog, no English word in a German report
        assert not re.search(r"\b(activities|points|items)\b", text) and not re.search(r"\b1 Einträge\b", text)
    # no heading stranded at the foot of a page with its text on the next one
    headings = {"en": ["Velocity over all sprints", "Next sprint forecast", "Running OKR cycle", "Retro actions due",
                       "Items", "The sprint in figures"],
                "de": ["Velocity über alle Sprints", "Prognose für den nächsten Sprint", "Laufender OKR-Zyklus",
                       "Fällige Retro-Maßnahmen", "Einträge", "Der Sprint in Zahlen"]}[lang]
    stranded = [(page, text) for page in range(1, pages + 1) for text, bottom, height in [last_line(out, page)]
                if (text in headings or text.startswith(("Completed:", "Erledigt:"))) and bottom > height - 200]
    assert stranded == []
    assert sprint_row["completed"] > 0 and sprint_row["committed"] > 0
    assert f"{TEAM} · {sprint_row['sprint']}" in text
    assert day(sprint_row["start_date"], lang) in text and day(sprint_row["end_date"], lang) in text
    assert sprint_row["goal"] in text.replace("\n", " ")
    heading = {"en": ["Velocity over all sprints", "Next sprint forecast", "Running OKR cycle", "Retro actions due"],
               "de": ["Velocity über alle Sprints", "Prognose für den nächsten Sprint", "Laufender OKR-Zyklus",
                      "Fällige Retro-Maßnahmen"]}[lang]
    assert all(h in text for h in heading)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_okr_cycle_pdf(demo_db, tmp_path, lang):
    out = tmp_path / f"cycle_{lang}.pdf"
    done = run("report", "--team", TEAM, "--cycle", "Q4 2026", "--as-of", AS_OF, "--lang", lang, "--out", str(out),
               db=demo_db)
    assert done.returncode == 0, done.stderr
    pages, size = pdf_pages(out)
    assert 2 <= pages <= 10 and "(A4)" in size
    text = pdftotext(out)
    okrs = json.loads(run("okrs", "--json", "--team", TEAM, "--cycle", "Q4 2026", "--as-of", AS_OF, db=demo_db).stdout)
    for kr in okrs["key_results"]:
        assert kr["kr_id"] in text
    for objective in okrs["objectives"]:
        assert objective["objective"] in text.replace("\n", " ")
    assert ("What changed since the previous check-in" if lang == "en"
            else "Was sich seit dem vorigen Check-in geändert hat") in text


def open_offline(html_file: Path) -> dict:
    """Open a file in headless Chromium; every request but the file itself is recorded (and blocked)."""
    seen = {"requests": [], "errors": [], "charts": 0, "svgs": 0}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page()
            page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: seen["errors"].append(str(e)))
            page.on("dialog", lambda d: (seen["errors"].append("dialog: " + d.message), d.dismiss()))

            def route(request_route):
                if request_route.request.url != html_file.as_uri():
                    seen["requests"].append(request_route.request.url)
                    request_route.abort()
                else:
                    request_route.continue_()

            page.route("**/*", route)
            page.goto(html_file.as_uri(), wait_until="load")
            # every chart drawn (plotly fills each div with its SVG after the page has loaded); a
            # report whose script fails offline never gets there and the counts below say so
            try:
                page.wait_for_function("""() => { const charts = document.querySelectorAll('.js-plotly-plot');
                    return Array.from(document.querySelectorAll('.plotly-graph-div')).length > 0
                        && charts.length === document.querySelectorAll('.plotly-graph-div').length
                        && Array.from(charts).every(c => c.querySelector('.main-svg')); }""", timeout=30_000)
            except PlaywrightTimeout:
                pass
            seen["charts"] = page.locator(".js-plotly-plot").count()
            seen["svgs"] = page.locator(".js-plotly-plot .main-svg").count()
            seen["title"] = page.title()
        finally:
            browser.close()
    return seen


@pytest.mark.parametrize("kind, lang", [("sprint", "en"), ("sprint", "de"), ("cycle", "en"), ("cycle", "de")])
def test_html_report_opens_offline_without_errors(demo_db, sprint_row, tmp_path, kind, lang):
    out = tmp_path / f"{kind}_{lang}.html"
    which = ["--sprint", sprint_row["sprint"]] if kind == "sprint" else ["--cycle", "Q4 2026"]
    done = run("report", "--team", TEAM, *which, "--as-of", AS_OF, "--lang", lang, "--out", str(out), db=demo_db)
    assert done.returncode == 0, done.stderr
    document = out.read_text(encoding="utf-8")
    assert document.count("<script>") == 1 + document.count("Plotly.newPlot")  # plotly.js inline once
    assert out.stat().st_size <= 1_500_000  # issue 24: the basic bundle (1.19 MB), not the full 4.8 MB
    assert "<script src" not in document and 'src="http' not in document
    seen = open_offline(out)
    assert seen["requests"] == [] and seen["errors"] == []
    # every chart drawn: sprint report 2 + the commitment coach's + one per KR of the running cycle;
    # cycle report one per KR
    krs = len(json.loads(run("okrs", "--json", "--team", TEAM, "--cycle", "Q4 2026", "--as-of", AS_OF,
                             db=demo_db).stdout)["key_results"])
    assert seen["charts"] == (3 + krs if kind == "sprint" else krs)
    assert seen["svgs"] >= seen["charts"]
    assert TEAM in seen["title"]


def test_the_inlined_bundle_is_the_plotly_js_of_the_plotly_package_and_holds_every_trace_type_used():
    """The basic bundle must be the plotly.js version the Python package writes figures for; a report
    chart of a type the bundle lacks is refused instead of drawing nothing offline."""
    import plotly
    full = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")[:400]
    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", full).group(1)
    assert f"plotly.js (basic - minified) v{version}" in PLOTLY_BASIC.read_text(encoding="utf-8")[:200]
    report = Report("T", "", "en", [Section("S", [Chart(go.Figure(go.Heatmap(z=[[1]])), 300)])])
    with pytest.raises(ValueError, match="heatmap"):
        render_html(report, plotly_js=plotly_basic())
    assert "heatmap" not in TRACE_TYPES


HOSTILE = '<script>alert(1)</script><img src="http://evil.example/x.png">'


def test_user_text_is_escaped_in_html_and_fetches_nothing(store, tmp_path):
    quoted = HOSTILE.replace('"', '""')  # CSV quoting of the payload
    sprints = ("team,sprint,start_date,end_date,goal,sprint_type\n"
               f'"T {quoted}","S1 <b>x</b>",2026-01-05,2026-01-16,"{quoted}",a\n')
    items = ("team,sprint,item_key,title,estimate,committed_at_start,done\n"
             f'"T {quoted}","S1 <b>x</b>",K-1,"{quoted}",3,yes,yes\n')
    import_uploads(store, [upload("sprints.csv", sprints), upload("sprint_items.csv", items)])
    report = sprint_report(store, f"T {HOSTILE}", "S1 <b>x</b>", as_of=date(2026, 2, 1))
    document = render_html(report, plotly_js=plotly_basic())
    assert HOSTILE not in document and "<b>x</b>" not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    out = tmp_path / "hostile.html"
    out.write_text(document, encoding="utf-8")
    seen = open_offline(out)
    assert seen["requests"] == [] and seen["errors"] == []


def test_pdf_without_a_renderer_says_so_and_html_still_works(demo_db, sprint_row, tmp_path):
    missing = {"DASHBOARD_CHROMIUM": str(tmp_path / "no-chromium")}
    done = run("report", "--team", TEAM, "--sprint", sprint_row["sprint"], "--as-of", AS_OF,
               "--out", str(tmp_path / "r.pdf"), db=demo_db, env=missing)
    assert done.returncode == 5  # a missing program, not a bug (4)
    assert "PDF cannot be made" in done.stderr and "r.html" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "r.pdf").exists()
    done = run("report", "--team", TEAM, "--sprint", sprint_row["sprint"], "--as-of", AS_OF,
               "--out", str(tmp_path / "r.html"), db=demo_db, env=missing)
    assert done.returncode == 0 and (tmp_path / "r.html").stat().st_size > 1_000_000  # plotly.js inside


def test_a_browser_that_never_answers_fails_the_charts_in_time_and_leaves_nothing_behind(tmp_path, monkeypatch):
    """Kaleido's timeout bounds each chart, not the browser's start: a browser that never answered
    kept the charts' rendering, and with it the report's page, waiting for ever, and the thread
    reading its output kept the process from ending. The whole rendering now has ``TIMEOUT``; then
    the browser is killed and nothing of it stays."""
    pid_file = tmp_path / "pid"
    silent = tmp_path / "silent-chromium"  # started, never answers: a hung browser
    silent.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 600\n", encoding="utf-8")
    silent.chmod(0o755)
    monkeypatch.setenv("DASHBOARD_CHROMIUM", str(silent))
    monkeypatch.setattr(pdf, "TIMEOUT", 3)
    threads = set(threading.enumerate())
    started = time.monotonic()
    with pytest.raises(pdf.RenderFailed, match=r"^The charts were not rendered within 3 s: the browser did not answer\.$"):
        pdf.chart_images([go.Figure(go.Bar(x=[1], y=[1]))])
    assert time.monotonic() - started < 60  # not for ever: 3 s and the browser's end
    stat = Path(f"/proc/{pid_file.read_text().strip()}/stat")
    assert not stat.exists() or stat.read_text().split(") ")[1][0] == "Z", "the browser still runs"
    # the thread reading the browser's output ends once the killed browser's pipe is closed: waited
    # for (on a loaded machine it may still be reading the last of it), never for ever
    left = [t for t in set(threading.enumerate()) - threads if not t.daemon]
    for thread in left:
        thread.join(timeout=30)
    assert [t.name for t in left if t.is_alive()] == []


@pytest.mark.parametrize("args, code, message", [
    (["--team", TEAM, "--sprint", "No such sprint"], 1, "has no sprint 'No such sprint'"),
    (["--team", TEAM, "--cycle", "Q9 1999"], 1, "No key results in cycle 'Q9 1999'"),
    (["--sprint", "NN Sprint 1"], 2, "--sprint needs --team"),
])
def test_report_of_something_not_stored_is_a_clear_message(demo_db, tmp_path, args, code, message):
    done = run("report", *args, "--out", str(tmp_path / "x.html"), db=demo_db)
    assert done.returncode == code and message in done.stderr and "Traceback" not in done.stderr


def test_out_must_be_html_or_pdf(demo_db, tmp_path):
    done = run("report", "--team", TEAM, "--cycle", "Q4 2026", "--out", str(tmp_path / "x.docx"), db=demo_db)
    assert done.returncode == 2 and ".html or .pdf" in done.stderr


def test_report_text_is_german_with_german_formats(demo_db, sprint_row):
    store = Store(demo_db)
    report = sprint_report(store, TEAM, sprint_row["sprint"], as_of=date(2026, 11, 25), lang="de")
    document = render_html(report, images=[b"png"] * len(report.charts()))
    assert f"Sprint-Review: {TEAM} · {sprint_row['sprint']}" in document
    assert day(sprint_row["start_date"], "de") in document  # 16.11.2026, not 2026-11-16
    assert re.search(r"\d{2}\.\d{2}\.\d{4}", document)
    assert "Committed" not in document and "Zugesagt" in document
    assert "<script" not in document  # the printable page needs no script at all
    assert sprint_review.__module__ == "analytics.report"


def _review_report_buttons():
    from datetime import date

    import streamlit as st

    import ui
    ui.report_download("sprint", "Neukunden Nord", st.session_state.get("sprint_for_test", "NN Sprint 14"),
                       date(2026, 11, 25), ui.store().data_version())


@pytest.mark.parametrize("fmt, renderer, outcome", [
    ("html", None, "complete"), ("pdf", None, "complete"), ("pdf", "missing", "error")])
def test_report_buttons_render_with_progress_then_offer_the_file(demo_db, sprint_row, monkeypatch, tmp_path,
                                                                   fmt, renderer, outcome):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    if renderer == "missing":
        monkeypatch.setenv("DASHBOARD_CHROMIUM", str(tmp_path / "no-chromium"))
    at = AppTest.from_function(_review_report_buttons, default_timeout=120)
    at.session_state["sprint_for_test"] = sprint_row["sprint"]
    at.run()
    assert not at.exception and len(at.get("download_button")) == 0  # nothing made before a click
    at.button(key=f"sprint_report_{fmt}").click().run()
    assert not at.exception
    status = at.get("status")[0]
    buttons = at.get("download_button")
    if outcome == "complete":
        assert status.label == "Report ready" and len(status.get("progress")) == 1
        assert [b.proto.label for b in buttons] == ["Report as HTML" if fmt == "html" else "Report as PDF"]
    else:
        assert status.label.startswith("The report could not be made") and buttons == []
        assert any("DASHBOARD_CHROMIUM" in t.value for t in at.text)


def test_forecast_sentence_in_words_and_locale_formats():
    from analytics.report import forecast_sentence
    result = {"velocity_p50": 18.0, "velocity_p85": 16.0, "velocity_p95": 10.5, "sprints_used": 3, "trials": 10_000,
              "next_sprint": "S 9", "next_type": "Akquise", "basis": "same_type", "per_day": True,
              "next_working_days": 9.0, "used": ["S 5", "S 6", "S 8"]}
    assert forecast_sentence(result, "points", "en") == (
        "With 85 % confidence the team completes at least 16 points in the next sprint (S 9) (at least 18 with 50 %, "
        "10.5 with 95 % confidence). Monte Carlo over the last 3 closed sprints of type Akquise, per working day for "
        "its 9 working days (S 5, S 6, S 8), 10,000 trials.")
    german = forecast_sentence({**result, "basis": "all_types", "per_day": False}, "Punkte", "de")
    assert german == ("Mit 85 % Sicherheit erledigt das Team im nächsten Sprint (S 9) mindestens 16 Punkte (mindestens "
                      "18 mit 50 %, 10,5 mit 95 % Sicherheit). Monte-Carlo über die letzten 3 abgeschlossenen Sprints "
                      "(S 5, S 6, S 8), 10.000 Durchläufe.")
    assert forecast_sentence({"velocity_p50": None, "sprints_used": 2}, "points", "en") == \
        "No forecast yet: it needs at least 3 finished sprints; there are 2."


@pytest.mark.parametrize("page, kind", [("pages/sprint_review.py", "sprint"), ("pages/okrs.py", "cycle")])
def test_the_pages_report_button_makes_the_report_of_what_the_page_shows(demo_dashboard, page, kind):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file("../dashboard.py", default_timeout=120).run()
    at.switch_page(page).run()
    at.button(key=f"{kind}_report_html").click().run()
    assert not at.exception
    assert at.get("status")[0].label == "Report ready"
    assert [b.proto.label for b in at.get("download_button")][-2:] == \
        ["Report as HTML", "All tables of this page as one Excel file"]
    # the report is made for the page's choice: its sprint (or cycle) and the sidebar's day
    ready = at.session_state[f"_report_{kind}"][0]
    chosen = at.selectbox(key="review_sprint").value[1] if kind == "sprint" else at.selectbox(key="okr_cycle").value
    assert ready[0] == kind and ready[2] == chosen and ready[3] == TODAY
