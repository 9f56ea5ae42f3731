"""Importing the region's employers as prospects: check every row first, then import the valid ones at once.

`check_rows` is pure: it takes the table and plain lookups and says, per row, what importing it would do.
`check_file` reads a file and asks the database for those lookups; `import_prospects` writes the valid rows,
in the caller's transaction, and audits the import once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from coaction.audit.services import record
from coaction.core.tables import Table, read_table
from coaction.core.types import casefold_key
from coaction.extensions import db
from coaction.members.labels import SECTOR_LABELS, STATUS_LABELS
from coaction.members.models import MembershipStatus, Organisation, Sector
from coaction.members.orgnr import InvalidOrgNumber, normalise_org_number
from coaction.members.services import unique_slug
from coaction.regions.models import Municipality

MAX_BYTES = 5 * 1024 * 1024
MAX_EMPLOYEES = 1_000_000
NAME_LENGTH = 200  # Organisation.name

# Every accepted column heading (lower case) -> the canonical name.
ALIASES = {
    "name": "name",
    "namn": "name",
    "organisation": "name",
    "organisation name": "name",
    "org_number": "org_number",
    "org number": "org_number",
    "organisation number": "org_number",
    "organisationsnummer": "org_number",
    "orgnr": "org_number",
    "org.nr": "org_number",
    "org.nr.": "org_number",
    "employees": "employees",
    "anställda": "employees",
    "antal anställda": "employees",
    "municipality": "municipality",
    "kommun": "municipality",
    "sector": "sector",
    "sektor": "sector",
    "bransch": "sector",
}
REQUIRED = ("name", "employees", "municipality", "sector")


class Verdict(StrEnum):
    NEW = "new"
    UPDATE = "update"
    EXISTING = "existing"  # already a member, invited, applied (or any status but prospect): left as it is
    MISSING_NAME = "missing_name"
    INVALID_ORG_NUMBER = "invalid_org_number"
    DUPLICATE = "duplicate"
    UNKNOWN_SECTOR = "unknown_sector"
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    BAD_EMPLOYEES = "bad_employees"


IMPORTED = (Verdict.NEW, Verdict.UPDATE)

VERDICT_LABELS = {
    Verdict.NEW: _l("New prospect"),
    Verdict.UPDATE: _l("Updates a prospect"),
    Verdict.EXISTING: _l("Already known"),
    Verdict.MISSING_NAME: _l("Missing name"),
    Verdict.INVALID_ORG_NUMBER: _l("Invalid organisation number"),
    Verdict.DUPLICATE: _l("Duplicate row"),
    Verdict.UNKNOWN_SECTOR: _l("Unknown sector"),
    Verdict.UNKNOWN_MUNICIPALITY: _l("Unknown municipality"),
    Verdict.BAD_EMPLOYEES: _l("Not a number of employees"),
}

# TableError.code -> what to tell the person who chose the file.
TABLE_ERROR_MESSAGES = {
    "type": _l("Choose a CSV or XLSX file."),
    "encoding": _l("The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and choose it again."),
    "xlsx": _l("The file cannot be read as an XLSX workbook. Is it damaged, or of another kind?"),
    "empty": _l("The file is empty."),
    "columns": _l(
        "The first row must name the columns name, employees, municipality and sector, and may name org_number "
        "(in Swedish: namn, anställda, kommun, sektor or bransch, organisationsnummer or orgnr)."
    ),
    "size": _l("The file has too many rows to read at once: split it into smaller files."),
    "other": _l("The file cannot be read as a table."),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing said about a row: its verdict, and what the message needs (the value given, the other row)."""

    verdict: Verdict
    value: str = ""
    other_row: int | None = None
    by: str = ""  # "number", "name" or "record": how a duplicate or a known record was recognised
    status: str = ""  # the known record's status, for EXISTING


@dataclass(frozen=True, slots=True)
class CheckedRow:
    row: int  # as a spreadsheet numbers it (the header is row 1)
    findings: tuple[Finding, ...]
    name: str = ""
    org_number: str | None = None
    sector: Sector | None = None
    employees: int | None = None
    municipality_id: int | None = None
    organisation_id: int | None = None  # the known record, for UPDATE and EXISTING

    @property
    def verdict(self) -> Verdict:
        return self.findings[0].verdict

    @property
    def importable(self) -> bool:
        return self.verdict in IMPORTED


