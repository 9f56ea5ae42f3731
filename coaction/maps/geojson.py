"""A geometry a coordinator pastes or uploads for an infrastructure priority (a road, a rail line, an interchange),
checked as GeoJSON (RFC 7946) and returned clean: only "type" and "coordinates" (or "geometries"), each position
[longitude, latitude] to six decimals (RFC 7946 §11.2), an altitude dropped. A Feature gives its geometry; a
FeatureCollection its one feature's, or one GeometryCollection of all (collections flattened into it)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l

MAX_BYTES = 200_000  # size limit of the pasted/uploaded text
MAX_POSITIONS = 20_000

# What a type's coordinates are, then what each level of them holds: the kind of each list sets its minimum.
LEVELS: dict[str, tuple[str, ...]] = {
    "Point": ("position",),
    "MultiPoint": ("multi", "position"),
    "LineString": ("line", "position"),
    "MultiLineString": ("multi", "line", "position"),
    "Polygon": ("polygon", "ring", "position"),
    "MultiPolygon": ("multi", "polygon", "ring", "position"),
}
GEOMETRY_TYPES = (*LEVELS, "GeometryCollection")
ACCEPTED_TYPES = (*GEOMETRY_TYPES, "Feature", "FeatureCollection")
PLACES = {
    "feature": lambda n: _l("feature %(n)d", n=n),
    "geometry": lambda n: _l("geometry %(n)d", n=n),
    "polygon": lambda n: _l("polygon %(n)d", n=n),
    "line": lambda n: _l("line %(n)d", n=n),
    "ring": lambda n: _l("ring %(n)d", n=n),
    "position": lambda n: _l("position %(n)d", n=n),
}


class GeometryError(ValueError):
    """A geometry refused; `message` is a lazy string that says what is wrong and where."""

    def __init__(self, message: Any):
        super().__init__(message)
        self.message = message


class _Place:
    """Where in the document, as "feature 2, line 1, position 5"; rendered when the message is (in its locale)."""

    def __init__(self, parts: tuple[Any, ...] = ()):
        self.parts = parts

    def at(self, label: str, index: int) -> _Place:
        return _Place((*self.parts, PLACES[label](index + 1)))

    def member(self, name: str) -> _Place:
        return _Place((*self.parts, f'"{name}"'))

    def __str__(self) -> str:
        text = ", ".join(str(part) for part in self.parts) if self.parts else str(_l("the GeoJSON"))
        return text[:1].upper() + text[1:]


def _must_be(kind: type, value: Any, place: _Place) -> Any:
    if not isinstance(value, kind):
        what = _l("a JSON object, {…}") if kind is dict else _l("a JSON array, […]")
        raise GeometryError(_l("%(where)s must be %(what)s.", where=place, what=what))
    return value


def _member(value: dict, name: str, place: _Place) -> Any:
    if name not in value:
        raise GeometryError(_l('%(where)s: "%(member)s" is missing.', where=place, member=name))
    return value[name]


def _not_empty(items: list, place: _Place) -> list:
    if not items:
        raise GeometryError(_l("%(where)s is empty.", where=place))
    return items


def _type(value: dict, accepted: tuple[str, ...], place: _Place) -> str:
    kind = value.get("type")
    if not isinstance(kind, str) or kind not in accepted:
        raise GeometryError(_l('%(where)s: "type" must be one of %(types)s.', where=place, types=", ".join(accepted)))
    return kind


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return number if math.isfinite(number) else None


class _Checker:
    """One document's walk: counts the positions as it checks them."""

    count: int = 0

    def position(self, value: Any, place: _Place) -> list[float]:
        numbers = [_number(item) for item in value] if isinstance(value, list) else []
        if not 2 <= len(numbers) <= 3 or None in numbers:
            raise GeometryError(
                _l("%(where)s must be 2 numbers, [longitude, latitude], or 3 with the altitude.", where=place)
            )
        self.count += 1
        if self.count > MAX_POSITIONS:
            raise GeometryError(_l("The geometry has more than %(limit)d positions; simplify it.", limit=MAX_POSITIONS))
        lon, lat = numbers[0], numbers[1]
        if not -180 <= lon <= 180:
            raise GeometryError(
                _l("%(where)s: the longitude %(value)s is outside -180 to 180.", where=place, value=value[0])
            )
        if not -90 <= lat <= 90:
            if abs(lat) <= 180 and abs(lon) <= 90:
                raise GeometryError(
                    _l(
                        "%(where)s: the latitude %(value)s is outside -90 to 90. Did you write latitude first? "
                        "GeoJSON puts longitude first: [longitude, latitude].",
                        where=place,
                        value=value[1],
                    )
                )
            raise GeometryError(
                _l("%(where)s: the latitude %(value)s is outside -90 to 90.", where=place, value=value[1])
            )
        return [round(lon, 6) + 0.0, round(lat, 6) + 0.0]  # six decimals, about 0.1 m; + 0.0: no -0.0

    def coordinates(self, value: Any, levels: tuple[str, ...], place: _Place, own: _Place | None = None) -> list:
        """`value` is a levels[0] holding levels[1]s; `own` names it in its refusals, `place` in its items'."""
        own = own or place
        if levels[0] == "position":
            return self.position(value, own)
        items = _must_be(list, value, own)
        clean = [self.coordinates(item, levels[1:], place.at(levels[1], i)) for i, item in enumerate(items)]
        if levels[0] == "line" and len(clean) < 2:
            raise GeometryError(_l("%(where)s: a line needs at least 2 positions.", where=own))
        if levels[0] == "ring" and len(clean) < 4:
            raise GeometryError(
                _l("%(where)s: a ring needs at least 4 positions, the last the same as the first.", where=own)
            )
        if levels[0] == "ring" and clean[0] != clean[-1]:
            raise GeometryError(
                _l("%(where)s is not closed: its last position must be the same as its first.", where=own)
            )
        return _not_empty(clean, own)

    def geometry(self, value: Any, place: _Place, in_collection: bool = False) -> dict:
        value = _must_be(dict, value, place)
        if in_collection and value.get("type") == "GeometryCollection":  # RFC 7946 §3.1.8: nesting SHOULD be avoided
            raise GeometryError(
                _l("%(where)s: a geometry collection cannot hold another geometry collection.", where=place)
            )
        kind = _type(value, GEOMETRY_TYPES, place)
        if kind == "GeometryCollection":
            members = _must_be(list, _member(value, "geometries", place), place.member("geometries"))
            geometries = [self.geometry(item, place.at("geometry", i), True) for i, item in enumerate(members)]
            return {"type": kind, "geometries": _not_empty(geometries, place)}
        own = place.member("coordinates")
        return {
            "type": kind,
            "coordinates": self.coordinates(_member(value, "coordinates", place), LEVELS[kind], place, own),
        }

    def feature(self, value: Any, place: _Place) -> dict:
        value = _must_be(dict, value, place)
        _type(value, ("Feature",), place)
        geometry = _member(value, "geometry", place)
        if geometry is None:
            raise GeometryError(_l("%(where)s has no geometry (it is null).", where=place))
        return self.geometry(geometry, place)

    def document(self, value: Any) -> dict:
        place = _Place()
        value = _must_be(dict, value, place)
        kind = _type(value, ACCEPTED_TYPES, place)
        if kind == "Feature":
            return self.feature(value, place)
        if kind != "FeatureCollection":
            return self.geometry(value, place)
        features = _must_be(list, _member(value, "features", place), place.member("features"))
        geometries = _not_empty([self.feature(item, place.at("feature", i)) for i, item in enumerate(features)], place)
        if len(geometries) == 1:
            return geometries[0]
        flat = [g for geometry in geometries for g in geometry.get("geometries", [geometry])]
        return {"type": "GeometryCollection", "geometries": flat}


