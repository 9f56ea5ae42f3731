"""Migrations go from empty to head and back, and the models match what they build."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from coaction import create_app
from coaction.extensions import db
from coaction.public.services import migration_head
from tests.conftest import app_config


def test_upgrade_downgrade_upgrade_and_models_match(make_database):
    app = create_app(app_config(make_database("migrations")))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata
            )
        assert differences == []
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert sa.inspect(connection).get_table_names() in ([], ["alembic_version"])
        upgrade()
        db.engine.dispose()


def test_rows_survive_an_upgrade_that_rebuilds_their_parent_table(make_database):
    """On SQLite a batch migration rebuilds a table; with foreign keys on, dropping the old one would cascade to
    the rows pointing at it (migrations/env.py turns them off while migrating). The registrations migration
    rebuilds `activity`: its participants must still be there after it, and the schema and data must still hold."""
    app = create_app(app_config(make_database("rebuild")))
    with app.app_context():
        upgrade(revision="8e747f522de7")  # the revision before event registrations
        rows = {
            "organisation": "(id, name, name_key, slug, sector, status, status_changed_at, created_at, updated_at) "
            "VALUES (1, 'A', 'a', 'a', 'business', 'member', '2026-01-01', '2026-01-01', '2026-01-01'), "
            "(2, 'B', 'b', 'b', 'business', 'member', '2026-01-01', '2026-01-01', '2026-01-01')",
            "activity": "(id, title, kind, starts_on, status, visibility, online, created_at, updated_at) "
            "VALUES (1, 'X', 'project', '2026-01-01', 'planned', 'public', false, '2026-01-01', '2026-01-01')",
            "activity_participant": "(activity_id, organisation_id, role, answer, created_at) "
            "VALUES (1, 1, 'lead', 'accepted', '2026-01-01'), (1, 2, 'partner', 'accepted', '2026-01-01')",
        }
        with db.engine.begin() as connection:
            for table, values in rows.items():
                connection.exec_driver_sql(f"INSERT INTO {table} {values}")  # noqa: S608 (fixed test rows)
        upgrade()
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM activity_participant").scalar() == 2
            assert connection.exec_driver_sql("SELECT registration_open FROM activity").scalar() in (0, False)
        db.engine.dispose()


def test_two_servers_upgrading_at_once_both_succeed(make_database):
    """`make serve` on several hosts runs `db upgrade` on each at the same moment: one migrates, the other waits for
    it (an advisory lock on PostgreSQL, the file lock on SQLite) and then finds nothing to do."""
    import os
    import subprocess  # nosec B404
    import sys

    url = make_database("upgrade-together")
    env = os.environ | {"COACTION_DATABASE_URL": url, "FLASK_SKIP_DOTENV": "1"}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]
    upgrades = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    outputs = [upgrade.communicate(timeout=300)[0].decode() for upgrade in upgrades]
    assert [upgrade.returncode for upgrade in upgrades] == [0, 0], outputs
    app = create_app(app_config(url))
    with app.app_context():
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_heads() == (migration_head(),)
        db.engine.dispose()
