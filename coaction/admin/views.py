from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from coaction.admin import bp
from coaction.admin.forms import ROLE_LABELS, ActiveForm, AuditFilterForm, RoleForm, UserFilterForm
from coaction.admin.services import LastAdminError, change_role, find_audit_events, find_users, set_active
from coaction.auth.models import Role, User
from coaction.auth.permissions import can_manage_users, can_read_audit_log, require
from coaction.core.web import acting_user, client_ip
from coaction.extensions import db


def page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.get("/")
@require(can_manage_users)
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
@require(can_manage_users)
def users():
    filters = UserFilterForm(request.args)
    filters.validate()
    found = find_users(text=filters.q.data or "", role=filters.role.data or "", page=page_number())
    return render_template(
        "admin/users.html",
        filters=filters,
        found=found,
        role_labels=ROLE_LABELS,
        role_form=RoleForm,
    )


def user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.post("/users/<int:user_id>/role")
@require(can_manage_users)
def user_role(user_id: int):
    user = user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the listed roles."), "error")
        return redirect(url_for("admin.users"))
    try:
        change_role(user, Role(form.role.data), actor=acting_user(), ip=client_ip())
    except LastAdminError:
        flash(_("The last administrator cannot be given another role."), "error")
        return redirect(url_for("admin.users"))
    db.session.commit()
    flash(_("%(email)s is now %(role)s.", email=user.email, role=ROLE_LABELS[user.role]), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
@require(can_manage_users)
def user_active(user_id: int):
    user = user_or_404(user_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        set_active(user, form.active.data == "1", actor=acting_user(), ip=client_ip())
    except LastAdminError:
        flash(_("The last administrator cannot be deactivated."), "error")
        return redirect(url_for("admin.users"))
    db.session.commit()
    if user.active:
        flash(_("%(email)s is active.", email=user.email), "success")
    else:
        flash(_("%(email)s is deactivated.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@require(can_read_audit_log)
def audit():
    filters = AuditFilterForm(request.args)
    valid = filters.validate()
    found = find_audit_events(
        action=filters.action.data or "",
        actor=filters.actor.data or "",
        target_type=filters.target_type.data or "",
        since=filters.since.data if valid else None,
        until=filters.until.data if valid else None,
        timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
        page=page_number(),
    )
    return render_template("admin/audit.html", filters=filters, found=found)
