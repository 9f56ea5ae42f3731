"""The platform at national scale, run as production runs it: PostgreSQL, Redis, gunicorn (issue 12).

`flask coaction synth` builds 20,000 organisations, 100,000 commitments with 300,000 progress reports, 1,000,000
travel-survey answers, 50,000 activities (150,000 participations) and 60,000 ties in a database of its own; then
`flask coaction network-refresh` measures the network, so that /network has a snapshot to show. gunicorn serves the
app in production mode (COACTION_ENV=production: Redis for the cache, the rate limits and the job queue; a random
secret key; a mail server named but never reached) at 2 and then 4 sync workers on 127.0.0.1, beside the hello
floor on the same settings, one server at a time; wrk measures each public page and API list warm (the cache filled
by a first request and a discarded warm-up). Then many people answer one survey at once against 4 workers, and
the rows in the database are counted: every answer stored, none lost. A markdown table at the end.

Only when asked, since it takes a while: `BENCH_NATIONAL=1 make bench`, or
`.venv/bin/python -c "from tests.benchmarks import bench_national as b; b.run()"`.
BENCH_NATIONAL_SCALE=0.05 builds a twentieth of everything for a quick run. BENCH_DATABASE_URL names the
PostgreSQL server (default postgresql://postgres@127.0.0.1:5432/postgres; a database `coaction_national_<hex>` is
created there and dropped afterwards), BENCH_REDIS_URL the Redis (default redis://127.0.0.1:6379/14; every key
is under a prefix of this run's own, deleted afterwards). Both must be on this machine."""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from tests.benchmarks import bench_survey_crowd
from tests.benchmarks.harness import (
    Measurement,
    Site,
    measure,
    postgresql_database,
    print_http_results,
    run_command,
    served,
    site_environment,
)

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
LOCAL_HOSTS = ("127.0.0.1", "localhost")
# The national scale of issue 12; ties (three per organisation) and participations (three per activity) so that
# the network has something to measure.
NATIONAL = {
    "orgs": 20_000,
    "commitments": 100_000,
    "reports": 300_000,
    "responses": 1_000_000,
    "activities": 50_000,
    "participations": 150_000,
    "ties": 60_000,
    "decisions": 2_000,
}
SEED = 1
WORKER_COUNTS = (2, 4)
CONNECTIONS = 4
SECONDS = 8
WARMUP_SECONDS = 2
HELLO_APP = "tests.benchmarks.hello_app:app"
PATHS = (
    "/",
    "/members",
    "/commitments",
    "/map",
    "/network",
    "/api/v1/commitments",
    "/api/v1/commitments.geojson",
)
TARGET = 0.5  # of the hello floor's requests per second: cached public pages and API lists
SIZED_FLOOR = 100_000  # bytes: an answer larger than this is also measured beside the bare app sending as many
# As a browser asks: the GeoJSON and the API lists are sent gzipped (the app compresses JSON, not HTML).
HEADERS = ("Accept-Encoding: gzip",)
LONG_TIMEOUT_S = 3600  # the synth at full scale takes minutes
FIRST_REQUEST_TIMEOUT_S = 600


def scale() -> float:
    return float(os.environ.get("BENCH_NATIONAL_SCALE", "1"))


def counts(factor: float) -> dict[str, int]:
    return {key: max(1, round(value * factor)) for key, value in NATIONAL.items()}


def local_only(url: str, variable: str) -> str:
    """Refuses a server on another machine: the benchmark creates and drops databases and deletes keys there."""
    host = urlsplit(url).hostname
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"{variable} must name a server on 127.0.0.1 or localhost, not {host!r}")
    return url


@contextmanager
def redis_prefix() -> Iterator[str]:
    """A key prefix of this run's own on BENCH_REDIS_URL; its keys (cache, limits, job queue) deleted after, and the
    queue's RQ bookkeeping with them."""
    from redis import Redis

    prefix = f"coaction-national-{secrets.token_hex(4)}:"
    connection = Redis.from_url(local_only(REDIS_URL, "BENCH_REDIS_URL"))
    try:
        yield prefix
    finally:
        queue = f"{prefix}jobs"  # coaction.jobs.queue_name
        jobs = [f"rq:job:{job.decode()}" for job in connection.lrange(f"rq:queue:{queue}", 0, -1)]
        keys = [*connection.scan_iter(match=f"{prefix}*", count=1000), *jobs, f"rq:queue:{queue}"]
        for start in range(0, len(keys), 1000):
            connection.delete(*keys[start : start + 1000])
        connection.srem("rq:queues", f"rq:queue:{queue}")
        connection.close()


def production_environment(root: Path, database_url: str, prefix: str) -> dict[str, str]:
    """Production settings on this run's database and Redis prefix. Plain http on 127.0.0.1, so no secure cookies
    or HSTS; a mail server is required in production but nothing here sends mail; no background refresh of the
    network (no worker runs: the queue would only fill); rate limits lifted (the survey run puts them back)."""
    env = site_environment(root)
    env.update(
        COACTION_ENV="production",
        COACTION_SECRET_KEY=secrets.token_hex(32),
        COACTION_DATABASE_URL=database_url,
        COACTION_REDIS_URL=REDIS_URL,
        COACTION_REDIS_PREFIX=prefix,
        COACTION_UPLOAD_PATH=str(root / "uploads"),
        COACTION_MAIL_SERVER="127.0.0.1",
        COACTION_SECURE_COOKIES="false",
        COACTION_HSTS="false",
        COACTION_NETWORK_AUTO_REFRESH="false",
        COACTION_RATELIMIT_ENABLED="false",
    )
    return env


