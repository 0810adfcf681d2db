"""Site-wide pages: home, health, error pages, headers."""

from __future__ import annotations

import contextlib
import re

import pytest
from django.db import connection
from factories import make_term, make_topic

pytestmark = pytest.mark.django_db


def test_home_shows_search_featured_terms_and_topics(client):
    make_topic(name="Model basics", slug="model-basics")
    make_term(name="Parameters", slug="parameters")
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "home.html"
    assert 'role="search"' in html
    assert 'href="/glossary/parameters/"' in html
    assert 'href="/glossary/topics/model-basics/"' in html


def test_home_query_budget(client, django_assert_num_queries):
    make_topic()
    for _ in range(8):
        make_term()
    # 1 topics with counts; 2 featured terms by slug; 3 recent terms to fill the list;
    # 4 published guides with their lesson counts.
    with django_assert_num_queries(4):
        assert client.get("/").status_code == 200


def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@contextlib.contextmanager
def database_unreachable():
    """Point the real connection at a database that cannot be reached, then put it back."""
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-directory/db.sqlite3"
    else:
        settings_dict["PORT"] = "1"
        settings_dict["HOST"] = "127.0.0.1"
    try:
        yield
    finally:
        connection.close()
        settings_dict.clear()
        settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_unreachable(client):
    with database_unreachable():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_the_404_page_offers_search_and_the_nearest_terms(client):
    make_term(name="Quantization", slug="quantization")
    response = client.get("/glossary/quantisaton/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'role="search"' in html
    assert 'href="/glossary/quantization/"' in html


def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts_or_styles(client):
    make_term(name="Parameters", slug="parameters", body="## A\n\n```python\nx = 1\n```")
    for path in ["/", "/glossary/", "/glossary/parameters/", "/search/?q=para"]:
        html = client.get(path).content.decode()
        assert "<script>" not in html and "style=" not in html, path


def test_pages_answer_conditional_gets_with_304(client):
    make_term(slug="parameters")
    first = client.get("/glossary/parameters/")
    etag = first["ETag"]
    again = client.get("/glossary/parameters/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


@pytest.mark.django_db(transaction=True)
def test_pages_answer_a_designed_503_while_the_database_is_down_and_recover(client):
    make_term(name="Parameters", slug="parameters")
    with database_unreachable():
        down = client.get("/glossary/parameters/")
    assert down.status_code == 503
    assert down["Retry-After"] == "30"
    assert "back in a moment" in down.content.decode()
    assert client.get("/glossary/parameters/").status_code == 200  # recovered by itself


@pytest.mark.django_db
def test_the_site_keeps_serving_when_redis_is_unreachable(client, caplog):
    from caching.backends import ResilientRedisCache

    dead = ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}
    )
    ResilientRedisCache._down = False
    with caplog.at_level("WARNING", logger="caching.backends"):
        for _ in range(3):
            assert dead.get("x", "fallback") == "fallback"
            dead.set("x", 1)
    assert [r.message for r in caplog.records].count(
        next(r.message for r in caplog.records)
    ) == 1  # logged once, not per call
    assert "unreachable" in caplog.records[0].message


def test_each_request_logs_one_json_line_without_the_query_string(client, caplog):
    import json
    import logging

    from config.logs import JsonFormatter

    make_term(name="Parameters", slug="parameters")
    with caplog.at_level("INFO", logger="config.requests"):
        client.get("/search/", {"q": "my private question", "token": "s3cret"})
    records = [r for r in caplog.records if r.name == "config.requests"]
    assert len(records) == 1
    line = JsonFormatter().format(records[0])
    entry = json.loads(line)
    assert entry["path"] == "/search/" and entry["status"] == 200 and entry["method"] == "GET"
    assert isinstance(entry["duration_ms"], float)
    assert "private" not in line and "s3cret" not in line
    assert logging.getLogger("config.requests").level in (0, logging.INFO)


@pytest.mark.django_db
def test_the_remembered_header_still_marks_the_section_a_page_is_in(client):
    # The header is rendered once per section and reused ({% memo %} in base.html).
    for path, current in [("/learn/", "Learn"), ("/glossary/", "Glossary"), ("/learn/", "Learn")]:
        header = client.get(path).content.decode().split("</header>")[0]
        marked = re.findall(r'aria-current="page">([^<]+)<', header)
        assert marked == [current], (path, marked)
