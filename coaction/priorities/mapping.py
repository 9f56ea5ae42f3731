"""The priorities as a layer for a map: shapes for folium (keys only) and their words for the page's script."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from coaction.maps.render import Shape, ShapeLayer
from coaction.priorities.labels import RANK_COLOURS, STATUS_LABELS
from coaction.priorities.models import InfrastructurePriority


def colour_of(priority: InfrastructurePriority) -> str:
    return RANK_COLOURS[(priority.rank - 1) % len(RANK_COLOURS)]


def priority_layer(shown: list[InfrastructurePriority], *, visible: bool = True) -> tuple[ShapeLayer, dict]:
    drawn = [priority for priority in shown if priority.geometry]
    layer = ShapeLayer("priorities", [Shape(f"priority-{p.id}", p.geometry, colour_of(p)) for p in drawn])
    words = {
        "name": _("Infrastructure priorities"),
        "shown": visible,
        "labels": {
            f"priority-{p.id}": {
                "title": f"{p.rank}. {p.name}",
                "facts": [[_("Status"), str(STATUS_LABELS[p.status])], [_("Responsible body"), p.responsible_body]],
                "url": url_for("priorities.show", slug=p.slug),
            }
            for p in drawn
        },
    }
    return layer, words
