from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from coaction.auth.permissions import is_signed_in, require
from coaction.commitments import bp
from coaction.commitments.charts import commitment_chart
from coaction.commitments.evidence import MAX_BYTES as EVIDENCE_MAX_BYTES
from coaction.commitments.evidence import evidence_path
from coaction.commitments.forms import (
    REPORT_FILE_COLUMNS,
    REPORT_ROW_MESSAGES,
    CommitmentFilterBase,
    CommitmentFilterForm,
    CommitmentForm,
    FollowUpForm,
    ReportFileForm,
    ReportForm,
    TemplateForm,
    VerifyForm,
    WithdrawForm,
    table_messages,
)
from coaction.commitments.labels import (
    CATEGORY_LABELS,
    STATUS_COLOURS,
    STATUS_EXPLANATIONS,
    STATUS_ICONS,
    STATUS_LABELS,
    UNIT_LABELS,
    VERIFICATION_ICONS,
    VERIFICATION_LABELS,
    VISIBILITY_LABELS,
    csv_labels,
)
from coaction.commitments.listing import (
    CSV_COLUMNS,
    SORTS,
    STATUS_ORDER,
    Filters,
    csv_rows,
    find_commitments,
    load_with_states,
    local_today,
    organisation_commitments,
    overview,
    reporting_period,
    reports_of,
    state_for,
    tolerance,
)
from coaction.commitments.models import Category, Commitment, CommitmentTemplate, ProgressReport, Unit
from coaction.commitments.permissions import (
    can_edit_commitment,
    can_make_commitments,
    can_manage_templates,
    can_report_progress,
    can_see_commitment,
    can_verify,
    has_an_organisation,
)
from coaction.commitments.progress import Status, Verification
from coaction.commitments.report_file import apply_report_file, check_report_file, report_file_template
from coaction.commitments.services import (
    CommitmentError,
    ReportInput,
    active_templates,
    add_report,
    all_templates,
    create_commitment,
    details_from_template,
    focus_areas,
    save_template,
    update_commitment,
    verify_commitment,
    withdraw_commitment,
)
from coaction.core.settings import set_setting
from coaction.core.spreadsheet import spreadsheet_csv
from coaction.core.tables import TableError
from coaction.core.uploads import private_download
from coaction.core.web import acting_user, client_ip, config_limit, csv_delimiter, csv_download, render_form
from coaction.extensions import db, limiter
from coaction.goals.services import current_plan_year, goal_choices
from coaction.members.models import PUBLIC_STATUSES, Organisation, Sector
from coaction.members.organisation import people as organisation_people
from coaction.regions.services import all_municipalities, network_municipalities

form_limit = config_limit("FORM_RATE_LIMIT")


@bp.app_context_processor
def _commitment_labels():
    return {
        "category_labels": CATEGORY_LABELS,
        "unit_labels": UNIT_LABELS,
        "visibility_labels": VISIBILITY_LABELS,
        "commitment_status_labels": STATUS_LABELS,
        "status_icons": STATUS_ICONS,
        "status_colours": STATUS_COLOURS,
        "verification_labels": VERIFICATION_LABELS,
        "verification_icons": VERIFICATION_ICONS,
        "status_order": STATUS_ORDER,
        "status_explanations": STATUS_EXPLANATIONS,
    }


def locale() -> str:
    return str(get_locale())


def this_years_goals() -> list[tuple[int, str]]:
    return goal_choices(current_plan_year(local_today().year))


def _int(value: str | None) -> int | None:
    # ASCII digits only: "²".isdigit() is true, and int() refuses it
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


def listed_organisation(organisation_id: int | None) -> Organisation | None:
    """The organisation a filter names, when the public may know of it (else the filter names nobody)."""
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    return organisation if organisation is not None and organisation.status in PUBLIC_STATUSES else None


def _chosen(form, name: str, enum):
    """The member of `enum` the form's field `name` holds; None when the form has no such field or it is blank."""
    field = getattr(form, name, None)
    return enum(field.data) if field is not None and field.data in enum._value2member_map_ else None


def filters_from(args, form_class: type[CommitmentFilterBase] = CommitmentFilterForm) -> tuple[Filters, Any]:
    """The filters of the commitment list (or of the map, with its form): what is not understood is left out."""
    extra = {"goals": this_years_goals()} if issubclass(form_class, CommitmentFilterForm) else {}
    places = network_municipalities()
    form = form_class(args, focus_areas=focus_areas(), municipalities=places, locale=locale(), **extra)
    form.validate()
    search = getattr(form, "q", None)
    sort = getattr(form, "sort", None)
    filters = Filters(
        organisation_id=_int(args.get("organisation")),
        category=_chosen(form, "category", Category),
        focus_area_id=_int(form.focus_area.data),
        status=_chosen(form, "status", Status),
        municipality_id=_int(form.municipality.data),
        sector=_chosen(form, "sector", Sector),
        goal_id=_int(args.get("goal")) if extra else None,
        verification=_chosen(form, "verification", Verification),
        q=((search.data or "") if search is not None else "")[:200],
        sort=sort.data if sort is not None and sort.data in SORTS else "title",
    )
    return filters, form


