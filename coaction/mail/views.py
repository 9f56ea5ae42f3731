from flask import abort, current_app, render_template

from coaction.auth.permissions import can_read_outbox, require
from coaction.mail import bp
from coaction.mail.labels import MAIL_STATUS_LABELS
from coaction.mail.services import outbox


@bp.get("/")
@require(can_read_outbox)
def index():
    if current_app.config["ENV"] == "production":
        abort(404)  # mails hold single-use links: the outbox is a development tool
    return render_template("mail/outbox.html", mails=outbox(), mail_status_labels=MAIL_STATUS_LABELS)
