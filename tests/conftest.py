from __future__ import annotations

from datetime import date

import pytest

from data.store import Store


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
    """The dashboard's store (DASHBOARD_DB) with the demo data as of today."""
    from data.demo import load_demo
    store = Store(db_path)
    load_demo(store, date.today())
    store.close()
    return db_path
