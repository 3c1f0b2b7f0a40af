"""The OKR tables as the page and the command line show them, from the store's frames.

One call for both, so the page and ``python -m analytics okrs`` cannot drift apart: KR status
(with the forecast status, the status against the original target and the revision count) and
objective scores, plus the revisions and rewordings behind them.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.frames import column_list, is_in
from analytics.okr_metrics import key_result_status, objective_scores
from analytics.okr_revisions import (key_result_versions, kr_revisions, objective_rewordings, original_key_results,
                                    with_revision_counts)

# The frames an overview is built from: the current rows of these tables …
CURRENT = ("key_results", "cycles", "checkins", "kr_plans", "objectives")
# … and every stored version of these, with the imports' dates
VERSIONED = ("key_results", "kr_plans", "objectives")


@dataclass(frozen=True)
class OkrOverview:
    key_results: pd.DataFrame   # okr_metrics.KR_FIELDS + revisions
    objectives: pd.DataFrame    # okr_metrics.OBJECTIVE_FIELDS
    revisions: pd.DataFrame     # okr_revisions.REVISION_FIELDS
    rewordings: pd.DataFrame    # okr_revisions.REWORDING_FIELDS
    versions: pd.DataFrame      # okr_revisions.VERSION_FIELDS: every version of each key result


def okr_overview(current: dict[str, pd.DataFrame], versions: dict[str, pd.DataFrame] | None = None,
                 imports: pd.DataFrame | None = None, *, as_of, behind_gap: float = 0.25,
                 cadence_days: int = 7) -> OkrOverview:
    """KRs and objectives as of ``as_of``; ``versions`` / ``imports`` add the revision history."""
    versions = versions or {}
    imports = imports if imports is not None else pd.DataFrame(columns=["import_id", "imported_at"])
    krs = current["key_results"]
    known = set(krs["kr_id"])

    def own(name: str) -> pd.DataFrame:
        """The versions of the key results in ``current`` (the chosen teams and cycle) only."""
        frame = versions.get(name)
        if frame is None or frame.empty:
            return pd.DataFrame(columns=["kr_id", "import_id", "superseded_by"])
        return frame[is_in(frame["kr_id"], known)]

    stored, plan_versions = own("key_results"), own("kr_plans")
    objective_versions = versions.get("objectives")
    if objective_versions is not None and not objective_versions.empty:
        names = ("team", "cycle", "objective_id")
        keys = set(zip(*(column_list(current["objectives"][name]) for name in names)))
        objective_versions = objective_versions[[key in keys for key in zip(
            *(column_list(objective_versions[name]) for name in names))]]
    else:
        objective_versions = pd.DataFrame(columns=["team", "cycle", "objective_id", "objective", "import_id",
                                                   "superseded_by"])
    revisions = kr_revisions(stored, plan_versions, imports)
    originals = original_key_results(stored, imports, current["cycles"]) if not stored.empty else None
    status = key_result_status(krs, current["cycles"], current["checkins"], current.get("kr_plans"), as_of=as_of,
                               behind_gap=behind_gap, cadence_days=cadence_days, originals=originals)
    status = with_revision_counts(status, revisions)
    return OkrOverview(status, objective_scores(status, current["objectives"]), revisions,
                       objective_rewordings(objective_versions, imports),
                       key_result_versions(stored, plan_versions, imports))
