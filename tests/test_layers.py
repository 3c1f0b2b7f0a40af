"""The layers hold: analytics is pure, SQL lives in data, settings are applied in data.service.

The import rules are import-linter contracts in pyproject.toml, checked here by running
``lint-imports``; the tests below cover what an import graph cannot see."""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE_OUTSIDE_DATA = [*ROOT.glob("analytics/*.py"), *ROOT.glob("cli/*.py"), *ROOT.glob("pages/*.py"),
                     ROOT / "dashboard.py", ROOT / "ui.py", ROOT / "downloads.py"]


def test_import_contracts_hold():
    """analytics imports none of streamlit, duckdb, data, ui, pages, cli, downloads (its two-line
    entry into cli aside); data none of streamlit, ui, pages, cli; pages never duckdb."""
    found = shutil.which("lint-imports", path=os.pathsep.join([str(Path(sys.executable).parent),
                                                                os.environ.get("PATH", "")]))
    assert found, "lint-imports is missing: pip install -r requirements-test.txt"
    done = subprocess.run([found, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout, done.stdout


def test_the_command_line_entry_in_analytics_is_two_lines_and_nothing_more():
    """The import contract's one allowance is exactly this entry, so no code can hide behind it."""
    assert (ROOT / "analytics" / "__main__.py").read_text(encoding="utf-8") == (
        "from cli import main\n"
        "raise SystemExit(main())\n")


def test_analytics_imports_without_streamlit_duckdb_or_data():
    """The same rule at run time, for imports that only happen when a module is loaded. The entry
    ``analytics.__main__`` is left out because loading it runs the command line; the test above
    pins it to the two lines that do only that."""
    code = ("import sys, importlib, pkgutil, analytics; "
            "[importlib.import_module(f'analytics.{m.name}') for m in pkgutil.iter_modules(analytics.__path__) "
            " if m.name != '__main__']; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('streamlit', 'duckdb', 'data', 'ui', 'pages', 'cli', 'downloads')); "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_sql_lives_only_in_data():
    offenders = [path.relative_to(ROOT).as_posix() for path in CODE_OUTSIDE_DATA
                 if any(word in path.read_text(encoding="utf-8") for word in ("SELECT ", "INSERT ", "import duckdb"))]
    assert offenders == []


def test_settings_are_applied_only_in_the_service_layer():
    """Pages, ui.py, dashboard.py and the command line ask data.service (band, velocity window,
    cadence, thresholds, store path …), so a setting is read in one place for all of them."""
    reads = re.compile(r"\bsetting\(|from data\.settings import[^\n]*\bsetting\b")
    offenders = [path.relative_to(ROOT).as_posix() for path in CODE_OUTSIDE_DATA
                 if reads.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_downloads_never_imports_ui():
    """ui draws every table with the download buttons of downloads; downloads gets the page's language
    and store from ui's calls and never imports ui, so the dependency runs one way (issue 24)."""
    tree = ast.parse((ROOT / "downloads.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert "ui" not in imported and "pages" not in imported
