"""A survey that reports to a commitment once it has closed with enough answers, and the network office's pooled
figures and commute flows."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from coaction.auth.models import Role
from coaction.commitments.listing import local_today
from coaction.commitments.models import Category, ProgressReport, Unit
from coaction.extensions import db
from coaction.travel.feeds import link_commitment, report_closed_surveys
from coaction.travel.models import SurveyResponse
from coaction.travel.services import ResponseInput, SurveyError, create_survey, ensure_default_factors, response_row
from tests.conftest import sign_in
from tests.factories import make_commitment, make_municipality, make_organisation, make_user


def answers(survey, count, *, car_days=3, bike_days=2, home=None):
    """`count` answers straight into the table (a closed survey takes none through the form)."""
    answer = ResponseInput(home_municipality_id=home, distance_km=8, days={"car": car_days, "bike": bike_days})
    db.session.execute(sa.insert(SurveyResponse), [response_row(survey, answer, survey.opens_on)] * count)


def closed_survey(organisation, *, closes_on=None, employees=40):
    closes_on = closes_on or local_today() - timedelta(days=1)  # the network's day (Europe/Stockholm)
    return create_survey(
        organisation,
        title="Resvanor våren",
        opens_on=closes_on - timedelta(days=30),
        closes_on=closes_on,
        employees=employees,
        actor=None,
        ip=None,
    )


@pytest.fixture
def setting(app):
    ensure_default_factors()
    organisation = make_organisation(name="Pendlarbolaget AB")
    admin = make_user(role=Role.ORG_ADMIN, organisation=organisation)
    car_share = make_commitment(
        organisation,
        title="Färre bilresor",
        category=Category.TRAVEL_POLICY,
        unit=Unit.PERCENT,
        baseline_value=70,
        target_value=40,
    )
    charging = make_commitment(organisation, title="Laddpunkter")
    db.session.commit()
    return organisation, admin, car_share, charging


def test_a_closed_survey_reports_its_figure_once(setting, runner):
    organisation, admin, car_share, _ = setting
    survey = closed_survey(organisation)
    answers(survey, 6)  # 3 car days and 2 bike days each: 60 % of trips by car
    link_commitment(survey, car_share.id, "car_share", actor=admin, ip=None)
    small = closed_survey(organisation)
    answers(small, 4)
    link_commitment(small, car_share.id, "sustainable_share", actor=admin, ip=None)
    db.session.commit()

    result = runner.invoke(args=["coaction", "report-surveys"])
    assert result.exit_code == 0, result.output
    assert "1 progress reports made, 1 waiting" in result.output
    reports = db.session.scalars(sa.select(ProgressReport).where(ProgressReport.commitment_id == car_share.id)).all()
    assert [(report.value, report.reported_on) for report in reports] == [(60.0, survey.closes_on)]
    assert "6" in reports[0].comment and survey.title in reports[0].comment
    assert db.session.get(type(car_share), car_share.id).report_count == 1
    again = runner.invoke(args=["coaction", "report-surveys"])
    assert "0 progress reports made, 1 waiting" in again.output  # nothing twice

    answers(small, 1)  # an import brings the fifth answer after closing
    db.session.commit()
    assert report_closed_surveys(local_today()).reported == 1
    db.session.commit()
    values = db.session.scalars(sa.select(ProgressReport.value).where(ProgressReport.commitment_id == car_share.id))
    assert sorted(values) == [40.0, 60.0]


def test_an_open_survey_and_a_withdrawn_commitment_report_nothing(setting):
    organisation, admin, car_share, _ = setting
    open_survey = closed_survey(organisation, closes_on=local_today())  # closes today: still open
    answers(open_survey, 10)
    link_commitment(open_survey, car_share.id, "car_share", actor=admin, ip=None)
    withdrawn = make_commitment(organisation, unit=Unit.PERCENT, category=Category.TRAVEL_POLICY)
    survey = closed_survey(organisation)
    answers(survey, 10)
    link_commitment(survey, withdrawn.id, "car_share", actor=admin, ip=None)
    withdrawn.withdrawn_at = withdrawn.created_at
    db.session.commit()
    assert report_closed_surveys(local_today()).reported == 0


def test_the_link_is_checked_on_the_server(setting, client, app):
    organisation, admin, car_share, charging = setting
    other = make_commitment(make_organisation(), unit=Unit.PERCENT, category=Category.TRAVEL_POLICY)
    survey = closed_survey(organisation, closes_on=local_today() + timedelta(days=10))
    db.session.commit()
    with pytest.raises(SurveyError) as error:
        link_commitment(survey, charging.id, "car_share", actor=admin, ip=None)
    assert error.value.problems == {"figure": "figure_unit"}
    with pytest.raises(SurveyError):
        link_commitment(survey, other.id, "car_share", actor=admin, ip=None)

    sign_in(client, admin, lang="en")
    page = client.get(f"/organisation/surveys/{survey.id}")
    assert "Färre bilresor" in page.text and "Laddpunkter" not in page.text  # only what a figure can measure
    wrong = client.post(
        f"/organisation/surveys/{survey.id}/feeds", data={"commitment": other.id, "figure": "car_share"}
    )
    assert wrong.status_code == 422 and 'id="commitment-error"' in wrong.text
    unit = client.post(
        f"/organisation/surveys/{survey.id}/feeds", data={"commitment": car_share.id, "figure": "co2e_total_t"}
    )
    assert unit.status_code == 422 and "does not fit the commitment" in unit.text
    made = client.post(
        f"/organisation/surveys/{survey.id}/feeds", data={"commitment": car_share.id, "figure": "car_share"}
    )
    assert made.status_code == 302
    twice = client.post(
        f"/organisation/surveys/{survey.id}/feeds", data={"commitment": car_share.id, "figure": "bike_share"}
    )
    assert twice.status_code == 422 and "already reports" in twice.text
    page = client.get(f"/organisation/surveys/{survey.id}")
    assert "When the survey has closed" in page.text
    feed_id = db.session.scalar(sa.text("SELECT id FROM survey_feed"))
    assert client.post(f"/organisation/surveys/{survey.id}/feeds/{feed_id}/delete").status_code == 302
    assert db.session.scalar(sa.text("SELECT count(*) FROM survey_feed")) == 0


def test_the_network_office_sees_waves_and_shared_corridors(app, client):
    ensure_default_factors()
    home, work = make_municipality(name="Hemby"), make_municipality(name="Jobbstad")
    members = [make_organisation(name=f"Medlem {n}", municipality=work) for n in range(3)]
    for year, car_days in ((local_today().year - 1, 4), (local_today().year, 2)):
        for member in members:
            survey = closed_survey(member, closes_on=date(year, 3, 31))
            answers(survey, 2, car_days=car_days, bike_days=5 - car_days, home=home.id)
    lonely = make_organisation(name="Ensam AB", municipality=work)
    answers(closed_survey(lonely, closes_on=date(local_today().year, 3, 31)), 9, home=None)
    coordinator = make_user(role=Role.COORDINATOR)
    db.session.commit()

    sign_in(client, coordinator, lang="en")
    page = client.get("/coordinator/travel").text
    assert "Employees who answered, all surveys" in page
    # 2 answers per survey are too few for a wave's figures; the flow pools 6 people from 3 members.
    assert "Hemby → Jobbstad: 6 people from 3 members" in page
    flows = page[page.index("Commute flows") :]
    assert "Fewer than 3 members" in flows and ">9<" not in flows  # the lonely member's 9 people from elsewhere
    # The wave of this year: the lonely member's 9 answers, 60 % by car; last year had no survey with 5.
    assert "60.0 %" in page and "Too few answers to show." in page
