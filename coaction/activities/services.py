"""Activities and who takes part: creating and changing them, inviting, asking to join, answering, leaving.
Services take plain values and the acting user, flush, and leave the commit to the caller."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, time

import sqlalchemy as sa

from coaction.activities.models import Activity, ActivityKind, ActivityVisibility, Answer, Participant, Role
from coaction.audit.services import record
from coaction.commitments.models import Commitment, Visibility
from coaction.core.status import WorkStatus
from coaction.core.types import casefold_key, utcnow
from coaction.extensions import db
from coaction.goals.models import PlanGoal
from coaction.mail.services import queue_mail
from coaction.members.models import PUBLIC_STATUSES, MembershipStatus, Organisation, Sector
from coaction.members.organisation import admins_of
from coaction.members.orgnr import InvalidOrgNumber, normalise_org_number
from coaction.members.services import unique_slug

MAX_SEK = 10**12


class ActivityError(ValueError):
    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{name}: {code}" for name, code in problems.items()))
        self.problems = problems


@dataclass
class ActivityDetails:
    title: str
    kind: ActivityKind
    starts_on: date
    status: WorkStatus = WorkStatus.PLANNED
    visibility: ActivityVisibility = ActivityVisibility.PUBLIC
    ends_on: date | None = None
    starts_at: time | None = None
    ends_at: time | None = None
    focus_area_id: int | None = None
    description: str | None = None
    place: str | None = None
    online: bool = False
    municipality_id: int | None = None
    funding_source: str | None = None
    funding_sek: int | None = None
    own_funding_sek: int | None = None
    outcomes: str | None = None
    capacity: int | None = None
    registration_open: bool = False
    attendance: int | None = None
    consulting_body: str | None = None
    response_deadline: date | None = None
    goal_ids: list[int] = field(default_factory=list)
    commitment_ids: list[int] = field(default_factory=list)


COLUMNS = tuple(f.name for f in fields(ActivityDetails) if f.name not in ("goal_ids", "commitment_ids"))


def details_problems(details: ActivityDetails) -> dict[str, str]:
    problems = {}
    if not (details.title or "").strip():
        problems["title"] = "missing"
    if details.ends_on and details.ends_on < details.starts_on:
        problems["ends_on"] = "ends_before_start"
    one_day = details.ends_on in (None, details.starts_on)
    if details.starts_at and details.ends_at and one_day and details.ends_at <= details.starts_at:
        problems["ends_at"] = "ends_before_start"
    if details.ends_at and not details.starts_at:
        problems["starts_at"] = "time_missing"
    for name in ("funding_sek", "own_funding_sek", "capacity", "attendance"):
        value = getattr(details, name)
        if value is not None and not 0 <= value <= MAX_SEK:
            problems[name] = "negative"
    if details.kind == ActivityKind.CONSULTATION and not (details.consulting_body or "").strip():
        problems["consulting_body"] = "missing"
    return problems


def linkable_commitments(actor) -> sa.Select:
    """What an activity may be linked to: public commitments, and the actor's own organisation's (the office:
    any). A link never shows a commitment to someone who may not see it (the page filters again)."""
    from coaction.commitments.permissions import is_network_office

    query = sa.select(Commitment.id).where(Commitment.withdrawn_at.is_(None))
    if is_network_office(actor):
        return query
    own = Commitment.organisation_id == getattr(actor, "organisation_id", None)
    return query.where(sa.or_(Commitment.visibility == Visibility.PUBLIC, own))


def _apply(activity: Activity, details: ActivityDetails, actor) -> None:
    problems = details_problems(details)
    goals = list(db.session.scalars(sa.select(PlanGoal).where(PlanGoal.id.in_(details.goal_ids))))
    if len(goals) != len(set(details.goal_ids)):
        problems["goal_ids"] = "choice"
    allowed = linkable_commitments(actor).where(Commitment.id.in_(details.commitment_ids))
    commitments = list(db.session.scalars(sa.select(Commitment).where(Commitment.id.in_(allowed))))
    if len(commitments) != len(set(details.commitment_ids)):
        problems["commitment_ids"] = "choice"
    if problems:
        raise ActivityError(problems)
    for name in COLUMNS:
        value = getattr(details, name)
        setattr(activity, name, value.strip() or None if isinstance(value, str) and name != "title" else value)
    activity.title = details.title.strip()
    activity.goals, activity.commitments = goals, commitments


def snapshot(activity: Activity) -> dict:
    """What the audit log compares before and after a change."""
    values = {name: getattr(activity, name) for name in COLUMNS}
    values = {name: value.isoformat() if isinstance(value, date | time) else value for name, value in values.items()}
    return values | {
        "goals": sorted(goal.id for goal in activity.goals),
        "commitments": sorted(c.id for c in activity.commitments),
    }


def create_activity(details: ActivityDetails, *, lead: Organisation | None, actor, ip: str | None) -> Activity:
    """A new activity; `lead` (the creating org admin's organisation) leads it from the start."""
    activity = Activity(created_by_id=getattr(actor, "id", None))
    _apply(activity, details, actor)
    if lead is not None:
        activity.participants.append(
            Participant(organisation=lead, role=Role.LEAD, answer=Answer.ACCEPTED, answered_at=utcnow())
        )
    db.session.add(activity)
    db.session.flush()
    record(actor, "activity.created", activity, snapshot(activity), ip)
    return activity


def update_activity(activity: Activity, details: ActivityDetails, *, actor, ip: str | None) -> None:
    before = snapshot(activity)
    _apply(activity, details, actor)
    db.session.flush()
    after = snapshot(activity)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        record(actor, "activity.updated", activity, changes, ip)


def participant_of(activity: Activity, organisation_id: int) -> Participant | None:
    return next((p for p in activity.participants if p.organisation_id == organisation_id), None)


def add_participant(
    activity: Activity, organisation: Organisation, role: Role, *, actor, ip: str | None
) -> Participant:
    """A member is invited (its admins answer, by mail); an external organisation has nobody here to answer, so
    it takes part at once."""
    if participant_of(activity, organisation.id) is not None:
        raise ActivityError({"organisation": "already_taking_part"})
    if organisation.status not in (*PUBLIC_STATUSES, MembershipStatus.EXTERNAL):
        raise ActivityError({"organisation": "choice"})
    member = organisation.status in PUBLIC_STATUSES
    participant = Participant(
        organisation=organisation,
        role=role,
        answer=Answer.INVITED if member else Answer.ACCEPTED,
        answered_at=None if member else utcnow(),
    )
    activity.participants.append(participant)
    db.session.flush()
    record(actor, "activity.participant_added", activity, {"organisation_id": organisation.id, "role": role}, ip)
    if member:
        for admin in admins_of(organisation):
            queue_mail(
                admin.email,
                "activity_invitation",
                admin.locale,
                activity=activity,
                person=admin,
                organisation=organisation,
                role=role,
            )
    return participant


def ask_to_take_part(activity: Activity, organisation: Organisation, *, actor, ip: str | None) -> Participant:
    if participant_of(activity, organisation.id) is not None:
        raise ActivityError({"organisation": "already_taking_part"})
    participant = Participant(organisation=organisation, role=Role.PARTNER, answer=Answer.REQUESTED)
    activity.participants.append(participant)
    db.session.flush()
    record(actor, "activity.requested", activity, {"organisation_id": organisation.id}, ip)
    for lead in activity.leads():
        for admin in admins_of(lead.organisation):
            queue_mail(
                admin.email,
                "activity_request",
                admin.locale,
                activity=activity,
                person=admin,
                organisation=organisation,
            )
    return participant


def answer(participant: Participant, *, accept: bool, actor, ip: str | None) -> None:
    if participant.answer not in (Answer.INVITED, Answer.REQUESTED):
        raise ActivityError({"answer": "answered"})
    asked = participant.answer
    participant.answer = Answer.ACCEPTED if accept else Answer.DECLINED
    participant.answered_at, participant.answered_by_id = utcnow(), getattr(actor, "id", None)
    db.session.flush()
    record(
        actor,
        "activity.answered",
        participant.activity,
        {"organisation_id": participant.organisation_id, "asked": asked, "answer": participant.answer},
        ip,
    )


def remove_participant(participant: Participant, *, actor, ip: str | None) -> None:
    activity = participant.activity
    activity.participants.remove(participant)
    db.session.flush()
    record(actor, "activity.participant_removed", activity, {"organisation_id": participant.organisation_id}, ip)


def add_external_organisation(
    name: str, *, sector: Sector, org_number: str | None, actor, ip: str | None
) -> Organisation:
    """An organisation that works with the network without being a member (a county board, a funder, a guest
    company). One already known by organisation number or name is used as it is, whatever its status."""
    name = (name or "").strip()
    if not name:
        raise ActivityError({"external_name": "missing"})
    try:
        number = normalise_org_number(org_number) if (org_number or "").strip() else None
    except InvalidOrgNumber as error:
        raise ActivityError({"external_number": "org_number"}) from error
    same = Organisation.name_key == casefold_key(name)
    known = db.session.scalar(
        sa.select(Organisation).where(sa.or_(same, Organisation.org_number == number) if number else same).limit(1)
    )
    if known is not None:
        return known
    organisation = Organisation(
        name=name[:200], slug=unique_slug(name), sector=sector, status=MembershipStatus.EXTERNAL, org_number=number
    )
    db.session.add(organisation)
    db.session.flush()
    record(actor, "organisation.external_added", organisation, {"name": organisation.name}, ip)
    return organisation
