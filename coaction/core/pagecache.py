"""Whole answers to anonymous visitors, from the shared cache, for the busiest public pages and API lists: every
anonymous visitor in one language gets the same answer until the data changes. Keyed by the address, the language,
the accepted encodings, the day and the "pages" generation (new after every committed write, on any server), so a
change is seen at once. The CSP nonce is put in afresh for each answer. Nothing is cached for a signed-in visitor,
with a message waiting to be shown, or when the answer sets a cookie.

A WSGI middleware in front of Flask answers a hit with one round trip to the cache and nothing else: no request
context, no hooks, no database (bench_national measured the difference). Flask itself only says, once the page is
made, whether it may be kept. An endpoint with a rate limit is left to Flask while limits are on, so that each
request still counts.

Each process also keeps its own copies of the answers the shared cache gave it, up to PAGE_CACHE_LOCAL_MB and no
longer than the shared cache keeps them: while the generation is the one a copy was made in, a hit reads only the
generation, not the answer again (a GeoJSON layer at national scale is a megabyte of gzip). A copy is never answered
without that check, nor while the shared cache holds no generation (cleared, or none at all), so every server still
sees a change at once."""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import NamedTuple
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from cachetools import TLRUCache
from flask import Flask, Response, current_app, request, session
from flask_babel import get_locale
from itsdangerous import BadSignature
from werkzeug.http import parse_cookie

from coaction.commitments.listing import local_today
from coaction.core.generations import watch
from coaction.extensions import cache, limiter

HIT_HEADER = "X-Page-Cache"
# Said afresh for each answer: its date and where its rate limits stand (by the limiter, when one applies).
UNKEPT_HEADERS = {
    "content-length",
    "set-cookie",
    "date",
    "retry-after",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    HIT_HEADER.lower(),
}
GENERATION_KEY = watch("pages")  # every write
_MADE_AS = "coaction.page_made_as"  # set by Flask when the answer may be kept: the language and day it was made for
_KEPT = "coaction.page_kept"  # a hit for Flask to answer
NONCE = "coaction.csp_nonce"  # coaction.security.csp_nonce keeps the request's nonce there


def _keepable(response: Response) -> Response:
    """Flask's word on a fresh answer: kept when the visitor is anonymous, nothing waits in the session and the
    answer is a whole 200 that sets nothing. The middleware still refuses one that sets a cookie."""
    if (
        request.method == "GET"
        and _KEPT not in request.environ
        and request.endpoint in current_app.config["PAGE_CACHED_ENDPOINTS"]
        and response.status_code == 200
        and not (response.direct_passthrough or response.is_streamed or session.modified)
        and "_user_id" not in session
        and "_flashes" not in session
    ):
        request.environ[_MADE_AS] = (str(get_locale()), local_today().isoformat())
    return response


class Seen(NamedTuple):
    endpoint: str
    parts: tuple[str, str, str, str]  # the address, the language, the day and the accepted encodings


class Kept(NamedTuple):
    generation: str  # the "pages" generation read before the answer was made
    made_at: float  # Unix time
    body: bytes
    headers: list[tuple[str, str]]
    mark: str  # where the nonce was: random for each kept answer, so that no text can name it
    nonce_in_body: bool  # a JSON answer carries the nonce only in its headers: its body is sent as kept


def _size(kept: Kept) -> int:
    return len(kept.body) + sum(len(name) + len(value) for name, value in kept.headers)


def _filled(kept: Kept, nonce: str) -> tuple[bytes, list[tuple[str, str]]]:
    """The kept body and headers with the request's own nonce."""
    body = kept.body.replace(kept.mark.encode(), nonce.encode()) if kept.nonce_in_body else kept.body
    return body, [(name, value.replace(kept.mark, nonce)) for name, value in kept.headers]


def kept_response(kept: Kept, nonce: str) -> Response:
    body, headers = _filled(kept, nonce)
    response = Response(body, headers=headers)
    response.headers[HIT_HEADER] = "hit"
    return response


def _answer_kept() -> Response | None:
    """Flask's part for a rate-limited endpoint: registered after the limiter, so the request has counted."""
    kept = request.environ.get(_KEPT)
    if kept is None:
        return None
    from coaction.security import csp_nonce

    return kept_response(kept, csp_nonce()).make_conditional(request)


