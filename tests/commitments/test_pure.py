"""The pure parts: verification ladder, reporting windows, what is due, evidence by content, the chart."""

from datetime import date

import pytest

from coaction.commitments.evidence import EvidenceError, evidence_kind
from coaction.commitments.progress import Verification, verification_level
from coaction.commitments.reminders import Due, Period, previous_window, report_due, window_of
from coaction.core.charts import Series, line_chart
from tests.factories import tiny_pdf, tiny_png


@pytest.mark.parametrize(
    ("verified", "with_evidence", "level"),
    [
        (False, 0, Verification.SELF_DECLARED),
        (False, 2, Verification.EVIDENCE),
        (True, 0, Verification.VERIFIED),
        (True, 1, Verification.VERIFIED),
    ],
)
def test_verification_ladder(verified, with_evidence, level):
    assert verification_level(verified, with_evidence) == level


@pytest.mark.parametrize(
    ("day", "period", "key", "starts", "ends"),
    [
        (date(2026, 12, 1), Period.YEARLY, "2026", date(2026, 1, 1), date(2026, 12, 31)),
        (date(2026, 6, 30), Period.HALF_YEARLY, "2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), Period.HALF_YEARLY, "2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
    ],
)
def test_windows(day, period, key, starts, ends):
    window = window_of(day, period)
    assert (window.key, window.starts, window.ends) == (key, starts, ends)


def test_previous_window_crosses_the_year():
    assert previous_window(window_of(date(2026, 2, 1), Period.HALF_YEARLY), Period.HALF_YEARLY).key == "2025-H2"
    assert previous_window(window_of(date(2026, 2, 1), Period.YEARLY), Period.YEARLY).key == "2025"


@pytest.mark.parametrize(
    ("latest_on", "baseline_year", "done", "today", "period", "due"),
    [
        (date(2026, 3, 1), 2024, False, date(2026, 12, 1), Period.YEARLY, None),  # reported this window
        (date(2025, 9, 1), 2024, False, date(2026, 12, 1), Period.YEARLY, Due.DUE),  # last window only
        (date(2024, 9, 1), 2024, False, date(2026, 12, 1), Period.YEARLY, Due.OVERDUE),  # missed a whole window
        (None, 2024, False, date(2026, 12, 1), Period.YEARLY, Due.OVERDUE),
        (None, 2026, False, date(2026, 12, 1), Period.YEARLY, Due.DUE),  # started this year: due, not overdue
        (None, 2027, False, date(2026, 12, 1), Period.YEARLY, None),  # not started
        (None, 2020, True, date(2026, 12, 1), Period.YEARLY, None),  # done
        (date(2026, 3, 1), 2024, False, date(2026, 8, 1), Period.HALF_YEARLY, Due.DUE),
        (date(2026, 7, 2), 2024, False, date(2026, 8, 1), Period.HALF_YEARLY, None),
    ],
)
def test_report_due(latest_on, baseline_year, done, today, period, due):
    assert report_due(latest_on=latest_on, baseline_year=baseline_year, done=done, today=today, period=period) == due


def test_evidence_is_judged_by_content_not_by_name():
    assert evidence_kind(tiny_pdf()) == "pdf"
    assert evidence_kind(tiny_png()) == "png"
    assert evidence_kind(tiny_png(image_format="JPEG")) == "jpeg"
    for fake in (b"not a pdf at all", b"%PDF-1.4 but never ends", b"GIF89a......", tiny_png(image_format="GIF")):
        with pytest.raises(EvidenceError) as refused:
            evidence_kind(fake)
        assert refused.value.code == "type"
    with pytest.raises(EvidenceError) as empty:
        evidence_kind(b"")
    assert empty.value.code == "empty"
    with pytest.raises(EvidenceError) as large:
        evidence_kind(b"%PDF-" + b"0" * (10 * 1024 * 1024) + b"%%EOF")
    assert large.value.code == "size"


def test_chart_escapes_text_and_scales_points():
    chart = line_chart(
        [Series("<b>Rapporterat</b>", [(2024, 0), (2026, 100)], "chart-actual")],
        title='Titel "med" <script>',
        x_label="År",
        y_label="antal",
    )
    assert "<script>" not in chart and "&lt;script&gt;" in chart and "&lt;b&gt;Rapporterat" in chart
    assert 'role="img"' in chart
    assert chart.count("<circle") == 2
    assert line_chart([], title="t", x_label="x", y_label="y") == ""


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (0, 62, [0, 20, 40, 60, 80]),
        (0, 1650, [0, 500, 1000, 1500, 2000]),
        (0, 1, [0, 0.25, 0.5, 0.75, 1.0]),
        (0, 100, [0, 25, 50, 75, 100]),
    ],
)
def test_nice_ticks(low, high, ticks):
    from coaction.core.charts import nice_ticks

    assert nice_ticks(low, high) == pytest.approx(ticks)
