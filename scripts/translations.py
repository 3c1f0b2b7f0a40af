"""Keep every language's catalog in step with the English one (``locales/en/LC_MESSAGES/messages.po``).

    python scripts/translations.py update   # the template and every language brought up to date, .mo compiled
    python scripts/translations.py check    # exit 1 naming each text without translation, stale or with other placeholders
    python scripts/translations.py compile  # the .mo of every .po

A new or changed English text goes into the English catalog (``msgctxt`` the id the code looks up,
``msgid`` the text); ``update`` copies it to ``msgstr`` there, writes ``locales/messages.pot`` and
merges that into every other language with Babel's catalog update (gettext's msgmerge): a new text
arrives untranslated, a changed one keeps its old translation marked fuzzy, until a translator sees
to it. ``check`` (``make check-translations``, and ``tests/test_translations.py``) fails on either.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from i18n import DOMAIN, LOCALE_DIR, SOURCE, compile_catalog  # noqa: E402

WIDTH = 100
PLACEHOLDER = re.compile(r"(?<!{){(\w+)")


def catalog_path(folder: Path, code: str) -> Path:
    return folder / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def write(path: Path, catalog: Catalog, **options) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=WIDTH, **options)


def languages(folder: Path) -> list[str]:
    return sorted(path.parent.parent.name for path in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
                  if path.parent.parent.name != SOURCE)


def update(folder: Path = LOCALE_DIR) -> None:
    """English to itself, the template from English, every language merged with the template."""
    english = read(catalog_path(folder, SOURCE))
    template = Catalog(domain=DOMAIN, project=english.project, version=english.version,
                       copyright_holder=english.copyright_holder, msgid_bugs_address=english.msgid_bugs_address,
                       header_comment=english.header_comment, creation_date=english.creation_date, fuzzy=False)
    for message in english:
        if message.id:
            message.string = message.id  # English is its own translation (the .mo then holds it)
            message.flags.discard("fuzzy")
            template.add(message.id, "", context=message.context, auto_comments=message.auto_comments,
                         flags=message.flags - {"fuzzy"})
    write(catalog_path(folder, SOURCE), english)
    write(folder / f"{DOMAIN}.pot", template)
    for code in languages(folder):
        catalog = read(catalog_path(folder, code))
        catalog.update(template, update_header_comment=False, update_creation_date=False)
        write(catalog_path(folder, code), catalog, ignore_obsolete=True)
    compile_all(folder)


def compile_all(folder: Path = LOCALE_DIR) -> None:
    for po in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        po.with_suffix(".mo").write_bytes(compile_catalog(po))


def problems(folder: Path = LOCALE_DIR) -> list[str]:
    """Every text of every language that has no translation, is fuzzy (its English changed since it
    was translated) or fills other values than the English: empty when all is in step."""
    english = {message.context: message for message in read(catalog_path(folder, SOURCE)) if message.id}
    found = []
    for code in languages(folder):
        translated = {message.context: message for message in read(catalog_path(folder, code)) if message.id}
        for key, source in english.items():
            message = translated.get(key)
            strings = [] if message is None else \
                list(message.string) if isinstance(message.string, tuple) else [message.string]
            if message is None or not all(strings):
                found.append(f"{code}: {key}: no translation of {_shown(source.id)}")
            elif message.fuzzy or message.id != source.id:
                found.append(f"{code}: {key}: stale, the English is now {_shown(source.id)}")
            elif _fills(strings) != _fills(source.id) or any(_fills(s) - _fills(source.id) for s in strings):
                found.append(f"{code}: {key}: fills other values than the English {_shown(source.id)}")
        found += [f"{code}: {key}: not in the English catalog" for key in translated if key not in english]
    return found


def _first(msgid) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _fills(texts) -> set[str]:
    """The values a text fills; of plural forms, those any form fills (the singular may say "a
    number" where the others say "{n} numbers", but no form may fill a value the English has not)."""
    texts = texts if isinstance(texts, (tuple, list)) else [texts]
    return {name for text in texts for name in PLACEHOLDER.findall(text)}


def _shown(msgid) -> str:
    text = _first(msgid)
    return repr(text if len(text) <= 60 else text[:59] + "…")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
        print(f"Catalogs updated: {', '.join([SOURCE, *languages(LOCALE_DIR)])}; template {DOMAIN}.pot.")
        return 0
    if command == "compile":
        compile_all()
        return 0
    if command == "check":
        found = problems()
        for line in found:
            print(line)
        print(f"{len(found)} translation problem(s)." if found else "Every text is translated and in step.")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
