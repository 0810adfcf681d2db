"""GET /api/v1/search: the results page's answer as JSON, in its order, with the API's
error rules (400 with per-field errors)."""

from __future__ import annotations

import re

import pytest
from factories import make_faq, make_term

pytestmark = pytest.mark.django_db


@pytest.fixture
def glossary():
    parameters = make_term(
        name="Parameters",
        slug="parameters",
        short_definition="The numbers a model learns during training.",
        body="Parameters include weights and biases.",
    )
    make_faq(parameters, question="How many parameters has a 7B model?", answer="About 7 billion.")
    for number in range(25):
        make_term(name=f"Zorb {number:02d}", slug=f"zorb-{number:02d}", body="Zorb parameters.")
    return parameters


def test_it_answers_what_the_page_shows_in_the_same_order(client, glossary):
    data = client.get("/api/v1/search", {"q": "parameters"}).json()
    assert data["count"] == 28 and data["query"] == "parameters"
    first = data["results"][0]
    assert first == {
        "kind": "term",
        "title": "Parameters",
        "url": "http://testserver/glossary/parameters/",
        "snippet": first["snippet"],
        "score": first["score"],
    }
    assert isinstance(first["score"], float) and "<mark>" in first["snippet"]
    page = client.get("/search/", {"q": "parameters"}).content.decode()
    shown = re.findall(r'class="result-name">([^<]+)<', page)
    assert [result["title"] for result in data["results"]] == shown
    assert data["next"] == "http://testserver/api/v1/search?q=parameters&page=2"
    second = client.get("/api/v1/search", {"q": "parameters", "page": "2"}).json()
    assert len(second["results"]) == 8 and second["next"] is None


def test_one_kind_only(client, glossary):
    data = client.get("/api/v1/search", {"q": "parameters", "kind": "faq"}).json()
    assert [result["kind"] for result in data["results"]] == ["faq"]
    assert data["results"][0]["url"].endswith(
        "/glossary/parameters/#faq-how-many-parameters-has-a-7b-model"
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "parameters", "page": "0"}, "page"),
        ({"q": "parameters", "page": "4"}, "page"),
        ({"q": "parameters", "page": "9" * 5000}, "page"),
        ({"q": "parameters", "page": "²"}, "page"),
        ({"q": "parameters", "kind": "everything"}, "kind"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, glossary, query, field):
    response = client.get("/api/v1/search", query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("query", ['"', "NEAR(", "a OR b", "*", '"unbalanced', "x" * 200])
def test_query_syntax_is_a_200_never_a_500(client, glossary, query):
    assert client.get("/api/v1/search", {"q": query}).status_code == 200


def test_it_only_reads(client, glossary):
    response = client.post("/api/v1/search", {"q": "parameters"})
    assert response.status_code == 405 and "method" in response.json()["errors"]


def test_the_search_page_keeps_its_query_budget(client, glossary, django_assert_num_queries):
    with django_assert_num_queries(4):
        # 1. terms and lessons named as typed  2. documents with every word, ranked, with
        # their names  3. which of them a reader may see, with what the page shows of each
        # 4. the first page's snippets; the page itself reads nothing
        assert client.get("/search/", {"q": "parameters"}).status_code == 200
    with django_assert_num_queries(1):  # the answer is kept; page 2's snippets are not yet
        assert client.get("/search/", {"q": "parameters", "page": "2"}).status_code == 200
    with django_assert_num_queries(0):  # now they are, and the API answers from the same
        assert client.get("/api/v1/search", {"q": "parameters", "page": "2"}).status_code == 200
    with django_assert_num_queries(9):
        # 1. exact names  2. near names  3. documents with every word: none  4. which near
        # names a reader may see  5. is the word known?  6. words like it  7. documents with
        # every corrected word  8. which of them a reader may see  9. the first page's snippets
        assert client.get("/search/", {"q": "paramters"}).status_code == 200


def test_the_count_covers_every_published_match_beyond_those_ranked(client, glossary, monkeypatch):
    from search import engines, selectors

    make_term(name="Zorb draft", slug="zorb-draft", status="draft", body="Zorb parameters.")
    monkeypatch.setattr(engines, "TEXT_LIMIT", 10)
    monkeypatch.setattr(selectors, "TEXT_LIMIT", 10)
    data = client.get("/api/v1/search", {"q": "parameters"}).json()
    assert data["count"] == 28  # as with no limit: the ten ranked and every other published one
    assert "Zorb draft" not in [result["title"] for result in data["results"]]


def test_one_kind_is_found_however_many_other_documents_rank_first(client, glossary, monkeypatch):
    from search import engines, selectors

    for name, value in (("TEXT_LIMIT", 5), ("SQLITE_FETCH", 5)):
        monkeypatch.setattr(engines, name, value)
    monkeypatch.setattr(selectors, "TEXT_LIMIT", 5)
    data = client.get("/api/v1/search", {"q": "parameters", "kind": "faq"}).json()
    assert [result["kind"] for result in data["results"]] == ["faq"] and data["count"] == 1
