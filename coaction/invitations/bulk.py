"""Inviting many actors at once from a CSV or XLSX file: check every row first, store the check, send later.

The organisation columns go through the prospect import's checks (`coaction.members.prospects`); this module
adds the email address and the language, and the verdicts an invitation needs (already a member, already
invited, the same address twice). `judge` is pure. `create_batch` stores every row with its verdict in an
`InvitationBatch` and sends nothing; `start_sending` claims the batch once and queues the `invitations.send_batch`
job, which checks each valid row again against the records as they are then, makes or updates the prospect,
invites it with `invite_actor`, and commits row by row so that progress shows and one bad row undoes nothing else.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import flag_modified

from coaction.audit.services import record
from coaction.auth.models import User
from coaction.core.tables import Table, read_table
from coaction.core.types import casefold_key, utcnow
from coaction.extensions import db
from coaction.invitations.models import OPEN_STATUSES, Invitation, InvitationBatch
from coaction.invitations.services import InvitationError, NewOrganisation, invite_actor, new_prospect
from coaction.jobs import enqueue_after_commit, job
from coaction.members import prospects
from coaction.members.labels import STATUS_LABELS
from coaction.members.models import PUBLIC_STATUSES, MembershipStatus, Organisation, Sector
from coaction.members.prospects import CheckedRow, Finding, Lookups, Verdict
from coaction.regions.models import Municipality

log = logging.getLogger(__name__)

MAX_BYTES = prospects.MAX_BYTES
VALUE_LENGTH = 300  # what is kept of a cell; a valid row's cells are all shorter
EMAIL_LENGTH = 254
PROGRESS_EVERY = 20  # the job writes the rows' outcomes after this many rows (and at the end)

ALIASES = prospects.ALIASES | {
    "email": "email",
    "e-mail": "email",
    "e-post": "email",
    "epost": "email",
    "e-postadress": "email",
    "mail": "email",
    "language": "language",
    "språk": "language",
}
REQUIRED = (*prospects.REQUIRED, "email")
DEFAULT_LANGUAGE = "sv"
LANGUAGES = {"sv": "sv", "svenska": "sv", "swedish": "sv", "en": "en", "english": "en", "engelska": "en"}

TABLE_ERROR_MESSAGES = prospects.TABLE_ERROR_MESSAGES | {
    "columns": _l(
        "The first row must name the columns name, email, employees, municipality and sector, and may name "
        "org_number and language (in Swedish: namn, e-post, anställda, kommun, sektor, organisationsnummer, språk)."
    ),
}


class BulkVerdict(StrEnum):
    """What sending a row would do. The first three are sent; the prospect problems keep their codes."""

    NEW = "new"  # a new organisation: added as a prospect and invited
    UPDATE = "update"  # a prospect: updated from the file and invited
    KNOWN = "known"  # an organisation that left, was rejected or works with the network: invited as it is
    MISSING_NAME = Verdict.MISSING_NAME.value
    INVALID_ORG_NUMBER = Verdict.INVALID_ORG_NUMBER.value
    INVALID_EMAIL = "invalid_email"
    UNKNOWN_LANGUAGE = "unknown_language"
    DUPLICATE = Verdict.DUPLICATE.value  # the same address, number, name or record as an earlier row
    UNKNOWN_SECTOR = Verdict.UNKNOWN_SECTOR.value
    UNKNOWN_MUNICIPALITY = Verdict.UNKNOWN_MUNICIPALITY.value
    BAD_EMPLOYEES = Verdict.BAD_EMPLOYEES.value
    ALREADY_MEMBER = "already_member"  # a member or a paused member
    ALREADY_INVITED = "already_invited"  # invited or applied, or an open invitation to the address


SENDABLE = (BulkVerdict.NEW, BulkVerdict.UPDATE, BulkVerdict.KNOWN)

VERDICT_LABELS = {
    BulkVerdict.NEW: _l("New organisation"),
    BulkVerdict.UPDATE: prospects.VERDICT_LABELS[Verdict.UPDATE],
    BulkVerdict.KNOWN: _l("Known organisation"),
    BulkVerdict.MISSING_NAME: prospects.VERDICT_LABELS[Verdict.MISSING_NAME],
    BulkVerdict.INVALID_ORG_NUMBER: prospects.VERDICT_LABELS[Verdict.INVALID_ORG_NUMBER],
    BulkVerdict.INVALID_EMAIL: _l("Invalid email address"),
    BulkVerdict.UNKNOWN_LANGUAGE: _l("Unknown language"),
    BulkVerdict.DUPLICATE: prospects.VERDICT_LABELS[Verdict.DUPLICATE],
    BulkVerdict.UNKNOWN_SECTOR: prospects.VERDICT_LABELS[Verdict.UNKNOWN_SECTOR],
    BulkVerdict.UNKNOWN_MUNICIPALITY: prospects.VERDICT_LABELS[Verdict.UNKNOWN_MUNICIPALITY],
    BulkVerdict.BAD_EMPLOYEES: prospects.VERDICT_LABELS[Verdict.BAD_EMPLOYEES],
    BulkVerdict.ALREADY_MEMBER: _l("Already a member"),
    BulkVerdict.ALREADY_INVITED: _l("Already invited"),
}

# A row's outcome once the job has come to it: "sent", "failed", or the verdict that stopped it then.
SENT = "sent"
FAILED = "failed"
INVITATION_ERRORS = {
    "member": BulkVerdict.ALREADY_MEMBER,
    "duplicate": BulkVerdict.ALREADY_INVITED,
    "status": BulkVerdict.ALREADY_INVITED,
}


@dataclass(frozen=True, slots=True)
class Note:
    """One thing said about a row, as `prospects.Finding`, with the bulk verdicts."""

    verdict: BulkVerdict
    value: str = ""
    other_row: int | None = None
    by: str = ""  # "email", "number", "name" or "record" for a duplicate; "status" or "invitation" for invited
    status: str = ""  # the known record's membership status

    def data(self) -> list:
        return [self.verdict.value, self.value, self.other_row, self.by, self.status]

    @classmethod
    def from_data(cls, data: list) -> Note:
        return cls(BulkVerdict(data[0]), *data[1:])


@dataclass(frozen=True, slots=True)
class CheckedInvitation:
    row: int  # as a spreadsheet numbers it (the header is row 1)
    notes: tuple[Note, ...]
    values: dict[str, str]  # the row's cells as written, by canonical column
    organisation: CheckedRow  # the prospect check of the organisation columns
    email: str | None = None  # normalised
    locale: str | None = None

    @property
    def verdict(self) -> BulkVerdict:
        return self.notes[0].verdict

    @property
    def sendable(self) -> bool:
        return self.verdict in SENDABLE


# ---- pure ------------------------------------------------------------------------------------------------------


def parse_email(text: str) -> str | None:
    """The address normalised and lower-cased, or None. Syntax only: no lookup of the domain."""
    text = (text or "").strip()
    if not text or len(text) > EMAIL_LENGTH:
        return None
    try:
        address = validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None
    return address if len(address) <= EMAIL_LENGTH else None


def parse_language(text: str) -> str | None:
    """sv or en ("svenska", "English" and the like too); an empty cell is Swedish; anything else None."""
    key = casefold_key(text)
    return LANGUAGES.get(key) if key else DEFAULT_LANGUAGE


def _from_prospect(finding: Finding) -> Note:
    return Note(BulkVerdict(finding.verdict.value), finding.value, finding.other_row, finding.by, finding.status)


def _standing(checked: CheckedRow, email: str, open_invitations: AbstractSet[tuple[str, int]]) -> Note:
    """The verdict of a row whose cells are all good: what the records say about its organisation."""
    finding = checked.findings[0]
    if checked.verdict == Verdict.EXISTING:
        status = MembershipStatus(finding.status)
        if status in PUBLIC_STATUSES:
            return Note(BulkVerdict.ALREADY_MEMBER, finding.value, status=finding.status)
        if status in (MembershipStatus.INVITED, MembershipStatus.APPLIED):
            return Note(BulkVerdict.ALREADY_INVITED, finding.value, by="status", status=finding.status)
    if checked.organisation_id is not None and (email, checked.organisation_id) in open_invitations:
        return Note(BulkVerdict.ALREADY_INVITED, finding.value, by="invitation")
    if checked.verdict == Verdict.EXISTING:
        return Note(BulkVerdict.KNOWN, finding.value, status=finding.status)
    if checked.verdict == Verdict.UPDATE:
        return Note(BulkVerdict.UPDATE, finding.value, by=finding.by)
    return Note(BulkVerdict.NEW)


def judge(
    table: Table, checked: list[CheckedRow], open_invitations: AbstractSet[tuple[str, int]] = frozenset()
) -> list[CheckedInvitation]:
    """Each row's verdict for an invitation, from the prospect check of its organisation (`checked`, one per
    row of `table`) and its own email and language. Every problem is listed, the first gives the verdict;
    the first of two rows with the same address is kept, the later one is the duplicate."""
    seen_emails: dict[str, int] = {}
    result = []
    for values, organisation in zip(table.rows, checked, strict=True):
        problems: list[Note] = []
        if organisation.verdict not in (*prospects.IMPORTED, Verdict.EXISTING):
            problems += [_from_prospect(finding) for finding in organisation.findings]
        email_text = values.get("email", "").strip()
        email = parse_email(email_text)
        if email is None:
            problems.append(Note(BulkVerdict.INVALID_EMAIL, email_text[:80]))
        elif email in seen_emails:
            problems.append(Note(BulkVerdict.DUPLICATE, email, seen_emails[email], "email"))
        else:
            seen_emails[email] = organisation.row
        language_text = values.get("language", "").strip()
        locale = parse_language(language_text)
        if locale is None:
            problems.append(Note(BulkVerdict.UNKNOWN_LANGUAGE, language_text[:40]))
        notes = tuple(problems) if problems else (_standing(organisation, email, open_invitations),)
        result.append(CheckedInvitation(organisation.row, notes, values, organisation, email, locale))
    return result


def describe(note: Note) -> str:
    """The message for one note, in the current language."""
    verdict, value = note.verdict, note.value
    if verdict == BulkVerdict.NEW:
        return _("A new organisation: it is added as a prospect and invited.")
    if verdict == BulkVerdict.UPDATE:
        return _("Updates the prospect “%(name)s” from the file and invites it.", name=value)
    if verdict == BulkVerdict.KNOWN:
        status = STATUS_LABELS[MembershipStatus(note.status)]
        return _("Invites “%(name)s” (%(status)s), left as it is in the records.", name=value, status=status)
    if verdict == BulkVerdict.INVALID_EMAIL:
        if not value:
            return _("The email address is missing.")
        return _("“%(value)s” is not a valid email address.", value=value)
    if verdict == BulkVerdict.UNKNOWN_LANGUAGE:
        return _("“%(value)s” is not a language of the invitations: write sv or en.", value=value)
    if verdict == BulkVerdict.DUPLICATE and note.by == "email":
        return _("The same email address as row %(row)s.", row=note.other_row)
    if verdict == BulkVerdict.ALREADY_MEMBER:
        status = STATUS_LABELS[MembershipStatus(note.status)]
        return _("“%(name)s” is in the network already (%(status)s).", name=value, status=status)
    if verdict == BulkVerdict.ALREADY_INVITED:
        if note.by == "invitation":
            return _("An invitation of “%(name)s” to this address is still open.", name=value)
        status = STATUS_LABELS[MembershipStatus(note.status)]
        return _(
            "“%(name)s” is on its way in already (%(status)s): it is not invited again.", name=value, status=status
        )
    return prospects.describe(Finding(Verdict(verdict.value), value, note.other_row, note.by, note.status))


def message(notes: Iterable[Note]) -> str:
    return " ".join(describe(note) for note in notes)


# ---- reading and checking a file -------------------------------------------------------------------------------


def read_invitations(filename: str, data: bytes) -> Table:
    """The file as a table with the prospect columns, email and language; TableError when it cannot be read."""
    return read_table(filename, data, ALIASES, required=REQUIRED)


def open_invitations_for(organisation_ids: Iterable[int]) -> set[tuple[str, int]]:
    """(address, organisation) of every open invitation to these organisations, in a few queries."""
    ids = sorted(set(organisation_ids))
    pairs = set()
    for start in range(0, len(ids), 500):
        query = sa.select(Invitation.email, Invitation.organisation_id).where(
            Invitation.organisation_id.in_(ids[start : start + 500]),
            Invitation.status.in_(OPEN_STATUSES),
            Invitation.expires_at > utcnow(),
        )
        pairs |= {(email, organisation_id) for email, organisation_id in db.session.execute(query)}
    return pairs


def check_invitations(
    table: Table, *, municipalities: Mapping[str, int] | None = None, sectors: Mapping[str, Sector] | None = None
) -> list[CheckedInvitation]:
    """Every row of the table checked against the records as they are now (the lookups may be passed in
    when one job checks many single rows)."""
    by_number, by_name = prospects.known_records(table)
    lookups = Lookups(
        municipalities if municipalities is not None else prospects.municipality_lookup(),
        sectors if sectors is not None else prospects.sector_lookup(),
        by_number,
        by_name,
    )
    checked = prospects.check_rows(table, lookups)
    known = (row.organisation_id for row in checked if row.organisation_id is not None)
    return judge(table, checked, open_invitations_for(known))


def _kept(text: str) -> str:
    return (text or "").replace("\x00", "")[:VALUE_LENGTH]  # PostgreSQL refuses NUL in text


def create_batch(table: Table, *, filename: str, message: str | None, actor: User, ip: str | None) -> InvitationBatch:
    """The check of every row, stored; nothing is sent and no organisation is made. Audited with the counts."""
    rows = check_invitations(table)
    batch = InvitationBatch(
        filename=_kept(filename)[:200] or "-",
        created_by_id=actor.id,
        message=message,
        rows=[
            {
                "row": row.row,
                "values": {column: _kept(text) for column, text in row.values.items()},
                "email": row.email,
                "locale": row.locale,
                "verdict": row.verdict.value,
                "notes": [note.data() for note in row.notes],
            }
            for row in rows
        ],
        to_send=sum(row.sendable for row in rows),
    )
    db.session.add(batch)
    db.session.flush()
    counts = dict(Counter(row.verdict.value for row in rows))
    record(
        actor,
        "invitation_batch.created",
        None,
        {"batch": batch.id, "file": batch.filename, "rows": len(rows), "to_send": batch.to_send, "verdicts": counts},
        ip,
    )
    return batch


# ---- the stored batch, as the pages show it --------------------------------------------------------------------


def batch_of(batch_id: int) -> InvitationBatch | None:
    return db.session.get(InvitationBatch, batch_id)


def recent_batches(limit: int = 20) -> list[InvitationBatch]:
    query = sa.select(InvitationBatch).options(defer(InvitationBatch.rows)).order_by(InvitationBatch.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def verdict_counts(batch: InvitationBatch) -> dict[BulkVerdict, int]:
    """Rows per verdict, in the order of the verdicts, the ones with no row left out."""
    counts = Counter(row["verdict"] for row in batch.rows)
    return {verdict: counts[verdict.value] for verdict in BulkVerdict if counts[verdict.value]}


def outcome_counts(batch: InvitationBatch) -> Counter:
    return Counter(row["outcome"] for row in batch.rows if row.get("outcome"))


def row_message(row: Mapping) -> str:
    return message(Note.from_data(data) for data in row["notes"])


def row_outcome(batch: InvitationBatch, row: Mapping) -> str:
    """What happened to the row, or will: in the current language."""
    outcome = row.get("outcome")
    if outcome == SENT:
        return _("Sent")
    if outcome == FAILED:
        return _("Not sent: something went wrong. Invite this organisation on its own.")
    if outcome:
        return _("Not sent: %(reason)s", reason=VERDICT_LABELS[BulkVerdict(outcome)])
    if row["verdict"] not in SENDABLE:
        return _("Not sent")
    if batch.started_at is None:
        return _("Ready to send")
    if batch.finished_at is None:
        return _("Waiting")
    return _("Not sent")


def report_rows(batch: InvitationBatch) -> Iterable[list]:
    for row in batch.rows:
        values = row["values"]
        yield [
            row["row"],
            values.get("name", ""),
            values.get("org_number", ""),
            row.get("email") or values.get("email", ""),
            row.get("locale") or values.get("language", ""),
            str(VERDICT_LABELS[BulkVerdict(row["verdict"])]),
            row_message(row),
            row_outcome(batch, row),
        ]


def report_header() -> list[str]:
    return [
        _("Row"),
        _("Organisation"),
        _("Organisation number"),
        _("Email"),
        _("Language"),
        _("Verdict"),
        _("Message"),
        _("Outcome"),
    ]


# ---- sending ---------------------------------------------------------------------------------------------------


def start_sending(batch: InvitationBatch, *, actor: User, ip: str | None) -> str:
    """Claim the batch and queue its job after the commit: "started", or "nothing" (no valid row) or
    "started_before" (sending was claimed already: a second press, or two coordinators at once)."""
    if batch.to_send == 0:
        return "nothing"
    claimed = db.session.execute(
        sa.update(InvitationBatch)
        .where(InvitationBatch.id == batch.id, InvitationBatch.started_at.is_(None))
        .values(started_at=utcnow())
    )
    if claimed.rowcount != 1:
        return "started_before"
    record(actor, "invitation_batch.sending", None, {"batch": batch.id, "to_send": batch.to_send}, ip)
    enqueue_after_commit("invitations.send_batch", batch.id, actor.id, ip, long=True)
    return "started"


def _organisation_for(checked: CheckedInvitation, *, actor: User, filename: str, ip: str | None) -> Organisation:
    """The row's organisation: a new prospect, the prospect updated from the file, or the known record."""
    row = checked.organisation
    if checked.verdict == BulkVerdict.NEW:
        organisation = new_prospect(
            NewOrganisation(
                name=row.name,
                sector=row.sector.value,
                municipality_id=row.municipality_id,
                employees=row.employees,
                org_number=row.org_number,
            ),
            actor=actor,
            ip=ip,
        )
        municipality = db.session.get(Municipality, row.municipality_id) if row.municipality_id else None
        if municipality is not None:  # on the map where its municipality is, as an imported prospect
            organisation.latitude, organisation.longitude = municipality.latitude, municipality.longitude
        return organisation
    if checked.verdict == BulkVerdict.UPDATE:
        prospects.import_prospects([row], actor=actor, filename=filename, ip=ip)
    return db.session.get(Organisation, row.organisation_id)


