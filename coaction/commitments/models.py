from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from coaction.auth.models import User
from coaction.core.types import UTCDateTime, casefold_key, enum_column, utcnow
from coaction.extensions import db
from coaction.goals.models import PlanGoal
from coaction.members.models import Organisation
from coaction.regions.models import Municipality


class Category(StrEnum):
    CHARGING = "charging_infrastructure"
    BIOGAS = "biogas"
    FLEET = "fleet_conversion"
    PROCUREMENT = "procurement"
    BIKE_POOL = "bike_pool"
    PARKING = "parking"
    TRAVEL_POLICY = "travel_policy"
    REMOTE_WORK = "remote_work"
    GOODS = "goods_distribution"
    EFFICIENCY = "energy_efficiency"
    RENEWABLE = "renewable_energy"
    OTHER = "other"


class Unit(StrEnum):
    CHARGING_POINTS = "charging_points"
    STATIONS = "stations"
    VEHICLES = "vehicles"
    BIKES = "bikes"
    PARKING_SPACES = "parking_spaces"
    PROCUREMENTS = "procurements"
    DELIVERIES = "deliveries"
    PERCENT = "percent"
    T_CO2E = "t_co2e"
    MWH = "mwh"
    KWH_PER_M2 = "kwh_per_m2"
    KW = "kw"
    GWH = "gwh"
    COUNT = "count"


# Every category's units: what its commitments may measure in. Figures are only ever summed within one unit.
CATEGORY_UNITS: dict[Category, tuple[Unit, ...]] = {
    Category.CHARGING: (Unit.CHARGING_POINTS, Unit.KW, Unit.PERCENT),
    Category.BIOGAS: (Unit.STATIONS, Unit.GWH, Unit.MWH, Unit.PERCENT, Unit.T_CO2E),
    Category.FLEET: (Unit.VEHICLES, Unit.PERCENT, Unit.T_CO2E),
    Category.PROCUREMENT: (Unit.PROCUREMENTS, Unit.PERCENT),
    Category.BIKE_POOL: (Unit.BIKES, Unit.PERCENT),
    Category.PARKING: (Unit.PARKING_SPACES, Unit.PERCENT),
    Category.TRAVEL_POLICY: (Unit.PERCENT, Unit.T_CO2E),
    Category.REMOTE_WORK: (Unit.PERCENT,),
    Category.GOODS: (Unit.DELIVERIES, Unit.PERCENT, Unit.T_CO2E),
    Category.EFFICIENCY: (Unit.MWH, Unit.GWH, Unit.KWH_PER_M2, Unit.PERCENT),
    Category.RENEWABLE: (Unit.MWH, Unit.GWH, Unit.KW, Unit.PERCENT),
    Category.OTHER: tuple(Unit),
}


