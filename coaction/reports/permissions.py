"""Everyone reads published reports; the coordinator writes, publishes, withdraws and previews drafts."""

from __future__ import annotations

from typing import Any

from coaction.auth.models import Role
from coaction.auth.permissions import has_role


def can_manage_reports(user: Any) -> bool:
    return has_role(user, Role.COORDINATOR)
