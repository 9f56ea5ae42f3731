import sqlalchemy as sa

from coaction.commitments.models import ProgressReport
from coaction.core import bulk
from coaction.extensions import db
from tests.factories import make_commitment, make_organisation


def report_rows(commitment_id: int, count: int) -> list[dict]:
    """Every third report with evidence, the others with None there: where the ORM would split a batch."""
    from datetime import date, timedelta

    return [
        {
            "commitment_id": commitment_id,
            "reported_on": date(2024, 1, 1) + timedelta(days=number),
            "value": float(number),
            "evidence_url": "https://example.org/underlag" if number % 3 == 0 else None,
        }
        for number in range(count)
    ]


def test_rows_with_and_without_none_go_in_as_one_statement_per_batch(app, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH", 10)
    commitment = make_commitment(make_organisation())
    statements = []

    @sa.event.listens_for(db.engine, "before_cursor_execute")
    def count(_connection, _cursor, statement, _parameters, _context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO PROGRESS_REPORT"):
            statements.append(executemany)

    progress = []
    try:
        made = bulk.insert_in_batches(ProgressReport, report_rows(commitment.id, 25), progress.append)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)

    assert made == 25 and progress == [10, 10, 5]
    assert len(statements) == 3  # one per batch, None or not
    stored = db.session.execute(
        sa.select(ProgressReport.value, ProgressReport.evidence_url, ProgressReport.created_at)
        .where(ProgressReport.commitment_id == commitment.id)
        .order_by(ProgressReport.value)
    ).all()
    assert [row.evidence_url is not None for row in stored] == [number % 3 == 0 for number in range(25)]
    assert all(row.created_at is not None for row in stored)  # a key left out still gets its default


def test_nothing_to_insert_is_no_statement(app):
    assert bulk.insert_in_batches(ProgressReport, iter(())) == 0
