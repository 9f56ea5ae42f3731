from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from coaction.auth.models import User
from coaction.auth.permissions import is_signed_in, require
from coaction.core.spreadsheet import spreadsheet_csv
from coaction.core.tables import TableError
from coaction.core.web import acting_user, client_ip, config_limit, csv_delimiter, csv_download, render_form
from coaction.extensions import db, limiter
from coaction.members import bp
from coaction.members.applications import (
    ApplicationError,
    Contact,
    OrganisationDetails,
    answer_information,
    applications_of,
    approve,
    confirm_application,
    coordinator_queue,
    join_requests,
    reject,
    request_information,
    submit_application,
    unconfirmed_application,
)
from coaction.members.coverage import coverage
from coaction.members.fee_services import (
    describe_basis,
    describe_rule,
    fee_list,
    load_rules,
    rules_are_stored,
    save_rules,
)
from coaction.members.forms import (
    DecisionForm,
    DirectoryFilterForm,
    FeeRulesForm,
    InfoAnswerForm,
    JoinForm,
    LogoForm,
    OrganisationProfileForm,
    ProspectFileForm,
    ProspectReportForm,
)
from coaction.members.labels import APPLICATION_STATUS_LABELS, SECTOR_LABELS, STATUS_LABELS
from coaction.members.models import MembershipApplication, Sector
from coaction.members.organisation import (
    LOGO_MAX_BYTES,
    OrganisationError,
    change_membership,
    logo_file,
    remove_person,
    set_admin,
    store_logo,
)
from coaction.members.organisation import people as organisation_people
from coaction.members.organisation import update_profile as update_organisation_profile
from coaction.members.permissions import (
    can_decide_join_request,
    can_review_applications,
    manages_an_organisation,
)
from coaction.members.prospects import (
    TABLE_ERROR_MESSAGES,
    VERDICT_LABELS,
    check_table,
    checked_token,
    import_prospects,
    is_checked_file,
    read_prospects,
    report_from_token,
    report_token,
    tally,
)
from coaction.members.prospects import message as prospect_message
from coaction.members.services import find_members, public_organisation, public_units
from coaction.regions.services import all_municipalities, network_municipalities

form_limit = config_limit("FORM_RATE_LIMIT")
# Set by an accepted invitation: /join fills in what the network knows and links the application to it.
JOIN_INVITATION_KEY = "join_invitation_id"


@bp.app_context_processor
def _member_labels():
    return {
        "sector_labels": SECTOR_LABELS,
        "status_labels": STATUS_LABELS,
        "application_status_labels": APPLICATION_STATUS_LABELS,
    }


@bp.get("/members")
def directory():
    municipalities = network_municipalities()
    filters = DirectoryFilterForm(request.args, municipalities=municipalities)
    filters.validate()
    sector = filters.sector.data if filters.sector.data in Sector._value2member_map_ else None
    municipality = filters.municipality.data
    found = find_members(
        text=filters.q.data or "",
        sector=Sector(sector) if sector else None,
        municipality_id=int(municipality) if municipality and municipality.isdigit() else None,
        page=request.args.get("page", 1, type=int) or 1,
    )
    return render_template("members/directory.html", filters=filters, found=found)


@bp.get("/members/<slug>")
def profile(slug: str):
    from coaction.commitments.listing import Filters, find_commitments
    from coaction.travel.plans import plan_summary

    organisation = public_organisation(slug) or abort(404)
    return render_template(
        "members/profile.html",
        organisation=organisation,
        units=public_units(organisation),
        commitments=find_commitments(current_user, Filters(organisation_id=organisation.id), per_page=10),
        travel_plan=plan_summary(organisation),
    )


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(form_limit, methods=["POST"])
def join():
    from coaction.invitations.services import join_prefill

    known, invitation_id = join_prefill(session.get(JOIN_INVITATION_KEY))
    form = JoinForm(data=known if request.method == "GET" else None, municipalities=all_municipalities())
    if form.validate_on_submit():
        submit_application(
            OrganisationDetails(
                name=form.name.data.strip(),
                org_number=form.org_number.data,
                sector=form.sector.data,
                employees=form.employees.data,
                municipality_id=form.municipality.data or None,
                address=form.address.data or None,
                website=form.website.data or None,
                description=form.description.data or None,
            ),
            Contact(form.contact_name.data.strip(), form.contact_email.data, form.password.data, form.locale.data),
            form.motivation.data or None,
            client_ip(),
            invitation_id=invitation_id,
        )
        db.session.commit()
        session.pop(JOIN_INVITATION_KEY, None)
        return render_template("members/join_sent.html", email=form.contact_email.data)
    return render_form("members/join.html", form, form=form)


