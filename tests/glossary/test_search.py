"""Search: exact names and aliases first, typos tolerated, drafts never found."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from factories import make_alias, make_term

from glossary.models import Status
from glossary.search import search_terms

pytestmark = pytest.mark.django_db

# Every search test runs against each engine this database has: in memory (SQLite always;
# PostgreSQL for small glossaries) and, on PostgreSQL, SQL (for large ones).
ENGINES = {"in-memory": 2000}
if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
    ENGINES["sql"] = 0


@pytest.fixture(params=list(ENGINES))
def engine(request, settings):
    settings.SEARCH_MEMORY_TERMS = ENGINES[request.param]
    return request.param


@pytest.fixture
def glossary(engine):
    parameters = make_term(
        name="Parameters",
        slug="parameters",
        short_definition="The numbers a model learns during training.",
        body="Parameters include weights and biases.",
    )
    make_alias(parameters, "params", "abbreviation")
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
        body="Rounding each weight to 8 or 4 bits.",
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
        short_definition="A draft.",
    )
    return {
        "parameters": parameters,
        "hyper": hyper,
        "quant": quant,
        "llm": llm,
        "kv": kv,
        "draft": draft,
    }


def names(query: str) -> list[str]:
    return [hit.term.name for hit in search_terms(query)]


def test_an_exact_name_ranks_first(glossary):
    assert names("parameters")[0] == "Parameters"
    assert "Hyperparameters" in names("parameters")


def test_an_alias_ranks_first(glossary):
    assert names("LLM")[0] == "Large language model"
    assert names("params")[0] == "Parameters"


def test_a_british_spelling_finds_the_term(glossary):
    assert names("quantisation")[0] == "Quantization"


def test_a_typo_is_tolerated(glossary):
    assert names("paramters")[0] == "Parameters"
    assert names("quantizaton")[0] == "Quantization"


def test_words_of_the_definition_find_a_term(glossary):
    assert "KV cache" in names("keys and values")
    assert "Quantization" in names("fewer bits")


def test_drafts_are_never_found(glossary):
    assert "Parameter server" not in names("parameter server")
    assert "Parameter server" not in names("param")


def test_nothing_matches_nonsense(glossary):
    assert names("zzqxj") == []


def test_the_results_page_works_without_javascript(client, glossary):
    response = client.get("/search/", {"q": "paramters"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "glossary/search.html"
    assert 'href="/glossary/parameters/"' in html
    assert "The numbers a model learns during training." in html


def test_an_empty_search_explains_what_to_type(client, glossary):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "Search by name" in response.content.decode()


def test_a_search_with_no_results_says_so(client, glossary):
    assert "Nothing matches" in client.get("/search/", {"q": "zzqxj"}).content.decode()


def test_an_overlong_search_is_a_clear_400(client, glossary):
    response = client.get("/search/", {"q": "x" * 500})
    assert response.status_code == 400
    assert "too long" in response.content.decode()


def test_suggestions_are_json_with_short_definitions(client, glossary):
    response = client.get("/search/suggest", {"q": "llm"})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["results"][0] == {
        "name": "Large language model",
        "slug": "large-language-model",
        "url": "/glossary/large-language-model/",
        "short_definition": "A neural network trained on text to predict the next token.",
    }


def test_suggestions_for_a_prefix(client, glossary):
    data = client.get("/search/suggest", {"q": "quan"}).json()
    assert data["results"][0]["slug"] == "quantization"


def test_suggestions_for_nothing_are_empty(client, glossary):
    assert client.get("/search/suggest", {"q": "  "}).json()["results"] == []


def test_an_overlong_suggestion_query_is_a_400_naming_the_field(client, glossary):
    response = client.get("/search/suggest", {"q": "x" * 500})
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


def _parameter_notes(count: int, **fields: str) -> None:
    """Terms that all mention parameters: many matches for one query."""
    for number in range(count):
        make_term(
            name=f"Parameter note {number:02d}",
            slug=f"parameter-note-{number:02d}",
            short_definition="Mentions parameters.",
            **fields,
        )


def test_names_rank_first_when_many_texts_match_and_candidates_are_capped(
    glossary, engine, monkeypatch
):
    from glossary import search

    _parameter_notes(12, body="Parameters, parameters, parameters.")
    # SQL brings a capped number of candidates per way in; in memory every term is scored.
    monkeypatch.setattr(search, "TEXT_CANDIDATES", 3)
    monkeypatch.setattr(search, "NAME_CANDIDATES", 3)
    found = names("parameters")
    assert found[0] == "Parameters"  # the exact name, whatever the caps
    assert names("quantizaton")[0] == "Quantization"
    if engine == "sql":
        assert 2 <= len(found) <= 1 + 3 + 3 + 3  # at most what the three capped ways brought
    else:
        assert len(found) == 15  # every term that mentions parameters (and Large language model)


def test_results_come_twenty_to_a_page_with_links_between_pages(client, glossary):
    _parameter_notes(30)
    first = client.get("/search/", {"q": "parameter"}).content.decode()
    assert first.count('class="result-name"') == 20
    assert "Results 1–20" in first and 'href="?q=parameter&amp;page=2"' in first
    assert 'rel="prev"' not in first
    second = client.get("/search/", {"q": "parameter", "page": "2"}).content.decode()
    # 30 notes, Parameters, Hyperparameters, and Large language model (its text says it)
    assert second.count('class="result-name"') == 13 and "Results 21–33" in second
    assert 'rel="next"' not in second and 'href="?q=parameter"' in second
    names = re.findall(r'class="result-name">([^<]+)<', first + second)
    assert len(set(names)) == 33  # no result on both pages


@pytest.mark.parametrize("page", ["0", "4", "x", "-1", "²", "99999999999999999999", "9" * 5000])
def test_a_page_of_results_out_of_range_is_a_clear_400(client, glossary, page):
    response = client.get("/search/", {"q": "parameter", "page": page})
    assert response.status_code == 400
    assert "Pages of results run from 1 to 3." in response.content.decode()


if "sql" in ENGINES:

    def test_sql_search_is_prepared_once_per_connection_and_planned_once(settings):
        """Planning the statement cost more than running it: it is prepared, with one
        generic plan, however many different queries run."""
        from django.db import connection

        settings.SEARCH_MEMORY_TERMS = 0
        make_term(name="Parameters", slug="parameters", body="Weights and biases.")
        for query in ("parameters", "paramters", "kv", "weights and biases", "nothing at all"):
            found = search_terms(query)
        assert [hit.term.name for hit in found] == []  # (the last query finds nothing)
        assert search_terms("paramters")[0].term.name == "Parameters"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE '%%near_names AS MATERIALIZED%%'"
            )
            rows = cursor.fetchall()
        assert len(rows) == 1  # one statement, whatever the query
        generic, custom = rows[0]
        assert custom == 0 and generic >= 6


def test_a_misspelt_result_is_marked_as_the_closest_match(client, glossary):
    html = client.get("/search/", {"q": "paramters"}).content.decode()
    assert re.search(
        r'class="result-name">Parameters</a>\s*<span class="result-note">\(closest match\)</span>',
        html,
    )
    exact = client.get("/search/", {"q": "parameters"}).content.decode()
    assert "closest match" not in exact


def test_names_and_definitions_in_results_are_escaped(client, engine):
    make_term(
        name='Bits <b>& "bytes"</b>',
        slug="bits-and-bytes",
        short_definition="Fewer <i>bits</i> & 'smaller' files.",
    )
    html = client.get("/search/", {"q": "bits"}).content.decode()
    assert "Bits &lt;b&gt;&amp; &quot;bytes&quot;&lt;/b&gt;</a>" in html
    assert "<p>Fewer &lt;i&gt;bits&lt;/i&gt; &amp; &#x27;smaller&#x27; files.</p>" in html
    assert "<b>&" not in html and "<i>bits" not in html
    assert 'href="/glossary/bits-and-bytes/"' in html


def test_the_results_page_says_how_the_search_ran(client, glossary, engine):
    response = client.get("/search/", {"q": "parameters"})
    engine_name = "memory" if engine == "in-memory" else "sql"
    assert re.fullmatch(rf'search;desc="{engine_name}";dur=\d+\.\d\d', response["Server-Timing"])
    assert "Server-Timing" not in client.get("/search/").headers  # (no search, nothing to say)


if "sql" in ENGINES:

    @pytest.mark.django_db(transaction=True)
    def test_a_large_glossary_is_indexed_by_a_thread_while_sql_answers(settings, monkeypatch):
        """Above BUILD_INLINE_TERMS no reader waits for the copy to be made: SQL answers
        until the thread has made it, and from then on it answers from memory."""
        from glossary import search

        monkeypatch.setattr(search, "BUILD_INLINE_TERMS", 1)
        settings.SEARCH_MEMORY_TERMS = 100
        make_term(name="Parameters", slug="parameters", body="Weights and biases.")
        make_term(name="Weights", slug="weights", body="Parameters of a layer.")
        first = [hit.term.slug for hit in search_terms("parameters")]
        assert search.last_engine.get() == "sql"
        thread = search._building["thread"]
        thread.join(timeout=30)
        assert not thread.is_alive()
        again = [hit.term.slug for hit in search_terms("parameters")]
        assert search.last_engine.get() == "memory"
        assert first == again == ["parameters", "weights"]

        # An edit retires the copy: SQL answers (with the edit) while the next is made.
        make_term(name="Parameter count", slug="parameter-count", body="How many.")
        assert [hit.term.slug for hit in search_terms("parameter count")][0] == "parameter-count"
        assert search.last_engine.get() == "sql"
        search._building["thread"].join(timeout=30)
        assert [hit.term.slug for hit in search_terms("parameter count")][0] == "parameter-count"
        assert search.last_engine.get() == "memory"

    @pytest.mark.django_db(transaction=True)
    def test_a_copy_that_cannot_be_made_leaves_search_to_sql(settings, monkeypatch, caplog):
        from glossary import search

        def fail() -> None:
            raise MemoryError("no room")

        monkeypatch.setattr(search, "BUILD_INLINE_TERMS", 1)
        monkeypatch.setattr(search, "_build", fail)
        settings.SEARCH_MEMORY_TERMS = 100
        make_term(name="Parameters", slug="parameters", body="Weights and biases.")
        make_term(name="Weights", slug="weights", body="Parameters of a layer.")
        assert search_terms("weights")[0].term.slug == "weights"
        search._building["thread"].join(timeout=30)
        assert "Could not make the in-memory search index" in caplog.text
        for _ in range(3):  # SQL answers, and no other attempt is made for this version
            assert search_terms("weights")[0].term.slug == "weights"
            assert search.last_engine.get() == "sql"
            assert "pid" not in search._building

    def test_a_query_too_broad_to_answer_exactly_in_memory_goes_to_sql(settings, monkeypatch):
        """On PostgreSQL the in-memory engine has a budget of work; a query that would read
        more texts than it allows (a word in most of a large glossary's texts) is answered
        by SQL instead."""
        from glossary import search

        settings.SEARCH_MEMORY_TERMS = 2000
        for number in range(6):
            make_term(name=f"Layer {number}", slug=f"layer-{number}", body="Weights and biases.")
        assert search_terms("layer 3")[0].term.slug == "layer-3"
        assert search.last_engine.get() == "memory"
        # Every text is read when a word is in more distinct words than VOCABULARY_WORDS.
        monkeypatch.setattr(search, "VOCABULARY_WORDS", 0)
        monkeypatch.setattr(search, "TEXT_READS", 3)
        found = search_terms("biases")
        assert search.last_engine.get() == "sql"
        assert len(found) == 6 and all(hit.reason == "text" for hit in found)
        monkeypatch.setattr(search, "TEXT_READS", 12)  # six to find it, six to count it
        in_memory = search_terms("biases")
        assert search.last_engine.get() == "memory"
        assert {hit.term.slug for hit in in_memory} == {hit.term.slug for hit in found}
