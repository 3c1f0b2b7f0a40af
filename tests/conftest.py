from __future__ import annotations

import pytest

from data.store import Store
from tests.support import TODAY


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Every test, and every server or command it starts (they inherit the environment), sees TODAY."""
    monkeypatch.setenv("DASHBOARD_TODAY", TODAY.isoformat())
    return TODAY


@pytest.fixture
def store(tmp_path):
    """A fresh DuckDB file store, migrated."""
    db = Store(tmp_path / "test.duckdb")
    yield db
    db.close()


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    """A store file for the dashboard under test (DASHBOARD_DB), not created yet."""
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


@pytest.fixture
def demo_dashboard(db_path):
    """The dashboard's store (DASHBOARD_DB) with the demo data as of TODAY."""
    from data.demo import load_demo
    store = Store(db_path)
    load_demo(store, TODAY)
    store.close()
    return db_path
