"""Where commitments are carried out, as GeoJSON (RFC 7946): the open data's map layer, and the API's.

A commitment with several places is one Point feature per place. Coordinates are WGS 84 [longitude, latitude]
(RFC 7946 §3.1.1: longitude first), to six decimals (RFC 7946 §11.2: about 0.1 m, more says nothing).
Only what `viewer` may see in lists: pass an anonymous user for the public layer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa

from coaction.commitments.listing import Filters, rows_of, selected, where_clauses
from coaction.commitments.models import Commitment, CommitmentLocation
from coaction.core.urls import public_urls
from coaction.members.models import Organisation
from coaction.regions.models import Municipality

# What each feature tells about its commitment (codes, not words: the data dictionary explains them).
PROPERTIES = ("id", "title", "organisation", "category", "status", "progress", "verification", "municipality", "url")


class LocationRow(NamedTuple):
    """One place of one commitment, as plain values."""

    id: int  # the commitment's
    title: str
    organisation: str
    category: str
    status: str
    progress: int | None  # percent from baseline to target, whole; None when it cannot be computed
    verification: str
    municipality: str  # the municipality whose centre the place is, or "" for typed coordinates
    longitude: float
    latitude: float
    url: str
    updated_at: datetime


def location_rows(viewer: Any, today: date | None = None, filters: Filters | None = None) -> list[LocationRow]:
    """Every place of every standing commitment `viewer` may see (of those `filters` select), in the list's order:
    one query for the commitments and their computed status, one for their places."""
    filters = filters or Filters()
    chosen = selected(
        viewer,
        filters,
        extra=[Organisation.name.label("organisation"), Commitment.title, Commitment.category, Commitment.updated_at],
        today=today,
    )
    places = sa.select(
        CommitmentLocation.commitment_id,
        CommitmentLocation.longitude,
        CommitmentLocation.latitude,
        sa.func.coalesce(Municipality.name, ""),
    )
    located: dict[int, list[tuple[float, float, str]]] = {}
    visible = (
        places.join(Commitment, Commitment.id == CommitmentLocation.commitment_id)
        .join(Organisation, Organisation.id == Commitment.organisation_id)
        .outerjoin(Municipality, Municipality.id == CommitmentLocation.municipality_id)
        .where(*where_clauses(viewer, filters))
        .order_by(CommitmentLocation.commitment_id, CommitmentLocation.id)
    )
    for commitment_id, longitude, latitude, municipality in rows_of(visible):
        located.setdefault(commitment_id, []).append((longitude, latitude, municipality))
    url = public_urls("commitments.show")
    return [
        LocationRow(
            row.id,
            row.title,
            row.organisation,
            row.category.value,
            state.status.value,
            None if state.assessment.progress is None else round(state.assessment.progress),
            state.verification.value,
            municipality,
            longitude,
            latitude,
            url(commitment_id=row.id),
            row.updated_at,
        )
        for row, state in chosen
        for longitude, latitude, municipality in located.get(row.id, ())
    ]


def features(rows: Iterable[LocationRow]) -> dict:
    """A FeatureCollection of Points from plain rows: no database here."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(row.longitude, 6), round(row.latitude, 6)]},
                "properties": {name: getattr(row, name) for name in PROPERTIES},
            }
            for row in rows
        ],
    }


def feature_collection(viewer: Any, filters: Filters | None = None) -> dict:
    """The GeoJSON of the commitments `viewer` may see that have a place (json.dumps it as it is)."""
    return features(location_rows(viewer, filters=filters))