@bp.route("/join/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(form_limit, methods=["POST"])
def join_confirm(token: str):
    application = unconfirmed_application(token)
    if application is None:
        return render_template("auth/token_invalid.html"), 410
    form = DecisionForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            confirm_application(application, client_ip())
            db.session.commit()
        except (ApplicationError, IntegrityError):  # confirmed meanwhile, or the address taken meanwhile
            db.session.rollback()
            return render_template("auth/token_invalid.html"), 410
        return render_template("members/join_confirmed.html", application=application)
    return render_template("members/join_confirm.html", form=form, application=application)


@bp.get("/account/applications")
@require(is_signed_in)
def my_applications():
    return render_template(
        "members/my_applications.html", applications=applications_of(current_user), answer_form=InfoAnswerForm()
    )


@bp.post("/account/applications/<int:application_id>/answer")
@require(is_signed_in)
@limiter.limit(form_limit)
def answer(application_id: int):
    application = db.session.get(MembershipApplication, application_id)
    if application is None or application.user_id != current_user.id:
        abort(404)
    form = InfoAnswerForm()
    if form.validate_on_submit():
        try:
            answer_information(application, applicant=acting_user(), answer=form.answer.data, ip=client_ip())
        except ApplicationError:
            abort(409)
        db.session.commit()
        flash(_("Your answer is sent to the network office."), "success")
        return redirect(url_for("members.my_applications"))
    return render_form(
        "members/my_applications.html", form, applications=applications_of(current_user), answer_form=form
    )


@bp.get("/coordinator/")
@require(can_review_applications)
def coordinator_home():
    return render_template("coordinator/index.html")


@bp.get("/coordinator/applications")
@require(can_review_applications)
def application_queue():
    return render_template("members/queue.html", applications=coordinator_queue())


def open_application(application_id: int) -> MembershipApplication:
    return db.session.get(MembershipApplication, application_id) or abort(404)


@bp.get("/coordinator/applications/<int:application_id>")
@require(can_review_applications)
def application_detail(application_id: int):
    application = open_application(application_id)
    return render_template("members/application.html", application=application, form=DecisionForm())


DECISIONS = {"approve": approve, "reject": reject}


@bp.post("/coordinator/applications/<int:application_id>/<any(approve, reject, ask):decision>")
@require(can_review_applications)
def decide(application_id: int, decision: str):
    application = open_application(application_id)
    form = DecisionForm()
    note = (form.note.data or "").strip() or None
    if not form.validate_on_submit() or (decision in ("reject", "ask") and not note):
        form.note.errors = [*form.note.errors, _("Write a message to the applicant.")]
        return render_form("members/application.html", form, application=application, form=form)
    try:
        if decision == "ask":
            request_information(application, actor=acting_user(), question=note, ip=client_ip())
        else:
            DECISIONS[decision](application, actor=acting_user(), note=note, ip=client_ip())
    except ApplicationError:
        flash(_("This application has been decided already."), "error")
        return redirect(url_for("members.application_detail", application_id=application_id))
    db.session.commit()
    flash(_("Done: the applicant has been told by mail."), "success")
    return redirect(url_for("members.application_queue"))


@bp.get("/organisation/requests")
@require(manages_an_organisation)
def organisation_requests():
    organisation = current_user.organisation
    return render_template(
        "members/join_requests.html",
        organisation=organisation,
        requests=join_requests(organisation),
        form=DecisionForm(),
    )


@bp.post("/organisation/requests/<int:application_id>/<any(approve, reject):decision>")
@require(is_signed_in)
def decide_join_request(application_id: int, decision: str):
    application = open_application(application_id)
    if not can_decide_join_request(current_user, application):
        abort(403)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            DECISIONS[decision](application, actor=acting_user(), note=form.note.data or None, ip=client_ip())
        except ApplicationError:
            flash(_("This request has been decided already."), "error")
            return redirect(url_for("members.organisation_requests"))
        db.session.commit()
        flash(_("Done: the person has been told by mail."), "success")
    return redirect(url_for("members.organisation_requests"))


# ---- coverage, prospects and fees (the coordinator's) ----------------------------------------------------------

REPORT_TOKEN_LIMIT = 400_000  # a form field may hold 500 kB (MAX_FORM_MEMORY_SIZE); a longer report is not offered


@bp.get("/coordinator/coverage")
@require(can_review_applications)
def coverage_page():
    return render_template("members/coverage.html", coverage=coverage())


@bp.route("/coordinator/prospects", methods=["GET", "POST"])
@require(can_review_applications)
@limiter.limit(form_limit, methods=["POST"])
def prospects_page():
    form = ProspectFileForm()
    importing = request.form.get("action") == "import"
    if not form.validate_on_submit():
        return render_form("members/prospects.html", form, form=form, checked=form.checked.data if importing else None)
    secret = current_app.secret_key
    upload = form.file.data
    data, filename = upload.read(), upload.filename or ""
    if importing and not is_checked_file(form.checked.data, data, secret):
        form.file.errors = [*form.file.errors, _("This is not the file that was checked. Check it first, then import.")]
        return render_form("members/prospects.html", form, form=form)
    try:
        table = read_prospects(filename, data)
    except TableError as error:
        form.file.errors = [*form.file.errors, str(TABLE_ERROR_MESSAGES.get(error.code, TABLE_ERROR_MESSAGES["other"]))]
        return render_form("members/prospects.html", form, form=form)
    rows = check_table(table)  # at import too: against the records as they are now
    result = None
    if importing:
        result = import_prospects(rows, actor=acting_user(), filename=filename, ip=client_ip())
        db.session.commit()
    report = report_token(rows, secret)
    return render_template(
        "members/prospects.html",
        form=ProspectFileForm(formdata=None),
        filename=filename,
        rows=rows,
        counts=tally(rows),
        result=result,
        checked=None if importing else checked_token(data, secret),
        report=report if len(report) <= REPORT_TOKEN_LIMIT else None,
        report_form=ProspectReportForm(formdata=None),
        verdict_labels=VERDICT_LABELS,
        prospect_message=prospect_message,
    )


@bp.post("/coordinator/prospects/report")
@require(can_review_applications)
@limiter.limit(form_limit)
def prospects_report():
    form = ProspectReportForm()
    rows = report_from_token(form.report.data, current_app.secret_key) if form.validate_on_submit() else None
    if rows is None:
        abort(400)
    body = spreadsheet_csv(
        [_("Row"), _("Verdict"), _("Message")],
        ([row.row, str(VERDICT_LABELS[row.verdict]), prospect_message(row)] for row in rows),
        delimiter=csv_delimiter(),
    )
    return csv_download(body, "prospects-report.csv")


def fee_year() -> int:
    """?year=, or this year; a year far outside the network's life is not a request worth answering."""
    this_year = date.today().year
    year = request.args.get("year", type=int)
    return year if year is not None and 1990 <= year <= this_year + 10 else this_year


@bp.route("/coordinator/fees", methods=["GET", "POST"])
@require(can_review_applications)
@limiter.limit(form_limit, methods=["POST"])
def fees_page():
    year = fee_year()
    form = FeeRulesForm(rules=load_rules())
    if form.validate_on_submit():
        changed = save_rules(form.rules, actor=acting_user(), ip=client_ip())
        db.session.commit()
        flash(_("The fee rules are saved.") if changed else _("The fee rules are unchanged."), "success")
        return redirect(url_for("members.fees_page", year=year))
    return render_form(
        "members/fees.html",
        form,
        form=form,
        fees=fee_list(year),
        year=year,
        rules_stored=rules_are_stored(),
        describe_basis=describe_basis,
    )


@bp.get("/coordinator/fees.csv")
@require(can_review_applications)
def fees_csv():
    fees = fee_list(fee_year())
    header = [
        _("Organisation"),
        _("Organisation number"),
        _("Sector"),
        _("Municipality"),
        _("Status"),
        _("Rule"),
        _("Basis"),
        _("Fee (SEK)"),
    ]
    rows = [
        [
            line.member.name,
            line.member.org_number,
            str(SECTOR_LABELS[line.member.sector]),
            line.member.municipality,
            str(STATUS_LABELS[line.member.status]),
            describe_rule(line.rule),
            describe_basis(line, fees.figure_year),
            _("unknown") if line.fee.amount is None else line.fee.amount,
        ]
        for line in fees.lines
    ]
    rows += [
        [
            unit.name,
            unit.org_number,
            str(SECTOR_LABELS[unit.sector]),
            unit.municipality,
            str(STATUS_LABELS[unit.status]),
            "",
            _("Included in the fee of %(parent)s", parent=unit.paid_by),
            "",
        ]
        for unit in fees.units
    ]
    return csv_download(spreadsheet_csv(header, rows, delimiter=csv_delimiter()), f"fees-{fees.year}.csv")


@bp.get("/organisation")
@require(manages_an_organisation)
def organisation_page():
    organisation = current_user.organisation
    return render_organisation_page(
        organisation,
        OrganisationProfileForm(
            obj=organisation,
            data={
                "municipality": organisation.municipality_id or 0,
                "place": f"{organisation.latitude:.5f}, {organisation.longitude:.5f}"
                if organisation.latitude is not None and organisation.longitude is not None
                else "",
            },
            municipalities=all_municipalities(),
        ),
        LogoForm(),
    )


def render_organisation_page(organisation, profile_form, logo_form):
    return render_form(
        "members/organisation.html",
        profile_form,
        logo_form,
        organisation=organisation,
        profile_form=profile_form,
        logo_form=logo_form,
        people=organisation_people(organisation),
    )


@bp.post("/organisation")
@require(manages_an_organisation)
@limiter.limit(form_limit)
def organisation_profile():
    organisation = current_user.organisation
    form = OrganisationProfileForm(municipalities=all_municipalities())
    if form.validate_on_submit():
        update_organisation_profile(
            organisation,
            actor=acting_user(),
            ip=client_ip(),
            employees=form.employees.data,
            municipality_id=form.municipality.data or None,
            address=form.address.data or None,
            website=form.website.data or None,
            description=form.description.data or None,
            **dict(zip(("latitude", "longitude"), form.coordinates(), strict=True)),
        )
        db.session.commit()
        flash(_("The profile is saved."), "success")
        return redirect(url_for("members.organisation_page"))
    return render_organisation_page(organisation, form, LogoForm())


LOGO_MESSAGES = {
    "size": _l("The file is larger than 2 MB."),
    "type": _l("Only PNG and JPEG images can be used (no SVG)."),
    "pixels": _l("The image is too large: give one of at most 25 megapixels."),
}


@bp.post("/organisation/logo")
@require(manages_an_organisation)
@limiter.limit(form_limit)
def organisation_logo():
    organisation = current_user.organisation
    form = LogoForm()
    if form.validate_on_submit():
        try:
            store_logo(
                organisation,
                form.logo.data.read(LOGO_MAX_BYTES + 1),
                upload_path=current_app.config["UPLOAD_PATH"],
                actor=acting_user(),
                ip=client_ip(),
            )
        except OrganisationError as error:
            form.logo.errors.append(LOGO_MESSAGES[error.code])
        else:
            db.session.commit()
            flash(_("The logo is saved."), "success")
            return redirect(url_for("members.organisation_page"))
    profile = OrganisationProfileForm(
        obj=organisation, data={"municipality": organisation.municipality_id or 0}, municipalities=all_municipalities()
    )
    return render_organisation_page(organisation, profile, form)


PERSON_ACTIONS = {"admin": True, "member": False}


@bp.post("/organisation/people/<int:user_id>/<any(admin, member, remove):action>")
@require(manages_an_organisation)
def organisation_person(user_id: int, action: str):
    organisation = current_user.organisation
    person = db.session.get(User, user_id)
    try:
        if action == "remove":
            remove_person(organisation, person, actor=acting_user(), ip=client_ip())
        else:
            set_admin(organisation, person, PERSON_ACTIONS[action], actor=acting_user(), ip=client_ip())
    except OrganisationError as error:
        if error.code == "not_ours":
            abort(404)
        flash(_("An organisation always keeps at least one admin."), "error")
        return redirect(url_for("members.organisation_page"))
    db.session.commit()
    flash(_("Done."), "success")
    return redirect(url_for("members.organisation_page"))


@bp.post("/organisation/membership/<any(pause, resume, leave):change>")
@require(manages_an_organisation)
def organisation_membership(change: str):
    try:
        change_membership(current_user.organisation, change, actor=acting_user(), ip=client_ip())
    except OrganisationError:
        flash(_("The membership cannot change that way now."), "error")
        return redirect(url_for("members.organisation_page"))
    db.session.commit()
    flash(_("The membership is changed."), "success")
    return redirect(url_for("members.organisation_page"))


@bp.get("/members/<slug>/logo")
def logo(slug: str):
    organisation = public_organisation(slug) or abort(404)
    path = logo_file(organisation, current_app.config["UPLOAD_PATH"]) or abort(404)
    return send_file(path, mimetype="image/png", max_age=86400)
