"""How the API answers: JSON with a weak ETag (304 on If-None-Match), pages with a Link header and the total, CORS
for reads, gzip, and a JSON error with its status code for every failure."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request, url_for

from coaction.api import bp
from coaction.api.spec import ApiError
from coaction.core.pagination import Page
from coaction.core.web import conditional
from coaction.errors import error_response
from coaction.extensions import db
from coaction.maps.services import Layer


def json_response(payload: Any, status: int = 200, media_type: str = "application/json") -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
    return Response(body, status=status, mimetype=media_type)


def layer_response(layer: Layer) -> Response:
    """A cached GeoJSON layer, its ETag known already (`conditional` answers 304 without hashing it again)."""
    response = Response(layer.body, mimetype="application/geo+json")
    response.set_etag(layer.etag, weak=True)
    return response


def page_response(page: Page, items: list) -> Response:
    response = json_response(
        {"items": items, "page": page.page, "per_page": page.per_page, "total": page.total, "pages": page.pages}
    )
    response.headers["X-Total-Count"] = str(page.total)
    args = request.args.to_dict()

    def link(number: int, rel: str) -> str:
        target = url_for(request.endpoint, **(request.view_args or {}), **{**args, "page": number}, _external=True)
        return f'<{target}>; rel="{rel}"'

    links = [link(1, "first"), link(page.pages, "last")]
    if page.page > 1:
        links.append(link(min(page.page - 1, page.pages), "prev"))
    if page.page < page.pages:
        links.append(link(page.page + 1, "next"))
    response.headers["Link"] = ", ".join(links)
    return response


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    db.session.rollback()
    response = error_response(error.status, error.message)
    if error.problems:
        payload = response.get_json()
        payload["error"]["problems"] = error.problems
        response.set_data(json.dumps(payload, ensure_ascii=False))
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="coaction"'
    return response


@bp.after_app_request
def _api_headers(response: Response) -> Response:
    """Every answer under /api/ (errors of the whole app included) may be read from another origin."""
    if not request.path.startswith("/api/"):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Link, X-Total-Count, Retry-After"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    response.headers.setdefault("Cache-Control", "no-cache")
    return conditional(response)
