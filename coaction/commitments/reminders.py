"""Reporting windows and who must be reminded: pure rules here, the mailing in `remind_due`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Period(StrEnum):
    YEARLY = "yearly"
    HALF_YEARLY = "half_yearly"


@dataclass(frozen=True)
class Window:
    key: str  # '2026' or '2026-H2': what a reminder is stored under, so that each window reminds once
    starts: date
    ends: date


def window_of(day: date, period: Period) -> Window:
    if period == Period.YEARLY:
        return Window(str(day.year), date(day.year, 1, 1), date(day.year, 12, 31))
    if day.month <= 6:
        return Window(f"{day.year}-H1", date(day.year, 1, 1), date(day.year, 6, 30))
    return Window(f"{day.year}-H2", date(day.year, 7, 1), date(day.year, 12, 31))


def previous_window(window: Window, period: Period) -> Window:
    return window_of(date.fromordinal(window.starts.toordinal() - 1), period)


class Due(StrEnum):
    DUE = "due"  # no report yet in this window
    OVERDUE = "overdue"  # none in the previous window either


def report_due(*, latest_on: date | None, baseline_year: int, done: bool, today: date, period: Period) -> Due | None:
    """Whether a standing commitment still needs a report in the current window. Done commitments and those whose
    baseline year has not come yet need none."""
    if done or baseline_year > today.year:
        return None
    window = window_of(today, period)
    if latest_on is not None and latest_on >= window.starts:
        return None
    previous = previous_window(window, period)
    if latest_on is not None and latest_on >= previous.starts:
        return Due.DUE
    return Due.OVERDUE if previous.starts.year >= baseline_year else Due.DUE
