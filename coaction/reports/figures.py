"""The annual report's figures. Each comes from the service the matching page uses, with the public's view (what
visibility, the membership statuses and the k ≥ 5 rule let anyone see), and is kept as plain values (JSON): a
published report keeps the figures it was published with, whatever happens to the data later."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from coaction.activities.listing import Filters as ActivityFilters
from coaction.activities.listing import where_clauses as activity_clauses
from coaction.activities.models import Activity
from coaction.auth.permissions import PUBLIC_VIEWER
from coaction.commitments.listing import STATUS_ORDER, Rollup, overview
from coaction.core.status import WorkStatus
from coaction.extensions import db
from coaction.goals.services import current_plan_year, goal_tree
from coaction.groups.services import OPEN, published_decisions
from coaction.members.coverage import members_by_sector, members_joined_by_year
from coaction.members.fee_services import fee_list
from coaction.members.models import MembershipEvent, MembershipStatus
from coaction.network.models import Scope
from coaction.network.services import latest_snapshot
from coaction.priorities.services import ordered, supporters
from coaction.travel.overview import Wave, published_waves

# The sections in the report's order; the coordinator may write a text for each.
SECTIONS = (
    "introduction",
    "members",
    "commitments",
    "travel",
    "activities",
    "network",
    "priorities",
    "decisions",
    "fees",
)
# The shape of the figures: a published report keeps the shape it was published with, so a change of shape bumps
# this and the templates read older shapes too.
FIGURES_VERSION = 1
# Lists in the report name at most this many items and count the rest (a national network has thousands).
LISTED_AT_MOST = 25


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def compile_figures(year: int, today: date) -> dict[str, Any]:
    """Every section's figures for `year`, as they stand on `today` (a report is compiled after its year)."""
    return {
        "version": FIGURES_VERSION,
        "year": year,
        "compiled_on": today.isoformat(),
        "members": member_figures(year),
        "commitments": commitment_figures(year, today),
        "travel": travel_figures(year, today),
        "activities": activity_figures(year),
        "network": network_figures(year),
        "priorities": priority_figures(year),
        "decisions": decision_figures(year, today),
        "fees": fee_figures(year),
    }


def member_figures(year: int) -> dict[str, Any]:
    by_sector = members_by_sector(joined_by=year_bounds(year)[1])
    joined = members_joined_by_year()
    dated = sorted(found for found in joined if found is not None and found <= year)
    growth, running = [], joined.get(None, 0)  # with no date of joining, a member counts in every year
    for found in range(dated[0], year + 1) if dated else ():
        running += joined.get(found, 0)
        growth.append([found, running])
    left = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(MembershipEvent.organisation_id))).where(
            MembershipEvent.to_status == MembershipStatus.LEFT,
            MembershipEvent.at >= datetime(year, 1, 1, tzinfo=UTC),
            MembershipEvent.at < datetime(year + 1, 1, 1, tzinfo=UTC),
        )
    )
    return {
        "members": sum(tally.members for tally in by_sector.values()),
        "employees": sum(tally.employees for tally in by_sector.values()),
        "joined": joined.get(year, 0),
        "left": int(left or 0),
        "undated": joined.get(None, 0),
        "by_sector": [
            [sector.value, tally.members, tally.employees]
            for sector, tally in sorted(by_sector.items(), key=lambda item: -item[1].members)
        ],
        "growth": growth,
    }


def _counts(rollup: Rollup) -> dict[str, int]:
    return {status.value: rollup.counts.get(status, 0) for status in STATUS_ORDER}


def commitment_figures(year: int, today: date) -> dict[str, Any]:
    found = overview(PUBLIC_VIEWER, today)
    plan_year = current_plan_year(year)
    goals = goal_tree(plan_year) if plan_year else []
    return {
        "total": found.overall.total,
        "by_status": _counts(found.overall),
        "by_category": [
            [category.value, rollup.total, _counts(rollup)]
            for category, rollup in sorted(found.by_category.items(), key=lambda item: -item[1].total)
        ],
        "plan_year": plan_year,
        "by_goal": [
            {
                "id": goal.id,
                "title": goal.title,
                "total": found.by_goal[goal.id].total,
                "counts": _counts(found.by_goal[goal.id]),
            }
            for goal in goals
            if goal.id in found.by_goal
        ],
    }


def _wave(wave: Wave | None) -> dict[str, Any] | None:
    if wave is None:
        return None
    figures = wave.figures
    return {
        "year": wave.year,
        "surveys": figures.surveys,
        "organisations": figures.organisations,
        "responses": figures.responses,
        "employees": figures.employees,
        "modal_split": dict(sorted(figures.modal_split_trips.items(), key=lambda item: -item[1])),
        "co2e_kg_per_employee": round(figures.co2e_kg_per_employee, 1),
    }


