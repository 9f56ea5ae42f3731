"""A priority's geometry, pasted or uploaded as GeoJSON: what is kept, and each refusal naming what and where."""

import json

import pytest

from coaction.maps.geojson import MAX_BYTES, MAX_POSITIONS, GeometryError, bounds, parse_geometry, positions

SQUARE = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
HOLE = [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.2]]
E4 = [[17.63, 59.86], [17.91, 59.62], [18.07, 59.33]]  # longitude first: Uppsala to Stockholm

GOOD = [
    {"type": "Point", "coordinates": [18.0686, 59.3293]},
    {"type": "MultiPoint", "coordinates": [[18.0686, 59.3293], [11.9746, 57.7089]]},
    {"type": "LineString", "coordinates": E4},
    {"type": "MultiLineString", "coordinates": [E4, [[13.0, 55.6], [13.2, 55.7]]]},
    {"type": "Polygon", "coordinates": [SQUARE, HOLE]},
    {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE, HOLE]]},
    {
        "type": "GeometryCollection",
        "geometries": [{"type": "Point", "coordinates": [-180.0, -90.0]}, {"type": "LineString", "coordinates": E4}],
    },
]


def refusal(document) -> str:
    """The message parse_geometry gives for `document` (a dict/list dumped as JSON, or text as it is)."""
    text = document if isinstance(document, str | bytes) else json.dumps(document)
    with pytest.raises(GeometryError) as refused:
        parse_geometry(text)
    assert not isinstance(refused.value.message, str)  # lazy: rendered in the reader's locale
    assert str(refused.value) == str(refused.value.message)
    return str(refused.value.message)


def line(coordinates) -> dict:
    return {"type": "LineString", "coordinates": coordinates}


def feature(geometry) -> dict:
    return {"type": "Feature", "properties": {"name": "E4"}, "geometry": geometry}


def collection(*geometries) -> dict:
    return {"type": "FeatureCollection", "features": [feature(geometry) for geometry in geometries]}


@pytest.mark.parametrize("geometry", GOOD, ids=[geometry["type"] for geometry in GOOD])
def test_each_type_round_trips(geometry):
    assert parse_geometry(json.dumps(geometry)) == geometry
    assert parse_geometry(json.dumps(geometry).encode()) == geometry


def test_only_type_and_coordinates_are_kept():
    dirty = {"type": "LineString", "coordinates": E4, "bbox": [0, 0, 1, 1], "crs": {}, "id": 7, "properties": {}}
    assert parse_geometry(json.dumps(dirty)) == line(E4)


def test_positions_rounded_to_six_decimals_altitude_dropped():
    geometry = parse_geometry(json.dumps(line([[18.123456789, 59.0000004, 32.5], [-0.0000001, 1]])))
    assert geometry["coordinates"] == [[18.123457, 59.0], [0.0, 1.0]]
    assert json.dumps(geometry) == '{"type": "LineString", "coordinates": [[18.123457, 59.0], [0.0, 1.0]]}'  # no -0.0


def test_a_ring_closed_after_rounding_is_closed():
    ring = [*SQUARE[:-1], [0.0000001, 0.0]]
    assert parse_geometry(json.dumps({"type": "Polygon", "coordinates": [ring]}))["coordinates"] == [SQUARE]


def test_a_feature_gives_its_geometry():
    assert parse_geometry(json.dumps(feature(line(E4)))) == line(E4)


def test_a_feature_collection_of_one_gives_that_geometry():
    assert parse_geometry(json.dumps(collection(line(E4)))) == line(E4)


def test_a_feature_collection_of_several_is_one_geometry_collection_flattened():
    point = {"type": "Point", "coordinates": [18.0, 59.0]}
    inner = {"type": "GeometryCollection", "geometries": [point, line(E4)]}
    assert parse_geometry(json.dumps(collection(line(E4), inner))) == {
        "type": "GeometryCollection",
        "geometries": [line(E4), point, line(E4)],
    }


def test_a_byte_order_mark_is_ignored():
    assert parse_geometry(b"\xef\xbb\xbf" + json.dumps(line(E4)).encode()) == line(E4)
    assert parse_geometry("\ufeff" + json.dumps(line(E4))) == line(E4)


