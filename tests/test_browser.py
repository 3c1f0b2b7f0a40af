"""The real thing: `streamlit run dashboard.py` served on localhost, opened in Debian's headless
Chromium through Playwright."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """The dashboard on a free localhost port, on a store that `make run` would have prepared."""
    env = {**os.environ, "DASHBOARD_DB": str(tmp_path / "browser.duckdb")}
    subprocess.run([sys.executable, "-m", "analytics", "demo", "--if-empty"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
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
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_home_page_in_chromium_shows_the_demo_teams(server, tmp_path):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server, wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name="Sprint & OKR review")).to_be_visible(timeout=60_000)
            for team in ("Key Account Automotive", "Neukunden Nord", "Pipeline Süd"):
                expect(page.get_by_text(f"{team} · ", exact=False).first).to_be_visible(timeout=30_000)
            expect(page.get_by_text("Needs attention")).to_be_visible()
            page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "home.png").stat().st_size > 10_000
