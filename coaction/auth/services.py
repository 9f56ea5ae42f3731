"""Accounts: creating, authenticating, resetting and changing. Plain values in, the acting user explicit."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from coaction.audit.services import record
from coaction.auth.models import Role, TokenPurpose, User, UserToken, normalise_email
from coaction.auth.passwords import hash_password, needs_rehash, verify_password
from coaction.core.tokens import hash_token, new_token
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.jobs import enqueue_after_commit, job
from coaction.mail.services import queue_mail
from coaction.members.models import Organisation


class AccountError(ValueError):
    """A request that cannot be carried out: `message` is for the person (translated), `field` names the
    form field it belongs to."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session version, so old sessions die with a password change."""
    user_id, _, version = session_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def create_user(
    email: str,
    *,
    name: str,
    password: str | None,
    role: Role = Role.MEMBER,
    organisation: Organisation | None = None,
    locale: str = "sv",
    actor=None,
    ip: str | None = None,
) -> User:
    if user_by_email(email) is not None:
        raise AccountError(_l("There is an account with this address already."), field="email")
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password) if password else None,
        role=role,
        organisation=organisation,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", user, {"role": str(role), "organisation_id": user.organisation_id}, ip)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user when email and password match an active account. A miss costs the same time as a hit."""
    user = user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_login(user: User, ip: str | None) -> None:
    user.last_login_at = utcnow()
    record(user, "auth.login", user, ip=ip)


def _issue_token(user: User, purpose: TokenPurpose, hours: int, new_email: str | None = None) -> str:
    """A new single-use token; earlier unused ones of the same purpose stop working."""
    now = utcnow()
    db.session.execute(
        sa.update(UserToken)
        .where(UserToken.user_id == user.id, UserToken.purpose == purpose, UserToken.used_at.is_(None))
        .values(used_at=now)
    )
    token, token_hash = new_token()
    db.session.add(
        UserToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash,
            new_email=new_email,
            expires_at=now + timedelta(hours=hours),
        )
    )
    db.session.flush()
    return token


def valid_token(token: str, purpose: TokenPurpose) -> UserToken | None:
    """The stored token when it exists, has this purpose, is unused and has not expired; otherwise None."""
    row = db.session.scalar(sa.select(UserToken).where(UserToken.token_hash == hash_token(token or "")))
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.active:
        return None
    return row


def request_password_reset(email: str) -> None:
    """Answers the same, in the same time, whether or not the account exists: the lookup and the
    mail happen in a background job after the request."""
    enqueue_after_commit("auth.password_reset_mail", normalise_email(email), long=True)


@job("auth.password_reset_mail")
def send_password_reset_mail(email: str) -> None:
    user = user_by_email(email)
    if user is None or not user.active:
        return
    hours = current_app.config["RESET_TOKEN_HOURS"]
    token = _issue_token(user, TokenPurpose.PASSWORD_RESET, hours)
    queue_mail(user.email, "password_reset", user.locale, user=user, token=token, hours=hours)
    record(None, "auth.reset_requested", user)


def end_sessions_and_links(user: User) -> None:
    """Every session, remember-me cookie and unused mailed link of the account stops working."""
    user.session_version += 1
    db.session.execute(
        sa.update(UserToken).where(UserToken.user_id == user.id, UserToken.used_at.is_(None)).values(used_at=utcnow())
    )


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    end_sessions_and_links(user)


def claim_token(token_row: UserToken) -> None:
    """Marks the token used in one statement, so that two requests racing with one link cannot both win."""
    claimed = db.session.execute(
        sa.update(UserToken)
        .where(UserToken.id == token_row.id, UserToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise AccountError(_l("This link has been used already."), field="token")


def reset_password(token_row: UserToken, password: str, ip: str | None) -> User:
    claim_token(token_row)
    user = token_row.user
    _set_password(user, password)
    record(user, "auth.password_reset", user, ip=ip)
    queue_mail(user.email, "password_changed", user.locale, user=user)
    return user


def change_password(user: User, current_password: str, new_password: str, ip: str | None) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_l("The current password is wrong."), field="current_password")
    _set_password(user, new_password)
    record(user, "auth.password_changed", user, ip=ip)
    queue_mail(user.email, "password_changed", user.locale, user=user)


def request_email_change(user: User, new_email: str, password: str, ip: str | None) -> None:
    """Mails a confirmation link to the new address. Whether the address is taken is looked up in a
    background job after the request, so neither the answer nor its time tells who has an account."""
    if not verify_password(user.password_hash, password):
        raise AccountError(_l("The password is wrong."), field="password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise AccountError(_l("This is already your address."), field="email")
    record(user, "auth.email_change_requested", user, {"new_email": new_email}, ip)
    enqueue_after_commit("auth.email_change_mail", user.id, new_email, long=True)


@job("auth.email_change_mail")
def send_email_change_mail(user_id: int, new_email: str) -> None:
    user = db.session.get(User, user_id)
    if user is None or not user.active or user_by_email(new_email) is not None:
        return
    hours = current_app.config["EMAIL_TOKEN_HOURS"]
    token = _issue_token(user, TokenPurpose.EMAIL_CHANGE, hours, new_email=new_email)
    queue_mail(new_email, "confirm_email", user.locale, user=user, token=token, hours=hours)


def confirm_email_change(token_row: UserToken, ip: str | None) -> User:
    claim_token(token_row)
    user = token_row.user
    if user_by_email(token_row.new_email) is not None:
        raise AccountError(_l("There is an account with this address already."), field="email")
    old_email = user.email
    user.email = token_row.new_email
    record(user, "auth.email_changed", user, {"email": [old_email, user.email]}, ip)
    queue_mail(old_email, "email_changed", user.locale, user=user, new_email=user.email)
    return user


def update_profile(user: User, *, name: str, locale: str, ip: str | None) -> None:
    changes = {
        field: [getattr(user, field), value]
        for field, value in (("name", name), ("locale", locale))
        if getattr(user, field) != value
    }
    user.name = name
    user.locale = locale
    if changes:
        record(user, "user.profile_updated", user, changes, ip)
