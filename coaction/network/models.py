from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coaction.core.types import UTCDateTime, enum_column, utcnow
from coaction.extensions import db
from coaction.members.models import Organisation
from coaction.ties.models import Tie, TieKind


class Scope(StrEnum):
    PUBLIC = "public"  # members, and external organisations through public activities; public activities only
    ALL = "all"  # everything: the network office's view


class NetworkSnapshot(db.Model):
    """The network measured at one time: the pages and the API read this, never the live graph."""

    __tablename__ = "network_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[Scope] = mapped_column(enum_column(Scope, name="network_scope"), index=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seconds: Mapped[float]
    organisations: Mapped[int]
    ties: Mapped[int]
    betweenness_sample: Mapped[int | None]  # None: exact
    figures: Mapped[dict] = mapped_column(sa.JSON)
    growth: Mapped[list] = mapped_column(sa.JSON)  # [[year, figures], ...]
    sector_pairs: Mapped[list] = mapped_column(sa.JSON)  # [[sector, sector, ties], ...]
    # Above the drawing's limit the drawing shows communities: [{"number", "size", "x", "y"}] and [[a, b, ties]].
    aggregated: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    communities: Mapped[list] = mapped_column(sa.JSON)
    community_ties: Mapped[list] = mapped_column(sa.JSON)


class NetworkNode(db.Model):
    __tablename__ = "network_node"
    __table_args__ = (sa.Index("ix_network_node_community", "snapshot_id", "community"),)

    snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("network_snapshot.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    degree: Mapped[int]
    weighted_degree: Mapped[float]
    betweenness: Mapped[float]
    pagerank: Mapped[float]
    clustering: Mapped[float]
    community: Mapped[int]
    articulation: Mapped[bool]
    # ",2021,2022," the years it worked with anyone: the period filter reads this rather than every tie
    active_years: Mapped[str] = mapped_column(sa.String(400), default="")
    x: Mapped[float | None]  # in the drawing (of the whole network, or of its community when aggregated)
    y: Mapped[float | None]

    organisation: Mapped[Organisation] = relationship()


class NetworkEdge(db.Model):
    """A pair that works together, all kinds added up (the kinds named)."""

    __tablename__ = "network_edge"
    __table_args__ = (
        sa.Index("ix_network_edge_b", "snapshot_id", "b_id"),
        sa.Index(
            "ix_network_edge_weight", "snapshot_id", "weight", "a_id", "b_id"
        ),  # the list of ties, strongest first
    )

    snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("network_snapshot.id", ondelete="CASCADE"), primary_key=True)
    a_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    b_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    kinds: Mapped[str] = mapped_column(sa.String(200))  # comma-separated, sorted
    weight: Mapped[float]
    first_seen: Mapped[date]
    last_seen: Mapped[date]


class NetworkState(db.Model):
    """One row: whether the snapshot is behind the data, and whether a refresh is queued (one at a time)."""

    __tablename__ = "network_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    dirty_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IntroductionState(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Introduction(db.Model):
    """One organisation asks to be introduced to another (from a suggestion); accepted, it becomes a tie."""

    __tablename__ = "introduction"
    __table_args__ = (sa.CheckConstraint("organisation_id <> partner_id", name="two_organisations"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[TieKind] = mapped_column(enum_column(TieKind, name="tie_kind"))
    message: Mapped[str] = mapped_column(sa.String(1000))
    state: Mapped[IntroductionState] = mapped_column(enum_column(IntroductionState, name="introduction_state"))
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tie_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tie.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    partner: Mapped[Organisation] = relationship(foreign_keys=[partner_id])
    tie: Mapped[Tie | None] = relationship()


class DismissedSuggestion(db.Model):
    __tablename__ = "dismissed_suggestion"

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
