"""What the home page and the health check need to know."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from coaction.config import ROOT
from coaction.extensions import cache, db
from coaction.members.models import PUBLIC_STATUSES, Organisation
from coaction.regions.models import Municipality


@functools.cache
def migration_head(directory: str = str(ROOT / "migrations")) -> str | None:
    config = Config()
    config.set_main_option("script_location", directory)
    return ScriptDirectory.from_config(config).get_current_head()


def database_health() -> dict:
    """The database answers, and the schema is at the migration head."""
    try:
        current = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        return {"database": "error", "detail": type(error).__name__, "migration": None, "head": migration_head()}
    head = migration_head()
    return {"database": "ok", "migration": current, "head": head, "up_to_date": current == head}


@cache.memoize(timeout=60)  # figures for the home page: a minute old is fine
def network_overview() -> dict:
    members = db.session.scalar(
        sa.select(sa.func.count()).select_from(Organisation).where(Organisation.status.in_(PUBLIC_STATUSES))
    )
    municipalities = db.session.scalar(
        sa.select(sa.func.count()).select_from(Municipality).where(Municipality.in_network.is_(True))
    )
    return {"members": members or 0, "municipalities": municipalities or 0}
