"""The dashboard's words and each language's rules for numbers, dates and plurals: the one place for both.

Words live in gettext catalogs, ``locales/<lang>/LC_MESSAGES/messages.po``: each message's context
(``msgctxt``) is the id the code looks up (``t("committed", lang)``), its ``msgid`` the English text,
its ``msgstr`` the language's; a plural has ``msgid_plural`` and one ``msgstr[i]`` per form of the
language's ``Plural-Forms``. English is the source (``locales/en``); ``locales/messages.pot`` is its
template, from which a translator starts a language with the usual tools (``pybabel init -l fr -i
locales/messages.pot -d locales``, Poedit, Weblate …). ``make translations`` brings every language up
to date after an English change (new texts empty, changed ones fuzzy) and ``make check-translations``
fails on a text without translation, a fuzzy (stale) one or different placeholders
(``scripts/translations.py``). Catalogs are compiled to ``.mo`` beside their ``.po`` when the ``.po``
is newer (at build time by make, else on first use), since reading the ``.po`` itself costs a fifth of
a second at every start. A text a language lacks is English.

Numbers, percentages, dates and plural forms are written by Babel from the language's CLDR locale.
``LOCALES`` holds our own choices for English and German (ISO dates in English, as the product always
showed them; German Excel's CSV with ``;``); a language without a record gets one derived from CLDR,
so a new language is a catalog file, no code.
"""
from __future__ import annotations

import gettext
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.numbers import format_compact_decimal, get_decimal_symbol, get_group_symbol

LOCALE_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
SOURCE = "en"


# --- the language's rules -------------------------------------------------------------------------

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


def derived_record(lang: str) -> LocaleRecord:
    """A language's record from CLDR alone: its short date with a four-digit year, day and month as
    two digits; its decimal and group marks; ';' in CSV where the decimal mark is a comma."""
    cldr = Locale.parse(lang)
    order = [part for part in cldr.date_formats["short"].pattern.replace("'", "").split() if part] or ["dd/MM/y"]
    pattern = order[0]
    separator = next((c for c in pattern if not c.isalpha()), "/")
    fields = [part for part in pattern.split(separator) if part]
    field = {"d": ("dd", "DD", "%d"), "M": ("MM", "MM", "%m"), "y": ("yyyy", "YYYY", "%Y")}
    parts = [field[part[0]] for part in fields if part[:1] in field]
    decimal, group = get_decimal_symbol(cldr), get_group_symbol(cldr)
    suffixes = tuple((size, format_compact_decimal(size, locale=cldr).replace("1", "", 1))
                     for size in (1e9, 1e6, 1e3))
    return LocaleRecord(cldr.get_display_name(lang)[:1].upper() + cldr.get_display_name(lang)[1:], str(cldr),
                        separator.join(p[0] for p in parts), separator.join(p[1] for p in parts),
                        ";" if decimal == "," else ",", decimal == ",", decimal + (group if len(group) == 1 else " "),
                        separator.join(p[2] for p in parts), separator.join(p[2] for p in parts if p[2] != "%Y"),
                        suffixes)


def locale(lang: str) -> LocaleRecord:
    """The record of a language: ours, else one derived from CLDR; English for an unknown code."""
    record = LOCALES.get(lang)
    if record is None:
        try:
            record = LOCALES.setdefault(lang, derived_record(lang))
        except (UnknownLocaleError, ValueError, KeyError):
            return LOCALES["en"]
    return record


# --- the words ------------------------------------------------------------------------------------