@bp.get("/commitments")
def index():
    filters, form = filters_from(request.args)
    found = find_commitments(current_user, filters, page=request.args.get("page", 1, type=int) or 1)
    organisation = listed_organisation(filters.organisation_id)
    return render_template("commitments/index.html", form=form, found=found, organisation=organisation)


@bp.get("/commitments.csv")
def export_csv():
    filters, _form = filters_from(request.args)
    body = spreadsheet_csv(
        CSV_COLUMNS, csv_rows(current_user, filters, csv_labels(locale())), delimiter=csv_delimiter()
    )
    return csv_download(body, f"commitments-{local_today().isoformat()}.csv")


def visible_commitment(commitment_id: int) -> Commitment:
    """404 for what does not exist and for what the viewer may not see: both look the same from outside."""
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or not can_see_commitment(current_user, commitment):
        abort(404)
    return commitment


def render_commitment(commitment: Commitment, report_form=None, verify_form=None, withdraw_form=None):
    reports = reports_of(commitment)
    state = state_for(commitment)
    return render_form(
        "commitments/show.html",
        *(form for form in (report_form, verify_form, withdraw_form) if form is not None),
        commitment=commitment,
        state=state,
        reports=reports,
        chart=commitment_chart(commitment, reports, state),
        report_form=report_form or (ReportForm() if can_report_progress(current_user, commitment) else None),
        verify_form=verify_form or (VerifyForm() if can_verify(current_user) and reports else None),
        withdraw_form=withdraw_form
        or (WithdrawForm() if can_edit_commitment(current_user, commitment) and not commitment.withdrawn_at else None),
        can_edit=can_edit_commitment(current_user, commitment),
        tolerance=tolerance(),
        today=local_today(),
    )


@bp.get("/commitments/<int:commitment_id>")
def show(commitment_id: int):
    return render_commitment(visible_commitment(commitment_id))


@bp.post("/commitments/<int:commitment_id>/reports")
@require(is_signed_in)
@limiter.limit(form_limit)
def report(commitment_id: int):
    commitment = visible_commitment(commitment_id)
    if not can_report_progress(current_user, commitment):
        abort(403)
    form = ReportForm()
    if form.validate_on_submit():
        upload = form.evidence.data
        try:
            add_report(
                commitment,
                ReportInput(
                    reported_on=form.reported_on.data,
                    value=form.value.data,
                    comment=form.comment.data,
                    evidence_url=form.evidence_url.data or None,
                    evidence=upload.read(EVIDENCE_MAX_BYTES + 1) if upload else None,
                    evidence_name=upload.filename if upload else None,
                ),
                today=local_today(),
                upload_path=current_app.config["UPLOAD_PATH"],
                actor=acting_user(),
                ip=client_ip(),
            )
        except CommitmentError as error:
            db.session.rollback()
            form.show_problems(error.problems)
            return render_commitment(commitment, report_form=form)
        db.session.commit()
        flash(_("Thank you: the report is saved."), "success")
        return redirect(url_for("commitments.show", commitment_id=commitment.id))
    return render_commitment(commitment, report_form=form)


@bp.get("/commitments/<int:commitment_id>/reports/<int:report_id>/evidence")
def evidence(commitment_id: int, report_id: int):
    commitment = visible_commitment(commitment_id)
    progress = db.session.get(ProgressReport, report_id)
    if progress is None or progress.commitment_id != commitment.id:
        abort(404)
    path = evidence_path(progress.evidence_file, current_app.config["UPLOAD_PATH"]) or abort(404)
    return private_download(
        path,
        progress.evidence_type,
        progress.evidence_name or path.name,
        as_attachment=progress.evidence_type == "application/pdf",
    )


def commitment_form(commitment: Commitment | None, organisation: Organisation, **kwargs) -> CommitmentForm:
    return CommitmentForm(
        focus_areas=focus_areas(),
        municipalities=all_municipalities(),
        goals=_goal_options(commitment),
        people=organisation_people(organisation),
        locale=locale(),
        **kwargs,
    )


def _goal_options(commitment: Commitment | None) -> list[tuple[int, str]]:
    """This year's goals, and any older one the commitment is still linked to (so that saving keeps it)."""
    options = this_years_goals()
    known = {goal_id for goal_id, _ in options}
    if commitment is not None:
        options += [(goal.id, f"{goal.title} ({goal.plan_year})") for goal in commitment.goals if goal.id not in known]
    return options


