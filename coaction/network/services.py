"""The network snapshot: the job that measures the collaboration network and stores what the pages read, the flag
that says the data has changed since, and the reading of a snapshot for the pages, the exports and the API."""

from __future__ import annotations

import resource
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from coaction.activities.models import Activity, ActivityVisibility, Answer, Participant
from coaction.commitments.listing import local_today
from coaction.core.bulk import collector_paused, insert_in_batches
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.groups.models import GroupMember
from coaction.jobs import enqueue, job
from coaction.members.models import PUBLIC_STATUSES, MembershipStatus, Organisation
from coaction.network.graph import (
    NOT_DRAWN,
    Facts,
    Weights,
    build_graph,
    by_year,
    drawing,
    figures,
    measure,
    sector_pairs,
)
from coaction.network.models import NetworkEdge, NetworkNode, NetworkSnapshot, NetworkState, Scope
from coaction.ties.models import Tie
from coaction.ties.services import network_edges

STATE_ID = 1
STALE_QUEUE = timedelta(hours=1)  # a queued refresh not begun by then is taken as lost (a worker that died)
WATCHED = (Participant, GroupMember, Tie, Activity, Organisation)
_CHANGED = "coaction.network_changed"


# --- the flag and the one queued job ------------------------------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _note_network_changes(session: Session, _context) -> None:
    if not session.info.get(_CHANGED):
        changed = (*session.new, *session.dirty, *session.deleted)
        session.info[_CHANGED] = any(isinstance(instance, WATCHED) for instance in changed)


@event.listens_for(Session, "after_commit")
def _mark_after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        mark_dirty(queue=has_request_context() and current_app.config["NETWORK_AUTO_REFRESH"])


@event.listens_for(Session, "after_soft_rollback")
def _forget_changes(session: Session, _previous) -> None:
    session.info.pop(_CHANGED, None)


def mark_dirty(*, queue: bool) -> bool:
    """Note that the data has changed since the snapshot; with `queue`, queue one refresh unless one is queued
    already. In its own short transaction after the change committed, so no request waits on the flag's row.
    Returns whether a refresh was queued."""
    now = utcnow()
    with db.engine.begin() as connection:
        _ensure_state(connection)
        connection.execute(
            sa.update(NetworkState)
            .where(NetworkState.id == STATE_ID, NetworkState.dirty_since.is_(None))
            .values(dirty_since=now)
        )
        claimed = queue and (
            connection.execute(
                sa.update(NetworkState)
                .where(
                    NetworkState.id == STATE_ID,
                    sa.or_(NetworkState.queued_at.is_(None), NetworkState.queued_at < now - STALE_QUEUE),
                )
                .values(queued_at=now)
            ).rowcount
            == 1
        )
    if claimed:
        enqueue("network.refresh", long=True)
    return claimed


def _ensure_state(connection) -> None:
    if connection.scalar(sa.select(NetworkState.id).where(NetworkState.id == STATE_ID)) is None:
        connection.execute(sa.insert(NetworkState).values(id=STATE_ID))


def request_refresh() -> bool:
    """The coordinator's "recompute now": queued like any change (one at a time)."""
    return mark_dirty(queue=True)


def network_state() -> NetworkState | None:
    return db.session.get(NetworkState, STATE_ID)


@job("network.refresh")
def refresh_job() -> None:
    refresh_network(local_today())


# --- the job ------------------------------------------------------------------------------------------------------


def weights() -> Weights:
    config = current_app.config
    return Weights(kind_factors=config["NETWORK_KIND_FACTORS"], half_life_years=config["NETWORK_HALF_LIFE_YEARS"])


def organisations_in(scope: Scope) -> dict[int, Facts]:
    """Members (and paused ones); external organisations: in public only those that took part in a public
    activity, in all every one."""
    rows = sa.select(Organisation.id, sa.type_coerce(Organisation.sector, sa.String()), Organisation.municipality_id)
    members = rows.where(Organisation.status.in_(PUBLIC_STATUSES))
    external = rows.where(Organisation.status == MembershipStatus.EXTERNAL)
    if scope == Scope.PUBLIC:
        in_public_activity = (
            sa.select(Participant.organisation_id)
            .join(Activity)
            .where(Participant.answer == Answer.ACCEPTED, Activity.visibility == ActivityVisibility.PUBLIC)
        )
        external = external.where(Organisation.id.in_(in_public_activity))
    found = {row.id: Facts(row[1], row.municipality_id, True) for row in db.session.execute(members)}
    found.update((row.id, Facts(row[1], row.municipality_id, False)) for row in db.session.execute(external))
    return found


@dataclass(frozen=True)
class Timings:
    """Seconds per step of one scope's refresh, and peak memory; the measures within "metrics" are indented."""

    scope: Scope
    steps: dict[str, float]
    peak_rss_mib: float


def refresh_network(today: date) -> list[Timings]:
    """Measure both scopes and store them as the new snapshots (older ones deleted). Clears the flag first, in its
    own commit, so that a change made while this runs queues the next refresh."""
    db.session.execute(sa.update(NetworkState).values(dirty_since=None, queued_at=None))
    db.session.commit()
    return [_refresh_scope(scope, today) for scope in Scope]