def compile_catalog(po: Path) -> bytes:
    """A ``.po`` file as a ``.mo``; fuzzy (stale) translations left out, so they read as English."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    with po.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _compiled(po: Path) -> bytes:
    """The ``.mo`` beside a ``.po`` when it is not older, else the ``.po`` compiled now (and kept beside
    it where the folder may be written)."""
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return mo.read_bytes()
    data = compile_catalog(po)
    try:  # written whole, then renamed: a process reading at the same moment never sees half a file
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        partial.write_bytes(data)
        os.replace(partial, mo)
    except OSError:
        pass  # a read-only installation compiles at every start: slower, still right
    return data


def read_compiled(data: bytes) -> tuple[dict[str, str], dict[str, tuple[str, ...]], str]:
    """(id → text, id → plural forms, the Plural-Forms rule) of a compiled catalog (GNU .mo format)."""
    order = "<" if struct.unpack("<I", data[:4])[0] == 0x950412DE else ">"
    count, originals, translations = struct.unpack(order + "3I", data[8:20])
    texts: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    rule = "(n != 1)"
    for number in range(count):
        size, start = struct.unpack(order + "2I", data[originals + 8 * number:originals + 8 * number + 8])
        original = data[start:start + size].decode("utf-8")
        size, start = struct.unpack(order + "2I", data[translations + 8 * number:translations + 8 * number + 8])
        translated = data[start:start + size].decode("utf-8")
        if not original:  # the header
            for line in translated.splitlines():
                if line.lower().startswith("plural-forms:") and "plural=" in line:
                    rule = line.split("plural=", 1)[1].strip().rstrip(";")
            continue
        key, found, msgid = original.partition("\x04")
        if not found:
            continue  # every message of ours has its id as context
        if "\x00" in msgid:
            plurals[key] = tuple(translated.split("\x00"))
        else:
            texts[key] = translated
    return texts, plurals, rule


def _load() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, tuple[str, ...]]], dict[str, str]]:
    catalogs, plurals, rules = {}, {}, {}
    found = sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    for code in sorted(found, key=lambda code: (code != SOURCE, code != "de", code)):
        texts, forms, rule = read_compiled(_compiled(LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"))
        # a plural id also answers without a number (its last form, the general one)
        catalogs[code] = {**texts, **{key: values[-1] for key, values in forms.items()}}
        plurals[code], rules[code] = forms, rule
    return catalogs, plurals, rules


CATALOGS, PLURALS, _RULES = _load()
_PLURAL_OF = {code: gettext.c2py(rule) for code, rule in _RULES.items()}


class _Family:
    """The ids of one family (``prefix``) in one language, looked up like a dictionary: a module
    that names its texts briefly (``text["velocity"]``) still reads them from this catalog."""

    def __init__(self, prefix: str, lang: str):
        self.prefix, self.lang = prefix, lang

    def __getitem__(self, key: str) -> str:
        return t(self.prefix + key, self.lang)

    def get(self, key: str, default=None):
        return t(self.prefix + key, self.lang) if self.prefix + key in CATALOGS[SOURCE] else default


def messages(prefix: str, lang: str) -> _Family:
    return _Family(prefix, lang)


def languages() -> dict[str, str]:
    """Code → own name of every language with a catalog."""
    return {code: locale(code).name for code in CATALOGS}


def _form(code: str, n) -> int:
    """The index of the plural form for ``n`` by the language's Plural-Forms rule (a fraction: the last)."""
    if float(n).is_integer():
        return _PLURAL_OF.get(code, _PLURAL_OF[SOURCE])(int(n))
    return -1


def template(key: str, lang: str = "en", n=None) -> str:
    """The unfilled text of a message id in a language (English where the language lacks it); with a
    number ``n``, the id's plural form for n when it has plural forms."""
    if isinstance(n, (int, float)) and not isinstance(n, bool):
        for code in (lang, SOURCE):
            forms = PLURALS.get(code, {}).get(key)
            if forms:
                return forms[min(_form(code, n), len(forms) - 1)]
    text = CATALOGS.get(lang, {}).get(key)
    return CATALOGS[SOURCE][key] if text is None else text


def t(key: str, lang: str = "en", **values) -> str:
    """The text of a message id in a language (English where the language lacks it), filled in.
    With ``n`` among the values, the id's plural form for n is used when it has plural forms."""
    text = template(key, lang, values.get("n"))
    return text.format(**values) if values else text
