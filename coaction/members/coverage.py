"""Coverage: which sectors, municipalities and large employers the network reaches, and which it still misses.

How the coordinator decides whom to invite next. The arithmetic is pure functions over plain values; `coverage()`
is the one function that asks the database, one query per aggregate.

Members are organisations with status member or paused. A unit inside a member (an administration, the coordinating
office) is counted with its parent, not a second time: its employees are part of the parent's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from coaction.extensions import db
from coaction.members.models import PUBLIC_STATUSES, MembershipStatus, Organisation, Sector
from coaction.regions.models import Municipality, MunicipalityFigure

TOP_PROSPECTS = 20


@dataclass(frozen=True, slots=True)
class Tally:
    """Members in one group and their employees; `without_count` members gave no number of employees."""

    members: int = 0
    employees: int = 0
    without_count: int = 0


@dataclass(frozen=True, slots=True)
class JobsFigure:
    """The latest number of jobs located in a municipality, with where it comes from."""

    year: int
    jobs: int
    source: str
    approximate: bool


@dataclass(frozen=True, slots=True)
class NetworkMunicipality:
    id: int
    name: str
    jobs: JobsFigure | None


@dataclass(frozen=True, slots=True)
class MunicipalityCoverage:
    """One line of the coverage by municipality; `id` None is the line for members without a municipality."""

    id: int | None
    name: str | None
    in_network: bool
    tally: Tally
    jobs: JobsFigure | None = None

    @property
    def share(self) -> Decimal | None:
        return share_of(self.tally.employees, self.jobs.jobs if self.jobs else None)


@dataclass(frozen=True, slots=True)
class EmploymentShare:
    """The share of the network municipalities' jobs that are at member organisations, or unknown and why."""

    member_employees: int  # members located in a network municipality
    members_without_count: int  # of those, how many gave no number of employees (so the share is a lower bound)
    jobs: int | None  # None when any network municipality lacks a jobs figure
    missing: tuple[str, ...]  # network municipalities without a jobs figure
    years: tuple[int, ...]  # the years of the figures used
    sources: tuple[str, ...]
    approximate: bool

    @property
    def share(self) -> Decimal | None:
        return share_of(self.member_employees, self.jobs)


@dataclass(frozen=True, slots=True)
class Prospect:
    id: int
    name: str
    sector: Sector
    employees: int | None
    municipality: str | None


@dataclass(frozen=True)
class Coverage:
    by_sector: list[tuple[Sector, Tally]]
    by_municipality: list[MunicipalityCoverage]
    total: Tally
    share: EmploymentShare
    prospects: list[Prospect]
    sectors_without_members: list[Sector]


# ---- pure ------------------------------------------------------------------------------------------------------


def share_of(part: int, whole: int | None) -> Decimal | None:
    """part / whole, or None when the whole is unknown or zero (a share of nothing is not 0 %)."""
    if whole is None or whole <= 0:
        return None
    return Decimal(part) / Decimal(whole)


def add_tallies(tallies: Iterable[Tally]) -> Tally:
    members = employees = without = 0
    for tally in tallies:
        members += tally.members
        employees += tally.employees
        without += tally.without_count
    return Tally(members, employees, without)


def sector_table(counts: Mapping[Sector, Tally]) -> list[tuple[Sector, Tally]]:
    """Every sector, in the order of the Sector list, with a zero tally where the network has no member."""
    return [(sector, counts.get(sector, Tally())) for sector in Sector]


def sectors_without_members(counts: Mapping[Sector, Tally]) -> list[Sector]:
    return [sector for sector in Sector if counts.get(sector, Tally()).members == 0]


def employment_share(network: Sequence[NetworkMunicipality], member_tallies: Mapping[int, Tally]) -> EmploymentShare:
    """Members' employees in the network municipalities over the jobs located there (the latest figure of each).

    When any network municipality has no jobs figure the denominator is unknown, and so is the share: a sum over
    some municipalities would make the share look larger than it is."""
    in_network = add_tallies(member_tallies.get(municipality.id, Tally()) for municipality in network)
    figures = [municipality.jobs for municipality in network if municipality.jobs is not None]
    missing = tuple(municipality.name for municipality in network if municipality.jobs is None)
    jobs = sum(figure.jobs for figure in figures) if network and not missing else None
    return EmploymentShare(
        member_employees=in_network.employees,
        members_without_count=in_network.without_count,
        jobs=jobs,
        missing=missing,
        years=tuple(sorted({figure.year for figure in figures})),
        sources=tuple(sorted({figure.source for figure in figures})),
        approximate=any(figure.approximate for figure in figures),
    )


def municipality_table(
    network: Sequence[NetworkMunicipality],
    member_tallies: Mapping[int | None, Tally],
    names: Mapping[int, str],
) -> list[MunicipalityCoverage]:
    """Every network municipality (a municipality without members is a gap to show), then the other
    municipalities where members are located, then the members without a municipality."""
    lines = [MunicipalityCoverage(m.id, m.name, True, member_tallies.get(m.id, Tally()), m.jobs) for m in network]
    listed = {m.id for m in network}
    others = sorted(
        (key for key in member_tallies if key is not None and key not in listed), key=lambda key: names.get(key, "")
    )
    lines += [MunicipalityCoverage(key, names.get(key), False, member_tallies[key]) for key in others]
    if None in member_tallies:
        lines.append(MunicipalityCoverage(None, None, False, member_tallies[None]))
    return lines


