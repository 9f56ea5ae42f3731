from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coaction.core.types import UTCDateTime, enum_column, utcnow
from coaction.extensions import db
from coaction.members.models import Organisation


class TieKind(StrEnum):
    PARTNERSHIP = "partnership"
    SUPPLIER = "supplier"
    RESEARCH = "research"
    FUNDING = "funding"
    OTHER = "other"


class TieState(StrEnum):
    PROPOSED = "proposed"  # by one organisation; the other confirms or declines
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class Tie(db.Model):
    """A stated relation between two organisations from a date, entered by the network office or proposed by one
    of them and confirmed by the other."""

    __tablename__ = "tie"
    __table_args__ = (
        sa.CheckConstraint("organisation_id <> partner_id", name="two_organisations"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[TieKind] = mapped_column(enum_column(TieKind, name="tie_kind"))
    state: Mapped[TieState] = mapped_column(enum_column(TieState, name="tie_state"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(sa.String(300))
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    partner: Mapped[Organisation] = relationship(foreign_keys=[partner_id])

    def other(self, organisation_id: int) -> Organisation:
        return self.partner if self.organisation_id == organisation_id else self.organisation
