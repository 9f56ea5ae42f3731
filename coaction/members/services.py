"""Organisations: creation with a unique slug, idempotent upserts for seeding."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from coaction.core.text import slugify
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.members.models import MembershipStatus, Organisation, Sector
from coaction.regions.models import Municipality


def unique_slug(name: str) -> str:
    base = slugify(name)
    taken = set(db.session.scalars(sa.select(Organisation.slug).where(Organisation.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def upsert_organisation(
    name: str,
    *,
    sector: Sector,
    status: MembershipStatus,
    municipality: Municipality | None = None,
    parent: Organisation | None = None,
    member_since: date | None = None,
    **fields,
) -> Organisation:
    """Find by name (seeding is keyed on names) or create; then set every given field."""
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, slug=unique_slug(name))
        db.session.add(organisation)
    if organisation.status != status:
        organisation.status_changed_at = utcnow()
    organisation.status = status
    organisation.sector = sector
    organisation.municipality = municipality
    organisation.parent = parent
    organisation.member_since = member_since
    if municipality is not None and fields.get("latitude") is None:
        fields.setdefault("latitude", municipality.latitude)
        fields.setdefault("longitude", municipality.longitude)
    for key, value in fields.items():
        setattr(organisation, key, value)
    db.session.flush()
    return organisation
