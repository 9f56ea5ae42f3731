"""/map and /map/embed: the shell, the filters, the table of exactly what the map shows, framing only for the embed,
and the cached GeoJSON the browser loads (new when the data changes, 304 when not)."""

import re

import pytest

from coaction.commitments.models import Category, CommitmentLocation, Visibility
from coaction.extensions import db
from coaction.members.models import MembershipStatus, Sector
from tests.factories import make_commitment, make_organisation, make_report

XSS = ["<img src=x onerror=alert(1)>", "${alert(document.domain)}", "</script><script>alert(1)</script>"]


def place(commitment, longitude=17.63, latitude=59.2):
    db.session.add(CommitmentLocation(commitment=commitment, latitude=latitude, longitude=longitude))


@pytest.fixture
def cast(app):
    alfa = make_organisation(name="Alfa AB", sector=Sector.BUSINESS)
    kommun = make_organisation(name="Kommunen", sector=Sector.MUNICIPALITY)
    prospect = make_organisation(name="Prospekt AB", status=MembershipStatus.PROSPECT)
    found = {
        "public": make_commitment(alfa, title="Laddplatser vid depån"),
        "biogas": make_commitment(kommun, title="Biogasbussar", category=Category.BIOGAS),
        "members": make_commitment(alfa, title="Medlemslöfte", visibility=Visibility.MEMBERS),
        "private": make_commitment(alfa, title="Hemligt löfte", visibility=Visibility.PRIVATE),
        "prospect": make_commitment(prospect, title="Prospektets löfte"),
        "unplaced": make_commitment(alfa, title="Utan plats"),
    }
    for key, commitment in found.items():
        if key != "unplaced":
            place(commitment)
    db.session.commit()
    return {"alfa": alfa, "kommun": kommun, **found}


def table_titles(html: str) -> list[str]:
    table = html[html.index('<table class="commitments">') :]
    return re.findall(r'<a href="/commitments/\d+">([^<]+)</a>', table[: table.index("</table>")])


def test_the_map_page_has_the_shell_and_a_table_of_the_public_placed_commitments(client, cast):
    response = client.get("/map")
    assert response.status_code == 200
    html = response.text
    assert 'class="folium-map"' in html and "/static/js/map.js" in html
    assert sorted(table_titles(html)) == ["Biogasbussar", "Laddplatser vid depån"]
    assert "Medlemslöfte" not in html and "Hemligt löfte" not in html and "Prospektets löfte" not in html
    assert "Laddplatser vid depån" not in html[html.index("L.map(") :]  # the data is loaded, never inlined
    assert "field-error" not in html  # no filter chosen is no error
    assert not re.search(r"""(src|href)=["'](https?:)?//(?!localhost)""", html)


def test_filters_narrow_the_table_and_the_geojson_address_alike(client, cast):
    html = client.get(f"/map?category=biogas&sector=municipality&organisation={cast['kommun'].id}").text
    assert table_titles(html) == ["Biogasbussar"]
    config = html[html.index('id="map-config">') : html.index("</script>", html.index('id="map-config">'))]
    assert (
        "category=biogas" in config
        and "sector=municipality" in config
        and f"organisation={cast['kommun'].id}" in config
    )
    geojson = client.get(
        f"/api/v1/commitments.geojson?category=biogas&sector=municipality&organisation={cast['kommun'].id}"
    )
    assert [f["properties"]["title"] for f in geojson.json["features"]] == ["Biogasbussar"]
    assert client.get("/api/v1/commitments.geojson?sector=business").json["features"][0]["properties"]["title"] == (
        "Laddplatser vid depån"
    )


def test_a_filter_names_only_organisations_the_public_may_know_of(client, cast):
    hidden = make_organisation(name="Hemliga Prospekt AB", status=MembershipStatus.PROSPECT)
    db.session.commit()
    for path in ("/map", "/map/embed", "/commitments"):
        response = client.get(f"{path}?organisation={hidden.id}")
        assert response.status_code == 200 and "Hemliga Prospekt AB" not in response.text
    assert client.get("/map?organisation=%C2%B2&focus_area=%C2%B2").status_code == 200  # "²" is a digit to Python


