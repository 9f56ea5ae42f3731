"""Reading commitments: their computed state in bulk, the filtered and sorted lists, the CSV, the roll-ups.

The state of any number of commitments comes from one query (the latest report of each by a window function, and
the report totals), then the pure functions of progress.py: no query per commitment."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from coaction.auth.permissions import is_signed_in
from coaction.commitments.models import (
    Category,
    Commitment,
    CommitmentLocation,
    ProgressReport,
    Unit,
    commitment_goal,
)
from coaction.commitments.permissions import visible_clause
from coaction.commitments.progress import (
    DEFAULT_TOLERANCE,
    Assessment,
    Plan,
    Report,
    Status,
    Verification,
    assess,
    verification_level,
)
from coaction.commitments.reminders import Due, Period, report_due
from coaction.core import generations
from coaction.core.bulk import collector_paused
from coaction.core.pagination import Page, page_number
from coaction.core.settings import get_setting
from coaction.core.types import casefold_key
from coaction.extensions import cache, db
from coaction.goals.models import PlanGoal
from coaction.members.models import Organisation, Sector

PER_PAGE = 25
# The order of the status sort, and of every count by status: the precedence of DESIGN §4.
STATUS_ORDER = (Status.DONE, Status.OVERDUE, Status.STALE, Status.BEHIND, Status.ON_TRACK, Status.PLANNED)
STATUS_RANK = {status: rank for rank, status in enumerate(STATUS_ORDER)}
SORTS = ("title", "organisation", "status", "progress", "target_year", "newest")


def local_today() -> date:
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def tolerance() -> float:
    try:
        value = float(get_setting("status_tolerance"))
    except ValueError:
        return DEFAULT_TOLERANCE
    return value if 0 <= value <= 100 else DEFAULT_TOLERANCE


def reporting_period() -> Period:
    value = get_setting("reporting_period")
    return Period(value) if value in Period._value2member_map_ else Period.YEARLY


class State(NamedTuple):
    """What is computed about one commitment."""

    assessment: Assessment
    verification: Verification
    latest_on: date | None  # the newest report's date, whether or not it counts as progress
    reports: int

    @property
    def status(self) -> Status:
        return self.assessment.status


def state_of(row: Any, today: date, tol: float) -> State:
    """The state from a row of `state_query` (its first columns, unpacked by position: this runs 25,000 times)."""
    (
        _id,
        baseline_value,
        baseline_year,
        target_value,
        target_year,
        latest_on,
        latest_value,
        reports,
        evidence,
        verified,
    ) = row[:STATE_COLUMNS]
    plan = Plan(baseline_value, baseline_year, target_value, target_year)
    return State(
        assessment=assess(plan, [Report(latest_on, latest_value)] if latest_on is not None else (), today, tol),
        verification=verification_level(bool(verified), evidence or 0),
        latest_on=latest_on,
        reports=reports or 0,
    )


def verified_since_last_report() -> sa.ColumnElement[bool]:
    return sa.and_(
        Commitment.verified_at.is_not(None),
        sa.or_(Commitment.last_report_at.is_(None), Commitment.last_report_at <= Commitment.verified_at),
    )


STATE_COLUMNS = 10


def state_query(*where: sa.ColumnElement[bool], extra: Sequence[Any] = ()) -> sa.Select:
    """One row per commitment with everything its state needs (then `extra` columns), filtered by `where`: one
    plain scan, since each commitment row carries the facts of its latest report."""
    return (
        sa.select(
            Commitment.id,
            Commitment.baseline_value,
            Commitment.baseline_year,
            Commitment.target_value,
            Commitment.target_year,
            Commitment.latest_reported_on.label("latest_on"),
            Commitment.latest_value,
            Commitment.report_count,
            Commitment.evidence_count,
            sa.case((verified_since_last_report(), 1), else_=0).label("verified"),
            *extra,
        )
        .join(Organisation, Organisation.id == Commitment.organisation_id)
        .where(*where)
    )


def states(ids: Iterable[int], today: date | None = None) -> dict[int, State]:
    ids = list(ids)
    if not ids:
        return {}
    today, tol = today or local_today(), tolerance()
    return {row.id: state_of(row._tuple(), today, tol) for row in rows_of(state_query(Commitment.id.in_(ids)))}


def state_for(commitment: Commitment) -> State:
    return states([commitment.id])[commitment.id]


@dataclass
class Filters:
    organisation_id: int | None = None
    category: Category | None = None
    focus_area_id: int | None = None
    status: Status | None = None
    municipality_id: int | None = None
    sector: Sector | None = None
    goal_id: int | None = None
    verification: Verification | None = None
    q: str = ""
    sort: str = "title"
    located: bool = False  # only commitments with a place: what the map shows

    @property
    def needs_states(self) -> bool:
        """Filters and sorts on what is computed cannot run in SQL."""
        return self.status is not None or self.verification is not None or self.sort in ("status", "progress")


def goal_family(goal_id: int) -> list[int]:
    """A goal in every plan year it was carried into, with the sub-goals of each: what a goal gathers."""
    goal = db.session.get(PlanGoal, goal_id)
    if goal is None:
        return []
    versions = list(
        db.session.scalars(
            sa.select(PlanGoal.id).where(sa.or_(PlanGoal.id == goal.lineage, PlanGoal.lineage_id == goal.lineage))
        )
    )
    children = list(db.session.scalars(sa.select(PlanGoal.id).where(PlanGoal.parent_id.in_(versions))))
    return versions + children


def in_municipality(municipality_id: int) -> sa.ColumnElement[bool]:
    """Located there; or, with no location of its own, made by an organisation there."""
    located = sa.select(CommitmentLocation.commitment_id).where(CommitmentLocation.municipality_id == municipality_id)
    anywhere = sa.select(CommitmentLocation.commitment_id)
    return sa.or_(
        Commitment.id.in_(located),
        sa.and_(Commitment.id.not_in(anywhere), Organisation.municipality_id == municipality_id),
    )


def where_clauses(viewer: Any, filters: Filters) -> list[sa.ColumnElement[bool]]:
    clauses = [Commitment.withdrawn_at.is_(None), visible_clause(viewer)]
    if filters.organisation_id is not None:
        clauses.append(Commitment.organisation_id == filters.organisation_id)
    if filters.category is not None:
        clauses.append(Commitment.category == filters.category)
    if filters.focus_area_id is not None:
        clauses.append(Commitment.focus_area_id == filters.focus_area_id)
    if filters.municipality_id is not None:
        clauses.append(in_municipality(filters.municipality_id))
    if filters.sector is not None:
        clauses.append(Organisation.sector == filters.sector)
    if filters.located:
        clauses.append(Commitment.id.in_(sa.select(CommitmentLocation.commitment_id)))
    if filters.goal_id is not None:
        linked = sa.select(commitment_goal.c.commitment_id).where(
            commitment_goal.c.goal_id.in_(goal_family(filters.goal_id))
        )
        clauses.append(Commitment.id.in_(linked))
    text = casefold_key(filters.q)
    if text:
        clauses.append(
            sa.or_(
                Commitment.title_key.contains(text, autoescape=True),
                Organisation.name_key.contains(text, autoescape=True),
            )
        )
    return clauses


SQL_ORDER = {
    "title": (Commitment.title_key, Commitment.id),
    "organisation": (Organisation.name_key, Commitment.title_key, Commitment.id),
    "target_year": (Commitment.target_year, Commitment.title_key, Commitment.id),
    "newest": (Commitment.id.desc(),),
}


def _matches(state: State, filters: Filters) -> bool:
    if filters.status is not None and state.status != filters.status:
        return False
    return filters.verification is None or state.verification == filters.verification


def _sort_key(sort: str):
    """The Python twin of SQL_ORDER, over (id, state, title key, organisation key, target year)."""

    def progress(state: State) -> float:
        return -(state.assessment.progress if state.assessment.progress is not None else -1.0)

    keys = {
        "organisation": lambda item: (item[3], item[2], item[0]),
        "target_year": lambda item: (item[4], item[2], item[0]),
        "newest": lambda item: -item[0],
        "status": lambda item: (STATUS_RANK[item[1].status], item[2], item[0]),
        "progress": lambda item: (progress(item[1]), item[2], item[0]),
    }
    return keys.get(sort, lambda item: (item[2], item[0]))


def _load(ids: Sequence[int], load: Sequence[Any] = ()) -> list[Commitment]:
    found = db.session.scalars(
        sa.select(Commitment)
        .where(Commitment.id.in_(ids))
        .options(selectinload(Commitment.organisation), selectinload(Commitment.focus_area), *load)
    )
    by_id = {commitment.id: commitment for commitment in found}
    return [by_id[i] for i in ids if i in by_id]


def rows_of(query: sa.Select):
    """Core rows, without the ORM's per-row work, fetched at once: the state queries return thousands."""
    return db.session.connection().execute(query).all()


