"""The public API under /api/v1: read-only public data (what an anonymous visitor of the site may see), its OpenAPI
document generated from the schemas the requests are validated with, and the one write: a progress report on an
organisation's own commitment with a personal API token ("report once")."""

from flask import Blueprint

bp = Blueprint("api", __name__)
