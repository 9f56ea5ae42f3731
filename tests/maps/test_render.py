"""The map shell, pure: folium's output with our assets only, the page's nonce, and no word of anyone's in it."""

import ast
import re
from pathlib import Path

from coaction.maps import render
from coaction.maps.render import Shape, ShapeLayer, Tiles, render_shell

ASSETS = lambda path: "/static/" + path  # noqa: E731
LINE = {"type": "LineString", "coordinates": [[17.63, 59.2], [18.1, 59.13]]}


def shell(**options):
    return render_shell(asset_url=ASSETS, nonce="n0nce", tiles=None, **options)


def test_every_asset_is_ours_and_every_script_block_has_the_nonce():
    drawn = shell(layers=[ShapeLayer("priorities", [Shape("priority-1", LINE)])])
    page = drawn.head + drawn.element + drawn.script
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), page
    assert "/static/vendor/leaflet/leaflet.js" in drawn.head
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in drawn.head
    assert all('nonce="n0nce"' in tag for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page))
    assert "<style" not in page and "style=" not in page  # sized by our stylesheet, nothing inline
    assert "user-scalable" not in page  # folium's viewport tag would forbid zooming (WCAG 1.4.4)


def test_the_tile_layer_is_the_configured_one_or_none():
    assert "L.tileLayer" not in shell().script
    with_tiles = render_shell(
        asset_url=ASSETS, nonce="x", tiles=Tiles("https://tiles.example/{z}/{x}/{y}.png", "© OSM")
    )
    assert "https://tiles.example/{z}/{x}/{y}.png" in with_tiles.script


def test_shapes_carry_their_key_and_geometry_longitude_first_and_nothing_else():
    drawn = shell(layers=[ShapeLayer("priorities", [Shape("priority-7", LINE)])])
    assert drawn.layer_names["priorities"] in drawn.script
    assert '"key": "priority-7"' in drawn.script
    assert "[17.63, 59.2]" in drawn.script  # [longitude, latitude], as given: folium does not swap them


def test_no_script_end_can_come_out_of_the_block():
    drawn = shell(layers=[ShapeLayer("x", [Shape("</script><script>alert(1)</script>", LINE)])])
    body = drawn.script[len('<script nonce="n0nce">') : -len("</script>")]
    assert "</" not in body


def test_the_rendering_modules_never_import_the_database():
    for module in (render,):
        tree = ast.parse(Path(module.__file__).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not any(name.startswith(("sqlalchemy", "flask_sqlalchemy", "coaction.extensions")) for name in imported)
        assert not any(name.startswith("coaction.") and not name.startswith("coaction.maps") for name in imported)
