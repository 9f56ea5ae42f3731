"""Travel surveys at the scale of CoAction Lund (25,000 employees): importing a 25,000-row file with full validation
(beside a bare bulk INSERT of the same rows, and the peak memory), and the results of a survey with 25,000 answers.
The site is built with `flask coaction synth`; the survey with `flask coaction create-survey`."""

from __future__ import annotations

import random
import statistics
import sys
import time
import tracemalloc
from datetime import date

import sqlalchemy as sa

from coaction import create_app
from coaction.extensions import db
from coaction.travel.imports import MAIN_COLUMNS, check_file, fingerprint, import_checked
from coaction.travel.models import SurveyResponse, TravelSurvey
from coaction.travel.services import results_of
from tests.benchmarks.bench_invitations import site_process_environment
from tests.benchmarks.harness import print_table, run_command, synth_site

ROWS = 25_000
REPEATS = 5
SEED = 3
SYNTH_ORGS = 50
TODAY = date(2026, 6, 1)
PLACES = ("Botkyrka", "Haninge", "Huddinge", "Nykvarn", "Nynäshamn", "Salem", "Södertälje", "Tyresö", "other")


def answers_file(rows: int, seed: int) -> bytes:
    """A valid file: every row passes the checks, so that all of it is imported."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    lines = [",".join(MAIN_COLUMNS)]
    for _ in range(rows):
        days = [0] * 8
        for _ in range(rng.randrange(1, 6)):
            days[rng.randrange(8)] += 1
        business = [rng.choice((0, 0, 200, 1500)), rng.choice((0, 800)), rng.choice((0, 0, 2400)), 0]
        lines.append(",".join(map(str, [rng.choice(PLACES), rng.randrange(1, 80), *days, 0, *business])))
    return ("\n".join(lines) + "\n").encode()


def run() -> None:
    print(f"bench_travel: preparing a site and a {ROWS:,}-row answers file", file=sys.stderr)
    data = answers_file(ROWS, SEED)
    with synth_site(SYNTH_ORGS, SEED) as (site, _synth_seconds):
        run_command([sys.executable, "-m", "flask", "--app", "wsgi", "coaction", "demo"], site.env)
        make = [sys.executable, "-m", "flask", "--app", "wsgi", "coaction", "create-survey", "scania-cv-ab"]
        survey_ids = [
            int(run_command([*make, "--title", f"Bench {n}", "--employees", str(ROWS)], site.env).strip())
            for n in range(REPEATS + 2)
        ]
        with site_process_environment(site):
            app = create_app({"RATELIMIT_ENABLED": False})
            with app.app_context():
                rows = []
                checks, inserts, bare = [], [], []
                for index, survey_id in enumerate(survey_ids[:REPEATS]):
                    survey = db.session.get(TravelSurvey, survey_id)
                    print(f"bench_travel: importing into survey {survey_id}", file=sys.stderr)
                    started = time.perf_counter()
                    checked = check_file(survey, "answers.csv", data, TODAY)
                    checked_at = time.perf_counter()
                    import_checked(
                        survey,
                        checked,
                        digest=fingerprint(data) + str(index),
                        filename="answers.csv",
                        valid_only=False,
                        actor="bench",
                        ip=None,
                    )
                    db.session.commit()
                    checks.append(checked_at - started)
                    inserts.append(time.perf_counter() - checked_at)
                    rows = [row | {"survey_id": survey_ids[REPEATS]} for row in checked.rows]
                    started = time.perf_counter()
                    db.session.connection().execute(SurveyResponse.__table__.insert(), rows)
                    db.session.rollback()
                    bare.append(time.perf_counter() - started)
                survey = db.session.get(TravelSurvey, survey_ids[REPEATS + 1])
                tracemalloc.start()
                checked = check_file(survey, "answers.csv", data, TODAY)
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                db.session.rollback()
                results = []
                target = db.session.get(TravelSurvey, survey_ids[0])
                results_of(target)
                for _ in range(REPEATS):
                    started = time.perf_counter()
                    figures = results_of(target)
                    results.append(time.perf_counter() - started)
                answered = db.session.scalar(
                    sa.select(sa.func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == target.id)
                )
                db.session.remove()

    def cells(seconds: list[float]) -> tuple[str, str]:
        return f"{min(seconds) * 1000:.0f}", f"{statistics.median(seconds) * 1000:.0f}"

    print()
    print(f"Travel: a {ROWS:,}-row CSV ({len(data) / 1e6:.1f} MB), every row valid; SQLite; {REPEATS} runs each.")
    print_table(
        ("in process", "min ms", "median ms"),
        [
            ("check every row (read, parse, validate)", *cells(checks)),
            ("insert the checked rows (Core executemany)", *cells(inserts)),
            ("import in all (check + insert)", *cells([c + i for c, i in zip(checks, inserts, strict=True)])),
            ("bare bulk INSERT of the same rows", *cells(bare)),
            (f"results of a survey with {answered:,} answers", *cells(results)),
        ],
    )
    print(f"Peak Python memory while checking the file: {peak / 2**20:.1f} MiB (tracemalloc).")
    print(f"The results: {figures.responses:,} answers, car share of trips {figures.modal_split_trips['car']:.3f}.")


if __name__ == "__main__":
    run()