def selected(viewer: Any, filters: Filters, extra: Sequence[Any] = (), today: date | None = None) -> list:
    """Every (row, state) the filters select, in their order: one query, whatever the filters and sort."""
    today, tol = today or local_today(), tolerance()
    query = state_query(*where_clauses(viewer, filters), extra=[Commitment.title_key, Organisation.name_key, *extra])
    items = []
    with collector_paused():
        for row in rows_of(query):
            values = row._tuple()
            state = state_of(values, today, tol)
            if _matches(state, filters):  # positions: id, ..., target_year (4), then title and organisation keys
                items.append((values[0], state, values[STATE_COLUMNS], values[STATE_COLUMNS + 1], values[4], row))
        items.sort(key=_sort_key(filters.sort))
        return [(item[5], item[1]) for item in items]


def filtered_ids(viewer: Any, filters: Filters, today: date | None = None) -> tuple[list[int], dict[int, State]]:
    chosen = selected(viewer, filters, today=today)
    return [row.id for row, _ in chosen], {row.id: state for row, state in chosen}


COUNT_SECONDS = 60  # a backstop for writes that pass by the ORM (bulk commands); the app's own writes count at once


def count_of(base: sa.Select, viewer: Any) -> int:
    """How many commitments `base` selects. For the public the number is cached per query and generation of the
    commitments' data (the maps' generation: a new one at every commit that touches a commitment, its places or
    reports, or an organisation, on any server): at national scale counting was most of the time of /commitments,
    /map and the API's list (tests/benchmarks/bench_national.py); the page itself is still read each time."""
    query = sa.select(sa.func.count()).select_from(base.subquery())
    if is_signed_in(viewer):
        return db.session.scalar(query)
    compiled = query.compile(db.engine)
    generation = generations.generation("maps")
    text = f"{generation}\n{compiled}\n{sorted(compiled.params.items())!r}"
    key = "commitments.count." + hashlib.sha256(text.encode()).hexdigest()
    total = cache.get(key)
    if total is None:
        total = db.session.scalar(query)
        cache.set(key, total, timeout=COUNT_SECONDS)
    return total


