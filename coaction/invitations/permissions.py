from typing import Any

from coaction.auth.models import Role
from coaction.auth.permissions import has_role
from coaction.invitations.models import Invitation, InvitationKind
from coaction.members.permissions import can_manage_organisation


def can_invite_actors(user: Any) -> bool:
    return has_role(user, Role.COORDINATOR)


def can_manage_invitation(user: Any, invitation: Invitation) -> bool:
    """The coordinator manages every invitation; an org admin the colleague invitations of its organisation."""
    if has_role(user, Role.COORDINATOR):
        return True
    return invitation.kind == InvitationKind.COLLEAGUE and can_manage_organisation(user, invitation.organisation)
