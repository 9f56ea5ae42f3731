"""Settings from environment variables (COACTION_ prefix), with safe defaults per environment."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "testing", "production")


class ConfigError(RuntimeError):
    """The settings cannot run the app; the message says what to set."""


def setting(name: str, default: str | None = None, *, fallback: str | None = None) -> str | None:
    """COACTION_<name>, else the conventional variable `fallback` (DATABASE_URL, REDIS_URL), else default."""
    value = os.environ.get(f"COACTION_{name}")
    if value is None and fallback:
        value = os.environ.get(fallback)
    return default if value in (None, "") else value


def flag(name: str, default: bool) -> bool:
    value = setting(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def number(name: str, default: int) -> int:
    value = setting(name)
    try:
        return default if value is None else int(value)
    except ValueError as error:
        raise ConfigError(f"COACTION_{name} must be a whole number, not {value!r}") from error


def database_url(url: str) -> str:
    """SQLAlchemy reads postgresql:// as psycopg2; this project uses psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load(overrides: dict | None = None) -> dict:
    """The app's configuration: environment first, then `overrides` (tests pass theirs here)."""
    overrides = dict(overrides or {})
    env = overrides.pop("ENV", None) or setting("ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"COACTION_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    production = env == "production"
    instance = Path(setting("INSTANCE_PATH", str(ROOT / "instance")))
    config = {
        "ENV": env,
        "TESTING": env == "testing",
        "SECRET_KEY": setting("SECRET_KEY", fallback="SECRET_KEY"),
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url(
            setting("DATABASE_URL", f"sqlite:///{instance / 'coaction.sqlite3'}", fallback="DATABASE_URL")
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": setting("REDIS_URL", fallback="REDIS_URL"),
        "REDIS_PREFIX": setting("REDIS_PREFIX", "coaction:"),
        "SESSION_COOKIE_SECURE": flag("SECURE_COOKIES", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": flag("SECURE_COOKIES", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": number("MAX_CONTENT_MB", 12) * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": setting("TIMEZONE", "Europe/Stockholm"),
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "coaction" / "translations"),
        "LANGUAGES": ("sv", "en"),
        "TILE_URL": setting("TILE_URL", ""),
        "TILE_ATTRIBUTION": setting("TILE_ATTRIBUTION", ""),
        "HSTS": flag("HSTS", production),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }
    config.update(overrides)
    if not config["SECRET_KEY"]:
        if production:
            raise ConfigError(
                "COACTION_SECRET_KEY is not set. Production refuses to start without a secret key: "
                'set it to a long random value, e.g. python -c "import secrets; print(secrets.token_hex(32))"'
            )
        # Development and tests only: a fixed key so sessions survive a restart of the dev server.
        config["SECRET_KEY"] = "dev-only-not-secret"  # noqa: S105  # nosec B105
    config["CACHE_TYPE"] = "RedisCache" if config["REDIS_URL"] else "SimpleCache"
    config["CACHE_REDIS_URL"] = config["REDIS_URL"]
    config["CACHE_KEY_PREFIX"] = config["REDIS_PREFIX"] + "cache:"
    config["CACHE_DEFAULT_TIMEOUT"] = 60
    return config
