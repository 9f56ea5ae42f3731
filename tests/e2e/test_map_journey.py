"""The public map in a browser: markers from the GeoJSON (clustered when close), the filter form, a popup and its
link, the table listing what the map shows, titles made to run script shown as the characters they are (no dialog
ever opens), members-only and private commitments never on the page, and axe finding nothing."""

import json
import re

from playwright.sync_api import expect

from coaction.commitments.models import Category, CommitmentLocation, Visibility
from coaction.extensions import db
from tests.factories import make_commitment, make_organisation

XSS = ["<img src=x onerror=alert(1)>", "${alert(document.domain)}", "</script><script>alert(1)</script>"]
CHARGING = ["Laddplatser vid depån", "Snabbladdare vid stationen", "Laddgata i centrum"]
BIOGAS = "Biogasbussar i linjetrafik"
HIDDEN = ["Medlemmarnas eget löfte", "Ett hemligt löfte"]
# Charging on a grid: close enough to cluster at the map's first zoom, far enough apart once the filter fits them.
GRID = [(59.12 + 0.14 * row, 17.60 + 0.18 * column) for row in (0, 1) for column in (0, 1, 2)]
MARKERS = ".leaflet-marker-icon.map-marker"
SETTLED = "() => !document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')"


def placed(commitment, latitude: float, longitude: float):
    db.session.add(CommitmentLocation(commitment=commitment, latitude=latitude, longitude=longitude))
    return commitment


def shown_titles(page) -> list[str]:
    """The titles of the markers on the map now: each marker's title is the commitment's, then " – " and its status."""
    return [title.rsplit(" – ", 1)[0] for title in page.locator(MARKERS).evaluate_all("ms => ms.map(m => m.title)")]


def table_titles(page) -> list[str]:
    return page.locator("table.commitments tbody th a").all_inner_texts()


def geojson_titles(page) -> list[str]:
    """What the map loaded: the address its script was given, fetched again outside the page."""
    address = json.loads(page.locator("#map-config").text_content())["commitments"]
    answer = page.request.get(page.base_url + address)
    assert answer.ok
    return [feature["properties"]["title"] for feature in answer.json()["features"]]


def filter_by_category(page, category: Category, places: int) -> None:
    page.get_by_label("Kategori").select_option(category.value)
    page.get_by_role("button", name="Filtrera").click()
    assert f"category={category.value}" in page.url
    expect(page.locator("#map-status")).to_contain_text(re.compile(rf"\b{places}\b"))
    expect(page.locator(MARKERS)).to_have_count(places)  # fitted to the category's places: none clustered
    page.wait_for_function(SETTLED)


def open_popup(page, title: str):
    """Clicks the marker of `title` and returns its popup once it has faded in (axe reads colours as shown)."""
    page.locator(MARKERS).and_(page.get_by_title(f"{title} – ")).click()
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    return page.locator(".leaflet-popup .map-popup")


def close_popup(page) -> None:
    # From the keyboard, as a person reading with one would: Escape closes the popup (our handler in map.js).
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)


