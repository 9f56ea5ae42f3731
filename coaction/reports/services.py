"""Annual reports: the coordinator's texts, publishing (which freezes the figures) and what the public may read."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from coaction.audit.services import record
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.reports.figures import SECTIONS, compile_figures
from coaction.reports.models import AnnualReport

FIRST_YEAR = 2000
TEXT_MAX = 20_000


def report_of(year: int) -> AnnualReport | None:
    return db.session.scalar(sa.select(AnnualReport).where(AnnualReport.year == year))


def published_reports() -> list[AnnualReport]:
    return list(
        db.session.scalars(
            sa.select(AnnualReport).where(AnnualReport.published_at.is_not(None)).order_by(AnnualReport.year.desc())
        )
    )


def all_reports() -> list[AnnualReport]:
    return list(db.session.scalars(sa.select(AnnualReport).order_by(AnnualReport.year.desc())))


def reportable(year: int, today: date) -> bool:
    """A report covers a year that has begun."""
    return FIRST_YEAR <= year <= today.year


def report_for_editing(year: int) -> AnnualReport:
    """The year's report, begun (empty) if there is none yet."""
    report = report_of(year)
    if report is None:
        report = AnnualReport(year=year, texts={})
        db.session.add(report)
        db.session.flush()
    return report


def save_texts(report: AnnualReport, texts: dict[str, str], *, actor: Any, ip: str | None) -> list[str]:
    """Store the sections' texts (blank ones dropped); returns the sections whose text changed."""
    kept = {section: texts[section].strip() for section in SECTIONS if (texts.get(section) or "").strip()}
    changed = [section for section in SECTIONS if kept.get(section) != (report.texts or {}).get(section)]
    if changed:
        report.texts = kept  # a new dict: the JSON column sees the change
        record(actor, "report.texts_saved", report, {"year": report.year, "sections": changed}, ip)
        db.session.flush()
    return changed


def publish(report: AnnualReport, today: date, *, actor: Any, ip: str | None) -> None:
    """Publish with the figures as they stand today; they stay as published until the report is withdrawn."""
    report.figures = compile_figures(report.year, today)
    report.published_at = utcnow()
    report.published_by_id = getattr(actor, "id", None)
    record(actor, "report.published", report, {"year": report.year}, ip)
    db.session.flush()


def withdraw(report: AnnualReport, *, actor: Any, ip: str | None) -> None:
    """Back to a draft: off the public pages, and its figures live again until it is published anew."""
    report.figures = None
    report.published_at = None
    report.published_by_id = None
    record(actor, "report.withdrawn", report, {"year": report.year}, ip)
    db.session.flush()


def figures_of(report: AnnualReport | None, year: int, today: date) -> dict[str, Any]:
    """A published report's own figures; a draft's (or a year without a report) as they are today."""
    if report is not None and report.published and report.figures:
        return report.figures
    return compile_figures(year, today)
