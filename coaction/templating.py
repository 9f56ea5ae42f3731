"""What every template can use: the network's name, the demo flag, the navigation, formatting."""

from __future__ import annotations

from functools import lru_cache

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context

from coaction.core.settings import get_setting, is_demo
from coaction.core.status import WORK_STATUS_COLOURS, WORK_STATUS_ICONS, WORK_STATUS_LABELS

# The public pages of DESIGN §5, in menu order. An entry without an endpoint is shown as "coming soon".
NAVIGATION = (
    ("public.home", _l("Home")),
    ("maps.index", _l("Map")),
    ("priorities.index", _l("Infrastructure priorities")),
    ("members.directory", _l("Members")),
    ("commitments.index", _l("Commitments")),
    ("activities.index", _l("Activities")),
    ("network.index", _l("Network")),
    ("goals.index", _l("Goals")),
    ("opendata.index", _l("Open data")),
    ("reports.index", _l("Annual reports")),
    ("members.join", _l("Join")),
)


@lru_cache
def _number_symbols(locale: str) -> dict[int, str]:
    return {ord(","): get_group_symbol(locale), ord("."): get_decimal_symbol(locale)}


@pass_context
def fixed(context, value: float, digits: int = 0) -> str:
    """A number with `digits` decimals, grouped, in the page's locale: what numberformat and decimalformat give,
    without parsing a number pattern or looking up the locale for every cell of a long table (measured: most of a
    50-row page's time)."""
    return f"{value:,.{digits}f}".translate(_number_symbols(context.get("current_locale") or str(get_locale())))


def init_templating(app: Flask) -> None:
    app.add_template_filter(fixed)

    @app.context_processor
    def _site_context():
        return {
            "network_name": get_setting("network_name"),
            "demo_instance": is_demo(),
            "navigation": NAVIGATION,
            "work_status_labels": WORK_STATUS_LABELS,
            "work_status_colours": WORK_STATUS_COLOURS,
            "work_status_icons": WORK_STATUS_ICONS,
        }
