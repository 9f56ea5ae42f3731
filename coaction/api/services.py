"""What the API reads and writes, as plain values. Reads go through the same services as the site's public pages
with an anonymous viewer, so the API shows exactly what a visitor may see; the one write is a progress report with
a personal token, through the same add_report as the site's form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from coaction.activities.listing import Filters as ActivityFilters
from coaction.activities.listing import find_activities
from coaction.activities.models import Activity
from coaction.activities.permissions import can_see_activity
from coaction.api.models import ApiToken
from coaction.audit.services import record
from coaction.auth.models import User
from coaction.auth.permissions import PUBLIC_VIEWER
from coaction.commitments.geo import feature_collection
from coaction.commitments.listing import Filters as CommitmentFilters
from coaction.commitments.listing import State, find_commitments, reports_of, state_for
from coaction.commitments.models import Commitment, CommitmentLocation, FocusArea
from coaction.commitments.permissions import can_see_commitment
from coaction.core.pagination import Page, paginate
from coaction.core.tokens import hash_token, new_token
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.goals.models import Indicator, IndicatorValue, PlanGoal
from coaction.goals.services import plan_years
from coaction.maps.services import Layer, cached_layer, commitments_version
from coaction.members.models import PUBLIC_STATUSES, Organisation
from coaction.members.services import find_members
from coaction.network.models import NetworkEdge, NetworkNode, NetworkSnapshot, Scope
from coaction.network.services import latest_snapshot

TOKEN_PREFIX = "coa_"  # noqa: S105  # nosec B105 (a prefix that marks our tokens, not a secret)
Url = Callable[..., str]  # url_for, so that services stay free of the request


class TokenError(ValueError):
    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


# ---- Tokens ---------------------------------------------------------------------------------------------------


def create_token(user: User, *, name: str, days: int, max_days: int, ip: str | None) -> tuple[ApiToken, str]:
    """The token itself is returned once, here; the database keeps its hash."""
    problems = {}
    if user.organisation_id is None:
        problems["organisation"] = "no_organisation"
    if not name.strip():
        problems["name"] = "required"
    if not 1 <= days <= max_days:
        problems["days"] = "days_range"
    if problems:
        raise TokenError(problems)
    secret, _ = new_token()
    token = TOKEN_PREFIX + secret
    row = ApiToken(
        user_id=user.id,
        organisation_id=user.organisation_id,
        name=name.strip()[:100],
        token_hash=hash_token(token),
        hint=token[:10],
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(row)
    db.session.flush()
    record(user, "api_token.created", row.organisation, {"token_id": row.id, "name": row.name, "days": days}, ip)
    return row, token


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def revoke_token(token: ApiToken, *, actor: User, ip: str | None) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(actor, "api_token.revoked", token.organisation, {"token_id": token.id, "name": token.name}, ip)


def user_of_token(token: str, now: datetime) -> User | None:
    """The token's user, while the token is usable and the user is active and still of the token's organisation."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or not row.usable(now):
        return None
    user = row.user
    if not user.active or user.organisation_id != row.organisation_id:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now  # at most once a minute: a loop of reports writes no row per call
    return user


# ---- Writing a report -----------------------------------------------------------------------------------------


def writable_commitment(user: User, commitment_id: int) -> Commitment | None:
    """None when the token's user may not even know of it (404); a seen but foreign one is the caller's 403."""
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or not can_see_commitment(user, commitment):  # a user sees at least what the public sees
        return None
    return commitment


# ---- Plain values ---------------------------------------------------------------------------------------------


def organisation_ref(organisation: Organisation) -> dict:
    public = organisation.status in PUBLIC_STATUSES
    return {"id": organisation.id, "name": organisation.name, "slug": organisation.slug if public else None}


def organisation_values(organisation: Organisation, url: Url) -> dict:
    parent = organisation.parent
    return {
        "id": organisation.id,
        "name": organisation.name,
        "slug": organisation.slug,
        "sector": organisation.sector.value,
        "status": organisation.status.value,
        "municipality": organisation.municipality.name if organisation.municipality else None,
        "municipality_id": organisation.municipality_id,
        "employees": organisation.employees,
        "website": organisation.website,
        "description": organisation.description,
        "member_since": organisation.member_since.isoformat() if organisation.member_since else None,
        "parent": organisation_ref(parent) if parent is not None and parent.status in PUBLIC_STATUSES else None,
        "url": url("members.profile", slug=organisation.slug, _external=True),
    }


