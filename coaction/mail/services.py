"""queue_mail() renders a mail in the recipient's language and sends it after the transaction commits."""

from __future__ import annotations

import logging
import re
import smtplib

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives
from markupsafe import Markup, escape

from coaction.core.types import utcnow
from coaction.extensions import db
from coaction.jobs import enqueue_after_commit, job
from coaction.mail.models import MailStatus, OutgoingMail

log = logging.getLogger(__name__)


URL = re.compile(r"https?://[^\s<>\"]+")


def text_to_html(text: str) -> Markup:
    """The HTML part from the text part: one paragraph per blank-line block, addresses as links."""
    paragraphs = []
    for block in filter(None, (part.strip() for part in text.split("\n\n"))):
        escaped = str(escape(block))
        linked = URL.sub(lambda match: f'<a href="{match.group(0)}">{match.group(0)}</a>', escaped)
        paragraphs.append(f"<p>{linked.replace(chr(10), '<br>')}</p>")
    return Markup("\n".join(paragraphs))  # noqa: S704  # nosec B704 (built from escaped text only)


def render_mail(template: str, locale: str, **context) -> tuple[str, str, str]:
    """(subject, text, html) from mail/<template>.subject.txt and .txt. Links are built from BASE_URL,
    never from the request's Host header."""
    app = current_app._get_current_object()
    with app.test_request_context(base_url=app.config["BASE_URL"]), force_locale(locale):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template("mail/_layout.html", subject=subject, body=text_to_html(text))
    return subject, text, html


def queue_mail(recipient: str, template: str, locale: str, **context) -> OutgoingMail:
    subject, text, html = render_mail(template, locale, **context)
    smtp = bool(current_app.config.get("MAIL_SERVER"))
    outgoing = OutgoingMail(
        recipient=recipient,
        subject=subject[:300],
        template=template,
        locale=locale,
        body_text=text,
        body_html=html,
        status=MailStatus.QUEUED if smtp else MailStatus.KEPT,
    )
    db.session.add(outgoing)
    db.session.flush()
    if smtp:
        enqueue_after_commit("mail.deliver", outgoing.id)
    else:
        log.info("Mail kept in the outbox (no mail server set) to %s: %s\n%s", recipient, subject, text)
    return outgoing


@job("mail.deliver")
def deliver(mail_id: int) -> None:
    outgoing = db.session.get(OutgoingMail, mail_id)
    if outgoing is None or outgoing.status != MailStatus.QUEUED:
        return
    message = EmailMultiAlternatives(
        subject=outgoing.subject,
        body=outgoing.body_text,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[outgoing.recipient],
    )
    message.attach_alternative(outgoing.body_html, "text/html")
    outgoing.attempts += 1
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        outgoing.status = MailStatus.FAILED
        outgoing.error = f"{type(error).__name__}: {error}"[:500]
        log.warning("mail %s to %s failed: %s", mail_id, outgoing.recipient, error)
        return
    outgoing.status = MailStatus.SENT
    outgoing.sent_at = utcnow()
    outgoing.body_text = outgoing.body_html = None


def outbox(limit: int = 100) -> list[OutgoingMail]:
    return list(db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(limit)))
