from flask_babel import lazy_gettext as _l

from coaction.priorities.models import Plan, PriorityStatus, SupportState

STATUS_LABELS = {
    PriorityStatus.PROPOSED: _l("Proposed by the network"),
    PriorityStatus.STUDIED: _l("Being studied"),
    PriorityStatus.PLANNING: _l("Being planned"),
    PriorityStatus.IN_PLAN: _l("In an adopted plan"),
    PriorityStatus.BUILDING: _l("Being built"),
    PriorityStatus.DONE: _l("Finished"),
}
PLAN_LABELS = {Plan.NATIONAL: _l("National plan"), Plan.REGIONAL: _l("Regional plan")}
SUPPORT_LABELS = {
    SupportState.PENDING: _l("Waiting for the coordinator"),
    SupportState.APPROVED: _l("Shown publicly"),
    SupportState.REJECTED: _l("Not shown"),
}
# One colour each for map and list; the number and the name always stand beside it.
RANK_COLOURS = ("#1d4f91", "#b34700", "#007a5a", "#6a1b9a", "#8a6d00", "#2f4f4f")
