from __future__ import annotations

from typing import Any

from coaction.auth.models import Role
from coaction.auth.permissions import has_role
from coaction.commitments.permissions import can_make_commitments, is_network_office
from coaction.network.models import Introduction, IntroductionState


def can_see_whole_network(user: Any) -> bool:
    """Ties from members-only activities, and external organisations outside public activities: the office's."""
    return is_network_office(user)


def can_use_partner_suggestions(user: Any) -> bool:
    """An admin of a member organisation: its position, its suggestions, its introductions."""
    return can_make_commitments(user)


def can_answer_introduction(user: Any, introduction: Introduction) -> bool:
    return (
        introduction.state == IntroductionState.REQUESTED
        and has_role(user, Role.ORG_ADMIN)
        and user.organisation_id == introduction.partner_id
    )