def _refuse_constant(name: str) -> Any:
    raise GeometryError(_l("%(name)s is not a number in JSON; give the coordinates as numbers.", name=name))


def _text(text: str | bytes) -> str:
    try:  # a character is at least a byte: a longer text is too large without encoding it all
        data = text if isinstance(text, bytes) else text[: MAX_BYTES + 1].encode("utf-8")
        if len(data) > MAX_BYTES:
            raise GeometryError(_l("The geometry is larger than %(limit)d kB; simplify it.", limit=MAX_BYTES // 1000))
        text = data.decode("utf-8").removeprefix("\ufeff")  # a byte order mark, as some editors write
    except UnicodeError:
        raise GeometryError(_l("The text is not UTF-8.")) from None
    if not text.strip():
        raise GeometryError(_l("There is nothing here: paste or upload a GeoJSON geometry."))
    return text


def parse_geometry(text: str | bytes) -> dict:
    """The clean geometry in `text` (GeoJSON), or GeometryError saying what is wrong and where."""
    text = _text(text)
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except GeometryError:  # NaN or Infinity
        raise
    except json.JSONDecodeError as error:
        raise GeometryError(
            _l(
                "This is not JSON: the error is at line %(line)d, column %(column)d.",
                line=error.lineno,
                column=error.colno,
            )
        ) from None
    except (ValueError, RecursionError):
        raise GeometryError(_l("The JSON cannot be read: it is nested too deeply or has a number too long.")) from None
    return _Checker().document(document)


def positions(geometry: dict) -> Iterator[tuple[float, float]]:
    """Every [longitude, latitude] of a geometry parse_geometry returned, in order."""
    if geometry["type"] == "GeometryCollection":
        for member in geometry["geometries"]:
            yield from positions(member)
        return
    stack = [(geometry["coordinates"], len(LEVELS[geometry["type"]]) - 1)]
    while stack:
        value, depth = stack.pop()
        if depth == 0:
            yield (value[0], value[1])
        else:
            stack.extend((item, depth - 1) for item in reversed(value))


def bounds(geometry: dict) -> tuple[float, float, float, float]:
    """(min longitude, min latitude, max longitude, max latitude) of a geometry parse_geometry returned."""
    lons, lats = zip(*positions(geometry), strict=True)
    return (min(lons), min(lats), max(lons), max(lats))
