"""Signing up: an organisation applies, the contact confirms the email, the coordinator decides.

What the web answers never depends on which organisation records exist (DESIGN §7): the number is
looked up only when the applicant confirms the email, and every confirmation mail reads the same."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from coaction.audit.services import record
from coaction.auth.models import Role, User
from coaction.auth.passwords import hash_password
from coaction.auth.services import create_user, user_by_email
from coaction.core.tokens import hash_token, new_token
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.mail.services import queue_mail
from coaction.members.models import (
    PUBLIC_STATUSES,
    ApplicationKind,
    ApplicationStatus,
    MembershipApplication,
    MembershipStatus,
    Organisation,
    Sector,
)
from coaction.members.services import change_status, organisation_by_number, unique_slug
from coaction.regions.models import Municipality

OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.INFO_REQUESTED)


class ApplicationError(ValueError):
    pass


@dataclass(frozen=True)
class OrganisationDetails:
    """What an applicant tells about the organisation (plain values, as the form gives them)."""

    name: str
    org_number: str
    sector: str
    employees: int
    municipality_id: int | None = None
    address: str | None = None
    website: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    password: str
    locale: str


def submit_application(
    details: OrganisationDetails,
    contact: Contact,
    motivation: str | None,
    ip: str | None,
    invitation_id: int | None = None,
) -> MembershipApplication | None:
    """Stores the application unconfirmed and mails the contact a confirmation link. A contact whose
    address has an account already gets a mail saying so instead; the web answer is the same."""
    existing_user = user_by_email(contact.email)
    if existing_user is not None:
        queue_mail(existing_user.email, "join_account_exists", existing_user.locale, user=existing_user)
        return None
    token, token_hash = new_token()
    application = MembershipApplication(
        status=ApplicationStatus.UNCONFIRMED,
        submitted=asdict(details),
        motivation=motivation,
        contact_name=contact.name,
        contact_email=contact.email.strip().lower(),
        contact_locale=contact.locale,
        password_hash=hash_password(contact.password),
        confirm_token_hash=token_hash,
        confirm_expires_at=utcnow() + timedelta(hours=current_app.config["EMAIL_TOKEN_HOURS"]),
        invitation_id=invitation_id,
    )
    db.session.add(application)
    db.session.flush()
    record(contact.email, "application.submitted", application, {"organisation": details.name}, ip)
    queue_mail(
        application.contact_email,
        "join_confirm",
        contact.locale,
        name=contact.name,
        organisation=details.name,
        token=token,
        hours=current_app.config["EMAIL_TOKEN_HOURS"],
    )
    return application


def unconfirmed_application(token: str) -> MembershipApplication | None:
    application = db.session.scalar(
        sa.select(MembershipApplication).where(MembershipApplication.confirm_token_hash == hash_token(token or ""))
    )
    if application is None or application.status != ApplicationStatus.UNCONFIRMED:
        return None
    if application.confirm_expires_at <= utcnow():
        return None
    return application


def _new_organisation(details: dict) -> Organisation:
    organisation = Organisation(
        name=details["name"],
        slug=unique_slug(details["name"]),
        org_number=details["org_number"],
        sector=Sector(details["sector"]),
        status=MembershipStatus.APPLIED,
    )
    _fill_blanks(organisation, details)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def _fill_blanks(organisation: Organisation, details: dict) -> None:
    """The applicant's details fill what the record lacks; what the network already knows stays."""
    for field in ("employees", "municipality_id", "address", "website", "description"):
        if getattr(organisation, field) in (None, "") and details.get(field) not in (None, ""):
            setattr(organisation, field, details[field])
    municipality = db.session.get(Municipality, organisation.municipality_id) if organisation.municipality_id else None
    if municipality is not None and organisation.latitude is None:
        organisation.latitude, organisation.longitude = municipality.latitude, municipality.longitude


