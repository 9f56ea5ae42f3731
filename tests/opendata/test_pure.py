"""The pure pieces: GeoJSON from rows, the writers' cells, the dictionary's columns."""

import csv
import io
from datetime import UTC, date, datetime, time

import pytest

from coaction.commitments.geo import LocationRow, features
from coaction.core.spreadsheet import safe_cell
from coaction.opendata.dictionary import UNITS, Column, dictionary_rows
from coaction.opendata.formats import plain, table_csv
from coaction.opendata.services import DATASETS, ORGANISATION_DATASETS


def test_features_put_longitude_first_and_keep_six_decimals():
    row = LocationRow(7, "Laddpunkter", "Alfa AB", "charging_infrastructure", "planned", 40,
                      "evidence", "Södertälje",
                      17.62534567, 59.19551234, "http://x/commitments/7", datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip
    collection = features([row])
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [17.625346, 59.195512]}
    assert feature["properties"] == {
        "id": 7, "title": "Laddpunkter", "organisation": "Alfa AB", "category": "charging_infrastructure",
        "status": "planned", "progress": 40, "verification": "evidence", "municipality": "Södertälje", "url": "http://x/commitments/7",
    }  # fmt: skip
    assert features([]) == {"type": "FeatureCollection", "features": []}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (None, ""),
        (True, "true"),
        (date(2026, 3, 1), "2026-03-01"),
        (time(9, 30), "09:30"),
        (datetime(2026, 3, 1, 12, 0, tzinfo=UTC), "2026-03-01T12:00:00Z"),
        (-1.5, -1.5),
    ],
)
def test_plain_values(value, written):
    assert plain(value) == written


def test_numbers_stay_numbers_and_text_that_looks_like_a_formula_does_not():
    assert safe_cell(-1) == "-1" and safe_cell(2.5) == "2.5" and safe_cell("-1") == "'-1"
    columns = (Column("a", "number", "A", "A"), Column("b", "text", "B", "B"))
    body = table_csv(columns, [{"a": -3, "b": "@SUM(A1)"}]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body))) == [["a", "b"], ["-3", "'@SUM(A1)"]]
    with pytest.raises(KeyError):  # a row without one of the columns fails, never shifts the others
        table_csv(columns, [{"a": 1}])


def test_every_column_has_a_known_unit_and_text_in_both_languages(app):
    datasets = [*DATASETS.values(), *ORGANISATION_DATASETS.values()]
    for dataset in datasets:
        names = [column.name for column in dataset.columns]
        assert len(names) == len(set(names)), dataset.key
        for name, unit_en, unit_sv, english, swedish, _codes in dictionary_rows(dataset.columns):
            assert english.strip() and swedish.strip() and unit_en.strip() and unit_sv.strip(), (dataset.key, name)
    with pytest.raises(ValueError):
        Column("x", "parsecs", "X", "X")
    assert all(sv for _en, sv in UNITS.values())
