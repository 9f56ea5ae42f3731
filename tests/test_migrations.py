"""Migrations go from empty to head and back, and the models match what they build."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from coaction import create_app
from coaction.extensions import db
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
