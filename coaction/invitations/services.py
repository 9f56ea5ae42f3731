"""Inviting actors (coordinator) and colleagues (org admins), and following each invitation to its end.

Tokens are random, stored hashed, single use and expiring; resending or reminding issues a new token and
the old one stops working. "Opened" means the link was visited; there are no tracking pixels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from coaction.audit.services import record
from coaction.auth.models import Role, User
from coaction.auth.services import create_user, user_by_email
from coaction.core.tokens import hash_token, new_token
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.invitations.funnel import InvitationFacts
from coaction.invitations.models import OPEN_STATUSES, Invitation, InvitationKind, InvitationStatus
from coaction.mail.services import queue_mail
from coaction.members.models import (
    PUBLIC_STATUSES,
    MembershipApplication,
    MembershipEvent,
    MembershipStatus,
    Organisation,
    Sector,
)
from coaction.members.services import change_status, unique_slug
from coaction.regions.models import Municipality

# An actor invitation may go to an organisation that is not (or no longer) on its way in.
INVITABLE_STATUSES = (
    MembershipStatus.PROSPECT,
    MembershipStatus.INVITED,
    MembershipStatus.LEFT,
    MembershipStatus.REJECTED,
    MembershipStatus.EXTERNAL,
)


class InvitationError(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class NewOrganisation:
    name: str
    sector: str
    municipality_id: int | None = None
    employees: int | None = None
    org_number: str | None = None


def _expiry(start: datetime | None = None) -> datetime:
    return (start or utcnow()) + timedelta(days=current_app.config["INVITATION_DAYS"])


def _send(invitation: Invitation, template: str, token: str | None = None) -> None:
    """A mail carrying the invitation's link. Without `token` a fresh one replaces the stored one, so any
    earlier link stops working."""
    if token is None:
        token, invitation.token_hash = new_token()
    db.session.flush()
    inviter = db.session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
    queue_mail(
        invitation.email,
        template,
        invitation.locale,
        invitation=invitation,
        inviter=inviter,
        token=token,
        days=current_app.config["INVITATION_DAYS"],
    )


def _new_invitation(
    kind: InvitationKind, organisation: Organisation, email: str, *, locale: str, actor: User, **fields
) -> tuple[Invitation, str]:
    """A pending invitation with a fresh token, added to the session; returns it and the token for the mail."""
    now = utcnow()
    token, token_hash = new_token()
    invitation = Invitation(
        kind=kind,
        organisation_id=organisation.id,
        email=email.strip().lower(),
        locale=locale,
        invited_by_id=actor.id,
        status=InvitationStatus.PENDING,
        created_at=now,
        expires_at=_expiry(now),
        token_hash=token_hash,
        **fields,
    )
    db.session.add(invitation)
    return invitation, token


def open_invitation_for(email: str, organisation: Organisation) -> Invitation | None:
    return db.session.scalar(
        sa.select(Invitation).where(
            Invitation.email == email.strip().lower(),
            Invitation.organisation_id == organisation.id,
            Invitation.status.in_(OPEN_STATUSES),
            Invitation.expires_at > utcnow(),
        )
    )


def new_prospect(details: NewOrganisation, *, actor, ip: str | None) -> Organisation:
    organisation = Organisation(
        name=details.name,
        slug=unique_slug(details.name),
        sector=Sector(details.sector),
        status=MembershipStatus.PROSPECT,
        municipality_id=details.municipality_id,
        employees=details.employees,
        org_number=details.org_number,
    )
    db.session.add(organisation)
    db.session.flush()
    record(actor, "organisation.created", organisation, {"by": "invitation"}, ip)
    return organisation


def invite_actor(
    organisation: Organisation,
    email: str,
    *,
    message: str | None,
    locale: str,
    actor: User,
    ip: str | None,
    batch_id: int | None = None,
) -> Invitation:
    if organisation.status in PUBLIC_STATUSES:
        raise InvitationError("the organisation is a member already", "member")
    if organisation.status not in INVITABLE_STATUSES and organisation.status != MembershipStatus.APPLIED:
        raise InvitationError("the organisation cannot be invited", "status")
    if open_invitation_for(email, organisation) is not None:
        raise InvitationError("an open invitation exists for this address", "duplicate")
    invitation, token = _new_invitation(
        InvitationKind.ACTOR, organisation, email, locale=locale, actor=actor, message=message, batch_id=batch_id
    )
    if organisation.status != MembershipStatus.APPLIED:
        change_status(organisation, MembershipStatus.INVITED, actor=actor, note="invitation", ip=ip)
    _send(invitation, "invitation_actor", token)
    record(actor, "invitation.sent", invitation, {"email": invitation.email, "kind": "actor"}, ip)
    return invitation


def invite_colleague(organisation: Organisation, email: str, *, locale: str, actor: User, ip: str | None) -> Invitation:
    """Answers the same whether or not the address has an account (no enumeration)."""
    if open_invitation_for(email, organisation) is not None:
        raise InvitationError("an open invitation exists for this address", "duplicate")
    invitation, token = _new_invitation(InvitationKind.COLLEAGUE, organisation, email, locale=locale, actor=actor)
    _send(invitation, "invitation_colleague", token)
    record(actor, "invitation.sent", invitation, {"email": invitation.email, "kind": "colleague"}, ip)
    return invitation


def effective_status(invitation: Invitation, now: datetime | None = None) -> InvitationStatus:
    """Expiry is a fact of the clock: an open invitation past its date is expired, stored so or not."""
    if invitation.status in OPEN_STATUSES and invitation.expires_at <= (now or utcnow()):
        return InvitationStatus.EXPIRED
    return invitation.status


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation while its link is live: unknown, used, revoked and expired links all give None."""
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == hash_token(token or "")))
    if invitation is None or effective_status(invitation) not in OPEN_STATUSES:
        return None
    return invitation


