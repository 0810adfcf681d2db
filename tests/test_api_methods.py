"""The JSON API only reads, and says so in JSON: a POST, PUT, PATCH or DELETE is a 405 with
`Allow`, not Django's HTML page about a missing CSRF cookie."""

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


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_method_the_api_refuses_is_a_json_405(path, method):
    make_term(slug="parameters")
    client = Client(enforce_csrf_checks=True)  # as a real client: no token, no cookie
    response = getattr(client, method)(path, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD"
    errors = json.loads(response.content)["errors"]
    assert errors == {"method": [f"{method.upper()} is not allowed: this API only reads (GET)."]}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ENDPOINTS[:3])
def test_the_api_still_reads(client, path):
    make_term(slug="parameters")
    assert client.get(path).status_code == 200
    head = client.head(path)
    assert head.status_code == 200 and head.content == b""
