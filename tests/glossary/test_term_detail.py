"""The term page: every part a reader expects, drafts hidden, old addresses redirected."""

from __future__ import annotations

import pytest
from factories import make_alias, make_faq, make_relation, make_resource, make_term, make_topic

from glossary import services
from glossary.models import Relation, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_term():
    topic = make_topic(name="Model basics", slug="model-basics")
    weights = make_term(name="Weights", slug="weights", short_definition="Learned multipliers.")
    term = make_term(
        name="Parameters",
        slug="parameters",
        short_definition="The numbers a model learns.",
        body="## Counting\n\nA 7B model in bf16: 7 × 10⁹ × 2 bytes = 14 GB. See [[weights]].",
        business_context="Memory costs **money**.",
        example="A startup sizes a GPU.",
        topics=[topic],
    )
    make_alias(term, "params", "abbreviation")
    make_faq(term, "What does 7B mean?", "Seven billion parameters.", order=1)
    make_faq(term, "Are parameters weights?", "Mostly: weights **and** biases.", order=2)
    make_resource(term, "Attention Is All You Need")
    make_relation(term, weights, Relation.Kind.RELATED)
    return term


def test_it_shows_every_part_of_a_term(client, page_term):
    response = client.get("/glossary/parameters/")
    assert response.status_code == 200
    assert response.templates[0].name == "glossary/term_detail.html"
    html = response.content.decode()
    assert '<h1 id="term-name">Parameters</h1>' in html
    assert "Also called" in html and "params" in html
    assert "The numbers a model learns." in html
    assert "In depth" in html and "14 GB" in html
    assert "Why it matters for business" in html and "<strong>money</strong>" in html
    assert "A startup sizes a GPU." in html
    assert 'id="faq-what-does-7b-mean"' in html
    assert 'href="#faq-are-parameters-weights"' in html
    assert "Attention Is All You Need" in html
    assert 'href="/glossary/topics/model-basics/"' in html
    assert "Last reviewed" in html or "Not yet reviewed" in html
    assert 'aria-label="Breadcrumb"' in html and 'href="/glossary/"' in html


def test_faqs_keep_their_editorial_order(client, page_term):
    html = client.get("/glossary/parameters/").content.decode()
    assert html.index("What does 7B mean?") < html.index("Are parameters weights?")


def test_a_relation_shows_on_both_terms_the_right_way_round(client):
    gpu = make_term(name="GPU", slug="gpu")
    memory = make_term(name="GPU memory", slug="gpu-memory")
    make_relation(memory, gpu, Relation.Kind.BROADER)
    prerequisite = make_term(name="Neuron", slug="neuron")
    make_relation(memory, prerequisite, Relation.Kind.PREREQUISITE)
    memory_page = client.get("/glossary/gpu-memory/").content.decode()
    gpu_page = client.get("/glossary/gpu/").content.decode()
    neuron_page = client.get("/glossary/neuron/").content.decode()
    assert "Broader terms" in memory_page and 'href="/glossary/gpu/"' in memory_page
    assert "Narrower terms" in gpu_page and 'href="/glossary/gpu-memory/"' in gpu_page
    assert "Understand these first" in memory_page
    assert "Builds on this" in neuron_page
    # Each relation shows the other term's short definition.
    assert gpu.short_definition in memory_page


def test_a_contrast_reads_the_same_from_both_sides(client):
    a = make_term(name="Parameters", slug="parameters")
    b = make_term(name="Hyperparameters", slug="hyperparameters")
    make_relation(a, b, Relation.Kind.CONTRAST)
    assert "Not to be confused with" in client.get("/glossary/parameters/").content.decode()
    assert "Not to be confused with" in client.get("/glossary/hyperparameters/").content.decode()


def test_relations_to_drafts_are_not_shown(client):
    term = make_term(slug="visible")
    draft = make_term(name="Secret draft", slug="secret", status=Status.DRAFT)
    make_relation(term, draft)
    assert "Secret draft" not in client.get("/glossary/visible/").content.decode()


def test_a_draft_is_not_found(client):
    make_term(slug="draft-term", status=Status.DRAFT)
    assert client.get("/glossary/draft-term/").status_code == 404


def test_an_alias_address_redirects_to_the_term(client, page_term):
    response = client.get("/glossary/params/")
    assert response.status_code == 301
    assert response["Location"] == "/glossary/parameters/"


def test_an_old_slug_redirects_permanently(client, page_term):
    page_term.slug = "model-parameters"
    services.term_save(term=page_term, previous=page_term.loaded)
    response = client.get("/glossary/parameters/")
    assert response.status_code == 301
    assert response["Location"] == "/glossary/model-parameters/"


def test_capitals_in_the_address_redirect_to_the_lowercase_page(client, page_term):
    response = client.get("/glossary/Parameters/")
    assert response.status_code == 301
    assert response["Location"] == "/glossary/parameters/"


@pytest.mark.parametrize(
    "path",
    [
        "/glossary/no-such-term/",
        "/glossary/bad_slug!/",
        "/glossary/" + "a" * 300 + "/",
        "/glossary/%00/",
    ],
)
def test_unknown_or_malformed_slugs_answer_404(client, path):
    assert client.get(path).status_code == 404


def test_only_safe_methods_are_allowed(client, page_term):
    assert client.post("/glossary/parameters/").status_code == 405


def _grow(term, extra: int) -> None:
    for i in range(extra):
        make_faq(term, f"Question {i}?", f"Answer {i}.")
        other = make_term()
        make_relation(term, other, Relation.Kind.RELATED)
        make_relation(make_term(), term, Relation.Kind.BROADER)
        make_alias(term, f"alias number {term.pk}-{i}")
        make_resource(term, f"Resource {i}")


@pytest.mark.parametrize("extra", [0, 6])
def test_the_term_page_costs_the_same_queries_whatever_its_size(
    client, page_term, django_assert_num_queries, extra
):
    _grow(page_term, extra)
    # 1 the term; 2 aliases; 3 FAQs; 4 resources; 5 topics;
    # 6 relations entered on it, with their targets; 7 relations entered on others, with sources;
    # 8 published lessons that use it, with their guides.
    with django_assert_num_queries(8):
        response = client.get("/glossary/parameters/")
    assert response.status_code == 200