def commitment_values(commitment: Commitment, state: State, url: Url) -> dict:
    latest = state.assessment.latest
    return {
        "id": commitment.id,
        "title": commitment.title,
        "description": commitment.description,
        "organisation": organisation_ref(commitment.organisation),
        "category": commitment.category.value,
        "focus_area": focus_area_values(commitment.focus_area),
        "indicator": commitment.indicator,
        "unit": commitment.unit.value,
        "baseline": {"value": commitment.baseline_value, "year": commitment.baseline_year},
        "target": {"value": commitment.target_value, "year": commitment.target_year},
        "latest": {"value": latest.value, "reported_on": latest.on.isoformat()} if latest else None,
        "progress_percent": _rounded(state.assessment.progress),
        "expected_percent": round(state.assessment.expected, 2),
        "status": state.status.value,
        "verification": state.verification.value,
        "reports": state.reports,
        "locations": [
            {
                "latitude": place.latitude,
                "longitude": place.longitude,
                "municipality": place.municipality.name if place.municipality else None,
            }
            for place in commitment.locations
        ],
        "goal_ids": [goal.id for goal in commitment.goals],
        "url": url("commitments.show", commitment_id=commitment.id, _external=True),
    }


def focus_area_values(area: FocusArea | None) -> dict | None:
    if area is None:
        return None
    return {"id": area.id, "code": area.code, "name_sv": area.name_sv, "name_en": area.name_en}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def report_values(report) -> dict:
    return {
        "id": report.id,
        "reported_on": report.reported_on.isoformat(),
        "value": report.value,
        "comment": report.comment,
        "evidence_url": report.evidence_url,
        "has_evidence": bool(report.has_evidence),
    }


def activity_values(activity: Activity, url: Url) -> dict:
    return {
        "id": activity.id,
        "title": activity.title,
        "kind": activity.kind.value,
        "status": activity.status.value,
        "focus_area": focus_area_values(activity.focus_area),
        "description": activity.description,
        "starts_on": activity.starts_on.isoformat(),
        "ends_on": activity.ends_on.isoformat() if activity.ends_on else None,
        "starts_at": activity.starts_at.strftime("%H:%M") if activity.starts_at else None,
        "ends_at": activity.ends_at.strftime("%H:%M") if activity.ends_at else None,
        "place": activity.place,
        "online": activity.online,
        "municipality": activity.municipality.name if activity.municipality else None,
        "funding_source": activity.funding_source,
        "funding_sek": activity.funding_sek,
        "outcomes": activity.outcomes,
        "participants": [
            {"organisation": organisation_ref(p.organisation), "role": p.role.value} for p in activity.publicly_named()
        ],
        "url": url("activities.show", activity_id=activity.id, _external=True),
    }


# ---- Reads ----------------------------------------------------------------------------------------------------


def organisations(query, url: Url) -> tuple[Page, list[dict]]:
    page = find_members(
        text=query.q,
        sector=query.sector,
        municipality_id=query.municipality,
        page=query.page,
        per_page=query.per_page,
        clamp=False,
    )
    return page, [organisation_values(organisation, url) for organisation in page.items]


def public_organisation_by_id(organisation_id: int) -> Organisation | None:
    organisation = db.session.get(Organisation, organisation_id)
    return organisation if organisation is not None and organisation.status in PUBLIC_STATUSES else None


def commitment_filters(query) -> CommitmentFilters:
    return CommitmentFilters(
        organisation_id=query.organisation,
        category=query.category,
        focus_area_id=query.focus_area,
        status=query.status,
        municipality_id=query.municipality,
        goal_id=query.goal,
        q=query.q,
        sort=query.sort,
    )


def commitments(query, url: Url) -> tuple[Page, list[dict]]:
    page = find_commitments(
        PUBLIC_VIEWER,
        commitment_filters(query),
        page=query.page,
        per_page=query.per_page,
        clamp=False,
        load=(
            selectinload(Commitment.locations).selectinload(CommitmentLocation.municipality),
            selectinload(Commitment.goals),
        ),
    )
    return page, [commitment_values(commitment, state, url) for commitment, state in page.items]


def geo_filters(query) -> CommitmentFilters:
    return CommitmentFilters(
        category=query.category,
        status=query.status,
        focus_area_id=query.focus_area,
        municipality_id=query.municipality,
        sector=query.sector,
        organisation_id=query.organisation,
    )


def commitments_geojson(filters: CommitmentFilters, today: date) -> Layer:
    """Cached until a commitment, report, place or organisation changes, or the day does."""
    return cached_layer(
        f"commitments {filters!r}", commitments_version(today), lambda: feature_collection(PUBLIC_VIEWER, filters)
    )


def public_commitment(commitment_id: int, url: Url) -> dict | None:
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or commitment.withdrawn_at is not None or not can_see_commitment(PUBLIC_VIEWER, commitment):
        return None
    values = commitment_values(commitment, state_for(commitment), url)
    values["progress_reports"] = [report_values(report) for report in reports_of(commitment)]
    return values


def activities(query, url: Url) -> tuple[Page, list[dict]]:
    filters = ActivityFilters(
        kind=query.kind,
        focus_area_id=query.focus_area,
        status=query.status,
        organisation_id=query.organisation,
        municipality_id=query.municipality,
        period_from=query.period_from,
        period_to=query.period_to,
    )
    page = find_activities(PUBLIC_VIEWER, filters, page=query.page, per_page=query.per_page, clamp=False)
    return page, [activity_values(activity, url) for activity in page.items]


def public_activity(activity_id: int, url: Url) -> dict | None:
    activity = db.session.get(Activity, activity_id)
    if activity is None or not can_see_activity(PUBLIC_VIEWER, activity):
        return None
    return activity_values(activity, url)


