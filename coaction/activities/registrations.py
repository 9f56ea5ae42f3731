"""Registration for an event: people sign up (no account needed) up to the cap, then onto a waiting list; a
cancellation moves the first on the list up. Everyone gets a mail with a link of their own to cancel (its SHA-256
is stored, never the link); the list of names is the organisers' only."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

import sqlalchemy as sa

from coaction.activities.models import Activity, Registration, RegistrationState
from coaction.activities.services import ActivityError
from coaction.audit.services import record
from coaction.core.status import WorkStatus
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.mail.services import queue_mail


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def taken_places(activity: Activity) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.activity_id == activity.id, Registration.state == RegistrationState.REGISTERED)
    )


def places_left(activity: Activity) -> int | None:
    """None: no cap."""
    return None if activity.capacity is None else max(0, activity.capacity - taken_places(activity))


def registration_open(activity: Activity, today: date) -> bool:
    return (
        activity.registration_open
        and activity.status in (WorkStatus.PLANNED, WorkStatus.ONGOING)
        and activity.starts_on >= today
    )


def register(
    activity: Activity, *, name: str, email: str, organisation_name: str | None, locale: str, today: date, actor, ip
) -> Registration:
    """A place if one is left, else the waiting list. The activity's row is locked while counting, so that two
    people at once never get the last place both (on SQLite the write lock does the same)."""
    if not registration_open(activity, today):
        raise ActivityError({"registration": "closed"})
    db.session.execute(sa.select(Activity.id).where(Activity.id == activity.id).with_for_update())
    email = email.strip().lower()
    active = (RegistrationState.REGISTERED, RegistrationState.WAITING)
    if db.session.scalar(
        sa.select(Registration.id).where(
            Registration.activity_id == activity.id, Registration.email == email, Registration.state.in_(active)
        )
    ):
        raise ActivityError({"email": "already_registered"})
    left = places_left(activity)
    token = secrets.token_urlsafe(32)
    registration = Registration(
        activity=activity,
        name=name.strip()[:200],
        email=email[:254],
        organisation_name=(organisation_name or "").strip()[:200] or None,
        state=RegistrationState.REGISTERED if left is None or left > 0 else RegistrationState.WAITING,
        token_hash=token_hash(token),
        locale=locale,
        user_id=getattr(actor, "id", None),
    )
    db.session.add(registration)
    db.session.flush()
    record(actor or "anonymous", "activity.registered", activity, {"registration_id": registration.id,
           "state": registration.state}, ip)  # fmt: skip
    queue_mail(email, "activity_registered", locale, activity=activity, registration=registration, token=token)
    return registration


def registration_by_token(activity: Activity, token: str) -> Registration | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.activity_id == activity.id, Registration.token_hash == token_hash(token)
        )
    )


def cancel(registration: Registration, *, actor, ip) -> Registration | None:
    """Cancels; returns whoever moved up from the waiting list into the freed place (they are mailed)."""
    if registration.state == RegistrationState.CANCELLED:
        return None
    freed = registration.state == RegistrationState.REGISTERED
    registration.state, registration.cancelled_at = RegistrationState.CANCELLED, utcnow()
    db.session.flush()
    activity = registration.activity
    record(actor or "anonymous", "activity.registration_cancelled", activity, {"registration_id": registration.id}, ip)
    if not freed:
        return None
    first_waiting = db.session.scalar(
        sa.select(Registration)
        .where(Registration.activity_id == activity.id, Registration.state == RegistrationState.WAITING)
        .order_by(Registration.created_at, Registration.id)
        .limit(1)
    )
    if first_waiting is None or (places_left(activity) or 0) == 0 and activity.capacity is not None:
        return None
    first_waiting.state = RegistrationState.REGISTERED
    db.session.flush()
    record("system", "activity.registration_moved_up", activity, {"registration_id": first_waiting.id})
    queue_mail(first_waiting.email, "activity_moved_up", first_waiting.locale, activity=activity,
               registration=first_waiting)  # fmt: skip
    return first_waiting


def registrations_of(activity: Activity) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.activity_id == activity.id)
            .order_by(Registration.state, Registration.created_at, Registration.id)
        )
    )
