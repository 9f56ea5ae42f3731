"""Words for the activity codes, in both languages."""

from flask_babel import lazy_gettext as _l

from coaction.activities.models import ActivityKind, ActivityVisibility, Answer, DocumentKind, RegistrationState, Role

KIND_LABELS = {
    ActivityKind.PROJECT: _l("Project"),
    ActivityKind.WORKSHOP: _l("Workshop"),
    ActivityKind.CAMPAIGN: _l("Campaign"),
    ActivityKind.STUDY_VISIT: _l("Study visit"),
    ActivityKind.PILOT: _l("Pilot"),
    ActivityKind.PROCUREMENT: _l("Joint procurement"),
    ActivityKind.SURVEY: _l("Survey"),
    ActivityKind.CONFERENCE: _l("Conference"),
    ActivityKind.CONSULTATION: _l("Consultation response"),
}
VISIBILITY_LABELS = {
    ActivityVisibility.PUBLIC: _l("Everyone"),
    ActivityVisibility.MEMBERS: _l("Members of the network"),
}
ROLE_LABELS = {
    Role.LEAD: _l("Lead"),
    Role.PARTNER: _l("Partner"),
    Role.FUNDER: _l("Funder"),
    Role.EXPERT: _l("Expert"),
}
ANSWER_LABELS = {
    Answer.INVITED: _l("Invited"),
    Answer.REQUESTED: _l("Asks to take part"),
    Answer.ACCEPTED: _l("Takes part"),
    Answer.DECLINED: _l("Declined"),
}
REGISTRATION_STATE_LABELS = {
    RegistrationState.REGISTERED: _l("Registered"),
    RegistrationState.WAITING: _l("Waiting list"),
    RegistrationState.CANCELLED: _l("Cancelled"),
}
DOCUMENT_LABELS = {
    DocumentKind.DRAFT: _l("Draft, for the organisations taking part"),
    DocumentKind.FINAL: _l("Final text, public with the activity"),
}
