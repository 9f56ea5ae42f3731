"""What every benchmark needs: a throwaway site prepared by the project's own commands, gunicorn serving it on
127.0.0.1, wrk measuring one URL for a bounded time, and a table. Servers and temp dirs are always cleaned up."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRK_REPORT = Path(__file__).with_name("wrk_report.lua")
HOST = "127.0.0.1"
COMMAND_TIMEOUT_S = 300
READY_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10
# Variables the app's config reads (directly or as fallbacks): dropped from the caller's environment so that
# the figures never depend on who runs the benchmark.
AMBIENT = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")


@dataclass(frozen=True)
class Site:
    """A throwaway instance of the app: its temp dir (database, logs) and the environment its commands run in."""

    root: Path
    env: dict[str, str]


@dataclass(frozen=True)
class Measurement:
    """One wrk run against one URL."""

    url: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds


def site_environment(root: Path) -> dict[str, str]:
    """Development settings (no secret needed) on a SQLite file in `root`, with rate limits lifted so that the
    benchmark measures the app rather than its 429s."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("COACTION_") and key not in AMBIENT}
    env.update(
        COACTION_ENV="development",
        COACTION_DATABASE_URL=f"sqlite:///{root / 'coaction.sqlite3'}",
        COACTION_INSTANCE_PATH=str(root),
        COACTION_RATELIMIT_ENABLED="false",
        # gunicorn never reads .env, so the Flask CLI must not either, or the commands and the server could differ.
        FLASK_SKIP_DOTENV="1",
    )
    return env


def run_command(args: Sequence[str], env: dict[str, str] | None = None, timeout: float = COMMAND_TIMEOUT_S) -> str:
    """Runs a command from the checkout and returns its output, which is shown in full only when it fails."""
    try:
        done = subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=timeout)
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"{' '.join(args)} failed:\n{error.stdout}{error.stderr}") from error
    return done.stdout


def flask(site_env: dict[str, str], *args: str) -> None:
    """The project's own commands, exactly as `make run` uses them."""
    run_command([sys.executable, "-m", "flask", "--app", "wsgi", *args], site_env)


BENCH_PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def postgresql_database(admin_url: str = BENCH_PG_URL, prefix: str = "coaction_bench") -> Iterator[str]:
    """A fresh, empty PostgreSQL database beside admin_url's, dropped (connections and all) on the way out."""
    import secrets

    import psycopg

    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def prepared_site(*, synth_orgs: int | None = None, seed: int = 1, database_url: str | None = None) -> Iterator[Site]:
    """A fresh database migrated to head, holding the demo data, or `synth_orgs` synthetic organisations for scale.
    Everything lives in one temp dir, removed on the way out; the database is a SQLite file there unless
    `database_url` names another (an empty one)."""
    with tempfile.TemporaryDirectory(prefix="coaction-bench-") as tmp:
        root = Path(tmp)
        env = site_environment(root)
        if database_url:
            env["COACTION_DATABASE_URL"] = database_url
        flask(env, "db", "upgrade")
        if synth_orgs is None:
            flask(env, "coaction", "demo")
        else:
            flask(env, "coaction", "synth", "--orgs", str(synth_orgs), "--seed", str(seed))
        yield Site(root, env)


@contextmanager
def synth_site(orgs: int, seed: int, *synth_args: str) -> Iterator[tuple[Site, float]]:
    """As `prepared_site(synth_orgs=...)` (with more `flask coaction synth` options, if given), also yielding the wall
    time of the synth command alone (the migration to head is not counted)."""
    with tempfile.TemporaryDirectory(prefix="coaction-bench-") as tmp:
        root = Path(tmp)
        env = site_environment(root)
        flask(env, "db", "upgrade")
        started = time.perf_counter()
        flask(env, "coaction", "synth", "--orgs", str(orgs), "--seed", str(seed), *synth_args)
        yield Site(root, env), time.perf_counter() - started