@dataclass(frozen=True, slots=True)
class Known:
    """An organisation already in the records, as the check needs it."""

    id: int
    name: str
    status: MembershipStatus
    org_number: str | None


@dataclass(frozen=True)
class Lookups:
    municipalities: Mapping[str, int]  # casefolded name or SCB code -> id
    sectors: Mapping[str, Sector]  # casefolded value or label -> sector
    by_number: Mapping[str, Known] = field(default_factory=dict)
    by_name: Mapping[str, Known] = field(default_factory=dict)  # name_key -> record


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: int


# ---- pure ------------------------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_MUNICIPALITY_SUFFIXES = (" kommun", "s kommun", " municipality")


def municipality_keys(text: str) -> list[str]:
    """The ways a municipality may be written: "Södertälje", "Södertälje kommun", "Nykvarns kommun", "0181"."""
    key = casefold_key(_SPACES.sub(" ", text))
    keys = [key]
    for suffix in _MUNICIPALITY_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            keys.append(key[: -len(suffix)])
    return keys


def parse_employees(text: str) -> int | None:
    """A whole number of employees ("1200", "1 200"), or None; no negative, no fractions, nothing absurd."""
    compact = _SPACES.sub("", text or "")
    if not compact.isascii() or not compact.isdigit():
        return None
    number = int(compact)
    return number if number <= MAX_EMPLOYEES else None


def _sector(text: str, sectors: Mapping[str, Sector]) -> Sector | None:
    return sectors.get(casefold_key(_SPACES.sub(" ", text)))


def _municipality(text: str, municipalities: Mapping[str, int]) -> int | None:
    return next((municipalities[key] for key in municipality_keys(text) if key in municipalities), None)


def check_rows(table: Table, lookups: Lookups) -> list[CheckedRow]:
    """What importing each row would do. Problems are all listed, the first one gives the row its verdict.
    The first of two rows with the same number or name is kept; the later one is the duplicate."""
    seen_numbers: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    seen_records: dict[int, int] = {}
    checked = []
    for offset, values in enumerate(table.rows):
        row = table.first_row_number + offset
        name = _SPACES.sub(" ", values.get("name", "")).strip()
        number_text = values.get("org_number", "").strip()
        sector_text = values.get("sector", "").strip()
        municipality_text = values.get("municipality", "").strip()
        employees_text = values.get("employees", "").strip()
        problems: list[Finding] = []

        if not name or len(name) > NAME_LENGTH:
            problems.append(Finding(Verdict.MISSING_NAME, name[:40]))
        org_number = None
        if number_text:
            try:
                org_number = normalise_org_number(number_text)
            except InvalidOrgNumber:
                problems.append(Finding(Verdict.INVALID_ORG_NUMBER, number_text))
        name_key = casefold_key(name)
        if org_number and org_number in seen_numbers:
            problems.append(Finding(Verdict.DUPLICATE, org_number, seen_numbers[org_number], "number"))
        elif name and name_key in seen_names:
            problems.append(Finding(Verdict.DUPLICATE, name, seen_names[name_key], "name"))
        if org_number:
            seen_numbers.setdefault(org_number, row)
        if name:
            seen_names.setdefault(name_key, row)
        sector = _sector(sector_text, lookups.sectors)
        if sector is None:
            problems.append(Finding(Verdict.UNKNOWN_SECTOR, sector_text))
        municipality_id = _municipality(municipality_text, lookups.municipalities)
        if municipality_id is None:
            problems.append(Finding(Verdict.UNKNOWN_MUNICIPALITY, municipality_text))
        employees = parse_employees(employees_text)
        if employees is None:
            problems.append(Finding(Verdict.BAD_EMPLOYEES, employees_text))

        values_found = {
            "name": name,
            "org_number": org_number,
            "sector": sector,
            "employees": employees,
            "municipality_id": municipality_id,
        }
        if problems:
            checked.append(CheckedRow(row, tuple(problems), **values_found))
            continue
        known, by = _known(org_number, name_key, lookups)
        if known is None:
            finding = Finding(Verdict.NEW)
        elif known.id in seen_records:  # one by its number, another by its name
            finding = Finding(Verdict.DUPLICATE, known.name, seen_records[known.id], "record")
        elif known.status == MembershipStatus.PROSPECT:
            finding = Finding(Verdict.UPDATE, known.name, by=by)
        else:
            finding = Finding(Verdict.EXISTING, known.name, by=by, status=known.status.value)
        if known is not None:
            seen_records.setdefault(known.id, row)
        checked.append(CheckedRow(row, (finding,), organisation_id=known.id if known else None, **values_found))
    return checked