def goals(plan_year: int | None, url: Url) -> dict:
    years = plan_years()
    year = plan_year if plan_year is not None else (max(years) if years else None)
    found = list(
        db.session.scalars(
            sa.select(PlanGoal)
            .where(PlanGoal.plan_year == year)
            .order_by(PlanGoal.parent_id.is_not(None), PlanGoal.position, PlanGoal.id)
            .options(
                selectinload(PlanGoal.indicators)
                .selectinload(Indicator.values)
                .selectinload(IndicatorValue.municipality)
            )
        )
    )
    return {
        "plan_year": year,
        "plan_years": years,
        "items": [
            {
                "id": goal.id,
                "plan_year": goal.plan_year,
                "parent_id": goal.parent_id,
                "focus_area": goal.focus_area,
                "title": goal.title,
                "description": goal.description,
                "responsible": goal.responsible,
                "indicators": [indicator_values(indicator) for indicator in goal.indicators],
                "url": url("goals.show", goal_id=goal.id, _external=True),
            }
            for goal in found
        ],
    }


def indicator_values(indicator: Indicator) -> dict:
    return {
        "id": indicator.id,
        "name": indicator.name,
        "unit": indicator.unit,
        "description": indicator.description,
        "values": [
            {
                "year": value.year,
                "municipality": value.municipality.name if value.municipality else None,
                "value": value.value,
                "source": value.source,
            }
            for value in indicator.values
        ],
    }


def snapshot_values(snapshot: NetworkSnapshot | None) -> dict:
    if snapshot is None:
        return {"computed_at": None, "organisations": 0, "ties": 0, "betweenness_sample": None, "figures": {}}
    return {
        "computed_at": snapshot.computed_at.isoformat(),
        "organisations": snapshot.organisations,
        "ties": snapshot.ties,
        "betweenness_sample": snapshot.betweenness_sample,
        "figures": snapshot.figures,
    }


NODE_ORDER = {
    "degree": (NetworkNode.degree.desc(), Organisation.name_key, NetworkNode.organisation_id),
    "betweenness": (NetworkNode.betweenness.desc(), Organisation.name_key, NetworkNode.organisation_id),
    "pagerank": (NetworkNode.pagerank.desc(), Organisation.name_key, NetworkNode.organisation_id),
    "name": (Organisation.name_key, NetworkNode.organisation_id),
}


def network_nodes(query) -> tuple[Page, list[dict]]:
    """The public snapshot's organisations with their measures (never the office's whole network)."""
    snapshot = latest_snapshot(Scope.PUBLIC)
    if snapshot is None:
        return Page([], query.page, query.per_page, 0), []
    page = paginate(
        sa.select(NetworkNode, Organisation)
        .join(Organisation, Organisation.id == NetworkNode.organisation_id)
        .where(NetworkNode.snapshot_id == snapshot.id)
        .order_by(*NODE_ORDER[query.sort]),
        query.page,
        query.per_page,
        clamp=False,
        rows=True,
    )
    items = [
        {
            "organisation": organisation_ref(organisation),
            "degree": node.degree,
            "weighted_degree": round(node.weighted_degree, 4),
            "betweenness": round(node.betweenness, 6),
            "pagerank": round(node.pagerank, 6),
            "clustering": round(node.clustering, 4),
            "community": node.community,
            "cut_point": node.articulation,
        }
        for node, organisation in page.items
    ]
    return page, items


def network_edges(query) -> tuple[Page, list[dict]]:
    snapshot = latest_snapshot(Scope.PUBLIC)
    if snapshot is None:
        return Page([], query.page, query.per_page, 0), []
    one, other = aliased(Organisation), aliased(Organisation)
    page = paginate(
        sa.select(NetworkEdge, one, other)
        .join(one, one.id == NetworkEdge.a_id)
        .join(other, other.id == NetworkEdge.b_id)
        .where(NetworkEdge.snapshot_id == snapshot.id)
        .order_by(NetworkEdge.weight.desc(), NetworkEdge.a_id, NetworkEdge.b_id),
        query.page,
        query.per_page,
        clamp=False,
        rows=True,
    )
    items = [
        {
            "a": organisation_ref(a),
            "b": organisation_ref(b),
            "kinds": edge.kinds.split(",") if edge.kinds else [],
            "weight": round(edge.weight, 4),
            "first_seen": edge.first_seen.isoformat(),
            "last_seen": edge.last_seen.isoformat(),
        }
        for edge, a, b in page.items
    ]
    return page, items


def network_snapshot() -> dict:
    return snapshot_values(latest_snapshot(Scope.PUBLIC))


def travel_waves() -> dict[str, Any]:
    """The network's survey waves that tell nobody's own results: the rows of the open data's travel_waves."""
    from coaction.opendata.dictionary import PUBLISHED_WAVE_EN
    from coaction.opendata.services import wave_rows

    return {"rule": str(PUBLISHED_WAVE_EN), "waves": list(wave_rows())}
