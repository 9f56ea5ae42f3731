"""The demo's goals, indicators, standard commitments and members' commitments with reports.

The goal structure of 2021 is the Södertörn annual report's (seed 002, section 3); the climate and mobility goals,
the indicator values and every commitment are invented for the demo (the demo banner says so). Report dates are
counted back from today, so that the demo shows every status whenever it is loaded. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from coaction.auth.services import user_by_email
from coaction.commitments.models import Category, Commitment, CommitmentTemplate, FocusArea, Unit, Visibility
from coaction.commitments.services import (
    CommitmentDetails,
    ReportInput,
    add_report,
    create_commitment,
    save_template,
    verify_commitment,
)
from coaction.extensions import db
from coaction.goals.models import PlanGoal
from coaction.goals.services import copy_plan_year, save_goal, save_indicator, set_indicator_value
from coaction.members.models import Organisation
from coaction.regions.services import municipality_by_name

FOCUS_AREAS = (
    ("energy", "Energi", "Energy"),
    ("mobility", "Mobilitet", "Mobility"),
    ("procurement", "Hållbar upphandling", "Sustainable procurement"),
    ("planning", "Samhällsplanering", "Spatial planning"),
)

REPORT_YEAR = 2021
# The annual report's structure: focus area, main goal, sub-goals, who answers for it.
ANNUAL_REPORT_GOALS = (
    (
        "Infrastruktur",
        "Stark infrastruktur är en förutsättning för hållbar utveckling",
        (
            "Utifrån god framkomlighet och minskad klimatpåverkan från resor och transporter",
            "Genom att prioriterade infrastrukturprojekt genomförs",
            "Baserad på en robust teknisk försörjning",
        ),
        "Nätverket för planeringschefer, nätverket för klimatstrategier samt Södertörns kansli",
    ),
    (
        "Utbildning",
        "Akademisk utbildning som säkrar framtida kompetensförsörjning",
        (
            "Genom tillgänglighet till akademisk utbildning för hela Södertörn",
            "Inriktad mot både näringsliv och kommuner",
            "Genom att Södertörns högskola får universitetsstatus",
        ),
        "Inget eget nätverk; viss samverkan inom nätverket för näringslivschefer",
    ),
    (
        "Näringsliv",
        "Södertörn är det självklara valet för företagen",
        ("Utifrån en stark infrastruktur", "Genom samsyn om helheten", "För fler etableringar och växande företag"),
        "Nätverket för näringslivschefer",
    ),
    (
        "Funktionell samordning",
        "Ökad funktionell samordning mellan kommunerna",
        ("För bättre verksamhet", "För ekonomisk effektivitet", "Genom öppenhet för samarbeten"),
        "Södertörns kansli; klimatnätverket för en aktivitet",
    ),
)
CLIMATE_GOALS = (
    (
        "Klimat och mobilitet",
        "Fossilfria transporter på Södertörn",
        ("Fossilfria fordonsflottor hos medlemmarna", "Laddinfrastruktur och biogas där den behövs"),
        "Nätverket för klimatstrategier",
    ),
    (
        "Klimat och mobilitet",
        "Fler pendlar hållbart till arbetet",
        ("Fler cyklar, går och åker kollektivt till jobbet", "Färre tjänsteresor med bil och flyg"),
        "Nätverket för klimatstrategier och medlemmarnas gröna resplaner",
    ),
    (
        "Klimat och mobilitet",
        "Effektivare och förnybar energi",
        ("Lägre energianvändning i lokaler", "Mer förnybar energi hos medlemmarna"),
        "Nätverket för klimatstrategier",
    ),
)
DEMO_SOURCE = "Demo: påhittade värden"

TEMPLATES = (
    (
        "Laddpunkter vid arbetsplatsen",
        Category.CHARGING,
        Unit.CHARGING_POINTS,
        "mobility",
        "Laddpunkter för anställda och besökare",
    ),
    ("Cykelpool för anställda", Category.BIKE_POOL, Unit.BIKES, "mobility", "Cyklar och elcyklar att låna i tjänsten"),
    (
        "Klimatkrav i upphandlingar",
        Category.PROCUREMENT,
        Unit.PERCENT,
        "procurement",
        "Andel upphandlingar med klimatkrav",
    ),
    ("Fossilfri fordonsflotta", Category.FLEET, Unit.PERCENT, "mobility", "Andel fossilfria fordon i flottan"),
    ("Resepolicy med klimatmål", Category.TRAVEL_POLICY, Unit.T_CO2E, "mobility", "Utsläpp från tjänsteresor"),
    ("Distansarbete där det går", Category.REMOTE_WORK, Unit.PERCENT, "mobility", "Andel arbetsdagar på distans"),
    ("Biogas i egna fordon", Category.BIOGAS, Unit.MWH, "energy", "Tankad biogas per år"),
)

# organisation, title, category, unit, focus, baseline (value, year), target (value, year), visibility,
# municipality names, goal titles (2026), reports as (days ago, value, evidence link or None), verified
COMMITMENTS = (
    # Three that give Södertälje's admin partner suggestions in the demo (the same category, no tie yet).
    (
        "Scania CV AB",
        "Laddplatser vid verkstäderna i Södertälje",
        Category.CHARGING,
        Unit.CHARGING_POINTS,
        "mobility",
        (12, 2023),
        (80, 2028),
        Visibility.PUBLIC,
        ("Södertälje",),
        (),
        ((200, 30, None),),
        False,
    ),
    (
        "KTH Campus Flemingsberg",
        "Laddning för anställda och besökare",
        Category.CHARGING,
        Unit.CHARGING_POINTS,
        "mobility",
        (4, 2024),
        (40, 2028),
        Visibility.PUBLIC,
        ("Huddinge",),
        (),
        (),
        False,
    ),
    (
        "AstraZeneca AB",
        "Resepolicy med klimatmål för tjänsteresor",
        Category.TRAVEL_POLICY,
        Unit.T_CO2E,
        "mobility",
        (900, 2022),
        (450, 2027),
        Visibility.PUBLIC,
        ("Södertälje",),
        (),
        ((150, 780, None),),
        False,
    ),
    (
        "Södertälje kommun",
        "200 laddpunkter vid kommunens arbetsplatser",
        Category.CHARGING,
        Unit.CHARGING_POINTS,
        "mobility",
        (20, 2022),
        (200, 2028),
        Visibility.PUBLIC,
        ("Södertälje",),
        ("Laddinfrastruktur och biogas där den behövs",),
        ((900, 60, None), (500, 100, "https://www.sodertalje.se"), (40, 150, "https://www.sodertalje.se")),
        True,
    ),
    (
        "Scania CV AB",
        "Fossilfria tjänstebilar",
        Category.FLEET,
        Unit.PERCENT,
        "mobility",
        (15, 2021),
        (100, 2027),
        Visibility.PUBLIC,
        ("Södertälje",),
        ("Fossilfria fordonsflottor hos medlemmarna",),
        ((700, 25, None), (50, 40, None)),
        False,
    ),
    (
        "Telge AB",
        "Sex publika biogasstationer",
        Category.BIOGAS,
        Unit.STATIONS,
        "energy",
        (2, 2020),
        (6, 2025),
        Visibility.PUBLIC,
        ("Södertälje", "Nykvarn"),
        ("Laddinfrastruktur och biogas där den behövs",),
        ((800, 4, None), (300, 6, "https://www.telge.se")),
        False,
    ),
    (
        "Huddinge kommun",
        "Klimatkrav i nio av tio upphandlingar",
        Category.PROCUREMENT,
        Unit.PERCENT,
        "procurement",
        (30, 2019),
        (90, 2024),
        Visibility.PUBLIC,
        ("Huddinge",),
        ("Fossilfria transporter på Södertörn",),
        ((900, 55, None), (400, 70, None)),
        False,
    ),
    (
        "Botkyrka kommun",
        "Cykelpool med 40 elcyklar",
        Category.BIKE_POOL,
        Unit.BIKES,
        "mobility",
        (0, 2025),
        (40, 2027),
        Visibility.PUBLIC,
        ("Botkyrka",),
        ("Fler cyklar, går och åker kollektivt till jobbet",),
        (),
        False,
    ),
    (
        "Region Stockholm",
        "Lägre energianvändning i regionens lokaler",
        Category.EFFICIENCY,
        Unit.KWH_PER_M2,
        "energy",
        (160, 2020),
        (120, 2030),
        Visibility.PUBLIC,
        (),
        ("Lägre energianvändning i lokaler",),
        ((500, 150, None),),
        False,
    ),
    (
        "AstraZeneca AB",
        "All el från förnybara källor",
        Category.RENEWABLE,
        Unit.PERCENT,
        "energy",
        (60, 2020),
        (100, 2027),
        Visibility.PUBLIC,
        ("Södertälje",),
        ("Mer förnybar energi hos medlemmarna",),
        ((600, 75, None), (30, 92, "https://www.astrazeneca.se")),
        False,
    ),
    (
        "Södertälje kommun",
        "Halverade utsläpp från tjänsteresor",
        Category.TRAVEL_POLICY,
        Unit.T_CO2E,
        "mobility",
        (120, 2022),
        (60, 2026),
        Visibility.MEMBERS,
        ("Södertälje",),
        ("Färre tjänsteresor med bil och flyg",),
        ((300, 95, None),),
        False,
    ),
    (
        "Södertälje kommun",
        "Parkeringsnorm för kommunhuset (utkast)",
        Category.PARKING,
        Unit.PARKING_SPACES,
        "planning",
        (240, 2025),
        (180, 2028),
        Visibility.PRIVATE,
        ("Södertälje",),
        (),
        (),
        False,
    ),
    (
        "Haninge kommun",
        "Distansarbete två dagar i veckan",
        Category.REMOTE_WORK,
        Unit.PERCENT,
        "mobility",
        (10, 2023),
        (40, 2026),
        Visibility.MEMBERS,
        ("Haninge",),
        ("Fler cyklar, går och åker kollektivt till jobbet",),
        ((200, 38, None),),
        False,
    ),
)


def load_focus_areas() -> dict[str, FocusArea]:
    areas = {}
    for position, (code, name_sv, name_en) in enumerate(FOCUS_AREAS):
        area = db.session.scalar(sa.select(FocusArea).where(FocusArea.code == code))
        if area is None:
            area = FocusArea(code=code)
            db.session.add(area)
        area.name_sv, area.name_en, area.position = name_sv, name_en, position
        areas[code] = area
    db.session.flush()
    return areas


def _add_goals(year: int, goals: tuple, first_position: int) -> None:
    for position, (focus, title, subgoals, responsible) in enumerate(goals, start=first_position):
        goal = save_goal(
            None,
            indicator_ids=[],
            actor="demo",
            ip=None,
            plan_year=year,
            parent_id=None,
            focus_area=focus,
            title=title,
            description=None,
            responsible=responsible,
            position=position,
        )
        for sub_position, subtitle in enumerate(subgoals):
            save_goal(
                None,
                indicator_ids=[],
                actor="demo",
                ip=None,
                plan_year=year,
                parent_id=goal.id,
                focus_area=focus,
                title=subtitle,
                description=None,
                responsible=None,
                position=sub_position,
            )


def load_goals(current_year: int) -> None:
    if db.session.scalar(sa.select(PlanGoal.id).limit(1)) is not None:
        return
    _add_goals(REPORT_YEAR, ANNUAL_REPORT_GOALS, 0)
    copy_plan_year(REPORT_YEAR, current_year, actor="demo", ip=None)
    _add_goals(current_year, CLIMATE_GOALS, len(ANNUAL_REPORT_GOALS))
    chargers = save_indicator(
        None,
        actor="demo",
        ip=None,
        name="Publika laddpunkter på Södertörn",
        unit="antal",
        description="Invented for the demo.",
    )
    fleet = save_indicator(
        None,
        actor="demo",
        ip=None,
        name="Andel fossilfria fordon i kommunernas flottor",
        unit="%",
        description="Invented for the demo.",
    )
    for year, value in zip(range(2019, 2026), (310, 420, 560, 760, 1010, 1320, 1650), strict=True):
        set_indicator_value(
            chargers, year=year, municipality_id=None, value=value, source=DEMO_SOURCE, actor="demo", ip=None
        )
    for name, shares in (("Södertälje", (35, 62)), ("Huddinge", (28, 51)), ("Haninge", (30, 47))):
        municipality = municipality_by_name(name)
        for year, share in zip((2021, 2024), shares, strict=True):
            set_indicator_value(
                fleet,
                year=year,
                municipality_id=municipality.id,
                value=share,
                source=DEMO_SOURCE,
                actor="demo",
                ip=None,
            )
    for goal in db.session.scalars(sa.select(PlanGoal).where(PlanGoal.plan_year == current_year)):
        if goal.title == "Fossilfria transporter på Södertörn":
            goal.indicators = [chargers, fleet]


def load_templates(areas: dict[str, FocusArea]) -> None:
    for title, category, unit, focus, indicator in TEMPLATES:
        if db.session.scalar(sa.select(CommitmentTemplate.id).where(CommitmentTemplate.title == title)) is None:
            save_template(
                None,
                actor="demo",
                ip=None,
                title=title,
                description=None,
                focus_area_id=areas[focus].id,
                category=category,
                indicator=indicator,
                unit=unit,
                active=True,
            )


def load_commitments(areas: dict[str, FocusArea], today: date, upload_path: str) -> None:
    coordinator = user_by_email("samordnare@coaction.example")
    goals = {
        goal.title: goal.id for goal in db.session.scalars(sa.select(PlanGoal).where(PlanGoal.plan_year == today.year))
    }
    for (
        org_name,
        title,
        category,
        unit,
        focus,
        baseline,
        target,
        visibility,
        places,
        goal_titles,
        reports,
        verified,
    ) in COMMITMENTS:
        if db.session.scalar(sa.select(Commitment.id).where(Commitment.title == title)) is not None:
            continue
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == org_name))
        commitment = create_commitment(
            organisation,
            CommitmentDetails(
                title=title,
                category=category,
                indicator=title,
                unit=unit,
                baseline_value=baseline[0],
                baseline_year=baseline[1],
                target_value=target[0],
                target_year=target[1],
                visibility=visibility,
                focus_area_id=areas[focus].id,
                goal_ids=[goals[name] for name in goal_titles if name in goals],
                municipality_ids=[municipality_by_name(name).id for name in places],
            ),
            actor="demo",
            ip=None,
        )
        for days_ago, value, link in reports:
            add_report(
                commitment,
                ReportInput(reported_on=today - timedelta(days=days_ago), value=value, evidence_url=link),
                today=today,
                upload_path=upload_path,
                actor="demo",
                ip=None,
            )
        if verified and coordinator is not None:
            verify_commitment(commitment, note="Underlaget granskat av kansliet (demo).", actor=coordinator, ip=None)


def load_commitment_demo(today: date, upload_path: str) -> None:
    areas = load_focus_areas()
    load_goals(today.year)
    load_templates(areas)
    load_commitments(areas, today, upload_path)
