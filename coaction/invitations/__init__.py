"""Inviting actors and colleagues, and following every invitation to the end."""

from flask import Blueprint

bp = Blueprint("invitations", __name__)
