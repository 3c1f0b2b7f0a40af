"""Numbers, percentages and dates as people read them in English or German (1,234.5 vs 1.234,5;
2026-03-31 vs 31.03.2026). Pure: no locale settings of the machine are involved."""
from __future__ import annotations

import math
import pandas as pd


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def number(value, lang: str = "en", decimals: int = 1) -> str:
    """12.5 → '12.5' / '12,5'; 1234 → '1,234' / '1.234'; trailing zeros dropped; missing → '–'."""
    if _missing(value):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def percent(value, lang: str = "en", decimals: int = 0) -> str:
    """0.853 → '85%' / '85 %'."""
    if _missing(value):
        return "–"
    text = number(float(value) * 100, lang, decimals)
    return f"{text} %" if lang == "de" else f"{text}%"


def day(value, lang: str = "en") -> str:
    if _missing(value):
        return "–"
    stamp = pd.Timestamp(value)
    return stamp.strftime("%d.%m.%Y") if lang == "de" else stamp.strftime("%Y-%m-%d")

