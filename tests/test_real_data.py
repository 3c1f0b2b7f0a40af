"""Real sprint figures (3,834 sprints of five public Jira ecosystems) through the template path.

The folder ../shared/data/real travels beside the project, not inside it (no licence is stated
for that data). Where it is absent this module has nothing to check and says so by not
collecting its real-data test; the agreement logic itself is tested on a hand-made sample.
"""
from __future__ import annotations

import pytest

from scripts.real_data_check import REAL, as_template, compare, expected, read_real, run

SAMPLE = [
    {"project": "Demo", "board_id": "1", "sprint_id": "8", "sprint_name": "Q2, Sprint 1",
     "points_at_start": "10", "points_added_t80": "3", "points_removed_t80": "1", "points_delivered": "12"},
    {"project": "Demo", "board_id": "1", "sprint_id": "9", "sprint_name": "Q2, Sprint 1",
     "points_at_start": "0", "points_added_t80": "5", "points_removed_t80": "0", "points_delivered": "5"},
    {"project": "Demo", "board_id": "1", "sprint_id": "12", "sprint_name": "Déjà vu",
     "points_at_start": "8", "points_added_t80": "0", "points_removed_t80": "0", "points_delivered": "0"},
]


def test_independent_formula_on_hand_values():
    assert expected(SAMPLE[0]) == (1.2, 0.8)   # 12/10; 1 − |12 − 10|/10
    assert expected(SAMPLE[1]) == (None, None)  # nothing committed at start
    assert expected(SAMPLE[2]) == (0.0, 0.0)    # max(0, 1 − 8/8)


def test_sample_through_the_template_path(store):
    from analytics.sprint_metrics import sprint_metrics
    from data.importer import Upload, import_uploads
    import_uploads(store, [Upload("sample.csv", as_template(SAMPLE))])
    metrics = sprint_metrics(store.current("sprints"), store.current("sprint_items"))
    report = compare(SAMPLE, metrics)
    assert (report["agree"], report["null_both"], report["disagree"]) == (2, 1, [])
    assert set(metrics["sprint"]) == {"Q2, Sprint 1 (#8)", "Q2, Sprint 1 (#9)", "Déjà vu (#12)"}


real_only = pytest.mark.skipif(not REAL.exists(), reason="../shared/data/real is not beside the project here")


@real_only
def test_every_real_sprint_agrees():
    report = run()
    assert report["sprints"] == len(read_real()) == 3834
    assert report["disagree"] == []
    assert report["agree"] + report["null_both"] == 3834
    assert report["null_both"] == 1241  # sprints with points_at_start = 0
