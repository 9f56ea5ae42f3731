"""The report's charts, drawn from its plain figures (a published report's charts are its own). Each section shows
the same numbers in a table beside its chart; a section a published report does not have gets no chart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

from coaction.activities.labels import KIND_LABELS
from coaction.commitments.labels import STATUS_LABELS
from coaction.core.charts import Series, bar_chart, line_chart
from coaction.travel.labels import MODE_LABELS


def members_chart(members: dict) -> Markup:
    return line_chart(
        [Series(_("Members"), [(year, count) for year, count in members["growth"]], "chart-series-0")],
        title=_("Members at the end of each year"),
        x_label=_("Year"),
        y_label=_("Members"),
    )


def commitments_chart(commitments: dict) -> Markup:
    return bar_chart(
        [(str(STATUS_LABELS[status]), count) for status, count in commitments["by_status"].items()],
        title=_("Commitments by status"),
        percent=False,
    )


def travel_chart(travel: dict) -> Markup:
    if not travel["wave"]:
        return Markup("")
    return bar_chart(
        [(str(MODE_LABELS.get(mode, mode)), share) for mode, share in travel["wave"]["modal_split"].items()],
        title=_("Modal split of commuting trips"),
    )


def activities_chart(activities: dict) -> Markup:
    return bar_chart(
        [(str(KIND_LABELS[kind]), count) for kind, count in activities["by_kind"]],
        title=_("Activities by kind"),
        percent=False,
    )


def network_chart(network: dict) -> Markup:
    growth = network["growth"]
    return line_chart(
        [
            Series(_("Ties"), [(year, found["ties"]) for year, found in growth], "chart-series-0"),
            Series(
                _("Members without a tie"), [(year, found["without_tie"]) for year, found in growth], "chart-series-1"
            ),
        ],
        title=_("The network year by year"),
        x_label=_("Year"),
        y_label=_("Count"),
    )


CHARTS: dict[str, Callable[[dict], Markup]] = {
    "members": members_chart,
    "commitments": commitments_chart,
    "travel": travel_chart,
    "activities": activities_chart,
    "network": network_chart,
}


def report_charts(figures: dict[str, Any]) -> dict[str, Markup]:
    return {section: draw(figures[section]) for section, draw in CHARTS.items() if section in figures}