def find_commitments(
    viewer: Any,
    filters: Filters,
    page: int = 1,
    per_page: int = PER_PAGE,
    clamp: bool = True,
    load: Sequence[Any] = (),
) -> Page:
    """A page of (commitment, state) pairs. Without a computed filter or sort the page is cut in SQL and only
    its own commitments' states are computed; `load` adds loader options for what the caller shows of them."""
    if filters.needs_states:
        ids, computed = filtered_ids(viewer, filters)
        total = len(ids)
        page = page_number(page, per_page, total, clamp)
        chosen = ids[(page - 1) * per_page : page * per_page]
    else:
        clauses = where_clauses(viewer, filters)
        base = (
            sa.select(Commitment.id).join(Organisation, Organisation.id == Commitment.organisation_id).where(*clauses)
        )
        total = count_of(base, viewer)
        page = page_number(page, per_page, total, clamp)
        order = SQL_ORDER.get(filters.sort, SQL_ORDER["title"])
        chosen = list(db.session.scalars(base.order_by(*order).limit(per_page).offset((page - 1) * per_page)))
        computed = states(chosen)
    items = [(commitment, computed[commitment.id]) for commitment in _load(chosen, load)]
    return Page(items, page, per_page, total)


# ---- CSV ------------------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "organisation",
    "title",
    "category",
    "focus_area",
    "indicator",
    "unit",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
    "latest_value",
    "latest_date",
    "progress_percent",
    "expected_percent",
    "status",
    "verification",
    "municipalities",
    "visibility",
)


