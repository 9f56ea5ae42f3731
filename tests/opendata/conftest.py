"""A network with something of every kind the public must never see beside what it may: the no-leak tests read
every format of every data set against it."""

from datetime import date

import pytest

from coaction.activities.models import Activity, ActivityKind, ActivityVisibility, Answer, Participant, Role
from coaction.auth.models import Role as UserRole
from coaction.commitments.listing import local_today
from coaction.commitments.models import CommitmentLocation, Visibility
from coaction.core.status import WorkStatus
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.goals.models import Indicator, IndicatorValue
from coaction.members.models import MembershipStatus
from coaction.network.services import refresh_network
from coaction.travel.services import ResponseInput, create_survey, ensure_default_factors, submit_response
from tests.factories import make_commitment, make_goal, make_organisation, make_report, make_user

SECRET = "HEMLIG"  # in the name of everything that must stay out of open data


def activity(visibility, *organisations, title):
    made = Activity(
        title=title, kind=ActivityKind.WORKSHOP, starts_on=date(2025, 3, 1), status=WorkStatus.ONGOING,
        visibility=visibility,
    )  # fmt: skip
    db.session.add(made)
    for position, organisation in enumerate(organisations):
        role = Role.LEAD if position < 2 else Role.PARTNER
        db.session.add(Participant(activity=made, organisation=organisation, role=role, answer=Answer.ACCEPTED))
    return made


def surveyed(organisation, year: int, answers: int, distance: float = 7.0):
    survey = create_survey(
        organisation, title=f"Resvanor {year}", opens_on=date(year, 3, 1), closes_on=date(year, 3, 31),
        employees=40, actor=None, ip=None,
    )  # fmt: skip
    for _ in range(answers):
        submit_response(survey, ResponseInput(None, distance, {"car": 3, "bike": 1}), date(year, 3, 10))
    return survey


@pytest.fixture
def world(app):
    alfa, beta, gamma, delta = (make_organisation(name=name) for name in ("Alfa AB", "Beta AB", "Gamma AB", "Delta AB"))
    prospect = make_organisation(name="Prospekt HEMLIG AB", status=MembershipStatus.PROSPECT)
    external = make_organisation(name="Extern HEMLIG AB", status=MembershipStatus.EXTERNAL)
    public = make_commitment(alfa, title="Laddpunkter i Södertälje", description="Öppen beskrivning")
    db.session.add(CommitmentLocation(commitment=public, latitude=59.1955, longitude=17.6253))
    formula = make_commitment(beta, title='=HYPERLINK("http://evil.example","klicka")')
    members_only = make_commitment(alfa, title="Medlemmarnas HEMLIG plan", visibility=Visibility.MEMBERS)
    private = make_commitment(alfa, title="Privat HEMLIG plan", visibility=Visibility.PRIVATE)
    db.session.add(CommitmentLocation(commitment=private, latitude=59.111111, longitude=18.111111))
    withdrawn = make_commitment(alfa, title="Återtagen HEMLIG plan", withdrawn_at=utcnow())
    of_prospect = make_commitment(prospect, title="Prospektens HEMLIG plan")
    reporter = make_user(name="Rapportör HEMLIG", email="rapportor.hemlig@example.se", organisation=alfa)
    make_report(public, value=40.0, comment="Öppen kommentar", reporter_id=reporter.id)
    make_report(private, value=4242.5, comment="HEMLIG kommentar", evidence_file="hemlig-underlag.pdf")
    activity(ActivityVisibility.PUBLIC, alfa, prospect, beta, title="Öppen workshop")
    activity(ActivityVisibility.MEMBERS, gamma, delta, external, title="Medlemsaktivitet HEMLIG")
    goal = make_goal(title="Fossilfri transport 2030")
    indicator = Indicator(name="Laddpunkter i regionen", unit="antal")
    db.session.add(indicator)
    db.session.flush()
    goal.indicators.append(indicator)
    db.session.add(IndicatorValue(indicator=indicator, year=2025, value=120.0, source="Power Circle"))
    ensure_default_factors()
    for organisation in (alfa, beta):  # 2024: only two members surveyed, so the year is never published
        surveyed(organisation, 2024, 5)
    for organisation in (alfa, beta, gamma):
        surveyed(organisation, 2025, 5)
    surveyed(delta, 2025, 4, distance=123.4)  # too few answers to count
    db.session.commit()
    refresh_network(local_today())
    db.session.commit()
    return {
        "alfa": alfa, "beta": beta, "gamma": gamma, "delta": delta, "prospect": prospect, "external": external,
        "public": public, "formula": formula, "members_only": members_only, "private": private,
        "withdrawn": withdrawn, "of_prospect": of_prospect, "goal": goal, "indicator": indicator,
    }  # fmt: skip


@pytest.fixture
def admin_of(world):
    """An org admin of a world organisation, committed (so that signing in finds the account)."""

    def make(name: str):
        user = make_user(role=UserRole.ORG_ADMIN, organisation=world[name])
        db.session.commit()
        return user

    return make
