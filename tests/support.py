"""Helpers shared by the tests: byte-exact snapshots of a store, uploads from text."""
from __future__ import annotations

from data.importer import Upload
from data.schema import TABLES
from data.store import Store


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, all versions included, so 'unchanged' means unchanged."""
    tables = ["imports", "import_files", *TABLES]
    with store.cursor() as cur:
        return {name: sorted(map(repr, cur.execute(f"SELECT * FROM {name}").fetchall())) for name in tables}


def upload(name: str, text: str | bytes, encoding: str = "utf-8") -> Upload:
    return Upload(name, text if isinstance(text, bytes) else text.encode(encoding))
