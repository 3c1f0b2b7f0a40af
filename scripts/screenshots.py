"""Screenshots of every page on the demo data, in headless Chromium (Debian's), for the README.

    python scripts/screenshots.py [OUT_DIR]      (make screenshots)

Starts `streamlit run dashboard.py` on a free localhost port with a fresh demo store, opens each
page in English and in German (``?lang=de``) and saves a full-page PNG of each.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from scripts.settled import settle  # noqa: E402  (after the path: run as a script)

PAGES = {"home": "", "import": "import", "sprint_review": "sprint_review", "retrospective": "retrospective",
         "okrs": "okrs", "teams": "teams"}
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(db: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "DASHBOARD_DB": str(db)}
    subprocess.run([sys.executable, "-m", "analytics", "demo", "--if-empty"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address",
                                "127.0.0.1", "--server.port", str(port), "--server.headless", "true"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the dashboard did not start")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        process, url = serve(Path(folder) / "shots.duckdb")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                                     args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport={"width": 1440, "height": 2600})  # the app scrolls inside: a tall window shows it all
                for lang, suffix in (("en", ""), ("de", "_de")):
                    for name, path in PAGES.items():
                        page.goto(f"{url}/{path}?lang={lang}", wait_until="domcontentloaded")
                        settle(page)  # grids and charts drawn, nothing running, nothing changing for a second
                        page.screenshot(path=str(out / f"{name}{suffix}.png"), full_page=True)
                        print(out / f"{name}{suffix}.png")
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
