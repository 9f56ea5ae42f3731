"""Travel-habit surveys among members' employees, their results, and green travel plans."""

from flask import Blueprint

bp = Blueprint("travel", __name__)
