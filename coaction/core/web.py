"""Small helpers the thin views share."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Response, current_app, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from coaction.extensions import compress, db

T = TypeVar("T")


def config_limit(key: str) -> Callable[[], str]:
    """A rate limit read from the settings at request time, so that tests and benchmarks can change it."""
    return lambda: current_app.config[key]


def acting_user():
    """The signed-in user itself, not Flask-Login's proxy: services store and compare it."""
    return current_user._get_current_object()


def client_ip() -> str | None:
    return request.remote_addr


def safe_next(target: str | None) -> str | None:
    """`next` only when it is a path on this site: no scheme, no host, no '//' or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(char) < 32 for char in target):
        return None
    return target


def render_form(template: str, *forms, **context):
    """Render a page with forms; 422 when a submitted form has errors, so clients see the refusal."""
    failed = request.method == "POST" and any(form.errors for form in forms)
    return render_template(template, **context), 422 if failed else 200


def saved(
    form,
    write: Callable[[], T],
    error: type[Exception],
    message: str | Callable[[T], str],
    done: Callable[[T], ResponseReturnValue],
    again: Callable[[Any], ResponseReturnValue],
) -> ResponseReturnValue:
    """The shape the form posts share: the form checked, then written by `write` (the service call). When the
    service refuses with its `error`, the session is rolled back and `again(form)` shows the form with the problems
    by their fields; else the change is committed, `message` flashed (or `message(result)`, where it names what
    `write` returned) and `done(result)` is the answer, a redirect. A GET or a form with errors is `again(form)`."""
    if form.validate_on_submit():
        try:
            result = write()
        except error as refused:
            db.session.rollback()
            form.show_problems(refused.problems)
        else:
            db.session.commit()
            flash(message(result) if callable(message) else message, "success")
            return done(result)
    return again(form)


def csv_delimiter() -> str:
    """Semicolons where the decimal mark is a comma (Swedish Excel splits columns on them), commas elsewhere."""
    return ";" if str(get_locale()) == "sv" else ","


def csv_download(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def conditional(response: Response) -> Response:
    """A weak ETag over the body (the same data whatever the encoding; a view that knows it already may set it),
    304 to a current If-None-Match, then gzip when the client takes it: for the API's answers and the downloads."""
    tag = response.get_etag()[0] or hashlib.sha256(response.get_data()).hexdigest()[:32]
    request.environ["coaction.body_hash"] = tag
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.set_etag(tag, weak=True)
        response.make_conditional(request)
    return compress.after_request(response)


def compressed_key(req) -> str:
    """flask-compress's cache key: the hash of the body being compressed (set just before by `conditional`, the
    one caller), so the same body is compressed once."""
    return req.environ["coaction.body_hash"]
