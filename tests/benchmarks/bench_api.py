"""The public API at 25,000 commitments (synthetic, about 5,000 member organisations): /api/v1/commitments (the first
page, a page filtered on category and a computed status, and a 304 to a current ETag) and
/api/v1/commitments.geojson, over HTTP beside the bare Flask floor served the same way."""

from __future__ import annotations

import os
import sys
import urllib.request

from tests.benchmarks.bench_commitments import COMMITMENTS, CONNECTIONS, REPORTS, SEED, SYNTH_ORGS, WORKERS, load
from tests.benchmarks.harness import print_http_results, served, synth_site

HELLO_APP = "tests.benchmarks.hello_app:app"
FIRST_PAGE = "/api/v1/commitments"
FILTERED = "/api/v1/commitments?category=biogas&status=behind&per_page=100"
GEOJSON = "/api/v1/commitments.geojson"


def fetched(url: str) -> tuple[str, int]:
    """The ETag of a URL, and its body's size."""
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (our own server on 127.0.0.1)
        return response.headers["ETag"], len(response.read())


def run() -> None:
    print(f"bench_api: preparing {COMMITMENTS:,} commitments and about {REPORTS:,} reports", file=sys.stderr)
    load_before = os.getloadavg()[0]
    synth_args = ("--commitments", str(COMMITMENTS), "--reports", str(REPORTS))
    with synth_site(SYNTH_ORGS, SEED, *synth_args) as (site, synth_seconds):
        with served(site, HELLO_APP, workers=WORKERS) as base:
            floor = load(f"{base}/")
        results = [("hello / (floor)", floor)]
        with served(site, "wsgi:app", workers=WORKERS, ready_path="/healthz") as base:
            tag, first_size = fetched(base + FIRST_PAGE)
            _, geo_size = fetched(base + GEOJSON)
            results += [
                (f"app {FIRST_PAGE}", load(base + FIRST_PAGE)),
                (f"app {FILTERED}", load(base + FILTERED)),
                (f"app {FIRST_PAGE} → 304", load(base + FIRST_PAGE, headers=[f"If-None-Match: {tag}"])),
                (f"app {GEOJSON}", load(base + GEOJSON)),
                (f"app {GEOJSON} gzip", load(base + GEOJSON, headers=["Accept-Encoding: gzip"])),
            ]
    load_after = os.getloadavg()[0]
    print()
    print(
        f"API: `flask coaction synth --orgs {SYNTH_ORGS} --seed {SEED} --commitments {COMMITMENTS} "
        f"--reports {REPORTS}` took {synth_seconds:.1f} s. First page {first_size:,} bytes (50 commitments); "
        f"the GeoJSON {geo_size:,} bytes uncompressed."
    )
    print(
        f"HTTP: gunicorn, {WORKERS} sync workers; wrk, {CONNECTIONS} connections. Rate limits lifted "
        f"(COACTION_RATELIMIT_ENABLED=false). Load average {load_before:.2f} before, {load_after:.2f} after."
    )
    print_http_results(results, floor)


if __name__ == "__main__":
    run()
