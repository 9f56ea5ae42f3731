"""Finding activities: the filters of the public list (and of its calendar feed), each organisation's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coaction.activities.models import Activity, ActivityKind, Answer, Participant
from coaction.activities.permissions import visible_clause
from coaction.core.pagination import Page, paginate
from coaction.core.status import WorkStatus
from coaction.extensions import db
from coaction.members.models import Organisation

PER_PAGE = 25
FEED_LIMIT = 1_000  # a calendar feed holds the latest this many


@dataclass(frozen=True)
class Filters:
    kind: ActivityKind | None = None
    focus_area_id: int | None = None
    status: WorkStatus | None = None
    organisation_id: int | None = None
    municipality_id: int | None = None
    period_from: date | None = None
    period_to: date | None = None


def takes_part_clause(organisation_id: int) -> sa.ColumnElement[bool]:
    return Activity.id.in_(
        sa.select(Participant.activity_id).where(
            Participant.organisation_id == organisation_id, Participant.answer == Answer.ACCEPTED
        )
    )


def where_clauses(viewer: Any, filters: Filters) -> list[sa.ColumnElement[bool]]:
    clauses = [visible_clause(viewer)]
    if filters.kind:
        clauses.append(Activity.kind == filters.kind)
    if filters.focus_area_id:
        clauses.append(Activity.focus_area_id == filters.focus_area_id)
    if filters.status:
        clauses.append(Activity.status == filters.status)
    if filters.organisation_id:
        clauses.append(takes_part_clause(filters.organisation_id))
    if filters.municipality_id:
        # Where it takes place, or where one of the organisations taking part is.
        located = (
            sa.select(Participant.activity_id)
            .join(Organisation)
            .where(Participant.answer == Answer.ACCEPTED, Organisation.municipality_id == filters.municipality_id)
        )
        clauses.append(sa.or_(Activity.municipality_id == filters.municipality_id, Activity.id.in_(located)))
    if filters.period_from:  # overlaps the period
        clauses.append(sa.func.coalesce(Activity.ends_on, Activity.starts_on) >= filters.period_from)
    if filters.period_to:
        clauses.append(Activity.starts_on <= filters.period_to)
    return clauses


def activity_query(viewer: Any, filters: Filters) -> sa.Select:
    return (
        sa.select(Activity)
        .where(*where_clauses(viewer, filters))
        .order_by(Activity.starts_on.desc(), Activity.id.desc())
    )


def find_activities(viewer: Any, filters: Filters, page: int = 1, per_page: int = PER_PAGE, clamp: bool = True) -> Page:
    """A page, with the organisations taking part loaded (the list names the leads)."""
    participants = selectinload(Activity.participants).selectinload(Participant.organisation)
    return paginate(activity_query(viewer, filters).options(participants), page, per_page, clamp)


def feed_activities(viewer: Any, filters: Filters) -> list[Activity]:
    """The newest FEED_LIMIT for a calendar feed: the events only, nobody's participation."""
    return list(db.session.scalars(activity_query(viewer, filters).limit(FEED_LIMIT)))
