"""The coverage page: pure arithmetic with hand-computed figures, the queries on a small world, the page."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from coaction.auth.models import Role
from coaction.extensions import db
from coaction.members.coverage import (
    JobsFigure,
    NetworkMunicipality,
    Tally,
    coverage,
    employment_share,
    municipality_table,
    sector_table,
    sectors_without_members,
    share_of,
)
from coaction.members.models import MembershipStatus, Sector
from coaction.regions.models import MunicipalityFigure
from tests.conftest import sign_in
from tests.factories import make_municipality, make_organisation, make_user

JOBS_A = JobsFigure(2021, 1_000, "SCB", False)
JOBS_B = JobsFigure(2020, 3_000, "Kommunen", True)


# ---- pure ------------------------------------------------------------------------------------------------------


def test_share_over_the_latest_jobs_of_every_network_municipality():
    network = [NetworkMunicipality(1, "Alby", JOBS_A), NetworkMunicipality(2, "Berga", JOBS_B)]
    tallies = {1: Tally(2, 300, 0), 2: Tally(1, 100, 1), 3: Tally(5, 9_999, 0), None: Tally(1, 50, 0)}
    share = employment_share(network, tallies)
    # (300 + 100) / (1000 + 3000); municipality 3 is outside the network and None has no place: neither counts.
    assert share.member_employees == 400
    assert share.jobs == 4_000
    assert share.share == Decimal("0.1")
    assert share.members_without_count == 1
    assert share.years == (2020, 2021)
    assert share.sources == ("Kommunen", "SCB")
    assert share.approximate is True
    assert share.missing == ()


def test_share_is_unknown_when_any_network_municipality_lacks_a_jobs_figure():
    network = [NetworkMunicipality(1, "Alby", JOBS_A), NetworkMunicipality(2, "Berga", None)]
    share = employment_share(network, {1: Tally(1, 500, 0)})
    assert share.jobs is None and share.share is None
    assert share.missing == ("Berga",)
    assert share.member_employees == 500  # still shown, only the share is unknown


def test_share_is_unknown_without_network_municipalities_or_jobs():
    assert employment_share([], {None: Tally(1, 10, 0)}).share is None
    assert employment_share([NetworkMunicipality(1, "Alby", JobsFigure(2021, 0, "SCB", False))], {}).share is None
    assert share_of(5, 0) is None and share_of(5, None) is None and share_of(1, 4) == Decimal("0.25")


def test_sectors_listed_in_order_with_zeros_and_the_missing_ones_named():
    counts = {Sector.INDUSTRY: Tally(2, 18_000, 0), Sector.MUNICIPALITY: Tally(8, 0, 8)}
    table = sector_table(counts)
    assert [sector for sector, _ in table] == list(Sector)
    assert dict(table)[Sector.IT] == Tally()
    missing = sectors_without_members(counts)
    assert Sector.INDUSTRY not in missing and Sector.MUNICIPALITY not in missing
    assert len(missing) == len(Sector) - 2


def test_municipality_table_lists_network_gaps_then_others_then_no_municipality():
    network = [NetworkMunicipality(1, "Alby", JOBS_A), NetworkMunicipality(2, "Berga", None)]
    tallies = {1: Tally(1, 100, 0), 7: Tally(1, 5, 0), 6: Tally(2, 20, 0), None: Tally(1, 1, 0)}
    lines = municipality_table(network, tallies, {7: "Ekerö", 6: "Solna", 1: "Alby"})
    assert [(line.id, line.name, line.in_network) for line in lines] == [
        (1, "Alby", True),
        (2, "Berga", True),  # no member: a gap, shown
        (7, "Ekerö", False),
        (6, "Solna", False),
        (None, None, False),
    ]
    assert lines[0].share == Decimal("0.1") and lines[1].share is None


# ---- queries ---------------------------------------------------------------------------------------------------


@pytest.fixture
def world(app):
    """Two network municipalities and one outside, members of every kind, and some prospects."""
    alby = make_municipality(name="Alby", code="0101", in_network=True)
    berga = make_municipality(name="Berga", code="0102", in_network=True)
    solna = make_municipality(name="Solna", code="0103", in_network=False)
    db.session.add_all(
        [
            MunicipalityFigure(municipality_id=alby.id, year=2020, jobs=500, source="old", approximate=False),
            MunicipalityFigure(municipality_id=alby.id, year=2021, jobs=1_000, source="SCB 2021", approximate=False),
            # A later year with inhabitants only: the latest *jobs* figure is still 2021's.
            MunicipalityFigure(municipality_id=alby.id, year=2022, inhabitants=9_000, source="SCB", approximate=False),
            MunicipalityFigure(municipality_id=berga.id, year=2021, jobs=3_000, source="SCB 2021", approximate=True),
            MunicipalityFigure(municipality_id=solna.id, year=2021, jobs=90_000, source="SCB 2021", approximate=False),
        ]
    )
    parent = make_organisation(name="Verkstaden AB", sector=Sector.INDUSTRY, employees=200, municipality=alby)
    make_organisation(name="Avdelningen", sector=Sector.INDUSTRY, employees=50, municipality=alby, parent=parent)
    make_organisation(
        name="Pausad IT AB", sector=Sector.IT, employees=100, municipality=alby, status=MembershipStatus.PAUSED
    )
    make_organisation(name="Berga kommun", sector=Sector.MUNICIPALITY, employees=None, municipality=berga)
    make_organisation(name="Solna Energi AB", sector=Sector.ENERGY, employees=70, municipality=solna)
    make_organisation(name="Regionen", sector=Sector.REGION, employees=10, municipality=None)
    # Not members: never counted.
    for status in (
        MembershipStatus.INVITED,
        MembershipStatus.APPLIED,
        MembershipStatus.EXTERNAL,
        MembershipStatus.LEFT,
    ):
        make_organisation(sector=Sector.ACADEMIA, employees=1_000, municipality=alby, status=status)
    make_organisation(name="Stora AB", status=MembershipStatus.PROSPECT, employees=5_000, municipality=berga)
    make_organisation(name="Lilla AB", status=MembershipStatus.PROSPECT, employees=10)
    make_organisation(name="Okänd AB", status=MembershipStatus.PROSPECT, employees=None)
    make_organisation(name="Mellan AB", status=MembershipStatus.PROSPECT, employees=300, sector=Sector.TRANSPORT)
    db.session.commit()
    return {"alby": alby, "berga": berga, "solna": solna}


def test_coverage_counts_members_once_and_computes_the_share(world):
    result = coverage()
    by_sector = dict(result.by_sector)
    assert by_sector[Sector.INDUSTRY] == Tally(1, 200, 0)  # the unit is counted with its parent
    assert by_sector[Sector.IT] == Tally(1, 100, 0)  # paused members count
    assert by_sector[Sector.MUNICIPALITY] == Tally(1, 0, 1)
    assert by_sector[Sector.ACADEMIA] == Tally()  # invited, applied, external and left do not
    assert result.total == Tally(5, 380, 1)
    assert set(result.sectors_without_members) == set(Sector) - {
        Sector.INDUSTRY,
        Sector.IT,
        Sector.MUNICIPALITY,
        Sector.ENERGY,
        Sector.REGION,
    }
    # Alby: 200 + 100 of 1,000 jobs (2021, not 2020's 500); Berga: 0 of 3,000. Solna is outside the network.
    assert result.share.member_employees == 300
    assert result.share.jobs == 4_000
    assert result.share.share == Decimal("0.075")
    assert result.share.years == (2021,)
    lines = {line.name: line for line in result.by_municipality}
    assert list(lines) == ["Alby", "Berga", "Solna", None]
    assert lines["Alby"].tally == Tally(2, 300, 0) and lines["Alby"].share == Decimal("0.3")
    assert lines["Solna"].in_network is False and lines["Solna"].jobs is None
    assert lines[None].tally == Tally(1, 10, 0)


def test_largest_prospects_biggest_first_unknown_last(world):
    names = [prospect.name for prospect in coverage().prospects]
    assert names == ["Stora AB", "Mellan AB", "Lilla AB", "Okänd AB"]


def test_only_twenty_prospects_are_listed(app):
    for number in range(25):
        make_organisation(name=f"Prospekt {number:02}", status=MembershipStatus.PROSPECT, employees=number)
    db.session.commit()
    prospects = coverage().prospects
    assert len(prospects) == 20
    assert prospects[0].employees == 24 and prospects[-1].employees == 5


def test_a_missing_jobs_figure_makes_the_share_unknown(world):
    db.session.execute(sa.delete(MunicipalityFigure).where(MunicipalityFigure.municipality_id == world["berga"].id))
    db.session.commit()
    share = coverage().share
    assert share.share is None and share.missing == ("Berga",)


def count_queries(function) -> int:
    statements = []

    def remember(*_args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", remember)
    try:
        function()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", remember)
    return len(statements)


def test_one_query_per_aggregate_however_many_members(world):
    few = count_queries(coverage)
    for number in range(30):
        make_organisation(name=f"Extra {number} AB", municipality=world["alby"], employees=number)
    db.session.commit()
    assert count_queries(coverage) == few <= 5


# ---- the page --------------------------------------------------------------------------------------------------


def test_the_coordinator_sees_every_figure_in_a_captioned_table(client, world):
    sign_in(client, make_user(role=Role.COORDINATOR), lang="en")
    db.session.commit()
    response = client.get("/coordinator/coverage")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "7.5%" in page  # 300 / 4,000
    assert "4,000" in page and "SCB 2021" in page and "approximate" in page
    assert page.count("<caption>") == 4
    assert 'scope="col"' in page and 'scope="row"' in page
    assert page.index("Stora AB") < page.index("Mellan AB") < page.index("Lilla AB")
    assert "Sectors with no member" in page and "Transport" in page


def test_the_page_says_the_share_is_unknown_and_why(client, world):
    db.session.execute(sa.delete(MunicipalityFigure).where(MunicipalityFigure.municipality_id == world["berga"].id))
    sign_in(client, make_user(role=Role.COORDINATOR), lang="en")
    db.session.commit()
    page = client.get("/coordinator/coverage").get_data(as_text=True)
    assert "The share is unknown." in page
    assert "no figure for the number of jobs: Berga" in page
    assert "are at member organisations" not in page  # no share is shown


@pytest.mark.parametrize("role", [Role.MEMBER, Role.ORG_ADMIN])
def test_members_and_org_admins_are_refused(client, app, role):
    sign_in(client, make_user(role=role))
    db.session.commit()
    assert client.get("/coordinator/coverage").status_code == 403
