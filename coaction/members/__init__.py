"""Organisations: members, prospects and external partners of the network; signing up and deciding."""

from flask import Blueprint

bp = Blueprint("members", __name__)
