from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from coaction.core.types import UTCDateTime, utcnow
from coaction.extensions import db


class AuditEvent(db.Model):
    """Who changed what, when, from which address. Rows are only ever inserted."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The actor is kept as text too, so the log still reads right after a user is removed.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    target_type: Mapped[str | None] = mapped_column(sa.String(60))
    target_id: Mapped[str | None] = mapped_column(sa.String(60))
    target_label: Mapped[str | None] = mapped_column(sa.String(300))
    changes: Mapped[dict | None] = mapped_column(sa.JSON)
    ip: Mapped[str | None] = mapped_column(sa.String(45))


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_the_log(session: Session, _context, _instances) -> None:
    if any(isinstance(row, AuditEvent) for row in (*session.dirty, *session.deleted)):
        raise AuditLogIsAppendOnly("audit events are only ever added, never changed or deleted")
