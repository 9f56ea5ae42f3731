"""Map shells drawn by folium from plain values, with every asset served from our own static/vendor/.

folium draws the map, its tiles and the shapes it is given (geometries with a key, never a word of user text:
folium writes popups and tooltips into JavaScript as raw HTML). The page's own script (static/js/map.js) loads
the markers from GeoJSON in the browser and gives every shape its words with textContent. No database here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import folium
from branca.element import CssLink, JavascriptLink
from markupsafe import Markup, escape

# Local copies of what the map needs (see each folder's VERSION). folium's other defaults (jQuery, Bootstrap,
# awesome-markers, Font Awesome) serve features we do not use (its icons and popups), so they are not loaded.
VENDOR_JS = (
    ("leaflet", "vendor/leaflet/leaflet.js"),
    ("markercluster", "vendor/leaflet.markercluster/leaflet.markercluster.js"),
)
VENDOR_CSS = (
    ("leaflet_css", "vendor/leaflet/leaflet.css"),
    ("markercluster_css", "vendor/leaflet.markercluster/MarkerCluster.css"),
    ("markercluster_default_css", "vendor/leaflet.markercluster/MarkerCluster.Default.css"),
)
SOUTH_STOCKHOLM = (59.2, 17.85)  # between Södertälje and Haninge: the network's middle


@dataclass(frozen=True)
class Tiles:
    url: str
    attribution: str


@dataclass(frozen=True)
class Shape:
    """One geometry (GeoJSON, longitude first); `key` is how the page's script finds its words."""

    key: str
    geometry: dict
    colour: str = "#1d4f91"


@dataclass(frozen=True)
class ShapeLayer:
    """Shapes drawn together; `key` names the layer for the page's script."""

    key: str
    shapes: Sequence[Shape]
    point_radius: int = 7


@dataclass(frozen=True)
class MapShell:
    """The parts a page places: the asset links (head), the map's element and folium's script (body), and the
    variable names the page's script reaches the map and each shape layer by."""

    head: Markup
    element: Markup
    script: Markup
    map_name: str
    layer_names: dict[str, str] = field(default_factory=dict)


def _shape_layer(layer: ShapeLayer) -> folium.GeoJson:
    colours = {shape.key: shape.colour for shape in layer.shapes}
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"key": shape.key}, "geometry": shape.geometry} for shape in layer.shapes
        ],
    }
    return folium.GeoJson(
        data,
        name=layer.key,
        marker=folium.CircleMarker(radius=layer.point_radius, fill=True, fill_opacity=0.9, weight=2),
        style_function=lambda feature: {"color": colours[feature["properties"]["key"]], "weight": 5},
        control=False,
    )


def render_shell(
    *,
    asset_url: Callable[[str], str],
    nonce: str,
    tiles: Tiles | None,
    layers: Sequence[ShapeLayer] = (),
    centre: tuple[float, float] = SOUTH_STOCKHOLM,
    zoom: int = 9,
) -> MapShell:
    """A folium map with `layers` drawn, its script carrying `nonce` for the page's Content-Security-Policy."""
    # maxZoom on the map itself (folium gives it to tiles only): marker clustering needs it, with or without tiles.
    shell = folium.Map(location=list(centre), zoom_start=zoom, tiles=None, control_scale=True, maxZoom=18, minZoom=4)
    shell.default_js = [(name, asset_url(path)) for name, path in VENDOR_JS]
    shell.default_css = [(name, asset_url(path)) for name, path in VENDOR_CSS]
    if tiles is not None:
        folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, name="tiles", control=False).add_to(shell)
    drawn = {layer.key: _shape_layer(layer).add_to(shell) for layer in layers}
    root = shell.get_root()
    root.render()
    # Only the asset links of folium's head: its viewport tag forbids zooming (WCAG 1.4.4) and its styles are
    # for a page that is nothing but the map; our stylesheet sizes the map instead.
    links = [child.render() for child in root.header._children.values() if isinstance(child, JavascriptLink | CssLink)]
    # JSON in a script block ends at the first "</": folium writes none of its own, and nothing of ours may.
    code = root.script.render().replace("</", "<\\/")
    # Markup: folium's own output from our numbers and asset paths; no text of anyone's reaches it (see above).
    return MapShell(
        head=Markup("\n".join(links)),  # noqa: S704  # nosec B704
        element=Markup(root.html.render().strip()),  # noqa: S704  # nosec B704
        script=Markup(f'<script nonce="{escape(nonce)}">{code}</script>'),  # noqa: S704  # nosec B704
        map_name=shell.get_name(),
        layer_names={key: layer.get_name() for key, layer in drawn.items()},
    )