def test_an_unknown_filter_value_is_named_next_to_its_field_and_left_out_of_the_data_address(client, cast):
    response = client.get("/map?category=nonsense&status=%3Cscript%3E&page=99999&organisation=abc")
    assert response.status_code == 200
    html = response.text
    assert html.count('class="field-error"') == 2
    config = html[html.index('id="map-config">') :]
    assert "nonsense" not in config[: config.index("</script>")] and "abc" not in config[: config.index("</script>")]


def test_titles_are_text_in_the_table_and_never_in_a_script(client, cast):
    for title in XSS:
        place(make_commitment(cast["alfa"], title=title))
    db.session.commit()
    html = client.get("/map").text
    assert "<img src=x" not in html and "</script><script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_only_the_embed_may_be_framed(client, cast):
    page, embed = client.get("/map"), client.get("/map/embed")
    assert (
        page.headers["X-Frame-Options"] == "DENY"
        and "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    )
    assert "X-Frame-Options" not in embed.headers and "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert 'class="site-header"' not in embed.text and 'class="folium-map"' in embed.text
    assert sorted(table_titles(embed.text)) == ["Biogasbussar", "Laddplatser vid depån"]


@pytest.mark.app_config(TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png", TILE_ATTRIBUTION="© OSM")
def test_the_configured_tile_server_is_the_one_other_origin_and_for_images_only(client, cast):
    response = client.get("/map")
    policy = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.example.org" in policy
    assert "tiles.example.org" not in policy.split("img-src")[0] + policy.split("img-src")[1].split(";", 1)[1]
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in response.text
    assert "No background map" not in response.text and "Ingen bakgrundskarta" not in response.text


def test_the_geojson_is_cached_until_the_data_changes(client, cast):
    first = client.get("/api/v1/commitments.geojson")
    tag = first.headers["ETag"]
    assert client.get("/api/v1/commitments.geojson", headers={"If-None-Match": tag}).status_code == 304
    make_report(cast["public"], value=60.0)
    db.session.commit()
    second = client.get("/api/v1/commitments.geojson", headers={"If-None-Match": tag})
    assert second.status_code == 200 and second.headers["ETag"] != tag
    feature = next(f for f in second.json["features"] if f["properties"]["title"] == "Laddplatser vid depån")
    assert feature["properties"]["progress"] == 50
    cast["alfa"].name = "Alfa Nya AB"
    db.session.commit()
    renamed = client.get("/api/v1/commitments.geojson").json["features"]
    assert "Alfa Nya AB" in {f["properties"]["organisation"] for f in renamed}


def test_members_and_activities_layers_show_public_ones(client, cast):
    names = {f["properties"]["name"] for f in client.get("/api/v1/organisations.geojson").json["features"]}
    assert "Prospekt AB" not in names
    for feature in client.get("/api/v1/organisations.geojson").json["features"]:
        longitude, latitude = feature["geometry"]["coordinates"]
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
    assert client.get("/api/v1/activities.geojson").json["type"] == "FeatureCollection"
    assert client.get("/api/v1/activities.geojson?x=1").status_code == 400


def test_an_organisation_sets_its_place_for_the_members_layer_or_falls_back_to_its_municipality(client, cast):
    from coaction.auth.models import Role
    from tests.conftest import sign_in
    from tests.factories import make_user

    admin = make_user(role=Role.ORG_ADMIN, organisation=cast["alfa"])
    db.session.commit()
    sign_in(client, admin)
    refused = client.post("/organisation", data={"municipality": "0", "place": "59,19 17,63"})
    assert refused.status_code == 422 and 'id="place-error"' in refused.text
    assert client.post("/organisation", data={"municipality": "0", "place": "59.19, 17.63"}).status_code == 302
    layer = client.get("/api/v1/organisations.geojson").json["features"]
    (alfa,) = [feature for feature in layer if feature["properties"]["name"] == "Alfa AB"]
    assert alfa["geometry"]["coordinates"] == [17.63, 59.19]  # longitude first
    assert "59.19000, 17.63000" in client.get("/organisation").text
    assert client.post("/organisation", data={"municipality": "0", "place": ""}).status_code == 302
    db.session.refresh(cast["alfa"])
    assert cast["alfa"].latitude is None and cast["alfa"].longitude is None
