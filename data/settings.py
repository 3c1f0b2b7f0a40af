"""The one settings table: every knob of the product, its default and what it does.

Each setting is read from the environment variable of the same name. The README lists them all
(``python -m analytics settings`` prints this table too).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("DASHBOARD_DB", str(PROJECT_ROOT / "data" / "dashboard.duckdb"),
            "DuckDB file the dashboard and the command line use (`--db` wins)."),
    Setting("DASHBOARD_MAX_UPLOAD_MB", "50", "Largest CSV file accepted by an import, in MiB.", float),
    Setting("DASHBOARD_MAX_ROWS", "200000", "Most data rows accepted in one file.", int),
    Setting("DASHBOARD_BAND_LOW", "0.8", "Lower edge of the predictability band (say/do ratio).", float),
    Setting("DASHBOARD_BAND_HIGH", "1.0", "Upper edge of the predictability band (say/do ratio).", float),
    Setting("DASHBOARD_VELOCITY_WINDOW", "3", "Sprints in the rolling velocity average.", int),
    Setting("DASHBOARD_FORECAST_SPRINTS", "8", "Sprints of history the Monte Carlo forecast samples.", int),
    Setting("DASHBOARD_FORECAST_TRIALS", "10000", "Monte Carlo trials per forecast.", int),
    Setting("DASHBOARD_FORECAST_SEED", "42", "Seed of the forecast's random generator.", int),
    Setting("DASHBOARD_BEHIND_GAP", "0.25", "Largest gap to expected KR progress still called 'behind'.", float),
    Setting("DASHBOARD_CHECKIN_DAYS", "7", "Check-in cadence in days (the weekly): a running KR is stale when its last "
            "check-in is more than cadence + 2 days old.", int),
    Setting("DASHBOARD_COMMITTED_HIT_MIN", "0.8", "Calibration: below this share of committed objectives reaching 1.0 "
            "the targets are 'too ambitious'.", float),
    Setting("DASHBOARD_ASPIRATIONAL_HIT_MIN", "0.3", "Calibration: below this share of aspirational objectives "
            "reaching 0.7 the targets are 'too ambitious'.", float),
    Setting("DASHBOARD_ASPIRATIONAL_HIT_MAX", "0.8", "Calibration: above this share of aspirational objectives "
            "reaching 0.7 the targets are 'too easy'.", float),
)


def setting(name: str):
    """The value of one setting, typed, from the environment or its default."""
    for item in SETTINGS:
        if item.name == name:
            raw = os.environ.get(name, "").strip() or item.default
            try:
                return item.kind(raw)
            except ValueError as exc:
                raise ValueError(f"Setting {name}={raw!r} is not a valid {item.kind.__name__}") from exc
    raise KeyError(name)
