"""The JSON API only reads, and says so in JSON: a method it does not take is a 405 with
`Allow`, not Django's HTML page about a missing CSRF cookie. The sizing endpoints that take an
architecture also read a POSTed config.json (tests/calculators/test_pasted_config.py); there
only PUT, PATCH and DELETE are refused."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from factories import make_term

ENDPOINTS = [
    "/api/v1/terms",
    "/api/v1/terms/parameters",
    "/api/v1/sizing/parameters?layers=32&hidden=4096&heads=32&vocab=32000",
    "/api/v1/sizing/no-such-endpoint",
]
READ_ONLY = ["/api/v1/terms", "/api/v1/terms/parameters"]
TAKES_A_BODY = ["/api/v1/sizing/parameters?layers=32&hidden=4096&heads=32&vocab=32000"]


def _refused(path: str, method: str) -> dict:
    make_term(slug="parameters")
    client = Client(enforce_csrf_checks=True)  # as a real client: no token, no cookie
    response = getattr(client, method)(path, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    return {"allow": response["Allow"], **json.loads(response.content)}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", READ_ONLY)
def test_a_method_a_read_only_endpoint_refuses_is_a_json_405(path, method):
    refused = _refused(path, method)
    assert refused["allow"] == "GET, HEAD"
    assert refused["errors"] == {
        "method": [f"{method.upper()} is not allowed: this API only reads (GET)."]
    }


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("path", TAKES_A_BODY)
def test_a_method_a_sizing_endpoint_refuses_is_a_json_405(path, method):
    refused = _refused(path, method)
    assert refused["allow"] == "GET, HEAD, POST"
    assert refused["errors"] == {
        "method": [
            f"{method.upper()} is not allowed: this API only reads (GET, or POST with a "
            "config.json)."
        ]
    }


@pytest.mark.django_db
def test_a_post_to_a_sizing_endpoint_that_does_not_exist_is_a_json_404():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/sizing/no-such-endpoint", data="{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert "endpoint" in json.loads(response.content)["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ENDPOINTS[:3])
def test_the_api_still_reads(client, path):
    make_term(slug="parameters")
    assert client.get(path).status_code == 200
    head = client.head(path)
    assert head.status_code == 200 and head.content == b""
