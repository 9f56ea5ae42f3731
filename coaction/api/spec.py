"""Each API operation is declared once, with `operation`: that adds the Flask route, validates its parameters and body
with their pydantic schemas, and records it for the OpenAPI 3.1 document (whose JSON Schema dialect is pydantic's)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from coaction.api import bp
from coaction.api.schemas import MAX_ID, ErrorBody, Query

PREFIX = "/api/v1"
ERROR_TEXT = {
    304: "Not modified: the ETag given in If-None-Match is still current.",
    400: "A parameter or the body is not valid: the error says which and why.",
    401: "No valid API token: missing, unknown, expired or revoked.",
    403: "The token's organisation may not do this.",
    404: "No such resource.",
    415: "The body must be JSON (Content-Type: application/json).",
    422: "The report is well-formed but not acceptable (a date in the future, a value outside the unit's range).",
    429: "Too many requests: wait for the number of seconds in Retry-After.",
}


# What an error says to the client, in its language (the OpenAPI document above stays in English).
MESSAGES = {
    400: _l("A parameter or the body is not valid: see what is wrong with each under problems."),
    401: _l("Send a valid personal API token: Authorization: Bearer <token>. It may have expired or been revoked."),
    403: _l("Your token's organisation may not do this."),
    415: _l("Send the body as JSON, with Content-Type: application/json."),
    422: _l("The report cannot be accepted: see what is wrong with each field under problems."),
}


class ApiError(Exception):
    def __init__(self, status: int, message: str | None = None, problems: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.problems = status, problems
        self.message = message or (str(MESSAGES[status]) if status in MESSAGES else None)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # OpenAPI style: /commitments/{commitment_id}
    endpoint: str
    summary: str
    description: str
    tag: str
    response: type[BaseModel] | None
    media_type: str
    query: type[Query] | None
    body: type[BaseModel] | None
    status: int
    paginated: bool
    token: bool
    errors: tuple[int, ...]

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)


OPERATIONS: list[Operation] = []


def problems_of(error: ValidationError) -> dict[str, str]:
    return {".".join(str(part) for part in problem["loc"]) or "body": problem["msg"] for problem in error.errors()}


def parse_query(model: type[Query]) -> Query:
    values: dict[str, Any] = {}
    for name in request.args:
        given = request.args.getlist(name)
        if len(given) > 1:
            raise ApiError(400, problems={name: "Give this parameter once."})
        values[name] = given[0]
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise ApiError(400, problems=problems_of(error)) from error


def refuse_parameters() -> None:
    """An operation without query parameters refuses any, as the others refuse unknown ones."""
    if request.args:
        raise ApiError(400, problems=dict.fromkeys(request.args, "Unknown parameter."))


def parse_body(model: type[BaseModel]) -> BaseModel:
    if request.mimetype != "application/json":
        raise ApiError(415)
    raw = request.get_data(cache=False)
    try:
        data = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, problems={"body": "The body is not valid JSON."}) from error
    if not isinstance(data, dict):
        raise ApiError(400, problems={"body": "The body must be a JSON object."})
    try:
        return model.model_validate_json(raw)  # JSON mode: a strict model still reads "2025-01-01" as a day
    except ValidationError as error:
        raise ApiError(400, problems=problems_of(error)) from error


def bearer_token() -> str:
    kind, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if kind.lower() == "bearer" else ""


def token_user():
    """The user a valid personal token acts for; a session cookie never stands in for one (no CSRF exposure)."""
    from coaction.api.services import user_of_token
    from coaction.core.types import utcnow

    found = user_of_token(bearer_token(), utcnow())
    if found is None:
        raise ApiError(401)
    return found


def operation(
    path: str,
    *,
    summary: str,
    tag: str,
    response: type[BaseModel] | None,
    method: str = "GET",
    query: type[Query] | None = None,
    body: type[BaseModel] | None = None,
    status: int = 200,
    paginated: bool = False,
    token: bool = False,
    media_type: str = "application/json",
    errors: tuple[int, ...] = (),
) -> Callable:
    """Routes PREFIX + path to the view, which is called with its path ids, and `query`, `body` and the token's
    `user` when it has them."""

    def decorator(view: Callable) -> Callable:
        rule = PREFIX + re.sub(r"\{(\w+)\}", r"<int:\1>", path)

        @functools.wraps(view)
        def handle(**ids: int):
            if any(value < 1 or value > MAX_ID for value in ids.values()):
                raise ApiError(404)
            if query is not None:
                ids["query"] = parse_query(query)
            else:
                refuse_parameters()
            if token:  # who asks comes before what is asked: no token, no word about the body
                ids["user"] = token_user()
            if body is not None:
                ids["body"] = parse_body(body)
            return view(**ids)

        bp.add_url_rule(rule, view.__name__, handle, methods=[method])
        implied = (400, 429) + ((404,) if "{" in path else ()) + ((304,) if method == "GET" else ())
        OPERATIONS.append(
            Operation(
                method=method,
                path=path,
                endpoint=f"{bp.name}.{view.__name__}",
                summary=summary,
                description=(view.__doc__ or "").strip(),
                tag=tag,
                response=response,
                media_type=media_type,
                query=query,
                body=body,
                status=status,
                paginated=paginated,
                token=token,
                errors=tuple(sorted(set(implied + errors + ((401,) if token else ()) + ((415,) if body else ())))),
            )
        )
        return handle

    return decorator


# ---- The OpenAPI document -------------------------------------------------------------------------------------

REF = "#/components/schemas/{model}"


def _without_null(schema: dict) -> dict:
    """A query parameter is absent or has a value: `X | None` is documented as X."""
    schema = dict(schema)
    options = schema.pop("anyOf", None)
    if options:
        kept = [option for option in options if option.get("type") != "null"]
        schema.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
    if schema.get("default", 0) is None:
        del schema["default"]
    schema.pop("title", None)
    return schema


def _query_parameters(model: type[Query], definitions: dict) -> list[dict]:
    schema = model.model_json_schema(ref_template=REF)
    definitions.update(schema.get("$defs", {}))
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = _without_null(prop)
        description = prop.pop("description", None)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


PAGE_HEADERS = {
    "Link": {
        "description": "RFC 8288 links to the first, previous, next and last pages.",
        "schema": {"type": "string"},
    },
    "X-Total-Count": {"description": "How many items all pages hold.", "schema": {"type": "integer"}},
}
ETAG_HEADER = {"ETag": {"description": "Send it back in If-None-Match to get 304.", "schema": {"type": "string"}}}


def _page_schema(model: type[BaseModel]) -> dict:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": REF.format(model=model.__name__)}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "pages": {"type": "integer"},
        },
    }


def _responses(op: Operation) -> dict:
    content: dict[str, Any] = {}
    if op.response is not None:
        ref = {"$ref": REF.format(model=op.response.__name__)}
        content = {op.media_type: {"schema": _page_schema(op.response) if op.paginated else ref}}
    headers = {**(PAGE_HEADERS if op.paginated else {}), **(ETAG_HEADER if op.method == "GET" else {})}
    success: dict[str, Any] = {"description": op.summary}
    if content:
        success["content"] = content
    if headers:
        success["headers"] = headers
    responses: dict[str, Any] = {str(op.status): success}
    for code in op.errors:
        if code == 304:
            responses["304"] = {"description": ERROR_TEXT[304]}
            continue
        responses[str(code)] = {
            "description": ERROR_TEXT[code],
            "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorBody")}}},
        }
    return responses


INFO = {
    "title": "CoAction API",
    "version": "1.0.0",
    "description": "The network's public data: what any visitor of the site may see. Licence CC BY 4.0.",
    "license": {"name": "CC BY 4.0", "identifier": "CC-BY-4.0"},
}


@functools.lru_cache(maxsize=8)  # per server address; the operations are all declared once the app is built
def openapi_document(server_url: str) -> dict:
    """The document for every declared operation; the schemas are the ones the requests are validated with.
    Shared between requests: read it, never change it."""
    definitions: dict[str, Any] = {}
    outputs = {op.response for op in OPERATIONS if op.response} | {op.body for op in OPERATIONS if op.body}
    _, top = models_json_schema([(model, "serialization") for model in [*outputs, ErrorBody]], ref_template=REF)
    definitions.update(top.get("$defs", {}))
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        parameters = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            }
            for name in op.path_parameters
        ]
        if op.query is not None:
            parameters += _query_parameters(op.query, definitions)
        entry: dict[str, Any] = {
            "operationId": op.endpoint.split(".", 1)[1],
            "summary": op.summary,
            "tags": [op.tag],
            "responses": _responses(op),
        }
        if op.description:
            entry["description"] = op.description
        if parameters:
            entry["parameters"] = parameters
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}},
            }
        if op.token:
            entry["security"] = [{"token": []}]
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(definitions.items())),
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token, made on your account page (Authorization: Bearer ...).",
                }
            },
        },
    }


def type_label(schema: dict) -> str:
    """A schema in a few words, for the readable page: integer, string (date), one of a | b, Commitment, ..."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "anyOf" in schema:
        return " | ".join(type_label(option) for option in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_label(schema.get('items', {}))}"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)
