"""Who may see and run working groups, meetings and decisions. A meeting's time and place are public; its agenda,
attachments, minutes and decisions are the group's and the network office's until its minutes are published."""

from __future__ import annotations

from typing import Any

from coaction.auth.permissions import is_signed_in
from coaction.commitments.permissions import is_network_office
from coaction.groups.models import Decision, Meeting, WorkingGroup


def can_manage_groups(user: Any) -> bool:
    return is_network_office(user)


def is_group_member(user: Any, group: WorkingGroup) -> bool:
    """Anyone who is or has been in the group (a former representative keeps reading what they were part of)."""
    return is_signed_in(user) and any(member.user_id == user.id for member in group.members)


def is_chair(user: Any, group: WorkingGroup) -> bool:
    return is_signed_in(user) and any(m.user_id == user.id and m.chair and m.ends_on is None for m in group.members)


def can_run_meetings(user: Any, group: WorkingGroup) -> bool:
    """The office and the group's chair call meetings, write minutes and record decisions."""
    return is_network_office(user) or is_chair(user, group)


def can_see_details(user: Any, meeting: Meeting) -> bool:
    return meeting.published_at is not None or is_network_office(user) or is_group_member(user, meeting.group)


def can_approve(user: Any, meeting: Meeting) -> bool:
    """The named attendee approves (justerar) the minutes, once they are written."""
    return (
        is_signed_in(user) and meeting.approver_id == user.id and bool(meeting.minutes) and meeting.approved_at is None
    )


def can_follow_up(user: Any, decision: Decision) -> bool:
    """The office, the group's chair and the decision's owner note what has happened and change its status."""
    group = decision.item.meeting.group
    return can_run_meetings(user, group) or (is_signed_in(user) and decision.owner_id == user.id)


def can_read_decision_log(user: Any) -> bool:
    return is_signed_in(user)
