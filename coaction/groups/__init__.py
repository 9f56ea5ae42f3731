"""Working groups (the network's committees and networks), their meetings with agendas, attachments, minutes and
attendance, and the decisions taken under agenda items with their follow-up."""

from flask import Blueprint

bp = Blueprint("groups", __name__)
