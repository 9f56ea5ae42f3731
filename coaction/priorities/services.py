"""The infrastructure priorities as plain operations: listing, editing with a dated status history, ordering,
supporters with moderation, and the public GeoJSON. Services flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coaction.audit.services import record
from coaction.core.text import slugify
from coaction.core.types import utcnow
from coaction.core.urls import public_urls
from coaction.extensions import db
from coaction.members.models import PUBLIC_STATUSES, Organisation
from coaction.priorities.models import (
    InfrastructurePriority,
    Plan,
    PriorityStatus,
    PriorityStatusChange,
    PrioritySupport,
    SupportState,
)


@dataclass
class PriorityDetails:
    name: str
    description: str
    status: PriorityStatus
    status_note: str
    responsible_body: str
    plan: Plan | None
    cost_msek: float | None
    geometry: dict | None
    approximate: bool


def ordered() -> list[InfrastructurePriority]:
    """With their history and supporters, which the list, the map and the report read for each."""
    query = (
        sa.select(InfrastructurePriority)
        .options(
            selectinload(InfrastructurePriority.history),
            selectinload(InfrastructurePriority.supports).joinedload(PrioritySupport.organisation),
        )
        .order_by(InfrastructurePriority.rank)
    )
    return list(db.session.scalars(query))


def by_slug(slug: str) -> InfrastructurePriority | None:
    return db.session.scalar(sa.select(InfrastructurePriority).where(InfrastructurePriority.slug == slug))


def _unique_slug(name: str, own_id: int | None = None) -> str:
    base = slugify(name, max_length=90)
    slug, number = base, 2
    while db.session.scalar(
        sa.select(InfrastructurePriority.id).where(
            InfrastructurePriority.slug == slug, InfrastructurePriority.id != (own_id or 0)
        )
    ):
        slug, number = f"{base}-{number}", number + 1
    return slug


def _apply(priority: InfrastructurePriority, details: PriorityDetails) -> None:
    priority.name = details.name.strip()
    priority.description = details.description.strip()
    priority.status_note = details.status_note.strip()
    priority.responsible_body = details.responsible_body.strip()
    priority.plan = details.plan
    priority.cost_msek = details.cost_msek
    priority.geometry = details.geometry
    priority.approximate = details.approximate


def create_priority(details: PriorityDetails, *, today: date, actor: Any, ip: str | None) -> InfrastructurePriority:
    last = db.session.scalar(sa.select(sa.func.max(InfrastructurePriority.rank))) or 0
    priority = InfrastructurePriority(slug=_unique_slug(details.name), rank=last + 1, status=details.status)
    _apply(priority, details)
    priority.history.append(
        PriorityStatusChange(status=details.status, changed_on=today, note=priority.status_note, actor=actor)
    )
    db.session.add(priority)
    db.session.flush()
    record(actor, "priority.created", priority, {"status": details.status.value}, ip)
    return priority


def update_priority(
    priority: InfrastructurePriority, details: PriorityDetails, *, today: date, actor: Any, ip: str | None
) -> None:
    """A change of status (or of its note) adds a dated step to the history; every change is audited."""
    before = {"status": priority.status.value, "status_note": priority.status_note, "name": priority.name}
    if details.status != priority.status or details.status_note.strip() != priority.status_note:
        priority.history.append(
            PriorityStatusChange(status=details.status, changed_on=today, note=details.status_note.strip(), actor=actor)
        )
    priority.status = details.status
    _apply(priority, details)
    db.session.flush()
    after = {"status": priority.status.value, "status_note": priority.status_note, "name": priority.name}
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    record(actor, "priority.updated", priority, changes, ip)


def move(priority: InfrastructurePriority, step: int, *, actor: Any, ip: str | None) -> bool:
    """One place up (-1) or down (+1) in the order; False at either end."""
    order = ordered()
    index = order.index(priority)
    other = index + step
    if not 0 <= other < len(order):
        return False
    neighbour = order[other]
    priority.rank, neighbour.rank = neighbour.rank, priority.rank
    db.session.flush()
    record(actor, "priority.moved", priority, {"rank": priority.rank}, ip)
    return True


# ---- supporters --------------------------------------------------------------------------------------------------


def support_of(priority: InfrastructurePriority, organisation_id: int) -> PrioritySupport | None:
    return db.session.scalar(
        sa.select(PrioritySupport).where(
            PrioritySupport.priority_id == priority.id, PrioritySupport.organisation_id == organisation_id
        )
    )


def state_support(
    priority: InfrastructurePriority, organisation: Organisation, statement: str, *, actor: Any, ip: str | None
) -> PrioritySupport:
    """A new or changed statement waits for the coordinator, as the first one did."""
    support = support_of(priority, organisation.id)
    if support is None:
        support = PrioritySupport(priority=priority, organisation=organisation)
        db.session.add(support)
    support.statement = statement.strip()[:500]
    support.state = SupportState.PENDING
    support.created_at = utcnow()  # the coordinator's decision names this version of the statement
    support.created_by_id = actor.id
    support.decided_by_id, support.decided_at = None, None
    db.session.flush()
    record(actor, "priority.support_stated", priority, {"organisation": organisation.name}, ip)
    return support


def withdraw_support(support: PrioritySupport, *, actor: Any, ip: str | None) -> None:
    record(actor, "priority.support_withdrawn", support.priority, {"organisation": support.organisation.name}, ip)
    db.session.delete(support)
    db.session.flush()


def decide_support(support: PrioritySupport, approve: bool, *, actor: Any, ip: str | None) -> None:
    support.state = SupportState.APPROVED if approve else SupportState.REJECTED
    support.decided_by_id, support.decided_at = actor.id, utcnow()
    db.session.flush()
    record(
        actor,
        "priority.support_approved" if approve else "priority.support_rejected",
        support.priority,
        {"organisation": support.organisation.name},
        ip,
    )


def supporters(priority: InfrastructurePriority) -> list[PrioritySupport]:
    """The approved supporters, by name: what the public sees."""
    return sorted(
        (
            support
            for support in priority.supports
            if support.state == SupportState.APPROVED and support.organisation.status in PUBLIC_STATUSES
        ),
        key=lambda support: support.organisation.name_key,
    )


def pending_supports() -> list[PrioritySupport]:
    return list(
        db.session.scalars(
            sa.select(PrioritySupport).where(PrioritySupport.state == SupportState.PENDING).order_by(PrioritySupport.id)
        )
    )


# ---- GeoJSON -----------------------------------------------------------------------------------------------------


def priorities_geojson() -> dict:
    """Each priority with a geometry as one Feature (RFC 7946, longitude first), in the network's order."""
    url = public_urls("priorities.show")
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": priority.id,
                "geometry": priority.geometry,
                "properties": {
                    "id": priority.id,
                    "slug": priority.slug,
                    "name": priority.name,
                    "rank": priority.rank,
                    "status": priority.status.value,
                    "plan": priority.plan.value if priority.plan else None,
                    "responsible_body": priority.responsible_body,
                    "cost_msek": priority.cost_msek,
                    "approximate": priority.approximate,
                    "supporters": len(supporters(priority)),
                    "url": url(slug=priority.slug),
                },
            }
            for priority in ordered()
            if priority.geometry is not None
        ],
    }
