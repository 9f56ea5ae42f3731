"""Importing answers from a survey run elsewhere: CSV or XLSX, checked row by row with the form's own rules.

A file with any bad row is refused whole unless "import the valid rows" is chosen; the same file (by SHA-256) is
refused once it has been imported into the survey. Rows go in with bulk INSERTs, a batch at a time."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

import sqlalchemy as sa

from coaction.audit.services import record
from coaction.core.tables import stream_table
from coaction.core.text import parse_number
from coaction.core.types import utcnow
from coaction.extensions import cache, db
from coaction.jobs import enqueue_after_commit, job
from coaction.regions.models import Municipality
from coaction.travel.models import SurveyImport, SurveyResponse, TravelSurvey
from coaction.travel.results import BUSINESS_MODES, MODES
from coaction.travel.services import ResponseInput, response_problems, response_row

BATCH = 2_000
MAX_PROBLEMS_KEPT = 1_000
OTHER = ("other", "annan", "övrig", "annan kommun")
SWEDISH_MODES = {
    "walk": "gång",
    "bike": "cykel",
    "ebike": "elcykel",
    "bus": "buss",
    "rail": "tåg",
    "car": "bil",
    "carpool": "samåkning",
    "moped": "moped",
}
SWEDISH_BUSINESS = {"car": "bil", "rail": "tåg", "bus": "buss", "air": "flyg"}
MAIN_COLUMNS = (
    "home_municipality",
    "distance_km",
    *(f"days_{mode}" for mode in MODES),
    "days_remote",
    *(f"business_km_{mode}" for mode in BUSINESS_MODES),
)
OPTIONAL_COLUMNS = ("site", "barriers", "willing")
COLUMNS = (
    {name: name for name in (*MAIN_COLUMNS, *OPTIONAL_COLUMNS)}
    | {"hemkommun": "home_municipality", "avstånd_km": "distance_km", "avstand_km": "distance_km"}
    | {f"dagar_{swedish}": f"days_{mode}" for mode, swedish in SWEDISH_MODES.items()}
    | {"dagar_distans": "days_remote"}
    | {f"tjänsteresor_km_{swedish}": f"business_km_{mode}" for mode, swedish in SWEDISH_BUSINESS.items()}
    | {"arbetsplats": "site", "hinder": "barriers", "vilja": "willing"}
)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    code: str


@dataclass
class Outcome:
    """What one pass over a file found: counts of every row, the first MAX_PROBLEMS_KEPT problems (memory stays
    the same however many rows are bad)."""

    total: int = 0
    imported: int = 0
    bad_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    def add_problems(self, row: int, problems: list[tuple[str, str]]) -> None:
        self.bad_rows += 1
        self.problem_count += len(problems)
        room = MAX_PROBLEMS_KEPT - len(self.problems)
        self.problems += [Problem(row, column, code) for column, code in problems[: max(room, 0)]]


class ImportRefused(ValueError):
    def __init__(self, message: str, code: str, outcome: Outcome | None = None):
        super().__init__(message)
        self.code = code
        self.outcome = outcome or Outcome()


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def already_imported(survey: TravelSurvey, digest: str) -> bool:
    return (
        db.session.scalar(
            sa.select(SurveyImport.id).where(
                SurveyImport.survey_id == survey.id, SurveyImport.fingerprint == digest, SurveyImport.status == "done"
            )
        )
        is not None
    )


def _days(text: str) -> int | None:
    text = text.strip()
    if not text:
        return 0
    return int(text) if text.isdigit() and len(text) <= 2 else None


def _km(text: str) -> float | None:
    return 0.0 if not text.strip() else parse_number(text)


def _codes(text: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in text.replace(",", ";").split(";") if code.strip())


def check_row(cells: dict[str, str], survey: TravelSurvey, municipalities: dict[str, int], today: date):
    """(a row to insert, or None; the row's problems as (column, code))."""
    problems: list[tuple[str, str]] = []
    place = cells.get("home_municipality", "").strip()
    municipality_id = municipalities.get(place.casefold())
    if municipality_id is None and place.casefold() not in OTHER:
        problems.append(("home_municipality", "municipality"))
    distance = parse_number(cells.get("distance_km", ""))
    if distance is None:
        problems.append(("distance_km", "not_a_number"))
    days = {mode: _days(cells.get(f"days_{mode}", "")) for mode in (*MODES, "remote")}
    problems += [(f"days_{mode}", "days") for mode, value in days.items() if value is None]
    business = {mode: _km(cells.get(f"business_km_{mode}", "")) for mode in BUSINESS_MODES}
    problems += [(f"business_km_{mode}", "not_a_number") for mode, value in business.items() if value is None]
    if problems:
        return None, problems
    remote = days.pop("remote")
    answer = ResponseInput(
        home_municipality_id=municipality_id,
        distance_km=distance,
        days=days,
        remote_days=remote,
        business_km=business,
        barriers=_codes(cells.get("barriers", "")),
        willing=_codes(cells.get("willing", "")),
        site=cells.get("site", "").strip() or None,
    )
    found = response_problems(answer, survey)
    if found:
        return None, sorted(found.items())
    return response_row(survey, answer, today), []


def import_file(
    survey: TravelSurvey,
    filename: str,
    source: BinaryIO,
    *,
    digest: str,
    valid_only: bool,
    today: date,
    actor,
    ip: str | None,
    progress: Callable[[int], None] = lambda n: None,
    into: SurveyImport | None = None,
) -> SurveyImport:
    """One pass over the file: each row checked with the form's rules and, while every row so far is good (or
    `valid_only` lets bad ones be left out), inserted a batch at a time, so memory stays the same at any size.
    After a bad row (without `valid_only`) nothing more is inserted but every row is still checked, so that all
    the problems are told; then ImportRefused is raised and the caller rolls back: nothing is written. Raises
    TableError when the file is not a readable table with the columns. `progress` hears of every checked batch."""
    if already_imported(survey, digest):
        raise ImportRefused("this file has been imported into the survey already", "duplicate")
    table = stream_table(filename, source, COLUMNS, required=MAIN_COLUMNS)
    municipalities = {m.name.casefold(): m.id for m in db.session.scalars(sa.select(Municipality))}
    outcome, batch = Outcome(), []
    insert = SurveyResponse.__table__.insert()

    def write() -> None:
        db.session.connection().execute(insert, batch)  # Core executemany: no ORM work per row
        outcome.imported += len(batch)
        batch.clear()

    for offset, cells in enumerate(table.rows):
        row, problems = check_row(cells, survey, municipalities, today)
        outcome.total += 1
        if row is None:
            outcome.add_problems(table.first_row_number + offset, problems)
        elif valid_only or not outcome.bad_rows:
            batch.append(row)
            if len(batch) == BATCH:
                write()
        if outcome.total % BATCH == 0:
            progress(BATCH)
    progress(outcome.total % BATCH)
    if outcome.bad_rows and not valid_only:
        raise ImportRefused("the file has rows with problems", "rows", outcome)
    if batch:
        write()
    if not outcome.imported:
        raise ImportRefused("the file has no good rows", "empty", outcome)
    log = into or SurveyImport(survey_id=survey.id, created_by_id=getattr(actor, "id", None))
    log.fingerprint, log.filename, log.valid_only = digest, filename[:200], valid_only
    log.status, log.total_rows, log.checked_rows, log.imported = "done", outcome.total, outcome.total, outcome.imported
    log.problems = [[p.row, p.column, p.code] for p in outcome.problems]
    log.problem_count, log.finished_at, log.data = outcome.problem_count, utcnow(), None
    db.session.add(log)
    db.session.flush()
    record(
        actor,
        "survey.imported",
        survey,
        {"file": filename[:200], "rows": outcome.imported, "left_out": outcome.bad_rows, "import": log.id},
        ip,
    )
    return log


TEMPLATE_HEADER = (*MAIN_COLUMNS, *OPTIONAL_COLUMNS)
TEMPLATE_EXAMPLE = (
    ("", 12, 0, 1, 0, 0, 2, 2, 0, 0, 0, 500, 1200, 0, 0, "", "weather", "ebike_trial;flexible_hours"),
    ("other", 35.5, 0, 0, 0, 0, 0, 3, 1, 0, 1, 0, 0, 0, 2400, "", "distance;children", ""),
)


def template_xlsx(labels: dict[str, dict[str, str]], municipality: str) -> bytes:
    """The file to fill in: the columns with two example rows on the first sheet (the one that is read), and on a
    second sheet every code the barriers and willing columns take, with what it means."""
    import io

    from openpyxl import Workbook

    from coaction.travel.services import BARRIERS, WILLING

    workbook = Workbook()
    answers = workbook.active
    answers.title = "answers"
    answers.append(list(TEMPLATE_HEADER))
    for row in TEMPLATE_EXAMPLE:  # the first example lives in one of the network's own municipalities
        answers.append([row[0] or municipality, *row[1:]])
    codes = workbook.create_sheet("codes")
    codes.append(["column", "code", "meaning"])
    for column, known in (("barriers", BARRIERS), ("willing", WILLING)):
        for code in known:
            codes.append([column, code, labels[column][code]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def queue_import(survey: TravelSurvey, filename: str, data: bytes, *, valid_only: bool, actor, ip) -> SurveyImport:
    """A web upload: the file is kept with the import until the background job has checked and imported it."""
    digest = fingerprint(data)
    if already_imported(survey, digest):
        raise ImportRefused("this file has been imported into the survey already", "duplicate")
    log = SurveyImport(
        survey_id=survey.id,
        fingerprint=digest,
        filename=filename[:200],
        status="queued",
        valid_only=valid_only,
        total_rows=max(0, data.count(b"\n") - 1) if not filename.lower().endswith(".xlsx") else 0,
        data=data,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(log)
    db.session.flush()
    enqueue_after_commit("travel.import_survey", log.id, ip, long=True)
    return log


def progress_key(import_id: int) -> str:
    return f"survey-import-progress:{import_id}"


def checked_so_far(log: SurveyImport) -> int:
    """Rows checked by the running job: told through the cache, since its rows are not committed until the end."""
    return (cache.get(progress_key(log.id)) or 0) if log.status == "running" else log.checked_rows


@job("travel.import_survey")
def run_import(import_id: int, ip: str | None = None) -> None:
    """Checks and imports the kept file in one transaction, or records why it was refused."""
    import io

    from coaction.auth.models import User
    from coaction.commitments.listing import local_today
    from coaction.core.tables import TableError

    log = db.session.get(SurveyImport, import_id)
    if log is None or log.status != "queued" or log.data is None:
        return
    actor = db.session.get(User, log.created_by_id) if log.created_by_id else "system"
    data, log.status = log.data, "running"
    db.session.commit()
    checked = 0

    def checked_some(count: int) -> None:
        nonlocal checked
        checked += count
        cache.set(progress_key(import_id), checked, timeout=3600)

    try:
        import_file(
            log.survey,
            log.filename,
            io.BytesIO(data),
            digest=log.fingerprint,
            valid_only=log.valid_only,
            today=local_today(),
            actor=actor,
            ip=ip,
            progress=checked_some,
            into=log,
        )
    except (TableError, ImportRefused) as error:
        db.session.rollback()
        log = db.session.get(SurveyImport, import_id)
        log.status, log.data, log.finished_at = "refused", None, utcnow()
        refused = getattr(error, "code", "table")
        outcome = getattr(error, "outcome", Outcome())
        log.problems = [[p.row, p.column, p.code] for p in outcome.problems] or [[0, "file", refused]]
        log.problem_count = outcome.problem_count or 1
        log.total_rows = log.checked_rows = outcome.total
        record(actor, "survey.import_refused", log.survey, {"file": log.filename, "reason": refused}, ip)
    db.session.commit()
    cache.delete(progress_key(import_id))
