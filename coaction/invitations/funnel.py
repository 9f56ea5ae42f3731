"""The invitation funnel: how far invitations get (invited → opened → applied → member), and how fast.

Each invitation counts once, at the furthest stage it reached, and a stage's count includes every invitation
that got at least that far. Reaching a later stage implies the earlier ones: someone who applied on the website
straight from the mail, without visiting the link, has still come past "opened".
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

Stage = Literal["invited", "opened", "applied", "member"]
STAGES: tuple[Stage, ...] = ("invited", "opened", "applied", "member")

GroupKey = Literal["sector", "municipality"]
GROUP_KEYS: tuple[GroupKey, ...] = get_args(GroupKey)

SECONDS_PER_DAY = 86400


@dataclass(frozen=True, slots=True)
class InvitationFacts:
    """What is known about one invitation; a later stage may be set while an earlier one is None."""

    sent_at: datetime
    opened_at: datetime | None = None
    applied_at: datetime | None = None
    member_at: datetime | None = None
    sector: str | None = None
    municipality: str | None = None

    @property
    def furthest_stage(self) -> Stage:
        """The last stage with a timestamp; every invitation has at least been sent."""
        times = self._own_times()
        return next((STAGES[i] for i in range(len(STAGES) - 1, 0, -1) if times[i] is not None), "invited")

    def reached_at(self, stage: Stage) -> datetime | None:
        """When the invitation got past `stage`: the earliest timestamp of that stage or any later one.

        A skipped stage was passed no later than the next recorded one (applied without opening: opened at the
        moment of applying), and a stage recorded after a later one (the link visited after applying) was in
        effect passed when the later one happened.
        """
        index = STAGES.index(stage)
        known = [at for at in self._own_times()[index:] if at is not None]
        return min(known) if known else None

    def _own_times(self) -> tuple[datetime | None, ...]:
        return (self.sent_at, self.opened_at, self.applied_at, self.member_at)


@dataclass(frozen=True, slots=True)
class StageFigures:
    """One row of the funnel. Conversions are fractions (0.25 = 25 %), None when there is nothing to divide by."""

    stage: Stage
    count: int
    from_previous: float | None
    from_invited: float | None
    median_days: float | None


@dataclass(frozen=True, slots=True)
class Funnel:
    """The four stages in order, with lookup by stage name."""

    stages: tuple[StageFigures, ...]

    def __getitem__(self, stage: Stage) -> StageFigures:
        return self.stages[STAGES.index(stage)]

    @property
    def invited(self) -> int:
        return self.stages[0].count


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / SECONDS_PER_DAY


def funnel(facts: Iterable[InvitationFacts]) -> Funnel:
    """The funnel over all invitations given.

    For the first stage, "from previous" compares invited with itself (1.0, or None with no invitations); its
    median days is 0.0, since an invitation is invited the moment it is sent.
    """
    invitations = list(facts)
    invited = len(invitations)
    rows: list[StageFigures] = []
    previous = invited
    for stage in STAGES:
        days = [
            _days(invitation.sent_at, at)
            for invitation in invitations
            if (at := invitation.reached_at(stage)) is not None
        ]
        count = len(days)
        rows.append(
            StageFigures(
                stage=stage,
                count=count,
                from_previous=_ratio(count, previous),
                from_invited=_ratio(count, invited),
                median_days=statistics.median(days) if days else None,
            )
        )
        previous = count
    return Funnel(tuple(rows))


def funnel_by(facts: Iterable[InvitationFacts], key: GroupKey) -> dict[str | None, Funnel]:
    """One funnel per sector or municipality; invitations without one are grouped under None.

    Groups come in alphabetical order with None last, so tables built from them are stable. A group exists only
    if at least one invitation belongs to it.
    """
    if key not in GROUP_KEYS:
        raise ValueError(f"cannot group invitations by {key!r}; use one of {', '.join(GROUP_KEYS)}")
    groups: dict[str | None, list[InvitationFacts]] = {}
    for invitation in facts:
        groups.setdefault(getattr(invitation, key), []).append(invitation)
    ordered = sorted(groups, key=lambda group: (group is None, group or ""))
    return {group: funnel(groups[group]) for group in ordered}
