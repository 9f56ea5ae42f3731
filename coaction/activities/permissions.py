"""Who may see, organise and join activities. Lists use `visible_clause`, pages `can_see_activity`: both say the
same (tests/activities/test_permissions.py checks it)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from coaction.activities.models import Activity, ActivityVisibility, Answer, Participant, Role
from coaction.auth.models import Role as UserRole
from coaction.auth.permissions import has_role, is_signed_in
from coaction.commitments.permissions import can_make_commitments, is_network_member, is_network_office


def takes_part(user: Any, activity: Activity) -> bool:
    """The user's organisation is among the activity's participants, in any state (an invited one must see what
    it is invited to)."""
    return is_signed_in(user) and any(p.organisation_id == user.organisation_id for p in activity.participants)


def can_see_activity(user: Any, activity: Activity) -> bool:
    if activity.visibility == ActivityVisibility.PUBLIC or is_network_member(user):
        return True
    return takes_part(user, activity)


def visible_clause(user: Any) -> sa.ColumnElement[bool]:
    if is_network_member(user):
        return sa.true()
    public = Activity.visibility == ActivityVisibility.PUBLIC
    if is_signed_in(user) and user.organisation_id is not None:
        own = Activity.id.in_(
            sa.select(Participant.activity_id).where(Participant.organisation_id == user.organisation_id)
        )
        return sa.or_(public, own)
    return public


def can_create_activity(user: Any) -> bool:
    """The network office, and the admins of members (their organisation leads what they create)."""
    return is_network_office(user) or can_make_commitments(user)


def is_organiser(user: Any, activity: Activity) -> bool:
    """The network office, or an admin of an organisation that leads the activity."""
    if is_network_office(user):
        return True
    return has_role(user, UserRole.ORG_ADMIN) and any(
        lead.organisation_id == user.organisation_id for lead in activity.leads()
    )


def can_answer(user: Any, participant: Participant) -> bool:
    """An invitation is answered by the invited organisation's admins; a request by the organisers."""
    if participant.answer == Answer.INVITED:
        return has_role(user, UserRole.ORG_ADMIN) and user.organisation_id == participant.organisation_id
    return participant.answer == Answer.REQUESTED and is_organiser(user, participant.activity)


def can_ask_to_take_part(user: Any, activity: Activity) -> bool:
    return can_make_commitments(user) and not takes_part(user, activity) and can_see_activity(user, activity)


def can_remove(user: Any, participant: Participant) -> bool:
    """Organisers remove anyone but the last lead; an organisation may always leave (but not as the last lead)."""
    last_lead = (
        participant.role == Role.LEAD
        and participant.answer == Answer.ACCEPTED
        and len(participant.activity.leads()) == 1
    )
    if last_lead:
        return False
    own = has_role(user, UserRole.ORG_ADMIN) and user.organisation_id == participant.organisation_id
    return own or is_organiser(user, participant.activity)


def can_read_document(user: Any, document) -> bool:
    """A final text goes with the activity; a draft only to the organisations taking part and the office."""
    from coaction.activities.models import DocumentKind

    activity = document.activity
    if not can_see_activity(user, activity):
        return False
    return document.kind == DocumentKind.FINAL or is_network_office(user) or takes_part(user, activity)
