"""The /data page and its downloads: nothing that is not public in any format of any data set, formulas
neutralised, GeoJSON as RFC 7946 has it, a dictionary for every column, and 404 for what does not exist."""

import csv
import io
import json

import networkx as nx
import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from coaction.commitments.progress import Status
from coaction.opendata.services import DATASETS, ORGANISATION_DATASETS
from tests.conftest import sign_in
from tests.opendata.conftest import SECRET

FILES = [(key, fmt) for key, dataset in DATASETS.items() for fmt in dataset.formats if fmt != "ics"]


def text_of(response, fmt: str) -> str:
    """Everything a file says, as text (an Excel file's every cell of every sheet)."""
    if fmt != "xlsx":
        return response.get_data(as_text=True)
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    return "\n".join(
        "\t".join("" if value is None else str(value) for value in row)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.mark.parametrize(("key", "fmt"), FILES, ids=[f"{key}.{fmt}" for key, fmt in FILES])
def test_nothing_but_public_data_in_any_file(client, world, key, fmt):
    response = client.get(f"/data/{key}.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{key}.{fmt}"'
    body = text_of(response, fmt)
    assert SECRET not in body.upper()
    assert "4242.5" not in body and "18.111111" not in body  # the private report's value and place
    assert "rapportor.hemlig" not in body and "hemlig-underlag" not in body


def test_each_data_set_holds_what_the_public_pages_show(client, world):
    commitments = {row["title"] for row in csv_rows(client.get("/data/commitments.csv"))}
    assert commitments == {"Laddpunkter i Södertälje", "'" + world["formula"].title}
    organisations = {row["name"] for row in csv_rows(client.get("/data/organisations.csv"))}
    assert organisations == {"Alfa AB", "Beta AB", "Gamma AB", "Delta AB"}
    reports = csv_rows(client.get("/data/progress_reports.csv"))
    assert [(int(row["commitment_id"]), row["value"]) for row in reports] == [(world["public"].id, "40.0")]
    assert set(reports[0]) == set(DATASETS["progress_reports"].header)  # no reporter, no file
    activities = csv_rows(client.get("/data/activities.csv"))
    assert [(row["title"], row["lead_organisations"]) for row in activities] == [("Öppen workshop", "Alfa AB")]
    assert [row["title"] for row in csv_rows(client.get("/data/goals.csv"))] == ["Fossilfri transport 2030"]
    values = csv_rows(client.get("/data/indicator_values.csv"))
    assert [(row["indicator"], row["year"], row["municipality"], row["value"]) for row in values] == [
        ("Laddpunkter i regionen", "2025", "", "120.0")
    ]


def test_a_members_only_tie_is_in_no_network_file(client, world):
    ties = {(int(row["a_id"]), int(row["b_id"])) for row in csv_rows(client.get("/data/network_ties.csv"))}
    alfa, beta, gamma, delta = (world[name].id for name in ("alfa", "beta", "gamma", "delta"))
    assert ties == {(min(alfa, beta), max(alfa, beta))}
    graph = nx.parse_graphml(client.get("/data/network_ties.graphml").get_data(as_text=True))
    assert {tuple(sorted(map(int, edge))) for edge in graph.edges()} == ties
    assert str(world["external"].id) not in graph.nodes and str(world["prospect"].id) not in graph.nodes
    assert (min(gamma, delta), max(gamma, delta)) not in ties


def test_a_travel_year_is_published_only_from_five_answers_of_three_members(client, world):
    waves = csv_rows(client.get("/data/travel_waves.csv"))
    assert [row["year"] for row in waves] == ["2025"]  # 2024 pools only two members
    wave = waves[0]
    assert (wave["surveys"], wave["organisations"], wave["responses"]) == ("3", "3", "15")  # Delta's 4 left out
    assert float(wave["share_trips_car"]) == 0.75 and float(wave["share_trips_bike"]) == 0.25
    rule = "once it is over and its surveys pool at least 5 answers from at least 3 organisations"
    assert rule in client.get("/data/travel_waves/dictionary?lang=en").get_data(as_text=True)
    assert "först när det är slut" in client.get("/data/travel_waves/dictionary?lang=sv").get_data(as_text=True)


def test_formulas_are_neutralised_in_csv_and_excel(client, world):
    body = client.get("/data/commitments.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body and ',"=HYPERLINK' not in body and ",=HYPERLINK" not in body
    workbook = load_workbook(io.BytesIO(client.get("/data/commitments.xlsx").data))
    titles = [row[3].value for row in workbook["commitments"].iter_rows(min_row=2)]
    cell = next(row[3] for row in workbook["commitments"].iter_rows(min_row=2) if "HYPERLINK" in row[3].value)
    assert cell.data_type == "s" and cell.value.startswith("'=") and len(titles) == 2
    assert workbook.sheetnames == ["commitments", "dictionary"]


def test_geojson_is_rfc_7946_with_longitude_first(client, world):
    response = client.get("/data/commitment_locations.geojson")
    assert response.mimetype == "application/geo+json"
    data = json.loads(response.data)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 1
    feature = data["features"][0]
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
    longitude, latitude = feature["geometry"]["coordinates"]
    assert 17.6 <= longitude <= 18.3 and 58.9 <= latitude <= 59.3  # Södertörn, longitude first
    assert set(feature["properties"]) >= {"id", "title", "organisation", "category", "status", "url"}
    assert feature["properties"]["id"] == world["public"].id
    assert feature["properties"]["url"].endswith(f"/commitments/{world['public'].id}")
    assert feature["properties"]["status"] in {status.value for status in Status}  # a code, as computed
    assert feature["properties"]["category"] == "charging_infrastructure"


@pytest.mark.parametrize("key", DATASETS)
def test_the_dictionary_has_every_column_of_the_file_in_both_languages(client, world, key):
    header = next(csv.reader(io.StringIO(client.get(f"/data/{key}.csv").get_data(as_text=True).lstrip("\ufeff"))))
    dictionary = csv_rows(client.get(f"/data/{key}.dictionary.csv"))
    assert [row["column"] for row in dictionary] == header
    for row in dictionary:
        assert all(row[name].strip() for name in ("unit_en", "unit_sv", "description_en", "description_sv")), row
    assert len({row["description_sv"] for row in dictionary}) > len(dictionary) / 2  # not one text for all
    workbook = load_workbook(io.BytesIO(client.get(f"/data/{key}.xlsx").data), read_only=True)
    sheet = list(workbook["dictionary"].iter_rows(values_only=True))
    assert [row[0] for row in sheet[1:]] == header


def test_the_dictionary_page_shows_the_columns_in_the_visitors_language(client, world):
    page = client.get("/data/commitments/dictionary?lang=en").get_data(as_text=True)
    assert "<code>target_year</code>" in page and "Year the target is to be reached" in page
    assert "<code>on_track</code>" in page  # the codes of the status column
    assert client.get("/data/organisation_commitments/dictionary").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/data/nothing.csv",
        "/data/commitments.pdf",
        "/data/commitments.geojson",  # a format of another data set
        "/data/organisation_commitments.csv",  # an organisation's own file is not open data
        "/data/nothing.dictionary.csv",
        "/data/nothing/dictionary",
        "/organisation/data/travel.csv",
    ],
)
def test_unknown_data_sets_and_formats_are_404(client, world, url):
    assert client.get(url).status_code == 404


def test_the_calendar_is_the_activities_feed(client, world):
    response = client.get("/data/activities.ics")
    assert response.status_code == 302 and response.headers["Location"].endswith("/activities.ics")


def test_the_page_lists_every_data_set_with_its_formats_rows_licence_and_update(client, world):
    page = client.get("/data?lang=en").get_data(as_text=True)
    assert page.count("<tr>") == len(DATASETS) + 1
    for key, dataset in DATASETS.items():
        with force_locale("en"):
            assert str(dataset.title) in page and f'href="/data/{key}/dictionary"' in page
        for fmt in dataset.formats:
            assert (f'href="/data/{key}.{fmt}"' in page) or (fmt == "ics" and 'href="/activities.ics"' in page)
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in page and "CC BY 4.0" in page
    assert "<script" not in page.split("<main", 1)[1] and 'src="http' not in page  # nothing loaded from outside
    assert "not yet" not in page.split("Collaboration network", 1)[1].split("</tr>", 1)[0]
    assert "Your organisation’s own data" not in page


def test_a_signed_in_member_finds_its_own_files_on_the_page(client, admin_of):
    sign_in(client, admin_of("alfa"), lang="en")
    page = client.get("/data").get_data(as_text=True)
    assert "Your organisation’s own data" in page
    for name, dataset in ORGANISATION_DATASETS.items():
        assert f'href="/organisation/data/{name}.csv"' in page and f'href="/data/{dataset.key}/dictionary"' in page


def test_the_travel_years_last_update_does_not_tell_when_a_small_group_answered(world):
    from datetime import date

    import sqlalchemy as sa

    from coaction.extensions import db
    from coaction.opendata.services import waves_updated
    from coaction.travel.models import SurveyResponse, TravelSurvey

    delta_survey = db.session.scalar(sa.select(TravelSurvey).filter_by(organisation_id=world["delta"].id))
    db.session.execute(
        sa.update(SurveyResponse).filter_by(survey_id=delta_survey.id).values(submitted_on=date(2025, 12, 20))
    )
    assert waves_updated() == date(2025, 3, 10)  # the counted surveys' newest answer, not Delta's four
