from __future__ import annotations

from typing import Any

from coaction.auth.models import Role
from coaction.auth.permissions import has_role
from coaction.commitments.permissions import can_make_commitments, is_network_office
from coaction.ties.models import Tie, TieState


def can_propose_ties(user: Any) -> bool:
    return can_make_commitments(user)


def can_answer_tie(user: Any, tie: Tie) -> bool:
    """A proposal is answered by the admins of the organisation it was proposed to."""
    return tie.state == TieState.PROPOSED and has_role(user, Role.ORG_ADMIN) and user.organisation_id == tie.partner_id


def can_end_tie(user: Any, tie: Tie) -> bool:
    if tie.ends_on is not None or tie.state == TieState.DECLINED:
        return False
    own = has_role(user, Role.ORG_ADMIN) and user.organisation_id in (tie.organisation_id, tie.partner_id)
    return own or is_network_office(user)


def can_manage_ties(user: Any) -> bool:
    return is_network_office(user)
