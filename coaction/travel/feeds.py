"""Surveys that report to commitments: an org admin links a survey to a commitment of its own organisation and
names the figure it measures (the car share of commuting trips, say). Once the survey has closed with at least
MIN_GROUP answers, `report_closed_surveys` (a daily command) turns the figure into the commitment's progress
report, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from coaction.audit.services import record
from coaction.commitments.models import Commitment, Unit
from coaction.commitments.services import ReportInput, add_report
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.members.models import Organisation
from coaction.travel.models import SurveyFeed, TravelSurvey
from coaction.travel.plans import car_share, sustainable_share
from coaction.travel.results import Results
from coaction.travel.services import SurveyError, results_of


def _trip_share(*modes: str) -> Callable[[Results], float]:
    return lambda results: sum(results.modal_split_trips[mode] for mode in modes)


@dataclass(frozen=True)
class Figure:
    unit: Unit
    value: Callable[[Results], float]  # in the unit: per cent 0–100 or tonnes


FIGURES: dict[str, Figure] = {
    "car_share": Figure(Unit.PERCENT, lambda results: 100 * car_share(results)),
    "sustainable_share": Figure(Unit.PERCENT, lambda results: 100 * sustainable_share(results)),
    "bike_share": Figure(Unit.PERCENT, lambda results: 100 * _trip_share("bike", "ebike")(results)),
    "transit_share": Figure(Unit.PERCENT, lambda results: 100 * _trip_share("bus", "rail")(results)),
    "co2e_total_t": Figure(Unit.T_CO2E, lambda results: results.extrapolated_total_co2e_kg / 1000),
}


def figure_value(figure: str, results: Results) -> float:
    return round(FIGURES[figure].value(results), 2)


def feedable_commitments(organisation: Organisation) -> list[Commitment]:
    """The organisation's commitments a survey figure can measure: not withdrawn, in per cent or tonnes CO2e."""
    units = {figure.unit for figure in FIGURES.values()}
    return list(
        db.session.scalars(
            sa.select(Commitment)
            .where(
                Commitment.organisation_id == organisation.id,
                Commitment.withdrawn_at.is_(None),
                Commitment.unit.in_(units),
            )
            .order_by(Commitment.title_key)
        )
    )


def feeds_of(survey: TravelSurvey) -> list[SurveyFeed]:
    return list(db.session.scalars(sa.select(SurveyFeed).where(SurveyFeed.survey_id == survey.id)))


def link_commitment(survey: TravelSurvey, commitment_id: int | None, figure: str, *, actor, ip) -> SurveyFeed:
    commitment = db.session.get(Commitment, commitment_id) if commitment_id else None
    if commitment is None or commitment.organisation_id != survey.organisation_id or commitment.withdrawn_at:
        raise SurveyError({"commitment": "choice"})
    if figure not in FIGURES:
        raise SurveyError({"figure": "choice"})
    if FIGURES[figure].unit != commitment.unit:
        raise SurveyError({"figure": "figure_unit"})
    if db.session.scalar(
        sa.select(SurveyFeed.id).where(SurveyFeed.survey_id == survey.id, SurveyFeed.commitment_id == commitment.id)
    ):
        raise SurveyError({"commitment": "already_linked"})
    feed = SurveyFeed(survey=survey, commitment=commitment, figure=figure)
    db.session.add(feed)
    db.session.flush()
    record(actor, "survey.commitment_linked", survey, {"commitment_id": commitment.id, "figure": figure}, ip)
    return feed


def unlink_commitment(survey: TravelSurvey, feed_id: int, *, actor, ip) -> None:
    """Only a link that has not reported yet: a sent report stays the commitment's."""
    feed = db.session.get(SurveyFeed, feed_id)
    if feed is None or feed.survey_id != survey.id or feed.reported_at is not None:
        raise SurveyError({"commitment": "choice"})
    db.session.delete(feed)
    db.session.flush()
    record(actor, "survey.commitment_unlinked", survey, {"commitment_id": feed.commitment_id}, ip)


@dataclass
class FeedRun:
    reported: int = 0
    waiting: int = 0  # closed, but with fewer than MIN_GROUP answers so far (an import may still bring them)


def report_closed_surveys(today: date) -> FeedRun:
    """Reports every linked figure of every survey that closed before `today` with enough answers. Each link is
    claimed with one conditional UPDATE first, so two runs at once never report twice."""
    pending = db.session.scalars(
        sa.select(SurveyFeed)
        .join(SurveyFeed.survey)
        .join(SurveyFeed.commitment)
        .where(
            SurveyFeed.reported_at.is_(None),
            TravelSurvey.closes_on < today,
            Commitment.withdrawn_at.is_(None),
        )
        .order_by(SurveyFeed.survey_id, SurveyFeed.id)
    ).all()
    run, results_by_survey = FeedRun(), {}
    for feed in pending:
        survey = feed.survey
        if survey.id not in results_by_survey:
            results_by_survey[survey.id] = results_of(survey)
        results = results_by_survey[survey.id]
        if results.suppressed:
            run.waiting += 1
            continue
        claimed = db.session.execute(
            sa.update(SurveyFeed)
            .where(SurveyFeed.id == feed.id, SurveyFeed.reported_at.is_(None))
            .values(reported_at=utcnow())
        )
        if claimed.rowcount != 1:
            continue
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            comment = _(
                "From the travel survey “%(title)s”: %(count)s answers, closed %(closed)s.",
                title=survey.title,
                count=results.responses,
                closed=survey.closes_on.isoformat(),
            )
        report = add_report(
            feed.commitment,
            ReportInput(reported_on=survey.closes_on, value=figure_value(feed.figure, results), comment=comment),
            today=today,
            upload_path=current_app.config["UPLOAD_PATH"],
            actor=None,
            ip=None,
        )
        db.session.execute(sa.update(SurveyFeed).where(SurveyFeed.id == feed.id).values(report_id=report.id))
        run.reported += 1
    db.session.expire_all()
    return run