def _send_row(batch: InvitationBatch, row: dict, actor: User, ip: str | None, lookups: dict) -> dict:
    """Check one row again, against the records as they are now, and invite it: the row's outcome.
    Leaves the row's writes flushed, or rolled back when it was not sent."""
    table = Table(columns=tuple(row["values"]), rows=[row["values"]], first_row_number=row["row"])
    (checked,) = check_invitations(table, **lookups)
    if not checked.sendable:
        return {"outcome": checked.verdict.value}
    try:
        organisation = _organisation_for(checked, actor=actor, filename=batch.filename, ip=ip)
        invitation = invite_actor(
            organisation,
            checked.email,
            message=batch.message,
            locale=checked.locale,
            actor=actor,
            ip=ip,
            batch_id=batch.id,
        )
    except InvitationError as error:
        db.session.rollback()
        return {"outcome": INVITATION_ERRORS.get(error.code, BulkVerdict.ALREADY_INVITED).value}
    db.session.flush()
    return {"outcome": SENT, "organisation_id": organisation.id, "invitation_id": invitation.id}


def _store_rows(batch: InvitationBatch, rows: list[dict]) -> None:
    batch.rows = copy.deepcopy(rows)
    flag_modified(batch, "rows")


@job("invitations.send_batch")
def send_batch(batch_id: int, actor_id: int, ip: str | None = None) -> None:
    """Invite every valid row of a claimed batch, one transaction per row. Rows that have an outcome are
    passed over, so a job that runs again goes on where the last one stopped."""
    batch = db.session.get(InvitationBatch, batch_id)
    if batch is None or batch.started_at is None or batch.finished_at is not None:
        return
    actor = db.session.get(User, actor_id)
    rows = copy.deepcopy(batch.rows)
    lookups = {"municipalities": prospects.municipality_lookup(), "sectors": prospects.sector_lookup()}
    handled = 0
    for row in rows:
        if row["verdict"] not in SENDABLE or row.get("outcome"):
            continue
        if actor is None:  # the account that pressed "send" is gone: there is nobody to invite in the name of
            row["outcome"] = FAILED
            continue
        try:
            row.update(_send_row(batch, row, actor, ip, lookups))
        except Exception:  # one row's failure must not stop the others: it is logged and reported
            db.session.rollback()
            log.exception("bulk invitation %s: row %s failed", batch_id, row["row"])
            row["outcome"] = FAILED
        if row["outcome"] == SENT:
            batch.sent += 1
        handled += 1
        if handled % PROGRESS_EVERY == 0:
            _store_rows(batch, rows)
        db.session.commit()  # this row's invitation, its mail (queued after the commit) and the progress
    _store_rows(batch, rows)
    batch.finished_at = utcnow()
    outcomes = Counter(row["outcome"] for row in rows if row.get("outcome"))
    record(actor, "invitation_batch.finished", None, {"batch": batch.id, "outcomes": dict(outcomes)}, ip)
