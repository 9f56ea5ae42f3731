"""Ties: the office enters them, an organisation proposes one and the other confirms; and the collaboration edges
read from the database as plain rows for the pure `edges.collaboration_edges`."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from coaction.activities.models import Activity, ActivityVisibility, Answer, Participant
from coaction.audit.services import record
from coaction.auth.models import User
from coaction.core.bulk import collector_paused
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.groups.models import GroupMember
from coaction.mail.services import queue_mail
from coaction.members.models import PUBLIC_STATUSES, MembershipStatus, Organisation
from coaction.members.organisation import admins_of
from coaction.ties.edges import Edge, collaboration_edges
from coaction.ties.models import Tie, TieKind, TieState


class TieError(ValueError):
    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{name}: {code}" for name, code in problems.items()))
        self.problems = problems


def add_tie(
    organisation: Organisation,
    partner_id: int | None,
    kind: TieKind,
    *,
    starts_on: date,
    ends_on: date | None = None,
    note: str | None = None,
    confirmed: bool,
    actor,
    ip: str | None,
) -> Tie:
    """A confirmed tie (the office's, an accepted introduction) holds at once; otherwise it is a proposal the
    partner's admins answer (mailed)."""
    partner = db.session.get(Organisation, partner_id) if partner_id else None
    allowed = (*PUBLIC_STATUSES, MembershipStatus.EXTERNAL)
    problems = {}
    if partner is None or partner.id == organisation.id or partner.status not in allowed:
        problems["partner"] = "choice"
    if ends_on and ends_on < starts_on:
        problems["ends_on"] = "ends_before_start"
    if not problems and _open_tie(organisation.id, partner.id, kind):
        problems["partner"] = "already_tied"
    if problems:
        raise TieError(problems)
    tie = Tie(
        organisation=organisation,
        partner=partner,
        kind=kind,
        state=TieState.CONFIRMED if confirmed else TieState.PROPOSED,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip()[:300] or None,
        proposed_by_id=getattr(actor, "id", None),
        answered_at=utcnow() if confirmed else None,
    )
    db.session.add(tie)
    db.session.flush()
    record(actor, "tie.added", organisation, {"partner_id": partner.id, "kind": kind, "state": tie.state}, ip)
    if not confirmed:
        for admin in admins_of(partner):
            queue_mail(admin.email, "tie_proposed", admin.locale, tie=tie, person=admin)
    return tie


def _open_tie(one: int, other: int, kind: TieKind) -> bool:
    pair = sa.or_(
        sa.and_(Tie.organisation_id == one, Tie.partner_id == other),
        sa.and_(Tie.organisation_id == other, Tie.partner_id == one),
    )
    live = Tie.state.in_((TieState.PROPOSED, TieState.CONFIRMED))
    return db.session.scalar(sa.select(Tie.id).where(pair, Tie.kind == kind, live, Tie.ends_on.is_(None))) is not None


def answer_tie(tie: Tie, *, accept: bool, actor, ip: str | None) -> None:
    if tie.state != TieState.PROPOSED:
        raise TieError({"tie": "answered"})
    tie.state = TieState.CONFIRMED if accept else TieState.DECLINED
    tie.answered_at, tie.answered_by_id = utcnow(), getattr(actor, "id", None)
    db.session.flush()
    record(actor, "tie.answered", tie.partner, {"tie_id": tie.id, "state": tie.state}, ip)


def end_tie(tie: Tie, ends_on: date, *, actor, ip: str | None) -> None:
    if ends_on < tie.starts_on:
        raise TieError({"ends_on": "ends_before_start"})
    tie.ends_on = ends_on
    db.session.flush()
    record(actor, "tie.ended", tie.organisation, {"tie_id": tie.id, "ends_on": ends_on.isoformat()}, ip)


def ties_of(organisation_id: int) -> list[Tie]:
    return list(
        db.session.scalars(
            sa.select(Tie)
            .where(sa.or_(Tie.organisation_id == organisation_id, Tie.partner_id == organisation_id))
            .order_by(Tie.starts_on.desc(), Tie.id.desc())
        )
    )


def all_ties() -> list[Tie]:
    return list(db.session.scalars(sa.select(Tie).order_by(Tie.created_at.desc(), Tie.id.desc())))


def network_edges(today: date, *, public_only: bool = False) -> list[Edge]:
    """Every collaboration edge (`public_only`: leaving out members-only activities): three plain queries (rows
    as they are stored, codes as text), then the pure computation (edges.py)."""
    as_text = sa.String()
    participations = (
        sa.select(
            Participant.activity_id,
            Participant.organisation_id,
            sa.type_coerce(Participant.role, as_text),
            Activity.starts_on,
            Activity.ends_on,
        )
        .join(Activity)
        .where(Participant.answer == Answer.ACCEPTED)
    )
    if public_only:
        participations = participations.where(Activity.visibility == ActivityVisibility.PUBLIC)
    memberships = (
        sa.select(GroupMember.group_id, User.organisation_id, GroupMember.starts_on, GroupMember.ends_on)
        .join(User, User.id == GroupMember.user_id)
        .where(User.organisation_id.is_not(None))
    )
    ties = sa.select(
        Tie.organisation_id, Tie.partner_id, sa.type_coerce(Tie.kind, as_text), Tie.starts_on, Tie.ends_on
    ).where(Tie.state == TieState.CONFIRMED)
    connection = db.session.connection()
    with collector_paused():  # about 140,000 small edges at the benchmark's scale
        return collaboration_edges(
            connection.execute(participations), connection.execute(memberships), connection.execute(ties), today=today
        )
