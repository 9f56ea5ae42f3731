"""The public member directory at scale: /members with at least 5,000 members (synthetic), its paging, search,
sector filter and one profile, in requests per second next to the bare Flask floor served the same way. Also the
wall time `flask coaction synth` takes to build that data."""

from __future__ import annotations

import os
import sqlite3
import sys
from contextlib import AbstractContextManager, closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tests.benchmarks.harness import (
    Measurement,
    Site,
    measure,
    print_http_results,
    served,
    synth_site,
)

WORKERS = 2
WORKER_CLASS = "sync"
CONNECTIONS = 4
SECONDS = 10
WARMUP_SECONDS = 2
HELLO_APP = "tests.benchmarks.hello_app:app"
# About 63% of synthetic organisations are members or paused members: 8,500 gives comfortably over 5,000.
SYNTH_ORGS = 8_500
SEED = 1
MIN_MEMBERS = 5_000
PER_PAGE = 30  # find_members' default
PAGE = 100
SEARCH = "kraft"
SECTOR = "energy"
PUBLIC = "status IN ('member', 'paused')"


@dataclass(frozen=True)
class Directory:
    """What the database holds for the pages measured, so that the figures can be read against it."""

    members: int
    search_matches: int
    sector_members: int
    profile_slug: str

    @property
    def pages(self) -> int:
        return -(-self.members // PER_PAGE)


def database_path(site: Site) -> Path:
    url = site.env["COACTION_DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        raise RuntimeError(f"bench_members reads a SQLite database, not {url}")
    return Path(url.removeprefix("sqlite:///"))


def directory_contents(site: Site) -> Directory:
    """Read-only, straight from the SQLite file, so that the counts do not depend on the code being measured."""
    with closing(sqlite3.connect(f"file:{database_path(site)}?mode=ro", uri=True)) as connection:

        def scalar(sql: str, *parameters: str) -> int | str | None:
            row = connection.execute(sql, parameters).fetchone()
            return row[0] if row else None

        members = scalar(f"SELECT count(*) FROM organisation WHERE {PUBLIC}")
        matches = scalar(
            f"SELECT count(*) FROM organisation WHERE {PUBLIC} AND instr(name_key, ?) > 0",
            SEARCH,
        )
        in_sector = scalar(f"SELECT count(*) FROM organisation WHERE {PUBLIC} AND sector = ?", SECTOR)
        slug = scalar(
            "SELECT slug FROM organisation WHERE status = 'member' AND slug LIKE 'synth-%' ORDER BY id LIMIT 1"
        )
    if not isinstance(members, int) or members < MIN_MEMBERS:
        raise RuntimeError(f"synth made {members} members, fewer than the {MIN_MEMBERS:,} this benchmark is about")
    if not isinstance(slug, str):
        raise RuntimeError("synth made no member to show a profile of")
    return Directory(int(members), int(matches or 0), int(in_sector or 0), slug)


def serve(site: Site, app: str, ready_path: str = "/") -> AbstractContextManager[str]:
    """The floor and the app on exactly the same gunicorn settings (those of bench_http)."""
    return served(site, app, workers=WORKERS, worker_class=WORKER_CLASS, ready_path=ready_path)


def load(url: str) -> Measurement:
    print(f"bench_members: measuring {url}", file=sys.stderr)
    return measure(url, seconds=SECONDS, connections=CONNECTIONS, warmup_seconds=WARMUP_SECONDS)


def run() -> None:
    """One server at a time, so that an idle one never shares the CPU with the one being measured."""
    print(
        f"bench_members: preparing a fresh SQLite database with {SYNTH_ORGS:,} synthetic organisations", file=sys.stderr
    )
    load_before = os.getloadavg()[0]
    with synth_site(SYNTH_ORGS, SEED) as (site, synth_seconds):
        directory = directory_contents(site)
        paths = (
            "/members",
            f"/members?page={PAGE}",
            f"/members?q={quote(SEARCH)}",
            f"/members?sector={quote(SECTOR)}",
            f"/members/{quote(directory.profile_slug)}",
        )
        with serve(site, HELLO_APP) as base:
            floor = load(f"{base}/")
        results = [("hello / (floor)", floor)]
        with serve(site, "wsgi:app", ready_path="/healthz") as base:
            results += [(f"app {path}", load(base + path)) for path in paths]
    load_after = os.getloadavg()[0]

    print()
    print(
        f"Members: `flask coaction synth --orgs {SYNTH_ORGS} --seed {SEED}` (organisations, one user each, "
        f"invitations) took {synth_seconds:.1f} s wall time, CLI start-up included, after `flask db upgrade`."
    )
    print(
        f"The directory lists {directory.members:,} members (member or paused), {PER_PAGE} a page, "
        f"{directory.pages} pages; {directory.search_matches:,} match q={SEARCH}, "
        f"{directory.sector_members:,} are in sector {SECTOR}; profile of {directory.profile_slug}."
    )
    print(
        f"HTTP: gunicorn, {WORKERS} {WORKER_CLASS} workers, on 127.0.0.1; synthetic data on SQLite; wrk, "
        f"{CONNECTIONS} connections, {SECONDS} s per URL after a {WARMUP_SECONDS} s warm-up."
    )
    print("Rate limits were lifted for the benchmark (COACTION_RATELIMIT_ENABLED=false).")
    print(f"Load average (1 min) on those cores: {load_before:.2f} before the run, {load_after:.2f} after it.")
    print_http_results(results, floor)


if __name__ == "__main__":
    run()
