"""Requests per second of the app's cheapest pages next to a bare Flask app served the same way (the floor):
the ratio tells what the app itself costs per request, whatever the machine."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager

from tests.benchmarks.harness import Measurement, Site, measure, prepared_site, print_http_results, served

WORKERS = 2
WORKER_CLASS = "sync"
CONNECTIONS = 4
SECONDS = 10
WARMUP_SECONDS = 2
HELLO_APP = "tests.benchmarks.hello_app:app"
APP_PATHS = ("/", "/healthz")


def serve(site: Site, app: str, ready_path: str = "/") -> AbstractContextManager[str]:
    """The floor and the app on exactly the same gunicorn settings."""
    return served(site, app, workers=WORKERS, worker_class=WORKER_CLASS, ready_path=ready_path)


def load(url: str) -> Measurement:
    print(f"bench_http: measuring {url}", file=sys.stderr)
    return measure(url, seconds=SECONDS, connections=CONNECTIONS, warmup_seconds=WARMUP_SECONDS)


def run() -> None:
    """One server at a time, so that an idle one never shares the CPU with the one being measured."""
    print("bench_http: preparing a fresh SQLite database with the demo data", file=sys.stderr)
    with prepared_site() as site:
        with serve(site, HELLO_APP) as base:
            floor = load(f"{base}/")
        results = [("hello / (floor)", floor)]
        with serve(site, "wsgi:app", ready_path="/healthz") as base:
            results += [(f"app {path}", load(base + path)) for path in APP_PATHS]

    print()
    print(
        f"HTTP: gunicorn, {WORKERS} {WORKER_CLASS} workers, on 127.0.0.1; demo data on SQLite; wrk, {CONNECTIONS} "
        f"connections, {SECONDS} s per URL after a {WARMUP_SECONDS} s warm-up."
    )
    print("Rate limits were lifted for the benchmark (COACTION_RATELIMIT_ENABLED=false).")
    print_http_results(results, floor)
