from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coaction.commitments.models import Commitment
from coaction.core.types import UTCDateTime, utcnow
from coaction.extensions import db
from coaction.members.models import Organisation


class EmissionFactor(db.Model):
    """kg CO2e per person-km for a commuting mode (walk ... moped) or air, with the publication it comes from."""

    __tablename__ = "emission_factor"
    __table_args__ = (sa.CheckConstraint("kg_per_pkm >= 0", name="not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[str] = mapped_column(sa.String(20), unique=True)
    kg_per_pkm: Mapped[float]
    publication: Mapped[str] = mapped_column(sa.String(300))
    table_ref: Mapped[str] = mapped_column(sa.String(200), default="")
    year: Mapped[int]
    approximate: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TravelSurvey(db.Model):
    __tablename__ = "travel_survey"
    __table_args__ = (
        sa.CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
        sa.CheckConstraint("employees > 0", name="employees_positive"),
        sa.CheckConstraint("work_weeks > 0 AND work_weeks <= 53", name="work_weeks_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    employees: Mapped[int]
    work_weeks: Mapped[float] = mapped_column(default=44.0)
    sites: Mapped[list] = mapped_column(sa.JSON, default=list)  # workplace names the form offers, if several
    # The public link /survey/<token>: 32 random bytes, so that surveys cannot be enumerated.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on


class SurveyResponse(db.Model):
    """One anonymous answer: no name, no email, no free text, no address, no time of day."""

    __tablename__ = "survey_response"
    __table_args__ = (
        sa.CheckConstraint("distance_km >= 0 AND distance_km <= 300", name="distance_range"),
        sa.CheckConstraint(
            "days_walk + days_bike + days_ebike + days_bus + days_rail + days_car + days_carpool + days_moped"
            " + days_remote <= 7",
            name="at_most_seven_days",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("travel_survey.id", ondelete="CASCADE"), index=True)
    home_municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id", ondelete="SET NULL"))
    site: Mapped[str | None] = mapped_column(sa.String(100))
    distance_km: Mapped[float]
    days_walk: Mapped[int] = mapped_column(default=0)
    days_bike: Mapped[int] = mapped_column(default=0)
    days_ebike: Mapped[int] = mapped_column(default=0)
    days_bus: Mapped[int] = mapped_column(default=0)
    days_rail: Mapped[int] = mapped_column(default=0)
    days_car: Mapped[int] = mapped_column(default=0)
    days_carpool: Mapped[int] = mapped_column(default=0)
    days_moped: Mapped[int] = mapped_column(default=0)
    days_remote: Mapped[int] = mapped_column(default=0)
    business_km_car: Mapped[float] = mapped_column(default=0.0)
    business_km_rail: Mapped[float] = mapped_column(default=0.0)
    business_km_bus: Mapped[float] = mapped_column(default=0.0)
    business_km_air: Mapped[float] = mapped_column(default=0.0)
    # Fixed codes joined by ";" ("distance;weather"): counted per code by the one aggregate query of the results.
    barriers: Mapped[str] = mapped_column(sa.String(300), default="")
    willing: Mapped[str] = mapped_column(sa.String(300), default="")
    submitted_on: Mapped[date]  # the day only


class SurveyImport(db.Model):
    """A file of answers collected elsewhere: checked row by row, imported once (the file's SHA-256 is kept so the
    same file is refused a second time). A web upload keeps the file here until its background job has run."""

    __tablename__ = "survey_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("travel_survey.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20))  # queued, running, done, refused, failed
    valid_only: Mapped[bool] = mapped_column(default=False)
    total_rows: Mapped[int] = mapped_column(default=0)
    checked_rows: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    problems: Mapped[list] = mapped_column(sa.JSON, default=list)  # [row, column, code], the first 1,000
    problem_count: Mapped[int] = mapped_column(default=0)
    data: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # cleared once the job has read it
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survey: Mapped[TravelSurvey] = relationship()


class TravelPlan(db.Model):
    """A green travel plan: written from a baseline survey, followed up with a later one."""

    __tablename__ = "travel_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    baseline_survey_id: Mapped[int] = mapped_column(sa.ForeignKey("travel_survey.id", ondelete="RESTRICT"))
    follow_up_survey_id: Mapped[int | None] = mapped_column(sa.ForeignKey("travel_survey.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    baseline_survey: Mapped[TravelSurvey] = relationship(foreign_keys=[baseline_survey_id])
    follow_up_survey: Mapped[TravelSurvey | None] = relationship(foreign_keys=[follow_up_survey_id])
    targets: Mapped[list[PlanTarget]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanTarget.year"
    )
    measures: Mapped[list[PlanMeasure]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanMeasure.id"
    )


class PlanTarget(db.Model):
    """What the plan aims for by the end of a year: shares of commuting trips and CO2e per employee."""

    __tablename__ = "travel_plan_target"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "year"),
        sa.CheckConstraint("car_share IS NULL OR (car_share >= 0 AND car_share <= 1)", name="car_share_range"),
        sa.CheckConstraint(
            "sustainable_share IS NULL OR (sustainable_share >= 0 AND sustainable_share <= 1)",
            name="sustainable_share_range",
        ),
        sa.CheckConstraint("co2e_kg_per_employee IS NULL OR co2e_kg_per_employee >= 0", name="co2e_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("travel_plan.id", ondelete="CASCADE"))
    year: Mapped[int]
    car_share: Mapped[float | None]  # car alone and carpool, share of commuting trips 0–1
    sustainable_share: Mapped[float | None]  # walk, bike, e-bike, bus and rail
    co2e_kg_per_employee: Mapped[float | None]

    plan: Mapped[TravelPlan] = relationship(back_populates="targets")


class PlanMeasure(db.Model):
    __tablename__ = "travel_plan_measure"
    __table_args__ = (sa.CheckConstraint("cost_sek IS NULL OR cost_sek >= 0", name="cost_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("travel_plan.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # from the catalogue (travel/plans.py)
    description: Mapped[str | None] = mapped_column(sa.String(1000))
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    cost_sek: Mapped[int | None]
    expected_effect: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(20), default="planned")  # planned, ongoing, done, cancelled
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]

    plan: Mapped[TravelPlan] = relationship(back_populates="measures")


class SurveyFeed(db.Model):
    """A commitment a survey reports to: once the survey has closed with enough answers, the chosen figure becomes
    the commitment's progress report (travel/feeds.py)."""

    __tablename__ = "survey_feed"
    __table_args__ = (sa.UniqueConstraint("survey_id", "commitment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("travel_survey.id", ondelete="CASCADE"), index=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    figure: Mapped[str] = mapped_column(sa.String(30))  # a key of travel/feeds.py FIGURES
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("progress_report.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    survey: Mapped[TravelSurvey] = relationship()
    commitment: Mapped[Commitment] = relationship()
