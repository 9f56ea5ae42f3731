"""Words for the members feature's codes, in both languages; templates and forms use these, never the codes."""

from flask_babel import lazy_gettext as _l

from coaction.members.models import ApplicationStatus, MembershipStatus, Sector

SECTOR_LABELS = {
    Sector.MUNICIPALITY: _l("Municipality"),
    Sector.REGION: _l("Region"),
    Sector.AUTHORITY: _l("Authority"),
    Sector.BUSINESS: _l("Business"),
    Sector.ENERGY: _l("Energy"),
    Sector.REAL_ESTATE: _l("Real estate"),
    Sector.IT: _l("IT"),
    Sector.INDUSTRY: _l("Industry"),
    Sector.TRANSPORT: _l("Transport"),
    Sector.ACADEMIA: _l("Academia"),
    Sector.ASSOCIATION: _l("Association"),
    Sector.OTHER: _l("Other"),
}

STATUS_LABELS = {
    MembershipStatus.PROSPECT: _l("Prospect"),
    MembershipStatus.INVITED: _l("Invited"),
    MembershipStatus.APPLIED: _l("Applied"),
    MembershipStatus.MEMBER: _l("Member"),
    MembershipStatus.PAUSED: _l("Paused membership"),
    MembershipStatus.LEFT: _l("Left"),
    MembershipStatus.REJECTED: _l("Rejected"),
    MembershipStatus.EXTERNAL: _l("External partner"),
}

APPLICATION_STATUS_LABELS = {
    ApplicationStatus.UNCONFIRMED: _l("Waiting for email confirmation"),
    ApplicationStatus.SUBMITTED: _l("Waiting for a decision"),
    ApplicationStatus.INFO_REQUESTED: _l("More information requested"),
    ApplicationStatus.APPROVED: _l("Approved"),
    ApplicationStatus.REJECTED: _l("Rejected"),
}
