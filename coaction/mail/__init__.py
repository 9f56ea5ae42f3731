"""Outgoing mail: rendered in the recipient's language, sent by SMTP or kept in the outbox."""

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/coordinator/outbox")
