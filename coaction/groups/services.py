"""Working groups, meetings, minutes and decisions: plain values and the acting user in, flush, the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coaction.audit.services import record
from coaction.auth.models import User
from coaction.core.documents import add_stored_document
from coaction.core.pagination import Page, paginate
from coaction.core.status import WorkStatus
from coaction.core.text import slugify
from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.groups.documents import FOLDER
from coaction.groups.models import (
    AgendaItem,
    Decision,
    DecisionNote,
    GroupMember,
    Meeting,
    MeetingDocument,
    WorkingGroup,
)
from coaction.mail.services import queue_mail
from coaction.members.models import Organisation

DUE_SOON = timedelta(days=7)  # a decision is "due" this long before its date
PER_PAGE = 50


class GroupError(ValueError):
    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{name}: {code}" for name, code in problems.items()))
        self.problems = problems


def group_by_slug(slug: str) -> WorkingGroup | None:
    return db.session.scalar(sa.select(WorkingGroup).where(WorkingGroup.slug == slug))


def all_groups() -> list[WorkingGroup]:
    return list(
        db.session.scalars(sa.select(WorkingGroup).order_by(WorkingGroup.wound_up_on.is_not(None), WorkingGroup.name))
    )


def _unique_group_slug(name: str) -> str:
    base, suffix = slugify(name) or "grupp", 2
    slug = base
    while group_by_slug(slug) is not None:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def save_group(
    group: WorkingGroup | None,
    *,
    name: str,
    purpose: str | None,
    started_on: date | None,
    wound_up_on: date | None,
    actor,
    ip: str | None,
) -> WorkingGroup:
    problems = {}
    if not (name or "").strip():
        problems["name"] = "missing"
    if started_on and wound_up_on and wound_up_on < started_on:
        problems["wound_up_on"] = "ends_before_start"
    if problems:
        raise GroupError(problems)
    created = group is None
    if created:
        group = WorkingGroup(slug=_unique_group_slug(name))
        db.session.add(group)
    group.name, group.purpose = name.strip(), (purpose or "").strip() or None
    group.started_on, group.wound_up_on = started_on, wound_up_on
    db.session.flush()
    record(actor, "group.created" if created else "group.updated", group, {"name": group.name,
           "wound_up_on": wound_up_on.isoformat() if wound_up_on else None}, ip)  # fmt: skip
    return group


def add_member(
    group: WorkingGroup, user_id: int | None, *, chair: bool, starts_on: date, ends_on: date | None, actor, ip
) -> GroupMember:
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active:
        raise GroupError({"user": "choice"})
    if ends_on and ends_on < starts_on:
        raise GroupError({"ends_on": "ends_before_start"})
    member = GroupMember(group=group, user=user, chair=chair, starts_on=starts_on, ends_on=ends_on)
    db.session.add(member)
    db.session.flush()
    record(actor, "group.member_added", group, {"user_id": user.id, "chair": chair, "from": starts_on.isoformat()}, ip)
    return member


def end_membership(member: GroupMember, ends_on: date, *, actor, ip) -> None:
    if ends_on < member.starts_on:
        raise GroupError({"ends_on": "ends_before_start"})
    member.ends_on = ends_on
    db.session.flush()
    record(actor, "group.member_ended", member.group, {"user_id": member.user_id, "to": ends_on.isoformat()}, ip)


def agenda_titles(text: str | None) -> list[str]:
    """One item a line; a leading number ("3." or "3)") is dropped, since items are numbered in order."""
    titles = []
    for line in (text or "").splitlines():
        title = line.strip().lstrip("0123456789").lstrip(".) ").strip() if line.strip()[:1].isdigit() else line.strip()
        if title:
            titles.append(title[:300])
    return titles


def create_meeting(
    group: WorkingGroup,
    *,
    held_on: date,
    starts_at: time | None,
    ends_at: time | None,
    place: str | None,
    agenda: list[str],
    actor,
    ip: str | None,
) -> Meeting:
    if starts_at and ends_at and ends_at <= starts_at:
        raise GroupError({"ends_at": "ends_before_start"})
    meeting = Meeting(group=group, held_on=held_on, starts_at=starts_at, ends_at=ends_at,
                      place=(place or "").strip() or None)  # fmt: skip
    meeting.items = [AgendaItem(number=number, title=title) for number, title in enumerate(agenda, start=1)]
    db.session.add(meeting)
    db.session.flush()
    record(actor, "meeting.created", group, {"meeting_id": meeting.id, "held_on": held_on.isoformat()}, ip)
    return meeting


def add_agenda_item(meeting: Meeting, title: str, *, actor, ip) -> AgendaItem:
    if not (title or "").strip():
        raise GroupError({"title": "missing"})
    item = AgendaItem(number=max((i.number for i in meeting.items), default=0) + 1, title=title.strip()[:300])
    meeting.items.append(item)
    db.session.flush()
    record(actor, "meeting.item_added", meeting.group, {"meeting_id": meeting.id, "number": item.number}, ip)
    return item


def set_attendance(meeting: Meeting, user_ids: list[int], *, actor, ip) -> None:
    people = list(db.session.scalars(sa.select(User).where(User.id.in_(user_ids))))
    if len(people) != len(set(user_ids)):
        raise GroupError({"attendees": "choice"})
    meeting.attendees = people
    db.session.flush()
    record(actor, "meeting.attendance", meeting.group, {"meeting_id": meeting.id, "attendees": sorted(user_ids)}, ip)


def save_minutes(meeting: Meeting, text: str, approver_id: int | None, *, actor, ip) -> None:
    """Minutes with the attendee who is to approve them; approved minutes are final."""
    if meeting.approved_at is not None:
        raise GroupError({"minutes": "approved"})
    if approver_id not in {person.id for person in meeting.attendees}:
        raise GroupError({"approver": "not_attendee"})
    if not (text or "").strip():
        raise GroupError({"minutes": "missing"})
    meeting.minutes, meeting.approver_id = text, approver_id
    db.session.flush()
    record(actor, "meeting.minutes_saved", meeting.group, {"meeting_id": meeting.id, "approver_id": approver_id}, ip)


def approve_minutes(meeting: Meeting, *, actor, ip) -> None:
    meeting.approved_at = utcnow()
    db.session.flush()
    record(actor, "meeting.minutes_approved", meeting.group, {"meeting_id": meeting.id}, ip)


def publish_minutes(meeting: Meeting, *, actor, ip) -> None:
    if meeting.approved_at is None:
        raise GroupError({"minutes": "not_approved"})
    meeting.published_at = utcnow()
    db.session.flush()
    record(actor, "meeting.minutes_published", meeting.group, {"meeting_id": meeting.id}, ip)


def add_document(meeting: Meeting, data: bytes, filename: str, *, upload_path: str, actor, ip) -> MeetingDocument:
    document = add_stored_document(
        partial(MeetingDocument, meeting=meeting),
        data,
        filename,
        folder=FOLDER,
        upload_path=upload_path,
        actor=actor,
        error=GroupError,
    )
    record(actor, "meeting.document_added", meeting.group, {"meeting_id": meeting.id, "file": document.filename}, ip)
    return document


@dataclass
class DecisionInput:
    text: str
    owner_id: int | None = None
    owner_organisation_id: int | None = None
    due_on: date | None = None
    status: WorkStatus = WorkStatus.PLANNED


def add_decision(item: AgendaItem, details: DecisionInput, *, actor, ip) -> Decision:
    problems = {}
    if not (details.text or "").strip():
        problems["text"] = "missing"
    if details.owner_id and db.session.get(User, details.owner_id) is None:
        problems["owner"] = "choice"
    if details.owner_organisation_id and db.session.get(Organisation, details.owner_organisation_id) is None:
        problems["owner_organisation"] = "choice"
    if problems:
        raise GroupError(problems)
    decision = Decision(
        item=item,
        text=details.text.strip(),
        owner_id=details.owner_id,
        owner_organisation_id=details.owner_organisation_id,
        due_on=details.due_on,
        status=details.status,
    )
    db.session.add(decision)
    db.session.flush()
    meeting = item.meeting
    record(actor, "decision.taken", meeting.group, {"decision_id": decision.id, "meeting_id": meeting.id,
           "item": item.number, "due_on": details.due_on.isoformat() if details.due_on else None}, ip)  # fmt: skip
    return decision


def set_decision_status(decision: Decision, status: WorkStatus, *, actor, ip) -> None:
    before = decision.status
    decision.status = status
    db.session.flush()
    record(actor, "decision.status", decision.item.meeting.group, {"decision_id": decision.id,
           "status": [before, status]}, ip)  # fmt: skip


def add_note(decision: Decision, noted_on: date, text: str, *, today: date, actor, ip) -> DecisionNote:
    problems = {}
    if not (text or "").strip():
        problems["text"] = "missing"
    if noted_on is None or noted_on > today:
        problems["noted_on"] = "future"
    if problems:
        raise GroupError(problems)
    note = DecisionNote(
        decision=decision, noted_on=noted_on, text=text.strip()[:2000], author_id=getattr(actor, "id", None)
    )
    db.session.add(note)
    db.session.flush()
    record(actor, "decision.noted", decision.item.meeting.group, {"decision_id": decision.id}, ip)
    return note


OPEN = (WorkStatus.PLANNED, WorkStatus.ONGOING)


def open_decisions_before(meeting: Meeting) -> list[Decision]:
    """What earlier meetings of the group decided and is not done yet: nothing falls through."""
    return list(
        db.session.scalars(
            sa.select(Decision)
            .join(AgendaItem)
            .join(Meeting)
            .where(Meeting.group_id == meeting.group_id, Meeting.held_on < meeting.held_on, Decision.status.in_(OPEN))
            .order_by(Meeting.held_on, AgendaItem.number, Decision.id)
        )
    )


def published_decisions(held_from: date, held_to: date) -> list[Decision]:
    """The decisions of meetings held in the period whose minutes are published: what anyone may read."""
    return list(
        db.session.scalars(
            sa.select(Decision)
            .join(AgendaItem)
            .join(Meeting)
            .where(Meeting.published_at.is_not(None), Meeting.held_on.between(held_from, held_to))
            .options(selectinload(Decision.item).selectinload(AgendaItem.meeting).selectinload(Meeting.group))
            .order_by(Meeting.held_on, AgendaItem.number, Decision.id)
        )
    )


@dataclass(frozen=True)
class LogFilters:
    group_id: int | None = None
    owner_id: int | None = None
    status: WorkStatus | None = None
    overdue: bool = False


def readable_group_ids(viewer: Any) -> sa.Select | None:
    """The groups whose decisions `viewer` reads in the log (None: all of them, for the office)."""
    from coaction.commitments.permissions import is_network_office

    if is_network_office(viewer):
        return None
    return sa.select(GroupMember.group_id).where(GroupMember.user_id == viewer.id)


def decision_log(viewer: Any, filters: LogFilters, today: date, page: int = 1) -> Page:
    query = (
        sa.select(Decision)
        .join(AgendaItem)
        .join(Meeting)
        .options(selectinload(Decision.item).selectinload(AgendaItem.meeting).selectinload(Meeting.group))
        .order_by(Decision.due_on.is_(None), Decision.due_on, Meeting.held_on.desc(), Decision.id)
    )
    readable = readable_group_ids(viewer)
    if readable is not None:  # the group's own, and any published meeting's
        query = query.where(sa.or_(Meeting.group_id.in_(readable), Meeting.published_at.is_not(None)))
    if filters.group_id:
        query = query.where(Meeting.group_id == filters.group_id)
    if filters.owner_id:
        query = query.where(Decision.owner_id == filters.owner_id)
    if filters.status:
        query = query.where(Decision.status == filters.status)
    if filters.overdue:
        query = query.where(Decision.status.in_(OPEN), Decision.due_on < today)
    return paginate(query, page, PER_PAGE)


@dataclass
class Reminded:
    due: int = 0
    overdue: int = 0


def remind_decisions(today: date) -> Reminded:
    """Mails each owner of an open decision once when it falls due (within a week) and once when it is overdue."""
    reminded = Reminded()
    candidates = db.session.scalars(
        sa.select(Decision).where(
            Decision.status.in_(OPEN), Decision.owner_id.is_not(None), Decision.due_on.is_not(None),
            Decision.due_on <= today + DUE_SOON,
        )
    )  # fmt: skip
    for decision in candidates:
        owner = decision.owner
        if owner is None or not owner.active:
            continue
        overdue = decision.due_on < today
        if overdue and decision.reminded_overdue_at is None:
            decision.reminded_overdue_at = utcnow()
            reminded.overdue += 1
        elif not overdue and decision.reminded_due_at is None:
            decision.reminded_due_at = utcnow()
            reminded.due += 1
        else:
            continue
        queue_mail(owner.email, "decision_due", owner.locale, decision=decision, person=owner, overdue=overdue)
        record("system", "decision.reminded", decision.item.meeting.group, {"decision_id": decision.id,
               "overdue": overdue})  # fmt: skip
    db.session.flush()
    return reminded
