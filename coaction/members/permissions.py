"""Who may see and decide what in the members feature."""

from __future__ import annotations

from typing import Any

from coaction.auth.models import Role
from coaction.auth.permissions import has_role
from coaction.members.models import MembershipApplication, Organisation


def can_review_applications(user: Any) -> bool:
    return has_role(user, Role.COORDINATOR)


def can_manage_organisation(user: Any, organisation: Organisation | None) -> bool:
    """Its own org admins, and the coordinator."""
    if organisation is None:
        return False
    if has_role(user, Role.COORDINATOR):
        return True
    return has_role(user, Role.ORG_ADMIN) and user.organisation_id == organisation.id


def manages_an_organisation(user: Any) -> bool:
    return has_role(user, Role.ORG_ADMIN) and user.organisation_id is not None


def can_decide_join_request(user: Any, application: MembershipApplication) -> bool:
    return can_manage_organisation(user, application.organisation)
