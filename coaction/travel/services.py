"""Surveys: creating them, taking answers, and their results from the emission factors in force."""

from __future__ import annotations

import functools
import operator
import secrets
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from coaction.audit.services import record
from coaction.extensions import db
from coaction.members.models import Organisation
from coaction.travel.models import EmissionFactor, SurveyResponse, TravelSurvey
from coaction.travel.results import (
    BIKE_KM,
    BUSINESS_MODES,
    EBIKE_KM,
    FACTOR_MODES,
    MODES,
    Results,
    Totals,
    results_from,
)

MAX_DISTANCE_KM = 300
MAX_BUSINESS_KM = 1_000_000
# Fixed choices: what stands in the way, and what would make a person change.
BARRIERS = (
    "distance",
    "no_transit",
    "transit_too_slow",
    "children",
    "need_car_at_work",
    "no_bike_parking",
    "no_showers",
    "safety",
    "weather",
    "cost",
)
WILLING = (
    "ebike_trial",
    "bike_parking",
    "showers",
    "transit_card",
    "carpool_match",
    "flexible_hours",
    "remote_work",
    "charging",
)


class SurveyError(ValueError):
    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{name}: {code}" for name, code in problems.items()))
        self.problems = problems


def survey_problems(*, title: str, opens_on: date, closes_on: date, employees: int, work_weeks: float) -> dict:
    problems = {}
    if not title.strip():
        problems["title"] = "missing"
    if closes_on < opens_on:
        problems["closes_on"] = "closes_before_opening"
    if employees is None or employees < 1:
        problems["employees"] = "employees"
    if work_weeks is None or not 0 < work_weeks <= 53:
        problems["work_weeks"] = "work_weeks"
    return problems


