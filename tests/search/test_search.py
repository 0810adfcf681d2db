"""Search: one query over terms, FAQs, lessons and calculators, on the database's own engine.
Exact names and aliases first, typos tolerated, every word required, drafts never found."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from factories import make_alias, make_faq, make_guide, make_lesson, make_term

from glossary import services
from glossary.models import FAQ, Status, Term
from search import schema
from search.engines import MARK, UNMARK
from search.selectors import marked, page_hits, site_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def glossary():
    parameters = make_term(
        name="Parameters",
        slug="parameters",
        short_definition="The numbers a model learns during training.",
        body="Parameters include weights and biases.",
    )
    make_alias(parameters, "params", "abbreviation")
    make_faq(
        parameters,
        question="How much memory does a 70B model need?",
        answer="About 140 GB of weights in bf16: 70 billion parameters at 2 bytes each.",
    )
    hyper = make_term(
        name="Hyperparameters",
        slug="hyperparameters",
        short_definition="Settings chosen before training, such as the learning rate.",
        body="Unlike parameters, hyperparameters are not learned.",
    )
    quant = make_term(
        name="Quantization",
        slug="quantization",
        short_definition="Storing weights in fewer bits to save memory.",
        body="Rounding each weight to 8 or 4 bits. Mixtral 8x7B shrinks well.",
    )
    make_alias(quant, "quantisation", "spelling")
    llm = make_term(
        name="Large language model",
        slug="large-language-model",
        short_definition="A neural network trained on text to predict the next token.",
        body="Transformers with billions of parameters.",
    )
    make_alias(llm, "LLM", "abbreviation")
    kv = make_term(
        name="KV cache",
        slug="kv-cache",
        short_definition="Stored keys and values of earlier tokens, reused during generation.",
        body="It grows with context length.",
    )
    draft = make_term(
        name="Parameter server",
        slug="parameter-server",
        status=Status.DRAFT,
        short_definition="A draft about zebrafish.",
        body="Only this draft says zebrafish.",
    )
    make_faq(draft, question="Is a parameter server a draft?", answer="Yes, zebrafish.")
    guide = make_guide(title="Sizing models", slug="sizing-models")
    lesson = make_lesson(
        guide, title="Counting parameters", slug="counting-parameters", body="## Layers\n\nA layer."
    )
    hidden_guide = make_guide(title="Draft guide", slug="draft-guide", status=Status.DRAFT)
    make_lesson(hidden_guide, title="Hidden lesson", slug="hidden-lesson", body="Zebrafish here.")
    return {"parameters": parameters, "hyper": hyper, "quant": quant, "llm": llm, "kv": kv,
            "draft": draft, "lesson": lesson}  # fmt: skip


def titles(query: str, kind: str = "") -> list[str]:
    return [hit.title for hit in site_search(query, kind=kind).hits]


def terms(query: str) -> list[str]:
    return titles(query, "term")


def test_an_exact_name_ranks_first(glossary):
    assert titles("parameters")[0] == "Parameters"
    assert "Hyperparameters" in terms("parameters")


def test_an_alias_ranks_first(glossary):
    assert titles("LLM")[0] == "Large language model"
    assert titles("params")[0] == "Parameters"


def test_a_british_spelling_finds_the_term(glossary):
    assert titles("quantisation")[0] == "Quantization"


def test_a_typo_is_tolerated(glossary):
    assert titles("paramters")[0] == "Parameters"
    assert titles("quantizaton")[0] == "Quantization"


def test_a_misspelt_word_of_the_text_is_searched_as_the_word_the_texts_have(glossary):
    results = site_search("mixtrl")
    assert results.corrected == "mixtral"
    assert [hit.title for hit in results.hits] == ["Quantization"]


def test_words_of_the_definition_find_a_term(glossary):
    assert "KV cache" in terms("keys and values")
    assert "Quantization" in terms("fewer bits")


def test_every_word_must_match(glossary):
    assert terms("fewer bits") == ["Quantization"]  # not every term that says "bits"
    assert terms("weights bits") == ["Quantization"]  # Parameters says weights, not bits


def test_with_no_document_having_every_word_the_search_is_relaxed_and_says_so(glossary):
    results = site_search("weights context")
    assert results.relaxed
    assert {"KV cache", "Quantization"} <= {hit.title for hit in results.hits}
    assert not site_search("fewer bits").relaxed


def test_a_question_in_an_faq_is_found_and_links_to_its_answer(glossary):
    results = site_search("how much memory does a 70B model need")
    first = results.hits[0]
    assert (first.kind, first.title) == ("faq", "How much memory does a 70B model need?")
    assert first.url == "/glossary/parameters/#faq-how-much-memory-does-a-70b-model-need"


def test_a_lesson_is_found_by_its_title(glossary):
    hit = site_search("counting parameters").hits[0]
    assert (hit.kind, hit.title) == ("lesson", "Counting parameters")
    assert hit.url == "/learn/sizing-models/counting-parameters/"


def test_a_calculator_is_found(glossary):
    hit = site_search("memory calculator").hits[0]
    assert (hit.kind, hit.url) == ("calculator", "/calculators/memory/")


def test_one_kind_only(glossary):
    assert {hit.kind for hit in site_search("parameters", kind="faq").hits} == {"faq"}


def test_drafts_are_never_found(glossary):
    assert "Parameter server" not in terms("parameter server")
    assert "Parameter server" not in terms("param")
    assert titles("zebrafish") == []  # a draft term, its FAQ, a lesson of a draft guide
    assert site_search("zebrafsh").corrected == ""  # nor is a draft's word suggested


def test_unpublishing_hides_a_term_and_its_faqs_at_once(glossary):
    term = glossary["parameters"]
    term.status = Status.DRAFT
    services.term_save(term=term, previous=term.loaded)
    assert all(hit.url.split("#")[0] != "/glossary/parameters/" for hit in site_search("70B").hits)


def test_an_edit_or_a_deletion_reaches_the_index_however_it_is_made(glossary):
    Term.objects.filter(slug="kv-cache").update(search_document="KV cache | holds zanzibar")
    assert terms("zanzibar") == ["KV cache"]
    FAQ.objects.filter(term__slug="parameters").delete()  # a bulk delete, no save()
    assert site_search("70B model need", kind="faq").hits == []
    Term.objects.filter(slug="kv-cache").delete()
    assert terms("zanzibar") == []


def test_nothing_matches_nonsense(glossary):
    results = site_search("zzqxj")
    assert results.hits == [] and not results.relaxed and results.corrected == ""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the triggers are SQLite's")
def test_lost_triggers_are_made_again_and_the_index_rebuilt(glossary):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_term_update")  # as a remade table loses them
    Term.objects.filter(slug="kv-cache").update(search_document="KV cache | holds zanzibar")
    assert terms("zanzibar") == []  # unindexed while the trigger is missing
    assert schema.ensure_sqlite(connection) is True
    cache.clear()  # (the answer above is kept until content is saved)
    assert terms("zanzibar") == ["KV cache"]
    assert schema.ensure_sqlite(connection) is False  # nothing missing now


def test_snippets_mark_the_words_and_escape_the_text(glossary):
    make_term(
        name='Bits <b>& "bytes"</b>',
        slug="bits-and-bytes",
        short_definition="Fewer <i>bits</i> & 'smaller' files.",
        body="Fewer <i>bits</i> & 'smaller' files, said twice: bits.",
    )
    results = site_search("smaller files")
    hit = next(hit for hit in page_hits(results, 0, 20) if hit.title.startswith("Bits"))
    assert "<mark>smaller</mark>" in hit.snippet_html
    assert "<i>" not in hit.snippet_html  # (PostgreSQL's headline drops it, SQLite's escapes it)


def test_marked_text_is_escaped_but_for_the_marks():
    text = f"a <b>&{MARK}b'{UNMARK}\"c{MARK}"
    assert marked(text) == "a &lt;b&gt;&amp;<mark>b&#x27;</mark>&quot;c"


HOSTILE = ['"', '""', "*", "NEAR(", "a OR b", "OR", "AND NOT", "(", ")", '"unbalanced', "-x",
           "col:word", "^x", "'", "\\", "%", "_", "x" * 100, "😀", "１２",
           "parameters*"]  # fmt: skip


@pytest.mark.parametrize("query", HOSTILE)
def test_query_syntax_is_never_syntax(glossary, query):
    site_search(query)  # no error from the engine: every word is quoted or bare letters


def test_the_results_page_works_without_javascript(client, glossary):
    response = client.get("/search/", {"q": "parameters"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "search/results.html"
    assert 'href="/glossary/parameters/"' in html
    assert re.search(r'class="result-kind">FAQ<', html)
    assert "<mark>" in html


def test_an_empty_search_explains_what_to_type(client, glossary):
    response = client.get("/search/", {"q": ""})
    assert response.status_code == 200
    assert "Search terms, FAQs, lessons and calculators" in response.content.decode()


def test_a_search_with_no_results_says_so(client, glossary):
    assert "Nothing matches" in client.get("/search/", {"q": "zzqxj"}).content.decode()


def test_a_correction_is_said_on_the_page(client, glossary):
    html = client.get("/search/", {"q": "mixtrl"}).content.decode()
    assert "mixtral" in html and "Quantization" in html


def test_an_overlong_search_is_a_clear_400(client, glossary):
    response = client.get("/search/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "too long" in response.content.decode()


@pytest.mark.parametrize("query", ["a\x00b", "x" * 10_000])
def test_hostile_queries_on_the_page_are_400s(client, glossary, query):
    assert client.get("/search/", {"q": query}).status_code == 400


@pytest.mark.parametrize("page", ["0", "4", "x", "-1", "²", "99999999999999999999", "9" * 5000])
def test_a_page_of_results_out_of_range_is_a_clear_400(client, glossary, page):
    response = client.get("/search/", {"q": "parameter", "page": page})
    assert response.status_code == 400
    assert "Pages of results run from 1 to 3." in response.content.decode()


def test_results_come_twenty_to_a_page_with_links_between_pages(client, glossary):
    for number in range(30):
        make_term(name=f"Zorb note {number:02d}", slug=f"zorb-note-{number:02d}", body="Zorb.")
    first = client.get("/search/", {"q": "zorb"}).content.decode()
    assert first.count('class="result-name"') == 20
    assert "Results 1–20" in first and 'href="?q=zorb&amp;page=2"' in first
    assert 'rel="prev"' not in first
    second = client.get("/search/", {"q": "zorb", "page": "2"}).content.decode()
    assert second.count('class="result-name"') == 10 and "Results 21–30" in second
    assert 'rel="next"' not in second and 'href="?q=zorb"' in second
    names = re.findall(r'class="result-name">([^<]+)<', first + second)
    assert len(set(names)) == 30  # no result on both pages


def test_a_misspelt_result_is_marked_as_the_closest_match(client, glossary):
    html = client.get("/search/", {"q": "paramters"}).content.decode()
    assert re.search(r'class="result-name">Parameters</a>\s*<span class="result-note">', html)
    assert "Closest match" in html
    assert "Closest match" not in client.get("/search/", {"q": "parameters"}).content.decode()


def test_suggestions_are_json_with_kinds(client, glossary):
    response = client.get("/search/suggest", {"q": "LLM"})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["kind"] == "term" and first["kind_label"] == "Term"
    assert first["name"] == "Large language model" and first["slug"] == "large-language-model"
    assert first["url"] == "/glossary/large-language-model/"
    assert (
        first["short_definition"] == "A neural network trained on text to predict the next token."
    )


def test_suggestions_for_a_prefix(client, glossary):
    assert (
        client.get("/search/suggest", {"q": "quant"}).json()["results"][0]["slug"] == "quantization"
    )


def test_suggestions_for_nothing_are_empty(client, glossary):
    assert client.get("/search/suggest", {"q": "  "}).json()["results"] == []


def test_an_overlong_suggestion_query_is_a_400_naming_the_field(client, glossary):
    response = client.get("/search/suggest", {"q": "x" * 201})
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


def test_a_search_is_answered_from_the_cache_until_content_changes(
    glossary, django_assert_num_queries
):
    site_search("parameters")
    with django_assert_num_queries(0):
        site_search("parameters")  # the same normalised query, from the cache
        site_search("  PARAMETERS ")
    make_term(name="Parameter count", slug="parameter-count")  # a save moves the version
    assert "Parameter count" in terms("parameters")


def test_a_drafts_name_is_never_suggested(glossary):
    make_term(name="Zanzibar quokka", slug="zanzibar-quokka", status=Status.DRAFT)
    results = site_search("zanzibr quokk")
    assert results.hits == [] and results.suggestion == ""
