from flask import abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user

from coaction.auth.permissions import require
from coaction.core.spreadsheet import spreadsheet_csv
from coaction.core.tables import TableError
from coaction.core.web import acting_user, client_ip, config_limit, csv_delimiter, csv_download, render_form
from coaction.extensions import db, limiter
from coaction.invitations import bp, bulk
from coaction.invitations.forms import (
    ActorInvitationForm,
    BulkInvitationForm,
    ColleagueInvitationForm,
    DeclineForm,
    NewAccountForm,
)
from coaction.invitations.funnel import funnel, funnel_by
from coaction.invitations.models import Invitation, InvitationKind, InvitationStatus
from coaction.invitations.permissions import can_invite_actors, can_manage_invitation
from coaction.invitations.services import (
    INVITABLE_STATUSES,
    InvitationError,
    NewOrganisation,
    accept_actor_invitation,
    accept_colleague_invitation,
    decline,
    effective_status,
    find_invitations,
    funnel_facts,
    invitation_by_token,
    invite_actor,
    invite_colleague,
    join_as_existing_user,
    mark_opened,
    new_prospect,
    resend,
    revoke,
)
from coaction.invitations.statuses import INVITATION_STATUS_LABELS, STAGE_LABELS
from coaction.members.models import PUBLIC_STATUSES, Organisation
from coaction.members.permissions import manages_an_organisation
from coaction.members.services import organisations_with_status
from coaction.members.views import JOIN_INVITATION_KEY

invite_limit = config_limit("INVITE_RATE_LIMIT")
form_limit = config_limit("FORM_RATE_LIMIT")


@bp.app_context_processor
def _invitation_labels():
    return {"invitation_status_labels": INVITATION_STATUS_LABELS, "invitation_status": effective_status}


@bp.get("/coordinator/invitations")
@require(can_invite_actors)
def index():
    status = request.args.get("status", "")
    found = find_invitations(kind=InvitationKind.ACTOR, status=status, page=request.args.get("page", 1, type=int) or 1)
    return render_template("invitations/index.html", found=found, status=status, statuses=list(InvitationStatus))


