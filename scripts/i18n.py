"""Keep the catalogues in step with the code: `python scripts/i18n.py update`.

Extracts messages, updates the Swedish and English catalogues, and fills the English one from the
English source text (msgid). Swedish entries left empty or fuzzy are listed: translate them in
coaction/translations/sv/LC_MESSAGES/messages.po (the test suite fails until every one is done)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "coaction" / "translations"
POT = TRANSLATIONS / "messages.pot"
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext"]


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)  # noqa: S603


def catalogue_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def fill_english() -> None:
    path = catalogue_path("en")
    with path.open("rb") as file:
        catalogue = read_po(file, locale="en")
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = tuple(message.id[min(i, 1)] for i in range(len(message.string) or 2))
        elif not message.string or message.fuzzy:
            message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as file:
        write_po(file, catalogue, width=100, omit_header=False, sort_output=True)


def untranslated(locale: str) -> list[str]:
    with catalogue_path(locale).open("rb") as file:
        catalogue = read_po(file, locale=locale)
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def update() -> None:
    pybabel("extract", "-F", "babel.cfg", *KEYWORDS, "--no-location", "--sort-output", "-o", str(POT), ".")
    pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--width", "100")
    fill_english()
    for message_id in untranslated("sv"):
        print(f"sv untranslated: {message_id}")


def apply(locale: str, json_file: str) -> None:
    """Write translations from a JSON object {msgid: msgstr} into a catalogue (for batch translating)."""
    import json

    translations = json.loads(Path(json_file).read_text(encoding="utf-8"))
    path = catalogue_path(locale)
    with path.open("rb") as file:
        catalogue = read_po(file, locale=locale)
    for message in catalogue:
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in translations:
            value = translations[key]
            if isinstance(message.id, tuple) != isinstance(value, list):
                raise SystemExit(f"{key!r}: give a list of forms for a plural message, a string otherwise")
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
    with path.open("wb") as file:
        write_po(file, catalogue, width=100, omit_header=False, sort_output=True)
    for message_id in untranslated(locale):
        print(f"{locale} untranslated: {message_id}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "apply":
        apply(sys.argv[2], sys.argv[3])
    else:
        update()
