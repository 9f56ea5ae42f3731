"""The five joint infrastructure priorities of the Södertörn municipalities, decided by Samarbetskommittén on
14 January 2021 (annual report 2021, seed 002), with the status notes the report gives. The seeds give nothing
else: plan, responsible body, cost and the lines on the map are approximations entered for the demo, marked
approximate. Two statements of support are invented. Idempotent: keyed on the priorities' names."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from coaction.auth.services import user_by_email
from coaction.extensions import db
from coaction.priorities.models import InfrastructurePriority, Plan, PriorityStatus
from coaction.priorities.services import PriorityDetails, create_priority, decide_support, state_support, support_of

DECIDED = date(2021, 1, 14)
PRESENTED = (
    "Presenterad vid möten med Region Stockholm, Trafikverket och Trafikförvaltningen och vid Trafikverkets "
    "dialogmöte om nationell plan den 3 juni 2021."
)


def line(*points: tuple[float, float]) -> dict:
    return {"type": "LineString", "coordinates": [list(point) for point in points]}  # longitude, latitude


PRIORITIES = (
    (
        "Tvärförbindelse Södertörn",
        "Ny vägförbindelse från E4/E20 vid Kungens kurva via Flemingsberg till väg 73 vid Haninge.",
        PriorityStatus.PLANNING,
        "Vägplanen granskades 2021 med ett Södertörnsgemensamt remissvar i mars. Sedan april driver kommunerna, "
        "med Stockholms Hamnar, Stockholms Handelskammare och Stockholms stad, ett påverkansarbete för full "
        "finansiering i kommande nationell plan.",
        "Trafikverket",
        Plan.NATIONAL,
        13000.0,
        line((17.925, 59.271), (17.955, 59.235), (18.02, 59.214), (18.095, 59.184), (18.152, 59.162)),
    ),
    (
        "Ny passage Södertälje kanal",
        "En ny förbindelse över Södertälje kanal för väg- och gång- och cykeltrafik.",
        PriorityStatus.STUDIED,
        "Åtgärdsvalsstudien (ÅVS) färdigställdes i juni 2021; Södertörnskommunerna deltog i arbetsgruppen och "
        "Södertälje kommun i styrgruppen.",
        "Trafikverket och Södertälje kommun",
        Plan.NATIONAL,
        3000.0,
        line((17.628, 59.199), (17.641, 59.191)),
    ),
    (
        "Ny bytespunkt Flemingsberg",
        "En regional bytespunkt i Flemingsberg mellan pendeltåg, regionaltåg och bussar.",
        PriorityStatus.PROPOSED,
        PRESENTED,
        "Region Stockholm och Huddinge kommun",
        Plan.REGIONAL,
        1500.0,
        {"type": "Point", "coordinates": [17.946, 59.219]},
    ),
    (
        "Nya spår Järna–Flemingsberg via Södertälje Syd",
        "Fler spår på sträckan Järna–Flemingsberg via Södertälje Syd för pendel-, regional- och godståg.",
        PriorityStatus.PROPOSED,
        PRESENTED,
        "Trafikverket",
        Plan.NATIONAL,
        15000.0,
        line((17.567, 59.093), (17.646, 59.163), (17.73, 59.19), (17.83, 59.205), (17.946, 59.219)),
    ),
    (
        "Spår till Tyresö",
        "Spårförbindelse till Tyresö centrum.",
        PriorityStatus.PROPOSED,
        PRESENTED,
        "Region Stockholm",
        Plan.REGIONAL,
        8000.0,
        line((18.08, 59.299), (18.15, 59.281), (18.228, 59.244)),
    ),
)
SUPPORT = (  # invented for the demo
    ("Tvärförbindelse Södertörn", "orgadmin@scania.example", "Godset till och från Södertälje behöver en tvärled."),
    (
        "Ny passage Södertälje kanal",
        "orgadmin@sodertalje.example",
        "Kanalen delar staden, en passage binder ihop den.",
    ),
)


def load_priority_demo() -> None:
    office = user_by_email("samordnare@coaction.example")
    existing = set(db.session.scalars(sa.select(InfrastructurePriority.name)))
    for name, description, status, note, body, plan, cost, geometry in PRIORITIES:
        if name in existing:
            continue
        details = PriorityDetails(name, description, status, note, body, plan, cost, geometry, approximate=True)
        create_priority(details, today=DECIDED, actor=office, ip=None)
    for priority_name, email, statement in SUPPORT:
        admin = user_by_email(email)
        priority = db.session.scalar(sa.select(InfrastructurePriority).filter_by(name=priority_name))
        if admin is None or priority is None or support_of(priority, admin.organisation_id) is not None:
            continue
        stated = state_support(priority, admin.organisation, statement, actor=admin, ip=None)
        decide_support(stated, True, actor=office, ip=None)
