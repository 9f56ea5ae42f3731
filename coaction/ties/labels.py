from flask_babel import lazy_gettext as _l

from coaction.ties.models import TieKind, TieState

KIND_LABELS = {
    TieKind.PARTNERSHIP: _l("Partnership"),
    TieKind.SUPPLIER: _l("Supplier"),
    TieKind.RESEARCH: _l("Research"),
    TieKind.FUNDING: _l("Funding"),
    TieKind.OTHER: _l("Other"),
}
STATE_LABELS = {
    TieState.PROPOSED: _l("Proposed"),
    TieState.CONFIRMED: _l("Confirmed"),
    TieState.DECLINED: _l("Declined"),
}
