"""Journey of the commitments issue: an org admin adopts a template, sets baseline and target, reports twice with
evidence; the coordinator verifies; the public list and the commitment page show the right status, colour and
words in Swedish and English; axe finds nothing on each page."""

import re
from datetime import date, timedelta

from coaction.auth.models import Role
from coaction.commitments.listing import local_today
from coaction.commitments.models import Category, CommitmentTemplate, FocusArea, Unit
from coaction.extensions import db
from tests.factories import PASSWORD, make_organisation, make_user, tiny_pdf, tiny_png

TITLE = "Laddpunkter vid arbetsplatsen"


def log_in(page, email, password=PASSWORD):
    page.goto(page.base_url + "/login")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def log_out(page):
    page.get_by_role("button", name="Logga ut").click()


def report(page, on: date, value: str, evidence=None):
    page.get_by_label("Datum för värdet").fill(on.isoformat())
    page.get_by_label("Värde", exact=True).fill(value)
    if evidence is not None:
        page.get_by_label("Fil med underlag (frivilligt)").set_input_files(str(evidence))
    page.get_by_role("button", name="Spara rapporten").click()


def expected_percent(baseline_year: int, target_year: int, on: date) -> float:
    """The straight line of the issue: from 1 January of the baseline year to 31 December of the target year."""
    starts, ends = date(baseline_year, 1, 1), date(target_year, 12, 31)
    return min(100.0, max(0.0, (on - starts).days / (ends - starts).days * 100))


def status_line(page):
    return page.locator("p.status-line")


