"""Password hashing (Argon2id) and strength (zxcvbn, with the person's own words as inputs)."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from coaction.core.text import slugify

MIN_LENGTH = 10
MIN_SCORE = 3  # zxcvbn: 0 (guessed at once) .. 4 (very strong)
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; a longer password is judged by its start
# zxcvbn's dictionaries are English only: Swedish words a password is often built from.
SWEDISH_WORDS = (
    "lösenord", "losenord", "sommar", "vinter", "hösten", "våren", "sverige", "stockholm", "södertälje",
    "sodertalje", "södertörn", "sodertorn", "kommun", "hemlig", "välkommen", "valkommen", "hej", "klimat",
)  # fmt: skip

_hasher = PasswordHasher()
# Verified against when the account does not exist, so that a wrong email costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-same-cost")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def personal_variants(texts: list[str]) -> list[str]:
    """'Anna Svensson' -> anna svensson, anna, svensson, annasvensson, and each without accents
    (Fjällbacka -> fjallbacka): the ways a name ends up in a password."""
    variants: list[str] = []
    for text in filter(None, texts):
        for spelling in {text.lower(), slugify(text).replace("-", " ")}:
            parts = [part for part in re.split(r"[^\w]+|_", spelling) if part]
            variants += [spelling, *parts, "".join(parts)]
    return variants


def password_problems(password: str, words: list[str]) -> list[str]:
    """What is wrong with a new password, as messages for the form; empty when it is good enough."""
    if len(password) < MIN_LENGTH:
        return [str(_l("Use at least %(count)d characters.", count=MIN_LENGTH))]
    judged = password[:ZXCVBN_MAX_LENGTH]
    result = zxcvbn(judged, user_inputs=[*personal_variants(words), *SWEDISH_WORDS])
    # zxcvbn multiplies the guesses of the pieces, so "annaberg1" scores well; refuse it when most of it is you.
    personal = sum(len(match["token"]) for match in result["sequence"] if match.get("dictionary_name") == "user_inputs")
    if personal * 2 > len(judged):
        return [
            str(_l("This password is mostly your name, email or organisation. Choose words that are not about you."))
        ]
    if result["score"] >= MIN_SCORE:
        return []
    return [str(_l("This password is too easy to guess. Add more words or characters that are not about you."))]


def personal_words(user) -> list[str]:
    """What a person's password must not be made of: name, email and organisation."""
    organisation = getattr(user, "organisation", None)
    return [user.name, user.email, organisation.name if organisation else ""]
