"""Template downloads stay in step with the specs and import cleanly; CSV exports are safe."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from data.export import neutralise, to_csv_bytes
from data.importer import Upload, import_uploads
from data.templates import TEMPLATES, template_csv, template_path


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("kind", list(TEMPLATES))
def test_template_file_on_disk_matches_its_spec(kind, language):
    assert template_path(kind, language).read_bytes() == template_csv(kind, language)


@pytest.mark.parametrize("language", ["en", "de"])
def test_all_template_files_import_together_and_mean_the_same(store, language):
    uploads = [Upload(template_path(k, language).name, template_path(k, language).read_bytes()) for k in TEMPLATES]
    result = import_uploads(store, uploads)
    assert {f.file: f.kind for f in result.files} == {template_path(k, language).name: k for k in TEMPLATES}
    items = store.current("sprint_items")
    assert items.loc[0, ["item_key", "estimate", "done"]].tolist() == ["NN-101", 3.0, True]
    assert items.loc[0, "done_on"] == pd.Timestamp("2026-03-05")
    krs = store.current("key_results")
    assert krs.loc[0, ["kr_id", "kr_type", "start_value", "target_value"]].tolist() == ["KR-1.1", "increase", 0.0, 40.0]


def test_english_then_german_template_is_the_same_data(store):
    for language in ("en", "de"):
        import_uploads(store, [Upload(f"sprints_{language}.csv", template_path("sprints", language).read_bytes())])
    assert len(store.versions("sprints")) == 1  # the German file changed nothing


def test_formula_like_cells_are_neutralised_in_exports():
    frame = pd.DataFrame({"team": ["=HYPERLINK(\"http://x\")", "+49 123", "@SUM(A1)", "-5", "Nord", "-x"],
                          "value": [1.5, 2.0, 3.0, 4.0, 5.0, 6.0]})
    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://x\")", "'+49 123", "'@SUM(A1)", "-5", "Nord", "'-x"]
    assert frame["team"].iloc[0].startswith("=")  # the input frame is not mutated
    assert neutralise(3) == 3


def test_german_export_uses_semicolon_and_decimal_comma():
    text = to_csv_bytes(pd.DataFrame({"team": ["Süd"], "value": [1.5]}), german=True).decode("utf-8-sig")
    assert text.splitlines() == ["team;value", "Süd;1,5"]
