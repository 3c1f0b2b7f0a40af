"""The one settings table: every knob of the product, its default and what it does.

Each setting is read from the environment variable of the same name. The README lists them all
(``python -m analytics settings`` prints this table too).
"""
from __future__ import annotations

import math
import re
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from data.errors import SettingInvalid, message_of, say

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Runtime data lives in store/ (git-ignored), apart from the code; older versions kept the store in
# the code package data/, where ``data.service.store_path`` still finds it.
DEFAULT_STORE = PROJECT_ROOT / "store" / "dashboard.duckdb"
LEGACY_STORE = PROJECT_ROOT / "data" / "dashboard.duckdb"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    kind: type = str
    minimum: float | None = None  # inclusive bounds a value must keep; checked on every read
    maximum: float | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("DASHBOARD_STORE", "", "The store the dashboard and the command line use: a DuckDB file, or "
            "`ducklake:postgres:<libpq connection string>` for a DuckLake catalog in PostgreSQL that several "
            "dashboards and imports share (`--db` wins; blank: DASHBOARD_DB)."),
    Setting("DASHBOARD_DB", str(DEFAULT_STORE),
            "DuckDB file the dashboard and the command line use when DASHBOARD_STORE is blank (`--db` wins; a "
            "store an older version kept at data/dashboard.duckdb is used while store/ has none)."),
    Setting("DASHBOARD_LAKE_DATA", "", "Where a DuckLake store keeps its Parquet data: a folder every replica "
            "shares, or an s3:// URL (blank: the place the catalog already names)."),
    Setting("DASHBOARD_WRITE_RETRIES", "8", "Attempts of a write that conflicts with another process's commit on "
            "a DuckLake store (each on the newer data, after a growing pause) before it gives up unwritten.",
            int, 1, 100),
    Setting("DASHBOARD_LAKE_RETENTION_DAYS", "7", "Days a DuckLake store keeps replaced snapshots and data files "
            "before `maintenance` removes them (a reader or a restore can still go back that far).", float, 0, 3650),
    Setting("DASHBOARD_MAX_UPLOAD_MB", "50", "Largest CSV file accepted by an import, in MiB.", float, 0.001, 4096),
    Setting("DASHBOARD_MAX_ROWS", "200000", "Most data rows accepted in one file.", int, 1),
    Setting("DASHBOARD_BAND_LOW", "0.8", "Lower edge of the predictability band (say/do ratio).", float, 0, 10),
    Setting("DASHBOARD_BAND_HIGH", "1.0", "Upper edge of the predictability band (say/do ratio).", float, 0, 10),
    Setting("DASHBOARD_VELOCITY_WINDOW", "3", "Sprints in the rolling velocity average.", int, 1, 1000),
    Setting("DASHBOARD_TREND_SPRINTS", "8", "Closed sprints every trend answer is computed over (the team summary, "
            "the accuracy trend, pooled accuracy; `summary --last N` overrides it).", int, 2, 1000),
    Setting("DASHBOARD_FORECAST_SPRINTS", "8", "Sprints of history the Monte Carlo forecast samples.", int, 1, 1000),
    Setting("DASHBOARD_FORECAST_TRIALS", "10000", "Monte Carlo trials per forecast.", int, 1, 1_000_000),
    Setting("DASHBOARD_FORECAST_SEED", "42", "Seed of the forecast's random generator.", int, 0, 2**63 - 1),
    Setting("DASHBOARD_BEHIND_GAP", "0.25", "Largest gap to expected KR progress still called 'behind'.", float, 0, 1),
    Setting("DASHBOARD_CHECKIN_DAYS", "7", "Check-in cadence in days (the weekly): a running KR is stale when its last "
            "check-in is more than cadence + 2 days old.", int, 1, 366),
    Setting("DASHBOARD_COMMITTED_HIT_MIN", "0.8", "Calibration: below this share of committed objectives reaching 1.0 "
            "the targets are 'too ambitious'.", float, 0, 1),
    Setting("DASHBOARD_ASPIRATIONAL_HIT_MIN", "0.3", "Calibration: below this share of aspirational objectives "
            "reaching 0.7 the targets are 'too ambitious'.", float, 0, 1),
    Setting("DASHBOARD_ASPIRATIONAL_HIT_MAX", "0.8", "Calibration: above this share of aspirational objectives "
            "reaching 0.7 the targets are 'too easy'.", float, 0, 1),
    Setting("DASHBOARD_MIN_YEAR", "1990", "Earliest year a date in an imported file may have.", int, 1900, 2200),
    Setting("DASHBOARD_MAX_YEAR", "2100", "Latest year a date in an imported file may have.", int, 1900, 2200),
    Setting("DASHBOARD_MAX_SPRINT_DAYS", "366", "Longest sprint (or Linear cycle) accepted at import, in days.",
            int, 1, 3660),
    Setting("DASHBOARD_TODAY", "", "The day taken as today (YYYY-MM-DD) by the dashboard, the demo data and the command "
            "line; blank: the clock. For demos, screenshots and tests that must look the same on any day.", date),
    Setting("DASHBOARD_LOCK_TIMEOUT", "30", "Seconds a writer waits for the database while another program "
            "uses it (the dashboard waits at most 5 s per read, then says so and retries).", float, 0, 86400),
    Setting("DASHBOARD_ALLOW_ANONYMOUS", "0", "1: serve without sign-in on an address other computers reach "
            "(everyone who reaches it reads and changes every team's data). 0: without sign-in ([auth] in "
            "Streamlit's secrets) the dashboard serves this computer only.", int, 0, 1),
)


