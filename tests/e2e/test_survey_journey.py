"""The travel issue's journey: an org admin creates a survey, opens its link on a phone-sized screen, answers it
five times and sees the results appear only at the fifth, writes a plan with five measures and links a follow-up
survey; axe finds nothing on each page."""

from datetime import timedelta

from coaction.auth.models import Role
from coaction.commitments.listing import local_today
from coaction.extensions import db
from coaction.travel.services import ensure_default_factors
from tests.factories import PASSWORD, make_organisation, make_user

PHONE = {"width": 390, "height": 844}


def test_a_survey_from_creation_to_results_at_the_fifth_answer(page, open_page, app, assert_accessible):
    ensure_default_factors()
    organisation = make_organisation(name="Pendla Smart AB")
    make_user(email="admin@pendla.example", role=Role.ORG_ADMIN, organisation=organisation)
    db.session.commit()

    page.goto(page.base_url + "/login?lang=en")
    page.get_by_label("Email").fill("admin@pendla.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(page.base_url + "/organisation/surveys?lang=en")  # logging in starts a new session
    assert_accessible(page)
    today = local_today()
    make_survey(page, "Resvanor hösten", today)
    assert_accessible(page)
    link = page.locator("a[href*='/survey/']").first.get_attribute("href")
    assert link.startswith("http://127.0.0.1:")

    answering = open_page(viewport=PHONE, locale="en-GB")
    for number in range(5):
        answering.goto(link + "?lang=en")
        if number == 0:
            assert_accessible(answering)
            answering.get_by_label("How far is it from home to work, one way, in km?").fill("200 km")
            answering.get_by_role("button", name="Send my answers").click()
            assert "Enter a number" in answering.locator("#distance_km-error").inner_text()
            assert "Choose where you live" in answering.locator("#home_municipality-error").inner_text()
            assert_accessible(answering)
        answering.get_by_label("Where do you live?").select_option(label="Another municipality")
        answering.get_by_label("How far is it from home to work, one way, in km?").fill(str(3 + number))
        answering.get_by_role("spinbutton", name="Car, alone").fill("3")
        answering.get_by_role("spinbutton", name="Bike", exact=True).fill("2")
        answering.get_by_label("Better bike parking").check()
        answering.get_by_role("button", name="Send my answers").click()
        assert answering.get_by_role("heading", level=1).inner_text() == "Thank you"
        page.reload()
        if number < 4:
            assert "Results show from 5 answers" in page.get_by_role("main").inner_text()
    assert_accessible(answering)

    main = page.get_by_role("main").inner_text()
    assert "Share of trips" in main and "Better bike parking: 5" in main
    assert page.locator("svg.chart").count() == 1
    assert_accessible(page)

    make_survey(page, "Resvanor uppföljning", today)
    page.goto(page.base_url + "/organisation/plans?lang=en")
    assert_accessible(page)
    page.get_by_label("Title").fill("Grön resplan 2027")
    page.get_by_label("Baseline survey").select_option(label="Resvanor hösten")
    page.get_by_role("button", name="Make the plan").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Grön resplan 2027"
    assert "0 of at least 5 measures" in page.get_by_role("main").inner_text()
    measures = ("Bike pool", "E-bike trial", "Charging at the workplace", "Transit benefit", "Parking policy")
    for number, measure in enumerate(measures):
        page.get_by_label("Measure", exact=True).select_option(label=measure)
        page.get_by_label("Owner").fill("HR")
        page.get_by_label("Cost in SEK").fill(str(10_000 * (number + 1)))
        if number == 0:
            page.get_by_label("Starts").fill("2027-03-01")
            page.get_by_label("Ends").fill("2027-02-01")
            page.get_by_role("button", name="Add the measure").click()
            assert "cannot end before it starts" in page.locator("#ends_on-error").inner_text()
            assert_accessible(page)
            page.get_by_label("Ends").fill("2027-10-31")
        page.get_by_role("button", name="Add the measure").click()
        assert "The measure is added." in page.get_by_role("main").inner_text()
    assert "5 measures: the network asks for at least 5" in page.get_by_role("main").inner_text()
    page.get_by_role("combobox", name="Follow-up survey").select_option(label="Resvanor uppföljning")
    page.get_by_role("button", name="Link the survey").click()
    main = page.get_by_role("main").inner_text()
    assert "The follow-up survey is linked." in main
    assert "The comparison shows when both surveys have at least five answers." in main
    assert_accessible(page)


def make_survey(page, title: str, today) -> None:
    page.goto(page.base_url + "/organisation/surveys?lang=en")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Opens").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Closes").fill((today + timedelta(days=20)).isoformat())
    page.get_by_label("Number of employees").fill("30")
    page.get_by_role("button", name="Make the survey").click()
    assert page.get_by_role("heading", level=1).inner_text() == title
