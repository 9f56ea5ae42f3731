"""The map's layers as GeoJSON (RFC 7946, longitude first), read as a visitor may see them, and a cache that keeps
the expensive ones until the data under them changes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa

from coaction.activities.models import Activity, ActivityVisibility
from coaction.commitments.listing import tolerance
from coaction.commitments.models import Commitment, CommitmentLocation, ProgressReport
from coaction.core.generations import generation as generation_of
from coaction.core.generations import watch
from coaction.core.status import WorkStatus
from coaction.core.urls import public_urls
from coaction.extensions import cache, db
from coaction.members.models import PUBLIC_STATUSES, Organisation
from coaction.regions.models import Municipality

CACHE_SECONDS = 3600  # a cached layer is keyed by its data's version: it is dropped for space, never served stale
WATCHED = (Commitment, CommitmentLocation, ProgressReport, Organisation)
# The aggregates of commitments_version alone can miss a change committed after a later one was (timestamps are taken
# at flush, and PostgreSQL transactions overlap): every committed change also starts a new generation.
watch("maps", WATCHED)


class Layer(NamedTuple):
    body: bytes  # the GeoJSON, UTF-8
    etag: str


def point(longitude: float, latitude: float, properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(longitude, 6), round(latitude, 6)]},
        "properties": properties,
    }


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def commitments_version(today: date) -> str:
    """Changes whenever anything a commitment layer shows could have changed: a commitment, its places or reports,
    its organisation (name, status), the status tolerance, or the day (status depends on it). A few aggregates."""
    figures = db.session.execute(
        sa.select(
            *(
                sa.select(aggregate).scalar_subquery()
                for aggregate in (
                    sa.func.count(Commitment.id),
                    sa.func.max(Commitment.updated_at),
                    sa.func.count(ProgressReport.id),
                    sa.func.max(ProgressReport.id),
                    sa.func.count(CommitmentLocation.id),
                    sa.func.max(CommitmentLocation.id),
                    sa.func.max(Organisation.updated_at),
                )
            )
        )
    ).one()
    generation = generation_of("maps")
    return f"{today.isoformat()}|{tolerance()}|{generation}|" + "|".join(str(value) for value in figures)


def cached_layer(name: str, version: str, build: Callable[[], dict]) -> Layer:
    """The layer `name` (a key that includes its filters) at `version`, built once per version."""
    key = "maps.layer." + hashlib.sha256(f"{name}\n{version}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        body = json.dumps(build(), ensure_ascii=False, separators=(",", ":")).encode()
        found = Layer(body, hashlib.sha256(body).hexdigest()[:32])
        cache.set(key, tuple(found), timeout=CACHE_SECONDS)
    return Layer(*found)


def members_geojson() -> dict:
    """Members and paused members with a place: their own coordinates, else their municipality's centre."""
    rows = db.session.execute(
        sa.select(
            Organisation.id,
            Organisation.name,
            Organisation.slug,
            Organisation.sector,
            sa.func.coalesce(Organisation.longitude, Municipality.longitude),
            sa.func.coalesce(Organisation.latitude, Municipality.latitude),
            sa.func.coalesce(Municipality.name, ""),
        )
        .outerjoin(Municipality, Municipality.id == Organisation.municipality_id)
        .where(Organisation.status.in_(PUBLIC_STATUSES))
        .order_by(Organisation.name_key, Organisation.id)
    )
    url = public_urls("members.profile")
    return collection(
        [
            point(
                lon,
                lat,
                {"id": id_, "name": name, "sector": sector.value, "municipality": place, "url": url(slug=slug)},
            )
            for id_, name, slug, sector, lon, lat, place in rows
            if lon is not None and lat is not None
        ]
    )


def activities_geojson(today: date) -> dict:
    """Public activities that have not ended, at the centre of the municipality they take place in."""
    rows = db.session.execute(
        sa.select(
            Activity.id,
            Activity.title,
            Activity.kind,
            Activity.starts_on,
            Activity.ends_on,
            Municipality.name,
            Municipality.longitude,
            Municipality.latitude,
        )
        .join(Municipality, Municipality.id == Activity.municipality_id)
        .where(
            Activity.visibility == ActivityVisibility.PUBLIC,
            Activity.status != WorkStatus.CANCELLED,
            sa.func.coalesce(Activity.ends_on, Activity.starts_on) >= today,
        )
        .order_by(Activity.starts_on, Activity.id)
    )
    url = public_urls("activities.show")
    return collection(
        [
            point(
                lon,
                lat,
                {
                    "id": id_,
                    "title": title,
                    "kind": kind.value,
                    "starts_on": starts.isoformat(),
                    "ends_on": ends.isoformat() if ends else None,
                    "municipality": place,
                    "url": url(activity_id=id_),
                },
            )
            for id_, title, kind, starts, ends, place, lon, lat in rows
        ]
    )