def create_survey(
    organisation: Organisation,
    *,
    title: str,
    opens_on: date,
    closes_on: date,
    employees: int,
    work_weeks: float = 44.0,
    sites: list[str] | None = None,
    actor,
    ip: str | None,
) -> TravelSurvey:
    problems = survey_problems(
        title=title, opens_on=opens_on, closes_on=closes_on, employees=employees, work_weeks=work_weeks
    )
    if problems:
        raise SurveyError(problems)
    survey = TravelSurvey(
        organisation=organisation,
        title=title.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        employees=employees,
        work_weeks=work_weeks,
        sites=[site.strip()[:100] for site in sites or [] if site.strip()],
        token=secrets.token_urlsafe(32),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(survey)
    db.session.flush()
    record(
        actor,
        "survey.created",
        survey,
        {"organisation_id": organisation.id, "opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()},
        ip,
    )
    return survey


def survey_by_token(token: str) -> TravelSurvey | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(sa.select(TravelSurvey).where(TravelSurvey.token == token))


@dataclass
class ResponseInput:
    home_municipality_id: int | None
    distance_km: float
    days: dict[str, int]
    remote_days: int = 0
    business_km: dict[str, float] | None = None
    barriers: tuple[str, ...] = ()
    willing: tuple[str, ...] = ()
    site: str | None = None


def response_problems(answer: ResponseInput, survey: TravelSurvey) -> dict[str, str]:
    """The same rules for the form and the import: distance 0–300 km, whole days 0–7 that add up to at most 7 with
    the remote days, km not negative, choices from the fixed lists, a site the survey offers."""
    problems = {}
    if answer.distance_km is None or not 0 <= answer.distance_km <= MAX_DISTANCE_KM:
        problems["distance_km"] = "distance"
    for mode in (*MODES, "remote"):
        value = answer.remote_days if mode == "remote" else answer.days.get(mode, 0)
        if value is None or not isinstance(value, int) or not 0 <= value <= 7:
            problems[f"days_{mode}"] = "days"
    days_known = not any(name.startswith("days_") for name in problems)
    if days_known and sum(answer.days.get(mode, 0) for mode in MODES) + answer.remote_days > 7:
        problems["days_remote"] = "week"
    for mode, km in (answer.business_km or {}).items():
        if mode not in BUSINESS_MODES or km is None or not 0 <= km <= MAX_BUSINESS_KM:
            problems[f"business_km_{mode}"] = "km"
    if set(answer.barriers) - set(BARRIERS):
        problems["barriers"] = "choice"
    if set(answer.willing) - set(WILLING):
        problems["willing"] = "choice"
    if answer.site and answer.site not in (survey.sites or []):
        problems["site"] = "choice"
    return problems


def response_row(survey: TravelSurvey, answer: ResponseInput, today: date) -> dict:
    business = answer.business_km or {}
    return {
        "survey_id": survey.id,
        "home_municipality_id": answer.home_municipality_id,
        "site": answer.site or None,
        "distance_km": answer.distance_km,
        **{f"days_{mode}": answer.days.get(mode, 0) for mode in MODES},
        "days_remote": answer.remote_days,
        **{f"business_km_{mode}": float(business.get(mode, 0.0)) for mode in BUSINESS_MODES},
        "barriers": ";".join(sorted(set(answer.barriers))),
        "willing": ";".join(sorted(set(answer.willing))),
        "submitted_on": today,
    }


def submit_response(survey: TravelSurvey, answer: ResponseInput, today: date) -> None:
    """One anonymous answer, while the survey is open. Not audited by person: there is no person to name."""
    if not survey.is_open(today):
        raise SurveyError({"survey": "closed"})
    problems = response_problems(answer, survey)
    if problems:
        raise SurveyError(problems)
    db.session.execute(sa.insert(SurveyResponse), [response_row(survey, answer, today)])


def factors_in_force() -> dict[str, float]:
    return {factor.mode: factor.kg_per_pkm for factor in db.session.scalars(sa.select(EmissionFactor))}


def emission_factors() -> list[EmissionFactor]:
    order = {mode: index for index, mode in enumerate(FACTOR_MODES)}
    return sorted(db.session.scalars(sa.select(EmissionFactor)), key=lambda factor: order.get(factor.mode, 99))


def set_emission_factor(
    mode: str, *, kg_per_pkm: float, publication: str, table_ref: str, year: int, approximate: bool, actor, ip
) -> EmissionFactor:
    if mode not in FACTOR_MODES:
        raise SurveyError({"mode": "choice"})
    if kg_per_pkm is None or not 0 <= kg_per_pkm <= 10:
        raise SurveyError({"kg_per_pkm": "factor"})
    factor = db.session.scalar(sa.select(EmissionFactor).where(EmissionFactor.mode == mode))
    before = None if factor is None else [factor.kg_per_pkm, factor.publication, factor.table_ref, factor.year]
    if factor is None:
        factor = EmissionFactor(mode=mode)
        db.session.add(factor)
    factor.kg_per_pkm, factor.publication, factor.table_ref = kg_per_pkm, publication.strip(), table_ref.strip()
    factor.year, factor.approximate = year, approximate
    db.session.flush()
    record(
        actor,
        "emission_factor.set",
        None,
        {"mode": mode, "before": before, "after": [kg_per_pkm, publication, table_ref, year]},
        ip,
    )
    return factor


def totals_of(*where: sa.ColumnElement[bool]) -> Totals:
    """The method's sums over the answers `where` selects (the same sums `tally` makes from answers; a test checks
    that they agree)."""
    return totals_by(None, *where).get(None, Totals())


def totals_by(key: sa.ColumnElement | None, *where: sa.ColumnElement[bool]) -> dict:
    """The sums per value of `key` (all answers together under None when no key): one aggregate query for the
    figures, one for the codes of the answers that chose any."""
    day = {mode: getattr(SurveyResponse, f"days_{mode}") for mode in MODES}
    distance = SurveyResponse.distance_km
    commuting_days = functools.reduce(operator.add, day.values())
    mostly_by_car = (day["car"] + day["carpool"]) * 2 > commuting_days

    def total(expression) -> sa.ColumnElement:
        return sa.func.coalesce(sa.func.sum(expression), 0)

    def counted(condition) -> sa.ColumnElement:
        return total(sa.case((condition, 1), else_=0))

    keyed = [] if key is None else [key]
    columns = [
        sa.func.count(),
        *(total(day[mode]) for mode in MODES),
        *(total(day[mode] * distance) for mode in MODES),
        *(total(getattr(SurveyResponse, f"business_km_{mode}")) for mode in BUSINESS_MODES),
        counted(sa.and_(mostly_by_car, distance <= BIKE_KM)),
        counted(sa.and_(mostly_by_car, distance <= EBIKE_KM)),
    ]
    figures = sa.select(*keyed, *columns).where(*where).group_by(*keyed)
    found: dict = {}
    for values in db.session.execute(figures):
        row = iter(values)
        group = next(row) if keyed else None
        totals = found[group] = Totals(responses=next(row))
        totals.trips.update({mode: 2 * next(row) for mode in MODES})
        totals.trip_km.update({mode: 2 * next(row) for mode in MODES})
        totals.business_km.update({mode: next(row) for mode in BUSINESS_MODES})
        totals.bike_candidates, totals.ebike_candidates = next(row), next(row)
    chosen = sa.select(*keyed, SurveyResponse.barriers, SurveyResponse.willing).where(
        *where, sa.or_(SurveyResponse.barriers != "", SurveyResponse.willing != "")
    )
    for values in db.session.connection().execute(chosen):  # only answers that chose something
        *group, barriers, willing = values
        totals = found[group[0] if keyed else None]
        totals.barriers.update(code for code in barriers.split(";") if code)
        totals.willing.update(code for code in willing.split(";") if code)
    return found


def results_of(survey: TravelSurvey) -> Results:
    return results_from(
        totals_of(SurveyResponse.survey_id == survey.id),
        employees=survey.employees,
        work_weeks=survey.work_weeks,
        factors=factors_in_force(),
    )


def surveys_of(organisation: Organisation) -> list[TravelSurvey]:
    return list(
        db.session.scalars(
            sa.select(TravelSurvey)
            .where(TravelSurvey.organisation_id == organisation.id)
            .order_by(TravelSurvey.opens_on.desc(), TravelSurvey.id.desc())
        )
    )


def response_count(survey: TravelSurvey) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
    )


def ensure_default_factors() -> int:
    """Seeds a factor for every mode that has none (never overwrites the coordinator's); returns how many."""
    from coaction.travel.factors import APPROXIMATE_SOURCE, DEFAULT_FACTORS, DEFAULT_YEAR

    known = set(db.session.scalars(sa.select(EmissionFactor.mode)))
    added = 0
    for mode, kg, assumption in DEFAULT_FACTORS:
        if mode not in known:
            db.session.add(
                EmissionFactor(
                    mode=mode,
                    kg_per_pkm=kg,
                    publication=APPROXIMATE_SOURCE,
                    table_ref=assumption,
                    year=DEFAULT_YEAR,
                    approximate=True,
                )
            )
            added += 1
    db.session.flush()
    return added