def test_a_commitment_from_template_to_verified_in_both_languages(page, app, assert_accessible, tmp_path):
    organisation = make_organisation(name="Laddkraft Södertörn AB")
    make_user(email="lena@laddkraft.example", name="Lena Ladd", role=Role.ORG_ADMIN, organisation=organisation)
    make_user(email="samordnare@example.se", name="Sam Samordnare", role=Role.COORDINATOR)
    area = FocusArea(code="mobility", name_sv="Hållbar mobilitet", name_en="Sustainable mobility")
    db.session.add(area)
    db.session.flush()
    db.session.add(
        CommitmentTemplate(
            title=TITLE,
            category=Category.CHARGING,
            indicator="Laddpunkter för anställda och besökare",
            unit=Unit.CHARGING_POINTS,
            focus_area_id=area.id,
            active=True,
        )
    )
    db.session.commit()
    today = local_today()
    baseline_year, target_year = today.year - 2, today.year + 2
    pdf, png = tmp_path / "offert.pdf", tmp_path / "foto.png"
    pdf.write_bytes(tiny_pdf())
    png.write_bytes(tiny_png())

    # The org admin adopts the standard commitment and sets the plan: 10 charging points now, 110 in four years.
    log_in(page, "lena@laddkraft.example")
    page.get_by_role("navigation", name="Konto").get_by_role("link", name="Våra åtaganden").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Våra åtaganden"
    assert_accessible(page)
    page.get_by_role("link", name=f"Anta: {TITLE}").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Nytt åtagande"
    assert page.get_by_label("Titel").input_value() == TITLE
    assert page.get_by_label("Kategori").input_value() == Category.CHARGING.value
    assert page.get_by_label("Enhet").input_value() == Unit.CHARGING_POINTS.value
    assert page.get_by_label("Fokusområde").input_value() == str(area.id)
    assert_accessible(page)
    page.get_by_label("Utgångsvärde").fill("10")
    page.get_by_label("Utgångsår").fill(str(baseline_year))
    page.get_by_label("Målvärde").fill("110")
    page.get_by_label("Målår").fill(str(target_year))
    page.get_by_role("button", name="Spara åtagandet").click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert "Åtagandet är sparat" in page.get_by_role("status").inner_text()
    assert "Planerad" in status_line(page).inner_text()
    assert status_line(page).locator(".status.status-grey").count() == 1
    commitment_url = page.url
    assert re.search(r"/commitments/\d+$", commitment_url)
    assert_accessible(page)

    # First report: 70 of 110, 60 % of the way, with a PDF. By the straight line that is on track (yellow).
    first_on = today - timedelta(days=60)
    report(page, first_on, "70", evidence=pdf)
    assert "Tack! Rapporten är sparad." in page.get_by_role("status").inner_text()
    assert expected_percent(baseline_year, target_year, today) - 10 <= 60  # the rule, so "I fas" is certain
    line = status_line(page).inner_text()
    assert "I fas" in line and "Underlag bifogat" in line and "60 % av vägen" in line
    assert status_line(page).locator(".status.status-yellow").count() == 1
    assert page.get_by_role("link", name="offert.pdf").is_visible()
    assert_accessible(page)

    # A mistake: a word for the value. The error stands next to the field, and the page is still accessible.
    report(page, today - timedelta(days=10), "mycket")
    assert page.locator("#value-error").inner_text() == "Ange ett tal, som 12 eller 12,5."
    assert page.get_by_label("Värde", exact=True).get_attribute("aria-invalid") == "true"
    assert "value-error" in page.get_by_label("Värde", exact=True).get_attribute("aria-describedby")
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)

    # Second report: 110, the target reached, with a photo. Done (green), evidence attached.
    report(page, today - timedelta(days=5), "110", evidence=png)
    assert "Tack! Rapporten är sparad." in page.get_by_role("status").inner_text()
    line = status_line(page).inner_text()
    assert "Klar" in line and "Underlag bifogat" in line and "100 % av vägen" in line
    assert status_line(page).locator(".status.status-green").count() == 1
    assert page.get_by_role("link", name="foto.png").is_visible()
    assert_accessible(page)
    log_out(page)

    # The coordinator finds it waiting for verification and verifies it with a note.
    log_in(page, "samordnare@example.se")
    page.goto(page.base_url + "/coordinator/commitments")
    assert page.get_by_role("heading", name="Väntar på verifiering").is_visible()
    assert_accessible(page)
    waiting = page.locator("table", has=page.locator("caption", has_text="Underlag att verifiera"))
    waiting.get_by_role("link", name=TITLE).click()
    assert page.url == commitment_url
    assert_accessible(page)
    page.get_by_label("Anteckning om verifieringen").fill("Offert och foto på laddpunkterna kontrollerade.")
    page.get_by_role("button", name="Markera som verifierat").click()
    assert "Verifierat." in page.get_by_role("status").inner_text()
    line = status_line(page).inner_text()
    assert "Klar" in line and "Verifierad av kansliet" in line
    assert "Offert och foto på laddpunkterna kontrollerade." in page.get_by_role("main").inner_text()
    assert_accessible(page)
    log_out(page)

    # An anonymous visitor: the public list and the page, in Swedish and then in English.
    page.goto(page.base_url + "/commitments")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE))
    assert row.locator(".status.status-green").inner_text().strip().endswith("Klar")
    assert "Verifierad av kansliet" in row.inner_text()
    assert "Laddkraft Södertörn AB" in row.inner_text()
    assert_accessible(page)
    row.get_by_role("link", name=TITLE).click()
    assert page.url == commitment_url
    line = status_line(page).inner_text()
    assert "Klar" in line and "Verifierad av kansliet" in line
    assert status_line(page).locator(".status.status-green").count() == 1
    assert page.get_by_role("button", name="Spara rapporten").count() == 0  # a visitor reads, never reports
    assert_accessible(page)

    page.get_by_role("navigation", name="Språk").get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    line = status_line(page).inner_text()
    assert "Done" in line and "Verified by the network office" in line and "100 % of the way" in line
    assert status_line(page).locator(".status.status-green").count() == 1
    assert_accessible(page)
    page.get_by_role("link", name="All commitments").click()  # the language sticks for the visit
    assert page.get_by_role("heading", level=1).inner_text() == "Commitments"
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE))
    assert row.locator(".status.status-green").inner_text().strip().endswith("Done")
    assert "Verified by the network office" in row.inner_text()
    assert_accessible(page)