def _known(org_number: str | None, name_key: str, lookups: Lookups) -> tuple[Known | None, str]:
    """The record a row describes: the one with its number; else one with its name and no number of its own
    (or, when the row has no number, any one with its name)."""
    if org_number and org_number in lookups.by_number:
        return lookups.by_number[org_number], "number"
    known = lookups.by_name.get(name_key)
    if known is not None and (org_number is None or known.org_number is None):
        return known, "name"
    return None, ""


def tally(rows: Iterable[CheckedRow]) -> Counter:
    return Counter(row.verdict for row in rows)


def describe(finding: Finding) -> str:
    """The message for one finding, in the current language."""
    verdict, value = finding.verdict, finding.value
    if verdict == Verdict.NEW:
        return _("A new prospect will be added.")
    if verdict == Verdict.UPDATE:
        if finding.by == "number":
            return _("Updates the prospect “%(name)s” with the same organisation number.", name=value)
        return _("Updates the prospect “%(name)s” with the same name.", name=value)
    if verdict == Verdict.EXISTING:
        status = STATUS_LABELS[MembershipStatus(finding.status)]
        return _("Already in the records as “%(name)s” (%(status)s): left as it is.", name=value, status=status)
    if verdict == Verdict.MISSING_NAME:
        if value:
            return _("The name is longer than %(length)s characters.", length=NAME_LENGTH)
        return _("The name is missing.")
    if verdict == Verdict.INVALID_ORG_NUMBER:
        return _(
            "“%(value)s” is not a valid organisation number (ten digits with a matching last digit, "
            "as in 556036-0793).",
            value=value,
        )
    if verdict == Verdict.DUPLICATE:
        if finding.by == "number":
            return _("The same organisation number as row %(row)s.", row=finding.other_row)
        if finding.by == "record":
            return _("Row %(row)s describes the same organisation, “%(name)s”.", row=finding.other_row, name=value)
        return _("The same name as row %(row)s.", row=finding.other_row)
    if verdict == Verdict.UNKNOWN_SECTOR:
        if not value:
            return _("The sector is missing.")
        return _("“%(value)s” is not one of the sectors.", value=value)
    if verdict == Verdict.UNKNOWN_MUNICIPALITY:
        if not value:
            return _("The municipality is missing.")
        return _("No municipality is called “%(value)s”.", value=value)
    if not value:
        return _("The number of employees is missing.")
    return _("“%(value)s” is not a number of employees (a whole number from 0 upwards).", value=value)


def message(row: CheckedRow) -> str:
    return " ".join(describe(finding) for finding in row.findings)


# ---- lookups and writing ---------------------------------------------------------------------------------------


def sector_lookup() -> dict[str, Sector]:
    """Each sector by its code and by its name in Swedish and in English."""
    lookup = {sector.value: sector for sector in Sector}
    lookup |= {sector.value.replace("_", " "): sector for sector in Sector}
    for locale in ("en", "sv"):
        with force_locale(locale):
            lookup |= {casefold_key(str(label)): sector for sector, label in SECTOR_LABELS.items()}
    return lookup


def municipality_lookup() -> dict[str, int]:
    lookup = {}
    for municipality_id, name, code in db.session.execute(
        sa.select(Municipality.id, Municipality.name, Municipality.code)
    ):
        lookup[casefold_key(name)] = municipality_id
        lookup[code] = municipality_id
    return lookup


def _chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def known_records(table: Table) -> tuple[dict[str, Known], dict[str, Known]]:
    """The records the file's numbers and names may match, in a few queries (not one per row)."""
    numbers = set()
    for values in table.rows:
        with suppress(InvalidOrgNumber):
            numbers.add(normalise_org_number(values.get("org_number", "")))
    names = {casefold_key(_SPACES.sub(" ", values.get("name", ""))) for values in table.rows} - {""}
    columns = (Organisation.id, Organisation.name, Organisation.status, Organisation.org_number, Organisation.name_key)
    by_number, by_name = {}, {}
    for chunk in _chunks(sorted(numbers)):
        for id_, name, status, number, _key in db.session.execute(
            sa.select(*columns).where(Organisation.org_number.in_(chunk))
        ):
            by_number[number] = Known(id_, name, MembershipStatus(status), number)
    for chunk in _chunks(sorted(names)):
        query = sa.select(*columns).where(Organisation.name_key.in_(chunk)).order_by(Organisation.id.desc())
        for id_, name, status, number, key in db.session.execute(query):
            by_name[key] = Known(id_, name, MembershipStatus(status), number)  # the oldest record wins
    return by_number, by_name


