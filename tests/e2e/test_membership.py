"""Journey 1 of the membership issue: a company applies, confirms its email from the mail that arrived,
the coordinator approves, the company's admin logs in and invites a colleague, who accepts."""

import re

from coaction.auth.models import Role
from coaction.extensions import db
from tests.factories import PASSWORD, make_user

CONTACT_PASSWORD = "Laddstolpe-Hamn-Ek-42"
COLLEAGUE_PASSWORD = "Cykelpool-Tåg-Sju-Lind"


def link(mailbox, index, path):
    message = mailbox.wait_for(index + 1)[index]
    return re.search(rf"(http://127\.0\.0\.1:\d+{path}[\w-]+)", mailbox.text(message)).group(1)


def log_in(page, email, password):
    page.goto(page.base_url + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def log_out(page):
    page.get_by_role("button", name="Logga ut").click()


def test_a_company_joins_and_its_admin_brings_a_colleague(page, app, mailbox, assert_accessible):
    make_user(email="samordnare@example.se", name="Sam Samordnare", role=Role.COORDINATOR)
    db.session.commit()

    page.goto(page.base_url + "/")
    page.get_by_role("link", name="Bli medlem").click()
    assert_accessible(page)
    page.get_by_label("Organisationens namn").fill("Laddkraft Södertörn AB")
    page.get_by_label("Organisationsnummer").fill("556036-0795")  # a typo in the last digit
    page.get_by_label("Sektor", exact=True).select_option("energy")
    page.get_by_label("Antal anställda").fill("35")
    page.get_by_label("Ditt namn").fill("Lena Ladd")
    page.get_by_label("Din e-post").fill("lena@laddkraft.example")
    page.get_by_label("Nytt lösenord").fill(CONTACT_PASSWORD)
    page.get_by_label("Upprepa det nya lösenordet").fill(CONTACT_PASSWORD)
    page.get_by_role("button", name="Skicka ansökan").click()
    assert "Sista siffran stämmer inte" in page.locator("#org_number-error").inner_text()
    assert page.get_by_label("Organisationens namn").input_value() == "Laddkraft Södertörn AB"
    assert_accessible(page)
    page.get_by_label("Organisationsnummer").fill("556036-0793")
    page.get_by_label("Nytt lösenord").fill(CONTACT_PASSWORD)
    page.get_by_label("Upprepa det nya lösenordet").fill(CONTACT_PASSWORD)
    page.get_by_role("button", name="Skicka ansökan").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Titta i din e-post"

    page.goto(link(mailbox, 0, "/join/confirm/"))
    assert_accessible(page)
    page.get_by_role("button", name="Bekräfta och skicka ansökan").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ansökan skickad"

    log_in(page, "samordnare@example.se", PASSWORD)
    page.get_by_role("link", name="Samordnare", exact=True).click()
    page.get_by_role("link", name="Medlemsansökningar").click()
    assert_accessible(page)
    page.get_by_role("link", name="Laddkraft Södertörn AB").click()
    assert_accessible(page)
    page.get_by_label("Meddelande till den sökande").fill("Välkomna in!")
    page.get_by_role("button", name="Godkänn").click()
    assert "Klart" in page.get_by_role("status").inner_text()
    log_out(page)

    assert "Välkomna in!" in mailbox.text(mailbox.wait_for(2)[1])
    log_in(page, "lena@laddkraft.example", CONTACT_PASSWORD)
    page.goto(page.base_url + "/organisation/colleagues")
    assert_accessible(page)
    page.get_by_label("Din kollegas e-post").fill("kalle@laddkraft.example")
    page.get_by_role("button", name="Skicka inbjudan").click()
    assert "kalle@laddkraft.example" in page.get_by_role("status").inner_text()
    log_out(page)

    page.goto(link(mailbox, 2, "/invitations/"))
    assert_accessible(page)
    page.get_by_label("Ditt namn").fill("Kalle Kollega")
    page.get_by_label("Nytt lösenord").fill(COLLEAGUE_PASSWORD)
    page.get_by_label("Upprepa det nya lösenordet").fill(COLLEAGUE_PASSWORD)
    page.get_by_role("button", name="Skapa mitt konto och anslut").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ditt konto"
    assert "Laddkraft Södertörn AB" in page.get_by_role("main").inner_text()
    page.goto(page.base_url + "/members")
    assert page.get_by_role("link", name="Laddkraft Södertörn AB").is_visible()
    assert_accessible(page)