def municipality_names() -> dict[int, list[str]]:
    """Each located commitment's municipalities by name, in one query."""
    from coaction.regions.models import Municipality

    places: dict[int, list[str]] = defaultdict(list)
    located = rows_of(
        sa.select(CommitmentLocation.commitment_id, Municipality.name)
        .join(Municipality, Municipality.id == CommitmentLocation.municipality_id)
        .order_by(Municipality.name)
    )
    for commitment_id, name in located:
        places[commitment_id].append(name)
    return places


def csv_rows(viewer: Any, filters: Filters, labels: dict) -> Iterable[list]:
    """Every row the filters select, as plain columns: no ORM object per commitment; one query for the
    commitments and their states, one for the municipalities."""
    from coaction.commitments.models import FocusArea

    extra = [
        Organisation.name.label("organisation"),
        Commitment.title,
        Commitment.category,
        Commitment.indicator,
        Commitment.unit,
        Commitment.visibility,
        Commitment.focus_area_id,
    ]
    chosen = selected(viewer, filters, extra)
    # Each label translated once, not once per row.
    labels = {
        key: {code: str(text) for code, text in value.items()} if isinstance(value, dict) else value
        for key, value in labels.items()
    }
    places = municipality_names()
    focus = {area.id: area.name(labels["locale"]) for area in db.session.scalars(sa.select(FocusArea))}
    for row, state in chosen:
        latest = state.assessment.latest
        yield [
            row.id,
            row.organisation,
            row.title,
            labels["category"][row.category],
            focus.get(row.focus_area_id, ""),
            row.indicator,
            labels["unit"][row.unit],
            row.baseline_value,
            row.baseline_year,
            row.target_value,
            row.target_year,
            latest.value if latest else "",
            latest.on.isoformat() if latest else "",
            "" if state.assessment.progress is None else round(state.assessment.progress, 1),
            round(state.assessment.expected, 1),
            labels["status"][state.status],
            labels["verification"][state.verification],
            ", ".join(places.get(row.id, [])),
            labels["visibility"][row.visibility],
        ]


# ---- roll-ups for the network office ------------------------------------------------------------------------


@dataclass
class UnitSum:
    baseline: float = 0.0
    current: float = 0.0
    target: float = 0.0
    commitments: int = 0


@dataclass
class Rollup:
    """Counts by status, and the indicator summed per unit (never across units)."""

    counts: Counter = field(default_factory=Counter)
    sums: dict[Unit, UnitSum] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, state: State, unit: Unit, baseline: float, target: float) -> None:
        self.counts[state.status] += 1
        latest = state.assessment.latest
        total = self.sums.setdefault(unit, UnitSum())
        total.baseline += baseline
        total.current += latest.value if latest else baseline
        total.target += target
        total.commitments += 1


@dataclass
class Overview:
    overall: Rollup
    by_goal: dict[int, Rollup]
    by_category: dict[Category, Rollup]
    by_municipality: dict[int | None, Rollup]
    overdue: list[int]
    stale: list[int]
    to_verify: list[int]


