"""User administration. The last active administrator can be neither demoted nor deactivated."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from coaction.audit.models import AuditEvent
from coaction.audit.services import record
from coaction.auth.models import Role, User
from coaction.auth.services import end_sessions_and_links
from coaction.core.pagination import Page, paginate
from coaction.core.types import casefold_key
from coaction.extensions import db


class LastAdminError(ValueError):
    pass


def _active_admins() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.role == Role.ADMIN, User.active.is_(True))
    )


def _guard_last_admin(user: User) -> None:
    if user.role == Role.ADMIN and user.active and _active_admins() <= 1:
        raise LastAdminError("the last active administrator must stay")


def change_role(user: User, role: Role, *, actor: User, ip: str | None) -> None:
    if role == user.role:
        return
    if role != Role.ADMIN:
        _guard_last_admin(user)
    record(actor, "user.role_changed", user, {"role": [str(user.role), str(role)]}, ip)
    user.role = role


def set_active(user: User, active: bool, *, actor: User, ip: str | None) -> None:
    if active == user.active:
        return
    if not active:
        _guard_last_admin(user)
        end_sessions_and_links(user)
    record(actor, "user.activated" if active else "user.deactivated", user, ip=ip)
    user.active = active


def find_users(*, text: str = "", role: str = "", page: int = 1, per_page: int = 50) -> Page:
    query = sa.select(User).order_by(User.email)
    if text.strip():
        key = casefold_key(text)
        query = query.where(
            sa.or_(User.email.contains(key, autoescape=True), User.name_key.contains(key, autoescape=True))
        )
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    return paginate(query, page, per_page)


def find_audit_events(
    *,
    action: str = "",
    actor: str = "",
    target_type: str = "",
    since: date | None = None,
    until: date | None = None,
    timezone: str = "UTC",
    page: int = 1,
    per_page: int = 50,
) -> Page:
    """Days are the days the reader sees: `timezone` is where since and until start and end."""
    query = sa.select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor:
        query = query.where(AuditEvent.actor_label.contains(actor.strip().lower(), autoescape=True))
    if target_type:
        query = query.where(AuditEvent.target_type == target_type)
    zone = ZoneInfo(timezone)
    if since:
        query = query.where(AuditEvent.at >= datetime.combine(since, time.min, tzinfo=zone).astimezone(UTC))
    if until and until < date.max:
        end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
        query = query.where(AuditEvent.at < end.astimezone(UTC))
    return paginate(query, page, per_page)
