"""PDF from report HTML with Debian's headless Chromium; charts as PNG through Kaleido (which
drives that same Chromium). Never downloads a browser: without Chromium or Kaleido a clear
``RendererMissing`` is raised and the HTML report still works."""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from data.errors import say

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                  "--disable-extensions", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw"]
CHART_WIDTH = 1000  # CSS pixels: an A4 page's text width at the print scale, so fonts keep their size
TIMEOUT = 180


class RendererMissing(RuntimeError):
    """Chromium or Kaleido is not installed here; the message says what to install."""


class RenderFailed(RuntimeError):
    """Chromium ran but gave no PDF."""


def chromium() -> str:
    """The Chromium executable: $DASHBOARD_CHROMIUM when set (and then only it), else chromium on
    the PATH, else /usr/bin/chromium."""
    chosen = os.environ.get("DASHBOARD_CHROMIUM")
    for candidate in ([chosen] if chosen else [shutil.which("chromium"), "/usr/bin/chromium"]):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise RendererMissing(say("no_chromium") if not chosen else say("chromium_setting_wrong"))


def chart_images(figures: Sequence, *, width: int = CHART_WIDTH, scale: float = 2.0,
                 heights: Sequence[int] | None = None) -> list[bytes]:
    """Each plotly figure as PNG bytes, rendered by Kaleido in one Chromium session."""
    if not figures:
        return []
    browser = chromium()
    try:
        import kaleido
    except ImportError:
        raise RendererMissing(say("no_kaleido")) from None
    heights = list(heights) if heights is not None else [None] * len(figures)

    async def render() -> list[bytes]:
        session = kaleido.Kaleido(n=1, mathjax=False, path=browser, timeout=TIMEOUT)
        deadline = asyncio.timeout(TIMEOUT)  # Kaleido's own timeout bounds each chart, not its start
        out: list[bytes] = []
        try:
            async with deadline:
                await session.open()
                for figure, height in zip(figures, heights):
                    options = {"format": "png", "width": width, "scale": scale}
                    options["height"] = height or figure.layout.height or 450
                    out.append(await session.calc_fig(figure, opts=options))
        except Exception:
            if deadline.expired():
                raise RenderFailed(say("charts_timeout", seconds=TIMEOUT)) from None
            raise
        finally:
            await _shut(session, answering=len(out) == len(figures))
        return out

    try:
        return asyncio.run(render())
    except (RendererMissing, RenderFailed):
        raise
    except Exception as exc:  # the browser would not start, a chart failed …
        raise RenderFailed(say("charts_failed", error=f"{type(exc).__name__}: {exc}")) from None


async def _shut(session, *, answering: bool) -> None:
    """Close Kaleido's browser; one that failed or timed out (not ``answering``) is killed first.
    Choreographer closes a browser by asking it to and waiting for its answer: a browser that never
    answers had kept the render, and with it the report's page or command, waiting for ever, and
    after a failed start the thread reading its output kept the process from ending (measured with
    a browser that never answers)."""
    process = getattr(session, "subprocess", None)
    if not answering and process is not None and process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: the wrapper and the browser
        except ProcessLookupError:
            pass
        process.wait(timeout=10)
    await session.close()


def html_to_pdf(document: str) -> bytes:
    """Print an HTML document (no scripts needed, images inline) to PDF; page size from its CSS."""
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="report-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(document, encoding="utf-8")
        command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={Path(folder) / 'profile'}",
                   f"--print-to-pdf={target}", source.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, env={**os.environ, "HOME": folder})
        except subprocess.TimeoutExpired:
            raise RenderFailed(say("pdf_timeout", seconds=TIMEOUT)) from None
        if not target.is_file() or target.stat().st_size == 0:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
            raise RenderFailed(say("no_pdf", code=done.returncode, tail=" ".join(tail)))
        return target.read_bytes()
