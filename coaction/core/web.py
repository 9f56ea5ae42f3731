"""Small helpers the thin views share."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import render_template, request


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
