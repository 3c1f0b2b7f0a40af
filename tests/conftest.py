from __future__ import annotations

import pytest

from data.store import Store
from tests.postgres import Postgres
from tests.support import TODAY


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, once per test module (tests/test_browser.py's ``chromium`` is one per test)."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, CHROMIUM_FLAGS
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def fresh_page_caches():
    """Every test's pages start with empty caches: the caches are keyed by data version and teams (one
    store per server process), and two tests' stores can have the same version and team names."""
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Every test, and every server or command it starts (they inherit the environment), sees TODAY."""
    monkeypatch.setenv("DASHBOARD_TODAY", TODAY.isoformat())
    monkeypatch.delenv("DASHBOARD_STORE", raising=False)  # a shell's own store never leaks into a test
    monkeypatch.delenv("DASHBOARD_LAKE_DATA", raising=False)
    return TODAY


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the whole run (tests/postgres.py), stopped at the end."""
    server = Postgres().start()
    yield server
    server.stop()


@pytest.fixture
def lake_target(postgres, tmp_path, monkeypatch) -> str:
    """A new, empty DuckLake store: a fresh database of the test server, its data in a folder of the
    test (DASHBOARD_LAKE_DATA, so every Store, server or command the test starts finds it)."""
    data = tmp_path / "lake-data"
    data.mkdir()
    monkeypatch.setenv("DASHBOARD_LAKE_DATA", str(data))
    return postgres.target(postgres.new_database())


@pytest.fixture(params=["duckdb", "ducklake"])
def store_target(request, tmp_path):
    """A new store of each kind in turn: a DuckDB file path, then a DuckLake target (the store
    tests that matter for DuckLake run on both by asking for this instead of ``store``)."""
    if request.param == "duckdb":
        return str(tmp_path / "test.duckdb")
    return request.getfixturevalue("lake_target")


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
