"""Who may make surveys and read their results: the organisation's admins and the network office. Answering
needs no account at all, only the survey's link."""

from __future__ import annotations

from typing import Any

from coaction.auth.models import Role
from coaction.auth.permissions import has_role
from coaction.commitments.permissions import can_make_commitments, is_network_office
from coaction.travel.models import TravelSurvey


def can_make_surveys(user: Any) -> bool:
    return can_make_commitments(user)


def can_read_survey(user: Any, survey: TravelSurvey) -> bool:
    if is_network_office(user):
        return True
    return has_role(user, Role.ORG_ADMIN) and user.organisation_id == survey.organisation_id


def can_set_factors(user: Any) -> bool:
    return is_network_office(user)


def can_read_network_travel(user: Any) -> bool:
    """The pooled figures and commute flows of every member: the network office only."""
    return is_network_office(user)
