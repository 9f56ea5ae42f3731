from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coaction.extensions import db


class Municipality(db.Model):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(4), unique=True)  # SCB's kommunkod
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    county: Mapped[str] = mapped_column(sa.String(100))
    latitude: Mapped[float] = mapped_column(sa.Float)
    longitude: Mapped[float] = mapped_column(sa.Float)
    in_network: Mapped[bool] = mapped_column(default=False)

    figures: Mapped[list[MunicipalityFigure]] = relationship(
        back_populates="municipality", order_by="MunicipalityFigure.year", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Municipality {self.name}>"


class MunicipalityFigure(db.Model):
    """Inhabitants at 31 December and jobs located there, for one year, with where the figure comes from."""

    __tablename__ = "municipality_figure"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "year"),
        sa.CheckConstraint("inhabitants IS NULL OR inhabitants >= 0", name="inhabitants_not_negative"),
        sa.CheckConstraint("jobs IS NULL OR jobs >= 0", name="jobs_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id", ondelete="CASCADE"))
    year: Mapped[int]
    inhabitants: Mapped[int | None]
    jobs: Mapped[int | None]
    source: Mapped[str] = mapped_column(sa.String(300))
    approximate: Mapped[bool] = mapped_column(default=False)

    municipality: Mapped[Municipality] = relationship(back_populates="figures")
