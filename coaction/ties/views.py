from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coaction.auth.permissions import is_signed_in, require
from coaction.commitments.listing import local_today
from coaction.core.forms import EndDateForm
from coaction.core.web import acting_user, client_ip, config_limit, render_form
from coaction.extensions import db, limiter
from coaction.members.models import PUBLIC_STATUSES, MembershipStatus, Organisation
from coaction.ties import bp
from coaction.ties.forms import TieForm
from coaction.ties.labels import KIND_LABELS, STATE_LABELS
from coaction.ties.models import Tie, TieKind
from coaction.ties.permissions import can_answer_tie, can_end_tie, can_manage_ties, can_propose_ties
from coaction.ties.services import TieError, add_tie, all_ties, answer_tie, end_tie, ties_of

form_limit = config_limit("FORM_RATE_LIMIT")


@bp.app_context_processor
def _tie_labels():
    return {"tie_kind_labels": KIND_LABELS, "tie_state_labels": STATE_LABELS}


def tie_partners(excluding: int | None = None) -> list[Organisation]:
    statuses = (*PUBLIC_STATUSES, MembershipStatus.EXTERNAL)
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.status.in_(statuses), Organisation.id != (excluding or 0))
            .order_by(Organisation.name_key)
        )
    )


def save_tie(form: TieForm, organisation: Organisation | None, *, office: bool) -> bool:
    if not form.validate_on_submit():
        return False
    try:
        add_tie(
            organisation,
            form.partner.data,
            TieKind(form.kind.data),
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            note=form.note.data,
            confirmed=office,
            actor=acting_user(),
            ip=client_ip(),
        )
    except TieError as error:
        db.session.rollback()
        form.show_problems(error.problems)
        return False
    db.session.commit()
    return True


def render_ties(template: str, form: TieForm, ties: list[Tie]):
    return render_form(
        template,
        form,
        form=form,
        ties=ties,
        can_answer=lambda tie: can_answer_tie(current_user, tie),
        can_end=lambda tie: can_end_tie(current_user, tie),
        today=local_today(),
    )


@bp.route("/organisation/ties", methods=["GET", "POST"])
@require(can_propose_ties)
@limiter.limit(form_limit, methods=["POST"])
def mine():
    organisation = current_user.organisation
    form = TieForm(organisations=tie_partners(excluding=organisation.id))
    if save_tie(form, organisation, office=False):
        flash(_("The tie is proposed; the other organisation confirms it."), "success")
        return redirect(url_for("ties.mine"))
    return render_ties("ties/mine.html", form, ties_of(organisation.id))


@bp.route("/coordinator/ties", methods=["GET", "POST"])
@require(can_manage_ties)
@limiter.limit(form_limit, methods=["POST"])
def office():
    form = TieForm(organisations=tie_partners(), office=True)
    organisation = db.session.get(Organisation, form.organisation.data) if form.organisation.data else None
    if request.method == "POST" and organisation is None:
        form.validate_on_submit()
        form.organisation.errors = [*form.organisation.errors, _("Choose from the list.")]
    elif save_tie(form, organisation, office=True):
        flash(_("The tie is entered."), "success")
        return redirect(url_for("ties.office"))
    return render_ties("ties/office.html", form, all_ties())


def tie_or_404(tie_id: int) -> Tie:
    return db.session.get(Tie, tie_id) or abort(404)


@bp.post("/ties/<int:tie_id>/answer")
@require(is_signed_in)
@limiter.limit(form_limit)
def answer(tie_id: int):
    tie = tie_or_404(tie_id)
    if not can_answer_tie(current_user, tie):
        abort(403)
    choice = request.form.get("answer")
    if choice not in ("accept", "decline"):
        abort(400)
    answer_tie(tie, accept=choice == "accept", actor=acting_user(), ip=client_ip())
    db.session.commit()
    flash(_("The answer is saved."), "success")
    return redirect(url_for("ties.mine"))


@bp.post("/ties/<int:tie_id>/end")
@require(is_signed_in)
@limiter.limit(form_limit)
def end(tie_id: int):
    tie = tie_or_404(tie_id)
    if not can_end_tie(current_user, tie):
        abort(403)
    form = EndDateForm()
    if not form.validate_on_submit():
        abort(400)
    ends_on = form.ends_on.data
    try:
        end_tie(tie, ends_on, actor=acting_user(), ip=client_ip())
    except TieError:
        abort(400)
    db.session.commit()
    flash(_("The tie ends on %(date)s.", date=ends_on.isoformat()), "success")
    return redirect(url_for("ties.office" if can_manage_ties(current_user) else "ties.mine"))
