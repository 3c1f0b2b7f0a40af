"""One record per language: how numbers, percentages, dates, CSV files and charts are written in it.

A language is data: a record here and a catalog in ``i18n.py``, no code. Numbers, percentages,
dates and plural forms are formatted by Babel from the record's CLDR locale, which knows every
language's marks (1,234.5 / 1.234,5), percent style (85% / 85 %) and month names; our own choices
(ISO dates in English, which the product has always shown) are the patterns below.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LocaleRecord:
    name: str               # the language's own name, for the language switch
    cldr: str               # Babel/CLDR locale for number, percent, date and plural rules
    date_pattern: str       # CLDR pattern of a date in tables and text
    date_input: str         # Streamlit's date_input / DateColumn format
    csv_separator: str      # CSV downloads: ',' or ';' (German Excel expects ';' with decimal commas)
    decimal_comma: bool     # CSV downloads write 1,5
    plotly_separators: str  # plotly's "decimal, thousands" marks
    chart_date: str         # d3 format of a date on a chart axis
    chart_day: str          # d3 format of a day within a sprint
    compact_suffixes: tuple[tuple[float, str], ...]  # 1.8M / 1,8 Mio. on axes and in hovers


LOCALES: dict[str, LocaleRecord] = {
    "en": LocaleRecord("English", "en_US", "yyyy-MM-dd", "YYYY-MM-DD", ",", False, ".,", "%Y-%m-%d", "%b %d",
                       ((1e9, "bn"), (1e6, "M"), (1e3, "k"))),
    "de": LocaleRecord("Deutsch", "de_DE", "dd.MM.yyyy", "DD.MM.YYYY", ";", True, ",.", "%d.%m.%Y", "%d.%m.",
                       ((1e9, " Mrd."), (1e6, " Mio."), (1e3, " Tsd."))),
}


def locale(lang: str) -> LocaleRecord:
    """The record of a language; English for one without a record."""
    return LOCALES.get(lang, LOCALES["en"])
