from __future__ import annotations

import pytest

from data.store import Store


@pytest.fixture
def store(tmp_path):
    """A fresh DuckDB file store, migrated."""
    db = Store(tmp_path / "test.duckdb")
    yield db
    db.close()
