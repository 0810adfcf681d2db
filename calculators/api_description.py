"""The API described once, beside each endpoint: an `Endpoint` declares a path, the view that
answers it, the form that parses its query, the TypedDict its answer is typed with, the ways
it refuses a request, and example requests. `openapi_document` turns a list of them into an
OpenAPI 3.1 description, whose examples are the real answers of those requests, asked of the
views when the description is made.

Adding an endpoint is one `Endpoint(...)` in its app's list (calculators/api.py, glossary/api.py,
search/views.py); config/api_views.py serves the description of them all.
"""

from __future__ import annotations

import inspect
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from django import forms
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse

from calculators.api_schema import Components, JsonSchema, answer_schema, query_parameters

OPENAPI_VERSION = "3.1.0"
JSON = "application/json"
_PATH_VALUE = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class PathParameter:
    name: str
    description: str
    schema: JsonSchema


@dataclass(frozen=True)
class Example:
    """A request whose real answer is shown as an example of the status it answers."""

    name: str
    summary: str
    query: Mapping[str, str] = field(default_factory=dict)
    path: Mapping[str, str] = field(default_factory=dict)
    status: int = 200


@dataclass(frozen=True)
class Refusal:
    """A status other than 200 and what it means. Its answer is {"errors": {key: [message]}},
    the keys being `fields`, or (None) the query form's fields and "__all__"."""

    status: int
    description: str
    fields: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RequestBody:
    """A JSON body a POST to the endpoint takes instead of some of its query: the schema of
    the body, what it is, the query fields it replaces, and an example body."""

    description: str
    schema: JsonSchema
    replaces: frozenset[str]
    example: Mapping[str, object]
    refusals: tuple[Refusal, ...] = ()


@dataclass(frozen=True)
class Endpoint:
    path: str  # as OpenAPI writes it: /api/v1/terms/{slug}
    operation_id: str
    summary: str
    description: str
    tag: str
    view: Callable[..., HttpResponse]
    answer: object  # the TypedDict (or type) of the 200 answer
    query: type[forms.Form] | None = None
    path_parameters: tuple[PathParameter, ...] = ()
    view_kwargs: Mapping[str, str] = field(default_factory=dict)  # e.g. a sizing slug
    refusals: tuple[Refusal, ...] = ()
    examples: tuple[Example, ...] = ()
    rate_limited: bool = False
    body: RequestBody | None = None  # also answers a POST of this JSON body

    @property
    def methods(self) -> str:
        return "GET, HEAD, POST" if self.body else "GET, HEAD"

    def url(self, values: Mapping[str, str] | None = None) -> str:
        """The path with its {parameters} filled in."""
        return _PATH_VALUE.sub(lambda m: quote((values or {})[m[1]], safe=""), self.path)

    @property
    def pattern(self) -> re.Pattern[str]:
        """Matches the paths this endpoint answers (one segment per {parameter})."""
        parts = _PATH_VALUE.split(self.path)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)
        )
        return re.compile(f"^{regex}$")


# Every endpoint may answer these.
METHOD_REFUSAL = Refusal(405, "Any method but GET and HEAD: the API only reads.", ("method",))
RATE_REFUSAL = Refusal(
    429, "Too many requests from one address: wait Retry-After seconds.", ("rate",)
)


def refusals(endpoint: Endpoint) -> list[Refusal]:
    found = [*endpoint.refusals, METHOD_REFUSAL]
    if endpoint.rate_limited:
        found.append(RATE_REFUSAL)
    return sorted(found, key=lambda refusal: refusal.status)


def error_keys(endpoint: Endpoint, refusal: Refusal) -> list[str]:
    if refusal.fields is not None:
        return list(refusal.fields)
    names = list(endpoint.query.base_fields) if endpoint.query else []
    return [*names, *(p.name for p in endpoint.path_parameters), "__all__"]


def errors_schema(keys: Sequence[str]) -> JsonSchema:
    return {
        "type": "object",
        "required": ["errors"],
        "additionalProperties": False,
        "properties": {
            "errors": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"enum": list(keys)},
                "additionalProperties": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string"},
                },
            }
        },
    }


def answer_request(request: HttpRequest, path: str, query: Mapping[str, str]) -> WSGIRequest:
    """A GET of `path` as the client of `request` would make it (same host, scheme and proxy
    headers), without its cookies or body."""
    environ = {name: value for name, value in request.META.items() if name != "HTTP_COOKIE"}
    environ.update(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": urlencode(query),
            "CONTENT_LENGTH": "0",
            "wsgi.input": io.BytesIO(b""),
        }
    )
    environ.setdefault("wsgi.url_scheme", request.scheme or "http")
    return WSGIRequest(environ)


def real_answer(request: HttpRequest, endpoint: Endpoint, example: Example) -> tuple[int, Any]:
    """The status and JSON an example's request gets from the endpoint's view itself. The
    view is unwrapped (inspect.unwrap): its HTTP shell only refuses methods, and an example
    must not count against the reader's rate limit."""
    view = inspect.unwrap(endpoint.view)
    asked = answer_request(request, endpoint.url(example.path), example.query)
    response = view(asked, **endpoint.view_kwargs, **example.path)
    return response.status_code, json.loads(response.content)


