"""Maps: the public commitment map (/map and its embeddable copy). render.py and geojson.py are pure (no
database); services.py reads the layers."""

from flask import Blueprint

bp = Blueprint("maps", __name__)
