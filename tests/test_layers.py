"""analytics stays pure: importing it loads neither Streamlit nor DuckDB (nor the data layer)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_analytics_imports_without_streamlit_duckdb_or_data():
    code = ("import sys, importlib, pkgutil, analytics; "
            "[importlib.import_module(f'analytics.{m.name}') for m in pkgutil.iter_modules(analytics.__path__) "
            " if m.name != '__main__']; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'duckdb', 'data', 'ui')); "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_sql_lives_only_in_data():
    offenders = []
    for path in [*ROOT.glob("analytics/*.py"), *ROOT.glob("pages/*.py"), ROOT / "dashboard.py", ROOT / "ui.py"]:
        text = path.read_text(encoding="utf-8")
        if path.name != "__main__.py" and ("SELECT " in text or "INSERT " in text or "import duckdb" in text):
            offenders.append(path.name)
    assert offenders == []
