"""The four states of a piece of joint work (a travel plan's measure, an activity, a decision) in the shared
palette of DESIGN §4: done green, ongoing yellow, planned and cancelled grey, always with a word and an icon."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class WorkStatus(StrEnum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    DONE = "done"
    CANCELLED = "cancelled"


WORK_STATUS_LABELS = {
    WorkStatus.PLANNED: _l("Planned"),
    WorkStatus.ONGOING: _l("Ongoing"),
    WorkStatus.DONE: _l("Done"),
    WorkStatus.CANCELLED: _l("Cancelled"),
}
WORK_STATUS_COLOURS = {
    WorkStatus.PLANNED: "grey",
    WorkStatus.ONGOING: "yellow",
    WorkStatus.DONE: "green",
    WorkStatus.CANCELLED: "grey",
}
WORK_STATUS_ICONS = {WorkStatus.PLANNED: "○", WorkStatus.ONGOING: "➜", WorkStatus.DONE: "✔", WorkStatus.CANCELLED: "✖"}
