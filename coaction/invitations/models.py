from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coaction.core.types import UTCDateTime, enum_column, utcnow
from coaction.extensions import db
from coaction.members.models import Organisation


class InvitationKind(StrEnum):
    ACTOR = "actor"  # the coordinator invites an organisation to join the network
    COLLEAGUE = "colleague"  # an org admin invites a colleague into a member organisation


class InvitationStatus(StrEnum):
    PENDING = "pending"
    OPENED = "opened"  # the link was visited (no tracking pixels)
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    REVOKED = "revoked"


OPEN_STATUSES = (InvitationStatus.PENDING, InvitationStatus.OPENED)


class InvitationBatch(db.Model):
    """A bulk invitation from a file: the rows' verdicts, and how far the sending job has come."""

    __tablename__ = "invitation_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    message: Mapped[str | None] = mapped_column(sa.Text)
    rows: Mapped[list] = mapped_column(sa.JSON)  # every row of the file with its verdict and, once sent, its outcome
    to_send: Mapped[int] = mapped_column(default=0)
    sent: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invitation(db.Model):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InvitationKind] = mapped_column(enum_column(InvitationKind))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    message: Mapped[str | None] = mapped_column(sa.Text)
    locale: Mapped[str] = mapped_column(sa.String(5), default="sv")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invitation_batch.id", ondelete="SET NULL"), index=True)
    status: Mapped[InvitationStatus] = mapped_column(enum_column(InvitationStatus), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()

    @property
    def name(self) -> str:
        return f"{self.email} ({self.organisation.name})" if self.organisation else self.email
