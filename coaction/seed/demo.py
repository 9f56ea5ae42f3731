"""The Södertörn demo: reference data from the seeds, plus invented organisations' details.

Every function here is idempotent: running the demo twice neither fails nor duplicates."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from coaction.auth.models import Role
from coaction.auth.services import create_user, user_by_email
from coaction.commitments.listing import local_today
from coaction.core.settings import set_setting
from coaction.core.text import slugify
from coaction.extensions import db
from coaction.members.models import MembershipStatus as S
from coaction.members.models import Organisation, Sector
from coaction.members.services import upsert_organisation
from coaction.network.services import refresh_network
from coaction.regions import data
from coaction.regions.services import municipality_by_name, set_figure, upsert_municipality
from coaction.seed.demo_activities import load_activity_demo, load_tie_demo
from coaction.seed.demo_commitments import load_commitment_demo
from coaction.seed.demo_groups import load_group_demo
from coaction.seed.demo_priorities import load_priority_demo
from coaction.seed.demo_reports import load_report_demo

MEMBER_SINCE = date(2021, 1, 14)  # the planning conference that set the joint priorities

# name, sector, status, municipality, employees (approximate), website
ORGANISATIONS = (
    ("Region Stockholm", Sector.REGION, S.MEMBER, None, 47_000, "https://www.regionstockholm.se"),
    ("Scania CV AB", Sector.INDUSTRY, S.MEMBER, "Södertälje", 12_000, "https://www.scania.com"),
    ("AstraZeneca AB", Sector.INDUSTRY, S.MEMBER, "Södertälje", 6_000, "https://www.astrazeneca.se"),
    ("Telge AB", Sector.ENERGY, S.MEMBER, "Södertälje", 900, "https://www.telge.se"),
    ("Södertörns högskola", Sector.ACADEMIA, S.MEMBER, "Huddinge", 900, "https://www.sh.se"),
    ("KTH Campus Flemingsberg", Sector.ACADEMIA, S.MEMBER, "Huddinge", 300, "https://www.kth.se"),
    ("Trafikverket", Sector.AUTHORITY, S.EXTERNAL, None, 9_000, "https://www.trafikverket.se"),
    ("Länsstyrelsen Stockholm", Sector.AUTHORITY, S.EXTERNAL, "Stockholm", 800, "https://www.lansstyrelsen.se"),
    ("Stockholms Hamnar", Sector.TRANSPORT, S.EXTERNAL, "Nynäshamn", 300, "https://www.stockholmshamnar.se"),
    ("Stockholms Handelskammare", Sector.ASSOCIATION, S.EXTERNAL, "Stockholm", 60, "https://www.chamber.se"),
    ("Stockholms stad", Sector.MUNICIPALITY, S.EXTERNAL, "Stockholm", 45_000, "https://start.stockholm"),
    ("Energimyndigheten", Sector.AUTHORITY, S.EXTERNAL, None, 450, "https://www.energimyndigheten.se"),
    ("Vinnova", Sector.AUTHORITY, S.EXTERNAL, None, 220, "https://www.vinnova.se"),
    ("Viable Cities", Sector.ACADEMIA, S.EXTERNAL, None, 30, "https://viablecities.se"),
    ("Europeiska regionala utvecklingsfonden (ERUF)", Sector.OTHER, S.EXTERNAL, None, None, None),
    ("CLOSER", Sector.TRANSPORT, S.EXTERNAL, None, 15, None),
)

# The municipal organisations' own staff, approximate, for the demo's coverage and fee pages.
MUNICIPAL_STAFF = {
    "Botkyrka": 6_000,
    "Haninge": 5_500,
    "Huddinge": 7_000,
    "Nykvarn": 800,
    "Nynäshamn": 2_000,
    "Salem": 1_000,
    "Södertälje": 6_500,
    "Tyresö": 3_000,
}
MUNICIPALITY_ORGANISATIONS = {
    "Botkyrka": "Botkyrka kommun",
    "Haninge": "Haninge kommun",
    "Huddinge": "Huddinge kommun",
    "Nykvarn": "Nykvarns kommun",
    "Nynäshamn": "Nynäshamns kommun",
    "Salem": "Salems kommun",
    "Södertälje": "Södertälje kommun",
    "Tyresö": "Tyresö kommun",
}


def load_reference_data() -> None:
    """The county's municipalities and the Södertörn figures (the fee's and coverage's denominators), and the
    default emission factors."""
    from coaction.travel.services import ensure_default_factors

    ensure_default_factors()
    for code, name, latitude, longitude in data.STOCKHOLM_COUNTY:
        upsert_municipality(
            code=code,
            name=name,
            county=data.COUNTY,
            latitude=latitude,
            longitude=longitude,
            in_network=name in data.SODERTORN,
        )
    for name, ((inhabitants_2020, inhabitants_2021), jobs_2021) in data.SODERTORN_FIGURES.items():
        municipality = municipality_by_name(name)
        set_figure(municipality, 2020, inhabitants=inhabitants_2020, source=data.APPROXIMATE_SOURCE, approximate=True)
        set_figure(
            municipality,
            2021,
            inhabitants=inhabitants_2021,
            jobs=jobs_2021,
            source=data.APPROXIMATE_SOURCE,
            approximate=True,
        )


def load_organisations() -> None:
    hosts = {}
    for municipality_name, org_name in MUNICIPALITY_ORGANISATIONS.items():
        municipality = municipality_by_name(municipality_name)
        hosts[municipality_name] = upsert_organisation(
            org_name,
            sector=Sector.MUNICIPALITY,
            status=S.MEMBER,
            municipality=municipality,
            member_since=MEMBER_SINCE,
            employees=MUNICIPAL_STAFF[municipality_name],
            website=f"https://www.{slugify(municipality_name)}.se",
            description="Medlem i Södertörnssamarbetet.",
        )
    upsert_organisation(
        "Södertörns kansli",
        sector=Sector.MUNICIPALITY,
        status=S.MEMBER,
        municipality=municipality_by_name("Södertälje"),
        parent=hosts["Södertälje"],
        member_since=MEMBER_SINCE,
        description="Samordnande kansli för Södertörnskommunerna. Värdkommunen är ett antagande i demon.",
    )
    for name, sector, status, municipality_name, employees, website in ORGANISATIONS:
        upsert_organisation(
            name,
            sector=sector,
            status=status,
            municipality=municipality_by_name(municipality_name) if municipality_name else None,
            member_since=MEMBER_SINCE if status == S.MEMBER else None,
            employees=employees,
            website=website,
        )


# The region's large employers not yet members: the prospect list the coordinator invites from.
# Employee counts are approximate, for the demo.
PROSPECTS = (
    ("Södertälje Sjukhus AB", Sector.REGION, "Södertälje", 1_500),
    ("Nynas AB", Sector.INDUSTRY, "Nynäshamn", 400),
    ("Botkyrkabyggen AB", Sector.REAL_ESTATE, "Botkyrka", 200),
    ("Huge Fastigheter AB", Sector.REAL_ESTATE, "Huddinge", 150),
    ("Haninge Bostäder AB", Sector.REAL_ESTATE, "Haninge", 100),
    ("Tyresö Bostäder AB", Sector.REAL_ESTATE, "Tyresö", 60),
)
# Invitations the demo coordinator has sent: (prospect, address, opened)
INVITATIONS = (
    ("Nynas AB", "hallbarhet@nynas.example", True),
    ("Botkyrkabyggen AB", "vd@botkyrkabyggen.example", False),
)


def load_prospects() -> None:
    for name, sector, municipality_name, employees in PROSPECTS:
        existing = db.session.scalar(sa.select(Organisation).filter_by(name=name))
        if existing is None:  # an invited prospect stays invited on the next run
            upsert_organisation(
                name,
                sector=sector,
                status=S.PROSPECT,
                municipality=municipality_by_name(municipality_name),
                employees=employees,
            )


def load_invitations() -> None:
    from coaction.invitations.models import Invitation
    from coaction.invitations.services import invite_actor, mark_opened

    coordinator = user_by_email("samordnare@coaction.example")
    for organisation_name, email, opened in INVITATIONS:
        if db.session.scalar(sa.select(Invitation.id).filter_by(email=email)) is not None:
            continue
        organisation = db.session.scalar(sa.select(Organisation).filter_by(name=organisation_name))
        invitation = invite_actor(
            organisation,
            email,
            message="Välkomna att bli en del av samarbetet på Södertörn!",
            locale="sv",
            actor=coordinator,
            ip=None,
        )
        if opened:
            mark_opened(invitation)


# Demo accounts, one per role (and an org admin of a second organisation); printed by `make run`.
DEMO_PASSWORD = "demo-Sodertorn-2026"  # noqa: S105  # nosec B105 (printed on purpose: demo instances only)
DEMO_USERS = (
    ("admin@coaction.example", "Alva Admin", Role.ADMIN, None),
    ("samordnare@coaction.example", "Sam Samordnare", Role.COORDINATOR, "Södertörns kansli"),
    ("orgadmin@sodertalje.example", "Olle Orgadmin", Role.ORG_ADMIN, "Södertälje kommun"),
    ("medlem@sodertalje.example", "Mira Medlem", Role.MEMBER, "Södertälje kommun"),
    ("orgadmin@scania.example", "Stina Scania", Role.ORG_ADMIN, "Scania CV AB"),
)


def load_users() -> list[tuple[str, Role]]:
    logins = []
    for email, name, role, organisation_name in DEMO_USERS:
        if user_by_email(email) is None:
            organisation = db.session.scalar(sa.select(Organisation).filter_by(name=organisation_name))
            create_user(email, name=name, password=DEMO_PASSWORD, role=role, organisation=organisation, actor="demo")
        logins.append((email, role))
    return logins


def load_demo() -> list[tuple[str, Role]]:
    """Everything the demo shows; returns the demo logins."""
    set_setting("network_name", "CoAction Södertörn")
    set_setting("region_name", "Södertörn")
    set_setting("demo", "true")
    load_reference_data()
    load_organisations()
    load_prospects()
    logins = load_users()
    load_invitations()
    load_commitment_demo(local_today(), current_app.config["UPLOAD_PATH"])
    load_activity_demo(local_today())
    load_group_demo(local_today())
    load_tie_demo()
    load_priority_demo()
    db.session.flush()
    refresh_network(local_today())  # the published report's network section needs it
    load_report_demo()
    return logins
