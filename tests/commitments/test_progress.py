"""Progress and status as a table of hand-computed cases, without a database."""

from datetime import date

import pytest

from coaction.commitments.progress import (
    Plan,
    Report,
    Status,
    assess,
    expected_percent,
    latest_report,
    progress_percent,
)

EMISSIONS = Plan(baseline_value=1000, baseline_year=2020, target_value=500, target_year=2029)  # going down
CHARGERS = Plan(baseline_value=0, baseline_year=2024, target_value=40, target_year=2025)  # going up


@pytest.mark.parametrize(
    ("baseline", "target", "latest", "expected"),
    [
        (1000, 500, 750, 50.0),  # emissions halfway down
        (0, 40, 10, 25.0),  # chargers a quarter up
        (1000, 500, 1200, 0.0),  # worse than the baseline: clipped at 0
        (0, 40, 55, 100.0),  # beyond the target: clipped at 100
        (100, 100, 80, 100.0),  # target equal to baseline: reached
        (None, 40, 10, None),
        (0, None, 10, None),
        (0, 40, None, None),
    ],
)
def test_progress_percent(baseline, target, latest, expected):
    assert progress_percent(baseline, target, latest) == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2019, 6, 1), 0.0),  # before the baseline
        (date(2024, 1, 1), 0.0),
        (date(2025, 1, 1), pytest.approx(366 / 730 * 100)),  # 2024 is a leap year
        (date(2025, 12, 31), 100.0),
        (date(2027, 3, 1), 100.0),  # after the target date
    ],
)
def test_expected_percent_follows_the_straight_line(on, expected):
    assert expected_percent(CHARGERS, on) == expected


def test_reports_before_the_baseline_and_without_values_are_not_progress():
    reports = [Report(date(2023, 12, 31), 39), Report(date(2024, 3, 1), 5), Report(date(2024, 6, 1), None)]
    assert latest_report(CHARGERS, reports) == Report(date(2024, 3, 1), 5)
    assert latest_report(CHARGERS, [Report(date(2023, 5, 1), 40)]) is None


@pytest.mark.parametrize(
    ("plan", "reports", "today", "status"),
    [
        # no report yet
        (CHARGERS, [], date(2024, 5, 1), Status.PLANNED),
        # done wins over everything, even after the target date and with an old report
        (CHARGERS, [Report(date(2024, 3, 1), 40)], date(2027, 1, 1), Status.DONE),
        # past the target date, not reached: overdue (before stale and behind)
        (CHARGERS, [Report(date(2024, 3, 1), 5)], date(2026, 1, 2), Status.OVERDUE),
        (CHARGERS, [], date(2026, 1, 2), Status.OVERDUE),
        # no report for more than 12 months: stale (before behind)
        (EMISSIONS, [Report(date(2021, 1, 1), 990)], date(2022, 6, 1), Status.STALE),
        # more than 10 points under the line: behind
        (CHARGERS, [Report(date(2025, 1, 1), 10)], date(2025, 1, 2), Status.BEHIND),  # 25 % vs about 50 %
        # within the tolerance: on track
        (CHARGERS, [Report(date(2025, 1, 1), 17)], date(2025, 1, 2), Status.ON_TRACK),  # 42.5 % vs about 50 %
        # going down: 750 of 1000 → 500 is 50 %, and halfway through 2020–2029 is expected about 50 %
        (EMISSIONS, [Report(date(2024, 12, 1), 750)], date(2025, 1, 1), Status.ON_TRACK),
        (EMISSIONS, [Report(date(2024, 12, 1), 950)], date(2025, 1, 1), Status.BEHIND),
        # target equal to baseline: done with the first value
        (Plan(5, 2024, 5, 2026), [Report(date(2024, 2, 1), 5)], date(2024, 3, 1), Status.DONE),
        # only a report from before the baseline: still planned
        (CHARGERS, [Report(date(2023, 12, 1), 40)], date(2024, 2, 1), Status.PLANNED),
    ],
)
def test_status_precedence(plan, reports, today, status):
    assert assess(plan, reports, today).status == status


def test_the_tolerance_is_a_setting():
    reports = [Report(date(2025, 1, 1), 17)]  # 42.5 % against about 50 %
    assert assess(CHARGERS, reports, date(2025, 1, 2), tolerance=5).status == Status.BEHIND
    assert assess(CHARGERS, reports, date(2025, 1, 2), tolerance=10).status == Status.ON_TRACK


def test_the_assessment_carries_the_figures_it_was_made_from():
    result = assess(EMISSIONS, [Report(date(2022, 1, 1), 900), Report(date(2024, 12, 1), 750)], date(2025, 1, 1))
    assert result.progress == 50.0
    assert result.latest == Report(date(2024, 12, 1), 750)
    assert 49 < result.expected < 52
