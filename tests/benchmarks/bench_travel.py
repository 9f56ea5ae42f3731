"""Travel surveys at the scale of CoAction Lund (25,000 employees) and of ten such networks:

- importing a 25,000-row file with full validation, beside a bare bulk INSERT of the same rows;
- the peak memory (RSS) of `flask coaction import-survey` for 25,000, 100,000 and 250,000 rows: the import streams,
  so it should not grow with the file;
- the results of a survey with 25,000 answers;
- the network office's aggregate (every wave pooled, the commute flows) over 250,000 answers of 5,000 organisations.

The sites are built with `flask coaction synth`; the surveys with `flask coaction create-survey`."""

from __future__ import annotations

import io
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from coaction import create_app
from coaction.extensions import db
from coaction.travel.imports import MAIN_COLUMNS, fingerprint, import_file
from coaction.travel.models import SurveyResponse, TravelSurvey
from coaction.travel.overview import flows_in, waves
from coaction.travel.services import results_of
from tests.benchmarks.bench_invitations import site_process_environment
from tests.benchmarks.harness import print_table, run_command, synth_site

ROWS = 25_000
STREAMED_ROWS = (25_000, 100_000, 250_000)
NETWORK_ORGS, NETWORK_ANSWERS = 5_000, 250_000
REPEATS = 5
SEED = 3
SYNTH_ORGS = 50
TODAY = date(2026, 6, 1)
PLACES = ("Botkyrka", "Haninge", "Huddinge", "Nykvarn", "Nynäshamn", "Salem", "Södertälje", "Tyresö", "other")
# The command's peak resident memory, measured by the process itself as it ends.
PEAK_RSS = (
    "import resource, sys\n"
    "from flask.cli import main\n"
    "sys.argv = ['flask', '--app', 'wsgi', 'coaction', 'import-survey', *sys.argv[1:]]\n"
    "try:\n    main()\n"
    "finally:\n    print('peak-rss-kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


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


def ms(seconds: list[float]) -> tuple[str, str]:
    return f"{min(seconds) * 1000:.0f}", f"{statistics.median(seconds) * 1000:.0f}"


def peak_rss_of_import(site, survey_id: int, path: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of the command importing `path`."""
    import subprocess

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, str(path), "--survey", str(survey_id)],
        env=site.env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    kib = int(done.stderr.rsplit("peak-rss-kib", 1)[1].split()[0])
    return seconds, kib / 1024


def imports_and_results() -> None:
    print(f"bench_travel: preparing a site and a {ROWS:,}-row answers file", file=sys.stderr)
    data = answers_file(ROWS, SEED)
    with synth_site(SYNTH_ORGS, SEED) as (site, _synth_seconds):
        run_command([sys.executable, "-m", "flask", "--app", "wsgi", "coaction", "demo"], site.env)
        make = [sys.executable, "-m", "flask", "--app", "wsgi", "coaction", "create-survey", "scania-cv-ab"]
        survey_ids = [
            int(run_command([*make, "--title", f"Bench {n}", "--employees", str(ROWS)], site.env).strip())
            for n in range(REPEATS + 1 + len(STREAMED_ROWS))
        ]
        with site_process_environment(site):
            app = create_app({"RATELIMIT_ENABLED": False})
            with app.app_context():
                imports, bare = [], []
                for index, survey_id in enumerate(survey_ids[:REPEATS]):
                    survey = db.session.get(TravelSurvey, survey_id)
                    print(f"bench_travel: importing into survey {survey_id}", file=sys.stderr)
                    started = time.perf_counter()
                    import_file(
                        survey,
                        "answers.csv",
                        io.BytesIO(data),
                        digest=fingerprint(data) + str(index),
                        valid_only=False,
                        today=TODAY,
                        actor="bench",
                        ip=None,
                    )
                    db.session.commit()
                    imports.append(time.perf_counter() - started)
                columns = [c for c in SurveyResponse.__table__.columns if c.name not in ("id", "survey_id")]
                rows = [
                    dict(row._mapping) | {"survey_id": survey_ids[REPEATS]}
                    for row in db.session.execute(sa.select(*columns).where(SurveyResponse.survey_id == survey_ids[0]))
                ]
                for _ in range(REPEATS):
                    started = time.perf_counter()
                    db.session.connection().execute(SurveyResponse.__table__.insert(), rows)
                    bare.append(time.perf_counter() - started)
                    db.session.rollback()
                target = db.session.get(TravelSurvey, survey_ids[0])
                results_of(target)
                results = []
                for _ in range(REPEATS):
                    started = time.perf_counter()
                    figures = results_of(target)
                    results.append(time.perf_counter() - started)
                db.session.remove()
        streamed = []
        with tempfile.TemporaryDirectory(prefix="coaction-bench-files-") as tmp:
            for survey_id, size in zip(survey_ids[REPEATS + 1 :], STREAMED_ROWS, strict=True):
                path = Path(tmp) / f"answers-{size}.csv"
                path.write_bytes(answers_file(size, SEED + size))
                print(f"bench_travel: import-survey of {size:,} rows", file=sys.stderr)
                seconds, peak = peak_rss_of_import(site, survey_id, path)
                streamed.append((f"{size:,}", f"{path.stat().st_size / 1e6:.1f}", f"{seconds:.1f}", f"{peak:.0f}"))
                path.unlink()

    print()
    print(f"Travel: a {ROWS:,}-row CSV ({len(data) / 1e6:.1f} MB), every row valid; SQLite; {REPEATS} runs each.")
    print_table(
        ("in process", "min ms", "median ms"),
        [
            ("import: read, check every row, insert (one pass)", *ms(imports)),
            ("bare bulk INSERT of the same rows", *ms(bare)),
            (f"results of a survey with {figures.responses:,} answers", *ms(results)),
        ],
    )
    print()
    print("`flask coaction import-survey FILE` as a new process (the whole command: start-up, hashing, import):")
    print_table(("rows", "MB", "seconds", "peak RSS MiB"), streamed)


def network_aggregate() -> None:
    print(f"bench_travel: synth {NETWORK_ORGS:,} organisations, {NETWORK_ANSWERS:,} answers", file=sys.stderr)
    synthesised = synth_site(NETWORK_ORGS, SEED, "--responses", str(NETWORK_ANSWERS))
    with synthesised as (site, synth_seconds), site_process_environment(site):
        app = create_app({"RATELIMIT_ENABLED": False})
        with app.app_context():
            pooled, flows = [], []
            found = waves()
            year = found[-1].year
            for _ in range(REPEATS):
                started = time.perf_counter()
                found = waves()
                pooled.append(time.perf_counter() - started)
                started = time.perf_counter()
                routes = flows_in(year)
                flows.append(time.perf_counter() - started)
            figures = found[-1].figures
            db.session.remove()
    print()
    print(
        f"The network aggregate: synth {NETWORK_ORGS:,} organisations with {NETWORK_ANSWERS:,} answers in "
        f"{synth_seconds:.0f} s; SQLite; {REPEATS} runs each."
    )
    print_table(
        ("in process", "min ms", "median ms"),
        [
            (f"every wave pooled ({figures.surveys:,} surveys, {figures.responses:,} answers)", *ms(pooled)),
            (
                f"commute flows of {year} ({len(routes):,} flows, {sum(f.corridor for f in routes)} corridors)",
                *ms(flows),
            ),
        ],
    )


def run() -> None:
    imports_and_results()
    network_aggregate()


if __name__ == "__main__":
    run()
