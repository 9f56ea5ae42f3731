"""Log in, log out, reset a password from the mail that arrived, change language in the profile."""

import re

from coaction.auth.models import Role
from coaction.extensions import db
from tests.factories import PASSWORD, make_organisation, make_user

NEW_PASSWORD = "Pendeltåg-Flemingsberg-Kvart"


def log_in(page, email, password=PASSWORD):
    page.goto(page.base_url + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def test_log_in_and_out(page, app, assert_accessible):
    make_user(email="anna@example.se", name="Anna Berg", organisation=make_organisation(name="Telge AB"))
    db.session.commit()
    page.goto(page.base_url + "/login")
    assert_accessible(page)
    log_in(page, "anna@example.se", "wrong-password-1")
    assert page.get_by_role("alert").filter(has_text="Fel e-postadress eller lösenord.").is_visible()
    assert_accessible(page)
    log_in(page, "anna@example.se")
    assert page.get_by_role("heading", level=1).inner_text() == "Ditt konto"
    assert page.get_by_role("status").inner_text() == "Du är inloggad."
    assert_accessible(page)
    page.get_by_role("button", name="Logga ut").click()
    assert page.get_by_role("link", name="Logga in").is_visible()
    page.goto(page.base_url + "/account")
    assert page.url.startswith(page.base_url + "/login?next=")


def test_reset_password_from_the_mail_that_arrived(page, app, mailbox, assert_accessible):
    make_user(email="anna@example.se", name="Anna Berg")
    db.session.commit()
    page.goto(page.base_url + "/login")
    page.get_by_role("link", name="Glömt lösenordet?").click()
    assert_accessible(page)
    page.get_by_label("E-post").fill("anna@example.se")
    page.get_by_role("button", name="Skicka länken").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Titta i din e-post"
    assert_accessible(page)

    (message,) = mailbox.wait_for(1)
    link = re.search(r"(http://127\.0\.0\.1:\d+/reset/[\w-]+)", mailbox.text(message)).group(1)
    assert link.startswith(page.base_url)
    page.goto(link)
    assert_accessible(page)
    page.get_by_label("Nytt lösenord").fill("kort")
    page.get_by_label("Upprepa det nya lösenordet").fill("kort")
    page.get_by_role("button", name="Spara det nya lösenordet").click()
    assert "Använd minst 10 tecken." in page.locator("#password-error").inner_text()
    assert_accessible(page)
    page.get_by_label("Nytt lösenord").fill(NEW_PASSWORD)
    page.get_by_label("Upprepa det nya lösenordet").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Spara det nya lösenordet").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ditt konto"

    page.get_by_role("button", name="Logga ut").click()
    log_in(page, "anna@example.se", NEW_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Ditt konto"
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Länken fungerar inte"


def test_change_language_in_the_profile(page, app, assert_accessible):
    make_user(email="anna@example.se", name="Anna Berg", locale="sv")
    db.session.commit()
    log_in(page, "anna@example.se")
    page.get_by_role("combobox", name="Språk").select_option("en")
    page.get_by_role("button", name="Spara profilen").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Svenska").click()
    page.goto(page.base_url + "/login")
    page.get_by_label("E-post").fill("anna@example.se")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    assert page.locator("html").get_attribute("lang") == "en"  # the profile's language wins at login


def test_admin_pages_are_accessible(page, app, assert_accessible):
    make_user(email="admin@example.se", name="Alva Admin", role=Role.ADMIN)
    make_user(email="medlem@example.se", name="Mira Medlem")
    db.session.commit()
    log_in(page, "admin@example.se")
    page.get_by_role("link", name="Administration").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Användare"
    assert_accessible(page)
    page.get_by_label("Roll för Mira Medlem").select_option("coordinator")
    page.get_by_role("row", name=re.compile("Mira Medlem")).get_by_role("button", name="Byt roll").click()
    assert "medlem@example.se är nu Samordnare." in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Granskningslogg").click()
    assert page.get_by_role("cell", name="user.role_changed").is_visible()
    assert_accessible(page)