@bp.route("/coordinator/invitations/new", methods=["GET", "POST"])
@require(can_invite_actors)
@limiter.limit(invite_limit, methods=["POST"])
def new():
    form = ActorInvitationForm(prospects=organisations_with_status(INVITABLE_STATUSES))
    if form.validate_on_submit():
        if form.organisation.data:
            organisation = db.session.get(Organisation, form.organisation.data) or abort(404)
        else:
            organisation = new_prospect(
                NewOrganisation(name=form.new_name.data.strip(), sector=form.new_sector.data),
                actor=acting_user(),
                ip=client_ip(),
            )
        try:
            invite_actor(
                organisation,
                form.email.data,
                message=form.message.data or None,
                locale=form.locale.data,
                actor=acting_user(),
                ip=client_ip(),
            )
        except InvitationError as error:
            db.session.rollback()
            form.email.errors.append(
                _("There is an open invitation for this address already.")
                if error.code == "duplicate"
                else _("This organisation cannot be invited: it is a member or has applied.")
            )
        else:
            db.session.commit()
            flash(_("The invitation is sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("invitations.index"))
    return render_form("invitations/new.html", form, form=form)


def managed_invitation(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not can_manage_invitation(current_user, invitation):
        abort(404)
    return invitation


def back_to_list(invitation: Invitation):
    if invitation.kind == InvitationKind.ACTOR:
        return redirect(url_for("invitations.index"))
    return redirect(url_for("invitations.colleagues"))


@bp.post("/invitations/<int:invitation_id>/<any(resend, revoke):action>")
@require(lambda user: user.is_authenticated)
@limiter.limit(invite_limit)
def manage(invitation_id: int, action: str):
    invitation = managed_invitation(invitation_id)
    try:
        (resend if action == "resend" else revoke)(invitation, actor=acting_user(), ip=client_ip())
    except InvitationError:
        flash(_("This invitation is closed and cannot be changed."), "error")
        return back_to_list(invitation)
    db.session.commit()
    flash(_("A new link is sent.") if action == "resend" else _("The invitation is revoked."), "success")
    return back_to_list(invitation)


@bp.route("/organisation/colleagues", methods=["GET", "POST"])
@require(manages_an_organisation)
@limiter.limit(invite_limit, methods=["POST"])
def colleagues():
    organisation = current_user.organisation
    form = ColleagueInvitationForm()
    if form.validate_on_submit():
        try:
            invite_colleague(
                organisation, form.email.data, locale=form.locale.data, actor=acting_user(), ip=client_ip()
            )
        except InvitationError:
            db.session.rollback()
            form.email.errors.append(_("There is an open invitation for this address already."))
        else:
            db.session.commit()
            flash(_("The invitation is sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("invitations.colleagues"))
    invitations = find_invitations(kind=InvitationKind.COLLEAGUE, organisation_id=organisation.id)
    return render_form(
        "invitations/colleagues.html", form, form=form, organisation=organisation, invitations=invitations
    )


def link_gone():
    return render_template("auth/token_invalid.html"), 410


@bp.get("/invitations/<token>")
def show(token: str):
    invitation = invitation_by_token(token)
    if invitation is None:
        return link_gone()
    mark_opened(invitation)
    db.session.commit()
    return render_template(
        "invitations/show.html",
        invitation=invitation,
        token=token,
        decline_form=DeclineForm(),
        account_form=NewAccountForm(),
        joins_member=invitation.kind == InvitationKind.COLLEAGUE or invitation.organisation.status in PUBLIC_STATUSES,
    )


@bp.post("/invitations/<token>/decline")
@limiter.limit(form_limit)
def decline_invitation(token: str):
    invitation = invitation_by_token(token)
    if invitation is None:
        return link_gone()
    form = DeclineForm()
    if form.validate_on_submit():
        decline(invitation, form.reason.data or None, client_ip())
        db.session.commit()
        return render_template("invitations/declined.html")
    return redirect(url_for("invitations.show", token=token))


@bp.post("/invitations/<token>/accept")
@limiter.limit(form_limit)
def accept(token: str):
    invitation = invitation_by_token(token)
    if invitation is None:
        return link_gone()
    joins_member = invitation.kind == InvitationKind.COLLEAGUE or invitation.organisation.status in PUBLIC_STATUSES
    if not joins_member:
        accept_actor_invitation(invitation, client_ip())
        db.session.commit()
        session[JOIN_INVITATION_KEY] = invitation.id
        return redirect(url_for("members.join"))
    if current_user.is_authenticated:
        try:
            join_as_existing_user(invitation, acting_user(), client_ip())
        except InvitationError:
            db.session.rollback()
            flash(
                _("This invitation is for another address, or your account belongs to another organisation."), "error"
            )
            return redirect(url_for("invitations.show", token=token))
        db.session.commit()
        flash(_("You are now part of %(organisation)s.", organisation=invitation.organisation.name), "success")
        return redirect(url_for("auth.account"))
    form = NewAccountForm()
    form.personal_words = [form.name.data or "", invitation.email, invitation.organisation.name]
    if form.validate_on_submit():
        try:
            user = accept_colleague_invitation(
                invitation, name=form.name.data.strip(), password=form.password.data, ip=client_ip()
            )
        except InvitationError:
            db.session.rollback()
            flash(_("There is an account for this address already: log in, then follow the link again."), "info")
            return redirect(url_for("auth.login", next=url_for("invitations.show", token=token)))
        db.session.commit()
        login_user(user)
        session["lang"] = user.locale
        flash(_("Welcome! You are now part of %(organisation)s.", organisation=invitation.organisation.name), "success")
        return redirect(url_for("auth.account"))
    return render_form(
        "invitations/show.html",
        form,
        invitation=invitation,
        token=token,
        decline_form=DeclineForm(),
        account_form=form,
        joins_member=True,
    )


@bp.get("/coordinator/invitations/funnel")
@require(can_invite_actors)
def funnel_page():
    facts = funnel_facts()
    return render_template(
        "invitations/funnel.html",
        overall=funnel(facts),
        by_sector=funnel_by(facts, "sector"),
        by_municipality=funnel_by(facts, "municipality"),
        stage_labels=STAGE_LABELS,
    )


# ---- bulk invitations from a file ------------------------------------------------------------------------------


@bp.route("/coordinator/invitations/bulk", methods=["GET", "POST"])
@require(can_invite_actors)
@limiter.limit(invite_limit, methods=["POST"])
def bulk_upload():
    """Check a file of organisations and addresses; the check is stored, nothing is sent yet."""
    form = BulkInvitationForm()
    if form.validate_on_submit():
        upload = form.file.data
        data, filename = upload.read(), upload.filename or ""
        try:
            table = bulk.read_invitations(filename, data)
        except TableError as error:
            messages = bulk.TABLE_ERROR_MESSAGES
            form.file.errors = [*form.file.errors, str(messages.get(error.code, messages["other"]))]
        else:
            batch = bulk.create_batch(
                table,
                filename=filename,
                message=(form.message.data or "").strip() or None,
                actor=acting_user(),
                ip=client_ip(),
            )
            db.session.commit()
            return redirect(url_for("invitations.bulk_batch", batch_id=batch.id))
    return render_form("invitations/bulk.html", form, form=form, batches=bulk.recent_batches())


@bp.get("/coordinator/invitations/bulk/<int:batch_id>")
@require(can_invite_actors)
def bulk_batch(batch_id: int):
    """The check of every row before sending; the progress while the job sends; the outcome after."""
    batch = bulk.batch_of(batch_id) or abort(404)
    return render_template(
        "invitations/bulk_batch.html",
        batch=batch,
        counts=bulk.verdict_counts(batch),
        outcomes=bulk.outcome_counts(batch),
        sending=batch.started_at is not None and batch.finished_at is None,
        progress_text=progress_text(batch),
        sendable=bulk.SENDABLE,
        verdict_labels=bulk.VERDICT_LABELS,
        row_message=bulk.row_message,
        row_outcome=bulk.row_outcome,
    )


def progress_text(batch) -> str:
    return _("Sending: %(sent)s of %(total)s invitations sent.", sent=batch.sent, total=batch.to_send)


@bp.get("/coordinator/invitations/bulk/<int:batch_id>/progress.json")
@require(can_invite_actors)
def bulk_progress(batch_id: int):
    """What the sending page's script polls; the page itself never refreshes on its own."""
    batch = bulk.batch_of(batch_id) or abort(404)
    return jsonify(
        sent=batch.sent,
        done=batch.sent,
        total=batch.to_send,
        finished=batch.finished_at is not None,
        text=progress_text(batch),
    )


@bp.post("/coordinator/invitations/bulk/<int:batch_id>/send")
@require(can_invite_actors)
@limiter.limit(invite_limit)
def bulk_send(batch_id: int):
    batch = bulk.batch_of(batch_id) or abort(404)
    started = bulk.start_sending(batch, actor=acting_user(), ip=client_ip())
    db.session.commit()
    if started == "started":
        flash(
            ngettext("Sending %(num)s invitation.", "Sending %(num)s invitations.", batch.to_send),
            "success",
        )
    elif started == "nothing":
        flash(_("No row of this file can be invited: correct the file and check it again."), "error")
    else:
        flash(_("The invitations of this file are being sent or have been sent already."), "info")
    return redirect(url_for("invitations.bulk_batch", batch_id=batch.id))


@bp.get("/coordinator/invitations/bulk/<int:batch_id>/report.csv")
@require(can_invite_actors)
def bulk_report(batch_id: int):
    """Every row of the file with its verdict and, once sent, its outcome."""
    batch = bulk.batch_of(batch_id) or abort(404)
    body = spreadsheet_csv(bulk.report_header(), bulk.report_rows(batch), delimiter=csv_delimiter())
    return csv_download(body, f"invitations-{batch.id}.csv")
