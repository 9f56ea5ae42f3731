from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coaction.auth.models import User
from coaction.core.types import UTCDateTime, enum_column, utcnow
from coaction.extensions import db
from coaction.members.models import Organisation


class PriorityStatus(StrEnum):
    """Where a priority stands in Swedish transport planning, from an idea to a finished link."""

    PROPOSED = "proposed"  # pushed by the network, not yet in any study
    STUDIED = "studied"  # an åtgärdsvalsstudie (ÅVS) or other study is done or under way
    PLANNING = "planning"  # road or railway plan being drawn up or examined
    IN_PLAN = "in_plan"  # in the adopted national or regional plan
    BUILDING = "building"
    DONE = "done"


class Plan(StrEnum):
    NATIONAL = "national"  # the national transport infrastructure plan
    REGIONAL = "regional"  # the county's regional plan (länsplan)


class SupportState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class InfrastructurePriority(db.Model):
    __tablename__ = "infrastructure_priority"
    __table_args__ = (sa.CheckConstraint("rank >= 1", name="rank_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    rank: Mapped[int] = mapped_column(index=True)
    status: Mapped[PriorityStatus] = mapped_column(enum_column(PriorityStatus))
    status_note: Mapped[str] = mapped_column(sa.Text, default="")
    responsible_body: Mapped[str] = mapped_column(sa.String(200), default="")
    plan: Mapped[Plan | None] = mapped_column(enum_column(Plan))
    cost_msek: Mapped[float | None]  # million SEK
    geometry: Mapped[dict | None] = mapped_column(sa.JSON)  # a GeoJSON geometry, longitude first
    # The seeds give names and status notes only: what was filled in from elsewhere is labelled approximate.
    approximate: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    history: Mapped[list[PriorityStatusChange]] = relationship(
        back_populates="priority", cascade="all, delete-orphan", order_by="PriorityStatusChange.id.desc()"
    )
    supports: Mapped[list[PrioritySupport]] = relationship(
        back_populates="priority", cascade="all, delete-orphan", order_by="PrioritySupport.id"
    )


class PriorityStatusChange(db.Model):
    """A dated step in a priority's status history (the first is its status when entered)."""

    __tablename__ = "priority_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(
        sa.ForeignKey("infrastructure_priority.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[PriorityStatus] = mapped_column(enum_column(PriorityStatus))
    changed_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    priority: Mapped[InfrastructurePriority] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()


class PrioritySupport(db.Model):
    """An organisation's stated support, shown once the coordinator has approved it."""

    __tablename__ = "priority_support"
    __table_args__ = (sa.UniqueConstraint("priority_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(sa.ForeignKey("infrastructure_priority.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    statement: Mapped[str] = mapped_column(sa.String(500))
    state: Mapped[SupportState] = mapped_column(enum_column(SupportState), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    priority: Mapped[InfrastructurePriority] = relationship(back_populates="supports")
    organisation: Mapped[Organisation] = relationship()