def flask_command(site: Site, *args: str) -> tuple[str, float]:
    """A project command in the site's environment: its output and its wall time."""
    started = time.perf_counter()
    output = run_command([sys.executable, "-m", "flask", "--app", "wsgi", *args], site.env, timeout=LONG_TIMEOUT_S)
    return output, time.perf_counter() - started


def sql(database_url: str, query: str, *params: object) -> tuple:
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute(query, params).fetchone()


@dataclass(frozen=True)
class Page:
    path: str
    workers: int
    first_s: float  # the first request after the server started: the cache empty, or filled by the previous server
    sent_bytes: int  # the answer's body as sent (gzip where the app compresses)
    result: Measurement
    floor: Measurement
    sized_floor: Measurement | None = None  # the bare app sending a body as large, for an answer over SIZED_FLOOR

    @property
    def ratio(self) -> float:
        return self.result.requests_per_s / self.floor.requests_per_s


def first_request(url: str) -> tuple[float, int]:
    """One request, as long as it takes, so that what wrk measures is warm; the answer must be a 200. Its time and
    the size of its body as sent."""
    request = urllib.request.Request(url, headers=dict(header.split(": ", 1) for header in HEADERS))
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=FIRST_REQUEST_TIMEOUT_S) as response:  # noqa: S310  # nosec B310
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {url} answered {response.status}")
    return time.perf_counter() - started, len(body)


def load(url: str) -> Measurement:
    print(f"bench_national: measuring {url}", file=sys.stderr)
    return measure(url, seconds=SECONDS, connections=CONNECTIONS, warmup_seconds=WARMUP_SECONDS, headers=HEADERS)


def pages(site: Site, workers: int) -> list[Page]:
    """The hello floor, then the app, on the same gunicorn settings, one server at a time."""
    with served(site, HELLO_APP, workers=workers) as base:
        floor = load(f"{base}/")
    measured = []
    with served(site, "wsgi:app", workers=workers, ready_path="/healthz") as base:
        firsts = {path: first_request(base + path) for path in PATHS}
        for path in PATHS:
            measured.append(Page(path, workers, *firsts[path], load(base + path), floor))
    with served(site, HELLO_APP, workers=workers) as base:  # a large answer costs its bytes: their floor too
        measured = [
            replace(page, sized_floor=load(f"{base}/bytes/{page.sent_bytes}"))
            if page.sent_bytes > SIZED_FLOOR
            else page
            for page in measured
        ]
    print()
    print(f"gunicorn, {workers} sync workers, production settings, rate limits lifted:")
    print_http_results([("hello / (floor)", floor), *((page.path, page.result) for page in measured)], floor)
    print()
    return measured


@dataclass(frozen=True)
class Crowd:
    sent: int
    accepted: int
    stored: int
    statuses: str
    per_s: float
    p50_ms: float
    p95_ms: float


def survey_crowd(site: Site, database_url: str, workers: int) -> Crowd:
    """bench_survey_crowd's crowd on the first synthetic survey (already holding its share of the million answers),
    the survey's rate limit raised rather than lifted, so that the limiter on Redis stays in the path."""
    survey_id, token = sql(database_url, "SELECT id, token FROM travel_survey ORDER BY id LIMIT 1")
    (before,) = sql(database_url, "SELECT count(*) FROM survey_response WHERE survey_id = %s", survey_id)
    crowd_site = Site(
        site.root,
        site.env | {"COACTION_RATELIMIT_ENABLED": "true", "COACTION_SURVEY_RATE_LIMIT": "1000000 per minute"},
    )
    print(f"bench_national: {bench_survey_crowd.THREADS} people answering survey {survey_id} at once", file=sys.stderr)
    with served(crowd_site, "wsgi:app", workers=workers, ready_path="/healthz") as base:
        statuses, latencies, seconds = bench_survey_crowd.crowd(base, token)
    (after,) = sql(database_url, "SELECT count(*) FROM survey_response WHERE survey_id = %s", survey_id)
    latencies.sort()
    sent = bench_survey_crowd.THREADS * bench_survey_crowd.ANSWERS_PER_THREAD
    return Crowd(
        sent=sent,
        accepted=statuses.get(200, 0),
        stored=after - before,
        statuses=", ".join(f"{status}: {count}" for status, count in sorted(statuses.items(), key=str)),
        per_s=sent / seconds,
        p50_ms=statistics.median(latencies) * 1000,
        p95_ms=latencies[int(len(latencies) * 0.95)] * 1000,
    )


