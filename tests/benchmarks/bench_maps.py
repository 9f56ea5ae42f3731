"""The public commitment map at 1,000 and 25,000 commitments (synthetic; about 80% public, each at its
organisation's place). In process, through the test client: the size of /map and its render time, the GeoJSON the
browser loads (its first build with the cache empty, raw and gzipped, a repeated request from the cache, and a 304
to its ETag); beside them the floor of drawing every marker on the server: a plain folium map with one folium.Marker
per feature, at the same coordinates, rendered with `get_root().render()`, and again with a folium.Popup each.

`python -c "from tests.benchmarks import bench_maps as b; b.run()"`; BENCH_MAPS_SIZES=1000 for fewer."""

from __future__ import annotations

import gzip
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import folium

from coaction import create_app
from coaction.commitments.listing import local_today
from coaction.extensions import cache, db
from coaction.maps.services import commitments_version
from tests.benchmarks.bench_commitments import COMMITMENTS, REPORTS, SEED, SYNTH_ORGS
from tests.benchmarks.bench_invitations import Timing, site_process_environment
from tests.benchmarks.harness import print_table, synth_site

MAP = "/map"
GEOJSON = "/api/v1/commitments.geojson"
REQUESTS = 20  # timed requests of each warm kind, after one discarded
COLD_RUNS = 5  # builds of the GeoJSON, the cache emptied before each
REPORTS_EACH = REPORTS / COMMITMENTS  # as bench_commitments: about 3 reports a commitment
FLOOR_RUNS_UP_TO = 5_000  # above this many markers folium's floor is rendered once (about a second a thousand)
GZIP = {"Accept-Encoding": "gzip"}


@dataclass(frozen=True)
class Row:
    """One line of the table: a timing, and the size of what it made (raw and gzipped), if it made something."""

    timing: Timing
    size: int | None = None
    gzipped: int | None = None
    per_marker: bool = True  # the page's HTML does not grow with the markers: no figure per marker


def sizes() -> list[int]:
    return [int(size) for size in os.environ.get("BENCH_MAPS_SIZES", f"1000,{COMMITMENTS}").split(",")]


def timed(label: str, action: Callable[[], object], runs: int, *, before: Callable[[], object] = lambda: None):
    """`runs` timed calls of `action` (each after `before`, untimed), and the last call's result."""
    print(f"bench_maps: measuring {label}", file=sys.stderr)
    seconds, result = [], None
    for _ in range(runs):
        before()
        started = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - started)
    return Timing(label, seconds), result


def get(client, path: str, headers: dict | None = None, status: int = 200):
    response = client.get(path, headers=headers or {})
    if response.status_code != status:
        raise RuntimeError(f"GET {path} answered {response.status_code}, not {status}")
    return response


def folium_floor(points: list[tuple[float, float, str]], popups: bool) -> str:
    """Every marker drawn on the server: what the page would cost if the markers were in its HTML. With `popups`,
    each marker also carries a folium.Popup of its title (only rendered here: folium writes it as raw HTML)."""
    drawn = folium.Map(location=[59.2, 17.85], zoom_start=9, tiles=None)
    for latitude, longitude, title in points:
        folium.Marker([latitude, longitude], popup=folium.Popup(title) if popups else None).add_to(drawn)
    return drawn.get_root().render()


