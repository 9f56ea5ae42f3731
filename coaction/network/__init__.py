"""The collaboration network: who works with whom, measured with networkx in a background job and stored as a
snapshot; the public drawing and table, the coordinator's view, an organisation's position and its partner
suggestions with their reasons, introductions, and the exports."""

from flask import Blueprint

bp = Blueprint("network", __name__)
