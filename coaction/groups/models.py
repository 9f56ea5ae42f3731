from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coaction.auth.models import User
from coaction.core.status import WorkStatus
from coaction.core.types import UTCDateTime, enum_column, utcnow
from coaction.extensions import db
from coaction.members.models import Organisation


class WorkingGroup(db.Model):
    """A committee or network of the network: Samarbetskommittén, the management group, the planning chiefs..."""

    __tablename__ = "working_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    purpose: Mapped[str | None] = mapped_column(sa.Text)
    started_on: Mapped[date | None]
    wound_up_on: Mapped[date | None]  # a group wound up stays, with its meetings and decisions
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[GroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupMember.starts_on"
    )
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Meeting.held_on"
    )

    @property
    def active(self) -> bool:
        return self.wound_up_on is None

    def members_on(self, day: date) -> list[GroupMember]:
        return [m for m in self.members if m.starts_on <= day and (m.ends_on is None or m.ends_on >= day)]


class GroupMember(db.Model):
    """A person in a group for a time (representatives change), perhaps as its chair."""

    __tablename__ = "working_group_member"
    __table_args__ = (sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    chair: Mapped[bool] = mapped_column(default=False)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]

    group: Mapped[WorkingGroup] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


meeting_attendee = sa.Table(
    "meeting_attendee",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class Meeting(db.Model):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date]
    starts_at: Mapped[time | None]  # in the network's time zone
    ends_at: Mapped[time | None]
    place: Mapped[str | None] = mapped_column(sa.String(200))
    minutes: Mapped[str | None] = mapped_column(sa.Text)  # Markdown, rendered sanitised
    approver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[WorkingGroup] = relationship(back_populates="meetings")
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id])
    attendees: Mapped[list[User]] = relationship(secondary=meeting_attendee, order_by="User.name_key")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.number"
    )
    documents: Mapped[list[MeetingDocument]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingDocument.id"
    )


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "number"), sa.CheckConstraint("number > 0", name="positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Decision.id"
    )


class MeetingDocument(db.Model):
    """An attachment: PDF or an office document, checked by its content, stored under a random name."""

    __tablename__ = "meeting_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(sa.String(100))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="documents")


class Decision(db.Model):
    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    owner_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[WorkStatus] = mapped_column(enum_column(WorkStatus), index=True)
    reminded_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    item: Mapped[AgendaItem] = relationship(back_populates="decisions")
    owner: Mapped[User | None] = relationship()
    owner_organisation: Mapped[Organisation | None] = relationship()
    notes: Mapped[list[DecisionNote]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionNote.noted_on"
    )

    @property
    def open(self) -> bool:
        return self.status in (WorkStatus.PLANNED, WorkStatus.ONGOING)

    def overdue(self, today: date) -> bool:
        return self.open and self.due_on is not None and self.due_on < today


class DecisionNote(db.Model):
    """Follow-up of a decision, dated: what has happened since."""

    __tablename__ = "decision_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decision.id", ondelete="CASCADE"), index=True)
    noted_on: Mapped[date]
    text: Mapped[str] = mapped_column(sa.String(2000))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="notes")
