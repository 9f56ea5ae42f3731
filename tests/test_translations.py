"""Every message is translated in both languages, and nothing is fuzzy."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "coaction" / "translations"


def catalogue(locale):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=locale)


def pot_ids():
    with (TRANSLATIONS / "messages.pot").open("rb") as file:
        return {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(file) if message.id}


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_no_message_is_empty_or_fuzzy(locale):
    problems = []
    for message in catalogue(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            problems.append(message.id)
    assert problems == []


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_catalogue_holds_every_extracted_message(locale):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(locale) if m.id}
    assert pot_ids() <= ids


def test_swedish_is_really_swedish():
    swedish = {m.id: m.string for m in catalogue("sv") if m.id}
    assert swedish["Members"] == "Medlemmar"
    assert swedish["Commitments"] == "Åtaganden"
    different = [message_id for message_id, text in swedish.items() if text != message_id]
    assert len(different) > 0.8 * len(swedish)


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_every_translation_keeps_the_placeholders(locale):
    """A translation that drops or renames %(name)s breaks at run time, or says something else."""
    import re

    placeholders = re.compile(r"%\((\w+)\)[sd]")
    problems = []
    for message in catalogue(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(placeholders.findall(text) for text in ids))
        needed = expected - {"num"}  # a singular form may write "one" for the count
        for text in strings:
            found = set(placeholders.findall(text))
            if not found <= expected or not needed <= found or len(text.strip()) < 2:
                problems.append((ids[0], text))
    assert problems == []
