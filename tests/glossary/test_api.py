"""The read-only JSON API of published terms."""

from __future__ import annotations

import pytest
from factories import make_alias, make_faq, make_relation, make_resource, make_term, make_topic

from glossary import api
from glossary.models import Relation, Status

pytestmark = pytest.mark.django_db


def test_the_list_pages_through_published_terms(client, monkeypatch):
    monkeypatch.setattr(api, "PAGE_SIZE", 2)
    for name in ["Alpha", "Beta", "Gamma"]:
        make_term(name=name, slug=name.lower())
    make_term(name="Hidden", slug="hidden", status=Status.DRAFT)
    first = client.get("/api/v1/terms").json()
    assert first["count"] == 3 and first["pages"] == 2
    assert [t["slug"] for t in first["results"]] == ["alpha", "beta"]
    assert first["next"] == "http://testserver/api/v1/terms?page=2"
    assert first["previous"] is None
    assert set(first["results"][0]) == {"slug", "name", "short_definition", "url", "updated"}
    assert first["results"][0]["url"] == "http://testserver/glossary/alpha/"
    second = client.get("/api/v1/terms", {"page": 2}).json()
    assert [t["slug"] for t in second["results"]] == ["gamma"]
    assert second["next"] is None


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "99999999999", "²", "١", "9" * 5000])
def test_a_bad_page_number_is_a_400_naming_the_field(client, page):
    response = client.get("/api/v1/terms", {"page": page})
    assert response.status_code == 400
    assert "page" in response.json()["errors"]


def test_a_page_past_the_end_is_a_404(client):
    make_term()
    response = client.get("/api/v1/terms", {"page": 5})
    assert response.status_code == 404
    assert response.json()["errors"]["page"] == ["There are 1 pages."]


def test_a_term_has_everything_on_its_page(client):
    topic = make_topic(name="Model basics", slug="model-basics")
    term = make_term(name="Parameters", slug="parameters", topics=[topic])
    other = make_term(name="Weights", slug="weights")
    make_alias(term, "params", "abbreviation")
    make_faq(term, "What does 7B mean?", "Seven billion.")
    make_relation(other, term, Relation.Kind.BROADER)
    make_resource(term, "A paper")
    data = client.get("/api/v1/terms/parameters").json()
    assert data["name"] == "Parameters"
    assert data["aliases"] == [{"name": "params", "kind": "abbreviation"}]
    assert data["faqs"][0]["question"] == "What does 7B mean?"
    assert data["faqs"][0]["url"].endswith("/glossary/parameters/#faq-what-does-7b-mean")
    assert data["relations"] == [
        {
            "label": "Narrower terms",
            "kind": "broader",
            "terms": [{"slug": "weights", "name": "Weights"}],
        }
    ]
    assert data["resources"][0]["title"] == "A paper"
    assert data["topics"] == [{"slug": "model-basics", "name": "Model basics"}]
    assert "<h2" in data["body_html"]


def test_a_draft_or_unknown_term_is_a_404_with_an_error(client):
    make_term(slug="secret", status=Status.DRAFT)
    for slug in ["secret", "nothing", "x" * 500]:
        response = client.get(f"/api/v1/terms/{slug}")
        assert response.status_code == 404
        assert "slug" in response.json()["errors"]


def test_the_term_endpoint_query_budget(client, django_assert_num_queries):
    term = make_term(slug="parameters")
    for i in range(5):
        make_faq(term, f"Q{i}?", "A.")
        make_relation(term, make_term())
    # 1 term; 2 aliases; 3 FAQs; 4 resources; 5 topics; 6 relations out; 7 relations in;
    # 8 lessons that use it.
    with django_assert_num_queries(8):
        assert client.get("/api/v1/terms/parameters").status_code == 200


def test_the_list_query_budget(client, django_assert_num_queries):
    for _ in range(5):
        make_term()
    # 1 count; 2 the page of terms.
    with django_assert_num_queries(2):
        assert client.get("/api/v1/terms").status_code == 200
