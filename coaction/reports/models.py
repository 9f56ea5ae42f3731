from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coaction.auth.models import User
from coaction.core.types import UTCDateTime, utcnow
from coaction.extensions import db


class AnnualReport(db.Model):
    """One year's report: the coordinator's text per section, and, once published, the figures as they were then
    (a draft shows the figures as they are now)."""

    __tablename__ = "annual_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    texts: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # section -> Markdown
    figures: Mapped[dict | None] = mapped_column(sa.JSON)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    published_by: Mapped[User | None] = relationship()

    @property
    def published(self) -> bool:
        return self.published_at is not None

    def __str__(self) -> str:
        return f"annual report {self.year}"
