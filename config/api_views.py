"""The API's front door: its OpenAPI description (/api/v1/openapi.json), its JSON index
(/api/v1/) and its documentation page (/api/), all made from the endpoints' declarations
(calculators/api_description.py), so the three describe the same API the views answer."""

from __future__ import annotations

import json
import shlex
from typing import Annotated, Any, TypedDict
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from caching.origin import absolute_url
from calculators import api as calculators_api
from calculators import catalog_api
from calculators.api_description import Endpoint, Example, openapi_document
from calculators.api_http import ApiAnswer, read_only_json
from config.api_rate import rate_description
from glossary import api as glossary_api
from search import views as search_views

TITLE = "Weights & Measures API"
VERSION = "1"
TAGS = [
    {"name": "Glossary", "description": "The published terms, and everything on their pages."},
    {"name": "Search", "description": "The site's search, as its results page answers."},
    {"name": "Sizing", "description": "The calculators: exact counts, memory, compute, speed."},
    {
        "name": "Catalog",
        "description": "What the calculators know: the models, with their config.json, and the "
        "number formats.",
    },
    {"name": "About", "description": "This API's index and description."},
]
LICENCE = (
    "No licence for reusing this data has been published yet. The model catalog's figures "
    "come from the public sources each model cites; the glossary's text is written here."
)


def api_origin(request: HttpRequest) -> str:
    """The origin the API's absolute addresses start with (the description's server, the
    index, the documentation's curl lines): SITE_URL, never the request's Host."""
    return absolute_url("/").rstrip("/")


class IndexEntry(TypedDict):
    path: Annotated[str, "As the OpenAPI description writes it: {name} is a path parameter"]
    url: Annotated[str, {"format": "uri-template"}]
    summary: str
    tag: str
    rate_limited: bool
    example: Annotated[str, "A request to try", {"format": "uri"}]


class ApiIndex(TypedDict):
    """The API's endpoints, and where its description and documentation are."""

    name: str
    version: str
    documentation: Annotated[str, {"format": "uri"}]
    openapi: Annotated[str, {"format": "uri"}]
    rate_limit: Annotated[str | None, "On the sizing and search endpoints, per address"]
    licence: str
    endpoints: list[IndexEntry]


def example_url(origin: str, endpoint: Endpoint, example: Example) -> str:
    query = f"?{urlencode(example.query)}" if example.query else ""
    return f"{origin}{endpoint.url(example.path)}{query}"


def _first_example(endpoint: Endpoint) -> Example:
    return next((e for e in endpoint.examples if e.status == 200), Example("bare", "As it is"))


@read_only_json
def api_index(request: HttpRequest) -> ApiAnswer[ApiIndex]:
    origin = api_origin(request)
    return ApiAnswer[ApiIndex](
        {
            "name": TITLE,
            "version": VERSION,
            "documentation": f"{origin}/api/",
            "openapi": f"{origin}/api/v1/openapi.json",
            "rate_limit": rate_description(),
            "licence": LICENCE,
            "endpoints": [
                {
                    "path": endpoint.path,
                    "url": origin + endpoint.path,
                    "summary": endpoint.summary,
                    "tag": endpoint.tag,
                    "rate_limited": endpoint.rate_limited,
                    "example": example_url(origin, endpoint, _first_example(endpoint)),
                }
                for endpoint in ENDPOINTS
            ],
        }
    )


def description(request: HttpRequest) -> dict[str, Any]:
    rate = rate_description()
    limits = (
        f"The sizing and search endpoints take {rate} from one address; past that they "
        "answer 429 with Retry-After."
        if rate
        else "No rate limit is set on this server."
    )
    return openapi_document(
        request,
        endpoints=ENDPOINTS,
        info={
            "title": TITLE,
            "version": VERSION,
            "summary": "The numbers behind AI models: the glossary, search and the calculators.",
            "description": "Every endpoint answers GET (and HEAD) with JSON. Integers are exact "
            "integers. An invalid input answers 400 with "
            '`{"errors": {"<field>": ["<message>", ...]}}`, never a 500; unknown query '
            "parameters are ignored. Any origin may read it (CORS), no cookies are read or "
            f"set, and answers carry Cache-Control and an ETag. {limits} {LICENCE}",
        },
        server=api_origin(request),
        tags=TAGS,
    )


@read_only_json
def openapi_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(description(request))


def _with_code(text: str) -> list[tuple[str, bool]]:
    """A description's `code` spans, for the template to mark up without marking anything
    safe: (text, is_code) pieces."""
    return [(piece, i % 2 == 1) for i, piece in enumerate(text.split("`")) if piece]


def _type_text(schema: dict[str, Any]) -> tuple[str, list[str]]:
    """A parameter's schema as the documentation page says it: the kind, and its choices."""
    if "enum" in schema:
        return "one of", [str(value) for value in schema["enum"]]
    kind = str(schema.get("type", "string"))
    if "minimum" in schema and "maximum" in schema:
        return f"{kind}, {schema['minimum']:,} to {schema['maximum']:,}", []
    if "maxLength" in schema:
        return f"{kind}, at most {schema['maxLength']:,} characters", []
    return kind, []


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    document = description(request)
    origin = api_origin(request)
    sections: dict[str, list[dict[str, Any]]] = {tag["name"]: [] for tag in TAGS}
    for endpoint in ENDPOINTS:
        operation = document["paths"][endpoint.path]["get"]
        shown = operation["responses"]["200"]["content"]["application/json"].get("examples", {})
        first = _first_example(endpoint)
        answer = shown.get(first.name, {}).get("value")
        sections[endpoint.tag].append(
            {
                "endpoint": endpoint,
                "description": _with_code(endpoint.description),
                "anchor": endpoint.operation_id.replace("_", "-"),
                "parameters": [
                    {
                        "name": parameter["name"],
                        "where": parameter["in"],
                        "type": _type_text(parameter["schema"])[0],
                        "choices": _type_text(parameter["schema"])[1],
                        "default": parameter["schema"].get("default"),
                        "description": parameter["description"],
                    }
                    for parameter in operation["parameters"]
                ],
                "refusals": [
                    (status, response["description"])
                    for status, response in operation["responses"].items()
                    if status != "200"
                ],
                "example_url": example_url(origin, endpoint, first),
                "curl": "curl " + shlex.quote(example_url(origin, endpoint, first)),
                "answer": None
                if answer is None
                else json.dumps(answer, indent=2, ensure_ascii=False),
            }
        )
    return render(
        request,
        "api/index.html",
        {
            "origin": origin,
            "sections": [(tag, sections[tag["name"]]) for tag in TAGS if sections[tag["name"]]],
            "rate": rate_description(),
            "licence": LICENCE,
        },
    )


INDEX = Endpoint(
    path="/api/v1/",
    operation_id="api_index",
    summary="The index",
    description="Every endpoint of this API, with a request to try each.",
    tag="About",
    view=api_index,
    answer=ApiIndex,
    examples=(Example("index", "The index"),),
)
OPENAPI = Endpoint(
    path="/api/v1/openapi.json",
    operation_id="openapi",
    summary="This description",
    description="This API's OpenAPI 3.1 description, its examples the real answers of the "
    "shipped content.",
    tag="About",
    view=openapi_json,
    answer=object,
)
ENDPOINTS: list[Endpoint] = [
    *glossary_api.ENDPOINTS,
    *search_views.API_ENDPOINTS,
    *calculators_api.ENDPOINTS,
    *catalog_api.ENDPOINTS,
    INDEX,
    OPENAPI,
]
