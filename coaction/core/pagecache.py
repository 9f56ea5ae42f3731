"""Whole answers to anonymous visitors, from the shared cache, for the busiest public pages and API lists: every
anonymous visitor in one language gets the same answer until the data changes. Keyed by the path and query, the
language, the day and the "pages" generation (new after every committed write, on any server), so a change is seen
at once. The CSP nonce is put in afresh for each answer. Nothing is cached for a signed-in visitor, with a message
waiting to be shown, or when the answer sets a cookie."""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, request, session
from flask_babel import get_locale

from coaction.commitments.listing import local_today
from coaction.core.generations import watch
from coaction.extensions import cache

NONCE_MARK = b"coaction-nonce-to-fill"
HIT_HEADER = "X-Page-Cache"
KEPT_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Link", "X-Total-Count")
GENERATION_KEY = watch("pages")  # every write
_GENERATION = "coaction.page_generation"


def _cacheable_request() -> bool:
    return (
        current_app.config["PAGE_CACHE"]
        and request.method in ("GET", "HEAD")
        and request.endpoint in current_app.config["PAGE_CACHED_ENDPOINTS"]
        and "_user_id" not in session
        and "_flashes" not in session
        and current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in request.cookies
    )


def _key() -> str:
    address = f"{request.full_path}|{get_locale()}|{local_today().isoformat()}"
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


def _serve_cached() -> Response | None:
    if not _cacheable_request():
        return None
    # One round trip: the generation now and the answer kept with the generation it was made in.
    current, kept = cache.get_many(GENERATION_KEY, _key())
    request.environ[_GENERATION] = current or "0"  # read before the page is made: a write meanwhile makes it old
    if kept is None or kept[0] != request.environ[_GENERATION]:
        return None
    from coaction.security import csp_nonce

    _made_in, body, headers = kept
    response = Response(body.replace(NONCE_MARK, csp_nonce().encode()), headers=headers)
    response.headers[HIT_HEADER] = "hit"
    return response.make_conditional(request)


def _keep(response: Response) -> Response:
    made_in = request.environ.get(_GENERATION)
    if (
        made_in is None
        or response.headers.get(HIT_HEADER) == "hit"
        or response.status_code != 200
        or response.direct_passthrough
        or response.is_streamed
        or session.modified
        or "Set-Cookie" in response.headers
        or "Content-Encoding" in response.headers
        or not _cacheable_request()
    ):
        return response
    body = response.get_data()
    nonce = request.environ.get("coaction.csp_nonce")
    if nonce:
        body = body.replace(nonce.encode(), NONCE_MARK)
    headers = [(name, value) for name, value in response.headers.items() if name in KEPT_HEADERS]
    cache.set(_key(), (made_in, body, headers), timeout=current_app.config["PAGE_CACHE_SECONDS"])
    response.headers[HIT_HEADER] = "miss"
    return response


def init_page_cache(app: Flask) -> None:
    """Registered last, so that its after_request runs first: before compression and the security headers."""
    app.before_request(_serve_cached)
    app.after_request(_keep)