def confirm_application(application: MembershipApplication, ip: str | None) -> MembershipApplication:
    """The address is confirmed: the account is made, the number is resolved, the right queue gets it."""
    claimed = db.session.execute(
        sa.update(MembershipApplication)
        .where(
            MembershipApplication.id == application.id,
            MembershipApplication.status == ApplicationStatus.UNCONFIRMED,
        )
        .values(status=ApplicationStatus.SUBMITTED)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:  # a second click racing the first
        raise ApplicationError("this application is confirmed already")
    if user_by_email(application.contact_email) is not None:
        raise ApplicationError("an account with this email exists already")
    user = create_user(
        application.contact_email,
        name=application.contact_name,
        password=None,
        locale=application.contact_locale,
        actor="applicant",
        ip=ip,
    )
    user.password_hash, application.password_hash = application.password_hash, None
    application.user_id = user.id
    application.confirm_token_hash = None
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = utcnow()

    organisation = organisation_by_number(application.submitted["org_number"])
    if organisation is None:
        application.kind = ApplicationKind.NEW
        organisation = _new_organisation(application.submitted)
        record(user, "organisation.created", organisation, {"by": "application"}, ip)
    elif organisation.status in PUBLIC_STATUSES:
        application.kind = ApplicationKind.JOIN
    else:
        application.kind = ApplicationKind.RECORD
        application.previous_status = organisation.status
        change_status(organisation, MembershipStatus.APPLIED, actor=user, note="application", ip=ip)
    application.organisation_id = organisation.id
    record(user, "application.confirmed", application, {"kind": str(application.kind)}, ip)
    return application


def coordinator_queue() -> list[MembershipApplication]:
    return list(
        db.session.scalars(
            sa.select(MembershipApplication)
            .where(
                MembershipApplication.status.in_(OPEN_STATUSES),
                MembershipApplication.kind.in_((ApplicationKind.NEW, ApplicationKind.RECORD)),
            )
            .order_by(MembershipApplication.submitted_at)
        )
    )


def join_requests(organisation: Organisation) -> list[MembershipApplication]:
    return list(
        db.session.scalars(
            sa.select(MembershipApplication)
            .where(
                MembershipApplication.organisation_id == organisation.id,
                MembershipApplication.kind == ApplicationKind.JOIN,
                MembershipApplication.status == ApplicationStatus.SUBMITTED,
            )
            .order_by(MembershipApplication.submitted_at)
        )
    )


def applications_of(user: User) -> list[MembershipApplication]:
    return list(
        db.session.scalars(
            sa.select(MembershipApplication)
            .where(MembershipApplication.user_id == user.id)
            .order_by(MembershipApplication.id.desc())
        )
    )


def _decide(application: MembershipApplication, status: ApplicationStatus, actor: User, note: str | None) -> User:
    if application.status not in OPEN_STATUSES:
        raise ApplicationError("this application has been decided already")
    application.status = status
    application.reviewer_id = actor.id
    application.decision_note = note
    application.decided_at = utcnow()
    return db.session.get(User, application.user_id)


def approve(application: MembershipApplication, *, actor: User, note: str | None, ip: str | None) -> None:
    """A new member (its contact becomes its org admin), or for JOIN a new colleague in a member."""
    applicant = _decide(application, ApplicationStatus.APPROVED, actor, note)
    organisation = application.organisation
    if application.kind == ApplicationKind.JOIN:
        applicant.role = Role.MEMBER
    else:
        _fill_blanks(organisation, application.submitted)
        change_status(organisation, MembershipStatus.MEMBER, actor=actor, note=note, ip=ip)
        applicant.role = Role.ORG_ADMIN
    applicant.organisation_id = organisation.id
    record(actor, "application.approved", application, {"organisation_id": organisation.id}, ip)
    _mail_decision(application, applicant, "join_approved")


def reject(application: MembershipApplication, *, actor: User, note: str | None, ip: str | None) -> None:
    applicant = _decide(application, ApplicationStatus.REJECTED, actor, note)
    if application.kind != ApplicationKind.JOIN:
        back_to = application.previous_status or MembershipStatus.REJECTED
        change_status(application.organisation, back_to, actor=actor, note=note, ip=ip)
    record(actor, "application.rejected", application, {"note": note}, ip)
    _mail_decision(application, applicant, "join_rejected")


def request_information(application: MembershipApplication, *, actor: User, question: str, ip: str | None) -> None:
    if application.status not in OPEN_STATUSES or application.kind == ApplicationKind.JOIN:
        raise ApplicationError("no information can be asked for on this application")
    application.status = ApplicationStatus.INFO_REQUESTED
    application.info_request = question
    application.reviewer_id = actor.id
    record(actor, "application.info_requested", application, {"question": question}, ip)
    _mail_decision(application, db.session.get(User, application.user_id), "join_info_requested")


def answer_information(application: MembershipApplication, *, applicant: User, answer: str, ip: str | None) -> None:
    if application.user_id != applicant.id or application.status != ApplicationStatus.INFO_REQUESTED:
        raise ApplicationError("this application is not waiting for your answer")
    application.info_answer = answer
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = utcnow()
    record(applicant, "application.info_answered", application, ip=ip)


def _mail_decision(application: MembershipApplication, applicant: User | None, template: str) -> None:
    if applicant is None:
        return
    queue_mail(applicant.email, template, applicant.locale, user=applicant, application=application)
