from flask_babel import lazy_gettext as _l

from coaction.invitations.models import InvitationStatus

INVITATION_STATUS_LABELS = {
    InvitationStatus.PENDING: _l("Sent"),
    InvitationStatus.OPENED: _l("Opened"),
    InvitationStatus.ACCEPTED: _l("Accepted"),
    InvitationStatus.DECLINED: _l("Declined"),
    InvitationStatus.EXPIRED: _l("Expired"),
    InvitationStatus.REVOKED: _l("Revoked"),
}

STAGE_LABELS = {
    "invited": _l("Invited"),
    "opened": _l("Opened the link"),
    "applied": _l("Applied"),
    "member": _l("Member"),
}
