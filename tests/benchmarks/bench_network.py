"""The collaboration network at 500, 5,000 and 50,000 organisations (synthetic, ties clustered by municipality and
sector around a few hubs): the whole job as `flask coaction network-refresh` in its own process (each step's and
each measure's seconds as it prints them, its wall time and peak RSS), exact betweenness beside the sampled one
where exact is still affordable, and at 500 and 5,000 the `/network` page, a sorted later page, a filtered one and
the drawing's JSON served from the snapshot beside the bare Flask floor.

`python -c "from tests.benchmarks import bench_network as b; b.run()"`; BENCH_NETWORK_SIZES=500,5000 for fewer."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

import networkx as nx

from coaction import create_app
from coaction.commitments.listing import local_today
from coaction.network.graph import build_graph
from coaction.network.models import Scope
from coaction.network.services import organisations_in, weights
from coaction.ties.services import network_edges
from tests.benchmarks.bench_invitations import site_process_environment
from tests.benchmarks.bench_members import HELLO_APP, serve
from tests.benchmarks.harness import ROOT, measure, print_http_results, synth_site

TIES_PER_ORGANISATION = 12  # about 25 partners per organisation in the network
SEED_BASE = 30
HTTP_UP_TO = 5_000
EXACT_UP_TO = 5_000  # exact betweenness is cubic: hours above this


def exact_betweenness(site) -> tuple[int, int, float | None]:
    """The public graph's size, and exact betweenness's seconds on it (None above EXACT_UP_TO organisations)."""
    with site_process_environment(site):
        app = create_app()
        with app.app_context():
            organisations = organisations_in(Scope.PUBLIC)
            edges = network_edges(local_today(), public_only=True)
            graph = build_graph(edges, organisations, today=local_today(), weights=weights())
    if graph.number_of_nodes() > EXACT_UP_TO:
        return graph.number_of_nodes(), graph.number_of_edges(), None
    started = time.perf_counter()
    nx.betweenness_centrality(graph)
    return graph.number_of_nodes(), graph.number_of_edges(), time.perf_counter() - started


def whole_job(site) -> tuple[float, float, str]:
    """`flask coaction network-refresh` in its own process: wall seconds, peak RSS in MiB, what it printed."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "flask", "--app", "wsgi", "coaction", "network-refresh"],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=7200,
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child so far
    return time.perf_counter() - started, peak, done.stdout.rstrip()


def load(url: str):
    print(f"bench_network: measuring {url}", file=sys.stderr)
    return measure(url, seconds=10, connections=4, warmup_seconds=2)


def sizes() -> list[int]:
    return [int(size) for size in os.environ.get("BENCH_NETWORK_SIZES", "500,5000,50000").split(",")]


def run() -> None:
    for index, orgs in enumerate(sizes()):
        ties = orgs * TIES_PER_ORGANISATION
        print(f"bench_network: synth {orgs:,} organisations, {ties:,} ties", file=sys.stderr)
        load_before = os.getloadavg()[0]
        with synth_site(orgs, SEED_BASE + index, "--users-per-org", "0", "--ties", str(ties)) as (site, synth_s):
            job_seconds, job_peak, job_output = whole_job(site)
            nodes, edges, exact_seconds = exact_betweenness(site)
            results = []
            if orgs <= HTTP_UP_TO:
                with serve(site, HELLO_APP) as base:
                    floor = load(f"{base}/")
                results = [("hello / (floor)", floor)]
                with serve(site, "wsgi:app", ready_path="/healthz") as base:
                    paths = ("/network", "/network?sort=betweenness&page=20", "/network?sector=energy&year=2023",
                             "/network.json", "/network.json?community=0")  # fmt: skip
                    results += [(f"app {path}", load(base + path)) for path in paths]
        load_after = os.getloadavg()[0]
        print()
        print(
            f"Network, {orgs:,} organisations (`synth --ties {ties:,}`, {synth_s:.1f} s): the public graph has "
            f"{nodes:,} organisations and {edges:,} pairs; SQLite; load average {load_before:.2f} before, "
            f"{load_after:.2f} after."
        )
        print(f"Whole job, both scopes (`flask coaction network-refresh`): {job_seconds:.1f} s wall, peak RSS "
              f"{job_peak:,.0f} MiB (the job samples betweenness above 1,000 organisations); it printed:")  # fmt: skip
        print(job_output)
        if exact_seconds is not None:
            print(f"Exact betweenness on the public graph, for comparison: {exact_seconds:.1f} s.")
        if results:
            print()
            print_http_results(results, floor)
        print()


if __name__ == "__main__":
    run()