_KIND_WORDS = {int: say("word_whole_number"), float: say("word_number"), str: say("word_text"), date: say("word_day")}
_NOT_KIND = {int: say("setting_not_whole_number"), float: say("setting_not_number"), str: say("setting_not_text"),
             date: say("setting_not_day")}


def setting(name: str):
    """The value of one setting, typed and checked, from the environment or its default.

    Raises ``SettingInvalid`` (a ``ValueError``) naming the setting, its value and what it takes."""
    for item in SETTINGS:
        if item.name == name:
            raw = os.environ.get(name, "").strip() or item.default
            value = _typed(item, raw)
            if name in ("DASHBOARD_BAND_LOW", "DASHBOARD_BAND_HIGH"):
                low = _typed(_SETTING["DASHBOARD_BAND_LOW"],
                             os.environ.get("DASHBOARD_BAND_LOW", "").strip() or _SETTING["DASHBOARD_BAND_LOW"].default)
                high = _typed(_SETTING["DASHBOARD_BAND_HIGH"],
                              os.environ.get("DASHBOARD_BAND_HIGH", "").strip() or _SETTING["DASHBOARD_BAND_HIGH"].default)
                if low > high:
                    raise SettingInvalid(say("setting_band", low=low, high=high))
            if name in ("DASHBOARD_MIN_YEAR", "DASHBOARD_MAX_YEAR"):
                low, high = (_typed(_SETTING[n], os.environ.get(n, "").strip() or _SETTING[n].default)
                             for n in ("DASHBOARD_MIN_YEAR", "DASHBOARD_MAX_YEAR"))
                if low > high:
                    raise SettingInvalid(say("setting_years", low=low, high=high))
            return value
    raise KeyError(name)


def _typed(item: Setting, raw: str):
    """``raw`` as the setting's type within its bounds, or SettingInvalid saying what is wrong."""
    def invalid(problem: str) -> SettingInvalid:
        low, high = (None if bound is None else _plain(bound) for bound in (item.minimum, item.maximum))
        bounds = (say("bounds_from_to", low=low, high=high) if low and high else say("bounds_from", low=low) if low
                  else say("bounds_to", high=high) if high else "")
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        return SettingInvalid(say("setting_invalid", name=item.name, shown=shown, problem=problem,
                                  kind=_KIND_WORDS[item.kind], bounds=bounds, default=item.default))
    if item.kind is str:
        if "\x00" in raw:
            raise invalid(say("setting_nul"))
        return raw
    if item.kind is date:
        if not raw:
            return None  # blank: not fixed
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        raise invalid(_NOT_KIND[date])
    try:
        value = item.kind(raw.replace("_", "x"))  # int('1_000') is Python syntax, not a user's number
    except (ValueError, OverflowError):
        raise invalid(_NOT_KIND[item.kind]) from None
    if not math.isfinite(value):
        raise invalid(say("setting_not_finite"))
    if item.minimum is not None and value < item.minimum:
        raise invalid(say("setting_below", limit=_plain(item.minimum)))
    if item.maximum is not None and value > item.maximum:
        raise invalid(say("setting_above", limit=_plain(item.maximum)))
    return value


def _plain(number: float):
    """1000 → '1,000', 0.5 → '0.5' (in German 1.000 and 0,5)."""
    return say("plain_whole", value=int(number)) if float(number).is_integer() else say("plain_number", value=number)


def check_all() -> list[str]:
    """Every invalid setting's message (empty when all are fine): the CLI and the dashboard check at start."""
    problems = []
    for item in SETTINGS:
        try:
            setting(item.name)
        except SettingInvalid as exc:
            if str(exc) not in problems:
                problems.append(message_of(exc))
    return problems


_SETTING = {item.name: item for item in SETTINGS}


def max_upload_mb() -> float:
    """The largest file an import reads, in MiB (the Import page's uploader limit)."""
    return setting("DASHBOARD_MAX_UPLOAD_MB")


def max_upload_bytes() -> int:
    """The largest file an import reads, in bytes (the command line reads no more of a file)."""
    return int(max_upload_mb() * 2**20)


def store_path(explicit: str | None = None) -> str:
    """The store: ``explicit`` (the command line's --db), else DASHBOARD_STORE, else DASHBOARD_DB,
    else the default file (``default_store``). A DuckDB file or ``ducklake:postgres:<conninfo>``."""
    configured = explicit or setting("DASHBOARD_STORE") or setting("DASHBOARD_DB")
    if explicit or configured.startswith("ducklake:") or os.path.abspath(configured) != str(DEFAULT_STORE):
        return configured  # chosen by the user: a missing folder is their mistake, refused by Store
    return str(default_store())


def default_store(new: Path = DEFAULT_STORE, old: Path = LEGACY_STORE) -> Path:
    """``store/dashboard.duckdb``, its folder made on first use (runtime data, git-ignored). A store
    an older version kept in the code package (``data/dashboard.duckdb``) is used where it is as long
    as there is none at the new place, so an upgrade loses no data and moves no file that the
    dashboard may have open; moving it into ``store/`` by hand switches over."""
    if not new.exists() and old.is_file():
        return old
    new.parent.mkdir(exist_ok=True)
    return new


def lock_timeout() -> float:
    """Seconds a writer waits for the store while another program uses it."""
    return setting("DASHBOARD_LOCK_TIMEOUT")
