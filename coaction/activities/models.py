from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coaction.commitments.models import Commitment, FocusArea
from coaction.core.status import WorkStatus
from coaction.core.types import UTCDateTime, enum_column, utcnow
from coaction.extensions import db
from coaction.goals.models import PlanGoal
from coaction.members.models import PUBLIC_STATUSES, MembershipStatus, Organisation
from coaction.regions.models import Municipality


class ActivityKind(StrEnum):
    PROJECT = "project"
    WORKSHOP = "workshop"
    CAMPAIGN = "campaign"
    STUDY_VISIT = "study_visit"
    PILOT = "pilot"
    PROCUREMENT = "joint_procurement"
    SURVEY = "survey"
    CONFERENCE = "conference"
    CONSULTATION = "consultation_response"


class ActivityVisibility(StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"  # signed-in people of member organisations, and the network office


class Role(StrEnum):
    """An organisation's part in an activity."""

    LEAD = "lead"
    PARTNER = "partner"
    FUNDER = "funder"
    EXPERT = "expert"


class Answer(StrEnum):
    """Where an organisation's taking part stands: invited by the lead (its admins answer), asked for by the
    organisation (the organisers answer), then accepted or declined."""

    INVITED = "invited"
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"


activity_goal = sa.Table(
    "activity_goal",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("goal_id", sa.ForeignKey("plan_goal.id", ondelete="CASCADE"), primary_key=True),
)
activity_commitment = sa.Table(
    "activity_commitment",
    db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("commitment_id", sa.ForeignKey("commitment.id", ondelete="CASCADE"), primary_key=True),
)


PUBLICLY_NAMED = (*PUBLIC_STATUSES, MembershipStatus.EXTERNAL)


class Activity(db.Model):
    __tablename__ = "activity"
    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("funding_sek IS NULL OR funding_sek >= 0", name="funding_not_negative"),
        sa.CheckConstraint("own_funding_sek IS NULL OR own_funding_sek >= 0", name="own_funding_not_negative"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("attendance IS NULL OR attendance >= 0", name="attendance_not_negative"),
        sa.Index("ix_activity_listing", "visibility", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[ActivityKind] = mapped_column(enum_column(ActivityKind), index=True)
    focus_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("focus_area.id", ondelete="SET NULL"), index=True)
    description: Mapped[str | None] = mapped_column(sa.Text)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    # Times of day in the network's time zone (BABEL_DEFAULT_TIMEZONE); none for work that runs over days.
    starts_at: Mapped[time | None]
    ends_at: Mapped[time | None]
    status: Mapped[WorkStatus] = mapped_column(enum_column(WorkStatus), index=True)
    visibility: Mapped[ActivityVisibility] = mapped_column(enum_column(ActivityVisibility))
    place: Mapped[str | None] = mapped_column(sa.String(200))
    online: Mapped[bool] = mapped_column(default=False)
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="SET NULL"), index=True
    )
    funding_source: Mapped[str | None] = mapped_column(sa.String(200))  # ERDF, the Swedish Energy Agency, ...
    funding_sek: Mapped[int | None]
    own_funding_sek: Mapped[int | None]  # the participants' own contributions
    outcomes: Mapped[str | None] = mapped_column(sa.Text)
    capacity: Mapped[int | None]  # places at an event
    attendance: Mapped[int | None]  # how many came
    registration_open: Mapped[bool] = mapped_column(default=False, server_default=sa.false())  # people sign up
    consulting_body: Mapped[str | None] = mapped_column(sa.String(200))  # a consultation response: who asks
    response_deadline: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    focus_area: Mapped[FocusArea | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    participants: Mapped[list[Participant]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="Participant.id"
    )
    goals: Mapped[list[PlanGoal]] = relationship(secondary=activity_goal, order_by="PlanGoal.position")
    commitments: Mapped[list[Commitment]] = relationship(secondary=activity_commitment, order_by="Commitment.id")

    @property
    def last_day(self) -> date:
        return self.ends_on or self.starts_on

    def taking_part(self) -> list[Participant]:
        return [p for p in self.participants if p.answer == Answer.ACCEPTED]

    def leads(self) -> list[Participant]:
        return [p for p in self.taking_part() if p.role == Role.LEAD]

    def publicly_named(self) -> list[Participant]:
        """Who the public is told takes part: members and external partners, as in the public network; never a
        prospect, an applicant or an organisation that has left."""
        return [p for p in self.taking_part() if p.organisation.status in PUBLICLY_NAMED]


class Participant(db.Model):
    __tablename__ = "activity_participant"
    __table_args__ = (sa.UniqueConstraint("activity_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, name="participant_role"))
    answer: Mapped[Answer] = mapped_column(enum_column(Answer, name="participant_answer"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    activity: Mapped[Activity] = relationship(back_populates="participants")
    organisation: Mapped[Organisation] = relationship()


class RegistrationState(StrEnum):
    REGISTERED = "registered"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class Registration(db.Model):
    """A person signed up for an event: a place or the waiting list. Seen by the organisers only."""

    __tablename__ = "activity_registration"
    __table_args__ = (sa.Index("ix_activity_registration_state", "activity_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    organisation_name: Mapped[str | None] = mapped_column(sa.String(200))
    state: Mapped[RegistrationState] = mapped_column(enum_column(RegistrationState, name="registration_state"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # of the cancel link in the person's mail
    locale: Mapped[str] = mapped_column(sa.String(5), default="sv")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped[Activity] = relationship()


class DocumentKind(StrEnum):
    DRAFT = "draft"  # circulated to the organisations taking part
    FINAL = "final"  # the text as sent: public with the activity


class ActivityDocument(db.Model):
    """A consultation response's draft or final text (PDF or an office document, checked by content)."""

    __tablename__ = "activity_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, name="activity_document_kind"))
    stored_name: Mapped[str] = mapped_column(sa.String(100))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity: Mapped[Activity] = relationship()
