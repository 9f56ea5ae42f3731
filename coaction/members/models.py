from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from coaction.core.types import UTCDateTime, casefold_key, enum_column, utcnow
from coaction.extensions import db
from coaction.members.orgnr import normalise_org_number
from coaction.regions.models import Municipality


class Sector(StrEnum):
    MUNICIPALITY = "municipality"
    REGION = "region"
    AUTHORITY = "authority"
    BUSINESS = "business"
    ENERGY = "energy"
    REAL_ESTATE = "real_estate"
    IT = "it"
    INDUSTRY = "industry"
    TRANSPORT = "transport"
    ACADEMIA = "academia"
    ASSOCIATION = "association"
    OTHER = "other"


class MembershipStatus(StrEnum):
    PROSPECT = "prospect"
    INVITED = "invited"
    APPLIED = "applied"
    MEMBER = "member"
    PAUSED = "paused"
    LEFT = "left"
    REJECTED = "rejected"
    EXTERNAL = "external"  # works with the network (funder, authority, guest) without being a member


# Shown in the public member directory; prospects, applicants and external partners never are.
PUBLIC_STATUSES = (MembershipStatus.MEMBER, MembershipStatus.PAUSED)


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (
        sa.CheckConstraint("employees IS NULL OR employees >= 0", name="employees_not_negative"),
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_key: Mapped[str] = mapped_column(sa.String(200), index=True)  # casefolded, for search and sort
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    # Unique among legal entities; a unit inside one (an administration, the coordinating office) has none.
    org_number: Mapped[str | None] = mapped_column(sa.String(11), unique=True)
    sector: Mapped[Sector] = mapped_column(enum_column(Sector))
    employees: Mapped[int | None]
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="SET NULL"), index=True
    )
    address: Mapped[str | None] = mapped_column(sa.String(300))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    website: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    logo_filename: Mapped[str | None] = mapped_column(sa.String(100))
    status: Mapped[MembershipStatus] = mapped_column(enum_column(MembershipStatus), index=True)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    member_since: Mapped[date | None]
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    municipality: Mapped[Municipality | None] = relationship()
    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="units")
    units: Mapped[list[Organisation]] = relationship(back_populates="parent")

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = casefold_key(name)
        return name

    @validates("org_number")
    def _normalise_org_number(self, _key: str, value: str | None) -> str | None:
        return normalise_org_number(value) if value else None

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class MembershipEvent(db.Model):
    """Every change of an organisation's membership status, dated: the history behind `status`."""

    __tablename__ = "membership_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[MembershipStatus | None] = mapped_column(enum_column(MembershipStatus, name="from_status"))
    to_status: Mapped[MembershipStatus] = mapped_column(enum_column(MembershipStatus, name="to_status"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(sa.String(500))


class ApplicationKind(StrEnum):
    NEW = "new"  # a new organisation applies
    RECORD = "record"  # attaches to an existing prospect, invited, rejected or external record
    JOIN = "join"  # a person asks to join an organisation that is already a member; its admins decide


class ApplicationStatus(StrEnum):
    UNCONFIRMED = "unconfirmed"  # waiting for the contact to confirm the email address
    SUBMITTED = "submitted"  # in the coordinator's (or, for JOIN, the organisation's admins') queue
    INFO_REQUESTED = "info_requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class MembershipApplication(db.Model):
    """What a signing-up organisation (or a person asking to join a member) submitted, and the decision."""

    __tablename__ = "membership_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ApplicationKind | None] = mapped_column(enum_column(ApplicationKind))
    status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus), index=True)
    # Resolved when the email is confirmed (not before, so that unconfirmed sign-ups create no records).
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    # The record's status before this application made it `applied`: restored if the application is rejected.
    previous_status: Mapped[MembershipStatus | None] = mapped_column(
        enum_column(MembershipStatus, name="previous_status")
    )
    # What the applicant typed about the organisation; fills the record on approval.
    submitted: Mapped[dict] = mapped_column(sa.JSON)
    motivation: Mapped[str | None] = mapped_column(sa.Text)
    contact_name: Mapped[str] = mapped_column(sa.String(200))
    contact_email: Mapped[str] = mapped_column(sa.String(254), index=True)
    contact_locale: Mapped[str] = mapped_column(sa.String(5))
    # Held until the address is confirmed; then the account is made and this is cleared.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # The invitation that led here, when the applicant came through one (for the invitation funnel).
    invitation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invitation.id", ondelete="SET NULL"))
    confirm_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    confirm_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    info_request: Mapped[str | None] = mapped_column(sa.Text)
    info_answer: Mapped[str | None] = mapped_column(sa.Text)
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def name(self) -> str:
        """The organisation's name as applied for (how lists and the audit log name an application)."""
        return self.submitted.get("name", "")
