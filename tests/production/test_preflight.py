"""`make serve` and `make worker` start only with what several app servers share: PostgreSQL, Redis, one secret key
(and a mail server, as all of production)."""

import pytest

from coaction.preflight import main

SHARED = {
    "COACTION_SECRET_KEY": "x" * 40,
    "COACTION_MAIL_SERVER": "smtp.example.se",
    "COACTION_DATABASE_URL": "postgresql://coaction@db.internal/coaction",
    "COACTION_REDIS_URL": "redis://cache.internal:6379/0",
}
CONVENTIONAL = {"COACTION_DATABASE_URL": "DATABASE_URL", "COACTION_REDIS_URL": "REDIS_URL"}


@pytest.fixture
def environment(monkeypatch):
    monkeypatch.setenv("COACTION_ENV", "development")  # the preflight asks as production whatever this says
    for name in (*SHARED, *CONVENTIONAL.values(), "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)

    def given(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return given


def test_the_shared_services_are_enough(environment, capsys):
    environment(**SHARED)
    assert main() == 0
    assert capsys.readouterr().err == ""


def test_the_conventional_names_are_read_too(environment):
    environment(**{CONVENTIONAL.get(name, name): value for name, value in SHARED.items()})
    assert main() == 0


@pytest.mark.parametrize("missing", SHARED)
def test_each_one_missing_is_refused_by_name(environment, capsys, missing):
    environment(**{name: value for name, value in SHARED.items() if name != missing})
    assert main() == 1
    assert capsys.readouterr().err.startswith(f"Refusing to start: {missing} ")


def test_sqlite_is_refused_for_several_servers(environment, capsys):
    environment(**SHARED | {"COACTION_DATABASE_URL": "sqlite:////srv/coaction/coaction.sqlite3"})
    assert main() == 1
    assert "PostgreSQL" in capsys.readouterr().err