def network_refresh_seconds(output: str) -> str:
    """The command's own step timings, summed per scope (public, all)."""
    scopes, scope = {}, None
    for line in output.splitlines():
        if not line.startswith(" "):
            scope = line.split(" ", 1)[0]
            scopes[scope] = 0.0
        elif scope and line.startswith("  ") and not line.startswith("    "):
            scopes[scope] += float(line.split()[-2])
    return ", ".join(f"{scope} {seconds:.1f} s" for scope, seconds in scopes.items())


def print_summary(built: dict[str, int], times: dict[str, str], measured: list[Page], crowd: Crowd) -> None:
    print("### CoAction at national scale")
    print()
    print(
        f"Scale {scale():g}: " + ", ".join(f"{value:,} {key}" for key, value in built.items()) + f" (seed {SEED}). "
        f"PostgreSQL and Redis on 127.0.0.1, COACTION_ENV=production, gunicorn sync workers on 127.0.0.1; wrk "
        f"{CONNECTIONS} connections, {SECONDS} s per URL after a {WARMUP_SECONDS} s warm-up and one first request, "
        f"with {HEADERS[0]!r}; rate limits lifted for the pages. {os.cpu_count()} cores shared by wrk, gunicorn, "
        f"PostgreSQL and Redis: read the ratios to the floor, not the capacity. An answer over "
        f"{SIZED_FLOOR // 1000} kB is also measured beside the bare app sending a body as large (the same-size floor)."
    )
    print()
    for label, value in times.items():
        print(f"- {label}: {value}")
    print()
    print(
        "| URL | workers | sent kB | first request s | req/s | p50 ms | p95 ms | non-2xx | floor req/s | × floor "
        "| ≥ ½ floor | same-size floor req/s | × same-size floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for page in measured:
        result = page.result
        print(
            f"| `{page.path}` | {page.workers} | {page.sent_bytes / 1000:,.0f} | {page.first_s:.2f} | "
            f"{result.requests_per_s:,.0f} | "
            f"{result.p50_ms:.1f} | {result.p95_ms:.1f} | {result.non_2xx + result.socket_errors} | "
            f"{page.floor.requests_per_s:,.0f} | {page.ratio:.2f} | {'yes' if page.ratio >= TARGET else 'NO'} | "
            + (
                f"{page.sized_floor.requests_per_s:,.0f} | "
                f"{result.requests_per_s / page.sized_floor.requests_per_s:.2f} |"
                if page.sized_floor
                else "– | – |"
            )
        )
    print()
    print(
        "| survey crowd (4 workers) | sent | accepted (200, thanked) | stored (new rows) | statuses | answers/s | "
        "p50 ms | p95 ms | none lost |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---|")
    lost = crowd.sent - crowd.stored
    print(
        f"| {bench_survey_crowd.THREADS} threads × {bench_survey_crowd.ANSWERS_PER_THREAD} | {crowd.sent:,} | "
        f"{crowd.accepted:,} | {crowd.stored:,} | {crowd.statuses} | {crowd.per_s:.0f} | {crowd.p50_ms:.0f} | "
        f"{crowd.p95_ms:.0f} | {'yes' if lost == 0 and crowd.accepted == crowd.sent else f'NO ({lost} lost)'} |"
    )


def run() -> None:
    factor = scale()
    wanted = counts(factor)
    load_before = os.getloadavg()
    with (
        tempfile.TemporaryDirectory(prefix="coaction-national-") as tmp,
        postgresql_database(local_only(DATABASE_URL, "BENCH_DATABASE_URL"), "coaction_national") as url,
        redis_prefix() as prefix,
    ):
        root = Path(tmp)
        site = Site(root, production_environment(root, url, prefix))
        print(f"bench_national: migrating {url.rsplit('/', 1)[1]}", file=sys.stderr)
        flask_command(site, "db", "upgrade")
        print(f"bench_national: synth at scale {factor:g}: {wanted}", file=sys.stderr)
        options = [arg for key, value in wanted.items() for arg in (f"--{key}", str(value))]
        made, synth_s = flask_command(site, "coaction", "synth", *options, "--seed", str(SEED))
        print(made.strip().splitlines()[-1])
        print("bench_national: network-refresh", file=sys.stderr)
        refreshed, refresh_s = flask_command(site, "coaction", "network-refresh")
        print(refreshed)
        times = {
            "`flask coaction synth` (wall)": f"{synth_s:.1f} s",
            "`flask coaction network-refresh` (wall)": f"{refresh_s:.1f} s "
            f"(its steps: {network_refresh_seconds(refreshed)})",
        }
        measured = [page for workers in WORKER_COUNTS for page in pages(site, workers)]
        crowd = survey_crowd(site, url, max(WORKER_COUNTS))
        (stored,) = sql(url, "SELECT count(*) FROM survey_response")
    load_after = os.getloadavg()
    times["survey answers in the database after the crowd"] = f"{stored:,}"
    times["load average (1, 5, 15 min)"] = (
        f"{' / '.join(f'{x:.2f}' for x in load_before)} before, {' / '.join(f'{x:.2f}' for x in load_after)} after"
    )
    print()
    print_summary(wanted, times, measured, crowd)


if __name__ == "__main__":
    run()
