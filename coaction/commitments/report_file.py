"""'Report once': an organisation's admin reports many values at once from a CSV or XLSX file, row by row checked.
A file with any bad row saves nothing (the verdicts say what to fix); a good file is saved whole, in one go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from coaction.commitments.models import Commitment
from coaction.commitments.services import ReportInput, add_report, value_problem
from coaction.core.tables import read_table
from coaction.core.text import parse_number
from coaction.extensions import db
from coaction.members.models import Organisation

COLUMNS = {
    "commitment_id": "commitment_id",
    "commitment": "commitment_id",
    "id": "commitment_id",
    "åtagande": "commitment_id",
    "åtagande_id": "commitment_id",
    "date": "date",
    "datum": "date",
    "value": "value",
    "värde": "value",
    "comment": "comment",
    "kommentar": "comment",
}


@dataclass(frozen=True)
class ReportRow:
    row: int
    commitment_id: int | None
    reported_on: date | None
    value: float | None
    comment: str
    problem: str | None  # None: good


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def check_report_file(organisation: Organisation, filename: str, data: bytes, *, today: date) -> list[ReportRow]:
    table = read_table(filename, data, COLUMNS, required=("commitment_id", "date", "value"))
    own = {
        commitment.id: commitment
        for commitment in db.session.scalars(
            sa.select(Commitment).where(
                Commitment.organisation_id == organisation.id, Commitment.withdrawn_at.is_(None)
            )
        )
    }
    rows, seen = [], set()
    for offset, cells in enumerate(table.rows):
        number = table.first_row_number + offset
        id_text = cells.get("commitment_id", "").strip()
        commitment = own.get(int(id_text)) if id_text.isdigit() and len(id_text) < 10 else None
        reported_on = _date(cells.get("date", ""))
        value = parse_number(cells.get("value", "")) if cells.get("value", "").strip() else None
        problem = None
        if commitment is None:
            problem = "unknown_commitment"
        elif reported_on is None:
            problem = "date"
        elif reported_on > today:
            problem = "future"
        elif value is None:
            problem = "not_a_number"
        else:
            problem = value_problem(value, commitment.unit)
        key = (commitment.id if commitment else None, reported_on)
        if problem is None and key in seen:
            problem = "duplicate"
        seen.add(key)
        rows.append(
            ReportRow(
                number, commitment.id if commitment else None, reported_on, value, cells.get("comment", ""), problem
            )
        )
    return rows


def apply_report_file(organisation: Organisation, rows: list[ReportRow], *, actor, ip: str | None) -> int:
    if any(row.problem for row in rows):
        raise ValueError("a file with problems is not saved")
    for row in rows:
        commitment = db.session.get(Commitment, row.commitment_id)
        if commitment is None or commitment.organisation_id != organisation.id:
            raise ValueError("not this organisation's commitment")
        add_report(
            commitment,
            ReportInput(reported_on=row.reported_on, value=row.value, comment=row.comment or None),
            today=row.reported_on,
            upload_path="",
            actor=actor,
            ip=ip,
        )
    return len(rows)


def report_file_template(organisation: Organisation) -> tuple[list[str], list[list]]:
    """The file to fill in: one row per standing commitment, its title and unit as a reminder (ignored on upload)."""
    from coaction.commitments.labels import UNIT_LABELS

    commitments = db.session.scalars(
        sa.select(Commitment)
        .where(Commitment.organisation_id == organisation.id, Commitment.withdrawn_at.is_(None))
        .order_by(Commitment.title_key)
    )
    header = ["commitment_id", "title", "unit", "date", "value", "comment"]
    return header, [[c.id, c.title, str(UNIT_LABELS[c.unit]), "", "", ""] for c in commitments]
