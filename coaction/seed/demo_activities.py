"""The demo's joint activities: the projects, campaigns, consultation responses and the conference the seeds name
(BioDriv Öst without Huddinge, Nykvarn and Salem; HITS led by Scania; DTSS with Trafikverket, CLOSER, Haninge and
Nynäshamn; the Tvärförbindelse advocacy group; the Södertörn conference with 171 participants), with their real
participants. Dates, roles, funding and texts beyond the seeds are invented and say so. Idempotent: keyed on
titles."""

from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa

from coaction.activities.models import Activity, ActivityKind, ActivityVisibility, Answer, Participant, Role
from coaction.activities.services import ActivityDetails, add_external_organisation, create_activity
from coaction.commitments.models import FocusArea
from coaction.core.status import WorkStatus
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.members.models import Organisation, Sector
from coaction.regions.services import municipality_by_name

INVENTED = "Datum, roller och detaljer utöver källorna är påhittade för demon."
SOUTH = ("Botkyrka kommun", "Haninge kommun", "Nynäshamns kommun", "Södertälje kommun", "Tyresö kommun")
ALL_EIGHT = (*SOUTH, "Huddinge kommun", "Nykvarns kommun", "Salems kommun")


def activities(today: date) -> list[tuple[ActivityDetails, str | None, list[tuple[str, Role]]]]:
    """(details with a focus-area code in `focus_area_id`, the lead, the other participants)."""
    upcoming = today + timedelta(days=21)
    return [
        (
            ActivityDetails(
                title="BioDriv Öst – Fossilfritt 2030",
                kind=ActivityKind.PROJECT,
                starts_on=date(2019, 1, 1),
                ends_on=date(2026, 12, 31),
                status=WorkStatus.ONGOING,
                description=(
                    "Laddinfrastruktur, biogasmackar, klimatkrav i upphandling och omställning av fordonsflottor, "
                    "tillsammans med sex länsstyrelser, fem regioner och ett 40-tal kommuner. Huddinge, Nykvarn och "
                    f"Salem deltar inte. {INVENTED}"
                ),
                funding_source="Europeiska regionala utvecklingsfonden (ERUF)",
                outcomes="Fem prioriterade aktiviteter formulerade tillsammans med klimatnätverket (maj 2021).",
            ),
            "Länsstyrelsen Stockholm",
            [(name, Role.PARTNER) for name in SOUTH] + [("Energimyndigheten", Role.FUNDER)],
        ),
        (
            ActivityDetails(
                title="Samordnad varudistribution",
                kind=ActivityKind.PROJECT,
                starts_on=date(2020, 9, 1),
                ends_on=date(2027, 6, 30),
                status=WorkStatus.ONGOING,
                description=f"Kommunerna samordnar sina varuleveranser för färre transporter. {INVENTED}",
            ),
            "Södertälje kommun",
            [("Botkyrka kommun", Role.PARTNER), ("Haninge kommun", Role.PARTNER), ("Huddinge kommun", Role.PARTNER)],
        ),
        (
            ActivityDetails(
                title="HITS – forskningsprojekt om hållbara transporter",
                kind=ActivityKind.PROJECT,
                starts_on=date(2020, 1, 1),
                ends_on=date(2025, 12, 31),
                status=WorkStatus.DONE,
                description=f"Forskningsprojektet leds av Scania. {INVENTED}",
                funding_source="Vinnova",
            ),
            "Scania CV AB",
            [("KTH Campus Flemingsberg", Role.EXPERT), ("Södertörns högskola", Role.EXPERT), ("Vinnova", Role.FUNDER)],
        ),
        (
            ActivityDetails(
                title="DTSS – Digital Transport South Stockholm",
                kind=ActivityKind.PILOT,
                starts_on=date(2021, 3, 1),
                ends_on=date(2026, 12, 31),
                status=WorkStatus.ONGOING,
                description=f"Trafikverket med CLOSER, Haninge och Nynäshamn. {INVENTED}",
            ),
            "Trafikverket",
            [("CLOSER", Role.PARTNER), ("Haninge kommun", Role.PARTNER), ("Nynäshamns kommun", Role.PARTNER)],
        ),
        (
            ActivityDetails(
                title="Påverkansgrupp för Tvärförbindelse Södertörn",
                kind=ActivityKind.CAMPAIGN,
                starts_on=date(2021, 1, 14),
                status=WorkStatus.ONGOING,
                description=f"Gemensamt påverkansarbete för vägförbindelsen från E4/E20 till väg 73. {INVENTED}",
            ),
            "Haninge kommun",
            [
                ("Stockholms Hamnar", Role.PARTNER),
                ("Stockholms Handelskammare", Role.PARTNER),
                ("Stockholms stad", Role.PARTNER),
            ],
        ),
        (
            ActivityDetails(
                title="Södertörnskonferensen 2021",
                kind=ActivityKind.CONFERENCE,
                starts_on=date(2021, 4, 22),
                starts_at=time(9, 0),
                ends_at=time(12, 0),
                status=WorkStatus.DONE,
                online=True,
                attendance=171,
                description=f"Den årliga konferensen, digital 2021, med interna och externa deltagare. {INVENTED}",
            ),
            "Södertörns kansli",
            [(name, Role.PARTNER) for name in ALL_EIGHT],
        ),
        (
            ActivityDetails(
                title="Remissvar: Kollektivtrafikplan 2050",
                kind=ActivityKind.CONSULTATION,
                starts_on=date(2021, 6, 1),
                ends_on=date(2021, 9, 30),
                status=WorkStatus.DONE,
                consulting_body="Region Stockholm",
                response_deadline=date(2021, 9, 30),
                outcomes="Ett tiosidigt yttrande med fyra huvudrubriker och de fem prioriteringarna.",
            ),
            "Södertörns kansli",
            [(name, Role.PARTNER) for name in ALL_EIGHT],
        ),
        (
            ActivityDetails(
                title="Tillväxtutbildning för företag på Södertörn",
                kind=ActivityKind.WORKSHOP,
                starts_on=date(2021, 3, 1),
                ends_on=date(2021, 6, 15),
                status=WorkStatus.DONE,
                description=f"En utbildning för åtta företag som vill växa, tillsammans med Almi. {INVENTED}",
            ),
            "Södertörns kansli",
            [("Almi Företagspartner Stockholm Sörmland", Role.EXPERT)],
        ),
        (
            ActivityDetails(
                title="Workshop: klimatkrav i upphandling",
                kind=ActivityKind.WORKSHOP,
                starts_on=upcoming,
                starts_at=time(13, 0),
                ends_at=time(16, 0),
                status=WorkStatus.PLANNED,
                visibility=ActivityVisibility.MEMBERS,
                place="Huddinge kommunhus",
                capacity=40,
                registration_open=True,
                description=f"Medlemmarna delar krav och erfarenheter från sina upphandlingar. {INVENTED}",
            ),
            "Huddinge kommun",
            [("Telge AB", Role.PARTNER), ("Region Stockholm", Role.EXPERT)],
        ),
    ]


