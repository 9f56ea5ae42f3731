"""Absolute links to the site's pages for files and feeds: built from BASE_URL, never from the request (as mails
are), so that the CLI writes the same links as the web and nothing depends on the Host header."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from werkzeug.routing import IntegerConverter


def public_urls(endpoint: str) -> Callable[..., str]:
    """A function from the endpoint's values to its absolute address (bound once: an export builds thousands)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("localhost")  # only the path is built; the host comes from BASE_URL

    def url(**values) -> str:
        return base + adapter.build(endpoint, values)

    return url


class DatabaseInteger(IntegerConverter):
    """`<int:...>` in every route: an id or a year too long for the database's integer column is no page (404), never
    a query that overflows (a 500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)
