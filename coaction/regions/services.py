"""Municipalities and their figures; idempotent upserts so that seeding twice changes nothing."""

from __future__ import annotations

import sqlalchemy as sa

from coaction.extensions import db
from coaction.regions.models import Municipality, MunicipalityFigure


def upsert_municipality(
    *, code: str, name: str, county: str, latitude: float, longitude: float, in_network: bool
) -> Municipality:
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.code == code))
    if municipality is None:
        municipality = Municipality(code=code)
        db.session.add(municipality)
    municipality.name = name
    municipality.county = county
    municipality.latitude = latitude
    municipality.longitude = longitude
    municipality.in_network = in_network
    db.session.flush()
    return municipality


def set_figure(
    municipality: Municipality,
    year: int,
    *,
    inhabitants: int | None = None,
    jobs: int | None = None,
    source: str,
    approximate: bool = False,
) -> MunicipalityFigure:
    figure = db.session.scalar(sa.select(MunicipalityFigure).filter_by(municipality_id=municipality.id, year=year))
    if figure is None:
        figure = MunicipalityFigure(municipality_id=municipality.id, year=year)
        db.session.add(figure)
    if inhabitants is not None:
        figure.inhabitants = inhabitants
    if jobs is not None:
        figure.jobs = jobs
    figure.source = source
    figure.approximate = approximate
    db.session.flush()
    return figure


def municipality_by_name(name: str) -> Municipality | None:
    return db.session.scalar(sa.select(Municipality).where(Municipality.name == name))


def network_municipalities() -> list[Municipality]:
    return list(
        db.session.scalars(sa.select(Municipality).where(Municipality.in_network.is_(True)).order_by(Municipality.name))
    )


def all_municipalities() -> list[Municipality]:
    return list(db.session.scalars(sa.select(Municipality).order_by(Municipality.name)))
