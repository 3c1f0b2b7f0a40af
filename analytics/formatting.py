"""Numbers, percentages and dates as people read them in the chosen language (1,234.5 vs 1.234,5;
85% vs 85 %; 2026-03-31 vs 31.03.2026), through Babel and the language's record in
``i18n``. Pure: no locale setting of the machine is involved."""
from __future__ import annotations

import math
import string
from datetime import date
from functools import lru_cache

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

from i18n import locale

MISSING = "–"


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


# Babel formats one number in about 50 µs; a page shows thousands, most of them again on every rerun.
# The texts are remembered per value (its sign apart: -0.0 == 0.0 but may read '-0'), language and format.
@lru_cache(maxsize=1 << 16)
def _decimal(value: float, negative: bool, pattern: str, cldr: str) -> str:
    return format_decimal(value, format=pattern, locale=cldr)


@lru_cache(maxsize=1 << 16)
def _percent(value: float, negative: bool, cldr: str) -> str:
    return format_percent(value, locale=cldr)


def number(value, lang: str = "en", decimals: int = 1) -> str:
    """12.5 → '12.5' / '12,5'; 1234 → '1,234' / '1.234'; trailing zeros dropped; missing → '–'."""
    if _missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    value = float(value)
    return _decimal(value, math.copysign(1.0, value) < 0, pattern, locale(lang).cldr)


def percent(value, lang: str = "en", decimals: int = 0) -> str:
    """0.853 → '85%' / '85 %' (the language's own percent style)."""
    if _missing(value):
        return MISSING
    if not decimals:
        value = float(value)
        return _percent(value, math.copysign(1.0, value) < 0, locale(lang).cldr)
    sample = format_percent(0, locale=locale(lang).cldr)  # '0%' or '0 %': keep the language's spacing
    return sample.replace("0", number(float(value) * 100, lang, decimals), 1)


def money(value, unit: str, lang: str = "en") -> str:
    """1200000, 'EUR' → '1,200,000 EUR' / '1.200.000 EUR'."""
    return MISSING if _missing(value) else f"{number(value, lang, 0)} {unit}"


def compact(value, lang: str = "en") -> str:
    """1800000 → '1.8M' / '1,8 Mio.' for chart labels."""
    if _missing(value):
        return MISSING
    for size, suffix in locale(lang).compact_suffixes:
        if abs(value) >= size:
            return number(value / size, lang, 1) + suffix
    return number(value, lang)


def day(value, lang: str = "en") -> str:
    if _missing(value):
        return MISSING
    return _day(pd.Timestamp(value).date(), lang)


@lru_cache(maxsize=1 << 14)
def _day(value: date, lang: str) -> str:
    return format_date(value, format=locale(lang).date_pattern, locale=locale(lang).cldr)


class _Localised(string.Formatter):
    """``str.format`` whose numbers and dates follow a language: the catalog's text keeps Python's
    format specs (``{size:.1f}``, ``{rows:,}``, ``{end:%Y-%m-%d}``), so English is exactly what
    ``str.format`` writes, and another language swaps in its own decimal and group marks, percent
    style and date pattern. A value with ``in_language`` (a nested message) is written in the language;
    ``{value!u}`` starts it with a capital letter."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang
        cldr = locale(lang).cldr
        self.marks = str.maketrans({",": get_group_symbol(cldr), ".": get_decimal_symbol(cldr)})

    def convert_field(self, value, conversion):
        if conversion == "u":  # "{reason!u}": the value with its first letter capitalised, as a sentence starts
            text = value.in_language(self.lang) if hasattr(value, "in_language") else str(value)
            return text[:1].upper() + text[1:]
        return super().convert_field(value, conversion)

    def format_field(self, value, spec: str) -> str:
        if hasattr(value, "in_language"):
            return format(value.in_language(self.lang), spec)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if spec.endswith("%"):
                return percent(value, self.lang, int(spec[1:-1] or 0) if spec.startswith(".") else 0)
            return format(value, spec).translate(self.marks)
        if isinstance(value, date) and spec.startswith("%Y-%m-%d"):
            time_of_day = spec[len("%Y-%m-%d"):]
            return day(value, self.lang) + (format(value, time_of_day) if time_of_day else "")
        return format(value, spec)


def fill(text: str, lang: str = "en", /, **values) -> str:
    """A catalog text filled in with values written as the language writes them (``_Localised``)."""
    return _Localised(lang).format(text, **values)
