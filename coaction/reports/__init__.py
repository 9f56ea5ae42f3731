"""The annual report: /reports and /reports/<year> (HTML and PDF) for everyone once published; the coordinator's
texts, drafts and publishing under /coordinator/reports."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
