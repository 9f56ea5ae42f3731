from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coaction.auth.permissions import is_signed_in, require
from coaction.core.web import client_ip, render_form
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
from coaction.members.forms import DecisionForm, DirectoryFilterForm, InfoAnswerForm, JoinForm
from coaction.members.labels import APPLICATION_STATUS_LABELS, SECTOR_LABELS, STATUS_LABELS
from coaction.members.models import MembershipApplication, Sector
from coaction.members.permissions import (
    can_decide_join_request,
    can_review_applications,
    manages_an_organisation,
)
from coaction.members.services import find_members, public_organisation, public_units
from coaction.regions.services import all_municipalities, network_municipalities


def form_limit() -> str:
    return current_app.config["FORM_RATE_LIMIT"]


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
    organisation = public_organisation(slug) or abort(404)
    return render_template("members/profile.html", organisation=organisation, units=public_units(organisation))


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(form_limit, methods=["POST"])
def join():
    form = JoinForm(municipalities=all_municipalities())
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
        )
        db.session.commit()
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
        except ApplicationError:
            db.session.rollback()
            return render_template("auth/token_invalid.html"), 410
        db.session.commit()
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
            answer_information(application, applicant=current_user, answer=form.answer.data, ip=client_ip())
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
            request_information(application, actor=current_user, question=note, ip=client_ip())
        else:
            DECISIONS[decision](application, actor=current_user, note=note, ip=client_ip())
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
            DECISIONS[decision](application, actor=current_user, note=form.note.data or None, ip=client_ip())
        except ApplicationError:
            flash(_("This request has been decided already."), "error")
            return redirect(url_for("members.organisation_requests"))
        db.session.commit()
        flash(_("Done: the person has been told by mail."), "success")
    return redirect(url_for("members.organisation_requests"))
