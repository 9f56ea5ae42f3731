"""Words for the annual report's sections, in both languages."""

from flask_babel import lazy_gettext as _l

SECTION_LABELS = {
    "introduction": _l("Introduction"),
    "members": _l("Members and how the membership grew"),
    "commitments": _l("Commitments"),
    "travel": _l("Travel surveys"),
    "activities": _l("Joint activities"),
    "network": _l("The network's growth"),
    "priorities": _l("Infrastructure priorities"),
    "decisions": _l("Decisions and their follow-up"),
    "fees": _l("Fees"),
}
