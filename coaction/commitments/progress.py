"""Progress and status of a commitment, computed from baseline, target, dates and reports, never typed in.

Pure functions over plain values, so the pages, the API, the CLI and the tests compute them the same way.

- progress % = (latest − baseline) / (target − baseline), clipped to 0–100: the same formula serves targets
  that go up (charging points) and down (emissions), because both differences change sign together.
- expected % = where the straight line from the baseline (1 January of the baseline year) to the target
  (31 December of the target year) stands on the day asked about.
- status, by precedence: done > overdue > stale > behind > on track > planned (DESIGN §4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

DEFAULT_TOLERANCE = 10.0  # percentage points under the straight line before "behind"
STALE_AFTER = timedelta(days=365)


class Status(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    STALE = "stale"
    BEHIND = "behind"
    ON_TRACK = "on_track"
    PLANNED = "planned"


@dataclass(frozen=True, slots=True)
class Plan:
    baseline_value: float | None
    baseline_year: int
    target_value: float | None
    target_year: int

    @property
    def starts(self) -> date:
        return date(self.baseline_year, 1, 1)

    @property
    def ends(self) -> date:
        return date(self.target_year, 12, 31)


@dataclass(frozen=True, slots=True)
class Report:
    on: date
    value: float | None


@dataclass(frozen=True, slots=True)
class Assessment:
    status: Status
    progress: float | None  # percent, 0–100; None when it cannot be computed
    expected: float  # percent on the straight line, 0–100
    latest: Report | None


def clip(percent: float) -> float:
    return max(0.0, min(100.0, percent))


def progress_percent(baseline: float | None, target: float | None, latest: float | None) -> float | None:
    """How far from baseline to target the latest value has come. A target equal to its baseline is
    reached as soon as there is a value; a missing figure gives None, never an error."""
    if baseline is None or target is None or latest is None:
        return None
    if target == baseline:
        return 100.0
    return clip((latest - baseline) / (target - baseline) * 100.0)


def expected_percent(plan: Plan, on: date) -> float:
    span = (plan.ends - plan.starts).days
    if span <= 0:
        return 100.0
    return clip((on - plan.starts).days / span * 100.0)


def latest_report(plan: Plan, reports: Iterable[Report]) -> Report | None:
    """The most recent report with a value; reports dated before the baseline are not progress."""
    usable = [report for report in reports if report.value is not None and report.on >= plan.starts]
    return max(usable, key=lambda report: report.on, default=None)


def assess(
    plan: Plan,
    reports: Iterable[Report],
    today: date,
    tolerance: float = DEFAULT_TOLERANCE,
    stale_after: timedelta = STALE_AFTER,
) -> Assessment:
    latest = latest_report(plan, reports)
    progress = progress_percent(plan.baseline_value, plan.target_value, latest.value if latest else None)
    expected = expected_percent(plan, today)
    if progress is not None and progress >= 100.0:
        status = Status.DONE
    elif today > plan.ends:
        status = Status.OVERDUE
    elif latest is None:
        status = Status.PLANNED
    elif today - latest.on > stale_after:
        status = Status.STALE
    elif progress is not None and progress < expected - tolerance:
        status = Status.BEHIND
    else:
        status = Status.ON_TRACK
    return Assessment(status=status, progress=progress, expected=expected, latest=latest)


class Verification(StrEnum):
    """The ladder: what the organisation says, what it has shown, what the network office has checked."""

    SELF_DECLARED = "self_declared"
    EVIDENCE = "evidence"
    VERIFIED = "verified"


def verification_level(
    verified_at: datetime | None, last_report_at: datetime | None, reports_with_evidence: int
) -> Verification:
    """Verified holds for the reports the office saw: a report sent after the verification steps back down."""
    if verified_at is not None and (last_report_at is None or last_report_at <= verified_at):
        return Verification.VERIFIED
    return Verification.EVIDENCE if reports_with_evidence > 0 else Verification.SELF_DECLARED
