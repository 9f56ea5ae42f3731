"""Green travel plans: a plan from a baseline survey, targets, measures from the catalogue with the network's
minimum, a follow-up survey compared before and after, and who may write what."""

from datetime import date

import pytest
import sqlalchemy as sa

from coaction.auth.models import Role
from coaction.extensions import db
from coaction.travel.models import PlanMeasure, TravelPlan
from coaction.travel.plans import compare
from coaction.travel.results import FACTOR_MODES, Answer, survey_results
from coaction.travel.services import ResponseInput, create_survey, ensure_default_factors, submit_response
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user

FACTORS = dict.fromkeys(FACTOR_MODES, 0.1)


def test_before_and_after_against_the_target():
    before = survey_results([Answer(10, {"car": 4, "bike": 1})] * 5, employees=5, work_weeks=40, factors=FACTORS)
    after = survey_results([Answer(10, {"car": 2, "bike": 3})] * 5, employees=5, work_weeks=40, factors=FACTORS)

    class Target:
        car_share, sustainable_share, co2e_kg_per_employee = 0.5, 0.5, None

    changes = {change.label: change for change in compare(before, after, Target)}
    assert changes["car_share"].before == pytest.approx(0.8) and changes["car_share"].after == pytest.approx(0.4)
    assert changes["car_share"].change == pytest.approx(-0.4) and changes["car_share"].reached is True
    assert changes["sustainable_share"].reached is True and changes["co2e_kg_per_employee"].reached is None
    assert changes["bike"].after == pytest.approx(0.6)


@pytest.fixture
def admin(client, app):
    ensure_default_factors()
    organisation = make_organisation(name="Planbolaget AB", slug="planbolaget")
    user = make_user(role=Role.ORG_ADMIN, organisation=organisation)
    surveys = [
        create_survey(
            organisation,
            title=title,
            opens_on=date(2025, 1, 1),
            closes_on=date(2026, 12, 31),
            employees=20,
            actor=user,
            ip=None,
        )
        for title in ("Före", "Efter")
    ]
    for survey, car_days in zip(surveys, (4, 1), strict=True):
        for _ in range(5):
            submit_response(survey, ResponseInput(None, 8, {"car": car_days, "bus": 5 - car_days}), date(2026, 3, 1))
    db.session.commit()
    sign_in(client, user, lang="en")
    user.surveys = surveys
    return user


def test_a_plan_with_targets_measures_and_a_follow_up(client, admin):
    before, after = admin.surveys
    response = client.post("/organisation/plans", data={"title": "Grön resplan", "baseline_survey": str(before.id)})
    assert response.status_code == 302
    plan = db.session.scalar(sa.select(TravelPlan))
    page = f"/organisation/plans/{plan.id}"
    assert "0 of at least 5 measures" in client.get(page).text
    bad = client.post(f"{page}/targets", data={"year": "2027", "car_share": "140"})
    assert bad.status_code == 422 and "from 0 to 100 per cent" in bad.text
    assert (
        client.post(f"{page}/targets", data={"year": "2027", "car_share": "40", "sustainable_share": "55"}).status_code
        == 302
    )
    wrong = client.post(
        f"{page}/measures",
        data={"kind": "bike_pool", "status": "planned", "starts_on": "2026-05-01", "ends_on": "2026-01-01"},
    )
    assert wrong.status_code == 422 and "cannot end before it starts" in wrong.text
    for kind in ("bike_pool", "ebike_trial", "charging", "transit_benefit", "showers_bike_parking"):
        data = {"kind": kind, "status": "ongoing", "owner": "HR", "cost_sek": "10000"}
        assert client.post(f"{page}/measures", data=data).status_code == 302
    assert "5 measures: the network asks for at least 5" in client.get(page).text
    measure = db.session.scalar(sa.select(PlanMeasure).limit(1))
    assert client.post(f"{page}/measures/{measure.id}/status", data={"status": "done"}).status_code == 302
    assert client.post(f"{page}/measures/{measure.id}/status", data={"status": "nonsense"}).status_code == 400
    assert client.post(f"{page}/follow-up", data={"survey": str(after.id)}).status_code == 302
    text = client.get(page).text
    assert "Before and after" in text and "Reached" in text  # 80 % by car before, 20 % after, target 40 %
    profile = client.get("/members/planbolaget").text
    assert "Grön resplan: 5 measures, 1 of them done" in profile


def test_the_office_reads_others_neither(client, app, admin):
    before, _after = admin.surveys
    client.post("/organisation/plans", data={"title": "Plan", "baseline_survey": str(before.id)})
    plan = db.session.scalar(sa.select(TravelPlan))
    office, other = app.test_client(), app.test_client()
    sign_in(office, make_user(role=Role.COORDINATOR))
    sign_in(other, make_user(role=Role.ORG_ADMIN, organisation=make_organisation()))
    db.session.commit()
    assert office.get(f"/organisation/plans/{plan.id}").status_code == 200
    assert (
        office.post(
            f"/organisation/plans/{plan.id}/measures", data={"kind": "bike_pool", "status": "planned"}
        ).status_code
        == 403
    )
    assert other.get(f"/organisation/plans/{plan.id}").status_code == 404
    assert other.post(f"/organisation/plans/{plan.id}/targets", data={"year": "2027"}).status_code == 404
    foreign = create_survey(
        other_org := make_organisation(),
        title="Främmande",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 2, 1),
        employees=5,
        actor="t",
        ip=None,
    )
    db.session.commit()
    assert other_org.id != admin.organisation_id
    response = client.post(f"/organisation/plans/{plan.id}/follow-up", data={"survey": str(foreign.id)})
    assert response.status_code == 422  # not one of the organisation's own surveys
