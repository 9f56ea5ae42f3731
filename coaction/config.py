"""Settings from environment variables (COACTION_ prefix), with safe defaults per environment."""

from __future__ import annotations

import os
from datetime import timedelta
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


def kind_factors(text: str) -> dict[str, float]:
    """ "working_group=1.5,funding=0.5" as a dict."""
    factors = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        kind, _, value = part.partition("=")
        try:
            factors[kind.strip()] = float(value)
        except ValueError as error:
            raise ConfigError(f"COACTION_NETWORK_KIND_FACTORS: {part!r} is not kind=number") from error
    return factors


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
        # Uploaded files (logos); on several app servers, a directory they all share.
        "UPLOAD_PATH": setting("UPLOAD_PATH", str(instance / "uploads")),
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
        # The one page other sites may put in a frame: the embeddable map.
        "FRAMEABLE_ENDPOINTS": ("maps.embed",),
        "HSTS": flag("HSTS", production),
        # Absolute links in mails come from here, never from the request's Host header.
        "BASE_URL": setting("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # Behind a reverse proxy: how many proxies' X-Forwarded-* headers to trust (0: none).
        "PROXY_HOPS": number("PROXY_HOPS", 0),
        "REMEMBER_COOKIE_DURATION": timedelta(days=number("REMEMBER_DAYS", 30)),
        "RESET_TOKEN_HOURS": number("RESET_TOKEN_HOURS", 2),
        "EMAIL_TOKEN_HOURS": number("EMAIL_TOKEN_HOURS", 48),
        "INVITATION_DAYS": number("INVITATION_DAYS", 14),
        # Mail: SMTP when a server is set, otherwise kept in the outbox table and the log.
        "MAIL_SERVER": setting("MAIL_SERVER"),
        "MAIL_PORT": number("MAIL_PORT", 25),
        "MAIL_USERNAME": setting("MAIL_USERNAME"),
        "MAIL_PASSWORD": setting("MAIL_PASSWORD"),
        "MAIL_USE_TLS": flag("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": flag("MAIL_USE_SSL", False),
        "MAIL_TIMEOUT": number("MAIL_TIMEOUT", 20),
        "MAIL_DEFAULT_SENDER": setting("MAIL_DEFAULT_SENDER", "CoAction <noreply@coaction.example>"),
        # Rate limits, in Flask-Limiter's notation; settings so that a benchmark can lift them and say so.
        "RATELIMIT_ENABLED": flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": setting("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "RESET_RATE_LIMIT": setting("RESET_RATE_LIMIT", "5 per minute;20 per hour"),
        "FORM_RATE_LIMIT": setting("FORM_RATE_LIMIT", "20 per minute;200 per hour"),
        "INVITE_RATE_LIMIT": setting("INVITE_RATE_LIMIT", "30 per hour"),
        "REGISTRATION_RATE_LIMIT": setting("REGISTRATION_RATE_LIMIT", "20 per minute;200 per hour"),
        # Introduction requests land in other organisations' mailboxes: few per organisation admin.
        "INTRODUCTION_RATE_LIMIT": setting("INTRODUCTION_RATE_LIMIT", "10 per hour;30 per day"),
        # Per survey and address: generous, since a whole office may answer from behind one address.
        "SURVEY_RATE_LIMIT": setting("SURVEY_RATE_LIMIT", "60 per minute;1000 per hour"),
        # The API: reads per address, writes per token; tokens live at most API_TOKEN_MAX_DAYS.
        "API_RATE_LIMIT": setting("API_RATE_LIMIT", "120 per minute;3000 per hour"),
        "API_WRITE_RATE_LIMIT": setting("API_WRITE_RATE_LIMIT", "30 per minute;500 per day"),
        "API_TOKEN_MAX_DAYS": number("API_TOKEN_MAX_DAYS", 365),
        # Compression of the API's answers and the open-data downloads (gzip, which every client reads).
        "COMPRESS_REGISTER": False,
        "COMPRESS_ALGORITHM": ["gzip"],
        "COMPRESS_MIMETYPES": ["application/json", "application/geo+json", "text/csv"],
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Whole answers to anonymous visitors of these endpoints come from the cache until the data changes
        # (coaction/core/pagecache.py; tests/benchmarks/bench_national.py measured why).
        "PAGE_CACHE": flag("PAGE_CACHE", True),
        "PAGE_CACHE_SECONDS": number("PAGE_CACHE_SECONDS", 300),
        # Each app process's own copies of those answers, checked against the shared generation on every hit.
        "PAGE_CACHE_LOCAL_MB": number("PAGE_CACHE_LOCAL_MB", 32),
        "PAGE_CACHED_ENDPOINTS": (
            "public.home",
            "members.directory",
            "commitments.index",
            "activities.index",
            "maps.index",
            "network.index",
            "priorities.index",
            "goals.index",
            "reports.index",
            "api.organisations",
            "api.commitments",
            "api.activities",
            "api.commitments_geojson",
            "api.organisations_geojson",
            "api.activities_geojson",
            "api.priorities_geojson",
        ),
        # The collaboration network: recomputed in the background after a change (off: only network-refresh).
        "NETWORK_AUTO_REFRESH": flag("NETWORK_AUTO_REFRESH", True),
        # Exact betweenness is cubic; above this many organisations it is sampled from this many sources
        # (tests/benchmarks/bench_network.py measured both).
        "NETWORK_EXACT_BETWEENNESS_UP_TO": number("NETWORK_EXACT_BETWEENNESS_UP_TO", 1000),
        "NETWORK_BETWEENNESS_SAMPLE": number("NETWORK_BETWEENNESS_SAMPLE", 100),
        # Above this many organisations the drawing shows communities, each opened on its own.
        "NETWORK_DRAWN_AT_MOST": number("NETWORK_DRAWN_AT_MOST", 2000),
        # A pair's weight halves every this many years since it last worked together (0: never).
        "NETWORK_HALF_LIFE_YEARS": number("NETWORK_HALF_LIFE_YEARS", 3),
        # A factor per kind of edge ("activity", "working_group", a tie's kind); a kind not named counts 1.
        "NETWORK_KIND_FACTORS": kind_factors(setting("NETWORK_KIND_FACTORS", "")),
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
    if production and not config["MAIL_SERVER"]:
        raise ConfigError(
            "COACTION_MAIL_SERVER is not set. Production sends mail by SMTP (password resets, invitations); "
            "without a server mail would only be kept in the database. Set COACTION_MAIL_SERVER and friends."
        )
    # Derived from the settings above unless given explicitly.
    redis_url, prefix = config["REDIS_URL"], config["REDIS_PREFIX"]
    config.setdefault("MAIL_BACKEND", "smtp" if config["MAIL_SERVER"] else "locmem")
    config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    config.setdefault("RATELIMIT_KEY_PREFIX", prefix + "limits")
    config.setdefault("CACHE_TYPE", "RedisCache" if redis_url else "SimpleCache")
    config.setdefault("CACHE_REDIS_URL", redis_url)
    config.setdefault("CACHE_KEY_PREFIX", prefix + "cache:")
    config.setdefault("CACHE_DEFAULT_TIMEOUT", 60)
    return config


def require_shared_services(config: dict) -> None:
    """Several app servers behind a load balancer (`make serve`) keep no state of their own: the data is in one
    PostgreSQL, the cache, rate limits and job queue in one Redis. Refuse what would leave state in one process."""
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        raise ConfigError(
            "COACTION_DATABASE_URL (or DATABASE_URL) is not set to PostgreSQL. Several app servers share one "
            "database: set it, e.g. postgresql://coaction@db.internal/coaction"
        )
    if not config["REDIS_URL"]:
        raise ConfigError(
            "COACTION_REDIS_URL (or REDIS_URL) is not set. Several app servers share their cache, rate limits and "
            "job queue through Redis: set it, e.g. redis://cache.internal:6379/0"
        )
