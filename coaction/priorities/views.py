"""/priorities and /priorities/<slug> for everyone; support for member organisations' admins; editing, ordering and
moderation for the coordinator under /coordinator/priorities."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coaction.auth.forms import ConfirmForm
from coaction.auth.permissions import require
from coaction.commitments.listing import local_today
from coaction.core.web import acting_user, client_ip, config_limit, render_form
from coaction.extensions import db, limiter
from coaction.maps.views import map_shell, script_config
from coaction.priorities import bp
from coaction.priorities import services as priorities
from coaction.priorities.forms import PriorityForm, SupportForm
from coaction.priorities.labels import PLAN_LABELS, STATUS_LABELS, SUPPORT_LABELS
from coaction.priorities.mapping import priority_layer
from coaction.priorities.models import InfrastructurePriority, PrioritySupport, SupportState
from coaction.priorities.permissions import can_edit_priorities, can_state_support

form_limit = config_limit("FORM_RATE_LIMIT")


@bp.app_context_processor
def _priority_labels():
    return {"priority_status_labels": STATUS_LABELS, "plan_labels": PLAN_LABELS, "support_labels": SUPPORT_LABELS}


def priority_map(shown: list[InfrastructurePriority]) -> tuple:
    layer, words = priority_layer(shown)
    shell = map_shell([layer])
    return shell, script_config(shell, {"priorities": words})


def shown_priority(slug: str) -> InfrastructurePriority:
    return priorities.by_slug(slug) or abort(404)


@bp.get("/priorities")
def index():
    listed = priorities.ordered()
    shell, config = priority_map(listed)
    return render_template("priorities/index.html", priorities=listed, drawing=shell, map_config=config)


def render_priority(priority: InfrastructurePriority, support_form: SupportForm | None = None):
    own = None
    if can_state_support(current_user):
        own = priorities.support_of(priority, current_user.organisation_id)
        if support_form is None:
            support_form = SupportForm(statement=own.statement if own else "")
    shell, config = priority_map([priority])
    return render_form(
        "priorities/show.html",
        *([support_form] if support_form else []),
        priority=priority,
        supporters=priorities.supporters(priority),
        support_form=support_form,
        own_support=own,
        withdraw_form=ConfirmForm() if own else None,
        drawing=shell,
        map_config=config,
        geometry_json=json.dumps(priority.geometry, ensure_ascii=False) if priority.geometry else "",
        can_edit=can_edit_priorities(current_user),
    )


@bp.get("/priorities/<slug>")
def show(slug: str):
    return render_priority(shown_priority(slug))


@bp.post("/priorities/<slug>/support")
@require(can_state_support)
@limiter.limit(form_limit)
def support(slug: str):
    priority = shown_priority(slug)
    form = SupportForm()
    if not form.validate_on_submit():
        return render_priority(priority, form)
    priorities.state_support(
        priority, current_user.organisation, form.statement.data, actor=acting_user(), ip=client_ip()
    )
    db.session.commit()
    flash(_("Thank you. Your organisation's support is shown once the coordinator has approved it."), "success")
    return redirect(url_for("priorities.show", slug=priority.slug))


@bp.post("/priorities/<slug>/support/withdraw")
@require(can_state_support)
def withdraw(slug: str):
    priority = shown_priority(slug)
    own = priorities.support_of(priority, current_user.organisation_id)
    if own is None or not ConfirmForm().validate_on_submit():
        abort(404 if own is None else 400)
    priorities.withdraw_support(own, actor=acting_user(), ip=client_ip())
    db.session.commit()
    flash(_("Your organisation's support is withdrawn."), "success")
    return redirect(url_for("priorities.show", slug=priority.slug))


# ---- the coordinator ---------------------------------------------------------------------------------------------


@bp.get("/coordinator/priorities")
@require(can_edit_priorities)
def manage():
    return render_template(
        "priorities/manage.html",
        priorities=priorities.ordered(),
        pending=priorities.pending_supports(),
    )


def edit_page(form: PriorityForm, priority: InfrastructurePriority | None):
    return render_form("priorities/edit.html", form, form=form, priority=priority)


@bp.route("/coordinator/priorities/new", methods=["GET", "POST"])
@require(can_edit_priorities)
def new():
    form = PriorityForm()
    if form.validate_on_submit():
        made = priorities.create_priority(form.details(), today=local_today(), actor=acting_user(), ip=client_ip())
        db.session.commit()
        flash(_("The priority is saved."), "success")
        return redirect(url_for("priorities.show", slug=made.slug))
    return edit_page(form, None)


@bp.route("/coordinator/priorities/<int:priority_id>/edit", methods=["GET", "POST"])
@require(can_edit_priorities)
def edit(priority_id: int):
    priority = db.session.get(InfrastructurePriority, priority_id) or abort(404)
    form = PriorityForm(obj=priority)
    if request.method == "GET":
        form.status.data = priority.status.value
        form.plan.data = priority.plan.value if priority.plan else ""
        form.geometry_text.data = json.dumps(priority.geometry, ensure_ascii=False) if priority.geometry else ""
    if form.validate_on_submit():
        priorities.update_priority(priority, form.details(), today=local_today(), actor=acting_user(), ip=client_ip())
        db.session.commit()
        flash(_("The priority is saved."), "success")
        return redirect(url_for("priorities.show", slug=priority.slug))
    return edit_page(form, priority)


@bp.post("/coordinator/priorities/<int:priority_id>/move/<direction>")
@require(can_edit_priorities)
def move(priority_id: int, direction: str):
    priority = db.session.get(InfrastructurePriority, priority_id) or abort(404)
    if direction not in ("up", "down") or not ConfirmForm().validate_on_submit():
        abort(400)
    if priorities.move(priority, -1 if direction == "up" else 1, actor=acting_user(), ip=client_ip()):
        db.session.commit()
    return redirect(url_for("priorities.manage"))


@bp.post("/coordinator/priorities/supports/<int:support_id>/<decision>")
@require(can_edit_priorities)
def decide(support_id: int, decision: str):
    support = db.session.get(PrioritySupport, support_id) or abort(404)
    if decision not in ("approve", "reject") or not ConfirmForm().validate_on_submit():
        abort(400)
    if support.state != SupportState.PENDING or request.form.get("stated_at") != support.created_at.isoformat():
        flash(_("The statement has changed since the page was opened: read it again before deciding."), "error")
        return redirect(url_for("priorities.manage"))
    priorities.decide_support(support, decision == "approve", actor=acting_user(), ip=client_ip())
    db.session.commit()
    flash(_("The support is approved.") if decision == "approve" else _("The support is not shown."), "success")
    return redirect(url_for("priorities.manage"))
