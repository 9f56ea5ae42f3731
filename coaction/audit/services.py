"""record() is the one way anything writes to the audit log; it flushes, the caller commits."""

from __future__ import annotations

from typing import Any

from coaction.audit.models import AuditEvent
from coaction.extensions import db


def unproxied(thing: Any) -> Any:
    """Flask-Login's current_user is a proxy: the log names the user it stands for."""
    unwrap = getattr(thing, "_get_current_object", None)
    return unwrap() if callable(unwrap) else thing


def describe_actor(actor: Any) -> tuple[int | None, str]:
    actor = unproxied(actor)
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    return getattr(actor, "id", None), getattr(actor, "email", None) or repr(actor)


def describe_target(target: Any) -> tuple[str | None, str | None, str | None]:
    target = unproxied(target)
    if target is None:
        return None, None, None
    target_id = getattr(target, "id", None)
    label = getattr(target, "name", None) or getattr(target, "title", None) or getattr(target, "email", None)
    return type(target).__name__, None if target_id is None else str(target_id), str(label or target)[:300]


def record(
    actor: Any,
    action: str,
    target: Any = None,
    changes: dict | None = None,
    ip: str | None = None,
) -> AuditEvent:
    actor_id, actor_label = describe_actor(actor)
    target_type, target_id, target_label = describe_target(target)
    event = AuditEvent(
        actor_id=actor_id,
        actor_label=actor_label[:200],
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        changes=changes,
        ip=ip,
    )
    db.session.add(event)
    db.session.flush()
    return event
