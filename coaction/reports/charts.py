"""The report's charts, drawn from its plain figures (a published report's charts are its own). Each section shows
the same numbers in a table beside its chart."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

from coaction.activities.labels import KIND_LABELS
from coaction.commitments.labels import STATUS_LABELS
from coaction.core.charts import Series, bar_chart, line_chart
from coaction.travel.labels import MODE_LABELS


def report_charts(figures: dict[str, Any]) -> dict[str, Markup]:
    members = figures["members"]
    commitments = figures["commitments"]
    travel = figures["travel"]
    activities = figures["activities"]
    network = figures["network"]
    charts = {
        "members": line_chart(
            [Series(_("Members"), [(year, count) for year, count in members["growth"]], "chart-series-0")],
            title=_("Members at the end of each year"),
            x_label=_("Year"),
            y_label=_("Members"),
        ),
        "commitments": bar_chart(
            [(str(STATUS_LABELS[status]), count) for status, count in commitments["by_status"].items()],
            title=_("Commitments by status"),
            percent=False,
        ),
        "activities": bar_chart(
            [(str(KIND_LABELS[kind]), count) for kind, count in activities["by_kind"]],
            title=_("Activities by kind"),
            percent=False,
        ),
        "network": line_chart(
            [
                Series(_("Ties"), [(year, found["ties"]) for year, found in network["growth"]], "chart-series-0"),
                Series(
                    _("Members without a tie"),
                    [(year, found["without_tie"]) for year, found in network["growth"]],
                    "chart-series-1",
                ),
            ],
            title=_("The network year by year"),
            x_label=_("Year"),
            y_label=_("Count"),
        ),
    }
    if travel["wave"]:
        charts["travel"] = bar_chart(
            [(str(MODE_LABELS.get(mode, mode)), share) for mode, share in travel["wave"]["modal_split"].items()],
            title=_("Modal split of commuting trips"),
        )
    return charts
