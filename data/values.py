"""Parsing of cell values as people write them: yes/ja/x, 1,5 and 1.5, 31.12.2025 and 2025-12-31;
and of numbers a person types on a page (``parse_typed``) or on the command line (``parse_plain``).

Every parser returns the value or raises ``ValueError`` with a sentence the import shows as it is.
Decisions that depend on the whole file (decimal comma, day/month order) are made by
``decide_decimal`` and ``decide_day_first`` before the cells are parsed.
"""
from __future__ import annotations

import math
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from i18n import LOCALES, locale
from data.errors import say

TRUE_WORDS = {"yes", "y", "true", "1", "x", "ja", "j", "wahr", "on", "✓"}
FALSE_WORDS = {"no", "n", "false", "0", "", "nein", "falsch", "off", "-"}

_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")
_DE_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_EN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_CURRENCY = re.compile(r"^(?:€|eur|EUR|\$|usd|USD)\s*|\s*(?:€|eur|EUR|\$|usd|USD)$")

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?\S*)?$")
_ISO_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?$")

# month names as Jira, Azure DevOps and Linear print them in English, German, Spanish, Portuguese, French
_MONTHS3 = {"jan": 1, "ene": 1, "feb": 2, "fev": 2, "mar": 3, "mrz": 3, "apr": 4, "abr": 4, "avr": 4, "may": 5,
            "mai": 5, "jun": 6, "jul": 7, "aug": 8, "ago": 8, "aou": 8, "sep": 9, "set": 9, "oct": 10, "okt": 10,
            "out": 10, "nov": 11, "dec": 12, "dez": 12, "dic": 12}
_MONTHS4 = {"juin": 6, "juil": 7}
_NAMED_DAY_FIRST = re.compile(r"^(\d{1,2})[/\-. ]([^\W\d_]{3,})\.?[/\-. ](\d{4}|\d{2})(?:[\sT].*)?$")
_NAMED_MONTH_FIRST = re.compile(r"^([^\W\d_]{3,})\.?[/\- ](\d{1,2})[/\-, ]+(\d{4}|\d{2})(?:\s.*)?$")
_JS_DATE = re.compile(r"^[A-Za-z]{3},? ([A-Za-z]{3}) (\d{1,2}) (\d{4})(?: .*)?$")  # Wed Oct 15 2025 09:33:28 GMT+0000

DATE_HINT = say("date_hint")


def month_number(name: str) -> int | None:
    """'Feb', 'févr.', 'Okt', 'ago', 'März' → month number; None when it is no month name."""
    plain = unicodedata.normalize("NFKD", name.strip(". ").lower()).encode("ascii", "ignore").decode()
    return _MONTHS4.get(plain[:4]) or (_MONTHS3.get(plain[:3]) if plain[:3] != "jui" else None)


def is_blank(text: str | None) -> bool:
    return text is None or text.strip() == ""


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(say("not_bool", text=text))


def decide_decimal(cells: list[str]) -> str:
    """',' when any number in the file is written with a decimal comma, else '.'."""
    for cell in cells:
        text = _CURRENCY.sub("", cell.strip())
        if _COMMA_DECIMAL.match(text) or (_DE_THOUSANDS.match(text) and "," in text):
            return ","
    return "."


def parse_number(text: str, decimal: str = ".") -> float:
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    raw = _CURRENCY.sub("", raw)
    if raw.endswith("%"):
        raise ValueError(say("percentage", text=text))
    if decimal == "," and _DE_THOUSANDS.match(raw):
        raw = raw.replace(".", "").replace(",", ".")
    elif decimal == "." and _EN_THOUSANDS.match(raw) and not _COMMA_DECIMAL.match(raw):
        raw = raw.replace(",", "")
    elif _PLAIN_NUMBER.match(raw):
        raw = raw.replace(",", ".")
    else:
        raise ValueError(say("not_number", text=text))
    number = float(raw)
    if not math.isfinite(number):  # 309 digits overflow to inf, which no chart, sum or JSON can use
        raise ValueError(say("number_too_large", text=_short(text)))
    return number


# what a typed number may contain: digits, a sign, the marks of some language and spaces around it;
# letters (1e5, 12k, EUR) and other scripts' digits are refused rather than guessed
_TYPED = re.compile(r"^[+-]?[0-9][0-9.,]*$|^[+-]?[.,][0-9]+$")
_PLAIN = re.compile(r"^[+-]?[0-9]+(?:\.[0-9]+)?$")


