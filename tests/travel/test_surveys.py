"""Surveys as the people using them meet them: an org admin makes one, employees answer anonymously, results
show from the fifth answer and only to the organisation's admins and the office; the command line."""

import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from coaction.auth.models import Role
from coaction.commitments.listing import local_today
from coaction.extensions import db
from coaction.travel.models import EmissionFactor, SurveyResponse, TravelSurvey
from coaction.travel.services import ensure_default_factors
from tests.conftest import sign_in
from tests.factories import make_organisation, make_user

ANSWER = {"home_municipality": "0", "distance_km": "4", "days_car": "3", "days_bike": "1", "days_remote": "1"}


@pytest.fixture
def admin(client, app):
    ensure_default_factors()
    organisation = make_organisation(name="Pendlarbolaget AB", slug="pendlarbolaget")
    user = make_user(role=Role.ORG_ADMIN, organisation=organisation)
    db.session.commit()
    sign_in(client, user, lang="en")
    return user


def make_survey(client, **changes) -> TravelSurvey:
    today = local_today()
    data = {
        "title": "Resvanor 2026",
        "opens_on": (today - timedelta(days=1)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        "employees": "40",
        "work_weeks": "44",
    } | changes
    response = client.post("/organisation/surveys", data=data)
    assert response.status_code == 302, response.text
    return db.session.scalar(sa.select(TravelSurvey).order_by(TravelSurvey.id.desc()))


def test_a_survey_with_mistakes_says_so_by_each_field(client, admin):
    response = client.post(
        "/organisation/surveys",
        data={"title": "", "opens_on": "2026-05-01", "closes_on": "2026-04-01", "employees": "0", "work_weeks": "60"},
    )
    assert response.status_code == 422
    assert 'id="title-error"' in response.text and 'id="employees-error"' in response.text
    assert 'id="work_weeks-error"' in response.text
    response = client.post(
        "/organisation/surveys",
        data={"title": "x", "opens_on": "2026-05-01", "closes_on": "2026-04-01", "employees": "5", "work_weeks": "44"},
    )
    assert response.status_code == 422 and "cannot close before it opens" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TravelSurvey)) == 0


def test_answers_are_anonymous_and_results_show_from_the_fifth(client, app, admin):
    survey = make_survey(client)
    assert len(survey.token) >= 40
    anonymous = app.test_client()
    form = anonymous.get(f"/survey/{survey.token}?lang=en")
    assert form.status_code == 200 and "anonymous" in form.text
    for _ in range(4):
        assert anonymous.post(f"/survey/{survey.token}", data=ANSWER).status_code == 200
    page = client.get(f"/organisation/surveys/{survey.id}").text
    assert "Results show from 5 answers" in page and "Share of trips" not in page
    assert anonymous.post(f"/survey/{survey.token}", data=ANSWER | {"barriers": ["weather"]}).status_code == 200
    page = client.get(f"/organisation/surveys/{survey.id}").text
    assert "Share of trips" in page and "<svg" in page
    assert "The weather: &lt; 5" in page  # one person chose it: suppressed
    row = db.session.scalar(sa.select(SurveyResponse).limit(1))
    stored = {column.name for column in SurveyResponse.__table__.columns}
    assert not stored & {"ip", "email", "name", "created_at", "comment"}
    assert row.submitted_on == local_today() and row.days_car == 3


def test_a_bad_answer_is_refused_with_a_message(client, app, admin):
    survey = make_survey(client)
    anonymous = app.test_client()
    response = anonymous.post(f"/survey/{survey.token}?lang=en", data=ANSWER | {"days_bus": "4"})
    assert response.status_code == 422 and "add up to more than 7" in response.text
    response = anonymous.post(f"/survey/{survey.token}?lang=en", data=ANSWER | {"distance_km": "400"})
    assert response.status_code == 422 and "from 0 to 300" in response.text
    response = anonymous.post(f"/survey/{survey.token}?lang=en", data=ANSWER | {"willing": ["free_car"]})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0


def test_closed_and_unknown_surveys(client, app, admin):
    past = local_today() - timedelta(days=10)
    survey = make_survey(client, opens_on=(past - timedelta(days=5)).isoformat(), closes_on=past.isoformat())
    anonymous = app.test_client()
    closed = anonymous.get(f"/survey/{survey.token}?lang=en")
    assert closed.status_code == 410 and "closed on" in closed.text
    assert anonymous.post(f"/survey/{survey.token}", data=ANSWER).status_code == 410
    assert anonymous.get("/survey/" + "x" * 43).status_code == 404


def test_only_the_organisations_admins_and_the_office_read_results(client, app, admin):
    survey = make_survey(client)
    other = app.test_client()
    sign_in(other, make_user(role=Role.ORG_ADMIN, organisation=make_organisation()))
    colleague = app.test_client()
    sign_in(colleague, make_user(role=Role.MEMBER, organisation=admin.organisation))
    office = app.test_client()
    sign_in(office, make_user(role=Role.COORDINATOR))
    db.session.commit()
    assert other.get(f"/organisation/surveys/{survey.id}").status_code == 404
    assert colleague.get(f"/organisation/surveys/{survey.id}").status_code == 404
    assert office.get(f"/organisation/surveys/{survey.id}").status_code == 200


def test_results_without_emission_factors_say_so(client, app, admin):
    survey = make_survey(client)
    db.session.execute(sa.delete(EmissionFactor).where(EmissionFactor.mode == "air"))
    db.session.commit()
    page = client.get(f"/organisation/surveys/{survey.id}")
    assert page.status_code == 200 and "not set the emission factors for Air" in page.text


