"""Error pages in both languages, JSON errors under /api/, and a rollback whatever went wrong."""

from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from coaction.extensions import db

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. If you sent a form, reload the page and try again."),
    ),
    403: (_l("Not allowed"), _l("You do not have permission to see or do this.")),
    404: (_l("Page not found"), _l("There is nothing at this address. Check the address or start from the home page.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is larger than we accept. Make the file smaller and try again.")),
    429: (_l("Too many attempts"), _l("You have tried too many times in a short while. Wait a moment and try again.")),
    500: (
        _l("Something went wrong"),
        _l("An error on our side stopped this request. Nothing was saved. Try again later."),
    ),
}
OTHER_CLIENT_ERROR = (_l("The request cannot be served"), _l("This request cannot be answered as it was sent."))


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(code: int, detail: str | None = None) -> Response:
    title, message = MESSAGES.get(code) or (OTHER_CLIENT_ERROR if 400 <= code < 500 else MESSAGES[500])
    if wants_json():
        body = jsonify(error={"status": code, "title": str(title), "message": detail or str(message)})
    else:
        body = render_template("errors/error.html", code=code, title=title, message=message, detail=detail)
    return make_response(body, code)


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        db.session.rollback()
        return error_response(
            400, str(_l("The form has expired or was not sent from this site. Reload the page and try again."))
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        db.session.rollback()
        code = error.code if error.code and 400 <= error.code < 600 else 500
        response = error_response(code)
        for name, value in error.get_response().headers.items():  # Allow, Content-Range, Retry-After, ...
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500)

    app.register_error_handler(InternalServerError, _unexpected_error)
