"""Read and write the network's settings; reads are cached, writes clear the cache."""

from __future__ import annotations

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from coaction.core.models import Setting
from coaction.extensions import cache, db

DEFAULTS = {
    "network_name": "CoAction",
    "region_name": "",
    "demo": "false",
    # Follow-up of commitments: points under the straight line before "behind"; yearly or half-yearly reports.
    "status_tolerance": "10",
    "reporting_period": "yearly",
    "plan_minimum_measures": "5",  # measures a green travel plan should have, as CoAction Lund asks
}


@cache.memoize(timeout=60)
def _all_settings() -> dict[str, str]:
    stored = {row.key: row.value for row in db.session.scalars(db.select(Setting))}
    return DEFAULTS | stored


def get_setting(key: str) -> str:
    try:
        return _all_settings().get(key, DEFAULTS.get(key, ""))
    except SQLAlchemyError:
        # Error pages must render even when the database is down or not yet migrated.
        db.session.rollback()
        return DEFAULTS.get(key, "")


def is_demo() -> bool:
    return get_setting("demo") == "true"


def set_setting(key: str, value: str) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    db.session.flush()
    cache.delete_memoized(_all_settings)
    db.session.info["settings.changed"] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_cached_settings(session: Session, *_previous) -> None:
    """Cleared again when the write ends: a read meanwhile, on this server or another, cached the old value (or the
    one rolled back)."""
    if session.info.pop("settings.changed", False) and has_app_context():
        cache.delete_memoized(_all_settings)