def _readings(text: str) -> dict[str, Decimal]:
    """The number ``text`` is in each language of the product that reads it (Babel, strict: a
    grouping mark in the wrong place is no number), by language code."""
    readings = {}
    for code, record in LOCALES.items():
        try:
            readings[code] = parse_decimal(text, locale=record.cldr, strict=True)
        except NumberFormatError:
            continue
    return readings


def _bare(value: Decimal | float, lang: str) -> str:
    """A number without grouping marks in a language's decimal mark (1850000, 1,85): the form that
    no language reads differently."""
    return format_decimal(value, format="0.##########", locale=locale(lang).cldr)


def _checked(number: float, text: str, minimum: float | None, maximum: float | None, lang: str) -> float:
    if not math.isfinite(number) or abs(number) >= 1e15:  # beyond any KR, backlog or day count; floats blur there
        raise ValueError(say("typed_too_large", text=_short(text)))
    if minimum is not None and maximum is not None and not minimum <= number <= maximum:
        raise ValueError(say("typed_range", value=_bare(number, lang), minimum=minimum, maximum=maximum))
    if minimum is not None and number < minimum:
        raise ValueError(say("typed_below", value=_bare(number, lang), minimum=minimum))
    if maximum is not None and number > maximum:
        raise ValueError(say("typed_above", value=_bare(number, lang), maximum=maximum))
    return number


def parse_typed(text: str | None, lang: str, *, minimum: float | None = None, maximum: float | None = None) -> float:
    """A number a person typed on a page, read the way the page's language writes numbers (German
    1.850.000,5 and 1,85; English 1,850,000.5 and 1.85), through Babel's strict parsing.

    Raises ``ValueError`` with the reason and what to write instead when it is blank, no number
    (letters, 1e5), wrongly grouped for the language (German 1.85: Babel's proposals are named),
    ambiguous (German 1.850 is 1850, in English 1.85: both are named, for the person to say which)
    or outside ``minimum`` … ``maximum``.
    """
    raw = (text or "").strip().replace("\u2212", "-")  # the typographic minus of a copied figure
    if not raw:
        raise ValueError(say("typed_blank"))
    own = locale(lang).cldr
    example = format_decimal(1850000.5, format="#,##0.0", locale=own)
    if not _TYPED.match(raw):
        raise ValueError(say("typed_not_number", text=_short(raw), example=example))
    try:
        value = parse_decimal(raw, locale=own, strict=True)
    except NumberFormatError as error:
        proposals = [p for p in (error.suggestions or []) if p != raw][:2]
        if len(proposals) == 2:
            raise ValueError(say("typed_malformed_two", text=raw, first=proposals[0], second=proposals[1],
                                 example=example)) from None
        if proposals:
            raise ValueError(say("typed_malformed_one", text=raw, first=proposals[0], example=example)) from None
        raise ValueError(say("typed_malformed", text=raw, example=example)) from None
    others = sorted({reading for reading in _readings(raw).values() if reading != value})
    if others:  # another language of the product reads the same keys as another number
        raise ValueError(say("typed_ambiguous", text=raw, first=_bare(value, lang), second=_bare(others[0], lang)))
    return _checked(float(value), raw, minimum, maximum, lang)


def parse_plain(text: str | None, *, minimum: float | None = None, maximum: float | None = None) -> float:
    """A number typed on the command line: the plain form only (1850000, 1850000.5, -3), which a
    script writes the same in every country. Anything else is refused with the plain form to write
    when the text reads as one number (12,5 → 12.5; 1.850.000 → 1850000), else with the rule."""
    raw = (text or "").strip()
    if _PLAIN.match(raw):
        return _checked(float(raw), raw, minimum, maximum, "en")
    readings = sorted(set(_readings(raw).values())) if _TYPED.match(raw) else []
    if len(readings) == 1:
        raise ValueError(say("plain_write", text=_short(raw), plain=_bare(readings[0], "en")))
    if len(readings) == 2:
        raise ValueError(say("plain_ambiguous", text=_short(raw), first=_bare(readings[0], "en"),
                             second=_bare(readings[1], "en")))
    raise ValueError(say("plain_only", text=_short(raw)))


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:20] + "…" + text[-10:]


def _year(part: str) -> int:
    year = int(part)
    return year + 2000 if len(part) == 2 else year


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise ValueError(say("not_calendar_date", text=text, hint=DATE_HINT)) from None
    _check_time(text)
    low, high = year_bounds()
    if not low <= year <= high:
        # one extreme date would make every day-by-day chart loop over millennia
        raise ValueError(say("year_outside", text=text, low=low, high=high))
    return value


