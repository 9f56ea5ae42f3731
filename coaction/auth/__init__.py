"""Accounts: log in and out, reset and change password, change email, the profile."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
