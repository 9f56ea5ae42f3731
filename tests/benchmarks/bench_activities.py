"""Joint activities at scale: `/activities` (first page, a later page, a type filter, an organisation's
activities) and its calendar feed with 20,000 activities and 100,000 participations (synthetic), in requests per
second beside the bare Flask floor served the same way, and the wall time of `flask coaction synth`."""

from __future__ import annotations

import os
import sys

from tests.benchmarks.bench_members import HELLO_APP, load, serve
from tests.benchmarks.harness import print_http_results, synth_site

SYNTH_ORGS = 5_000
ACTIVITIES = 20_000
PARTICIPATIONS = 100_000
SEED = 2


def run() -> None:
    print(f"bench_activities: synth {ACTIVITIES:,} activities, {PARTICIPATIONS:,} participations", file=sys.stderr)
    load_before = os.getloadavg()[0]
    args = ("--users-per-org", "0", "--activities", str(ACTIVITIES), "--participations", str(PARTICIPATIONS))
    with synth_site(SYNTH_ORGS, SEED, *args) as (site, synth_seconds):
        paths = ("/activities", "/activities?page=200", "/activities?kind=pilot", "/activities?organisation=17",
                 "/activities.ics?kind=conference&period_from=2024-01-01&period_to=2024-12-31")  # fmt: skip
        with serve(site, HELLO_APP) as base:
            floor = load(f"{base}/")
        results = [("hello / (floor)", floor)]
        with serve(site, "wsgi:app", ready_path="/healthz") as base:
            results += [(f"app {path}", load(base + path)) for path in paths]
    load_after = os.getloadavg()[0]
    print()
    print(
        f"Activities: `flask coaction synth --orgs {SYNTH_ORGS:,} {' '.join(args)}` took {synth_seconds:.1f} s wall "
        "time after `flask db upgrade`; SQLite; rate limits lifted (COACTION_RATELIMIT_ENABLED=false)."
    )
    print(f"Load average (1 min): {load_before:.2f} before the run, {load_after:.2f} after it.")
    print_http_results(results, floor)


if __name__ == "__main__":
    run()
