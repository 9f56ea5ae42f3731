"""Deterministic synthetic organisations at any scale, inserted in bulk (for benchmarks)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date

import sqlalchemy as sa

from coaction.core.bulk import insert_in_batches
from coaction.core.types import casefold_key, utcnow
from coaction.extensions import db
from coaction.members.models import PUBLIC_STATUSES as PUBLIC
from coaction.members.models import MembershipStatus, Organisation, Sector
from coaction.members.orgnr import OrgNumber
from coaction.regions.models import Municipality

_FIRST = ("Grön", "Norr", "Söder", "Sjö", "Skog", "Berg", "Ström", "Ljus", "Vind", "Sol", "Älv", "Hav")
_SECOND = ("kraft", "bygg", "logistik", "energi", "data", "fastigheter", "transport", "teknik", "miljö", "gruppen")
_FORMS = ("AB", "AB", "AB", "Ekonomisk förening", "Stiftelsen", "Handelsbolag")
# Weighted towards what a real network has: most are members, some prospects, a few others.
_STATUSES = (
    (MembershipStatus.MEMBER, 60),
    (MembershipStatus.PROSPECT, 20),
    (MembershipStatus.INVITED, 8),
    (MembershipStatus.APPLIED, 4),
    (MembershipStatus.PAUSED, 3),
    (MembershipStatus.EXTERNAL, 5),
)


class SynthError(RuntimeError):
    pass


MAX_SEED = 99
MAX_ORGANISATIONS = 100_000


def synth_org_number(seed: int, index: int) -> str:
    """Unique across seeds and indexes: '55', two digits of seed, five of index, and the Luhn digit."""
    return str(OrgNumber.from_nine(f"55{seed:02d}{index:05d}"))


def _rows(count: int, seed: int, municipalities: list[Municipality]) -> Iterator[dict]:
    # Reproducible test data, not secrets: a seeded pseudo-random generator is what we want.
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    statuses, weights = zip(*_STATUSES, strict=True)
    sectors = list(Sector)
    now = utcnow()
    for index in range(count):
        name = f"{rng.choice(_FIRST)}{rng.choice(_SECOND)} {index + 1} {rng.choice(_FORMS)}"
        municipality = rng.choice(municipalities) if municipalities else None
        status = rng.choices(statuses, weights)[0]
        yield {
            "name": name,
            "name_key": casefold_key(name),
            "slug": f"synth-{seed}-{index + 1}",
            "org_number": synth_org_number(seed, index),
            "sector": rng.choice(sectors),
            "employees": int(rng.paretovariate(1.2) * 10),
            "municipality_id": municipality.id if municipality else None,
            "latitude": municipality.latitude + rng.uniform(-0.05, 0.05) if municipality else None,
            "longitude": municipality.longitude + rng.uniform(-0.08, 0.08) if municipality else None,
            "status": status,
            "status_changed_at": now,
            "member_since": date(2021 + rng.randrange(5), rng.randrange(1, 13), 1)
            if status == MembershipStatus.MEMBER
            else None,
            "created_at": now,
            "updated_at": now,
        }


def synth_organisations(count: int, seed: int, progress: Callable[[int], None] = lambda n: None) -> int:
    """Insert `count` organisations; the same seed always gives the same data. Refuses a seed already used."""
    if not 0 <= seed <= MAX_SEED or count > MAX_ORGANISATIONS:
        raise SynthError(f"--seed goes from 0 to {MAX_SEED} and --orgs up to {MAX_ORGANISATIONS:,} per seed")
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.slug == f"synth-{seed}-1")):
        raise SynthError(f"organisations for seed {seed} exist already; use another --seed or a fresh database")
    municipalities = list(db.session.scalars(sa.select(Municipality).order_by(Municipality.code)))
    return insert_in_batches(Organisation, _rows(count, seed, municipalities), progress)


def synth_users(seed: int, per_organisation: int, progress: Callable[[int], None] = lambda n: None) -> int:
    """Users for the seed's organisations: the first of each is its org admin. One shared password hash,
    since hashing is deliberately slow (password: synth-password-1)."""
    from coaction.auth.models import Role, User
    from coaction.auth.passwords import hash_password

    if per_organisation == 0:
        return 0
    password_hash = hash_password("synth-password-1")
    organisations = db.session.execute(
        sa.select(Organisation.id, Organisation.slug).where(Organisation.slug.like(f"synth-{seed}-%"))
    ).all()
    now = utcnow()
    rows = (
        {
            "email": f"user{number + 1}@{slug}.example",
            "name": f"Person {number + 1} {slug}",
            "password_hash": password_hash,
            "role": Role.ORG_ADMIN if number == 0 else Role.MEMBER,
            "organisation_id": organisation_id,
            "locale": "sv",
            "active": True,
            "session_version": 1,
            "created_at": now,
        }
        for organisation_id, slug in organisations
        for number in range(per_organisation)
    )
    return insert_in_batches(User, rows, progress)


def synth_invitations(seed: int, progress: Callable[[int], None] = lambda n: None) -> int:
    """An actor invitation for each of the seed's invited organisations, spread over the last year and
    over every stage, so that the invitation list and the funnel have something to show at scale."""
    from datetime import timedelta

    from coaction.core.tokens import hash_token
    from coaction.invitations.models import Invitation, InvitationKind, InvitationStatus

    rng = random.Random(seed + 1)  # noqa: S311  # nosec B311
    invited = db.session.execute(
        sa.select(Organisation.id, Organisation.slug).where(
            Organisation.slug.like(f"synth-{seed}-%"), Organisation.status == MembershipStatus.INVITED
        )
    ).all()
    now = utcnow()
    statuses = (InvitationStatus.PENDING, InvitationStatus.OPENED, InvitationStatus.DECLINED, InvitationStatus.EXPIRED)

    def row(organisation_id: int, slug: str) -> dict:
        sent = now - timedelta(days=rng.randrange(1, 365))
        status = rng.choice(statuses)
        opened = sent + timedelta(days=rng.randrange(0, 10)) if status != InvitationStatus.PENDING else None
        return {
            "kind": InvitationKind.ACTOR,
            "organisation_id": organisation_id,
            "email": f"kontakt@{slug}.example",
            "locale": "sv",
            "token_hash": hash_token(f"synth-{slug}"),
            "status": status,
            "created_at": sent,
            "expires_at": sent + timedelta(days=14),
            "opened_at": opened,
            "declined_at": opened if status == InvitationStatus.DECLINED else None,
        }

    return insert_in_batches(Invitation, (row(*organisation) for organisation in invited), progress)


def _share(total: int, parts: int, index: int) -> int:
    """The `index`th of `parts` near-equal shares that add up to `total` exactly."""
    return total // parts + (1 if index < total % parts else 0)


def synth_commitments(
    seed: int, total: int, reports_total: int, progress: Callable[[int], None] = lambda n: None
) -> tuple[int, int]:
    """`total` commitments spread evenly over the seed's member organisations, with about `reports_total` reports
    among them (each a few more or fewer), over categories, units, visibilities, places and every status.
    Returns (commitments, reports)."""
    from datetime import timedelta

    from coaction.commitments.models import (
        CATEGORY_UNITS,
        Category,
        Commitment,
        CommitmentLocation,
        ProgressReport,
        Visibility,
    )

    if total == 0:
        return 0, 0
    rng = random.Random(seed + 2)  # noqa: S311  # nosec B311
    members = db.session.execute(
        sa.select(Organisation.id, Organisation.municipality_id, Organisation.latitude, Organisation.longitude).where(
            Organisation.slug.like(f"synth-{seed}-%"), Organisation.status.in_(PUBLIC)
        )
    ).all()
    if not members:
        raise SynthError("no member organisations to make commitments for: give --orgs")
    reports_each = reports_total / total
    categories = [category for category in Category if category != Category.OTHER]
    visibilities = (Visibility.PUBLIC,) * 8 + (Visibility.MEMBERS, Visibility.PRIVATE)
    now, today = utcnow(), date.today()
    first_id = (db.session.scalar(sa.select(sa.func.max(Commitment.id))) or 0) + 1
    commitments, locations, reports = [], [], []
    for number, (organisation_id, municipality_id, latitude, longitude) in enumerate(
        (member for index, member in enumerate(members) for _ in range(_share(total, len(members), index))),
        start=first_id,
    ):
        category = rng.choice(categories)
        unit = rng.choice(CATEGORY_UNITS[category])
        baseline_year = rng.randrange(2019, 2027)
        baseline = float(rng.randrange(0, 50))
        target = baseline + rng.randrange(10, 200) if unit.value != "percent" else min(100.0, baseline + 40)
        title = f"{category.value.replace('_', ' ').capitalize()} {number}"
        commitments.append(
            {
                "id": number,
                "organisation_id": organisation_id,
                "title": title,
                "title_key": casefold_key(title),
                "category": category,
                "indicator": title,
                "unit": unit,
                "baseline_value": baseline,
                "baseline_year": baseline_year,
                "target_value": target,
                "target_year": baseline_year + rng.randrange(1, 8),
                "visibility": rng.choice(visibilities),
                "created_at": now,
                "updated_at": now,
            }
        )
        if latitude is not None:
            locations.append(
                {
                    "commitment_id": number,
                    "latitude": latitude,
                    "longitude": longitude,
                    "municipality_id": municipality_id,
                }
            )
        count = max(0, round(reports_each + rng.choice((-2, -1, 0, 0, 1, 2))))
        start = date(baseline_year, 1, 1)
        span = max(1, (today - start).days)
        made_here = []
        for index in range(count if start < today else 0):
            share = (index + 1) / (count + 1) * rng.uniform(0.4, 1.3)
            made_here.append(
                {
                    "commitment_id": number,
                    "reported_on": start + timedelta(days=span * (index + 1) // (count + 1)),
                    "value": round(baseline + (target - baseline) * share, 1),
                    "evidence_url": "https://example.org/underlag" if rng.random() < 0.2 else None,
                    "created_at": now,
                }
            )
        reports += made_here
        # The facts add_report keeps on the commitment, for the same reports.
        commitments[-1] |= {
            "report_count": len(made_here),
            "evidence_count": sum(1 for report in made_here if report["evidence_url"]),
            "latest_reported_on": made_here[-1]["reported_on"] if made_here else None,
            "latest_value": made_here[-1]["value"] if made_here else None,
            "last_report_at": now if made_here else None,
        }
    made = insert_in_batches(Commitment, commitments, progress)
    insert_in_batches(CommitmentLocation, locations, lambda n: None)
    insert_in_batches(ProgressReport, reports, lambda n: None)
    return made, len(reports)


def synth_surveys(seed: int, responses_total: int, progress: Callable[[int], None] = lambda n: None) -> tuple[int, int]:
    """A travel survey for each of the seed's member organisations and `responses_total` anonymous answers spread
    evenly over them (commutes of every mode and length, some business travel, a few barriers and wishes).
    Returns (surveys, responses)."""
    from datetime import timedelta

    from coaction.travel.models import SurveyResponse, TravelSurvey
    from coaction.travel.results import MODES
    from coaction.travel.services import BARRIERS, WILLING

    if responses_total == 0:
        return 0, 0
    rng = random.Random(seed + 3)  # noqa: S311  # nosec B311
    members = db.session.execute(
        sa.select(Organisation.id, Organisation.employees).where(
            Organisation.slug.like(f"synth-{seed}-%"), Organisation.status.in_(PUBLIC)
        )
    ).all()
    if not members:
        raise SynthError("no member organisations to survey: give --orgs")
    places = [None, *db.session.scalars(sa.select(Municipality.id).where(Municipality.in_network.is_(True)))]
    today, now = date.today(), utcnow()
    first_id = (db.session.scalar(sa.select(sa.func.max(TravelSurvey.id))) or 0) + 1
    surveys = [
        {
            "id": first_id + index,
            "organisation_id": organisation_id,
            "title": f"Resvaneundersökning {index + 1}",
            "opens_on": today - timedelta(days=60),
            "closes_on": today + timedelta(days=30),
            "employees": max(employees or 0, _share(responses_total, len(members), index), 1),
            "work_weeks": 44.0,
            "sites": [],
            "token": f"synth{seed:02d}{rng.getrandbits(160):040x}",
            "created_at": now,
        }
        for index, (organisation_id, employees) in enumerate(members)
    ]
    insert_in_batches(TravelSurvey, surveys, lambda n: None)

    def answers():
        for index, survey in enumerate(surveys):
            for _ in range(_share(responses_total, len(surveys), index)):
                days = dict.fromkeys(MODES, 0)
                for _ in range(rng.randrange(1, 6)):
                    days[rng.choice(MODES)] += 1
                yield {
                    "survey_id": survey["id"],
                    "home_municipality_id": rng.choice(places),
                    "distance_km": min(300.0, round(rng.paretovariate(1.5) * 3, 1)),
                    **{f"days_{mode}": days[mode] for mode in MODES},
                    "days_remote": rng.randrange(0, 7 - sum(days.values()) + 1),
                    "business_km_car": rng.choice((0, 0, 300, 2000)),
                    "business_km_rail": rng.choice((0, 0, 800)),
                    "business_km_bus": 0,
                    "business_km_air": rng.choice((0, 0, 0, 2400)),
                    "barriers": ";".join(sorted(rng.sample(BARRIERS, rng.randrange(0, 3)))),
                    "willing": ";".join(sorted(rng.sample(WILLING, rng.randrange(0, 3)))),
                    "submitted_on": today - timedelta(days=rng.randrange(0, 60)),
                }

    made = insert_in_batches(SurveyResponse, answers(), progress)
    return len(surveys), made


def synth_activities(
    seed: int, activities_total: int, participations_total: int, progress: Callable[[int], None] = lambda n: None
) -> tuple[int, int]:
    """`activities_total` activities of every kind and status over 2019–2028, each led by one of the seed's
    organisations, and about `participations_total` participations in all (the leads included), other
    organisations taking part as partners, funders or experts. Returns (activities, participations)."""
    from datetime import timedelta

    from coaction.activities.models import Activity, ActivityKind, ActivityVisibility, Answer, Participant, Role
    from coaction.core.status import WorkStatus

    if activities_total == 0:
        return 0, 0
    rng = random.Random(seed + 4)  # noqa: S311  # nosec B311
    organisations = list(
        db.session.scalars(sa.select(Organisation.id).where(Organisation.slug.like(f"synth-{seed}-%")))
    )
    if len(organisations) < 2:
        raise SynthError("activities need at least two of the seed's organisations: give --orgs")
    now, first_day = utcnow(), date(2019, 1, 1)
    first_id = (db.session.scalar(sa.select(sa.func.max(Activity.id))) or 0) + 1
    kinds, statuses = list(ActivityKind), list(WorkStatus)
    others = (Role.PARTNER, Role.PARTNER, Role.FUNDER, Role.EXPERT)
    answers = (Answer.ACCEPTED,) * 8 + (Answer.INVITED, Answer.DECLINED)
    per_activity = max(1, participations_total // activities_total)
    rows, participants = [], []
    for index in range(activities_total):
        starts_on = first_day + timedelta(days=rng.randrange(0, 3650))
        activity_id = first_id + index
        rows.append(
            {
                "id": activity_id,
                "title": f"Aktivitet {seed}-{index + 1}",
                "kind": kinds[index % len(kinds)],
                "starts_on": starts_on,
                "ends_on": starts_on + timedelta(days=rng.choice((0, 0, 30, 365, 730))),
                "status": rng.choice(statuses),
                "visibility": ActivityVisibility.PUBLIC if rng.random() < 0.8 else ActivityVisibility.MEMBERS,
                "online": False,
                "created_at": now,
                "updated_at": now,
            }
        )
        taking_part = rng.sample(organisations, min(len(organisations), per_activity))
        participants += [
            {
                "activity_id": activity_id,
                "organisation_id": organisation_id,
                "role": Role.LEAD if position == 0 else rng.choice(others),
                "answer": Answer.ACCEPTED if position == 0 else rng.choice(answers),
                "created_at": now,
            }
            for position, organisation_id in enumerate(taking_part)
        ]
    insert_in_batches(Activity, rows, progress)
    return len(rows), insert_in_batches(Participant, participants, lambda n: None)


def synth_decisions(seed: int, decisions_total: int, progress: Callable[[int], None] = lambda n: None) -> int:
    """Working groups of the seed (one per 50 decisions, at least one), a meeting for every ten decisions with a
    two-item agenda, and `decisions_total` decisions of every status with due dates around today."""
    from datetime import timedelta

    from coaction.core.status import WorkStatus
    from coaction.groups.models import AgendaItem, Decision, Meeting, WorkingGroup

    if decisions_total == 0:
        return 0
    rng = random.Random(seed + 5)  # noqa: S311  # nosec B311
    if db.session.scalar(sa.select(WorkingGroup.id).where(WorkingGroup.slug == f"synth-{seed}-grupp-1")):
        raise SynthError(f"working groups for seed {seed} exist already; use another --seed or a fresh database")
    today, now = date.today(), utcnow()
    groups = max(1, decisions_total // 50)
    meetings = max(1, decisions_total // 10)
    first_group = (db.session.scalar(sa.select(sa.func.max(WorkingGroup.id))) or 0) + 1
    first_meeting = (db.session.scalar(sa.select(sa.func.max(Meeting.id))) or 0) + 1
    first_item = (db.session.scalar(sa.select(sa.func.max(AgendaItem.id))) or 0) + 1
    insert_in_batches(
        WorkingGroup,
        (
            {
                "id": first_group + n,
                "name": f"Grupp {seed}-{n + 1}",
                "slug": f"synth-{seed}-grupp-{n + 1}",
                "created_at": now,
            }
            for n in range(groups)
        ),  # fmt: skip
        lambda n: None,
    )
    insert_in_batches(
        Meeting,
        (
            {
                "id": first_meeting + n,
                "group_id": first_group + n % groups,
                "held_on": today - timedelta(days=rng.randrange(0, 1500)),
                "created_at": now,
                "published_at": now if rng.random() < 0.5 else None,
            }
            for n in range(meetings)
        ),  # fmt: skip
        lambda n: None,
    )
    insert_in_batches(
        AgendaItem,
        (
            {"id": first_item + 2 * n + k, "meeting_id": first_meeting + n, "number": k + 1, "title": f"Punkt {k + 1}"}
            for n in range(meetings)
            for k in range(2)
        ),  # fmt: skip
        lambda n: None,
    )
    statuses = list(WorkStatus)
    return insert_in_batches(
        Decision,
        (
            {
                "item_id": first_item + rng.randrange(0, 2 * meetings),
                "text": f"Beslut {seed}-{n + 1}",
                "due_on": today + timedelta(days=rng.randrange(-400, 400)),
                "status": rng.choice(statuses),
                "created_at": now,
                "updated_at": now,
            }
            for n in range(decisions_total)
        ),  # fmt: skip
        progress,
    )


def synth_ties(seed: int, ties_total: int, progress: Callable[[int], None] = lambda n: None) -> int:
    """About `ties_total` confirmed ties among the seed's members and external organisations, clustered as real
    networks are: most within the same municipality and sector, many within the municipality, some with the few
    hubs (one in a hundred), the rest anywhere. Started over 2019–2026, so the network grows year by year."""
    from datetime import timedelta

    from coaction.ties.models import Tie, TieKind, TieState

    if ties_total == 0:
        return 0
    rng = random.Random(seed + 6)  # noqa: S311  # nosec B311
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.municipality_id, Organisation.sector).where(
            Organisation.slug.like(f"synth-{seed}-%"),
            Organisation.status.in_((*PUBLIC, MembershipStatus.EXTERNAL)),
        )
    ).all()
    if len(rows) < 2:
        raise SynthError("ties need at least two of the seed's members: give --orgs")
    ids = [row.id for row in rows]
    place = {row.id: row.municipality_id for row in rows}
    cluster = {row.id: (row.municipality_id, row.sector) for row in rows}
    clusters: dict = {}
    municipalities: dict = {}
    for row in rows:
        clusters.setdefault(cluster[row.id], []).append(row.id)
        municipalities.setdefault(place[row.id], []).append(row.id)
    hubs = rng.sample(ids, max(1, len(ids) // 100))
    kinds, now, first_day = list(TieKind), utcnow(), date(2019, 1, 1)
    made: set[tuple[int, int]] = set()
    ties = []
    for _attempt in range(ties_total * 4):
        if len(ties) == ties_total:
            break
        one = rng.choice(ids)
        draw = rng.random()
        pool = (
            clusters[cluster[one]]
            if draw < 0.6
            else municipalities[place[one]]
            if draw < 0.8
            else hubs
            if draw < 0.9
            else ids
        )
        other = rng.choice(pool)
        pair = (min(one, other), max(one, other))
        if one == other or pair in made:
            continue
        made.add(pair)
        ties.append(
            {
                "organisation_id": one,
                "partner_id": other,
                "kind": rng.choice(kinds),
                "state": TieState.CONFIRMED,
                "starts_on": first_day + timedelta(days=rng.randrange(0, 2900)),
                "created_at": now,
            }
        )
    return insert_in_batches(Tie, ties, progress)
