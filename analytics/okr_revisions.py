"""Revisions kept visible (METRICS.md, "Key result states during the cycle", Revisions).

The store keeps every version of a row with the import that wrote it and the one that replaced
it. From those versions and the imports' dates this module derives what changed when: a key
result's target, start, type or plan (strategy may change during a cycle) and an objective's
wording (it should not). Pure: version frames in, frames out.
"""
from __future__ import annotations

import pandas as pd

from analytics.frames import column_list, frame_rows
from analytics.formatting import day, number

REVISION_FIELDS = ["kr_id", "date", "field", "old", "new", "import_id"]
VERSION_FIELDS = ["kr_id", "import_id", "date", "start_value", "target_value", "kr_type", "plan"]
REWORDING_FIELDS = ["team", "cycle", "objective_id", "date", "old", "new", "import_id"]
REVISED = ("target_value", "start_value", "kr_type")  # a change of these is a revision of the KR


def _ordered(versions: pd.DataFrame) -> pd.DataFrame:
    """Versions oldest first; within one import the replaced version before its replacement."""
    if versions.empty:
        return versions
    later = versions["superseded_by"].isna().astype(int)
    return versions.assign(_later=later).sort_values(["import_id", "_later"], kind="stable").drop(columns="_later")


def _dates(imports: pd.DataFrame) -> dict:
    return dict(zip(imports["import_id"], pd.to_datetime(imports["imported_at"]))) if not imports.empty else {}


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _plan_text(points: pd.DataFrame) -> str:
    if points.empty:
        return "–"
    ordered = points.sort_values("date")
    return "; ".join(f"{pd.Timestamp(d):%Y-%m-%d}: {_text(float(v))}"
                     for d, v in zip(ordered["date"], ordered["planned_value"]))


def kr_revisions(kr_versions: pd.DataFrame, plan_versions: pd.DataFrame | None, imports: pd.DataFrame) -> pd.DataFrame:
    """One row per change of a key result's target, start, type or plan: date, old → new."""
    when = _dates(imports)
    rows = []
    if not kr_versions.empty:
        revised = kr_versions[kr_versions["kr_id"].duplicated(keep=False)]  # one version: nothing changed
        for kr_id, group in _ordered(revised).groupby("kr_id", sort=True):
            previous = None
            for version in group.itertuples(index=False):
                if previous is not None:
                    for name in REVISED:
                        old, new = getattr(previous, name), getattr(version, name)
                        if _text(old) != _text(new):
                            rows.append({"kr_id": kr_id, "date": when.get(version.import_id), "field": name,
                                         "old": _text(old), "new": _text(new), "import_id": version.import_id})
                previous = version
    if plan_versions is not None and not plan_versions.empty:
        first_kr_import = kr_versions.groupby("kr_id")["import_id"].min().to_dict() if not kr_versions.empty else {}
        for kr_id, group in plan_versions.groupby("kr_id", sort=True):
            # the plan as each import touching it left it; a version replaced within its own import never counts
            kept = group[group["superseded_by"].isna() | (group["superseded_by"] != group["import_id"])]
            steps = sorted(set(kept["import_id"]))
            before = kept.iloc[0:0]
            for number, import_id in enumerate(steps):
                state = kept[(kept["import_id"] <= import_id)
                             & (kept["superseded_by"].isna() | (kept["superseded_by"] > import_id))]
                is_revision = number > 0 or import_id > first_kr_import.get(kr_id, import_id)
                if is_revision and _plan_text(state) != _plan_text(before):
                    rows.append({"kr_id": kr_id, "date": when.get(import_id), "field": "plan",
                                 "old": _plan_text(before), "new": _plan_text(state), "import_id": import_id})
                before = state
    frame = pd.DataFrame(rows, columns=REVISION_FIELDS)
    return frame.sort_values(["kr_id", "import_id"], kind="stable").reset_index(drop=True) if not frame.empty else frame


