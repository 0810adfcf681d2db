"""Import and export of content, and the shipped fixtures themselves."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from factories import make_term
from shipped_content import FIXTURES

from glossary.content_io import export_glossary, import_glossary, term_as_data
from glossary.models import FAQ, Alias, Relation, Resource, Status, Term, Topic

pytestmark = pytest.mark.django_db
FLAGSHIP = ["parameters", "weights", "training", "large-language-model"]


@pytest.fixture(scope="module")
def shipped(shipped_content):
    # The run's one import, loaded once for the module; each test still runs in a transaction
    # that is rolled back. What the importer reported.
    return shipped_content.report


def test_the_shipped_content_imports_cleanly(shipped):
    assert shipped.terms >= 16
    assert Term.objects.published().count() == shipped.terms
    assert Topic.objects.count() >= 5
    assert Relation.objects.count() == shipped.relations


def test_importing_twice_changes_nothing(shipped):
    before = {t.slug: term_as_data(t) for t in Term.objects.all()}
    counts = [
        Term.objects.count(),
        FAQ.objects.count(),
        Alias.objects.count(),
        Relation.objects.count(),
        Resource.objects.count(),
    ]
    report = import_glossary(FIXTURES)
    assert report.created == []
    assert {t.slug: term_as_data(t) for t in Term.objects.all()} == before
    assert counts == [
        Term.objects.count(),
        FAQ.objects.count(),
        Alias.objects.count(),
        Relation.objects.count(),
        Resource.objects.count(),
    ]


def test_export_then_import_into_an_empty_database_is_identical(shipped, tmp_path):
    before = {t.slug: term_as_data(t) for t in Term.objects.all()}
    export_glossary(tmp_path)
    Term.objects.all().delete()
    Topic.objects.all().delete()
    import_glossary(tmp_path)
    assert {t.slug: term_as_data(t) for t in Term.objects.all()} == before


def test_the_four_flagship_terms_are_written_in_full(shipped):
    for slug in FLAGSHIP:
        term = Term.objects.get(slug=slug)
        words = len(term.body.split())
        assert words >= 600, (slug, words)
        assert term.business_context and term.example
        assert term.faqs.count() >= 4, slug
        assert term.resources.count() >= 1, slug
        assert term.relations_out.count() + term.relations_in.count() >= 3, slug
        assert term.last_reviewed is not None
        assert len(term.short_definition) < 200


REQUIRED = [
    "parameters", "weights", "biases", "hyperparameters", "neural-network", "neuron", "layer",
    "activation-function", "model-size", "large-language-model", "small-language-model",
    "foundation-model", "transformer", "attention", "self-attention", "multi-head-attention",
    "grouped-query-attention", "embeddings", "context-window", "tokens", "tokenizer",
    "vocabulary", "mixture-of-experts", "dense-model", "training", "pre-training", "fine-tuning",
    "lora", "qlora", "rlhf", "instruction-tuning", "loss-function", "gradient-descent",
    "backpropagation", "learning-rate", "batch-size", "epoch", "optimizer", "overfitting",
    "scaling-laws", "compute-optimal-training", "flops", "training-data", "distillation",
    "checkpoint", "inference", "latency", "throughput", "gpu", "gpu-memory", "memory-bandwidth",
    "precision", "quantization", "gguf", "kv-cache", "batching", "open-weight-model",
    "model-card", "edge-ai", "multimodal-model", "hallucination", "temperature", "prompt",
]  # fmt: skip
PRIMARY_SOURCE_KINDS = {"paper", "docs", "model-card"}
MUST_EMBED_A_CALCULATOR = [
    "parameters",
    "weights",
    "kv-cache",
    "quantization",
    "flops",
    "scaling-laws",
    "gpu-memory",
    "precision",
    "training",
    "gguf",
]


def test_the_glossary_covers_the_terms_people_look_up(shipped):
    published = set(Term.objects.published().values_list("slug", flat=True))
    assert len(published) >= 60
    assert [slug for slug in REQUIRED if slug not in published] == []
    assert Topic.objects.filter(terms__isnull=False).distinct().count() >= 7


def test_every_shipped_term_meets_the_editorial_bar(shipped):
    terms = Term.objects.prefetch_related(
        "aliases", "faqs", "resources", "topics", "relations_out", "relations_in"
    )
    for term in terms:
        assert term.aliases.all(), term.slug
        assert 0 < len(term.short_definition) < 200, term.slug
        assert len(term.body.split()) >= 250, term.slug
        assert term.business_context.strip() and term.example.strip(), term.slug
        assert len(term.faqs.all()) >= 2, term.slug
        assert len(term.relations_out.all()) + len(term.relations_in.all()) >= 3, term.slug
        assert {r.kind for r in term.resources.all()} & PRIMARY_SOURCE_KINDS, term.slug
        assert term.topics.all(), term.slug
        # last_reviewed is set only by an independent review (CONTENT.md, Review): a new
        # term ships without one, and a date given must not be in the future.
        assert term.last_reviewed is None or term.last_reviewed <= date.today(), term.slug
        for html in [term.body_html, term.business_context_html, term.example_html]:
            assert "term-link-missing" not in html, term.slug


def test_every_term_is_linked_from_another_term(shipped):
    linked = set()
    for term in Term.objects.published():
        texts = [term.body, term.business_context, term.example]
        texts += [faq.answer for faq in term.faqs.all()]
        for text in texts:
            linked.update(
                slug
                for slug in re.findall(r"\[\[([a-z0-9-]+)(?:\|[^\]]*)?\]\]", text)
                if slug != term.slug
            )
    unlinked = set(Term.objects.published().values_list("slug", flat=True)) - linked
    assert unlinked == set()


def test_numeric_terms_embed_a_live_calculator(shipped):
    for slug in MUST_EMBED_A_CALCULATOR:
        assert 'data-widget="' in Term.objects.get(slug=slug).body_html, slug
    embedding = sum('data-widget="' in t.body_html for t in Term.objects.published())
    assert embedding >= 20


def test_every_term_is_on_the_index(shipped, client):
    html = client.get("/glossary/").content.decode()
    for slug in Term.objects.published().values_list("slug", flat=True):
        assert f'href="/glossary/{slug}/"' in html, slug


def test_llm_reaches_the_large_language_model_page(shipped, client):
    response = client.get("/glossary/llm/")
    assert response.status_code == 301
    assert response["Location"] == "/glossary/large-language-model/"


@pytest.mark.parametrize("slug", FLAGSHIP)
def test_the_flagship_pages_render(shipped, client, slug):
    response = client.get(f"/glossary/{slug}/")
    assert response.status_code == 200
    assert "Frequently asked questions" in response.content.decode()


def test_a_broken_link_in_a_content_file_is_reported_and_nothing_is_saved(tmp_path):
    Term.objects.all().delete()
    shutil.copytree(FIXTURES, tmp_path / "content")
    broken = tmp_path / "content" / "terms" / "weights.yaml"
    broken.write_text(broken.read_text().replace("[[parameters", "[[no-such-term", 1))
    with pytest.raises(CommandError, match=r"weights.yaml: Term .*no-such-term"):
        call_command("import_content", str(tmp_path / "content"))
    assert not Term.objects.exists()


def test_import_if_empty_keeps_editors_work():
    Term.objects.all().delete()
    make_term(slug="edited", name="Edited by an editor")
    call_command("import_content", str(FIXTURES), "--if-empty")
    assert list(Term.objects.values_list("slug", flat=True)) == ["edited"]


def test_rerender_content_rebuilds_stored_html(shipped):
    Term.objects.filter(slug="weights").update(body_html="stale", status=Status.PUBLISHED)
    call_command("rerender_content")
    assert Term.objects.get(slug="weights").body_html != "stale"
