"""The whole network's travel figures for the network office: every survey wave pooled, and the commute flows
between municipalities with the corridors members could share. Only aggregates leave this module."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from coaction.extensions import db
from coaction.members.models import Organisation
from coaction.travel.models import SurveyResponse, TravelSurvey
from coaction.travel.results import MIN_GROUP, Flow, MissingFactors, NetworkFigures, SurveySums, commute_flows, pooled
from coaction.travel.services import factors_in_force, totals_by


@dataclass(frozen=True)
class Wave:
    """The surveys that closed in one year, pooled."""

    year: int
    figures: NetworkFigures


def answers_in_all() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse))


def waves() -> list[Wave]:
    """One wave per year in which surveys closed, oldest first (raises MissingFactors without the factors)."""
    factors = factors_in_force()
    totals = totals_by(SurveyResponse.survey_id)
    by_year: dict[int, list[SurveySums]] = defaultdict(list)
    surveys = sa.select(
        TravelSurvey.id,
        TravelSurvey.organisation_id,
        TravelSurvey.employees,
        TravelSurvey.work_weeks,
        TravelSurvey.closes_on,
    )
    for survey_id, organisation_id, employees, work_weeks, closes_on in db.session.execute(surveys):
        if survey_id in totals:
            by_year[closes_on.year].append(SurveySums(organisation_id, totals[survey_id], employees, work_weeks))
    return [Wave(year, pooled(by_year[year], factors)) for year in sorted(by_year)]


# A year is published (open data, the API) only when it pools this many answers from this many organisations:
# one or two members' own results are never told apart (as for a commute corridor, DESIGN §7).
PUBLISHED_ANSWERS = MIN_GROUP
PUBLISHED_ORGANISATIONS = 3


def published_waves(today: date) -> list[Wave]:
    """The waves anyone may see: of years that are over (every survey of the year closed, so the figures no longer
    move with each answer and tell nobody's answer by the difference); none without emission factors."""
    try:
        found = waves()
    except MissingFactors:
        return []
    return [
        wave
        for wave in found
        if wave.year < today.year
        and wave.figures.responses >= PUBLISHED_ANSWERS
        and wave.figures.organisations >= PUBLISHED_ORGANISATIONS
    ]


def flows_in(year: int) -> list[Flow]:
    """Home municipality → the member's municipality, over the answers to the surveys that closed in `year`."""
    rows = (
        sa.select(
            SurveyResponse.home_municipality_id,
            Organisation.municipality_id,
            TravelSurvey.organisation_id,
            sa.func.count(),
        )
        .join(TravelSurvey, SurveyResponse.survey_id == TravelSurvey.id)
        .join(Organisation, TravelSurvey.organisation_id == Organisation.id)
        .where(
            TravelSurvey.closes_on.between(date(year, 1, 1), date(year, 12, 31)),
            Organisation.municipality_id.is_not(None),
        )
        .group_by(SurveyResponse.home_municipality_id, Organisation.municipality_id, TravelSurvey.organisation_id)
    )
    return commute_flows(db.session.execute(rows))