_TIME = re.compile(r"(?<![\d.:])(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:\s*([AaPp])[Mm])?")


def _check_time(text: str) -> None:
    """A time of day after the date must be one: 2026-03-02T99:99:99 is no date."""
    match = _TIME.search(text.strip()[6:])  # after the shortest date part, so 12:30 in a date is a time
    if not match:
        return
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hour > (12 if match.group(4) else 23) or minute > 59 or second > 60:
        raise ValueError(say("bad_time", text=text, time=match.group(0), hint=DATE_HINT))


# within ``settings_read_once``: the year bounds once read (a list, empty until the first date needs them)
_READ_ONCE: ContextVar[list | None] = ContextVar("read_once", default=None)


@contextmanager
def settings_read_once():
    """Within it (one file's import), the settings that bound a cell are read once, by the first cell
    that needs them, not once per cell: the environment is read as before, an invalid setting still
    fails where a date first needs it, and a changed one counts from the next import."""
    token = _READ_ONCE.set([])
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


def year_bounds() -> tuple[int, int]:
    """The plausible years of an imported date (settings DASHBOARD_MIN_YEAR, DASHBOARD_MAX_YEAR)."""
    from data.settings import setting
    remembered = _READ_ONCE.get()
    if remembered:
        return remembered[0]
    bounds = setting("DASHBOARD_MIN_YEAR"), setting("DASHBOARD_MAX_YEAR")
    if remembered is not None:
        remembered.append(bounds)
    return bounds


def period_problem(start: date | None, end: date | None, what: str = "sprint") -> tuple[str, str] | None:
    """(column, message) when a dated period cannot be: it ends before it starts or is longer than
    DASHBOARD_MAX_SPRINT_DAYS. One rule for sprints and cycles of templates and every tool export."""
    from data.settings import setting
    if start is None or end is None:
        return None
    period = "cycle" if what == "cycle" else "sprint"  # the two periods there are (a message each, for grammar)
    if end < start:
        return "end", say(f"{period}_ends_before", start=start, end=end)
    longest = setting("DASHBOARD_MAX_SPRINT_DAYS")
    if (end - start).days + 1 > longest:
        return "end", say(f"{period}_too_long", days=(end - start).days + 1, start=start, end=end, longest=longest)
    return None


def slash_parts(text: str) -> tuple[int, int] | None:
    """The first two numbers of a d/m/y or m/d/y date, for deciding the order per file."""
    match = _SLASHED.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def decide_day_first(cells: list[str]) -> bool | None:
    """True for day/month, False for month/day, None when no slashed date tells.

    The first date that tells (a part above 12) decides for the whole file; a later date in the
    other order then fails to parse and is reported with its row and column.
    """
    for cell in cells:
        parts = slash_parts(cell)
        if parts is None:
            continue
        if parts[0] > 12:
            return True
        if parts[1] > 12:
            return False
    return None


def parse_date(text: str, day_first: bool | None = None) -> date:
    raw = text.strip()
    if match := _ISO.match(raw):
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), text)
    if match := _ISO_SLASH.match(raw):
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), text)
    if match := _DOTTED.match(raw):
        return _make_date(_year(match.group(3)), int(match.group(2)), int(match.group(1)), text)
    for pattern, day_group, month_group in ((_NAMED_DAY_FIRST, 1, 2), (_NAMED_MONTH_FIRST, 2, 1), (_JS_DATE, 2, 1)):
        if (match := pattern.match(raw)) and (month := month_number(match.group(month_group))):
            return _make_date(_year(match.group(3)), month, int(match.group(day_group)), text)
    if match := _SLASHED.match(raw):
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        if day_first is None:
            if first > 12 or second > 12 or first == second:  # only one reading is a date
                day_first = first > 12 or first == second
                day, month = (first, second) if day_first else (second, first)
                return _make_date(year, month, day, text)
            raise ValueError(say("ambiguous_date", text=text))
        day, month = (first, second) if day_first else (second, first)
        if month > 12 and day <= 12:  # read the other way round it would be a date
            used, other = (say("word_dm"), say("word_md")) if day_first else (say("word_md"), say("word_dm"))
            raise ValueError(say("other_date_order", text=text, other=other, used=used))
        return _make_date(year, month, day, text)
    if re.match(r"^\d{4,6}(\.\d+)?$", raw):
        raise ValueError(say("excel_serial", text=text, hint=DATE_HINT))
    raise ValueError(say("not_date", text=text, hint=DATE_HINT))

