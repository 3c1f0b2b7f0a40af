"""Tables as people read them: every known field gets a label in the user's language and its values
a format for their meaning (percent, points with at most one decimal, days, dates, yes/no, words
for coded values), missing values an empty cell. Downloads keep the contract's field names and raw
values (METRICS.md); only what is shown on a page goes through here."""
from __future__ import annotations

import pandas as pd

import numpy as np

from analytics.frames import column_list
from analytics.formatting import _missing, day, number, percent
from i18n import CATALOGS, t

# field → how its values read. Labels are the catalog ids "f_<field>"; coded values "v_<value>".
KINDS: dict[str, str] = {
    **dict.fromkeys(["committed", "added", "removed", "completed", "completed_committed", "not_completed",
                     "carried_over", "completed_late", "velocity_avg", "velocity_mean", "velocity_median",
                     "velocity_std", "completed_linked", "estimate"], "amount"),
    **dict.fromkeys(["say_do_ratio", "commitment_accuracy", "planned_completion", "scope_change", "velocity_cv",
                     "velocity_per_day_cv", "stability_cv", "commitment_accuracy_mean", "say_do_mean", "in_band_share",
                     "scope_change_mean", "accuracy_first_half", "accuracy_second_half", "progress",
                     "expected_progress", "forecast_progress", "on_track_share", "committed_hit_rate",
                     "aspirational_hit_rate", "progress_change", "latest_say_do", "commitment_accuracy_pooled"], "percent"),
    "accuracy_slope": "percent1",
    **dict.fromkeys(["velocity_per_day", "velocity_per_day_mean"], "rate"),
    **dict.fromkeys(["sprint_days", "working_days", "working_days_median", "days_off"], "days"),
    **dict.fromkeys(["sprints", "open_sprints", "rows", "inserted", "updated", "unchanged", "import_id",
                     "items_linked", "items_done", "key_results", "key_results_achieved", "teams", "objectives",
                     "cycles", "committed_objectives", "aspirational_objectives", "on_track", "at_risk", "behind",
                     "not_started", "achieved", "pooled_sprints"], "count"),
    **dict.fromkeys(["value", "previous_value", "current_value", "value_change", "value_at_start", "value_at_end",
                     "kr_movement", "target_value", "original_target", "start_value", "forecast_value",
                     "planned_value"], "value"),
    **dict.fromkeys(["confidence", "previous_confidence", "confidence_change"], "confidence"),
    **dict.fromkeys(["score", "previous_score", "score_change", "objective_score"], "score"),
    **dict.fromkeys(["grade", "previous_grade"], "grade"),
    **dict.fromkeys(["start_date", "end_date", "date", "previous_date", "current_date", "last_checkin", "cycle_start", "cycle_end",
                     "added_on", "done_on"], "date"),
    **dict.fromkeys(["imported_at", "undone_at", "granted_at", "changed_at"], "time"),
    **dict.fromkeys(["comparable", "stale", "confidence_drop", "new_checkin", "in_band", "status_disagrees",
                     "committed_at_start", "done"], "bool"),
    **dict.fromkeys(["status", "state", "accuracy_trend", "stability", "stability_basis", "verdict", "linked_by",
                     "okr_type", "kr_type", "grade_band", "forecast_status", "status_vs_original", "matched_by",
                     "data_level", "commitment_basis", "source", "kind", "field", "accuracy_note", "role", "change"], "code"),
    "rejected": "count",
    "row": "count",
    # planning (issue 23)
    **dict.fromkeys(["suggested_low", "suggested_high", "typical_commitment", "typical_completed", "overcommit",
                     "linked_completed"], "amount"),
    **dict.fromkeys(["median_say_do", "final_progress"], "percent"),
    **dict.fromkeys(["kr_change", "final_value", "achieved_change", "planned_change", "realistic_target",
                     "change_per_unit", "correlation", "ambition_ratio"], "value"),
    **dict.fromkeys(["sprints_used", "sprints_with_work", "sprints_needed"], "count"),
    "enough_history": "bool",
    **dict.fromkeys(["ambition_reading", "days_basis", "status_at_close"], "code"),
}


