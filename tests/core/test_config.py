import pytest

from coaction import create_app
from coaction.config import ConfigError, database_url, load


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("COACTION_SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("COACTION_ENV", "production")
    with pytest.raises(ConfigError, match="COACTION_SECRET_KEY"):
        create_app()


def test_production_with_a_secret_key_marks_cookies_secure(monkeypatch):
    monkeypatch.setenv("COACTION_ENV", "production")
    monkeypatch.setenv("COACTION_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("COACTION_MAIL_SERVER", "smtp.example.se")
    config = load()
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["HSTS"] is True


def test_development_serves_plain_http_cookies(monkeypatch):
    monkeypatch.delenv("COACTION_ENV", raising=False)
    monkeypatch.delenv("COACTION_SECURE_COOKIES", raising=False)
    config = load()
    assert config["ENV"] == "development"
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_prefixed_setting_wins_over_the_conventional_one(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://a@h/one")
    assert load()["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://a@h/one"
    monkeypatch.setenv("COACTION_DATABASE_URL", "postgres://b@h/two")
    assert load()["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://b@h/two"


def test_unknown_environment_and_bad_numbers_are_clear_errors(monkeypatch):
    monkeypatch.setenv("COACTION_ENV", "staging")
    with pytest.raises(ConfigError, match="COACTION_ENV"):
        load()
    monkeypatch.setenv("COACTION_ENV", "development")
    monkeypatch.setenv("COACTION_MAX_CONTENT_MB", "lots")
    with pytest.raises(ConfigError, match="whole number"):
        load()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_postgresql_urls_use_psycopg_3(given, expected):
    assert database_url(given) == expected


def test_redis_url_switches_the_cache_to_redis(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    config = load()
    assert config["CACHE_TYPE"] == "RedisCache"
    assert config["CACHE_KEY_PREFIX"].startswith(config["REDIS_PREFIX"])


def test_production_refuses_to_start_without_a_mail_server(monkeypatch):
    monkeypatch.setenv("COACTION_ENV", "production")
    monkeypatch.setenv("COACTION_SECRET_KEY", "x" * 40)
    monkeypatch.delenv("COACTION_MAIL_SERVER", raising=False)
    with pytest.raises(ConfigError, match="COACTION_MAIL_SERVER"):
        load()