def read_prospects(filename: str, data: bytes) -> Table:
    """The file as a table with the prospect columns; TableError when it cannot be read."""
    return read_table(filename, data, ALIASES, required=REQUIRED)


def check_table(table: Table) -> list[CheckedRow]:
    by_number, by_name = known_records(table)
    lookups = Lookups(municipality_lookup(), sector_lookup(), by_number, by_name)
    return check_rows(table, lookups)


def import_prospects(rows: list[CheckedRow], *, actor, filename: str, ip: str | None = None) -> ImportResult:
    """Create the new prospects and update the known ones, in the caller's transaction; audited once.

    Rows are checked again by the caller right before this, against the records as they are now."""
    municipalities = {m.id: m for m in db.session.scalars(sa.select(Municipality))}
    updates = {row.organisation_id for row in rows if row.verdict == Verdict.UPDATE}
    records = {}
    for chunk in _chunks(sorted(updates)):
        records |= {o.id: o for o in db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(chunk)))}
    created = updated = 0
    for row in rows:
        municipality = municipalities[row.municipality_id] if row.municipality_id else None
        if row.verdict == Verdict.NEW:
            organisation = Organisation(
                name=row.name,
                slug=unique_slug(row.name),
                org_number=row.org_number,
                sector=row.sector,
                employees=row.employees,
                municipality=municipality,
                latitude=municipality.latitude if municipality else None,
                longitude=municipality.longitude if municipality else None,
                status=MembershipStatus.PROSPECT,
            )
            db.session.add(organisation)
            db.session.flush()
            created += 1
        elif row.verdict == Verdict.UPDATE:
            organisation = records[row.organisation_id]
            if organisation.status != MembershipStatus.PROSPECT:  # checked a moment ago; never overwrite a member
                continue
            if row.org_number and not organisation.org_number:
                organisation.org_number = row.org_number
            organisation.sector = row.sector
            organisation.employees = row.employees
            if municipality is not None and (
                organisation.municipality_id != municipality.id or organisation.latitude is None
            ):
                organisation.municipality = municipality
                organisation.latitude, organisation.longitude = municipality.latitude, municipality.longitude
            updated += 1
    db.session.flush()
    result = ImportResult(created, updated, len(rows) - created - updated)
    record(
        actor,
        "organisation.prospects_imported",
        None,
        {"file": filename[:200], "rows": len(rows), "created": created, "updated": updated, "skipped": result.skipped},
        ip,
    )
    return result


# ---- carrying a check from one page to the next, without storing anything ------------------------------------


def checked_token(data: bytes, secret: str) -> str:
    """A signed fingerprint of the file that was checked: importing needs the same file chosen again."""
    return URLSafeSerializer(secret, salt="prospects").dumps(hashlib.sha256(data).hexdigest())


def is_checked_file(token: str, data: bytes, secret: str) -> bool:
    try:
        fingerprint = URLSafeSerializer(secret, salt="prospects").loads(token or "")
    except BadSignature:
        return False
    return isinstance(fingerprint, str) and hmac.compare_digest(fingerprint, hashlib.sha256(data).hexdigest())


def _finding_data(finding: Finding) -> list:
    data = [finding.verdict.value, finding.value, finding.other_row, finding.by, finding.status]
    while data and data[-1] in ("", None):  # trailing defaults: the report stays small
        data.pop()
    return data


def report_token(rows: Iterable[CheckedRow], secret: str) -> str:
    """The per-row report, signed (and compressed), for the page to send back when the CSV is asked for."""
    data = [[row.row, *(_finding_data(finding) for finding in row.findings)] for row in rows]
    return URLSafeSerializer(secret, salt="prospects-report").dumps(data)


def report_from_token(token: str, secret: str) -> list[CheckedRow] | None:
    try:
        data = URLSafeSerializer(secret, salt="prospects-report").loads(token or "")
        return [
            CheckedRow(item[0], tuple(Finding(Verdict(finding[0]), *finding[1:]) for finding in item[1:]))
            for item in data
        ]
    except (BadSignature, TypeError, ValueError, IndexError, KeyError):
        return None
