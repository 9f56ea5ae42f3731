"""The collaboration network at 500, 5,000 and 50,000 organisations (synthetic, ties clustered by municipality and
sector around a few hubs): each measure's time and the process's peak memory after it, exact against sampled
betweenness, the whole job as `flask coaction network-refresh` (wall time and peak RSS), and at 500 and 5,000 the
`/network` page, a sorted later page and the drawing's JSON served from the snapshot beside the bare Flask floor.

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
from coaction.network.graph import SEED, build_graph, by_year, communities_of, drawing, figures
from coaction.network.models import Scope
from coaction.network.services import organisations_in, weights
from coaction.ties.services import network_edges
from tests.benchmarks.bench_invitations import site_process_environment
from tests.benchmarks.bench_members import HELLO_APP, serve
from tests.benchmarks.harness import ROOT, measure, print_http_results, print_table, synth_site

TIES_PER_ORGANISATION = 12  # about 25 partners per organisation in the network: the reference's density
SEED_BASE = 30
HTTP_UP_TO = 5_000
EXACT_UP_TO = 5_000  # exact betweenness is measured up to here (cubic: hours above)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(rows: list, label: str, action):
    started = time.perf_counter()
    result = action()
    rows.append((label, f"{time.perf_counter() - started:.2f}", f"{peak_mib():,.0f}"))
    return result


def metrics_in_process(site, orgs: int) -> tuple[list, int, int]:
    """Each step of the job on the public scope, one at a time."""
    rows: list = []
    with site_process_environment(site):
        app = create_app()
        with app.app_context():
            organisations = timed(rows, "read organisations", lambda: organisations_in(Scope.PUBLIC))
            edges = timed(rows, "read edges", lambda: network_edges(local_today(), public_only=True))
            graph = timed(rows, "build graph", lambda: build_graph(edges, organisations, today=local_today(),
                                                                   weights=weights()))  # fmt: skip
            nodes = graph.number_of_nodes()
            if nodes <= EXACT_UP_TO:
                timed(rows, "betweenness, exact", lambda: nx.betweenness_centrality(graph))
            timed(rows, "betweenness, sampled k=200", lambda: nx.betweenness_centrality(graph, k=200, seed=SEED))
            timed(rows, "pagerank", lambda: nx.pagerank(graph, weight="weight"))
            timed(rows, "clustering", lambda: nx.clustering(graph))
            timed(rows, "articulation points", lambda: set(nx.articulation_points(graph)))
            communities = timed(rows, "communities (Louvain)", lambda: communities_of(graph))
            timed(rows, "figures and modularity", lambda: figures(graph, communities))
            timed(rows, "year by year", lambda: by_year(graph, until=local_today().year))
            limit = app.config["NETWORK_DRAWN_AT_MOST"]
            timed(rows, "layout", lambda: drawing(graph, communities, drawn_at_most=limit))
    return rows, nodes, graph.number_of_edges()


def whole_job(site) -> tuple[float, float, str]:
    """`flask coaction network-refresh` in its own process: wall seconds, peak RSS in MiB, its printed steps."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "flask", "--app", "wsgi", "coaction", "network-refresh"],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    seconds = time.perf_counter() - started
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return seconds, peak, done.stdout.strip()


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
        args = ("--users-per-org", "0", "--ties", str(ties))
        with synth_site(orgs, SEED_BASE + index, *args) as (site, synth_seconds):
            steps, nodes, edges = metrics_in_process(site, orgs)
            job_seconds, job_peak, job_output = whole_job(site)
            results = []
            if orgs <= HTTP_UP_TO:
                with serve(site, HELLO_APP) as base:
                    floor = load(f"{base}/")
                results = [("hello / (floor)", floor)]
                with serve(site, "wsgi:app", ready_path="/healthz") as base:
                    paths = ("/network", "/network?sort=betweenness&page=20", "/network?sector=energy",
                             "/network.json", "/network.json?community=0")  # fmt: skip
                    results += [(f"app {path}", load(base + path)) for path in paths]
        load_after = os.getloadavg()[0]
        print()
        print(
            f"Network, {orgs:,} organisations (`synth --ties {ties:,}`, {synth_seconds:.1f} s): the public graph has "
            f"{nodes:,} organisations and {edges:,} pairs; SQLite; load average {load_before:.2f} before, "
            f"{load_after:.2f} after."
        )
        print_table(("step (public scope, in process)", "seconds", "peak RSS MiB"), steps)
        print()
        print(f"Whole job, both scopes (`flask coaction network-refresh`): {job_seconds:.1f} s wall, peak RSS "
              f"{job_peak:,.0f} MiB; its steps:\n{job_output}")  # fmt: skip
        if results:
            print()
            print_http_results(results, floor)
        print()


if __name__ == "__main__":
    run()