def overview(viewer: Any, today: date | None = None) -> Overview:
    """Every standing commitment the viewer may see, rolled up per plan goal, category and municipality."""
    today, tol = today or local_today(), tolerance()
    clauses = [Commitment.withdrawn_at.is_(None), visible_clause(viewer)]
    query = state_query(
        *clauses,
        extra=[Commitment.category, Commitment.unit, Organisation.municipality_id.label("home_municipality")],
    )
    goals: dict[int, set[int]] = defaultdict(set)
    for commitment_id, goal_id in db.session.execute(
        sa.select(commitment_goal.c.commitment_id, commitment_goal.c.goal_id)
    ):
        goals[commitment_id].add(goal_id)
    parents = dict(db.session.execute(sa.select(PlanGoal.id, PlanGoal.parent_id)).all())
    places: dict[int, set[int]] = defaultdict(set)
    located = db.session.execute(
        sa.select(CommitmentLocation.commitment_id, CommitmentLocation.municipality_id).where(
            CommitmentLocation.municipality_id.is_not(None)
        )
    )
    for commitment_id, municipality_id in located:
        places[commitment_id].add(municipality_id)
    result = Overview(Rollup(), defaultdict(Rollup), defaultdict(Rollup), defaultdict(Rollup), [], [], [])
    with collector_paused():
        _roll_up(rows_of(query), result, goals, parents, places, today, tol)
    return result


def _roll_up(rows, result: Overview, goals, parents, places, today: date, tol: float) -> None:
    for row in rows:
        state = state_of(row._tuple(), today, tol)
        values = (state, row.unit, row.baseline_value, row.target_value)
        result.overall.add(*values)
        result.by_category[row.category].add(*values)
        linked = goals.get(row.id, set())
        for goal_id in linked | {parents[g] for g in linked if parents.get(g)}:
            result.by_goal[goal_id].add(*values)
        for municipality_id in places.get(row.id) or {row.home_municipality}:
            result.by_municipality[municipality_id].add(*values)
        if state.status == Status.OVERDUE:
            result.overdue.append(row.id)
        elif state.status == Status.STALE:
            result.stale.append(row.id)
        if state.verification == Verification.EVIDENCE:
            result.to_verify.append(row.id)


def load_with_states(ids: Sequence[int]) -> list[tuple[Commitment, State]]:
    computed = states(ids)
    return [(commitment, computed[commitment.id]) for commitment in _load(ids)]


# ---- an organisation's own -------------------------------------------------------------------------------------


@dataclass
class OwnCommitment:
    commitment: Commitment
    state: State
    due: Due | None


def organisation_commitments(organisation_id: int, today: date | None = None) -> list[OwnCommitment]:
    """All of an organisation's commitments, withdrawn ones last, with whether a report is due."""
    today = today or local_today()
    period = reporting_period()
    commitments = list(
        db.session.scalars(
            sa.select(Commitment)
            .where(Commitment.organisation_id == organisation_id)
            .order_by(Commitment.withdrawn_at.is_not(None), Commitment.title_key)
            .options(selectinload(Commitment.focus_area))
        )
    )
    computed = states([c.id for c in commitments], today)
    return [
        OwnCommitment(
            commitment,
            computed[commitment.id],
            None
            if commitment.withdrawn_at
            else report_due(
                latest_on=computed[commitment.id].latest_on,
                baseline_year=commitment.baseline_year,
                done=computed[commitment.id].status == Status.DONE,
                today=today,
                period=period,
            ),
        )
        for commitment in commitments
    ]


def reports_of(commitment: Commitment) -> list[ProgressReport]:
    return list(
        db.session.scalars(
            sa.select(ProgressReport)
            .where(ProgressReport.commitment_id == commitment.id)
            .order_by(ProgressReport.reported_on, ProgressReport.id)
            .options(selectinload(ProgressReport.reporter))
        )
    )


def status_counts(viewer: Any, filters: Filters) -> dict[Status, int]:
    """How many of the commitments the filters select are in each status (one query)."""
    today, tol = local_today(), tolerance()
    counts = Counter(
        state_of(row._tuple(), today, tol).status for row in rows_of(state_query(*where_clauses(viewer, filters)))
    )
    return {status: counts.get(status, 0) for status in STATUS_ORDER}