class PageCache:
    """The WSGI middleware: a hit is answered here; a miss goes to Flask and its answer is kept if Flask allows."""

    def __init__(self, app: Flask, wrapped: Callable) -> None:
        self.app = app
        self.wrapped = wrapped
        self._paths: dict[str, str] | None = None  # path -> endpoint of the cached endpoints (fixed paths only)
        self._limited: dict[str, bool] = {}
        seconds = app.config["PAGE_CACHE_SECONDS"]
        self._copies: TLRUCache = TLRUCache(
            app.config["PAGE_CACHE_LOCAL_MB"] * 2**20,
            ttu=lambda _key, kept, _now: kept.made_at + seconds,
            timer=time.time,
            getsizeof=_size,
        )
        self._copies_lock = threading.Lock()  # for a threaded server

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        seen = self._seen_as(environ)
        if seen is None:
            return self.wrapped(environ, start_response)
        key = "page:v4:" + hashlib.sha256(json.dumps(seen.parts).encode()).hexdigest()
        # The generation is read before the page is made: a write meanwhile leaves the new answer old.
        generation, kept = self._current(key)
        if kept is not None:
            if not self._counted(seen.endpoint):
                return self._answer(kept, environ, start_response)
            environ[_KEPT] = kept  # answered by Flask once the rate limit has counted the request
            return self.wrapped(environ, start_response)
        return self._make_and_keep(environ, start_response, seen.parts, key, generation)

    def _current(self, key: str) -> tuple[str, Kept | None]:
        """The generation now and the answer kept in it, if any: this process's own copy while it is current
        (the generation alone is read), else the shared one (one round trip for the generation and the answer)."""
        backend = self.app.extensions["cache"][cache]
        with self._copies_lock:
            copy = self._copies.get(key)
        if copy is not None and copy.generation == backend.get(GENERATION_KEY):
            return copy.generation, copy
        current, kept = backend.get_many(GENERATION_KEY, key)
        generation = current or "0"
        if not (isinstance(kept, Kept) and kept.generation == generation):
            return generation, None
        if current is not None and _size(kept) <= self._copies.maxsize:
            with self._copies_lock:
                self._copies[key] = kept
        return generation, kept

    def _seen_as(self, environ: dict) -> Seen | None:
        """What the answer depends on, for a request the cache may answer; None for one it must leave to Flask."""
        config = self.app.config
        if not config["PAGE_CACHE"] or environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return None
        if "HTTP_AUTHORIZATION" in environ:  # the answer may be the token holder's
            return None
        path = environ.get("PATH_INFO", "")
        endpoint = self._cached_paths().get(path)
        if endpoint is None:
            return None
        query = environ.get("QUERY_STRING", "")
        if "lang" in dict(parse_qsl(query)):  # the language switch writes the session
            return None
        language = self._language(environ)
        if language is None:
            return None
        today = datetime.now(ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"])).date().isoformat()
        origin = f"{environ['wsgi.url_scheme']}://{environ.get('HTTP_HOST', '')}{environ.get('SCRIPT_NAME', '')}"
        address = f"{origin}{path}?{query}"
        return Seen(endpoint, (address, language, today, environ.get("HTTP_ACCEPT_ENCODING", "")))

    def _language(self, environ: dict) -> str | None:
        """The anonymous visitor's language, read from the signed session cookie as Flask would; None for a
        signed-in visitor, a waiting message or a cookie that does not read."""
        config = self.app.config
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
            return None
        stored = cookies.get(config["SESSION_COOKIE_NAME"])
        if not stored:
            return config["BABEL_DEFAULT_LOCALE"]
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        if serializer is None:
            return None
        try:
            data = serializer.loads(stored, max_age=int(self.app.permanent_session_lifetime.total_seconds()))
        except BadSignature:
            return None
        if "_user_id" in data or "_flashes" in data:
            return None
        chosen = data.get("lang")
        return chosen if chosen in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]

    def _cached_paths(self) -> dict[str, str]:
        if self._paths is None:
            cached = set(self.app.config["PAGE_CACHED_ENDPOINTS"])
            self._paths = {
                rule.rule: rule.endpoint
                for rule in self.app.url_map.iter_rules()
                if rule.endpoint in cached and not rule.arguments
            }
        return self._paths

    def _counted(self, endpoint: str) -> bool:
        """Whether a rate limit applies to the endpoint now."""
        if not self.app.config["RATELIMIT_ENABLED"]:
            return False
        if endpoint not in self._limited:
            blueprint = endpoint.rpartition(".")[0] or None
            with self.app.app_context():
                applied = limiter.limit_manager.resolve_limits(self.app, endpoint, blueprint, in_middleware=True)
            self._limited[endpoint] = any(applied)
        return self._limited[endpoint]

    def _answer(self, kept: Kept, environ: dict, start_response: Callable) -> Iterable[bytes]:
        nonce = secrets.token_urlsafe(18)
        if environ["REQUEST_METHOD"] != "GET" or any(name.startswith("HTTP_IF_") for name in environ):
            response = kept_response(kept, nonce)  # HEAD, or a 304 or 412 to work out: Werkzeug's rules
            response.make_conditional(environ)
            return response(environ, start_response)
        # A plain GET, the most common by far: the kept answer as it is (the server adds the Date).
        body, headers = _filled(kept, nonce)
        start_response("200 OK", [*headers, ("Content-Length", str(len(body))), (HIT_HEADER, "hit")])
        return [body]

    def _make_and_keep(
        self, environ: dict, start_response: Callable, seen: tuple[str, ...], key: str, generation: str
    ) -> Iterable[bytes]:
        answered: dict = {}

        def keep_if_allowed(status: str, headers: list[tuple[str, str]], exc_info=None):
            keep = (
                environ.get(_MADE_AS) == seen[1:3]
                and status.startswith("200 ")
                and not any(name.lower() == "set-cookie" for name, _ in headers)
            )
            if keep:
                answered["headers"] = headers
                headers = [*headers, (HIT_HEADER, "miss")]
            return start_response(status, headers, exc_info)

        chunks = self.wrapped(environ, keep_if_allowed)
        if "headers" not in answered:
            return chunks
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        self._keep(key, generation, body, answered["headers"], environ.get(NONCE))
        return [body]

    def _keep(self, key: str, generation: str, body: bytes, headers: list[tuple[str, str]], nonce: str | None):
        mark = secrets.token_urlsafe(18)
        nonce_in_body = bool(nonce) and nonce.encode() in body
        if nonce:
            body = body.replace(nonce.encode(), mark.encode())
            headers = [(name, value.replace(nonce, mark)) for name, value in headers]
        kept_headers = [(name, value) for name, value in headers if name.lower() not in UNKEPT_HEADERS]
        kept = Kept(generation, time.time(), body, kept_headers, mark, nonce_in_body)
        self.app.extensions["cache"][cache].set(key, kept, timeout=self.app.config["PAGE_CACHE_SECONDS"])


def init_page_cache(app: Flask) -> None:
    """Registered last, so that its before_request runs after the limiter's and its after_request first; the
    middleware goes inside any proxy fix."""
    app.before_request(_answer_kept)
    app.after_request(_keepable)
    app.wsgi_app = PageCache(app, app.wsgi_app)