FOCUS = {
    "BioDriv Öst – Fossilfritt 2030": "energy",
    "Samordnad varudistribution": "mobility",
    "HITS – forskningsprojekt om hållbara transporter": "mobility",
    "DTSS – Digital Transport South Stockholm": "mobility",
    "Påverkansgrupp för Tvärförbindelse Södertörn": "planning",
    "Workshop: klimatkrav i upphandling": "procurement",
}
PLACES = {"Workshop: klimatkrav i upphandling": "Huddinge", "Samordnad varudistribution": "Södertälje"}


def organisation(name: str) -> Organisation:
    found = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    return found or add_external_organisation(name, sector=Sector.BUSINESS, org_number=None, actor="demo", ip=None)


def load_activity_demo(today: date) -> None:
    known = set(db.session.scalars(sa.select(Activity.title)))
    areas = {area.code: area.id for area in db.session.scalars(sa.select(FocusArea))}
    for details, lead, others in activities(today):
        if details.title in known:
            continue
        details.focus_area_id = areas.get(FOCUS.get(details.title, ""))
        place = PLACES.get(details.title)
        details.municipality_id = municipality_by_name(place).id if place else None
        activity = create_activity(details, lead=organisation(lead) if lead else None, actor="demo", ip=None)
        for name, role in others:
            activity.participants.append(
                Participant(organisation=organisation(name), role=role, answer=Answer.ACCEPTED, answered_at=utcnow())
            )
    db.session.flush()


# Explicit ties, invented for the demo (the seeds name no contracts): (organisation, partner, kind, from).
TIES = (
    ("Scania CV AB", "KTH Campus Flemingsberg", "research", date(2020, 1, 1)),
    ("Telge AB", "Södertälje kommun", "supplier", date(2019, 1, 1)),
    ("Region Stockholm", "Trafikverket", "partnership", date(2021, 1, 14)),
)


def load_tie_demo() -> None:
    from coaction.ties.models import Tie, TieKind
    from coaction.ties.services import add_tie

    if db.session.scalar(sa.select(Tie.id).limit(1)) is not None:
        return
    for name, partner, kind, starts_on in TIES:
        add_tie(organisation(name), organisation(partner).id, TieKind(kind), starts_on=starts_on,
                note="Påhittad för demon.", confirmed=True, actor="demo", ip=None)  # fmt: skip
    db.session.flush()
