"""Checking real answers against the API's served description, strictly: JSON Schema 2020-12
(OpenAPI 3.1's dialect) with the formats checked, and `integer` meaning a JSON integer (the
stock checker takes 1.0 as one; an exact count must never arrive as a float)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker, validators

StrictValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)

# jsonschema checks "uri" only with a package we do not need otherwise: an absolute address is
# enough here (a scheme and a host).
FORMATS = FormatChecker()


@FORMATS.checks("uri")
def _absolute_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def description(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def response_schema(
    document: dict[str, Any], path: str, status: int, method: str = "get"
) -> dict[str, Any]:
    """The schema the description gives the answer of `status` to GET (or `method`) `path`
    (a template), with the components beside it so that its $refs resolve."""
    responses = document["paths"][path][method]["responses"]
    assert str(status) in responses, f"{path} answered {status}, which it does not declare"
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    return {**schema, "components": document["components"]}


def problems(
    document: dict[str, Any], path: str, response: HttpResponse, method: str = "get"
) -> list[str]:
    """Everything wrong with an answer, as the description has it: its status, content type,
    required headers and body."""
    found = []
    if response["Content-Type"] != "application/json":
        found.append(f"Content-Type {response['Content-Type']}")
    declared = document["paths"][path][method]["responses"].get(str(response.status_code))
    if declared is None:
        return [*found, f"status {response.status_code} is not declared"]
    for header, spec in declared.get("headers", {}).items():
        if spec.get("required") and not response.has_header(header):
            found.append(f"no {header} header")
    schema = response_schema(document, path, response.status_code, method)
    body = json.loads(response.content)
    validator = StrictValidator(schema, format_checker=FORMATS)
    found += [
        f"{'/'.join(map(str, error.absolute_path)) or '(answer)'}: {error.message}"
        for error in validator.iter_errors(body)
    ]
    return found
