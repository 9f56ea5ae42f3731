"""Fixtures: one database per run and worker (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
the schema migrated once per worker, a fresh app per test, and every table emptied after each test."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from coaction import create_app
from coaction.config import database_url as driver_url
from coaction.extensions import db

RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)[:8]
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
E2E_DIR = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.path).is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)
        if {"app", "database_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


class PostgresServer:
    """Creates and drops this run's own databases on the server TEST_DATABASE_URL points at."""

    def __init__(self, url: str):
        self.url = make_url(driver_url(url))

    def _admin(self):
        import psycopg

        libpq_url = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        return psycopg.connect(libpq_url, autocommit=True, connect_timeout=5)

    def create(self, name: str) -> str:
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, name: str) -> None:
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def make_database(tmp_path_factory):
    """make_database(label) -> URL of an empty database of the kind this run tests, dropped at the end."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    server = PostgresServer(server_url) if server_url else None
    made: list[str] = []

    def make(label: str) -> str:
        if server is None:
            return f"sqlite:///{tmp_path_factory.mktemp(label) / 'coaction.sqlite3'}"
        name = f"coaction_test_{RUN_ID}_{WORKER}_{label}"
        made.append(name)
        return server.create(name)

    yield make
    for name in made:
        server.drop(name)


def app_config(database_url: str, **overrides) -> dict:
    return {
        "ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "CACHE_TYPE": "NullCache",
        "REDIS_PREFIX": f"coaction-test-{RUN_ID}-{WORKER}:",
        "SERVER_NAME": None,
        **overrides,
    }


@pytest.fixture(scope="session")
def database_url(make_database):
    """The worker's database, migrated to head once."""
    from flask_migrate import upgrade

    url = make_database("main")
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def empty_all_tables() -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(sa.text(f'DELETE FROM "{name}"'))  # noqa: S608 (names from our own schema)


@pytest.fixture
def app(database_url):
    app = create_app(app_config(database_url))
    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