def test_size_limit_in_bytes():
    point = json.dumps({"type": "Point", "coordinates": [18.0, 59.0]})
    assert parse_geometry(point.ljust(MAX_BYTES))["type"] == "Point"
    assert "200 kB" in refusal(point.ljust(MAX_BYTES + 1))
    assert "200 kB" in refusal(point.encode().ljust(MAX_BYTES + 1))
    name = "å" * (MAX_BYTES // 2)  # fewer characters than the limit, more bytes
    assert "200 kB" in refusal({**feature(line(E4)), "properties": {"name": name}})


@pytest.mark.parametrize("text", ["", "   \n\t", b"", b"\xef\xbb\xbf  "])
def test_empty_text(text):
    assert "nothing here" in refusal(text)


@pytest.mark.parametrize("text", [b'{"type": "Point", "coordinates": [18.0, 59.0], "name": "G\xf6teborg"}', "\ud800{}"])
def test_not_utf8(text):
    assert "not UTF-8" in refusal(text)


def test_not_json_gives_line_and_column():
    message = refusal('{\n  "type": "Point",\n  "coordinates": [1, 2,]\n}')
    assert "not JSON" in message and "line 3, column 24" in message


@pytest.mark.parametrize("text", ["[" * 100_000, "1" * 5000])
def test_unreadable_json(text):
    assert "cannot be read" in refusal(text)


@pytest.mark.parametrize("document", [[line(E4)], "null", '"LineString"', "12"])
def test_top_level_must_be_an_object(document):
    assert refusal(document).startswith("The GeoJSON must be a JSON object")


@pytest.mark.parametrize("document", [{"type": "Line", "coordinates": E4}, {"coordinates": E4}, {"type": None}])
def test_unknown_or_missing_type_lists_the_accepted(document):
    message = refusal(document)
    assert message.startswith('The GeoJSON: "type" must be one of')
    assert all(kind in message for kind in ("LineString", "MultiPolygon", "GeometryCollection", "FeatureCollection"))


def test_a_feature_in_a_collection_must_be_a_feature():
    message = refusal({"type": "FeatureCollection", "features": [feature(line(E4)), line(E4)]})
    assert message.startswith('Feature 2: "type" must be one of Feature.')


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"type": "LineString"}, 'The GeoJSON: "coordinates" is missing.'),
        ({"type": "GeometryCollection"}, 'The GeoJSON: "geometries" is missing.'),
        ({"type": "FeatureCollection"}, 'The GeoJSON: "features" is missing.'),
        (collection(line(E4), {"type": "Point"}), 'Feature 2: "coordinates" is missing.'),
        ({"type": "FeatureCollection", "features": [{"type": "Feature"}]}, 'Feature 1: "geometry" is missing.'),
        (collection(line(E4), None), "Feature 2 has no geometry (it is null)."),
        ({"type": "FeatureCollection", "features": {}}, '"features" must be a JSON array'),
        ({"type": "MultiLineString", "coordinates": [E4, 5]}, "Line 2 must be a JSON array"),
        ({"type": "FeatureCollection", "features": []}, "The GeoJSON is empty."),
        ({"type": "GeometryCollection", "geometries": []}, "The GeoJSON is empty."),
        ({"type": "MultiPolygon", "coordinates": [[SQUARE], []]}, "Polygon 2 is empty."),
        ({"type": "MultiPoint", "coordinates": []}, '"coordinates" is empty.'),
    ],
)
def test_missing_or_empty_members(document, expected):
    assert refusal(document).startswith(expected)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_refused(constant):
    assert json.loads(f"[{constant}]")  # what json.loads would let through by default
    assert f"{constant} is not a number in JSON" in refusal(f'{{"type": "Point", "coordinates": [18.0, {constant}]}}')


@pytest.mark.parametrize(
    "bad", [[18.0], [18.0, 59.0, 10.0, 1.0], [True, 59.0], [18.0, "59.0"], [18.0, None], {"lon": 18}, 18.0, []]
)
def test_a_position_is_two_or_three_numbers_named_by_place(bad):
    document = collection(line(E4), {"type": "MultiLineString", "coordinates": [E4, [*E4, bad]]})
    assert refusal(document).startswith("Feature 2, line 2, position 4 must be 2 numbers, [longitude, latitude]")


