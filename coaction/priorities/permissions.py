"""Who may do what with the infrastructure priorities: everyone reads, the office edits and moderates, a member
organisation's admins state its support."""

from __future__ import annotations

from typing import Any

from coaction.auth.models import Role
from coaction.auth.permissions import has_role
from coaction.members.models import MembershipStatus


def can_edit_priorities(user: Any) -> bool:
    return has_role(user, Role.COORDINATOR)


def can_state_support(user: Any) -> bool:
    """Support is stated in the organisation's name: its admins, while it is a member."""
    organisation = getattr(user, "organisation", None) if has_role(user, Role.ORG_ADMIN) else None
    return organisation is not None and organisation.status == MembershipStatus.MEMBER
