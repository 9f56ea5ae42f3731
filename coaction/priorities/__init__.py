"""The joint infrastructure priorities: a public map and a page for each, supporters that the coordinator
moderates, and the coordinator's editing with validated GeoJSON and a dated status history."""

from flask import Blueprint

bp = Blueprint("priorities", __name__)
