"""The activities issue's journey, first part: the coordinator creates a joint procurement and invites three
members, two accept and one declines; the public page shows who takes part and the calendar feed holds the event
at the right time in Europe/Stockholm; axe finds nothing on each page. (Working groups, meetings and decisions
come with them.)"""

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

from coaction.auth.models import Role
from coaction.extensions import db
from tests.factories import PASSWORD, make_organisation, make_user


def log_in(page, email: str) -> None:
    page.goto(page.base_url + "/login?lang=en")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_joint_procurement_with_three_invited_members(page, open_page, app, assert_accessible):
    make_user(email="office@coaction.example", role=Role.COORDINATOR)
    members = [make_organisation(name=name) for name in ("Botkyrka Test", "Haninge Test", "Tyresö Test")]
    for number, member in enumerate(members):
        make_user(email=f"admin{number}@member.example", role=Role.ORG_ADMIN, organisation=member)
    db.session.commit()

    log_in(page, "office@coaction.example")
    page.goto(page.base_url + "/activities/new?lang=en")
    assert_accessible(page)
    page.get_by_label("Title").fill("Gemensam upphandling av elbilar")
    page.get_by_label("Type").select_option(label="Joint procurement")
    page.get_by_label("Starts", exact=True).fill("2027-03-10")
    page.get_by_label("Start time").fill("13:30")
    page.get_by_label("End time").fill("15:00")
    page.get_by_label("Ends", exact=True).fill("2027-03-01")
    page.get_by_role("button", name="Save the activity").click()
    assert "cannot end before it starts" in page.locator("#ends_on-error").inner_text()
    assert_accessible(page)
    page.get_by_label("Ends", exact=True).fill("")
    page.get_by_role("button", name="Save the activity").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Gemensam upphandling av elbilar"
    activity_url = page.url.split("?")[0]
    for member in members:
        page.get_by_label("Organisation", exact=True).select_option(label=member.name)
        page.get_by_role("button", name="Invite or add").click()
        assert f"{member.name} is added." in page.get_by_role("main").inner_text()
    assert_accessible(page)

    for number, choice in ((0, "Accept the invitation"), (1, "Accept the invitation"), (2, "Decline the invitation")):
        other = open_page(locale="en-GB")
        log_in(other, f"admin{number}@member.example")
        other.goto(activity_url + "?lang=en")
        if number == 0:
            assert_accessible(other)
        other.get_by_role("button", name=choice).click()
        assert "The answer is saved." in other.get_by_role("main").inner_text()

    public = open_page(locale="en-GB")
    public.goto(activity_url + "?lang=en")
    taking_part = public.get_by_role("table", name="Organisations and their roles").inner_text()
    assert "Botkyrka Test" in taking_part and "Haninge Test" in taking_part and "Tyresö Test" not in taking_part
    assert_accessible(public)
    public.goto(page.base_url + "/activities?lang=en&kind=joint_procurement")
    assert_accessible(public)
    feed = public.request.get(page.base_url + "/activities.ics?kind=joint_procurement")
    (event,) = icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2027, 3, 10, 13, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert event.decoded("dtend") == datetime(2027, 3, 10, 15, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert str(event["url"]) == activity_url
