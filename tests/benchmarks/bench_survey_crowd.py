"""Many people answering one survey at the same moment, through gunicorn, on SQLite and on PostgreSQL: every
answer must be counted (none lost, no 500). Prints the throughput and the latencies of the answers.

The survey's rate limit is raised for this run (COACTION_SURVEY_RATE_LIMIT="1000000 per minute"; the limiter
stays in the path): every thread here comes from 127.0.0.1, as an office behind one address would."""

from __future__ import annotations

import json
import re
import statistics
import sys
import threading
import time
from collections import Counter

import requests

from tests.benchmarks.harness import postgresql_database, prepared_site, print_table, run_command, served

THREADS = 32
ANSWERS_PER_THREAD = 20
WORKERS = 4
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ANSWER = {"home_municipality": "0", "distance_km": "7", "days_bike": "3", "days_bus": "2"}


def crowd(base: str, token: str) -> tuple[Counter, list[float], float]:
    """THREADS people, each answering ANSWERS_PER_THREAD times (a fresh session each time: form, then answer)."""
    statuses: Counter = Counter()
    latencies: list[float] = []
    lock, start = threading.Lock(), threading.Barrier(THREADS)

    def person() -> None:
        start.wait()  # all at once
        for _ in range(ANSWERS_PER_THREAD):
            with requests.Session() as session:
                form = session.get(f"{base}/survey/{token}?lang=en", timeout=60)
                found = CSRF.search(form.text)
                began = time.perf_counter()
                sent = session.post(
                    f"{base}/survey/{token}", data=ANSWER | {"csrf_token": found.group(1) if found else ""}, timeout=60
                )
                took = time.perf_counter() - began
            outcome = sent.status_code if sent.status_code != 200 or "Thank you" in sent.text else "200 without thanks"
            with lock:
                statuses[outcome] += 1
                latencies.append(took)

    threads = [threading.Thread(target=person) for _ in range(THREADS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, latencies, time.perf_counter() - began


def on(database: str, database_url: str | None) -> tuple:
    print(f"bench_survey_crowd: {database}", file=sys.stderr)
    with prepared_site(database_url=database_url) as site:
        site.env.update(COACTION_RATELIMIT_ENABLED="true", COACTION_SURVEY_RATE_LIMIT="1000000 per minute")
        flask = [sys.executable, "-m", "flask", "--app", "wsgi", "coaction"]
        survey_id = run_command(
            [*flask, "create-survey", "scania-cv-ab", "--title", "Crowd", "--employees", "900"], site.env
        )
        survey_id = survey_id.strip()
        with served(site, "wsgi:app", workers=WORKERS) as base:
            token = run_command([sys.executable, "-c", TOKEN_OF, survey_id], site.env).strip()
            statuses, latencies, seconds = crowd(base, token)
        results = json.loads(run_command([*flask, "survey-results", survey_id, "--json"], site.env))
    sent = THREADS * ANSWERS_PER_THREAD
    latencies.sort()
    return (
        database,
        f"{sent:,}",
        f"{results['responses']:,}",
        ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items(), key=str)),
        f"{sent / seconds:.0f}",
        f"{statistics.median(latencies) * 1000:.0f}",
        f"{latencies[int(len(latencies) * 0.95)] * 1000:.0f}",
    )


# The survey's public token, read the way the app reads it (the command line prints only the id).
TOKEN_OF = (
    "import sys; from coaction import create_app; from coaction.extensions import db; "
    "from coaction.travel.models import TravelSurvey\n"
    "with create_app().app_context(): print(db.session.get(TravelSurvey, int(sys.argv[1])).token)"
)


def run() -> None:
    rows = [on("SQLite", None)]
    with postgresql_database() as url:
        rows.append(on("PostgreSQL", url))
    print()
    print(
        f"Survey crowd: {THREADS} threads × {ANSWERS_PER_THREAD} answers at once, gunicorn {WORKERS} sync workers; "
        "survey rate limit raised to 1,000,000 per minute for this run."
    )
    print_table(
        ("database", "sent", "counted", "statuses", "answers/s", "p50 ms", "p95 ms"),
        rows,
    )


if __name__ == "__main__":
    run()
