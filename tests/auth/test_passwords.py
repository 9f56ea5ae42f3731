import pytest

from coaction.auth.passwords import hash_password, needs_rehash, password_problems, verify_password


def test_hash_is_argon2id_and_verifies():
    hashed = hash_password("ett långt lösenord")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "ett långt lösenord")
    assert not verify_password(hashed, "ett långt lösenorD")
    assert not needs_rehash(hashed)


@pytest.mark.parametrize("broken", [None, "", "plain-text", "$argon2id$garbage"])
def test_missing_or_broken_hash_never_verifies(broken):
    assert not verify_password(broken, "anything at all")


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("kort", []),
        ("123456789", []),
        ("lösenord123", []),
        ("Sommar2026!", []),
        ("annasvensson1", ["Anna Svensson", "anna@example.se"]),
        ("scaniascania", ["Scania CV AB"]),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, words):
    problems = password_problems(password, words)
    assert problems and problems[0]


@pytest.mark.parametrize("password", ["lagom-Kanel-Tåg-91", "correct horse battery staple", "Fjällräv pumpar 7 cyklar"])
def test_strong_passwords_pass(password):
    assert password_problems(password, ["Anna Svensson", "anna@example.se"]) == []


def test_a_very_long_password_is_judged_not_refused():
    assert password_problems("Cykel båt tåg buss " * 20, ["Anna"]) == []