def free_port() -> int:
    """Free now; should another process take it first, gunicorn exits and `served` says so."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    """Any HTTP response counts: readiness is about the server, not the page."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def wait_until_ready(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    for _ in range(READY_TIMEOUT_S * 10):
        if process.poll() is not None or time.monotonic() > deadline:
            break
        if answers(url):
            return
        time.sleep(0.1)
    if process.poll() is None:
        problem = f"did not answer {url} within {READY_TIMEOUT_S} s"
    else:
        problem = f"exited with status {process.returncode} before answering {url}"
    raise RuntimeError(f"gunicorn {problem}; the end of its log:\n{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM lets gunicorn stop its workers gracefully; whatever is left of its process group is then killed."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def served(
    site: Site, app: str, *, workers: int = 2, worker_class: str = "sync", ready_path: str = "/"
) -> Iterator[str]:
    """gunicorn serving `app` (e.g. "wsgi:app") on a free port of 127.0.0.1, in the site's environment, until the
    block ends however it ends. Yields the base URL, once the server answers `ready_path`."""
    port = free_port()
    log = site.root / f"gunicorn-{app.replace(':', '-')}-{port}.log"
    args = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--no-control-socket"]
    args += ["--workers", str(workers), "--worker-class", worker_class, "--graceful-timeout", "5"]
    # gunicorn reads ./gunicorn.conf.py (production's settings): its access log goes to a file here, not to stdout.
    args += ["--error-logfile", str(log), "--access-logfile", str(log.with_suffix(".access.log")), app]
    # Own session (process group): the workers can be stopped with the master, and Ctrl-C reaches only this script.
    process = subprocess.Popen(args, cwd=ROOT, env=site.env, start_new_session=True)
    try:
        base = f"http://{HOST}:{port}"
        wait_until_ready(process, base + ready_path, log)
        yield base
    finally:
        stop(process)


def wrk(url: str, seconds: int, connections: int, headers: Sequence[str] = ()) -> str:
    args = ["wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{seconds}s"]
    for header in headers:
        args += ["--header", header]
    args += ["--timeout", "10s", "--script", str(WRK_REPORT), url]
    return run_command(args, timeout=seconds + 30)


def measure(
    url: str, *, seconds: int = 10, connections: int = 4, warmup_seconds: int = 2, headers: Sequence[str] = ()
) -> Measurement:
    """Requests/s, p50/p95 latency and errors for `url` under `connections` concurrent connections for `seconds`,
    after a discarded warm-up that has every worker load its templates and open its database connection.
    `headers` (as "Name: value") go with every request, e.g. a session cookie."""
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError(f"benchmarks send traffic to {HOST} only, not to {url}")
    wrk(url, warmup_seconds, connections, headers)
    output = wrk(url, seconds, connections, headers)
    report = next((line.split()[1:] for line in output.splitlines() if line.startswith("coaction-bench ")), None)
    if report is None:
        raise RuntimeError(f"wrk printed no report for {url}:\n{output}")
    figures = {key: int(value) for key, value in (pair.split("=") for pair in report)}
    return Measurement(
        url=url,
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        non_2xx=figures["non_2xx"],
        socket_errors=figures["socket_errors"],
    )


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Labels (the first column) left-aligned, figures right-aligned, so that columns of numbers compare at a glance."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        label, *figures = cells
        padded = (figure.rjust(width) for figure, width in zip(figures, widths[1:], strict=True))
        return "  ".join([label.ljust(widths[0]), *padded])

    print(line(headers))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print(line(row))


def print_http_results(results: Sequence[tuple[str, Measurement]], floor: Measurement) -> None:
    """The wrk caveat and the table every HTTP benchmark prints, each target beside the hello floor."""
    print(
        f"wrk runs on the same {os.cpu_count()} cores as the server and competes with it for CPU: "
        "read the figures as ratios to the floor, not as capacity."
    )
    print()
    headers = ("target", "req/s", "p50 ms", "p95 ms", "non-2xx", "socket errors", "x floor")
    rows = [
        (
            label,
            f"{result.requests_per_s:.0f}",
            f"{result.p50_ms:.2f}",
            f"{result.p95_ms:.2f}",
            str(result.non_2xx),
            str(result.socket_errors),
            f"{result.requests_per_s / floor.requests_per_s:.2f}",
        )
        for label, result in results
    ]
    print_table(headers, rows)