def measure_site(site) -> tuple[dict[str, Row], int]:
    """The rows of the table, and the number of markers (GeoJSON features) the map shows."""
    with site_process_environment(site):
        app = create_app({"RATELIMIT_ENABLED": False})
    client = app.test_client()  # no app context held here: each request has its own, as in production

    def empty_cache() -> None:
        with app.app_context():
            cache.clear()

    get(client, MAP)  # templates, translations, the database connection: not part of what is measured
    page_timing, page = timed(f"{MAP} ({REQUESTS} requests)", lambda: get(client, MAP), REQUESTS)
    html = page.get_data()
    rows = {"page": Row(page_timing, len(html), len(gzip.compress(html)), per_marker=False)}

    # The very first GeoJSON request of the process, then builds with the cache emptied before each.
    first, response = timed(f"{GEOJSON} first request", lambda: get(client, GEOJSON), 1)
    body = response.get_data()
    cold, _ = timed(f"{GEOJSON} cold", lambda: get(client, GEOJSON), COLD_RUNS, before=empty_cache)
    cold_gzip, zipped = timed(
        f"{GEOJSON} cold, gzip", lambda: get(client, GEOJSON, GZIP), COLD_RUNS, before=empty_cache
    )
    if zipped.headers.get("Content-Encoding") != "gzip":
        raise RuntimeError(f"{GEOJSON} was not gzipped for a client that takes gzip")
    warm, _ = timed(f"{GEOJSON} warm", lambda: get(client, GEOJSON), REQUESTS)
    warm_gzip, _ = timed(f"{GEOJSON} warm, gzip", lambda: get(client, GEOJSON, GZIP), REQUESTS)
    tag = {"If-None-Match": response.headers["ETag"], **GZIP}
    not_modified, _ = timed(f"{GEOJSON} 304", lambda: get(client, GEOJSON, tag, status=304), REQUESTS)
    with app.app_context():  # what every request of the layer pays first, even a 304: the data's version
        version, _ = timed("the data version", lambda: commitments_version(local_today()), REQUESTS)
        db.session.remove()
    gzipped = len(zipped.get_data())
    rows |= {
        "first": Row(first, len(body), gzipped),
        "cold": Row(cold, len(body)),
        "cold_gzip": Row(cold_gzip, None, gzipped),
        "warm": Row(warm),
        "warm_gzip": Row(warm_gzip),
        "304": Row(not_modified),
        "version": Row(version),
    }

    features = response.get_json()["features"]
    points = [(*reversed(f["geometry"]["coordinates"]), f["properties"]["title"]) for f in features]
    runs = 3 if len(points) <= FLOOR_RUNS_UP_TO else 1
    for key, popups in (("floor", False), ("floor_popups", True)):
        label = f"folium floor, {len(points):,} markers" + (" with popups" if popups else "")
        floor, drawn = timed(label, lambda popups=popups: folium_floor(points, popups), runs)
        drawn = drawn.encode()
        rows[key] = Row(floor, len(drawn), len(gzip.compress(drawn)))
    return rows, len(features)


def print_results(rows: dict[str, Row], markers: int) -> None:
    def figure(value: int | None) -> str:
        return "-" if value is None else f"{value:,}"

    def per_marker(row: Row) -> tuple[str, str]:
        if row.size is None or not row.per_marker or not markers:
            return "-", "-"
        return f"{row.timing.median_ms / markers:.3f}", f"{row.size / markers:,.0f}"

    labels = {
        "page": f"{MAP} HTML",
        "first": f"{GEOJSON}: first request of the process",
        "cold": "  built, cache emptied (identity)",
        "cold_gzip": "  built and gzipped, cache emptied",
        "warm": "  repeated, from the cache (identity)",
        "warm_gzip": "  repeated, from the cache (gzip)",
        "304": "  304 to If-None-Match",
        "version": "  of which the data version's query (in each)",
        "floor": "folium floor: Map + one Marker each, render()",
        "floor_popups": "  the same, each Marker with a Popup of its title",
    }
    headers = ("target", "runs", "p50 ms", "min ms", "bytes", "gzip bytes", "ms/marker", "bytes/marker")
    table = [
        (
            labels[key],
            str(len(row.timing.seconds)),
            f"{row.timing.median_ms:.1f}",
            f"{row.timing.min_ms:.1f}",
            figure(row.size),
            figure(row.gzipped),
            *per_marker(row),
        )
        for key, row in rows.items()
    ]
    print_table(headers, table)


def run() -> None:
    for commitments in sizes():
        orgs = max(1, round(SYNTH_ORGS * commitments / COMMITMENTS))  # as many commitments per organisation
        reports = round(REPORTS_EACH * commitments)
        print(f"bench_maps: preparing {commitments:,} commitments of {orgs:,} organisations", file=sys.stderr)
        load_before = os.getloadavg()[0]
        synth_args = ("--users-per-org", "0", "--commitments", str(commitments), "--reports", str(reports))
        with synth_site(orgs, SEED, *synth_args) as (site, synth_seconds):
            rows, markers = measure_site(site)
        load_after = os.getloadavg()[0]
        print()
        print(
            f"Map, {commitments:,} commitments: `flask coaction synth --orgs {orgs} --seed {SEED} --users-per-org 0 "
            f"--commitments {commitments} --reports {reports}` took {synth_seconds:.1f} s; {markers:,} public places "
            f"on the map (GeoJSON features). In process (test client, SQLite, SimpleCache); load average "
            f"{load_before:.2f} before, {load_after:.2f} after."
        )
        print(
            "The GeoJSON's cold rows build it from the database (one per data version); the others are served from "
            "the cache. The /map and floor gzip sizes are gzip -9 here, the GeoJSON's the app's own. Per marker: the "
            "p50 and the size divided by the number of markers."
        )
        print_results(rows, markers)
        print()


if __name__ == "__main__":
    run()
