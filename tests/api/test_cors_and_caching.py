"""Reads are open to other sites (CORS), no cookie is read or set on an API answer, and API
answers are cached and revalidated as pages are."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from factories import make_term

pytestmark = pytest.mark.django_db

READS = [
    "/api/v1/",
    "/api/v1/terms",
    "/api/v1/terms/parameters",
    "/api/v1/search?q=parameters",
    "/api/v1/sizing/parameters?layers=32&hidden=4096&heads=32&vocab=32000",
    "/api/v1/formats",
    "/api/v1/models",
]
REFUSALS = [
    ("/api/v1/terms?page=x", 400),
    ("/api/v1/terms/no-such-term", 404),
    ("/api/v1/sizing/parameters", 400),
    ("/api/v1/models/no-such-model", 404),
    ("/api/v1/nowhere", 404),
]


@pytest.fixture(autouse=True)
def _term():
    make_term(slug="parameters", name="Parameters")


@pytest.mark.parametrize("path", READS)
def test_any_origin_may_read_the_api(client: Client, path):
    for response in (
        client.get(path, HTTP_ORIGIN="https://elsewhere.example"),
        client.head(path, HTTP_ORIGIN="https://elsewhere.example"),
    ):
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response["Access-Control-Expose-Headers"]
        # The same answer for every origin: nothing to vary on.
        assert "Origin" not in response.get("Vary", "")


@pytest.mark.parametrize(("path", "status"), REFUSALS)
def test_a_page_on_another_site_can_read_a_refusal_too(client: Client, path, status):
    response = client.get(path, HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == status
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "errors" in response.json()


def test_a_preflight_is_answered_without_reaching_a_view(client: Client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.options(
            "/api/v1/sizing/memory",
            HTTP_ORIGIN="https://elsewhere.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept, x-requested-with",
        )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    # POST too: the sizing endpoints read a config.json body (test_pasted_config.py)
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, POST"
    assert response["Access-Control-Allow-Headers"] == "*"
    assert int(response["Access-Control-Max-Age"]) > 0
    assert response.content == b""


def test_a_plain_options_request_is_a_json_405_like_any_other_method(client: Client):
    response = client.options("/api/v1/terms")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_only_the_api_is_opened_to_other_sites(client: Client):
    assert not client.get("/glossary/").has_header("Access-Control-Allow-Origin")
    preflight = client.options(
        "/glossary/", HTTP_ORIGIN="https://x.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert not preflight.has_header("Access-Control-Allow-Origin")


@pytest.mark.parametrize("path", READS)
def test_no_cookie_is_read_or_set(client: Client, path):
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-session-the-api-must-not-see"
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    response = client.get(path)
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")


def test_a_signed_in_editor_gets_the_cached_answer_everyone_gets(client: Client, admin_user):
    path = "/api/v1/sizing/parameters?model=&layers=2&hidden=64&heads=4&vocab=100"
    first = Client().get(path)
    client.force_login(admin_user)  # a session cookie, which keeps pages out of the cache
    again = client.get(path)
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.content == first.content


@pytest.mark.parametrize(
    "path", [p for p in READS if not p.startswith("/api/v1/search")]
)  # search is kept by its own cache, not the page cache
def test_answers_are_cached_and_revalidated_as_pages_are(client: Client, path):
    response = client.get(path)
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=600"
    etag = response["ETag"]
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"


def test_search_answers_carry_cache_control_and_an_etag_too(client: Client):
    response = client.get("/api/v1/search", {"q": "parameters"})
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=600"
    again = client.get("/api/v1/search", {"q": "parameters"}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_refusals_are_not_marked_cacheable(client: Client):
    response = client.get("/api/v1/terms?page=x")
    assert response.status_code == 400
    assert "public" not in response.get("Cache-Control", "")
