"""/map and /map/embed: the public commitment map. The page carries the map's shell and the table; the markers come
from the API's GeoJSON, loaded by the browser (the HTML stays small whatever the number of commitments)."""

from __future__ import annotations

from dataclasses import replace

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _

from coaction.activities.labels import KIND_LABELS
from coaction.auth.permissions import PUBLIC_VIEWER
from coaction.commitments.labels import (
    CATEGORY_LABELS,
    STATUS_COLOURS,
    STATUS_ICONS,
    STATUS_LABELS,
    VERIFICATION_LABELS,
)
from coaction.commitments.listing import STATUS_ORDER, Filters, find_commitments
from coaction.commitments.views import filters_from, listed_organisation
from coaction.maps import bp
from coaction.maps.forms import MapFilterForm
from coaction.maps.render import MapShell, Shape, ShapeLayer, Tiles, render_shell
from coaction.members.labels import SECTOR_LABELS
from coaction.priorities.mapping import priority_layer
from coaction.priorities.services import ordered as ordered_priorities
from coaction.regions.services import network_municipalities
from coaction.security import csp_nonce

PER_PAGE = 25


def configured_tiles() -> Tiles | None:
    url = current_app.config.get("TILE_URL", "")
    return Tiles(url, current_app.config.get("TILE_ATTRIBUTION", "")) if url else None


def shape_layers() -> tuple[list[ShapeLayer], dict[str, dict]]:
    """folium draws these; the words of each shape (by its key) travel to the page's script as data."""
    municipalities = network_municipalities()
    centres = ShapeLayer(
        "municipalities",
        [
            Shape(f"municipality-{m.id}", {"type": "Point", "coordinates": [m.longitude, m.latitude]}, "#4a4a4a")
            for m in municipalities
        ],
        point_radius=5,
    )
    words = {
        "municipalities": {
            "name": _("Municipality centres"),
            "shown": False,
            "labels": {f"municipality-{m.id}": {"title": m.name} for m in municipalities},
        }
    }
    priorities, priority_words = priority_layer(ordered_priorities())
    return [priorities, centres], {"priorities": priority_words, **words}


def map_shell(layers: list[ShapeLayer]) -> MapShell:
    return render_shell(
        asset_url=lambda path: url_for("static", filename=path),
        nonce=csp_nonce(),
        tiles=configured_tiles(),
        layers=layers,
    )


def script_config(shell: MapShell, words: dict[str, dict], geojson_args: dict[str, str] | None = None) -> dict:
    """What static/js/map.js needs: where the map and layers are, where the data is, and every word it shows.
    Without `geojson_args` the map has its shapes only (a priority's page), fitted to them."""
    shapes = [{"layer": shell.layer_names[key], **layer} for key, layer in words.items()]
    data = (
        {
            "commitments": url_for("api.commitments_geojson", **geojson_args),
            "members": url_for("api.organisations_geojson"),
            "activities": url_for("api.activities_geojson"),
        }
        if geojson_args is not None
        else {}
    )
    return {
        "map": shell.map_name,
        "shapes": shapes,
        **data,
        "fit": geojson_args is None or bool(geojson_args),
        "categories": {code.value: str(label) for code, label in CATEGORY_LABELS.items()},
        "statuses": {
            status.value: {
                "label": str(STATUS_LABELS[status]),
                "icon": STATUS_ICONS[status],
                "colour": STATUS_COLOURS[status],
            }
            for status in STATUS_ORDER
        },
        "verifications": {code.value: str(label) for code, label in VERIFICATION_LABELS.items()},
        "sectors": {code.value: str(label) for code, label in SECTOR_LABELS.items()},
        "kinds": {code.value: str(label) for code, label in KIND_LABELS.items()},
        "words": {
            "organisation": _("Organisation"),
            "category": _("Category"),
            "status": _("Status"),
            "progress": _("Progress"),
            "noProgress": _("No value yet"),
            "percent": _("%(percent)s %% of the way", percent="{}"),
            "verification": _("Verification"),
            "sector": _("Sector"),
            "municipality": _("Municipality"),
            "when": _("When"),
            "kind": _("Kind"),
            "open": _("Read more"),
            "members": _("Member organisations"),
            "activities": _("Coming activities"),
            "loading": _("Loading the map's data…"),
            "shown": _("%(count)s places of commitments on the map.", count="{}"),
            "none": _("No commitment with a place matches the filter."),
            "failed": _("The map's data could not be loaded. The table below lists the same commitments."),
        },
    }


def render_map_page(template: str):
    filters, form = filters_from(request.args, MapFilterForm)
    filters = replace(filters, located=True)
    found = find_commitments(PUBLIC_VIEWER, filters, page=request.args.get("page", 1, type=int) or 1, per_page=PER_PAGE)
    organisation = listed_organisation(filters.organisation_id)
    geojson_args = geojson_filters(filters)
    layers, words = shape_layers()
    shell = map_shell(layers)
    return render_template(
        template,
        form=form,
        found=found,
        organisation=organisation,
        drawing=shell,
        map_config=script_config(shell, words, geojson_args),
        has_tiles=configured_tiles() is not None,
        filter_args=geojson_args,
    )


def geojson_filters(filters: Filters) -> dict[str, str]:
    """The API's parameters for the same filters as the table: the map and the table show the same."""
    values = {
        "category": filters.category,
        "status": filters.status,
        "focus_area": filters.focus_area_id,
        "municipality": filters.municipality_id,
        "sector": filters.sector,
        "organisation": filters.organisation_id,
    }
    return {name: str(value) for name, value in values.items() if value is not None}


@bp.get("/map")
def index():
    return render_map_page("maps/index.html")


@bp.get("/map/embed")
def embed():
    """The same map without the site's chrome, for members' own sites: the one page that may be framed."""
    return render_map_page("maps/embed.html")