def test_the_office_sets_a_factor_and_it_is_audited(client, app):
    from coaction.audit.models import AuditEvent

    ensure_default_factors()
    office = make_user(role=Role.COORDINATOR)
    db.session.commit()
    sign_in(client, office, lang="en")
    data = {"mode": "car", "car-kg_per_pkm": "0,11", "car-publication": "Trafikverket", "car-year": "2025"}
    assert client.post("/coordinator/emission-factors", data=data).status_code == 302
    assert db.session.scalar(sa.select(EmissionFactor.kg_per_pkm).where(EmissionFactor.mode == "car")) == 0.11
    assert (
        db.session.scalar(sa.select(AuditEvent.changes).where(AuditEvent.action == "emission_factor.set"))["mode"]
        == "car"
    )
    bad = client.post("/coordinator/emission-factors", data=data | {"car-kg_per_pkm": "-1"})
    assert bad.status_code == 422


def test_create_survey_and_results_from_the_command_line(runner, app):
    ensure_default_factors()
    make_organisation(slug="telge-ab", name="Telge AB")
    db.session.commit()
    made = runner.invoke(args=["coaction", "create-survey", "telge-ab", "--title", "Resvanor", "--employees", "900"])
    assert made.exit_code == 0, made.output
    survey_id = int(made.output.strip())
    survey = db.session.get(TravelSurvey, survey_id)
    from coaction.travel.services import ResponseInput, submit_response

    for distance in (2, 4, 8, 12, 30):
        submit_response(survey, ResponseInput(None, distance, {"car": 4}, remote_days=1), survey.opens_on)
    db.session.commit()
    result = runner.invoke(args=["coaction", "survey-results", str(survey_id), "--json"])
    assert result.exit_code == 0
    figures = json.loads(result.output)
    assert figures["responses"] == 5 and figures["employees"] == 900 and not figures["suppressed"]
    assert figures["modal_split_trips"]["car"] == 1.0
    # 2·4·(2+4+8+12+30)·44 km a year over five people, at 0.12 kg a km (the default car factor)
    assert figures["co2e_kg_per_respondent_year"]["commute"] == pytest.approx(2 * 4 * 56 * 44 / 5 * 0.12)
    assert figures["bike_potential_share"] == pytest.approx(2 / 5)
    unknown = runner.invoke(args=["coaction", "create-survey", "nobody", "--title", "x", "--employees", "1"])
    assert unknown.exit_code != 0 and re.search("no organisation", unknown.output)


@pytest.mark.app_config(BASE_URL="https://coaction.example")
def test_qr_codes_and_the_poster_carry_the_configured_address(client, admin):
    survey = make_survey(client)
    svg = client.get(f"/organisation/surveys/{survey.id}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    png = client.get(f"/organisation/surveys/{survey.id}/qr.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG\r\n\x1a\n")
    poster = client.get(f"/organisation/surveys/{survey.id}/poster")  # the request's host is "localhost"
    assert f"https://coaction.example/survey/{survey.token}" in poster.text and "localhost/survey" not in poster.text
    import segno

    expected = segno.make(f"https://coaction.example/survey/{survey.token}", error="m")
    buffer = __import__("io").BytesIO()
    expected.save(buffer, kind="png", scale=10, border=4)
    assert png.data == buffer.getvalue()  # the code encodes exactly that address


def test_the_database_sums_agree_with_the_pure_method(app):
    """results_of adds up in SQL; survey_results adds up the answers themselves: the same figures."""
    import random

    from coaction.travel.results import BUSINESS_MODES, MODES, Answer, survey_results
    from coaction.travel.services import (
        BARRIERS,
        WILLING,
        ResponseInput,
        create_survey,
        factors_in_force,
        results_of,
        submit_response,
    )

    ensure_default_factors()
    survey = create_survey(
        make_organisation(),
        title="Slump",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 12, 31),
        employees=80,
        work_weeks=42.5,
        actor="test",
        ip=None,
    )
    rng = random.Random(7)
    answers = []
    for _ in range(60):
        days = dict.fromkeys(MODES, 0)
        for _ in range(rng.randrange(0, 6)):
            days[rng.choice(MODES)] += 1
        given = ResponseInput(
            home_municipality_id=None,
            distance_km=round(rng.uniform(0, 40), 1),
            days=days,
            remote_days=rng.randrange(0, 2),
            business_km={mode: float(rng.randrange(0, 3000)) for mode in BUSINESS_MODES},
            barriers=tuple(rng.sample(BARRIERS, rng.randrange(0, 3))),
            willing=tuple(rng.sample(WILLING, rng.randrange(0, 3))),
        )
        submit_response(survey, given, date(2026, 5, 1))
        answers.append(
            Answer(given.distance_km, given.days, given.remote_days, given.business_km, given.barriers, given.willing)
        )
    db.session.commit()
    from_database = results_of(survey)
    by_hand = survey_results(answers, employees=80, work_weeks=42.5, factors=factors_in_force())
    database_figures, hand_figures = from_database.as_json(), by_hand.as_json()
    for key, value in hand_figures.items():
        assert database_figures[key] == (pytest.approx(value) if not isinstance(value, bool) else value), key
    assert from_database.barriers == by_hand.barriers and from_database.willing == by_hand.willing


def test_the_home_municipality_must_be_chosen(client, app, admin):
    survey = make_survey(client)
    anonymous = app.test_client()
    form = anonymous.get(f"/survey/{survey.token}?lang=en").text
    assert '<option selected value="">Choose…</option>' in form  # nothing is chosen for the person
    unchosen = {key: value for key, value in ANSWER.items() if key != "home_municipality"}
    response = anonymous.post(f"/survey/{survey.token}", data=unchosen)
    assert response.status_code == 422 and 'id="home_municipality-error"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0
