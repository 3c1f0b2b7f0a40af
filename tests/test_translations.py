"""The catalogs are gettext's: every English text has its German translation and none is stale
(``make check-translations``); an English change reaches a language as fuzzy, a new text as empty,
and the check names both."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from i18n import LOCALE_DIR, compile_catalog, read_compiled
from scripts import translations

ROOT = Path(__file__).resolve().parent.parent


def test_every_text_has_a_german_translation_in_step_with_the_english():
    assert translations.problems() == []
    done = subprocess.run([sys.executable, "scripts/translations.py", "check"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "Every text is translated and in step." in done.stdout


def test_the_template_holds_every_english_text_for_a_translator():
    with (LOCALE_DIR / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        english = read_po(handle)
    assert {(m.context, m.id) for m in template if m.id} == {(m.context, m.id) for m in english if m.id}
    assert all(not m.string or m.string == ("", "") for m in template if m.id)


def edit(path: Path, change) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    change(catalog)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)


def test_a_changed_english_text_makes_the_translation_stale_and_a_new_one_untranslated(tmp_path):
    folder = tmp_path / "locales"
    shutil.copytree(LOCALE_DIR, folder, ignore=shutil.ignore_patterns("*.mo"))
    english = folder / "en" / "LC_MESSAGES" / "messages.po"

    def change(catalog):
        old = next(m for m in catalog if m.context == "committed")
        catalog.delete(old.id, context="committed")
        catalog.add("Committed at start", "Committed at start", context="committed")
        catalog.add("A text added today", "A text added today", context="brand_new")
    edit(english, change)
    translations.update(folder)
    assert sorted(translations.problems(folder)) == [
        "de: brand_new: no translation of 'A text added today'",
        "de: committed: stale, the English is now 'Committed at start'"]
    # a stale translation is left out of the compiled catalog: the page shows the current English
    texts, _, _ = read_compiled(compile_catalog(folder / "de" / "LC_MESSAGES" / "messages.po"))
    assert "committed" not in texts and texts["completed"] == "Erledigt"


def test_a_german_text_with_other_placeholders_is_named(tmp_path):
    folder = tmp_path / "locales"
    shutil.copytree(LOCALE_DIR, folder, ignore=shutil.ignore_patterns("*.mo"))

    def change(catalog):
        next(m for m in catalog if m.context == "running_now").string = "Läuft gerade"  # {sprint} and {end} lost
    edit(folder / "de" / "LC_MESSAGES" / "messages.po", change)
    assert [line.split(":")[:2] for line in translations.problems(folder)] == [["de", " running_now"]]


def test_a_plural_singular_may_leave_out_the_number_but_no_form_fills_a_value_the_english_has_not(tmp_path):
    folder = tmp_path / "locales"
    shutil.copytree(LOCALE_DIR, folder, ignore=shutil.ignore_patterns("*.mo"))
    english = next(m for m in translations.read(folder / "en" / "LC_MESSAGES" / "messages.po")
                   if m.context == "imp_t_not_plain")
    assert english.id == ("A number refused", "{n} numbers refused")  # the singular says no {n}
    assert translations.problems(folder) == []

    def change(catalog):
        next(m for m in catalog if m.context == "imp_t_not_plain").string = ("Eine Zahl abgelehnt",
                                                                              "{count} Zahlen abgelehnt")
    edit(folder / "de" / "LC_MESSAGES" / "messages.po", change)
    assert [line.split(":")[:2] for line in translations.problems(folder)] == [["de", " imp_t_not_plain"]]
