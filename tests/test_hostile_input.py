"""Random and hostile query strings, paths and form posts never get a 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import make_faq, make_guide, make_lesson, make_question, make_term
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.catalog_files import import_catalog
from content.gpu_files import import_gpus

ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS = [
    "/", "/glossary/", "/glossary/parameters/", "/glossary/topics/", "/search/",
    "/search/suggest", "/api/v1/terms", "/api/v1/terms/parameters",
    "/api/v1/sizing/parameters", "/api/v1/sizing/memory", "/api/v1/sizing/training",
    "/api/v1/sizing/inference", "/api/v1/sizing/scale", "/calculators/",
    "/calculators/memory/", "/calculators/memory/result", "/embed/calculators/training/",
    "/learn/", "/learn/numbers/", "/learn/numbers/first/", "/sitemap.xml", "/feeds/terms.atom",
    "/glossary/parameters/share.png", "/healthz", "/robots.txt",
]  # fmt: skip
FIELDS = [
    "q",
    "page",
    "topic",
    "model",
    "layers",
    "hidden",
    "heads",
    "vocab",
    "kv_heads",
    "dtype",
    "context",
    "batch",
    "mode",
    "params",
    "tokens",
    "gpu",
    "gpus",
    "mfu",
    "price",
    "small",
    "large",
    "tied",
]
HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "../../etc/passwd",
        "%00",
        "\x00",
        "🦙" * 50,
        "9" * 5000,
        "-1",
        "1e309",
        "NaN",
        "inf",
        "0x10",
        "[]",
        "{}",
        "\\u0000",
        "a" * 20000,
        "${jndi:ldap://x}",
        "javascript:alert(1)",
        "\r\nSet-Cookie: x=1",
    ]
)
VALUES = st.one_of(st.text(max_size=300), HOSTILE, st.integers().map(str))


@pytest.fixture
def site(db):
    import_catalog(ROOT / "fixtures" / "models.yaml")
    import_gpus(ROOT / "fixtures" / "gpus.yaml")
    term = make_term(slug="parameters", name="Parameters")
    make_faq(term)
    lesson = make_lesson(make_guide(slug="numbers"), slug="first")
    make_question(lesson)


FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("path", ENDPOINTS)
@FUZZ
@given(
    query=st.dictionaries(
        st.one_of(st.sampled_from(FIELDS), st.text(max_size=20)), VALUES, max_size=6
    )
)
def test_any_query_string_is_answered_without_a_5xx(client, site, path, query):
    response = client.get(path, query)
    assert response.status_code < 500, (path, query)


@FUZZ
@given(
    segment=st.one_of(st.text(min_size=1, max_size=200), HOSTILE),
    prefix=st.sampled_from(
        [
            "/glossary/",
            "/glossary/topics/",
            "/learn/",
            "/learn/numbers/",
            "/calculators/",
            "/embed/calculators/",
            "/api/v1/terms/",
            "/api/v1/sizing/",
            "/",
        ]
    ),
)
def test_any_path_is_answered_without_a_5xx(client, site, prefix, segment):
    response = client.get(prefix + segment.replace("\x00", "%00"))
    assert response.status_code < 500, (prefix, segment)


@FUZZ
@given(form=st.dictionaries(st.text(max_size=20), VALUES, max_size=6))
def test_any_knowledge_check_post_is_answered_without_a_5xx(client, site, form):
    response = client.post("/learn/numbers/first/", form)
    assert response.status_code < 500, form


def test_a_huge_number_is_refused_quickly_with_a_400(client, site):
    response = client.get(
        "/api/v1/sizing/parameters",
        {"layers": "9" * 100_000, "hidden": "1", "heads": "1", "vocab": "1"},
    )
    assert response.status_code == 400
    assert "layers" in response.json()["errors"]


def test_a_huge_search_is_refused_with_a_400(client, site):
    assert client.get("/search/", {"q": "x" * 100_000}).status_code == 400
