"""CoAction: create_app() is the only place the application is assembled. It has no side effects."""

from __future__ import annotations

import importlib
import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from coaction import config as settings
from coaction.extensions import babel, cache, compress, csrf, db, limiter, login_manager, mailer, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(settings.ROOT / "templates"),
        static_folder=str(settings.ROOT / "static"),
    )
    app.config.update(settings.load(config))
    app.instance_path = app.config["INSTANCE_PATH"]

    from coaction import models  # noqa: F401  (the whole schema, for migrations)
    from coaction.core.web import compressed_key
    from coaction.i18n import init_language_switch, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(settings.ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    cache.init_app(app)
    # A body is gzipped once per ETag (the body's hash), then served from the cache: the big GeoJSON layers.
    app.config.setdefault("COMPRESS_CACHE_BACKEND", lambda: cache)
    app.config.setdefault("COMPRESS_CACHE_KEY", compressed_key)
    compress.init_app(app)
    limiter.init_app(app)
    mailer.init_app(app)
    init_login(app)

    from coaction.errors import init_error_handlers
    from coaction.security import init_security_headers
    from coaction.templating import init_templating

    init_language_switch(app)
    init_security_headers(app)
    init_error_handlers(app)
    init_templating(app)

    from coaction.core.urls import DatabaseInteger

    app.url_map.converters["int"] = DatabaseInteger
    register_blueprints(app)

    from coaction.core.pagecache import init_page_cache

    init_page_cache(app)
    if app.config["PROXY_HOPS"]:  # outermost: the page cache keys on the host and scheme the visitor used
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from coaction.cli import coaction_cli

    app.cli.add_command(coaction_cli)
    return app


FEATURES = (
    "public",
    "auth",
    "admin",
    "mail",
    "members",
    "invitations",
    "goals",
    "commitments",
    "travel",
    "activities",
    "groups",
    "ties",
    "network",
    "opendata",
    "api",
    "maps",
    "priorities",
    "reports",
)


def register_blueprints(app: Flask) -> None:
    """Each feature's blueprint lives in its package; its views module adds the routes to it."""
    for feature in FEATURES:
        importlib.import_module(f"coaction.{feature}.views")
        app.register_blueprint(importlib.import_module(f"coaction.{feature}").bp)


def init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from coaction.auth.services import load_session_user

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_session_user)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    """WAL, enforced foreign keys and a busy timeout on every SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
