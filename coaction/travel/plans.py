"""Green travel plans: targets from a baseline survey, measures from a catalogue, and before/after against a
follow-up survey."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from coaction.audit.services import record
from coaction.core.settings import get_setting
from coaction.core.status import WorkStatus
from coaction.extensions import db
from coaction.members.models import Organisation
from coaction.travel.models import PlanMeasure, PlanTarget, TravelPlan, TravelSurvey
from coaction.travel.results import CAR_MODES, Results

MEASURES = (
    "bike_pool",
    "ebike_trial",
    "charging",
    "parking_policy",
    "parking_pricing",
    "transit_benefit",
    "remote_work_policy",
    "business_travel_policy",
    "carpool_matching",
    "showers_bike_parking",
    "other",
)
MEASURE_STATUSES = tuple(WorkStatus)
SUSTAINABLE_MODES = ("walk", "bike", "ebike", "bus", "rail")
DEFAULT_MINIMUM_MEASURES = 5  # as CoAction Lund asks of its members


class PlanError(ValueError):
    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{name}: {code}" for name, code in problems.items()))
        self.problems = problems


def minimum_measures() -> int:
    value = get_setting("plan_minimum_measures")
    return int(value) if value.isdigit() else DEFAULT_MINIMUM_MEASURES


def car_share(results: Results) -> float:
    return sum(results.modal_split_trips[mode] for mode in CAR_MODES)


def sustainable_share(results: Results) -> float:
    return sum(results.modal_split_trips[mode] for mode in SUSTAINABLE_MODES)


@dataclass(frozen=True)
class Change:
    """One figure before and after, with the change and, when there is one, the target it is measured against."""

    label: str
    before: float
    after: float
    target: float | None

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def reached(self) -> bool | None:
        """Whether the follow-up reached the target (lower is better for car and CO2e, higher for the rest)."""
        if self.target is None:
            return None
        return self.after >= self.target if self.label == "sustainable_share" else self.after <= self.target


def compare(before: Results, after: Results, target: PlanTarget | None) -> list[Change]:
    """Before/after per mode (share of trips) and for the plan's three headline figures."""
    headline = [
        Change("car_share", car_share(before), car_share(after), target.car_share if target else None),
        Change(
            "sustainable_share",
            sustainable_share(before),
            sustainable_share(after),
            target.sustainable_share if target else None,
        ),
        Change(
            "co2e_kg_per_employee",
            before.co2e_kg_per_respondent_year["total"],
            after.co2e_kg_per_respondent_year["total"],
            target.co2e_kg_per_employee if target else None,
        ),
    ]
    modes = [
        Change(mode, before.modal_split_trips[mode], after.modal_split_trips[mode], None)
        for mode in before.modal_split_trips
    ]
    return headline + modes


def _own_survey(organisation: Organisation, survey_id: int | None) -> TravelSurvey | None:
    survey = db.session.get(TravelSurvey, survey_id) if survey_id else None
    return survey if survey is not None and survey.organisation_id == organisation.id else None


def create_plan(organisation: Organisation, *, title: str, baseline_survey_id: int, actor, ip) -> TravelPlan:
    baseline = _own_survey(organisation, baseline_survey_id)
    problems = {}
    if not title.strip():
        problems["title"] = "missing"
    if baseline is None:
        problems["baseline_survey"] = "choice"
    if problems:
        raise PlanError(problems)
    plan = TravelPlan(organisation=organisation, title=title.strip(), baseline_survey_id=baseline.id)
    db.session.add(plan)
    db.session.flush()
    record(actor, "travel_plan.created", plan, {"baseline_survey_id": baseline.id}, ip)
    return plan


def link_follow_up(plan: TravelPlan, survey_id: int | None, *, actor, ip) -> None:
    survey = _own_survey(plan.organisation, survey_id)
    if survey_id and (survey is None or survey.id == plan.baseline_survey_id):
        raise PlanError({"follow_up_survey": "choice"})
    record(actor, "travel_plan.follow_up_linked", plan, {"survey": [plan.follow_up_survey_id, survey_id]}, ip)
    plan.follow_up_survey_id = survey.id if survey else None


def set_target(
    plan: TravelPlan,
    *,
    year: int,
    car_share: float | None,
    sustainable_share: float | None,
    co2e_kg_per_employee: float | None,
    actor,
    ip,
) -> PlanTarget:
    problems = {}
    if not 1990 <= year <= 2100:
        problems["year"] = "year"
    for name, value in (("car_share", car_share), ("sustainable_share", sustainable_share)):
        if value is not None and not 0 <= value <= 1:
            problems[name] = "share"
    if co2e_kg_per_employee is not None and co2e_kg_per_employee < 0:
        problems["co2e_kg_per_employee"] = "negative"
    if problems:
        raise PlanError(problems)
    target = next((t for t in plan.targets if t.year == year), None)
    if target is None:
        target = PlanTarget(year=year)
        plan.targets.append(target)
    target.car_share, target.sustainable_share = car_share, sustainable_share
    target.co2e_kg_per_employee = co2e_kg_per_employee
    db.session.flush()
    record(
        actor,
        "travel_plan.target_set",
        plan,
        {"year": year, "car": car_share, "sustainable": sustainable_share, "co2e": co2e_kg_per_employee},
        ip,
    )
    return target


@dataclass
class MeasureInput:
    kind: str
    description: str | None = None
    owner: str | None = None
    cost_sek: int | None = None
    expected_effect: str | None = None
    status: str = "planned"
    starts_on: date | None = None
    ends_on: date | None = None


def add_measure(plan: TravelPlan, measure: MeasureInput, *, actor, ip) -> PlanMeasure:
    problems = {}
    if measure.kind not in MEASURES:
        problems["kind"] = "choice"
    if measure.status not in MEASURE_STATUSES:
        problems["status"] = "choice"
    if measure.cost_sek is not None and measure.cost_sek < 0:
        problems["cost_sek"] = "negative"
    if measure.starts_on and measure.ends_on and measure.ends_on < measure.starts_on:
        problems["ends_on"] = "ends_before_start"
    if problems:
        raise PlanError(problems)
    row = PlanMeasure(**vars(measure))
    plan.measures.append(row)
    db.session.flush()
    record(actor, "travel_plan.measure_added", plan, {"measure": row.id, "kind": row.kind, "status": row.status}, ip)
    return row


def set_measure_status(plan: TravelPlan, measure: PlanMeasure, status: str, *, actor, ip) -> None:
    if measure.plan_id != plan.id or status not in MEASURE_STATUSES:
        raise PlanError({"status": "choice"})
    record(actor, "travel_plan.measure_status", plan, {"measure": measure.id, "status": [measure.status, status]}, ip)
    measure.status = status


def plans_of(organisation: Organisation) -> list[TravelPlan]:
    return list(
        db.session.scalars(
            sa.select(TravelPlan).where(TravelPlan.organisation_id == organisation.id).order_by(TravelPlan.id.desc())
        )
    )


@dataclass(frozen=True)
class PlanSummary:
    """What the public profile says of an organisation's latest plan: no figures from its surveys."""

    title: str
    measures: int
    done: int
    minimum: int


def plan_summary(organisation: Organisation) -> PlanSummary | None:
    plan = db.session.scalar(
        sa.select(TravelPlan).where(TravelPlan.organisation_id == organisation.id).order_by(TravelPlan.id.desc())
    )
    if plan is None:
        return None
    standing = [measure for measure in plan.measures if measure.status != "cancelled"]
    done = sum(1 for measure in standing if measure.status == "done")
    return PlanSummary(plan.title, len(standing), done, minimum_measures())
