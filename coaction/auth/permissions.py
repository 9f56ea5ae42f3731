"""Who may do what, as named rules; every view checks one at its top (server side, always)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import AnonymousUserMixin, current_user

from coaction.auth.models import Role
from coaction.extensions import login_manager

# Whoever is not signed in: the viewer of everything public (the API, the open data, exports from the CLI).
PUBLIC_VIEWER = AnonymousUserMixin()


def has_role(user: Any, role: Role) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and user.has_role(role)


def is_signed_in(user: Any) -> bool:
    return has_role(user, Role.MEMBER)


def can_manage_users(user: Any) -> bool:
    return has_role(user, Role.ADMIN)


def can_read_audit_log(user: Any) -> bool:
    return has_role(user, Role.ADMIN)


def can_read_outbox(user: Any) -> bool:
    """Kept mails hold single-use links of every account, administrators' too: administrators only."""
    return has_role(user, Role.ADMIN)


def require(rule: Callable[[Any], bool]) -> Callable:
    """Anonymous visitors are sent to log in; signed-in users who fail the rule get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not rule(current_user):
                abort(403)
            return view(*args, **kwargs)

        guarded.permission_rule = rule
        return guarded

    return decorator
