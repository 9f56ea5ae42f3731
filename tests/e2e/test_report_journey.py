"""The annual report in a browser: the coordinator opens a year, writes a text, sees the draft and publishes it;
the public finds it at /reports with its PDF; each page passes axe and nothing is fetched from another host."""

from playwright.sync_api import expect

from coaction.extensions import db
from coaction.seed.demo import DEMO_PASSWORD, load_demo
from tests.e2e.test_accounts import log_in


def test_the_coordinator_writes_and_publishes_and_the_public_reads(open_page, app, assert_accessible):
    load_demo()
    db.session.commit()
    coordinator = open_page()
    log_in(coordinator, "samordnare@coaction.example", DEMO_PASSWORD)
    coordinator.goto(coordinator.base_url + "/coordinator/reports")
    assert_accessible(coordinator)
    coordinator.get_by_label("År").fill("2025")
    coordinator.get_by_role("button", name="Öppna redovisningen").click()
    assert coordinator.url.endswith("/coordinator/reports/2025")
    coordinator.get_by_label("Inledning").fill("Ett år av **samverkan** i Södertörn.")
    coordinator.get_by_role("button", name="Spara texterna").click()
    expect(coordinator.get_by_text("Texterna är sparade.")).to_be_visible()
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name="Se redovisningen").click()
    expect(coordinator.locator(".notice")).to_contain_text("Utkast")
    expect(coordinator.locator("#introduction strong")).to_have_text("samverkan")
    assert_accessible(coordinator)

    visitor = open_page()
    assert visitor.goto(visitor.base_url + "/reports/2025").status == 404  # a draft is nobody else's
    coordinator.goto(coordinator.base_url + "/coordinator/reports/2025")
    coordinator.get_by_role("button", name="Publicera med dagens siffror").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Årsredovisning 2025")

    visitor.goto(visitor.base_url + "/reports")
    assert_accessible(visitor)
    expect(visitor.get_by_role("link", name="Årsredovisning 2021")).to_be_visible()  # the demo's
    visitor.get_by_role("link", name="Årsredovisning 2025").click()
    expect(visitor.locator(".notice")).to_have_count(0)
    for section in ("Medlemmar och hur medlemskapet växte", "Åtaganden", "Infrastrukturprioriteringar", "Avgifter"):
        expect(visitor.get_by_role("heading", level=2, name=section)).to_be_visible()
    assert visitor.locator("figure.report-chart svg[role=img]").count() >= 3  # each beside its table
    assert visitor.locator("table caption").count() >= 8
    assert_accessible(visitor)
    pdf = visitor.request.get(visitor.base_url + "/reports/2025.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF-")