def travel_figures(year: int, today: date) -> dict[str, Any]:
    """Only the published waves: a year pooled from enough answers and organisations, and over (DESIGN §7)."""
    waves = [wave for wave in published_waves(today) if wave.year <= year]
    this = next((wave for wave in waves if wave.year == year), None)
    earlier = [wave for wave in waves if wave.year < year]
    return {
        "wave": _wave(this),
        "previous": _wave(earlier[-1] if earlier else None),
        "years": [[wave.year, round(wave.figures.co2e_kg_per_employee, 1)] for wave in waves],
    }


def activity_figures(year: int) -> dict[str, Any]:
    start, end = year_bounds(year)
    clauses = activity_clauses(PUBLIC_VIEWER, ActivityFilters(period_from=start, period_to=end))
    grouped = db.session.execute(
        sa.select(
            Activity.kind, Activity.status, sa.func.count(), sa.func.coalesce(sa.func.sum(Activity.attendance), 0)
        )
        .where(*clauses)
        .group_by(Activity.kind, Activity.status)
    ).all()
    by_kind: Counter = Counter()
    by_status: Counter = Counter()
    for kind, status, count, _attendance in grouped:
        by_kind[kind.value] += count
        by_status[status.value] += count
    funding = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(Activity.funding_sek), 0),
            sa.func.coalesce(sa.func.sum(Activity.own_funding_sek), 0),
        ).where(*clauses)
    ).one()
    done = sa.and_(*clauses, Activity.status == WorkStatus.DONE)
    outcomes = db.session.scalars(
        sa.select(Activity)
        .where(done, Activity.outcomes.is_not(None), Activity.outcomes != "")
        .order_by(Activity.starts_on, Activity.id)
        .limit(LISTED_AT_MOST)
    )
    return {
        "total": sum(by_kind.values()),
        "by_kind": by_kind.most_common(),
        "by_status": {status.value: by_status.get(status.value, 0) for status in WorkStatus},
        "attendance": int(sum(row[3] for row in grouped)),
        "funding_sek": int(funding[0]),
        "own_funding_sek": int(funding[1]),
        "with_outcomes": db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Activity)
            .where(done, Activity.outcomes.is_not(None), Activity.outcomes != "")
        ),
        "outcomes": [
            {
                "id": activity.id,
                "title": activity.title,
                "kind": activity.kind.value,
                "starts_on": activity.starts_on.isoformat(),
                "outcomes": activity.outcomes,
            }
            for activity in outcomes
        ],
    }


def network_figures(year: int) -> dict[str, Any]:
    """The public network as it stood at the end of each year (the ties first seen by then)."""
    snapshot = latest_snapshot(Scope.PUBLIC)
    if snapshot is None:
        return {"computed_at": None, "growth": [], "year": None}
    growth = [[found, figures] for found, figures in snapshot.growth if found <= year]
    return {
        "computed_at": snapshot.computed_at.isoformat(),
        "growth": growth,
        "year": growth[-1][1] if growth and growth[-1][0] == year else None,
    }


def priority_figures(year: int) -> list[dict[str, Any]]:
    return [
        {
            "slug": priority.slug,
            "name": priority.name,
            "rank": priority.rank,
            "status": priority.status.value,
            "status_note": priority.status_note,
            "plan": priority.plan.value if priority.plan else None,
            "supporters": len(supporters(priority)),
            "changes": [
                {"on": change.changed_on.isoformat(), "status": change.status.value, "note": change.note}
                for change in priority.history
                if change.changed_on.year == year
            ],
        }
        for priority in ordered()
    ]


def decision_figures(year: int, today: date) -> dict[str, Any]:
    decisions = published_decisions(*year_bounds(year))
    by_status = Counter(decision.status.value for decision in decisions)
    return {
        "total": len(decisions),
        "by_status": {status.value: by_status.get(status.value, 0) for status in WorkStatus},
        "overdue": sum(
            1 for decision in decisions if decision.status in OPEN and decision.due_on and decision.due_on < today
        ),
        "listed": [
            {
                "group": decision.item.meeting.group.name,
                "group_slug": decision.item.meeting.group.slug,
                "held_on": decision.item.meeting.held_on.isoformat(),
                "text": decision.text,
                "status": decision.status.value,
                "due_on": decision.due_on.isoformat() if decision.due_on else None,
            }
            for decision in decisions[:LISTED_AT_MOST]
        ],
    }


def fee_figures(year: int) -> dict[str, Any]:
    found = fee_list(year)
    return {
        "figure_year": found.figure_year,
        "total_sek": str(found.totals.total),
        "known": found.totals.known,
        "unknown": found.totals.unknown,
        "by_sector": [
            [sector.value, str(totals.total), totals.known, totals.unknown] for sector, totals in found.by_sector
        ],
    }
