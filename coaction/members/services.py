"""Organisations: creation with a unique slug, idempotent upserts for seeding."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from coaction.audit.services import record
from coaction.core.pagination import Page, paginate
from coaction.core.text import slugify
from coaction.core.types import casefold_key, utcnow
from coaction.extensions import db
from coaction.members.models import PUBLIC_STATUSES, MembershipEvent, MembershipStatus, Organisation, Sector
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


def change_status(
    organisation: Organisation,
    status: MembershipStatus,
    *,
    actor,
    note: str | None = None,
    ip: str | None = None,
) -> None:
    """The one way a membership status changes: dated in the history and audited."""
    if organisation.status == status:
        return
    previous = organisation.status
    db.session.add(
        MembershipEvent(
            organisation_id=organisation.id,
            from_status=previous,
            to_status=status,
            actor_id=getattr(actor, "id", None),
            note=note,
        )
    )
    record(actor, "organisation.status_changed", organisation, {"status": [str(previous), str(status)]}, ip)
    organisation.status = status
    organisation.status_changed_at = utcnow()
    if status == MembershipStatus.MEMBER and organisation.member_since is None:
        organisation.member_since = utcnow().date()
    db.session.flush()


def find_members(
    *,
    text: str = "",
    sector: Sector | None = None,
    municipality_id: int | None = None,
    page: int = 1,
    per_page: int = 30,
    clamp: bool = True,
) -> Page:
    """The public directory: members and paused members only, never prospects, applicants or partners."""
    query = (
        sa.select(Organisation)
        .where(Organisation.status.in_(PUBLIC_STATUSES))
        .options(joinedload(Organisation.municipality))
        .order_by(Organisation.name_key, Organisation.id)
    )
    if text.strip():
        query = query.where(Organisation.name_key.contains(casefold_key(text), autoescape=True))
    if sector is not None:
        query = query.where(Organisation.sector == sector)
    if municipality_id is not None:
        query = query.where(Organisation.municipality_id == municipality_id)
    return paginate(query, page, per_page, clamp)


def public_organisation(slug: str) -> Organisation | None:
    return db.session.scalar(
        sa.select(Organisation).where(Organisation.slug == slug, Organisation.status.in_(PUBLIC_STATUSES))
    )


def public_units(organisation: Organisation) -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.parent_id == organisation.id, Organisation.status.in_(PUBLIC_STATUSES))
            .order_by(Organisation.name_key)
        )
    )


def organisation_by_number(org_number: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.org_number == org_number))


def organisations_with_status(statuses) -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.status.in_(statuses)).order_by(Organisation.name_key)
        )
    )
