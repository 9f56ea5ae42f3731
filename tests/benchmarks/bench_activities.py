"""Joint activities at scale: `/activities` (first page, a later page, a type filter, an organisation's
activities), its calendar feed and the decision log with 20,000 activities, 100,000 participations and 10,000
decisions (synthetic), in requests per second beside the bare Flask floor served the same way; the collaboration
edge service over all of it (in process); and the wall time of `flask coaction synth`."""

from __future__ import annotations

import os
import statistics
import sys
import time

from coaction import create_app
from coaction.auth.models import Role
from coaction.auth.services import create_user
from coaction.commitments.listing import local_today
from coaction.extensions import db
from coaction.ties.services import network_edges
from tests.benchmarks.bench_invitations import site_process_environment
from tests.benchmarks.bench_members import HELLO_APP, serve
from tests.benchmarks.harness import measure, print_http_results, print_table, synth_site

SYNTH_ORGS = 5_000
ACTIVITIES = 20_000
PARTICIPATIONS = 100_000
DECISIONS = 10_000
SEED = 2
REPEATS = 5


def load(url: str, headers=()):
    print(f"bench_activities: measuring {url}", file=sys.stderr)
    return measure(url, seconds=10, connections=4, warmup_seconds=2, headers=headers)


def in_process(site) -> tuple[list[float], int, str]:
    """The edge service's timings and edge count, and a session cookie of the network office."""
    with site_process_environment(site):
        app = create_app({"RATELIMIT_ENABLED": False})
        with app.app_context(), app.test_request_context():
            office = create_user("bench-office@coaction.example", name="Bench Office", password=None,
                                 role=Role.COORDINATOR)  # fmt: skip
            db.session.commit()
            network_edges(local_today())
            seconds = []
            for _ in range(REPEATS):
                started = time.perf_counter()
                edges = network_edges(local_today())
                seconds.append(time.perf_counter() - started)
            cookie = app.session_interface.get_signing_serializer(app).dumps(
                {"_user_id": office.get_id(), "_fresh": True}
            )
            db.session.remove()
    return seconds, len(edges), f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={cookie}"


def run() -> None:
    print(f"bench_activities: synth {ACTIVITIES:,} activities, {PARTICIPATIONS:,} participations", file=sys.stderr)
    load_before = os.getloadavg()[0]
    args = ("--users-per-org", "0", "--activities", str(ACTIVITIES), "--participations", str(PARTICIPATIONS),
            "--decisions", str(DECISIONS))  # fmt: skip
    with synth_site(SYNTH_ORGS, SEED, *args) as (site, synth_seconds):
        edge_seconds, edge_count, cookie = in_process(site)
        paths = ("/activities", "/activities?page=200", "/activities?kind=pilot", "/activities?organisation=17",
                 "/activities.ics?kind=conference&period_from=2024-01-01&period_to=2024-12-31")  # fmt: skip
        office_paths = ("/decisions", "/decisions?overdue=y", "/decisions?page=50")
        with serve(site, HELLO_APP) as base:
            floor = load(f"{base}/")
        results = [("hello / (floor)", floor)]
        with serve(site, "wsgi:app", ready_path="/healthz") as base:
            results += [(f"app {path}", load(base + path)) for path in paths]
            results += [(f"office {path}", load(base + path, headers=[f"Cookie: {cookie}"])) for path in office_paths]
    load_after = os.getloadavg()[0]
    print()
    print(
        f"Activities: `flask coaction synth --orgs {SYNTH_ORGS:,} {' '.join(args)}` took {synth_seconds:.1f} s wall "
        "time after `flask db upgrade`; SQLite; rate limits lifted (COACTION_RATELIMIT_ENABLED=false)."
    )
    print_table(
        ("in process", "min ms", "median ms"),
        [
            (
                f"edge service over it all ({edge_count:,} edges)",
                f"{min(edge_seconds) * 1000:.0f}",
                f"{statistics.median(edge_seconds) * 1000:.0f}",
            )
        ],  # fmt: skip
    )
    print(f"Load average (1 min): {load_before:.2f} before the run, {load_after:.2f} after it.")
    print_http_results(results, floor)


if __name__ == "__main__":
    run()
