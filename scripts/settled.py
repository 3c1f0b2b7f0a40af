"""When a page in the browser is settled: what the tests, the screenshots and anything else that
looks at a page wait for, instead of a guessed time."""

# the page has finished drawing: no script runs, every data grid has drawn its column headers and
# every chart its plot (both appear empty first and fill in later), and the page's elements have
# not changed for a second
SETTLED = """() => {
    const main = document.querySelector('[data-testid=stMainBlockContainer]');
    const shown = e => e.offsetParent !== null;  // not in a hidden tab or a phone-only container
    const drawn = Array.from(main.querySelectorAll('[data-testid=stDataFrame]')).filter(shown)
                       .every(f => f.querySelector('[role=columnheader]'))
               && Array.from(main.querySelectorAll('.dashboard-chart')).filter(shown)
                       .every(c => c.querySelector('.main-svg'))
               && !main.querySelector('[data-testid="stSkeleton"]');  // a new session loads charts' code late
    const count = main.querySelectorAll('*').length;
    if (!drawn || window.__count !== count) { window.__count = count; window.__since = Date.now(); return false; }
    return Date.now() - window.__since > 1000 && !document.querySelector('[data-testid=stStatusWidget]'); }"""


def settle(page, timeout_ms: int = 90_000) -> None:
    """Wait (Playwright page) until the page's title is shown and SETTLED holds."""
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=timeout_ms)
    page.wait_for_function(SETTLED, timeout=timeout_ms, polling=200)