def mark_opened(invitation: Invitation) -> None:
    if invitation.status == InvitationStatus.PENDING:
        invitation.status = InvitationStatus.OPENED
        invitation.opened_at = utcnow()
        record(invitation.email, "invitation.opened", invitation)


def accept_actor_invitation(invitation: Invitation, ip: str | None) -> None:
    """The invitee goes on to /join with what is known filled in; the application links back here."""
    _close(invitation, InvitationStatus.ACCEPTED, ip)


def accept_colleague_invitation(invitation: Invitation, *, name: str, password: str, ip: str | None) -> User:
    """A new account in the organisation (the invitee has none: that case is `join_as_existing_user`)."""
    if user_by_email(invitation.email) is not None:
        raise InvitationError("the address has an account already", "account")
    user = create_user(
        invitation.email,
        name=name,
        password=password,
        role=Role.MEMBER,
        organisation=invitation.organisation,
        locale=invitation.locale,
        actor=invitation.email,
        ip=ip,
    )
    _close(invitation, InvitationStatus.ACCEPTED, ip)
    return user


def join_as_existing_user(invitation: Invitation, user: User, ip: str | None) -> None:
    """A logged-in invitee whose address has an account joins the organisation, if it belongs to none."""
    if user.email != invitation.email:
        raise InvitationError("the invitation is for another address", "other_address")
    if user.organisation_id not in (None, invitation.organisation_id):
        raise InvitationError("the account belongs to another organisation", "other_organisation")
    user.organisation_id = invitation.organisation_id
    _close(invitation, InvitationStatus.ACCEPTED, ip)


def decline(invitation: Invitation, reason: str | None, ip: str | None) -> None:
    invitation.decline_reason = reason
    _close(invitation, InvitationStatus.DECLINED, ip)


def _close(invitation: Invitation, status: InvitationStatus, ip: str | None, actor=None) -> None:
    if status in (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED):
        mark_opened(invitation)  # the invitee acted on the link, so it was visited
    invitation.status = status
    stamp = {
        InvitationStatus.ACCEPTED: "accepted_at",
        InvitationStatus.DECLINED: "declined_at",
        InvitationStatus.REVOKED: "revoked_at",
        InvitationStatus.EXPIRED: "expired_at",
    }[status]
    setattr(invitation, stamp, utcnow())
    record(actor or invitation.email, f"invitation.{status.value}", invitation, ip=ip)


def revoke(invitation: Invitation, *, actor: User, ip: str | None) -> None:
    if effective_status(invitation) not in OPEN_STATUSES:
        raise InvitationError("only an open invitation can be revoked", "closed")
    _close(invitation, InvitationStatus.REVOKED, ip, actor=actor)


def resend(invitation: Invitation, *, actor: User, ip: str | None) -> None:
    """A new link (the old one stops working) and a new expiry; an expired invitation opens again."""
    if invitation.status not in (*OPEN_STATUSES, InvitationStatus.EXPIRED):
        raise InvitationError("an accepted, declined or revoked invitation cannot be resent", "closed")
    if invitation.status == InvitationStatus.EXPIRED:
        invitation.status = InvitationStatus.PENDING
    invitation.expires_at = _expiry()
    invitation.resent_at = utcnow()
    template = "invitation_actor" if invitation.kind == InvitationKind.ACTOR else "invitation_colleague"
    _send(invitation, template)
    record(actor, "invitation.resent", invitation, ip=ip)