class Visibility(StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"  # signed-in people of member organisations, and the network office
    PRIVATE = "private"  # the organisation itself and the network office


class FocusArea(db.Model):
    """The network's focus areas (energy, mobility, ...): data, seeded per network, named in both languages."""

    __tablename__ = "focus_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(50), unique=True)
    name_sv: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[int] = mapped_column(default=0)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_sv


commitment_goal = sa.Table(
    "commitment_goal",
    db.metadata,
    sa.Column("commitment_id", sa.ForeignKey("commitment.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("goal_id", sa.ForeignKey("plan_goal.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Commitment(db.Model):
    """What an organisation promises. Progress and status are computed (commitments/progress.py), never stored."""

    __tablename__ = "commitment"
    __table_args__ = (
        sa.CheckConstraint("target_year >= baseline_year", name="target_after_baseline"),
        sa.Index("ix_commitment_listing", "withdrawn_at", "visibility", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    title_key: Mapped[str] = mapped_column(sa.String(200), index=True)  # casefolded, for search and sort
    description: Mapped[str | None] = mapped_column(sa.Text)
    focus_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("focus_area.id", ondelete="SET NULL"), index=True)
    category: Mapped[Category] = mapped_column(enum_column(Category))
    indicator: Mapped[str] = mapped_column(sa.String(200))  # what is measured, in the organisation's words
    unit: Mapped[Unit] = mapped_column(enum_column(Unit))
    baseline_value: Mapped[float]
    baseline_year: Mapped[int]
    target_value: Mapped[float]
    target_year: Mapped[int]
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility))
    responsible_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("commitment_template.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    verification_note: Mapped[str | None] = mapped_column(sa.String(1000))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept by add_report, the one way reports are made, so that the state of 25,000 commitments is one plain scan:
    # facts about the reports, never the status (that is computed from them and today's date).
    report_count: Mapped[int] = mapped_column(default=0)
    evidence_count: Mapped[int] = mapped_column(default=0)
    latest_reported_on: Mapped[date | None]  # the newest report's date and value (the later one on a tie)
    latest_value: Mapped[float | None]
    last_report_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the last report was sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    focus_area: Mapped[FocusArea | None] = relationship()
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    goals: Mapped[list[PlanGoal]] = relationship(secondary=commitment_goal, order_by="PlanGoal.position")
    locations: Mapped[list[CommitmentLocation]] = relationship(
        back_populates="commitment", cascade="all, delete-orphan", order_by="CommitmentLocation.id"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="commitment", cascade="all, delete-orphan", order_by="Milestone.year"
    )
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="commitment",
        cascade="all, delete-orphan",
        order_by="ProgressReport.reported_on, ProgressReport.id",
    )

    @validates("title")
    def _keep_title_key(self, _key: str, title: str) -> str:
        self.title_key = casefold_key(title)
        return title

    def __repr__(self) -> str:
        return f"<Commitment {self.id} {self.title[:30]}>"


class CommitmentLocation(db.Model):
    """Where a commitment is carried out: typed coordinates, or a municipality's centre (the municipality is kept)."""

    __tablename__ = "commitment_location"
    __table_args__ = (
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        sa.CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    latitude: Mapped[float]
    longitude: Mapped[float]
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="SET NULL"), index=True
    )

    commitment: Mapped[Commitment] = relationship(back_populates="locations")
    municipality: Mapped[Municipality | None] = relationship()


class Milestone(db.Model):
    """An intermediate target: the value the commitment aims to have reached by the end of a year."""

    __tablename__ = "commitment_milestone"
    __table_args__ = (sa.UniqueConstraint("commitment_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitment.id", ondelete="CASCADE"))
    year: Mapped[int]
    value: Mapped[float]

    commitment: Mapped[Commitment] = relationship(back_populates="milestones")


class ProgressReport(db.Model):
    """A reported value on a date. No status here: status is computed from the commitment and its reports."""

    __tablename__ = "progress_report"
    __table_args__ = (sa.Index("ix_progress_report_latest", "commitment_id", "reported_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitment.id", ondelete="CASCADE"))
    reported_on: Mapped[date]
    value: Mapped[float]
    comment: Mapped[str | None] = mapped_column(sa.String(2000))
    evidence_url: Mapped[str | None] = mapped_column(sa.String(500))
    # A stored upload: the random name on disk, the name it was sent with, and its checked type.
    evidence_file: Mapped[str | None] = mapped_column(sa.String(100))
    evidence_name: Mapped[str | None] = mapped_column(sa.String(200))
    evidence_type: Mapped[str | None] = mapped_column(sa.String(50))
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="reports")
    reporter: Mapped[User | None] = relationship()

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_url or self.evidence_file)


class CommitmentTemplate(db.Model):
    """A standard commitment from the coordinator's menu (as Klimat 2030 and Miljö- och klimatpakten keep)."""

    __tablename__ = "commitment_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    focus_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("focus_area.id", ondelete="SET NULL"))
    category: Mapped[Category] = mapped_column(enum_column(Category))
    indicator: Mapped[str] = mapped_column(sa.String(200))
    unit: Mapped[Unit] = mapped_column(enum_column(Unit))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    focus_area: Mapped[FocusArea | None] = relationship()


class ReportReminder(db.Model):
    """That an organisation was reminded in a reporting window ('2026' or '2026-H2'): once per window."""

    __tablename__ = "report_reminder"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"))
    window: Mapped[str] = mapped_column(sa.String(10))
    commitments: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