def unit_text(unit: str, lang: str = "en") -> str:
    """A team's unit in the language when it is one of the common words (points, items, activities);
    any other unit (EUR, deals …) as the team wrote it."""
    key = f"unit_{str(unit).strip().lower()}"
    return t(key, lang) if key in CATALOGS["en"] else unit


def label(field, lang: str = "en", unit: str | None = None) -> str:
    """The column label of a field in a language ('in_band_share' → 'Sprints in band');
    amounts carry the unit; an unknown name is returned as it is."""
    if not isinstance(field, str) or f"f_{field}" not in CATALOGS["en"]:
        return field
    text = t(f"f_{field}", lang)
    return f"{text} ({unit})" if unit and KINDS.get(field) == "amount" else text


def value_text(value, kind: str, lang: str = "en") -> str:
    """One value as text for its kind; missing values are an empty cell."""
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v, kind, lang) for v in value)
    if _missing(value):
        return ""
    if kind == "bool" or isinstance(value, bool):
        return t("v_yes" if bool(value) else "v_no", lang)
    if kind == "code" or (kind == "count" and isinstance(value, str)):
        return t(f"v_{value}", lang) if f"v_{value}" in CATALOGS["en"] else str(value)
    if kind in ("date", "time"):
        text = day(value, lang)
        stamp = pd.Timestamp(value)
        return f"{text} {stamp:%H:%M}" if kind == "time" else text
    if isinstance(value, str):
        return value
    formats = {"amount": lambda v: number(v, lang, 1), "percent": lambda v: percent(v, lang),
               "percent1": lambda v: percent(v, lang, 1), "rate": lambda v: number(v, lang, 2),
               "days": lambda v: number(v, lang, 1), "count": lambda v: number(v, lang, 0),
               "value": lambda v: number(v, lang, 2), "confidence": lambda v: number(v, lang, 0),
               "score": lambda v: number(v, lang, 2), "grade": lambda v: number(v, lang, 1)}
    return formats.get(kind, lambda v: number(v, lang, 2) if isinstance(v, float) else str(v))(value)


def present(frame: pd.DataFrame, lang: str = "en", unit: str | None = None) -> pd.DataFrame:
    """The frame as shown: labelled columns, values as text for their meaning, empty cells empty."""
    shown: dict[str, list[str]] = {}
    for column in frame.columns:
        kind = KINDS.get(column, "text")
        if kind == "text" and pd.api.types.is_datetime64_any_dtype(frame[column]):
            kind = "date"
        name = label(column, lang, unit)
        while name in shown:  # two fields with one label stay two columns
            name += " "
        shown[name] = column_texts(column_list(frame[column]), kind, lang)
    return pd.DataFrame(shown, index=frame.index)


# values whose equality means the same text: a column repeats its codes, dates and numbers, so each
# distinct one is written once. Not keys: a zero float (-0.0 == 0.0 reads '-0'), NaN (never equal),
# an aware Timestamp (equal instants in two zones read two times), lists.
_PLAIN = frozenset({str, int, bool, float, np.float64, np.int64, np.int32, np.bool_, pd.Timestamp})


def column_texts(values: list, kind: str, lang: str = "en") -> list[str]:
    """``[value_text(v, kind, lang) for v in values]``, each distinct value's text made once."""
    known: dict = {}
    texts = []
    for value in values:
        key = (value.__class__, value)
        text = known.get(key) if key[0] in _PLAIN else None
        if text is None:
            text = value_text(value, kind, lang)
            if key[0] in _PLAIN and value == value and not (isinstance(value, float) and value == 0) \
                    and not (key[0] is pd.Timestamp and value.tzinfo is not None):
                known[key] = text
        texts.append(text)
    return texts
