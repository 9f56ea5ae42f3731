"""Journey 2 of the membership issue: the coordinator uploads a CSV of five actors with two bad rows and
sends three invitations; one accepts and joins, one declines, one expires; the funnel and the coverage page
show exactly that."""

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from coaction.auth.models import Role
from coaction.extensions import db
from coaction.invitations.models import Invitation
from tests.factories import PASSWORD, make_municipality, make_user

CSV = """name;org_number;email;sector;municipality;employees;language
Kranföretaget AB;556036-0793;vd@kran.example;industry;Provkommun;80;sv
Bussresor AB;;info@buss.example;transport;Provkommun;40;sv
Solfångarna AB;;hej@sol.example;energy;Provkommun;12;en
Felpost AB;;inte-en-adress;business;Provkommun;5;sv
Siffrorna AB;556036-0795;a@siffror.example;business;Provkommun;5;sv
"""
APPLICANT_PASSWORD = "Kranbil-Hamn-Tolv-Ekar"


def links(mailbox, count):
    return {
        message["To"]: re.search(r"(http://127\.0\.0\.1:\d+/invitations/[\w-]+)", mailbox.text(message)).group(1)
        for message in mailbox.wait_for(count)[:count]
    }


def log_in(page, email, password=PASSWORD):
    page.goto(page.base_url + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def test_bulk_invitations_to_the_funnel_and_coverage(page, app, mailbox, assert_accessible, tmp_path):
    make_municipality(name="Provkommun")
    make_user(email="samordnare@example.se", name="Sam Samordnare", role=Role.COORDINATOR)
    db.session.commit()
    upload = tmp_path / "aktorer.csv"
    upload.write_text(CSV, encoding="utf-8")

    log_in(page, "samordnare@example.se")
    page.goto(page.base_url + "/coordinator/invitations/bulk")
    assert_accessible(page)
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Kontrollera filen").click()
    assert_accessible(page)
    page.get_by_role("button", name="Skicka 3 inbjudningar").click()
    assert_accessible(page)  # the progress page, which must not refresh on its own
    done = page.get_by_role("link", name="Utskicket är klart: se utfallet")
    finished = "!!document.querySelector('[data-finished]:not([hidden])')"
    page.wait_for_function(f"document.body.innerText.includes('inbjudningar skickade.') || {finished}", timeout=20_000)
    if done.count() and done.is_visible():
        done.click()
    assert "3 inbjudningar skickade." in page.get_by_role("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()

    sent = links(mailbox, 3)
    assert set(sent) == {"vd@kran.example", "info@buss.example", "hej@sol.example"}

    page.goto(sent["vd@kran.example"])
    page.get_by_role("button", name="Acceptera och ansök").click()
    assert page.get_by_label("Organisationens namn").input_value() == "Kranföretaget AB"
    page.get_by_label("Antal anställda").fill("80")
    page.get_by_label("Ditt namn").fill("Kim Kran")
    page.get_by_label("Nytt lösenord").fill(APPLICANT_PASSWORD)
    page.get_by_label("Upprepa det nya lösenordet").fill(APPLICANT_PASSWORD)
    page.get_by_role("button", name="Skicka ansökan").click()
    confirm = re.search(r"(http://127\.0\.0\.1:\d+/join/confirm/[\w-]+)", mailbox.text(mailbox.wait_for(4)[3])).group(1)
    page.goto(confirm)
    page.get_by_role("button", name="Bekräfta och skicka ansökan").click()

    page.goto(sent["info@buss.example"])
    page.get_by_label("Skäl (frivilligt)").fill("Inte just nu.")
    page.get_by_role("button", name="Avböj inbjudan").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Inbjudan avböjd"

    db.session.execute(
        sa.update(Invitation)
        .filter_by(email="hej@sol.example")
        .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
    )
    db.session.commit()

    log_in(page, "samordnare@example.se")
    page.goto(page.base_url + "/coordinator/applications")
    page.get_by_role("link", name="Kranföretaget AB").click()
    page.get_by_role("button", name="Godkänn").click()

    page.goto(page.base_url + "/coordinator/invitations")
    table = page.get_by_role("table").inner_text()
    assert "Accepterad" in table and "Avböjd" in table and "Utgången" in table and "Inte just nu." in table

    page.goto(page.base_url + "/coordinator/invitations/funnel")
    assert_accessible(page)
    overall = page.get_by_role("table").first
    counts = {
        stage: overall.get_by_role("row", name=re.compile(f"^{stage}")).get_by_role("cell").first.inner_text()
        for stage in ("Inbjuden", "Öppnade länken", "Har ansökt", "Medlem")
    }
    assert counts == {"Inbjuden": "3", "Öppnade länken": "2", "Har ansökt": "1", "Medlem": "1"}

    page.goto(page.base_url + "/coordinator/coverage")
    assert_accessible(page)
    by_sector = page.get_by_role("table", name=re.compile("per sektor"))
    assert by_sector.get_by_role("row", name=re.compile("^Industri")).get_by_role("cell").first.inner_text() == "1"
