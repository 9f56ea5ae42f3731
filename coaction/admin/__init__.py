"""The administrator's pages: users and roles, and the audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
