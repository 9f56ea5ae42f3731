"""Bulk invitations at scale: the check that runs on an uploaded file of 5,000 rows before anything is sent, as
CSV and as XLSX. In-process: the wall time of reading and checking the file (`read_invitations` and
`check_invitations`), the peak memory of one check (tracemalloc), and the time to check and store the batch
(`create_batch`, as the upload does); then one upload of the CSV end to end through the test client as a signed-in
coordinator (POST /coordinator/invitations/bulk). The file is built in memory: valid organisation numbers,
municipalities of Stockholm County, every sector, rows naming organisations already in the records, and about 5%
each of invalid addresses, wrong check digits and repeated rows."""

from __future__ import annotations

import csv
import io
import os
import random
import re
import sqlite3
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from openpyxl import Workbook

from coaction import create_app
from coaction.auth.models import Role, User
from coaction.auth.services import create_user
from coaction.extensions import db
from coaction.invitations import bulk
from coaction.members.models import Sector
from coaction.members.orgnr import OrgNumber
from coaction.regions.data import STOCKHOLM_COUNTY
from tests.benchmarks.harness import Site, flask, prepared_site, print_table

T = TypeVar("T")

ROWS = 5_000
BAD_EACH = 250  # 5% each: invalid address, wrong check digit, a repeated row
KNOWN_ROWS = 500  # rows naming synthetic organisations by their number: members, prospects, invited...
SYNTH_ORGS = 5_000
SEED = 2
FILE_SEED = 7
REPEATS = 3
HEADER = ("name", "org_number", "email", "sector", "municipality", "employees", "language")
CSV_NAME = "inbjudningar.csv"
XLSX_NAME = "inbjudningar.xlsx"
COORDINATOR_EMAIL = "bench-coordinator@coaction.example"
APP_CONFIG = {"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}

# Names unlike the synthetic ones (and numbered), so that the only repeated names are the repeated rows.
_PLACES = ("Östra", "Västra", "Norra", "Södra", "Nya", "Gamla", "Stora", "Lilla", "Mellersta", "Inre", "Yttre")
_TRADES = ("Verkstäder", "Konsult", "Energi", "Bygg", "Fastigheter", "Data", "Transport", "Miljö", "Logistik", "Vård")
_FORMS = ("AB", "AB", "AB", "Ekonomisk förening", "Stiftelsen", "Kommanditbolag")
_MAILBOXES = ("info", "kontakt", "hallbarhet", "ekonomi", "vd", "miljo")
_LANGUAGES = ("sv", "sv", "sv", "en", "", "svenska", "English")
_ASCII = str.maketrans("åäöéÅÄÖÉ", "aaoeaaoe")
# Every way the check must refuse an address: no @, two @, a space, no dot in the domain.
_BAD_ADDRESSES = ("{box}.{domain}", "{box}@@{domain}", "{box} {box}@{domain}", "{box}@{host}")
# What a row naming a known organisation gets, by the organisation's membership status.
_BY_STATUS = {
    "member": "already_member",
    "paused": "already_member",
    "prospect": "update",
    "invited": "already_invited",
    "applied": "already_invited",
}


@dataclass(frozen=True)
class InvitationFile:
    """The same rows as CSV and as XLSX, and the verdict each row should get, from how it was made."""

    rows: list[tuple[str, ...]]
    expected: Counter
    csv: bytes
    xlsx: bytes


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: list[float]
    peak_bytes: int | None = None

    @property
    def min_ms(self) -> float:
        return min(self.seconds) * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000


# ---- the file --------------------------------------------------------------------------------------------------


def database_path(site: Site) -> Path:
    url = site.env["COACTION_DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        raise RuntimeError(f"bench_invitations reads a SQLite database, not {url}")
    return Path(url.removeprefix("sqlite:///"))


def known_organisations(site: Site) -> list[tuple[str, str, str]]:
    """(name, organisation number, status) of the seed's synthetic organisations, read-only from the SQLite file,
    so that the file and its expected verdicts do not depend on the code being measured."""
    with closing(sqlite3.connect(f"file:{database_path(site)}?mode=ro", uri=True)) as connection:
        rows = connection.execute(
            "SELECT name, org_number, status FROM organisation WHERE slug LIKE ? ORDER BY id", (f"synth-{SEED}-%",)
        ).fetchall()
    if len(rows) < KNOWN_ROWS:
        raise RuntimeError(f"synth made {len(rows)} organisations, fewer than the {KNOWN_ROWS} the file names")
    return [(str(name), str(number), str(status).lower()) for name, number, status in rows]


def build_rows(known: Sequence[tuple[str, str, str]]) -> tuple[list[tuple[str, ...]], Counter]:
    """ROWS rows in a shuffled order, and the verdict each kind of row should get."""
    # Reproducible test data, not secrets: a seeded pseudo-random generator is what we want.
    rng = random.Random(FILE_SEED)
    kinds = ["invalid_email"] * BAD_EACH + ["invalid_org_number"] * BAD_EACH + ["duplicate"] * BAD_EACH
    kinds += ["known"] * KNOWN_ROWS
    kinds += ["new"] * (ROWS - len(kinds))
    rng.shuffle(kinds)
    first_new = kinds.index("new")
    kinds[0], kinds[first_new] = kinds[first_new], kinds[0]  # a repeated row always has an earlier one to repeat
    named = iter(rng.sample(list(known), KNOWN_ROWS))
    sectors = [sector.value for sector in Sector]
    rows: list[tuple[str, ...]] = []
    clean: list[tuple[str, ...]] = []
    expected: Counter = Counter()

    def municipality() -> str:
        code, name, _latitude, _longitude = rng.choice(STOCKHOLM_COUNTY)
        return rng.choices((name, f"{name} kommun", code), (7, 2, 1))[0]

    def employees() -> str:
        count = int(rng.paretovariate(1.2) * 8)
        return f"{count:,}".replace(",", " ") if count >= 1000 and rng.random() < 0.5 else str(count)

    for index, kind in enumerate(kinds):
        if kind == "duplicate":
            rows.append(rng.choice(clean))
            expected["duplicate"] += 1
            continue
        host = f"{rng.choice(_PLACES)}{rng.choice(_TRADES)}{index + 1}".lower().translate(_ASCII)
        box, domain = rng.choice(_MAILBOXES), f"{host}.se"
        email = f"{box}@{domain}"
        if kind == "known":
            name, number, status = next(named)
            expected[_BY_STATUS.get(status, "known")] += 1
        else:
            name = f"{rng.choice(_PLACES)} {rng.choice(_TRADES)} {index + 1} {rng.choice(_FORMS)}"
            number = str(OrgNumber.from_nine(f"5567{index:05d}"))
            expected[kind] += 1
        if kind == "invalid_email":
            email = rng.choice(_BAD_ADDRESSES).format(box=box, domain=domain, host=host)
        elif kind == "invalid_org_number":
            number = number[:-1] + str((int(number[-1]) + 1) % 10)
        sector = rng.choice(sectors)
        sector = sector.replace("_", " ") if rng.random() < 0.2 else sector
        row = (name, number, email, sector, municipality(), employees(), rng.choice(_LANGUAGES))
        rows.append(row)
        if kind == "new":
            clean.append(row)
    return rows, expected


def as_csv(rows: Sequence[Sequence[str]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def as_xlsx(rows: Sequence[Sequence[str]]) -> bytes:
    """As a spreadsheet program saves it: the numbers of employees as numbers, everything else as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        *cells, count, language = row
        sheet.append([*cells, int(count) if count.isdigit() else count, language])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def invitation_file(site: Site) -> InvitationFile:
    rows, expected = build_rows(known_organisations(site))
    return InvitationFile(rows, expected, as_csv(rows), as_xlsx(rows))


# ---- measuring -------------------------------------------------------------------------------------------------


@contextmanager
def site_process_environment(site: Site) -> Iterator[None]:
    """This process's environment as the site's commands get it, so that `create_app` reads the prepared database
    and no setting of the caller's; restored on the way out."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(site.env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def repeat(label: str, action: Callable[[], object], *, repeats: int = REPEATS) -> Timing:
    """One discarded warm-up run (imports, translations, the first queries), then `repeats` timed runs, each
    ending its transaction."""
    print(f"bench_invitations: measuring {label}", file=sys.stderr)
    action()
    db.session.rollback()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
        db.session.rollback()
    return Timing(label, seconds)


def peak_memory(action: Callable[[], T]) -> tuple[int, T]:
    """The peak of memory allocated by Python during one run, above what was allocated before it."""
    tracemalloc.start()
    try:
        result = action()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    db.session.rollback()
    return peak, result


def measured(label: str, action: Callable[[], T]) -> tuple[Timing, T]:
    timing = repeat(label, action)
    peak, result = peak_memory(action)
    return Timing(timing.label, timing.seconds, peak), result


def reader(filename: str, data: bytes) -> Callable[[], object]:
    return lambda: bulk.read_invitations(filename, data)


def read_and_check(filename: str, data: bytes) -> Callable[[], list[bulk.CheckedInvitation]]:
    return lambda: bulk.check_invitations(bulk.read_invitations(filename, data))


def coordinator() -> User:
    user = create_user(COORDINATOR_EMAIL, name="Bench Coordinator", password=None, role=Role.COORDINATOR)
    db.session.commit()
    return user


def upload(app, user: User, data: bytes) -> tuple[float, Mapping[str, int]]:
    """One POST of the file as the signed-in coordinator (signed in as tests/conftest.py `sign_in` does):
    its wall time, and the verdicts of the batch it stored."""
    print("bench_invitations: measuring POST /coordinator/invitations/bulk", file=sys.stderr)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    form = {"file": (io.BytesIO(data), CSV_NAME), "message": "Välkommen till nätverket!"}
    started = time.perf_counter()
    response = client.post("/coordinator/invitations/bulk", data=form, content_type="multipart/form-data")
    seconds = time.perf_counter() - started
    found = re.search(r"/coordinator/invitations/bulk/(\d+)$", response.location or "")
    if response.status_code != 302 or found is None:
        body = response.get_data(as_text=True)[:2000]
        raise RuntimeError(f"the upload answered {response.status_code} {response.location!r}, not a batch:\n{body}")
    db.session.rollback()
    batch = bulk.batch_of(int(found.group(1)))
    if batch is None:
        raise RuntimeError(f"the upload redirected to batch {found.group(1)}, which is not stored")
    return seconds, {verdict.value: count for verdict, count in bulk.verdict_counts(batch).items()}


def counts(rows: Sequence[bulk.CheckedInvitation]) -> Counter:
    return Counter(row.verdict.value for row in rows)


def run() -> None:
    print(
        f"bench_invitations: preparing a fresh SQLite database with {SYNTH_ORGS:,} synthetic organisations "
        f"(seed {SEED}) and the demo data",
        file=sys.stderr,
    )
    load_before = os.getloadavg()
    with prepared_site(synth_orgs=SYNTH_ORGS, seed=SEED) as site:
        flask(site.env, "coaction", "demo")
        file = invitation_file(site)
        with site_process_environment(site):
            app = create_app(APP_CONFIG)
        with app.app_context():
            try:
                timings, checked = [], {}
                for label, name, data in (("CSV", CSV_NAME, file.csv), ("XLSX", XLSX_NAME, file.xlsx)):
                    timings.append(repeat(f"{label} read", reader(name, data)))
                    timing, checked[label] = measured(f"{label} read + check", read_and_check(name, data))
                    timings.append(timing)
                user = coordinator()
                table = bulk.read_invitations(CSV_NAME, file.csv)

                def store() -> bulk.InvitationBatch:
                    batch = bulk.create_batch(table, filename=CSV_NAME, message=None, actor=user, ip="127.0.0.1")
                    db.session.commit()
                    return batch

                store_timing, _batch = measured("CSV check + store (create_batch + commit)", store)
                timings.append(store_timing)
                post_seconds, http_counts = upload(app, user, file.csv)
            finally:
                db.session.remove()
                db.engine.dispose()
    load_after = os.getloadavg()

    print()
    print(
        f"Bulk invitations: a file of {len(file.rows):,} rows (name, org_number, email, sector, municipality, "
        f"employees, language), {len(file.csv) / 1024:.0f} KiB as CSV and {len(file.xlsx) / 1024:.0f} KiB as XLSX, "
        f"built in memory: {BAD_EACH} rows each with an invalid address, a wrong check digit and a repeat of an "
        f"earlier row, and {KNOWN_ROWS} naming organisations already in the records by their number."
    )
    print(
        f"Database: fresh SQLite, `flask coaction synth --orgs {SYNTH_ORGS} --seed {SEED}` then `flask coaction "
        "demo`. In-process: an app from create_app on that database, inside its app context."
    )
    print(
        f"Times: wall time, min and median of {REPEATS} runs after one discarded warm-up run; each run ends its "
        "transaction. read = read_invitations; check = check_invitations (the lookups and every row's verdict); "
        "store = create_batch, which checks the table again, then the commit (the CSV is read beforehand)."
    )
    print(
        "Peak MiB: tracemalloc's peak of memory allocated by Python during one more run (its own, slower run, "
        "not timed), the file's bytes already in memory not counted."
    )
    print(
        "POST: one upload of the CSV through Flask's test client as a signed-in coordinator (no network), after "
        "the runs above; it reads, checks and stores the batch, then redirects to it. For this benchmark the app "
        "runs with WTF_CSRF_ENABLED=False and RATELIMIT_ENABLED=False."
    )
    print(
        f"Load average (1, 5, 15 min) on the {os.cpu_count()} cores: "
        f"{', '.join(f'{value:.2f}' for value in load_before)} before the run, "
        f"{', '.join(f'{value:.2f}' for value in load_after)} after it."
    )
    print()
    rows = [
        (
            timing.label,
            str(len(timing.seconds)),
            f"{timing.min_ms:.0f}",
            f"{timing.median_ms:.0f}",
            "-" if timing.peak_bytes is None else f"{timing.peak_bytes / 2**20:.1f}",
        )
        for timing in timings
    ]
    post_ms = f"{post_seconds * 1000:.0f}"
    rows.append(("POST /coordinator/invitations/bulk (CSV)", "1", post_ms, post_ms, "-"))
    print_table(("step", "runs", "min ms", "median ms", "peak MiB"), rows)
    print()
    csv_counts, xlsx_counts = counts(checked["CSV"]), counts(checked["XLSX"])
    verdicts = [verdict.value for verdict in bulk.BulkVerdict]
    shown = [v for v in verdicts if file.expected[v] or csv_counts[v] or xlsx_counts[v] or http_counts.get(v)]
    verdict_rows = [
        (v, str(file.expected[v]), str(csv_counts[v]), str(xlsx_counts[v]), str(http_counts.get(v, 0))) for v in shown
    ]
    totals = (file.expected, csv_counts, xlsx_counts, Counter(http_counts))
    verdict_rows.append(("total", *(str(sum(total.values())) for total in totals)))
    print_table(("verdict", "as built", "CSV check", "XLSX check", "POST batch"), verdict_rows)


if __name__ == "__main__":
    run()
