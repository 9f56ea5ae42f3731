"""Importing answers from a survey run elsewhere: CSV or XLSX, checked row by row with the form's own rules.

A file with any bad row is refused whole unless "import the valid rows" is chosen; the same file (by SHA-256) is
refused once it has been imported into the survey. Rows go in with bulk INSERTs, a batch at a time."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from coaction.audit.services import record
from coaction.core.tables import read_table
from coaction.core.text import parse_number
from coaction.core.types import utcnow
from coaction.extensions import db
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


class ImportRefused(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    code: str


@dataclass
class Checked:
    rows: list[dict] = field(default_factory=list)  # ready to insert: the good rows
    problems: list[Problem] = field(default_factory=list)
    bad_rows: int = 0

    @property
    def total(self) -> int:
        return len(self.rows) + self.bad_rows


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


def check_file(survey: TravelSurvey, filename: str, data: bytes, today: date, progress=lambda n: None) -> Checked:
    """Every row checked; raises TableError when the file is not a readable table with the columns."""
    table = read_table(filename, data, COLUMNS, required=MAIN_COLUMNS)
    municipalities = {m.name.casefold(): m.id for m in db.session.scalars(sa.select(Municipality))}
    checked = Checked()
    for offset, cells in enumerate(table.rows):
        row, problems = check_row(cells, survey, municipalities, today)
        if row is None:
            checked.bad_rows += 1
            checked.problems += [Problem(table.first_row_number + offset, column, code) for column, code in problems]
        else:
            checked.rows.append(row)
        if offset % BATCH == BATCH - 1:
            progress(BATCH)
    progress(len(table.rows) % BATCH)
    return checked


def import_checked(
    survey: TravelSurvey,
    checked: Checked,
    *,
    digest: str,
    filename: str,
    valid_only: bool,
    actor,
    ip: str | None,
    progress: Callable[[int], None] = lambda n: None,
    into: SurveyImport | None = None,
) -> SurveyImport:
    """Writes the good rows (all rows, unless `valid_only` lets the bad ones be left out); the caller commits."""
    if already_imported(survey, digest):
        raise ImportRefused("this file has been imported into the survey already", "duplicate")
    if checked.problems and not valid_only:
        raise ImportRefused("the file has rows with problems", "rows")
    if not checked.rows:
        raise ImportRefused("the file has no good rows", "empty")
    imported = 0
    rows: Iterator[dict] = iter(checked.rows)
    while batch := list(itertools.islice(rows, BATCH)):
        db.session.connection().execute(SurveyResponse.__table__.insert(), batch)  # Core executemany: no ORM work
        imported += len(batch)
        progress(len(batch))
    log = into or SurveyImport(survey_id=survey.id, created_by_id=getattr(actor, "id", None))
    log.fingerprint, log.filename, log.valid_only = digest, filename[:200], valid_only
    log.status, log.total_rows, log.checked_rows, log.imported = "done", checked.total, checked.total, imported
    log.problems = [[p.row, p.column, p.code] for p in checked.problems[:MAX_PROBLEMS_KEPT]]
    log.problem_count, log.finished_at, log.data = len(checked.problems), utcnow(), None
    db.session.add(log)
    db.session.flush()
    record(
        actor,
        "survey.imported",
        survey,
        {"file": filename[:200], "rows": imported, "left_out": checked.bad_rows, "import": log.id},
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


@job("travel.import_survey")
def run_import(import_id: int, ip: str | None = None) -> None:
    """Checks the kept file (storing how far it has come), then imports it or records why it was refused."""
    from coaction.auth.models import User
    from coaction.commitments.listing import local_today
    from coaction.core.tables import TableError

    log = db.session.get(SurveyImport, import_id)
    if log is None or log.status != "queued" or log.data is None:
        return
    actor = db.session.get(User, log.created_by_id) if log.created_by_id else "system"
    data, log.status = log.data, "running"
    db.session.commit()

    def checked_some(count: int) -> None:
        log.checked_rows += count
        db.session.commit()

    try:
        checked = check_file(log.survey, log.filename, data, local_today(), progress=checked_some)
        import_checked(
            log.survey,
            checked,
            digest=log.fingerprint,
            filename=log.filename,
            valid_only=log.valid_only,
            actor=actor,
            ip=ip,
            into=log,
        )
    except (TableError, ImportRefused) as error:
        db.session.rollback()
        log = db.session.get(SurveyImport, import_id)
        log.status, log.data, log.finished_at = "refused", None, utcnow()
        refused = getattr(error, "code", "table")
        problems = checked.problems if refused == "rows" else []
        log.problems = [[p.row, p.column, p.code] for p in problems[:MAX_PROBLEMS_KEPT]] or [[0, "file", refused]]
        log.problem_count = len(problems) or 1
        if refused == "rows":
            log.total_rows = log.checked_rows = checked.total