def form_data(commitment: Commitment) -> dict:
    return {
        "title": commitment.title,
        "description": commitment.description,
        "focus_area": commitment.focus_area_id or 0,
        "category": commitment.category.value,
        "indicator": commitment.indicator,
        "unit": commitment.unit.value,
        "baseline_value": commitment.baseline_value,
        "baseline_year": commitment.baseline_year,
        "target_value": commitment.target_value,
        "target_year": commitment.target_year,
        "milestones": "\n".join(f"{m.year} {m.value:g}" for m in commitment.milestones),
        "visibility": commitment.visibility.value,
        "municipalities": [p.municipality_id for p in commitment.locations if p.municipality_id],
        "coordinates": "\n".join(
            f"{p.latitude:.5f}, {p.longitude:.5f}" for p in commitment.locations if not p.municipality_id
        ),
        "goals": [goal.id for goal in commitment.goals],
        "responsible": commitment.responsible_id or 0,
    }


@bp.route("/organisation/commitments/new", methods=["GET", "POST"])
@require(can_make_commitments)
@limiter.limit(form_limit, methods=["POST"])
def new():
    organisation = current_user.organisation
    template = db.session.get(CommitmentTemplate, _int(request.values.get("template")) or 0)
    if template is not None and not template.active:
        template = None
    start = details_from_template(template, local_today().year) if template else {"visibility": "public"}
    form = commitment_form(None, organisation, data=start if request.method == "GET" else None)
    if (details := form.submitted_details()) is not None:
        try:
            commitment = create_commitment(
                organisation, details, actor=acting_user(), ip=client_ip(), template=template
            )
        except CommitmentError as error:
            db.session.rollback()
            form.show_problems(error.problems)
        else:
            db.session.commit()
            flash(_("The commitment is saved. Report progress on it here when you have a value."), "success")
            return redirect(url_for("commitments.show", commitment_id=commitment.id))
    return render_form(
        "commitments/edit.html", form, form=form, commitment=None, started_from=template, templates=active_templates()
    )


@bp.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@require(is_signed_in)
@limiter.limit(form_limit, methods=["POST"])
def edit(commitment_id: int):
    commitment = visible_commitment(commitment_id)
    if not can_edit_commitment(current_user, commitment) or commitment.withdrawn_at is not None:
        abort(403)
    form = commitment_form(
        commitment, commitment.organisation, data=form_data(commitment) if request.method == "GET" else None
    )
    if (details := form.submitted_details()) is not None:
        try:
            update_commitment(commitment, details, actor=acting_user(), ip=client_ip())
        except CommitmentError as error:
            db.session.rollback()
            form.show_problems(error.problems)
        else:
            db.session.commit()
            flash(_("The changes are saved."), "success")
            return redirect(url_for("commitments.show", commitment_id=commitment.id))
    return render_form("commitments/edit.html", form, form=form, commitment=commitment, started_from=None, templates=[])


@bp.post("/commitments/<int:commitment_id>/withdraw")
@require(is_signed_in)
@limiter.limit(form_limit)
def withdraw(commitment_id: int):
    commitment = visible_commitment(commitment_id)
    if not can_edit_commitment(current_user, commitment):
        abort(403)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return render_commitment(commitment, withdraw_form=form)
    try:
        withdraw_commitment(commitment, reason=form.reason.data or None, actor=acting_user(), ip=client_ip())
    except CommitmentError:
        abort(409)
    db.session.commit()
    flash(_("The commitment is withdrawn. It and its reports are kept, but it is no longer listed."), "success")
    return redirect(url_for("commitments.dashboard"))


@bp.post("/commitments/<int:commitment_id>/verify")
@require(can_verify)
def verify(commitment_id: int):
    commitment = visible_commitment(commitment_id)
    form = VerifyForm()
    if not form.validate_on_submit():
        return render_commitment(commitment, verify_form=form)
    try:
        verify_commitment(commitment, note=form.note.data, actor=acting_user(), ip=client_ip())
    except CommitmentError:
        abort(409)
    db.session.commit()
    flash(_("Verified. The commitment now shows that the network office has checked it."), "success")
    return redirect(url_for("commitments.show", commitment_id=commitment.id))


@bp.get("/organisation/commitments")
@require(has_an_organisation)
def dashboard():
    own = organisation_commitments(current_user.organisation_id)
    standing = [item for item in own if not item.commitment.withdrawn_at]
    counts = {status: sum(1 for item in standing if item.state.status == status) for status in STATUS_ORDER}
    return render_template(
        "commitments/dashboard.html",
        organisation=current_user.organisation,
        own=own,
        counts=counts,
        due=[item for item in standing if item.due],
        templates=active_templates() if can_make_commitments(current_user) else [],
        may_create=can_make_commitments(current_user),
        period=reporting_period(),
    )


