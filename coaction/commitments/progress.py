"""Progress and status of a commitment, computed from baseline, target, dates and reports, never typed in.

Pure functions over plain values, so the pages, the API, the CLI and the tests compute them the same way.

- progress % = (latest − baseline) / (target − baseline), clipped to 0–100: the same formula serves targets
  that go up (charging points) and down (emissions), because both differences change sign together.
- expected % = where the straight line from the baseline (1 January of the baseline year) to the target
  (31 December of the target year) stands on the day asked about.
- status, by precedence: done > overdue > stale > behind > on track > planned (DESIGN §4).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

DEFAULT_TOLERANCE = 10.0  # percentage points under the straight line before "behind"
STALE_AFTER = timedelta(days=365)


class Status(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    STALE = "stale"
    BEHIND = "behind"
    ON_TRACK = "on_track"
    PLANNED = "planned"


class Plan(NamedTuple):  # named tuples: immutable, and cheap to make 25,000 times over
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


class Report(NamedTuple):
    on: date
    value: float | None


class Assessment(NamedTuple):
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
    return _expected(plan.baseline_year, plan.target_year, on)


@functools.lru_cache(maxsize=4096)
def _expected(baseline_year: int, target_year: int, on: date) -> float:
    """Depends on the two years and the day only: cached, since thousands of commitments share them."""
    starts, ends = date(baseline_year, 1, 1), date(target_year, 12, 31)
    span = (ends - starts).days
    if span <= 0:
        return 100.0
    return clip((on - starts).days / span * 100.0)


def latest_report(plan: Plan, reports: Iterable[Report]) -> Report | None:
    """The most recent report with a value (the first given on a tie); reports dated before the baseline are not
    progress."""
    starts, latest = plan.starts, None
    for report in reports:
        if report.value is not None and report.on >= starts and (latest is None or report.on > latest.on):
            latest = report
    return latest


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


def verification_level(verified_since_last_report: bool, reports_with_evidence: int) -> Verification:
    """Verified holds for the reports the office saw (a report sent after the verification steps back down);
    below that, evidence attached to any report."""
    if verified_since_last_report:
        return Verification.VERIFIED
    return Verification.EVIDENCE if reports_with_evidence > 0 else Verification.SELF_DECLARED
