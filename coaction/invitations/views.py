from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from coaction.auth.permissions import require
from coaction.core.web import acting_user, client_ip, config_limit, render_form
from coaction.extensions import db, limiter
from coaction.invitations import bp
from coaction.invitations.forms import ActorInvitationForm, ColleagueInvitationForm, DeclineForm, NewAccountForm
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