@bp.route("/organisation/commitments/report-file", methods=["GET", "POST"])
@require(can_make_commitments)
@limiter.limit(form_limit, methods=["POST"])
def report_file():
    form = ReportFileForm()
    checked = None
    problem = None
    if form.validate_on_submit() and form.file.data:
        upload = form.file.data
        try:
            checked = check_report_file(
                current_user.organisation, upload.filename or "", upload.read(), today=local_today()
            )
        except TableError as error:
            problem = error.code
        else:
            if checked and not any(row.problem for row in checked):
                saved = apply_report_file(current_user.organisation, checked, actor=acting_user(), ip=client_ip())
                db.session.commit()
                flash(_("%(count)s reports saved.", count=saved), "success")
                return redirect(url_for("commitments.dashboard"))
    body, status = render_form(
        "commitments/report_file.html",
        form,
        form=form,
        checked=checked,
        problem=problem,
        table_problems=table_messages(REPORT_FILE_COLUMNS),
        row_problems=REPORT_ROW_MESSAGES,
    )
    return body, 422 if problem or checked else status


@bp.get("/organisation/commitments/report-file/template.csv")
@require(can_make_commitments)
def report_file_template_csv():
    header, rows = report_file_template(current_user.organisation)
    return csv_download(spreadsheet_csv(header, rows, delimiter=csv_delimiter()), "progress-reports.csv")


@bp.get("/coordinator/commitments")
@require(can_verify)
def office_dashboard():
    from coaction.goals.models import PlanGoal
    from coaction.regions.models import Municipality

    summary = overview(current_user)
    goals = {goal.id: goal for goal in db.session.scalars(db.select(PlanGoal).where(PlanGoal.id.in_(summary.by_goal)))}
    municipalities = {m.id: m for m in db.session.scalars(db.select(Municipality))}
    shown = 50
    return render_template(
        "commitments/office.html",
        summary=summary,
        goals=goals,
        municipalities=municipalities,
        overdue=load_with_states(summary.overdue[:shown]),
        stale=load_with_states(summary.stale[:shown]),
        to_verify=load_with_states(summary.to_verify[:shown]),
        shown=shown,
    )


@bp.route("/coordinator/commitments/settings", methods=["GET", "POST"])
@require(can_verify)
@limiter.limit(form_limit, methods=["POST"])
def follow_up_settings():
    from coaction.audit.services import record

    form = FollowUpForm(data={"tolerance": int(tolerance()), "period": reporting_period().value})
    if form.validate_on_submit():
        before = {"tolerance": tolerance(), "period": reporting_period().value}
        set_setting("status_tolerance", str(form.tolerance.data))
        set_setting("reporting_period", form.period.data)
        record(
            acting_user(),
            "setting.follow_up_changed",
            None,
            {"before": before, "after": {"tolerance": form.tolerance.data, "period": form.period.data}},
            client_ip(),
        )
        db.session.commit()
        flash(_("The follow-up settings are saved."), "success")
        return redirect(url_for("commitments.office_dashboard"))
    return render_form("commitments/settings.html", form, form=form)


@bp.get("/coordinator/templates")
@require(can_manage_templates)
def templates():
    return render_template("commitments/templates.html", templates=all_templates())


@bp.route("/coordinator/templates/new", methods=["GET", "POST"])
@bp.route("/coordinator/templates/<int:template_id>", methods=["GET", "POST"])
@require(can_manage_templates)
@limiter.limit(form_limit, methods=["POST"])
def template_form(template_id: int | None = None):
    template = db.session.get(CommitmentTemplate, template_id) or abort(404) if template_id else None
    start = (
        {
            "title": template.title,
            "description": template.description,
            "focus_area": template.focus_area_id or 0,
            "category": template.category.value,
            "indicator": template.indicator,
            "unit": template.unit.value,
            "active": template.active,
        }
        if template and request.method == "GET"
        else None
    )
    form = TemplateForm(data=start, focus_areas=focus_areas(), locale=locale())
    if form.validate_on_submit():
        save_template(
            template,
            actor=acting_user(),
            ip=client_ip(),
            title=form.title.data.strip(),
            description=(form.description.data or "").strip() or None,
            focus_area_id=form.focus_area.data or None,
            category=Category(form.category.data),
            indicator=form.indicator.data.strip(),
            unit=Unit(form.unit.data),
            active=form.active.data,
        )
        db.session.commit()
        flash(_("The template is saved."), "success")
        return redirect(url_for("commitments.templates"))
    return render_form("commitments/template_form.html", form, form=form, standard=template)
