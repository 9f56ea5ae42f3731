"""CoAction: create_app() is the only place the application is assembled. It has no side effects."""

from __future__ import annotations

import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from coaction import config as settings
from coaction.extensions import babel, cache, csrf, db, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(settings.ROOT / "templates"),
        static_folder=str(settings.ROOT / "static"),
    )
    app.config.update(settings.load(config))
    app.instance_path = app.config["INSTANCE_PATH"]

    from coaction import models  # noqa: F401  (the whole schema, for migrations)
    from coaction.i18n import init_language_switch, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(settings.ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    cache.init_app(app)

    from coaction.errors import init_error_handlers
    from coaction.security import init_security_headers
    from coaction.templating import init_templating

    init_language_switch(app)
    init_security_headers(app)
    init_error_handlers(app)
    init_templating(app)

    from coaction.public import bp as public_bp

    app.register_blueprint(public_bp)

    from coaction.cli import coaction_cli

    app.cli.add_command(coaction_cli)
    return app


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    """WAL, enforced foreign keys and a busy timeout on every SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
