"""The network's plan: goals and sub-goals per plan year, and the indicators that follow them."""

from flask import Blueprint

bp = Blueprint("goals", __name__)
