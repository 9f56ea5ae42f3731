"""Commitments at scale: 25,000 commitments with about 75,000 progress reports across some 5,000 member
organisations (synthetic). In process: the status of all 25,000 computed (one query, then the pure functions), the
coordinator's roll-up and the whole CSV. Over HTTP, beside the bare Flask floor served the same way: /commitments
(first page, a page filtered on a computed status, the status sort), the coordinator's roll-up page and the CSV."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from urllib.parse import quote

import sqlalchemy as sa

from coaction import create_app
from coaction.auth.models import Role
from coaction.auth.services import create_user
from coaction.commitments.labels import csv_labels
from coaction.commitments.listing import Filters, csv_rows, overview, selected
from coaction.commitments.models import Commitment, ProgressReport
from coaction.commitments.progress import Status
from coaction.extensions import db
from coaction.members.models import PUBLIC_STATUSES, Organisation
from tests.benchmarks.bench_invitations import site_process_environment
from tests.benchmarks.harness import Measurement, measure, print_http_results, print_table, served, synth_site

SYNTH_ORGS = 8_000  # about 63% are members or paused: some 5,000 organisations with commitments
SEED = 1
COMMITMENTS = 25_000
REPORTS = 75_000
REPEATS = 5
WORKERS = 2
CONNECTIONS = 4
SECONDS = 10
WARMUP_SECONDS = 2
HELLO_APP = "tests.benchmarks.hello_app:app"
OFFICE_EMAIL = "bench-office@coaction.example"
LABELS_LOCALE = "sv"


def timed(label: str, action: Callable[[], object]) -> tuple[str, float, float, object]:
    """One discarded warm-up, then REPEATS runs: (label, min s, median s, the last result)."""
    print(f"bench_commitments: measuring {label}", file=sys.stderr)
    result = action()
    seconds = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - started)
    return label, min(seconds), statistics.median(seconds), result


def in_process(site) -> tuple[dict, list, str]:
    """The scale as built, the in-process timings, and a session cookie of the network office for the HTTP part."""
    with site_process_environment(site):
        app = create_app({"RATELIMIT_ENABLED": False})
        with app.app_context(), app.test_request_context():
            office = create_user(OFFICE_EMAIL, name="Bench Office", password=None, role=Role.COORDINATOR)
            db.session.commit()
            scale = {
                "commitments": db.session.scalar(sa.select(sa.func.count()).select_from(Commitment)),
                "reports": db.session.scalar(sa.select(sa.func.count()).select_from(ProgressReport)),
                "organisations": db.session.scalar(
                    sa.select(sa.func.count(sa.distinct(Commitment.organisation_id))).join(Organisation)
                ),
                "members": db.session.scalar(
                    sa.select(sa.func.count()).select_from(Organisation).where(Organisation.status.in_(PUBLIC_STATUSES))
                ),
            }
            results = [
                timed("status of all commitments (one query + pure functions)", lambda: selected(office, Filters())),
                timed("coordinator roll-up (per goal, category, municipality)", lambda: overview(office)),
                timed(
                    "CSV rows of every public commitment",
                    lambda: list(csv_rows(None, Filters(), csv_labels(LABELS_LOCALE))),
                ),
            ]
            statuses = dict.fromkeys(Status, 0)
            for _row, state in results[0][3]:
                statuses[state.status] += 1
            scale["statuses"] = statuses
            serializer = app.session_interface.get_signing_serializer(app)
            cookie = serializer.dumps({"_user_id": office.get_id(), "_fresh": True})
            db.session.remove()
    return scale, results, f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={cookie}"


def load(url: str, headers=()) -> Measurement:
    print(f"bench_commitments: measuring {url}", file=sys.stderr)
    return measure(url, seconds=SECONDS, connections=CONNECTIONS, warmup_seconds=WARMUP_SECONDS, headers=headers)


def run() -> None:
    print(
        f"bench_commitments: preparing {COMMITMENTS:,} commitments and about {REPORTS:,} reports on SQLite",
        file=sys.stderr,
    )
    load_before = os.getloadavg()[0]
    synth_args = ("--commitments", str(COMMITMENTS), "--reports", str(REPORTS))
    with synth_site(SYNTH_ORGS, SEED, *synth_args) as (site, synth_seconds):
        scale, timings, cookie = in_process(site)
        public_paths = (
            "/commitments",
            f"/commitments?category=biogas&status={quote('behind')}",
            "/commitments?sort=status&page=40",
            "/commitments.csv",
        )
        with served(site, HELLO_APP, workers=WORKERS) as base:
            floor = load(f"{base}/")
        results = [("hello / (floor)", floor)]
        with served(site, "wsgi:app", workers=WORKERS, ready_path="/healthz") as base:
            results += [(f"app {path}", load(base + path)) for path in public_paths]
            office = load(f"{base}/coordinator/commitments", headers=[f"Cookie: {cookie}"])
            results.append(("app /coordinator/commitments (signed in)", office))
    load_after = os.getloadavg()[0]

    print()
    print(
        f"Commitments: `flask coaction synth --orgs {SYNTH_ORGS} --seed {SEED} --commitments {COMMITMENTS} "
        f"--reports {REPORTS}` took {synth_seconds:.1f} s wall time, CLI start-up included, after `flask db upgrade`."
    )
    print(
        f"The database holds {scale['commitments']:,} commitments and {scale['reports']:,} progress reports of "
        f"{scale['organisations']:,} organisations ({scale['members']:,} members or paused in all)."
    )
    print("Statuses: " + ", ".join(f"{status.value} {count:,}" for status, count in scale["statuses"].items()) + ".")
    print(f"In process, on SQLite: one discarded warm-up, then {REPEATS} runs each.")
    print_table(
        ("in process", "min ms", "median ms"),
        [(label, f"{low * 1000:.0f}", f"{median * 1000:.0f}") for label, low, median, _ in timings],
    )
    print()
    print(
        f"HTTP: gunicorn, {WORKERS} sync workers, on 127.0.0.1; wrk, {CONNECTIONS} connections, {SECONDS} s per URL "
        f"after a {WARMUP_SECONDS} s warm-up. Rate limits lifted (COACTION_RATELIMIT_ENABLED=false)."
    )
    print(f"Load average (1 min) on those cores: {load_before:.2f} before the run, {load_after:.2f} after it.")
    print_http_results(results, floor)


if __name__ == "__main__":
    run()