def test_the_public_map_shows_public_places_as_text_filters_and_links(page, live_server, app, assert_accessible):
    laddkraft = make_organisation(name="Laddkraft Södertörn AB")
    gasbolaget = make_organisation(name="Gasbolaget Södertörn AB")
    charging = [
        placed(make_commitment(laddkraft, title=title, category=Category.CHARGING), *GRID[index])
        for index, title in enumerate(CHARGING + XSS)
    ]
    biogas = placed(make_commitment(gasbolaget, title=BIOGAS, category=Category.BIOGAS), 58.90, 17.95)
    for title, visibility in zip(HIDDEN, (Visibility.MEMBERS, Visibility.PRIVATE), strict=True):
        placed(make_commitment(laddkraft, title=title, visibility=visibility), 59.2, 17.63)
    db.session.commit()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # Every public place is on the map: the status line counts them, and the close ones come as clusters.
    page.goto(live_server + "/map")
    expect(page.locator("#map-status")).to_contain_text(re.compile(rf"\b{len(charging) + 1}\b"))
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    assert page.locator(".marker-cluster").count() >= 1
    alone = len([title for title in shown_titles(page) if title != BIOGAS])
    page.locator(".marker-cluster").first.click()  # zooms in (or spiderfies): its markers come out on their own
    page.wait_for_function(
        "([selector, biogas, alone]) => [...document.querySelectorAll(selector)]"
        "  .filter(marker => !marker.title.startsWith(biogas)).length > alone",
        arg=[MARKERS, BIOGAS, alone],
    )
    page.wait_for_function(SETTLED)
    # The status symbol is centred in its marker (leaflet.css, loaded after site.css, would make it a block).
    assert page.locator(MARKERS).first.evaluate("marker => getComputedStyle(marker).display") == "flex"
    assert sorted(table_titles(page)) == sorted(geojson_titles(page)) == sorted(CHARGING + XSS + [BIOGAS])
    assert_accessible(page)

    # One category: the form is a GET, so the filter is in the address; its one marker opens a popup with a link.
    filter_by_category(page, Category.BIOGAS, 1)
    assert shown_titles(page) == table_titles(page) == geojson_titles(page) == [BIOGAS]
    popup = open_popup(page, BIOGAS)
    assert popup.locator(".map-popup-title").text_content() == BIOGAS
    assert "Gasbolaget Södertörn AB" in popup.inner_text()
    assert_accessible(page)
    popup.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/commitments/{biogas.id}$"))
    assert page.get_by_role("heading", level=1).inner_text() == BIOGAS

    # Charging: the markers, the table and the GeoJSON hold the same commitments.
    page.goto(live_server + "/map")
    filter_by_category(page, Category.CHARGING, len(charging))
    assert sorted(shown_titles(page)) == sorted(table_titles(page)) == sorted(geojson_titles(page))
    assert sorted(table_titles(page)) == sorted(CHARGING + XSS)

    # Titles made to run script are only characters: in the table, in each marker's popup; no dialog opened.
    for title in XSS:
        assert page.locator("table.commitments").get_by_role("link", name=title, exact=True).count() == 1
        popup = open_popup(page, title)
        assert popup.locator(".map-popup-title").text_content() == title
        assert popup.locator("img, script").count() == 0
        if title == XSS[0]:
            assert_accessible(page)
        close_popup(page)
    assert page.locator("img[src=x]").count() == 0
    assert_accessible(page)

    # Members-only and private commitments: in no page, no marker, no GeoJSON.
    everything = page.request.get(live_server + "/api/v1/commitments.geojson").text()
    for address in ("/map", f"/map?category={Category.CHARGING.value}"):
        page.goto(live_server + address)
        expect(page.locator("#map-status")).to_contain_text(re.compile(r"\d"))
        html = page.content()
        assert not any(title in html or title in everything for title in HIDDEN)
    assert dialogs == []


def test_the_priorities_page_draws_the_five_with_their_names_beside(page, live_server, app, assert_accessible):
    from coaction.seed.demo_priorities import load_priority_demo

    load_priority_demo()
    db.session.commit()
    page.goto(live_server + "/priorities")
    names = page.locator("ol.priority-list h2")
    expect(names).to_have_count(5)
    assert names.first.inner_text().strip() == "Tvärförbindelse Södertörn"
    shapes = page.locator(".folium-map path.leaflet-interactive")
    expect(shapes).to_have_count(5)  # four lines and the interchange's circle, longitude first or off the map
    # A line's stroke is thin to hit with a pointer: open its popup as a click would.
    page.evaluate(
        """() => {
            const config = JSON.parse(document.getElementById("map-config").textContent);
            window[config.shapes[0].layer].getLayers()[0].openPopup();
        }"""
    )
    expect(page.locator(".leaflet-popup .map-popup-title")).to_have_text("1. Tvärförbindelse Södertörn")
    page.keyboard.press("Escape")
    assert_accessible(page)
    page.locator("ol.priority-list a").first.click()
    expect(page).to_have_url(live_server + "/priorities/tvarforbindelse-sodertorn")
    expect(page.locator(".folium-map path.leaflet-interactive")).to_have_count(1)
    assert_accessible(page)