def _refresh_scope(scope: Scope, today: date) -> Timings:
    config = current_app.config
    steps: dict[str, float] = {}
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[name] = round(now - clock, 3)
        clock = now

    organisations = organisations_in(scope)
    edges = network_edges(today, public_only=scope == Scope.PUBLIC)
    step("read")
    with collector_paused():
        graph = build_graph(edges, organisations, today=today, weights=weights())
        step("graph")
        metrics = measure(
            graph,
            exact_betweenness_up_to=config["NETWORK_EXACT_BETWEENNESS_UP_TO"],
            sample=config["NETWORK_BETWEENNESS_SAMPLE"],
        )
        step("metrics")
        steps.update((f"  {name}", seconds) for name, seconds in metrics.seconds.items())
        whole = figures(graph, metrics.communities)
        growth = [[year, found.as_dict()] for year, found in by_year(graph, until=today.year)]
        step("figures")
        limit = config["NETWORK_DRAWN_AT_MOST"]
        drawn = drawing(graph, metrics.communities, drawn_at_most=limit) if scope == Scope.PUBLIC else NOT_DRAWN
        step("layout")
    snapshot = NetworkSnapshot(
        scope=scope,
        seconds=0.0,
        organisations=whole.organisations,
        ties=whole.ties,
        betweenness_sample=metrics.betweenness_sample,
        figures=whole.as_dict(),
        growth=growth,
        sector_pairs=[[one, other, ties] for (one, other), ties in sorted(sector_pairs(graph).items())],
        aggregated=drawn.aggregated,
        communities=drawn.communities,
        community_ties=drawn.community_ties,
    )
    db.session.add(snapshot)
    db.session.flush()
    active_years = years_active(graph)
    nodes = (
        {
            "snapshot_id": snapshot.id,
            "organisation_id": node,
            **position.__dict__,
            "active_years": active_years.get(node, ""),
            "x": drawn.positions.get(node, (None, None))[0],
            "y": drawn.positions.get(node, (None, None))[1],
        }
        for node, position in metrics.positions.items()
    )
    insert_in_batches(NetworkNode, nodes)
    pairs = (
        {
            "snapshot_id": snapshot.id,
            "a_id": a,
            "b_id": b,
            "kinds": ",".join(sorted(data["kinds"])),
            "weight": round(data["weight"], 4),
            "first_seen": data["first_seen"],
            "last_seen": data["last_seen"],
        }
        for a, b, data in ((min(a, b), max(a, b), data) for a, b, data in graph.edges(data=True))
    )
    insert_in_batches(NetworkEdge, pairs)
    older = sa.select(NetworkSnapshot.id).where(NetworkSnapshot.scope == scope, NetworkSnapshot.id != snapshot.id)
    for model in (NetworkEdge, NetworkNode):
        db.session.execute(sa.delete(model).where(model.snapshot_id.in_(older)))
    db.session.execute(sa.delete(NetworkSnapshot).where(NetworkSnapshot.id.in_(older)))
    step("store")
    snapshot.seconds = round(sum(seconds for name, seconds in steps.items() if not name.startswith(" ")), 3)
    db.session.flush()
    return Timings(scope, steps, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def years_active(graph) -> dict[int, str]:
    """ ",2021,2022," per organisation: every year from first to last seen of each of its ties."""
    years: dict[int, set[int]] = {}
    for a, b, data in graph.edges(data=True):
        span = range(data["first_seen"].year, data["last_seen"].year + 1)
        years.setdefault(a, set()).update(span)
        years.setdefault(b, set()).update(span)
    return {node: "," + ",".join(map(str, sorted(found))) + "," for node, found in years.items()}


# --- reading a snapshot -------------------------------------------------------------------------------------------


def latest_snapshot(scope: Scope) -> NetworkSnapshot | None:
    return db.session.scalar(
        sa.select(NetworkSnapshot).where(NetworkSnapshot.scope == scope).order_by(NetworkSnapshot.id.desc()).limit(1)
    )


def partners_of(snapshot: NetworkSnapshot, organisation_ids: list[int]) -> dict[int, set[int]]:
    """Each organisation's partners in the snapshot."""
    found: dict[int, set[int]] = {organisation_id: set() for organisation_id in organisation_ids}
    if not organisation_ids:
        return found
    edges = sa.select(NetworkEdge.a_id, NetworkEdge.b_id).where(
        NetworkEdge.snapshot_id == snapshot.id,
        sa.or_(NetworkEdge.a_id.in_(organisation_ids), NetworkEdge.b_id.in_(organisation_ids)),
    )
    for a, b in db.session.execute(edges):
        if a in found:
            found[a].add(b)
        if b in found:
            found[b].add(a)
    return found


def degrees_in(snapshot: NetworkSnapshot, organisation_ids) -> dict[int, int]:
    rows = sa.select(NetworkNode.organisation_id, NetworkNode.degree).where(
        NetworkNode.snapshot_id == snapshot.id, NetworkNode.organisation_id.in_(list(organisation_ids))
    )
    return dict(db.session.execute(rows).all())


def sector_pair_counts(snapshot: NetworkSnapshot) -> Counter:
    return Counter({(one, other): ties for one, other, ties in snapshot.sector_pairs})
