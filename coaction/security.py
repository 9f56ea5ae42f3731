"""Security headers: a strict Content-Security-Policy with a per-request nonce, and friends."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, request


def csp_nonce() -> str:
    """One nonce per request (kept on the request: `g` lives as long as the app context, which can outlast it)."""
    environ = request.environ
    if "coaction.csp_nonce" not in environ:
        environ["coaction.csp_nonce"] = secrets.token_urlsafe(18)
    return environ["coaction.csp_nonce"]


def tile_origin(tile_url: str) -> str | None:
    """The scheme and host of the configured tile server: the one third-party origin allowed (images only)."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def content_security_policy(nonce: str, tile_url: str = "", frameable: bool = False) -> str:
    images = ["'self'", "data:"]
    origin = tile_origin(tile_url)
    if origin:
        images.append(origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'", f"'nonce-{nonce}'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["*"] if frameable else ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def has_nul(multidict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in multidict.lists())


def init_security_headers(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def _refuse_nul_bytes():
        # No text anyone types contains NUL, and PostgreSQL refuses it: a clear 400, not a 500 later.
        uploads = (upload.filename or "" for upload in request.files.values())
        if (
            has_nul(request.args)
            or has_nul(request.form)
            or "\x00" in request.path
            or any("\x00" in n for n in uploads)
        ):
            abort(400)

    @app.after_request
    def _set_headers(response):
        frameable = bool(getattr(request, "url_rule", None)) and request.endpoint in app.config.get(
            "FRAMEABLE_ENDPOINTS", ()
        )
        # A view that serves a file sets its own, stricter policy (a sandbox); every other response gets this one.
        response.headers.setdefault(
            "Content-Security-Policy", content_security_policy(csp_nonce(), app.config.get("TILE_URL", ""), frameable)
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(self)"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not frameable:
            response.headers["X-Frame-Options"] = "DENY"
        if app.config.get("HSTS"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