def key_result_versions(kr_versions: pd.DataFrame, plan_versions: pd.DataFrame | None, imports: pd.DataFrame) -> pd.DataFrame:
    """Every version of each key result, oldest first, as ``kr_revisions`` orders them: each stored
    version of its row, and the state an import that changed only its plan left it in — start,
    target, type, the plan then (a list of ``{"date", "planned_value"}``), the import's id and date.
    A key result never revised has one version, its first."""
    if kr_versions.empty:
        return pd.DataFrame(columns=VERSION_FIELDS)
    when = _dates(imports)
    plans = plan_versions if plan_versions is not None and not plan_versions.empty else \
        pd.DataFrame(columns=["kr_id", "date", "planned_value", "import_id", "superseded_by"])
    # a plan point replaced within the import that wrote it was never a plan anyone saw (kr_revisions)
    plans = plans[plans["superseded_by"].isna() | (plans["superseded_by"] != plans["import_id"])]
    # plain Python per key result: a pandas filter per version took seconds for thousands of key results
    plans_of: dict = {}
    for point in zip(*(column_list(plans[name]) for name in ("kr_id", "import_id", "superseded_by", "date", "planned_value"))):
        plans_of.setdefault(point[0], []).append(point[1:])
    versions_of: dict = {}
    for version in frame_rows(_ordered(kr_versions)[["kr_id", "import_id", "start_value", "target_value", "kr_type"]]):
        if not pd.isna(version.kr_id):  # as groupby: no group for a missing id
            versions_of.setdefault(version.kr_id, []).append(version)
    rows = []
    for kr_id in sorted(versions_of):
        versions = versions_of[kr_id]
        plan = plans_of.get(kr_id, [])
        steps = [(version.import_id, version) for version in versions]
        for step in sorted({point[0] for point in plan} - {version.import_id for version in versions}):
            before = [version for version in versions if version.import_id <= step]  # imports that changed the plan only
            if before:  # a plan imported before its key result shows with the key result's first version
                steps.append((step, before[-1]))
        previous = None
        for step, version in sorted(steps, key=lambda pair: pair[0]):  # stable: an import's versions keep their order
            points = sorted(((on, value) for imported, replaced, on, value in plan
                             if imported <= step and (pd.isna(replaced) or replaced > step)), key=lambda p: p[0])
            state = [{"date": pd.Timestamp(d).date().isoformat(), "planned_value": float(v)} for d, v in points]
            shown = (_text(version.start_value), _text(version.target_value), _text(version.kr_type), str(state))
            if shown != previous:
                rows.append({"kr_id": kr_id, "import_id": int(step), "date": when.get(step),
                             "start_value": version.start_value, "target_value": version.target_value,
                             "kr_type": version.kr_type, "plan": state})
                previous = shown
    return pd.DataFrame(rows, columns=VERSION_FIELDS)


def plan_text(plan: list[dict], lang: str) -> str:
    """A version's plan as people read it: "01.02.2024: 10; 01.03.2024: 20" (empty: "–")."""
    return "; ".join(f"{day(point['date'], lang)}: {number(point['planned_value'], lang)}" for point in plan) or "–"


def objective_rewordings(objective_versions: pd.DataFrame, imports: pd.DataFrame) -> pd.DataFrame:
    """One row per change of an objective's text: the seed's rule is that objectives stay fixed."""
    when = _dates(imports)
    rows = []
    keys = ["team", "cycle", "objective_id"]
    if not objective_versions.empty:  # one version: nothing reworded
        objective_versions = objective_versions[objective_versions.duplicated(keys, keep=False)]
    if not objective_versions.empty:
        for key, group in _ordered(objective_versions).groupby(keys, sort=True):
            texts = group["objective"].tolist()
            for old, new, import_id in zip(texts, texts[1:], group["import_id"].tolist()[1:]):
                if _text(old) != _text(new):
                    rows.append({"team": key[0], "cycle": key[1], "objective_id": key[2],
                                 "date": when.get(import_id), "old": _text(old), "new": _text(new),
                                 "import_id": import_id})
    return pd.DataFrame(rows, columns=REWORDING_FIELDS)


def original_key_results(kr_versions: pd.DataFrame, imports: pd.DataFrame, cycles: pd.DataFrame) -> pd.DataFrame:
    """Each KR as the cycle began: the last version imported on or before the cycle's start (so a
    target settled in planning is not a revision), else the first version ever stored."""
    columns = ["kr_id", "start_value", "target_value", "kr_type"]
    if kr_versions.empty:
        return pd.DataFrame(columns=columns)
    when = _dates(imports)
    starts = {(row.team, row.cycle): pd.Timestamp(row.cycle_start) for row in frame_rows(cycles)}
    several = kr_versions["kr_id"].duplicated(keep=False)
    rows = kr_versions.loc[~several, columns].to_dict("records")  # one version: it is the original
    for kr_id, group in _ordered(kr_versions[several]).groupby("kr_id", sort=True):
        chosen = group.iloc[0]
        for version in group.itertuples(index=False):
            start = starts.get((version.team, version.cycle))
            imported = when.get(version.import_id)
            if start is not None and imported is not None and imported.normalize() <= start:
                chosen = pd.Series(version._asdict())
        rows.append({name: chosen[name] for name in columns})
    return pd.DataFrame(rows, columns=columns).sort_values("kr_id", kind="stable").reset_index(drop=True)


def with_revision_counts(kr_status: pd.DataFrame, revisions: pd.DataFrame) -> pd.DataFrame:
    """The KR table with ``revisions``: how many times its target, start, type or plan changed."""
    # counted once, then a dict lookup per key result (a Series.get per row took 20 ms at 8,000)
    counts = revisions["kr_id"].value_counts().to_dict() if not revisions.empty else {}
    return kr_status.assign(revisions=[int(counts.get(kr, 0)) for kr in column_list(kr_status["kr_id"])])
