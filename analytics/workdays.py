"""Working days of a sprint (METRICS.md, "Sprint state, length and type"): Mon–Fri between start and
end inclusive, minus the public holidays of the team's region, minus the sprint's days off.

Public holidays come from the ``holidays`` package (maintained per country and subdivision, with
German names), so a region is an ISO 3166-2 code such as ``DE-BY`` or a country code such as ``AT``.
"""
from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from i18n import locale, t


@lru_cache(maxsize=1)
def _one_country_at_a_time() -> None:
    """Have ``holidays`` import the module of each country looked up, not all of them.

    Looking up Germany imports ``holidays.countries.germany``, and Python first imports the package
    ``holidays.countries``, whose ``__init__`` imports the modules of all 250 countries: 6–8 MiB of a
    server's memory (issue 21) for the one or two countries an organisation's teams are in. The
    package is put in place without running its ``__init__``: its modules are still found in its
    folder, one at a time, and a name asked of the package itself (``from holidays.countries import
    Germany``) is imported from the module that holidays' own registry names for it."""
    if "holidays.countries" in sys.modules:
        return
    from holidays.registry import COUNTRIES
    modules = {name: module for module, names in COUNTRIES.items() for name in names}
    package = importlib.util.module_from_spec(importlib.util.find_spec("holidays.countries"))

    def entity(name: str):
        if name not in modules:
            raise AttributeError(f"module 'holidays.countries' has no attribute {name!r}")
        return getattr(importlib.import_module(f"holidays.countries.{modules[name]}"), name)

    package.__getattr__ = entity
    sys.modules.setdefault("holidays.countries", package)
    holidays.countries = sys.modules["holidays.countries"]


@lru_cache(maxsize=None)
def _subdivisions(country: str) -> tuple[str, ...] | None:
    """The subdivisions ``holidays`` knows for a country code (None for an unknown country), as
    ``holidays.list_supported_countries()`` has them, but loading that one country's module only:
    the whole list loads every country."""
    if country not in _countries():
        return None
    _one_country_at_a_time()
    return tuple(getattr(holidays, country).subdivisions)


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    from holidays.registry import EntityLoader
    return frozenset(EntityLoader.get_country_codes(True))  # as list_supported_countries(): aliases too


def parse_region(code) -> tuple[str, str | None] | None:
    """'DE-BY' → ('DE', 'BY'), 'AT' → ('AT', None); None for blank or unknown codes."""
    if not isinstance(code, str) or not code.strip():
        return None
    country, _, subdivision = code.strip().upper().partition("-")
    supported = _subdivisions(country)
    if supported is None or (subdivision and subdivision not in supported):
        return None
    return country, subdivision or None


def region_fault(code: str) -> tuple[str, dict] | None:
    """Why a region code cannot be used, as a message name and its values (None when it can).

    The sentence itself lives in the one catalog (``i18n``'s catalogs, ids ``imp_<name>``), so the import
    (``data.templates``) can carry it as a message in the user's language; analytics stays free of
    the data layer by handing over only the name and the values."""
    if parse_region(code) is not None:
        return None
    country = code.strip().upper().partition("-")[0]
    supported = _subdivisions(country)
    if supported:
        sample = ", ".join(f"{country}-{s}" for s in supported[:6])
        return "region_not_in_country", {"code": code, "country": country, "sample": sample}
    return "region_unknown", {"code": code}


def region_problem(code: str) -> str | None:
    """Why a region code cannot be used, in English (the command line's words), or None when it can."""
    fault = region_fault(code)
    return None if fault is None else t("imp_" + fault[0], "en", **fault[1])


@lru_cache(maxsize=256)
def _calendar(region: str, year: int, language: str) -> tuple[tuple[date, str], ...]:
    country, subdivision = parse_region(region)
    _one_country_at_a_time()
    found = holidays.country_holidays(country, subdiv=subdivision, years=year)
    for name in (language, language.split("_")[0]):  # holidays names languages 'de', 'en_US', …
        if name in found.supported_languages:
            found = holidays.country_holidays(country, subdiv=subdivision, years=year, language=name)
            break
    return tuple(sorted(found.items()))


def public_holidays(start, end, region, lang: str = "en") -> list[tuple[date, str]]:
    """The public holidays of ``region`` that fall on a Monday to Friday between start and end."""
    if pd.isna(start) or pd.isna(end) or parse_region(region) is None:
        return []
    first, last = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    language = locale(lang).cldr
    return [(day, name) for year in range(first.year, last.year + 1)
            for day, name in _calendar(region.strip().upper(), year, language)
            if first <= day <= last and day.weekday() < 5]


def _weekday_counts(starts: pd.Series, ends: pd.Series, holidays_: Sequence[date] = ()) -> np.ndarray:
    start = pd.to_datetime(starts).to_numpy(dtype="datetime64[D]")
    end = pd.to_datetime(ends).to_numpy(dtype="datetime64[D]")
    known = ~(np.isnat(start) | np.isnat(end))
    out = np.full(len(start), np.nan)
    if known.any():
        first, last = start[known], end[known] + 1
        counts = np.busday_count(first, np.maximum(last, first), holidays=np.array(holidays_, dtype="datetime64[D]"))
        out[known] = counts
    return out


def sprint_days(starts: pd.Series, ends: pd.Series) -> np.ndarray:
    """Mon–Fri from start to end inclusive, per sprint; NaN where a date is missing."""
    return _weekday_counts(starts, ends)


def working_days(starts: pd.Series, ends: pd.Series, regions: pd.Series, days_off: pd.Series) -> np.ndarray:
    """Mon–Fri minus the region's public holidays minus days off, never below 0; NaN without dates."""
    starts, ends = starts.reset_index(drop=True), ends.reset_index(drop=True)
    regions = regions.reset_index(drop=True).where(regions.reset_index(drop=True).notna(), "")
    counts = np.full(len(starts), np.nan)
    for region, rows in regions.groupby(regions, sort=False).groups.items():
        rows = np.asarray(rows)
        first, last = pd.to_datetime(starts.iloc[rows]), pd.to_datetime(ends.iloc[rows])
        free: list[date] = []
        if parse_region(region) is not None and first.notna().any():
            low, high = first.min().year, last.max().year
            free = [day for year in range(low, high + 1)
                    for day, _ in _calendar(region.strip().upper(), year, "en_US")]
        counts[rows] = _weekday_counts(first, last, free)
    off = pd.to_numeric(days_off.reset_index(drop=True), errors="coerce").fillna(0.0).to_numpy()
    return np.where(np.isnan(counts), np.nan, np.maximum(counts - off, 0.0))
