"""Joint activities: projects, workshops, procurements, conferences and consultation responses, with the
organisations that take part in them."""

from flask import Blueprint

bp = Blueprint("activities", __name__)
