"""Commitments: what members promise, their progress reports, and how the network follows them up."""

from flask import Blueprint

bp = Blueprint("commitments", __name__)