def expire_overdue(now: datetime | None = None) -> int:
    """Store the expiry of open invitations past their date (pages compute it anyway)."""
    now = now or utcnow()
    overdue = list(
        db.session.scalars(
            sa.select(Invitation).where(Invitation.status.in_(OPEN_STATUSES), Invitation.expires_at <= now)
        )
    )
    for invitation in overdue:
        _close(invitation, InvitationStatus.EXPIRED, None, actor="system")
    return len(overdue)


def remind_pending(after_days: int, now: datetime | None = None) -> int:
    """One reminder per invitation still pending (never opened) after `after_days`; running twice sends none."""
    now = now or utcnow()
    due = list(
        db.session.scalars(
            sa.select(Invitation).where(
                Invitation.status == InvitationStatus.PENDING,
                Invitation.reminded_at.is_(None),
                Invitation.created_at <= now - timedelta(days=after_days),
                Invitation.expires_at > now,
            )
        )
    )
    for invitation in due:
        invitation.reminded_at = now
        _send(invitation, "invitation_reminder")
        record("system", "invitation.reminded", invitation)
    return len(due)


def find_invitations(*, kind: InvitationKind, status: str = "", organisation_id: int | None = None, page: int = 1):
    from coaction.core.pagination import paginate

    query = sa.select(Invitation).where(Invitation.kind == kind).order_by(Invitation.id.desc())
    if organisation_id is not None:
        query = query.where(Invitation.organisation_id == organisation_id)
    now = utcnow()
    if status == InvitationStatus.EXPIRED:
        query = query.where(
            sa.or_(
                Invitation.status == InvitationStatus.EXPIRED,
                sa.and_(Invitation.status.in_(OPEN_STATUSES), Invitation.expires_at <= now),
            )
        )
    elif status in (s.value for s in OPEN_STATUSES):
        query = query.where(Invitation.status == InvitationStatus(status), Invitation.expires_at > now)
    elif status in (s.value for s in InvitationStatus):
        query = query.where(Invitation.status == InvitationStatus(status))
    return paginate(query, page, 50)


def funnel_facts() -> list[InvitationFacts]:
    """What the funnel needs about every actor invitation, in three queries: applied is the first
    confirmed application made through the invitation; member is the organisation becoming a member
    after the invitation was sent."""
    applied = dict(
        db.session.execute(
            sa.select(MembershipApplication.invitation_id, sa.func.min(MembershipApplication.submitted_at))
            .where(MembershipApplication.invitation_id.is_not(None), MembershipApplication.submitted_at.is_not(None))
            .group_by(MembershipApplication.invitation_id)
        ).all()
    )
    became_member = (
        sa.select(sa.func.min(MembershipEvent.at))
        .where(
            MembershipEvent.organisation_id == Invitation.organisation_id,
            MembershipEvent.to_status == MembershipStatus.MEMBER,
            MembershipEvent.at >= Invitation.created_at,
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(
            Invitation.id,
            Invitation.created_at,
            Invitation.opened_at,
            became_member,
            Organisation.sector,
            Municipality.name,
        )
        .join(Organisation, Invitation.organisation_id == Organisation.id)
        .outerjoin(Municipality, Organisation.municipality_id == Municipality.id)
        .where(Invitation.kind == InvitationKind.ACTOR)
    ).all()
    return [
        InvitationFacts(
            sent_at=sent_at,
            opened_at=opened_at,
            applied_at=_aware(applied.get(invitation_id)),
            member_at=_aware(member_at),
            sector=str(sector) if sector else None,
            municipality=municipality,
        )
        for invitation_id, sent_at, opened_at, member_at, sector, municipality in rows
    ]


def _aware(moment: datetime | None) -> datetime | None:
    """Aggregates (min) come back without the column type: naive on SQLite. Stored times are UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def join_prefill(invitation_id: int | None) -> tuple[dict, int | None]:
    """What /join can fill in for someone who accepted an invitation: (form data, the invitation's id)."""
    invitation = db.session.get(Invitation, invitation_id) if invitation_id else None
    if invitation is None or invitation.kind != InvitationKind.ACTOR:
        return {}, None
    organisation = invitation.organisation
    known = {
        "name": organisation.name,
        "org_number": organisation.org_number,
        "sector": str(organisation.sector),
        "employees": organisation.employees,
        "municipality": organisation.municipality_id or 0,
        "website": organisation.website,
        "contact_email": invitation.email,
        "locale": invitation.locale,
    }
    return {key: value for key, value in known.items() if value not in (None, "")}, invitation.id
