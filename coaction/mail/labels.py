from flask_babel import lazy_gettext as _l

from coaction.mail.models import MailStatus

MAIL_STATUS_LABELS = {
    MailStatus.QUEUED: _l("Waiting to be sent"),
    MailStatus.SENT: _l("Sent"),
    MailStatus.FAILED: _l("Could not be sent"),
    MailStatus.KEPT: _l("Kept here (no mail server)"),
}
