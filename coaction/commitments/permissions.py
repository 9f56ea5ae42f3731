"""Who may see, change, report on and verify commitments. The list queries use `visible_clause`, pages use
`can_see_commitment`: the two say the same (tests/commitments/test_visibility.py checks it)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from coaction.auth.models import Role
from coaction.auth.permissions import has_role, is_signed_in
from coaction.commitments.models import Commitment, Visibility
from coaction.members.models import PUBLIC_STATUSES, Organisation


def is_network_office(user: Any) -> bool:
    return has_role(user, Role.COORDINATOR)


def belongs_to(user: Any, organisation_id: int | None) -> bool:
    return is_signed_in(user) and organisation_id is not None and user.organisation_id == organisation_id


def is_network_member(user: Any) -> bool:
    """Signed in, and of an organisation that is a member (or paused): who sees 'members only'."""
    if is_network_office(user):
        return True
    return is_signed_in(user) and user.organisation is not None and user.organisation.status in PUBLIC_STATUSES


def can_see_commitment(user: Any, commitment: Commitment) -> bool:
    if is_network_office(user) or belongs_to(user, commitment.organisation_id):
        return True
    if commitment.withdrawn_at is not None or commitment.organisation.status not in PUBLIC_STATUSES:
        return False
    if commitment.visibility == Visibility.PUBLIC:
        return True
    return commitment.visibility == Visibility.MEMBERS and is_network_member(user)


def visible_clause(user: Any) -> sa.ColumnElement[bool]:
    """The WHERE clause of what `user` may see in lists (withdrawn commitments are left out of lists anyway)."""
    if is_network_office(user):
        return sa.true()
    levels = [Visibility.PUBLIC, Visibility.MEMBERS] if is_network_member(user) else [Visibility.PUBLIC]
    shown = sa.and_(
        Commitment.visibility.in_(levels),
        Commitment.organisation_id.in_(sa.select(Organisation.id).where(Organisation.status.in_(PUBLIC_STATUSES))),
    )
    if is_signed_in(user) and user.organisation_id is not None:
        return sa.or_(shown, Commitment.organisation_id == user.organisation_id)
    return shown


def can_make_commitments(user: Any) -> bool:
    """An org admin of an organisation that is a member (or paused)."""
    return (
        has_role(user, Role.ORG_ADMIN) and user.organisation is not None and user.organisation.status in PUBLIC_STATUSES
    )


def can_edit_commitment(user: Any, commitment: Commitment) -> bool:
    """Its own organisation's admins; the office verifies, it does not rewrite members' promises."""
    return has_role(user, Role.ORG_ADMIN) and belongs_to(user, commitment.organisation_id)


def can_report_progress(user: Any, commitment: Commitment) -> bool:
    """Anyone of the organisation, while the commitment stands."""
    return belongs_to(user, commitment.organisation_id) and commitment.withdrawn_at is None


def has_an_organisation(user: Any) -> bool:
    return is_signed_in(user) and user.organisation_id is not None


def can_verify(user: Any) -> bool:
    return is_network_office(user)


def can_manage_templates(user: Any) -> bool:
    return is_network_office(user)
