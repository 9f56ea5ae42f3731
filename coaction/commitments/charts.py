"""The progress chart of one commitment: reported values against the straight line from baseline to target."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup

from coaction.commitments.labels import UNIT_LABELS
from coaction.core.charts import Series, line_chart


def year_fraction(day: date) -> float:
    """A date as a position on a time axis counted in years."""
    start = date(day.year, 1, 1)
    return day.year + (day - start).days / ((date(day.year + 1, 1, 1) - start).days)


def commitment_chart(commitment, reports: Sequence, state) -> Markup:
    plan = [
        (commitment.baseline_year, commitment.baseline_value),
        (commitment.target_year + 1, commitment.target_value),
    ]
    series = [
        Series(_("Planned path"), plan, "chart-plan", dashed=True, markers=False),
        Series(
            _("Reported values"),
            [
                (year_fraction(r.reported_on), r.value)
                for r in reports
                if r.reported_on.year >= commitment.baseline_year
            ],
            "chart-actual",
        ),
    ]
    if commitment.milestones:
        series.append(
            Series(
                _("Milestones"), [(m.year + 1, m.value) for m in commitment.milestones], "chart-milestone", markers=True
            )
        )
    return line_chart(
        series,
        title=_("Progress of %(title)s", title=commitment.title),
        x_label=_("Year"),
        y_label=str(UNIT_LABELS[commitment.unit]),
    )