# ---- queries ---------------------------------------------------------------------------------------------------


def _counted_members(joined_by: date | None = None) -> tuple[sa.Select, type[Organisation]]:
    """Members and paused members, except units whose parent is a member too (counted with the parent); with
    `joined_by`, those that had joined by that day, and those with no date of joining (known members throughout)."""
    parent = aliased(Organisation)
    query = (
        sa.select()
        .select_from(Organisation)
        .outerjoin(parent, Organisation.parent_id == parent.id)
        .where(
            Organisation.status.in_(PUBLIC_STATUSES),
            sa.or_(parent.id.is_(None), parent.status.not_in(PUBLIC_STATUSES)),
        )
    )
    if joined_by is not None:
        query = query.where(sa.or_(Organisation.member_since <= joined_by, Organisation.member_since.is_(None)))
    return query, parent


def _tally_columns() -> tuple:
    return (
        sa.func.count(Organisation.id),
        sa.func.coalesce(sa.func.sum(Organisation.employees), 0),
        sa.func.count(Organisation.employees),
    )


def _tally(members: int, employees: int, with_count: int) -> Tally:
    return Tally(int(members), int(employees), int(members) - int(with_count))


def members_by_sector(joined_by: date | None = None) -> dict[Sector, Tally]:
    query, _parent = _counted_members(joined_by)
    query = query.add_columns(Organisation.sector, *_tally_columns()).group_by(Organisation.sector)
    return {Sector(sector): _tally(*rest) for sector, *rest in db.session.execute(query)}


def members_joined_by_year() -> dict[int | None, int]:
    """Today's counted members by the year they joined (None: no date of joining recorded)."""
    query, _parent = _counted_members()
    joined = sa.extract("year", Organisation.member_since)
    query = query.add_columns(joined, sa.func.count(Organisation.id)).group_by(joined)
    return {None if year is None else int(year): int(count) for year, count in db.session.execute(query)}


def members_by_municipality() -> tuple[dict[int | None, Tally], dict[int, str]]:
    """Tallies keyed by municipality id (None: no municipality given), and the names of those municipalities."""
    query, _parent = _counted_members()
    query = (
        query.add_columns(Municipality.id, Municipality.name, *_tally_columns())
        .outerjoin(Municipality, Organisation.municipality_id == Municipality.id)
        .group_by(Municipality.id, Municipality.name)
    )
    tallies, names = {}, {}
    for municipality_id, name, *rest in db.session.execute(query):
        tallies[municipality_id] = _tally(*rest)
        if municipality_id is not None:
            names[municipality_id] = name
    return tallies, names


def network_jobs() -> list[NetworkMunicipality]:
    """The network municipalities, each with its latest figure that gives the number of jobs (or None)."""
    latest = (
        sa.select(MunicipalityFigure.municipality_id, sa.func.max(MunicipalityFigure.year).label("year"))
        .where(MunicipalityFigure.jobs.is_not(None))
        .group_by(MunicipalityFigure.municipality_id)
        .subquery()
    )
    query = (
        sa.select(
            Municipality.id,
            Municipality.name,
            MunicipalityFigure.year,
            MunicipalityFigure.jobs,
            MunicipalityFigure.source,
            MunicipalityFigure.approximate,
        )
        .outerjoin(latest, latest.c.municipality_id == Municipality.id)
        .outerjoin(
            MunicipalityFigure,
            sa.and_(MunicipalityFigure.municipality_id == Municipality.id, MunicipalityFigure.year == latest.c.year),
        )
        .where(Municipality.in_network.is_(True))
        .order_by(Municipality.name)
    )
    return [
        NetworkMunicipality(id, name, JobsFigure(year, jobs, source, bool(approximate)) if jobs is not None else None)
        for id, name, year, jobs, source, approximate in db.session.execute(query)
    ]


def largest_prospects(limit: int = TOP_PROSPECTS) -> list[Prospect]:
    """The largest employers not yet invited: prospects, most employees first (unknown counts last)."""
    query = (
        sa.select(Organisation.id, Organisation.name, Organisation.sector, Organisation.employees, Municipality.name)
        .outerjoin(Municipality, Organisation.municipality_id == Municipality.id)
        .where(Organisation.status == MembershipStatus.PROSPECT)
        .order_by(Organisation.employees.is_(None), Organisation.employees.desc(), Organisation.name_key)
        .limit(limit)
    )
    return [
        Prospect(id, name, Sector(sector), employees, place)
        for id, name, sector, employees, place in db.session.execute(query)
    ]


def coverage() -> Coverage:
    by_sector = members_by_sector()
    tallies, names = members_by_municipality()
    network = network_jobs()
    return Coverage(
        by_sector=sector_table(by_sector),
        by_municipality=municipality_table(network, tallies, names),
        total=add_tallies(by_sector.values()),
        share=employment_share(network, tallies),
        prospects=largest_prospects(),
        sectors_without_members=sectors_without_members(by_sector),
    )
