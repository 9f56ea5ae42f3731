from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coaction.core.types import UTCDateTime, utcnow
from coaction.extensions import db
from coaction.regions.models import Municipality

goal_indicator = sa.Table(
    "goal_indicator",
    db.metadata,
    sa.Column("goal_id", sa.ForeignKey("plan_goal.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("indicator_id", sa.ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True),
)


class PlanGoal(db.Model):
    """A goal (no parent) or a sub-goal of one, in one plan year's structure. Each year's structure is its own rows,
    so last year's stays readable when this year's is changed; `lineage_id` ties the versions of one goal together."""

    __tablename__ = "plan_goal"
    __table_args__ = (sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_year: Mapped[int] = mapped_column(index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan_goal.id", ondelete="CASCADE"), index=True)
    lineage_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan_goal.id", ondelete="SET NULL"), index=True)
    focus_area: Mapped[str] = mapped_column(sa.String(200), default="")
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    responsible: Mapped[str | None] = mapped_column(sa.String(500))  # the networks or bodies responsible
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[PlanGoal | None] = relationship(
        remote_side=[id], back_populates="children", foreign_keys=[parent_id]
    )
    children: Mapped[list[PlanGoal]] = relationship(
        back_populates="parent", order_by="PlanGoal.position, PlanGoal.id", foreign_keys=[parent_id]
    )
    indicators: Mapped[list[Indicator]] = relationship(secondary=goal_indicator, order_by="Indicator.name")

    @property
    def lineage(self) -> int:
        return self.lineage_id or self.id

    def __repr__(self) -> str:
        return f"<PlanGoal {self.plan_year} {self.title[:30]}>"


class Indicator(db.Model):
    """A key figure followed year by year (not versioned: its series continues whatever the goal structure)."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    unit: Mapped[str] = mapped_column(sa.String(50))
    description: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator", order_by="IndicatorValue.year", cascade="all, delete-orphan"
    )


class IndicatorValue(db.Model):
    """One year's value of an indicator, for the whole network (no municipality) or for one municipality."""

    __tablename__ = "indicator_value"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "year", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id", ondelete="CASCADE"))
    value: Mapped[float]
    source: Mapped[str] = mapped_column(sa.String(300))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="values")
    municipality: Mapped[Municipality | None] = relationship()
