"""Explicit ties between organisations, and every collaboration edge the network is made of (for the network
feature): shared activities, shared working groups and the ties."""

from flask import Blueprint

bp = Blueprint("ties", __name__)
