"""The demo's working groups: Samarbetskommittén, the management group and the four Södertörn networks (the
communication network wound up as a formal network in November 2021), with the management group's meeting of
20 August 2021 as the minutes (seed 001) record it: its numbered agenda, and decisions with owners and follow-up.
People are the demo's accounts; the rest beyond the seeds is invented and says so. Idempotent: keyed on names."""

from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa

from coaction.auth.services import user_by_email
from coaction.core.status import WorkStatus
from coaction.extensions import db
from coaction.groups.models import WorkingGroup
from coaction.groups.services import (
    DecisionInput,
    add_decision,
    add_member,
    add_note,
    approve_minutes,
    create_meeting,
    publish_minutes,
    save_group,
    save_minutes,
    set_attendance,
)

GROUPS = (
    ("Samarbetskommittén", "Den politiska kommittén för Södertörnssamarbetet. Beslutade de fem gemensamma "
     "infrastrukturprioriteringarna vid planeringskonferensen den 14 januari 2021.", None),
    ("Ledningsgruppen", "Kommundirektörerna i de åtta Södertörnskommunerna.", None),
    ("Nätverket för planeringschefer", "Samhällsplanering och infrastruktur.", None),
    ("Nätverket för klimatstrateger", "Klimat och energi; samverkar med BioDriv Öst.", None),
    ("Nätverket för näringslivschefer", "Näringsliv och kompetensförsörjning.", None),
    ("Nätverket för kommunikationschefer", "Gemensam kommunikation.", date(2021, 11, 30)),
)  # fmt: skip
AGENDA = (
    "Välkommen",
    "Utestående ärenden och föregående möten",
    "Kommande möten",
    "Verksamhetsplan och budget",
    "Aktuella remisser",
    "Transportinfrastrukturplaneringen",
)
MINUTES = """Magnus Gyllestad hälsar välkommen till höstens första möte.

## Verksamhetsplan och budget

Alla aktiviteter är på gång, några är klara och budgeten hålls.

- Önskan framförs om att det som är genomfört markeras med **grönt** och att verksamhet som pågår markeras med
  **gult**. Halvårsrapporten uppdateras med detta.

## Aktuella remisser

Remissvaret på Kollektivtrafikplan 2050 blev ett tiosidigt yttrande och skickas till Region Stockholm den
30 september.

*Minnesanteckningarna är förkortade för demon.*
"""


def load_group_demo(today: date) -> None:
    office = user_by_email("samordnare@coaction.example")
    director = user_by_email("orgadmin@sodertalje.example")
    member = user_by_email("medlem@sodertalje.example")
    known = set(db.session.scalars(sa.select(WorkingGroup.name)))
    for name, purpose, wound_up_on in GROUPS:
        if name in known:
            continue
        group = save_group(None, name=name, purpose=purpose, started_on=date(2021, 1, 1), wound_up_on=wound_up_on,
                           actor="demo", ip=None)  # fmt: skip
        add_member(group, director.id, chair=name == "Ledningsgruppen", starts_on=date(2021, 1, 1), ends_on=None,
                   actor="demo", ip=None)  # fmt: skip
        if name == "Ledningsgruppen":
            add_member(group, office.id, chair=False, starts_on=date(2021, 1, 1), ends_on=None, actor="demo", ip=None)
            add_member(
                group,
                member.id,
                chair=False,
                starts_on=date(2021, 1, 1),
                ends_on=date(2021, 6, 30),
                actor="demo",
                ip=None,
            )  # fmt: skip  (representatives change)
            load_management_meetings(group, office, director, today)
    db.session.flush()


def load_management_meetings(group: WorkingGroup, office, director, today: date) -> None:
    august = create_meeting(group, held_on=date(2021, 8, 20), starts_at=time(8, 30), ends_at=time(10, 15),
                            place="Digitalt via Teams", agenda=list(AGENDA), actor="demo", ip=None)  # fmt: skip
    set_attendance(august, [office.id, director.id], actor="demo", ip=None)
    items = {item.number: item for item in august.items}
    colours = add_decision(
        items[4],
        DecisionInput(
            text="Halvårsrapporten markerar genomfört med grönt och pågående med gult.",
            owner_id=office.id,
            due_on=date(2021, 9, 30),
            status=WorkStatus.DONE,
        ),
        actor="demo",
        ip=None,
    )
    add_note(colours, date(2021, 9, 20), "Halvårsrapporten uppdaterad.", today=today, actor="demo", ip=None)
    add_decision(
        items[6],
        DecisionInput(
            text="Materialet om Tvärförbindelse Södertörn skickas först till arbetsgruppen, sedan till styrgruppen. "
            "(Ägare och datum påhittade för demon.)",
            owner_id=director.id,
            due_on=today - timedelta(days=14),
            status=WorkStatus.ONGOING,
        ),
        actor="demo",
        ip=None,
    )
    save_minutes(august, MINUTES, office.id, actor="demo", ip=None)
    approve_minutes(august, actor="demo", ip=None)
    publish_minutes(august, actor="demo", ip=None)
    create_meeting(group, held_on=today + timedelta(days=10), starts_at=time(8, 30), ends_at=time(10, 0),
                   place="Digitalt", agenda=["Välkommen", "Utestående ärenden", "Övrigt"], actor="demo",
                   ip=None)  # fmt: skip
    db.session.flush()
