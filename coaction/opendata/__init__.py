"""Open data: the /data page, every public data set as CSV, XLSX and more with its dictionary, and an
organisation's own data for its reporting elsewhere."""

from flask import Blueprint

bp = Blueprint("opendata", __name__)
