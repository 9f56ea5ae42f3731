"""Languages: Swedish by default, ?lang=en switches and sticks for the visit (login sets it from the profile)."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, refresh

LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands and jobs: the default, unless force_locale says otherwise
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_language_switch(app: Flask) -> None:
    @app.before_request
    def _remember_language():
        wanted = request.args.get("lang")
        if wanted in app.config["LANGUAGES"]:
            session["lang"] = wanted
        # Flask-Babel caches the locale on the app context, which may outlive one request.
        refresh()

    @app.context_processor
    def _language_context():
        return {"current_locale": str(get_locale()), "language_names": LANGUAGE_NAMES}