def test_a_number_too_large_for_a_float_is_refused():
    message = refusal('{"type": "LineString", "coordinates": [[18.0, 59.0], [1e999, 59.0]]}')
    assert message.startswith("Position 2 must be 2 numbers")


def test_a_point_names_its_coordinates():
    assert refusal({"type": "Point", "coordinates": [18.0]}).startswith('"coordinates" must be 2 numbers')
    assert refusal(collection({"type": "Point", "coordinates": [200, 0]})).startswith(
        'Feature 1, "coordinates": the longitude 200 is outside -180 to 180.'
    )


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        ([180.5, 59.0], "Position 3: the longitude 180.5 is outside -180 to 180."),
        ([-181, 0], "Position 3: the longitude -181 is outside -180 to 180."),
        ([100.0, 95.0], "Position 3: the latitude 95.0 is outside -90 to 90."),
        ([18.0, -90.5], "Position 3: the latitude -90.5 is outside -90 to 90. Did you write latitude first?"),
    ],
)
def test_out_of_range(position, expected):
    assert refusal(line([E4[0], E4[1], position])).startswith(expected)


def test_swapped_axes_hint():
    message = refusal(line([[59.86, 17.63], [59.33, 18.07], [55.6, 130.0]]))
    assert message.startswith("Position 3: the latitude 130.0 is outside -90 to 90.")
    assert "Did you write latitude first? GeoJSON puts longitude first" in message


def test_no_hint_when_the_swapped_pair_is_no_better():
    assert "latitude first" not in refusal(line([[18.0, 59.0], [100.0, 95.0]]))
    assert "latitude first" not in refusal(line([[18.0, 59.0], [59.0, 190.0]]))


def test_a_line_needs_two_positions():
    assert refusal(line([E4[0]])).startswith('"coordinates": a line needs at least 2 positions.')
    document = collection(line(E4), {"type": "MultiLineString", "coordinates": [E4, [E4[0]]]})
    assert refusal(document).startswith("Feature 2, line 2: a line needs at least 2 positions.")


def test_a_ring_needs_four_positions():
    triangle = [[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]
    message = refusal({"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE, triangle]]})
    assert message.startswith("Polygon 2, ring 2: a ring needs at least 4 positions")


def test_a_ring_must_be_closed():
    message = refusal({"type": "Polygon", "coordinates": [SQUARE, HOLE[:-1] + [[0.2, 0.3]]]})
    assert message.startswith("Ring 2 is not closed: its last position must be the same as its first.")


def test_a_collection_in_a_collection_is_refused():
    inner = {"type": "GeometryCollection", "geometries": [line(E4)]}
    message = refusal({"type": "GeometryCollection", "geometries": [line(E4), inner]})
    assert message.startswith("Geometry 2: a geometry collection cannot hold another geometry collection.")


def test_a_wrong_member_of_a_collection_is_named():
    document = {"type": "GeometryCollection", "geometries": [line(E4), line([E4[0], [18.0, 95.0]])]}
    assert refusal(document).startswith("Geometry 2, position 2: the latitude 95.0 is outside -90 to 90.")


def test_position_limit():
    many = [[i % 90, i % 80] for i in range(MAX_POSITIONS)]
    compact = (",", ":")
    assert len(json.dumps(line(many), separators=compact)) < MAX_BYTES
    assert len(parse_geometry(json.dumps(line(many), separators=compact))["coordinates"]) == MAX_POSITIONS
    over = {"type": "GeometryCollection", "geometries": [line(many), {"type": "Point", "coordinates": [18.0, 59.0]}]}
    assert "more than 20000 positions" in refusal(json.dumps(over, separators=compact))


def test_positions_and_bounds():
    geometry = parse_geometry(json.dumps(GOOD[-1]))
    assert list(positions(geometry)) == [(-180.0, -90.0), *(tuple(position) for position in E4)]
    assert bounds(geometry) == (-180.0, -90.0, 18.07, 59.86)
    assert bounds(parse_geometry(json.dumps({"type": "MultiPolygon", "coordinates": [[SQUARE], [HOLE]]}))) == (
        0.0,
        0.0,
        1.0,
        1.0,
    )
    assert list(positions({"type": "Point", "coordinates": [18.0, 59.0]})) == [(18.0, 59.0)]
