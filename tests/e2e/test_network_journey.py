"""The network issue's journey: the public opens the network, sees the drawing beside the table, filters by sector
and clicks through to an organisation; an org admin sees three suggestions with their reasons and asks for one
introduction; the other organisation's admin accepts; after the recompute the tie counts; axe finds nothing."""

from coaction.activities.models import ActivityVisibility
from coaction.auth.models import Role
from coaction.commitments.listing import local_today
from coaction.commitments.models import Category
from coaction.extensions import db
from coaction.jobs import wait_for_background_jobs
from coaction.members.models import Sector
from coaction.network.services import refresh_network
from tests.e2e.test_activity_journey import log_in
from tests.factories import make_commitment, make_organisation, make_user
from tests.network.test_network import joint_activity


def test_the_public_network_suggestions_and_an_introduction(page, open_page, app, assert_accessible):
    sectors = {"Alfa Energi AB": Sector.ENERGY, "Beta kommun": Sector.MUNICIPALITY, "Gamma Biogas AB": Sector.ENERGY,
               "Delta Fastigheter AB": Sector.REAL_ESTATE, "Epsilon Transport AB": Sector.TRANSPORT}  # fmt: skip
    alfa, beta, gamma, delta, epsilon = (
        make_organisation(name=name, sector=sector) for name, sector in sectors.items()
    )
    for partner in (alfa, gamma, delta, epsilon):
        joint_activity(ActivityVisibility.PUBLIC, beta, partner, title=f"Projekt med {partner.name}")
    for organisation in (alfa, gamma, delta):
        make_commitment(organisation, category=Category.BIOGAS)
    make_user(email="alfa@coaction.example", role=Role.ORG_ADMIN, organisation=alfa)
    make_user(email="gamma@coaction.example", role=Role.ORG_ADMIN, organisation=gamma)
    make_user(email="office@coaction.example", role=Role.COORDINATOR)
    db.session.commit()
    refresh_network(local_today())
    db.session.commit()

    page.goto(page.base_url + "/network?lang=en")
    drawing = page.locator("section.network-drawing")
    drawing.wait_for(state="visible")  # the script unhides it once the drawing is made
    assert page.locator("#network-canvas canvas").count() > 0
    assert "5 organisations and 4 ties are drawn." in page.locator("#drawing-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Sector").select_option(label="Energy")
    page.get_by_role("button", name="Filter").click()
    table = page.locator("#organisations-caption").locator("xpath=..")
    assert "Gamma Biogas AB" in table.inner_text() and "Beta kommun" not in table.inner_text()
    assert_accessible(page)
    table.get_by_role("link", name="Alfa Energi AB").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Alfa Energi AB"

    admin = open_page()
    log_in(admin, "alfa@coaction.example")
    admin.goto(admin.base_url + "/organisation/network?lang=en")
    suggestions = admin.locator("article.suggestion")
    assert suggestions.count() == 3
    gamma_card = suggestions.filter(has_text="Gamma Biogas AB")
    assert "Both work on biogas; 1 common partner: Beta kommun" in gamma_card.inner_text()
    assert "1 common partner: Beta kommun" in suggestions.filter(has_text="Epsilon Transport AB").inner_text()
    assert_accessible(admin)
    gamma_card.get_by_text("Ask for an introduction").click()
    gamma_card.get_by_label("What you would do together").select_option(label="Research")
    gamma_card.get_by_label("Message to their admins").fill("Vi arbetar båda med biogas. Ska vi ses?")
    gamma_card.get_by_role("button", name="Send to their admins").click()
    assert "Your introduction is sent to the admins of Gamma Biogas AB." in admin.get_by_role("main").inner_text()
    assert admin.locator("article.suggestion").filter(has_text="Gamma Biogas AB").count() == 0
    assert_accessible(admin)

    other = open_page()
    log_in(other, "gamma@coaction.example")
    other.goto(other.base_url + "/organisation/network?lang=en")
    assert "Vi arbetar båda med biogas. Ska vi ses?" in other.get_by_role("main").inner_text()
    assert_accessible(other)
    other.get_by_role("button", name="Accept Alfa Energi AB").click()
    assert "Accepted: the tie counts in the network from today." in other.get_by_role("main").inner_text()

    office = open_page()
    log_in(office, "office@coaction.example")
    office.goto(office.base_url + "/coordinator/network?lang=en")
    assert_accessible(office)
    office.get_by_role("button", name="Recompute now").click()
    wait_for_background_jobs()
    page.goto(page.base_url + "/network?lang=en&q=alfa")
    ties = page.locator("#ties-caption").locator("xpath=..")
    assert "Gamma Biogas AB" in ties.inner_text() and "research" in ties.inner_text()
    admin.goto(admin.base_url + "/organisation/network?lang=en")
    assert admin.locator("#position-heading + dl dd").first.inner_text() == "2"  # Beta and now Gamma
