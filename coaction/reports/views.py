from __future__ import annotations

import hashlib
from datetime import date

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from coaction.auth.forms import ConfirmForm
from coaction.auth.permissions import require
from coaction.commitments.listing import local_today
from coaction.core.settings import get_setting
from coaction.core.web import acting_user, client_ip, config_limit, render_form
from coaction.extensions import cache, db, limiter
from coaction.reports import bp
from coaction.reports import services as reports
from coaction.reports.charts import report_charts
from coaction.reports.figures import SECTIONS
from coaction.reports.forms import TextsForm, year_form
from coaction.reports.labels import SECTION_LABELS
from coaction.reports.models import AnnualReport
from coaction.reports.pdf import html_to_pdf
from coaction.reports.permissions import can_manage_reports

form_limit = config_limit("FORM_RATE_LIMIT")
PDF_CACHE_SECONDS = 24 * 3600
PDF_DRAWING_SECONDS = 300


@bp.app_context_processor
def _report_labels():
    return {"section_labels": SECTION_LABELS}


@bp.app_template_filter("isodate")
def _isodate(text: str | None) -> date | None:
    """The report's figures keep dates as ISO text (JSON); the page formats them per locale."""
    return date.fromisoformat(text[:10]) if text else None


@bp.get("/reports")
def index():
    return render_template(
        "reports/index.html", reports=reports.published_reports(), can_manage=can_manage_reports(current_user)
    )


def readable_report(year: int) -> AnnualReport | None:
    """The published report, or for the coordinator the draft (or a year not begun): anyone else gets 404."""
    if not reports.reportable(year, local_today()):
        abort(404)
    report = reports.report_of(year)
    if report is not None and report.published:
        return report
    if can_manage_reports(current_user):
        return report
    abort(404)


def report_context(year: int, report: AnnualReport | None) -> dict:
    figures = reports.figures_of(report, year, local_today())
    return {
        "year": year,
        "report": report,
        "figures": figures,
        "texts": (report.texts if report else None) or {},
        "charts": report_charts(figures),
        "sections": SECTIONS,
    }


@bp.get("/reports/<int:year>")
def show(year: int):
    report = readable_report(year)
    return render_template(
        "reports/show.html", can_manage=can_manage_reports(current_user), **report_context(year, report)
    )


@bp.get("/reports/<int:year>.pdf")
def pdf(year: int):
    report = readable_report(year)
    if report is not None and report.published:
        body = published_pdf(year, report)
        if body is None:
            busy = Response(_("The PDF is being drawn; try again in a minute."), 503, mimetype="text/plain")
            busy.headers["Retry-After"] = "30"
            return busy
    else:
        body = draw_pdf(year, report)
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="coaction-{year}.pdf"'
    if report is None or not report.published:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def draw_pdf(year: int, report: AnnualReport | None) -> bytes:
    return html_to_pdf(render_template("reports/pdf.html", **report_context(year, report)))


def pdf_cache_key(year: int, report: AnnualReport, locale: str) -> str:
    """Per language and version of the report: published again, a text edited, or the network renamed."""
    version = f"{report.published_at.timestamp()}:{report.updated_at.timestamp()}:{get_setting('network_name')}"
    return f"report-pdf:{year}:{locale}:{hashlib.sha256(version.encode()).hexdigest()[:16]}"


def published_pdf(year: int, report: AnnualReport) -> bytes | None:
    """Drawn once per version of the report and language, by one request at a time (a long report takes seconds:
    the others are told to come back rather than draw it too); None while another request draws it."""
    key = pdf_cache_key(year, report, str(get_locale()))
    body = cache.get(key)
    if body is not None:
        return body
    if not cache.add(f"{key}:drawing", True, timeout=PDF_DRAWING_SECONDS):
        return None
    try:
        body = draw_pdf(year, report)
        cache.set(key, body, timeout=PDF_CACHE_SECONDS)
    finally:
        cache.delete(f"{key}:drawing")
    return body


@bp.route("/coordinator/reports", methods=["GET", "POST"])
@require(can_manage_reports)
@limiter.limit(form_limit, methods=["POST"])
def manage():
    form = year_form(local_today().year)
    if form.validate_on_submit():
        return redirect(url_for("reports.edit", year=form.year.data))
    return render_form("reports/manage.html", form, form=form, reports=reports.all_reports())


@bp.route("/coordinator/reports/<int:year>", methods=["GET", "POST"])
@require(can_manage_reports)
@limiter.limit(form_limit, methods=["POST"])
def edit(year: int):
    if not reports.reportable(year, local_today()):
        abort(404)
    report = reports.report_of(year)
    form = TextsForm(data=(report.texts if report else None) or {})
    if form.validate_on_submit():
        report = reports.report_for_editing(year)
        texts = {section: getattr(form, section).data or "" for section in SECTIONS}
        changed = reports.save_texts(report, texts, actor=acting_user(), ip=client_ip())
        db.session.commit()
        flash(_("The texts are saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("reports.edit", year=year))
    return render_form(
        "reports/edit.html", form, form=form, year=year, report=report, sections=SECTIONS, confirm=ConfirmForm()
    )


@bp.post("/coordinator/reports/<int:year>/publish")
@require(can_manage_reports)
@limiter.limit(form_limit)
def publish(year: int):
    if not reports.reportable(year, local_today()):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    report = reports.report_for_editing(year)
    if report.published:
        flash(_("The report for %(year)s is published already.", year=year), "info")
    else:
        reports.publish(report, local_today(), actor=acting_user(), ip=client_ip())
        db.session.commit()
        flash(_("The report for %(year)s is published, with the figures as they stand today.", year=year), "success")
    return redirect(url_for("reports.show", year=year))


@bp.post("/coordinator/reports/<int:year>/withdraw")
@require(can_manage_reports)
@limiter.limit(form_limit)
def withdraw(year: int):
    report = reports.report_of(year) if reports.reportable(year, local_today()) else None
    if report is None or not ConfirmForm().validate_on_submit():
        abort(404 if report is None else 400)
    if report.published:
        reports.withdraw(report, actor=acting_user(), ip=client_ip())
        db.session.commit()
        flash(_("The report for %(year)s is a draft again and no longer public.", year=year), "success")
    return redirect(url_for("reports.edit", year=year))
