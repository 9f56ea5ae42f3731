import pytest

from coaction.extensions import db
from coaction.members.models import MembershipStatus, Sector
from tests.factories import make_municipality, make_organisation


@pytest.fixture
def directory(app):
    tyreso = make_municipality(name="Tyresö")
    orgs = {
        "member": make_organisation(name="Älvkraft AB", sector=Sector.ENERGY, municipality=tyreso),
        "paused": make_organisation(name="Bussbolaget AB", sector=Sector.TRANSPORT, status=MembershipStatus.PAUSED),
    }
    for status in ("prospect", "invited", "applied", "left", "rejected", "external"):
        orgs[status] = make_organisation(name=f"Hemlig {status} AB", status=MembershipStatus(status))
    db.session.commit()
    return {"tyreso": tyreso, **orgs}


def test_directory_lists_members_and_paused_members_only(client, directory):
    page = client.get("/members").get_data(as_text=True)
    assert "Älvkraft AB" in page
    assert "Bussbolaget AB" in page and "Vilande medlemskap" in page
    assert "Hemlig" not in page


@pytest.mark.parametrize("status", ["prospect", "invited", "applied", "left", "rejected", "external"])
def test_profiles_of_non_members_do_not_exist_publicly(client, directory, status):
    assert client.get(f"/members/{directory[status].slug}").status_code == 404


def test_member_profile(client, directory):
    page = client.get(f"/members/{directory['member'].slug}").get_data(as_text=True)
    assert "<h1>Älvkraft AB</h1>" in page
    assert "Energi" in page and "Tyresö" in page


def test_search_ignores_case_and_swedish_letters_work(client, directory):
    page = client.get("/members?q=ÄLVK").get_data(as_text=True)
    assert "Älvkraft AB" in page and "Bussbolaget" not in page


def test_filters_by_sector_and_municipality(client, directory):
    page = client.get("/members?sector=transport").get_data(as_text=True)
    assert "Bussbolaget AB" in page and "Älvkraft" not in page
    page = client.get(f"/members?municipality={directory['tyreso'].id}").get_data(as_text=True)
    assert "Älvkraft AB" in page and "Bussbolaget" not in page


@pytest.mark.parametrize("query", ["sector=emperor", "municipality=abc", "municipality=99999", "page=-4", "q=%25_"])
def test_odd_filters_give_a_page_not_an_error(client, directory, query):
    assert client.get(f"/members?{query}").status_code == 200


def test_pagination(client, app):
    for number in range(35):
        make_organisation(name=f"Företag {number:02d} AB")
    db.session.commit()
    first = client.get("/members").get_data(as_text=True)
    assert "Företag 00 AB" in first and "Företag 34 AB" not in first
    second = client.get("/members?page=2").get_data(as_text=True)
    assert "Företag 34 AB" in second and 'rel="prev"' in second