def _typed(value: str, schema: JsonSchema) -> object:
    """A query string value as the JSON type its parameter's schema has."""
    kind = schema.get("type")
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    return value


def _parameters(endpoint: Endpoint, answered: list[tuple[Example, int, Any]]) -> list[JsonSchema]:
    parameters: list[JsonSchema] = [
        {
            "name": p.name,
            "in": "path",
            "required": True,
            "description": p.description,
            "schema": p.schema,
        }
        for p in endpoint.path_parameters
    ]
    if endpoint.query is not None:
        parameters += query_parameters(endpoint.query)
    # Each parameter carries the values the examples give it, so a client (or a fuzzer's
    # examples phase) can replay them.
    for parameter in parameters:
        source = "path" if parameter["in"] == "path" else "query"
        values = {
            example.name: {"summary": example.summary, "value": _typed(given, parameter["schema"])}
            for example, status, _ in answered
            if status == 200 and (given := getattr(example, source).get(parameter["name"]))
        }
        if values:
            parameter["examples"] = values
    return parameters


def _content(schema: JsonSchema, examples: Iterable[tuple[Example, Any]]) -> JsonSchema:
    media: JsonSchema = {"schema": schema}
    shown = {
        example.name: {"summary": example.summary, "value": data} for example, data in examples
    }
    if shown:
        media["examples"] = shown
    return {JSON: media}


def operation(
    endpoint: Endpoint, components: Components, answered: list[tuple[Example, int, Any]]
) -> JsonSchema:
    responses: JsonSchema = {
        "200": {
            "description": "The answer.",
            "content": _content(
                answer_schema(endpoint.answer, components),
                [(example, data) for example, status, data in answered if status == 200],
            ),
        }
    }
    for refusal in refusals(endpoint):
        description = refusal.description
        if refusal.status == 405 and endpoint.body is not None:
            description = "Any method but GET, HEAD and POST: the API only reads."
        response: JsonSchema = {
            "description": description,
            "content": _content(
                errors_schema(error_keys(endpoint, refusal)),
                [(ex, data) for ex, status, data in answered if status == refusal.status],
            ),
        }
        if refusal.status == 405:
            response["headers"] = {
                "Allow": {
                    "description": "The methods the API answers.",
                    "required": True,
                    "schema": {"type": "string", "const": endpoint.methods},
                }
            }
        if refusal.status == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds until this address may call again.",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                }
            }
        responses[str(refusal.status)] = response
    return {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "description": endpoint.description,
        "tags": [endpoint.tag],
        "parameters": _parameters(endpoint, answered),
        "responses": responses,
    }


def post_operation(endpoint: Endpoint, body: RequestBody, components: Components) -> JsonSchema:
    """The POST of `body` (a config.json): the GET's other query parameters, the body, the
    GET's answer. Its 400s name the body's own keys, so their names are not listed."""
    parameters = [
        parameter
        for parameter in (query_parameters(endpoint.query) if endpoint.query else [])
        if parameter["name"] not in body.replaces
    ]
    any_keys = errors_schema([])
    any_keys["properties"]["errors"]["propertyNames"] = {"type": "string", "minLength": 1}
    responses: JsonSchema = {
        "200": {
            "description": "The answer: exactly the GET's with the architecture read.",
            "content": _content(answer_schema(endpoint.answer, components), []),
        }
    }
    limited = (RATE_REFUSAL,) if endpoint.rate_limited else ()
    for refusal in sorted((*body.refusals, *limited), key=lambda r: r.status):
        response: JsonSchema = {
            "description": refusal.description,
            "content": _content(any_keys, []),
        }
        if refusal.status == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds until this address may call again.",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                }
            }
        responses[str(refusal.status)] = response
    return {
        "operationId": f"{endpoint.operation_id}_from_config",
        "summary": f"{endpoint.summary}, from a config.json",
        "description": body.description,
        "tags": [endpoint.tag],
        "parameters": parameters,
        "requestBody": {
            "required": True,
            "description": "A Hugging Face config.json, as the model's repository has it.",
            "content": {
                JSON: {"schema": body.schema, "examples": {"config": {"value": body.example}}}
            },
        },
        "responses": responses,
    }


def openapi_document(
    request: HttpRequest,
    *,
    endpoints: Sequence[Endpoint],
    info: JsonSchema,
    server: str,
    tags: Sequence[JsonSchema] = (),
) -> JsonSchema:
    """The OpenAPI 3.1 description of `endpoints`, with each example's real answer to a client
    like the one making `request`. An example whose answer is not the status it was declared
    for (say, a catalog model an editor has since removed) is left out."""
    components = Components()
    paths: JsonSchema = {}
    for endpoint in endpoints:
        answered = []
        for example in endpoint.examples:
            status, data = real_answer(request, endpoint, example)
            if status == example.status:
                answered.append((example, status, data))
        paths.setdefault(endpoint.path, {})["get"] = operation(endpoint, components, answered)
        if endpoint.body is not None:
            paths[endpoint.path]["post"] = post_operation(endpoint, endpoint.body, components)
    return {
        "openapi": OPENAPI_VERSION,
        "info": info,
        "servers": [{"url": server}],
        "tags": list(tags),
        "paths": paths,
        "components": {"schemas": components.schemas},
    }
