"""The activities issue's journey, second part: a working group meets and takes two decisions, one is followed up
as done, and the next meeting's page shows the one still open; the minutes, full of script payloads, are approved
and published, and no dialog opens when anyone reads them; axe finds nothing on each page."""

from coaction.auth.models import Role
from coaction.extensions import db
from tests.e2e.test_activity_journey import log_in
from tests.factories import make_user
from tests.groups.test_groups import PAYLOADS


def test_a_group_meets_decides_and_follows_up(page, open_page, app, assert_accessible):
    make_user(email="office@coaction.example", role=Role.COORDINATOR, name="Olga Office")
    db.session.commit()
    dialogs: list[str] = []
    log_in(page, "office@coaction.example")
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(page.base_url + "/coordinator/groups/new?lang=en")
    assert_accessible(page)
    page.get_by_label("Name").fill("Nätverket för klimatstrateger")
    page.get_by_role("button", name="Save the group").click()
    page.get_by_label("Person").select_option(label="Olga Office (office@coaction.example)")
    page.get_by_label("Chair").check()
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_role("button", name="Add to the group").click()
    assert_accessible(page)

    def call(day: str) -> None:
        page.get_by_label("Date").fill(day)
        page.get_by_label("Starts at").fill("09:00")
        page.get_by_label("Agenda").fill("1. Välkommen\n2. Laddinfrastruktur")
        page.get_by_role("button", name="Add the meeting").click()

    call("2026-03-01")
    assert "§2 Laddinfrastruktur" in page.get_by_role("main").inner_text()
    for text in ("Kartlägg laddplatserna", "Bjud in energibolagen"):
        page.get_by_text("Record a decision under §2").click()
        page.locator("#item-2").get_by_label("Decision", exact=True).fill(text)
        page.locator("#item-2").get_by_role("button", name="Record the decision").click()
        assert "The decision is recorded." in page.get_by_role("main").inner_text()
    assert_accessible(page)
    first_url = page.url.split("#")[0]
    page.locator(".decision", has_text="Kartlägg laddplatserna").get_by_text("Follow up").click()
    follow = page.locator(".decision", has_text="Kartlägg laddplatserna")
    follow.get_by_label("What has happened").fill("Kartan är klar.")
    follow.get_by_label("Status").select_option(label="Done")
    follow.get_by_role("button", name="Save the follow-up").click()

    page.get_by_label("Olga Office").check()
    page.get_by_role("button", name="Save the attendance").click()
    page.get_by_label("Minutes").fill("# Protokoll\n\n" + "\n\n".join(PAYLOADS))
    page.get_by_label("Approved by").select_option(label="Olga Office (office@coaction.example)")
    page.get_by_role("button", name="Save the minutes").click()
    page.get_by_role("button", name="Approve the minutes").click()
    page.get_by_role("button", name="Publish the minutes").click()
    assert "The minutes are published." in page.get_by_role("main").inner_text()
    assert_accessible(page)

    page.goto(page.base_url + "/groups/natverket-for-klimatstrateger?lang=en")
    call("2026-05-01")
    earlier = page.get_by_role("region", name="Still open from earlier meetings").inner_text()
    assert "Bjud in energibolagen" in earlier and "Kartlägg laddplatserna" not in earlier
    assert_accessible(page)

    reader = open_page(locale="en-GB")
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    reader.goto(first_url + "?lang=en")
    assert "Protokoll" in reader.get_by_role("main").inner_text()
    assert_accessible(reader)
    reader.goto(page.base_url + "/decisions?lang=en")  # signed out: the login page, no dialog either
    assert dialogs == []
