"""The calculator pages: defaults, exact results from the query string, errors beside their
fields, the live-update fragment and the embed agreeing with the page, headers, accessible
charts, no inline code, pinned query budgets, and a GET form that works without JavaScript."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.definitions import CALCULATORS
from calculators.gpus import catalog_gpus

CATALOG = Path(__file__).resolve().parents[2] / "fixtures" / "models.yaml"
SLUGS = list(CALCULATORS)
MIXTRAL_Q4 = {"model": "mixtral-8x7b", "dtype": "q4_k_m", "context": "32768"}


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


# --- Reading pages ---------------------------------------------------------------------------


def page(client: Client, path: str, query: dict[str, Any] | None = None) -> tuple[int, str]:
    response = client.get(path, query or {})
    return response.status_code, response.content.decode()


def api(client: Client, slug: str, query: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"/api/v1/sizing/{slug}", query)
    assert response.status_code == 200, response.content
    return response.json()


def result_block(text: str) -> str:
    """The result, from its headline to its assumptions, as the reader sees it. Chart ids are
    numbered per render, details are open on the page but closed in compact views, and long
    figures carry <wbr> where they may wrap."""
    start = text.index('<div class="result">')
    end = text.index('<p class="share">', start)
    block = re.sub(r"chart-\d+-", "chart-N-", text[start:end])
    block = block.replace("<wbr>", "")  # where a long figure may wrap: its text is unchanged
    return re.sub(r"(<details[^>]*?) open>", r"\1>", block)


def share_href(text: str) -> str:
    match = re.search(r'<a class="share-link" href="([^"]+)"', text)
    assert match, "no share link"
    return html.unescape(match.group(1))


def field_block(text: str, name: str) -> str:
    """The markup of the field whose control is named `name`: label, control, help, errors."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', text, re.DOTALL):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name}")


class _FormReader(HTMLParser):
    """What a browser without JavaScript submits for each calculator form: every named
    input's value, and each select's selected option (or its first, when none is)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and "calculator-form" in (a.get("class") or ""):
            self._form = {"action": a.get("action"), "method": a.get("method"), "fields": []}
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type") or "text"
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = {"name": a.get("name"), "options": [], "selected": None}
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value") or "")
            if "selected" in a:
                self._select["selected"] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self._form is not None:
            options, chosen = self._select["options"], self._select["selected"]
            if chosen is None and options:
                chosen = options[0]
            if chosen is not None:
                self._form["fields"].append((self._select["name"], chosen))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def calculator_form(text: str) -> dict[str, Any]:
    reader = _FormReader()
    reader.feed(text)
    reader.close()
    assert len(reader.forms) == 1, reader.forms
    return reader.forms[0]


def submit(client: Client, form: dict[str, Any]) -> tuple[int, str]:
    assert form["method"] == "get"
    response = client.get(f"{form['action']}?{urlencode(form['fields'])}")
    return response.status_code, response.content.decode()


class _InlineCode(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script":
            # A JSON-LD data block is never executed (and the CSP would not run it anyway).
            if dict(attrs).get("type") == "application/ld+json":
                return
            self._in_script = True
            if "src" not in names:
                self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        for name in names:
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append("inline script body")


def inline_code(text: str) -> list[str]:
    finder = _InlineCode()
    finder.feed(text)
    finder.close()
    return finder.problems


# --- The index and the default pages --------------------------------------------------------


def test_the_index_lists_all_five_calculators(client):
    status, text = page(client, "/calculators/")
    assert status == 200
    for slug, calculator in CALCULATORS.items():
        assert f'href="/calculators/{slug}/"' in text
        assert html.escape(calculator.title) in text
    assert len(CALCULATORS) == 5


# The figure each calculator leads with, as the API gives it and as the page prints it.
HEADLINE = {
    "parameters": lambda d: f"{d['total']:,}",
    "memory": lambda d: f"{d['total_bytes']:,} bytes",
    "training": lambda d: f"{d['flops']:,} FLOPs",
    "inference": lambda d: f"{d['decode_tokens_per_second']:,.0f} tokens/s",
    "scale": lambda d: f"{d['ratio']:,.0f}×",
}


@pytest.mark.parametrize("slug", SLUGS)
def test_a_calculator_with_no_query_shows_its_default_result_and_the_working(client, slug):
    status, text = page(client, f"/calculators/{slug}/")
    assert status == 200
    assert '<div class="result">' in text
    assert '<table class="steps">' in text and "The working" in text
    expected = api(client, slug, CALCULATORS[slug].defaults)
    assert HEADLINE[slug](expected) in result_block(text)


def test_the_parameters_page_defaults_to_llama_3_8b_exactly(client):
    _, text = page(client, "/calculators/parameters/")
    assert "8,030,261,248" in result_block(text)


# --- Query strings reproduce the calculation exactly ----------------------------------------


def test_the_memory_page_shows_the_apis_exact_byte_count(client):
    expected = api(client, "memory", MIXTRAL_Q4)
    status, text = page(client, "/calculators/memory/", MIXTRAL_Q4)
    assert status == 200
    block = result_block(text)
    assert f"{expected['total_bytes']:,} bytes" in block
    assert f"{expected['weights_bytes']:,} bytes" in block
    assert f"{expected['kv_cache_bytes']:,} bytes" in block
    assert expected["kv_cache_bytes"] == 2 * 32 * 8 * 128 * 32768 * 2  # fp16 cache by default
    assert "46,702,792,704 parameters" in block


@pytest.mark.parametrize(
    ("slug", "query"),
    [
        ("parameters", {"layers": "12", "hidden": "768", "heads": "12", "vocab": "50257",
                        "ffn": "3072", "mlp": "standard", "norm": "layernorm", "bias": "all",
                        "tied": "true", "positions": "1024"}),
        ("memory", {"params": "7000000000", "dtype": "int4"}),
        ("training", {"model": "mixtral-8x7b", "tokens": "1000000000000", "price": "2"}),
        ("inference", {"model": "mistral-7b-v0-1", "gpu": "a100-80gb", "context": "2048"}),
        ("scale", {"small": "gpt-2-small", "large": "llama-3-1-405b"}),
    ],
)  # fmt: skip
def test_every_page_prints_the_apis_figure_for_its_query(client, slug, query):
    status, text = page(client, f"/calculators/{slug}/", query)
    assert status == 200
    assert HEADLINE[slug](api(client, slug, query)) in result_block(text)


def test_gpt2_small_from_its_fields_is_exact_on_the_page(client):
    query = {"layers": "12", "hidden": "768", "heads": "12", "vocab": "50257", "ffn": "3072",
             "mlp": "standard", "norm": "layernorm", "bias": "all", "tied": "true",
             "positions": "1024"}  # fmt: skip
    _, text = page(client, "/calculators/parameters/", query)
    assert "124,439,808" in result_block(text)


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "query", "field", "message"),
    [
        ("memory", {"model": "llama-3-8b", "context": "-1"}, "context",
         "Ensure this value is greater than or equal to 0."),
        ("memory", {"model": "no-such-model"}, "model",
         "There is no model “no-such-model” in the catalog."),
        ("parameters", {"layers": "2", "hidden": "768", "heads": "7", "vocab": "10"}, "heads",
         "must divide hidden (768)"),
        ("parameters", {"layers": "2", "hidden": "768", "heads": "12", "kv_heads": "5",
                        "vocab": "10"}, "kv_heads", "must divide heads (12)"),
        ("training", {"model": "llama-3-8b", "tokens": "9" * 10_000}, "tokens",
         "That number is far too long."),
        ("inference", {"model": "gpt-4"}, "model", "architecture has not been published"),
        ("scale", {"small": "nope"}, "small", "There is no model “nope” in the catalog."),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_with_the_message_beside_its_field(client, slug, query, field, message):
    status, text = page(client, f"/calculators/{slug}/", query)
    assert status == 400
    block = field_block(text, field)
    assert 'class="field field-error"' in block
    assert html.escape(message, quote=False) in block
    assert '<div class="result">' not in text
    assert "Traceback" not in text and "Exception" not in text
    # The reader's input is kept, to be corrected.
    if field not in ("model", "small"):
        assert f'value="{html.escape(query[field])}"' in block


def test_missing_architecture_fields_are_each_flagged(client):
    status, text = page(client, "/calculators/parameters/", {"model": ""})
    assert status == 400
    for field in ("layers", "hidden", "heads", "vocab"):
        assert "Required (or choose a catalog model)." in field_block(text, field)
    # The closed "custom architecture" section opens to show them.
    assert re.search(r'<details class="architecture"[^>]* open[ >]', text)


def test_no_element_repeats_an_attribute(client):
    # A repeated attribute is an HTML parse error (the browser keeps only the first).
    _, text = page(client, "/calculators/parameters/", {"model": ""})
    repeated: list[str] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            names = [name for name, _ in attrs]
            repeated.extend(f"<{tag} {n}>" for n in set(names) if names.count(n) > 1)

    Reader().feed(text)
    assert repeated == []


# One client for every example: a new one would load the middleware again each time.
PAGE_CLIENT = Client()


@pytest.mark.parametrize("slug", SLUGS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_no_page_input_gives_a_server_error(slug, data):
    field = data.draw(st.sampled_from(list(CALCULATORS[slug].form_class.base_fields)))
    value = data.draw(st.text() | st.integers().map(str))
    for path in (f"/calculators/{slug}/", f"/calculators/{slug}/result"):
        response = PAGE_CLIENT.get(path, {**CALCULATORS[slug].defaults, field: value})
        assert response.status_code in (200, 400), (path, field, value)
        assert "Traceback" not in response.content.decode()


# --- The fragment and the embed agree with the page -----------------------------------------


@pytest.mark.parametrize(
    ("slug", "query"),
    [(slug, {}) for slug in SLUGS]
    + [("memory", MIXTRAL_Q4), ("training", {"params": "70000000000", "gpus": "2048"})],
)
def test_the_fragment_and_the_embed_show_the_pages_result(client, slug, query):
    _, full = page(client, f"/calculators/{slug}/", query)
    status_fragment, fragment = page(client, f"/calculators/{slug}/result", query)
    status_embed, embed = page(client, f"/embed/calculators/{slug}/", query)
    assert status_fragment == status_embed == 200
    assert result_block(fragment) == result_block(full) == result_block(embed)
    assert share_href(fragment) == share_href(full) == share_href(embed)


def test_the_fragment_and_the_embed_refuse_bad_input_like_the_page(client):
    query = {"model": "llama-3-8b", "context": "-1"}
    for path in (
        "/calculators/memory/",
        "/calculators/memory/result",
        "/embed/calculators/memory/",
    ):
        status, text = page(client, path, query)
        assert status == 400, path
        assert '<div class="result">' not in text


def test_the_fragment_for_bad_input_says_what_to_fix(client):
    # With JavaScript on, the fragment replaces the result while the form stays as it was, so
    # the fragment itself must carry the messages it refers to.
    status, fragment = page(client, "/calculators/memory/result", {"context": "-1"})
    assert status == 400
    assert "Ensure this value is greater than or equal to 0." in fragment


# --- Headers --------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_only_the_embed_may_be_framed_by_other_sites(client, slug):
    embed = client.get(f"/embed/calculators/{slug}/")
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in embed["Content-Security-Policy"]
    assert not embed.has_header("X-Frame-Options")
    for path in ("/calculators/", f"/calculators/{slug}/", f"/calculators/{slug}/result"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], path
        assert response["X-Frame-Options"] == "DENY", path


def test_the_embed_is_not_indexed_and_points_to_the_full_page(client):
    _, text = page(client, "/embed/calculators/memory/")
    assert '<meta name="robots" content="noindex">' in text
    assert 'href="/calculators/memory/" target="_blank" rel="noopener"' in text


def test_the_embeds_form_submits_to_a_page_that_may_be_framed(client):
    # Without JavaScript the form navigates the frame itself; a page that refuses framing
    # would leave the reader an error inside the host site.
    _, text = page(client, "/embed/calculators/memory/", MIXTRAL_Q4)
    form = calculator_form(text)
    response = client.get(f"{form['action']}?{urlencode(form['fields'])}")
    assert response.status_code == 200
    assert not response.has_header("X-Frame-Options")
    assert "frame-ancestors *" in response["Content-Security-Policy"]


def test_the_embeds_links_to_the_site_leave_the_frame(client):
    _, text = page(client, "/embed/calculators/memory/", MIXTRAL_Q4)
    for tag in re.findall(r"<a [^>]*>", text):
        href = html.unescape(re.search(r'href="([^"]*)"', tag).group(1))
        if "/embed/" not in href:
            assert re.search(r'target="_(blank|top)"', tag), tag


# --- The share link -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "query"),
    [("memory", MIXTRAL_Q4), ("parameters", {"model": "gemma-7b"}),
     ("training", {"params": "70000000000", "tokens": "1400000000000", "price": "1.99"}),
     ("scale", {"small": "llama-3-8b", "large": "gpt-4"})],
)  # fmt: skip
def test_the_link_to_this_calculation_reproduces_the_query(client, slug, query):
    _, text = page(client, f"/calculators/{slug}/", query)
    href = share_href(text)
    parts = urlsplit(href)
    assert parts.scheme == "http" and parts.netloc == "testserver"
    assert parts.path == f"/calculators/{slug}/"
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == query
    _, shared = page(client, f"{parts.path}?{parts.query}")
    assert result_block(shared) == result_block(text)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_default_pages_link_spells_out_the_defaults(client, slug):
    _, text = page(client, f"/calculators/{slug}/")
    query = urlsplit(share_href(text)).query
    assert {k: v[0] for k, v in parse_qs(query).items()} == CALCULATORS[slug].defaults
    _, shared = page(client, f"/calculators/{slug}/?{query}" if query else f"/calculators/{slug}/")
    assert result_block(shared) == result_block(text)


# --- Accessible charts, no inline code ------------------------------------------------------


@pytest.mark.parametrize("slug", ["parameters", "memory", "scale"])
def test_the_chart_is_a_figure_named_and_described_in_words_with_its_labels_as_text(client, slug):
    _, text = page(client, f"/calculators/{slug}/")
    chart = re.search(
        r'<figure class="chart[^"]*"[^>]*>.*?</figure>', result_block(text), re.DOTALL
    )
    assert chart, "no chart"
    opening = re.match(r"<figure[^>]*>", chart.group(0)).group(0)
    title = re.search(r'aria-labelledby="([^"]+)"', opening).group(1)
    desc = re.search(r'aria-describedby="([^"]+)"', opening).group(1)
    assert re.search(rf'<figcaption class="chart-title" id="{title}">[^<]+</figcaption>', chart[0])
    assert re.search(rf'<p class="visually-hidden" id="{desc}">[^<]+</p>', chart[0])
    # The bars are drawing only; every word and figure is HTML text, so it keeps its size on
    # a phone (SVG text shrank with the drawing, to about 6 px).
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", chart[0], re.DOTALL)
    assert svgs and all('aria-hidden="true"' in svg and "<text" not in svg for svg in svgs)


def test_the_scale_chart_describes_its_range_in_words_and_highlights_the_chosen_models(client):
    _, text = page(client, "/calculators/scale/", {"small": "llama-3-8b", "large": "gpt-3-175b"})
    desc = re.search(r'<p class="visually-hidden" id="chart-\d+-desc">([^<]+)</p>', text).group(1)
    assert "GPT-2 Small" in desc and "log scale" in desc
    chosen = re.findall(r'<li class="scale-row is-chosen"><span class="scale-name">([^<]+)', text)
    assert chosen == ["Llama 3 8B", "GPT-3 175B"]
    assert text.count("(chosen)") == 2  # said in words too, not by colour alone


PAGES = (
    ["/calculators/"]
    + [f"/calculators/{slug}/" for slug in SLUGS]
    + [f"/calculators/{slug}/result" for slug in SLUGS]
    + [f"/embed/calculators/{slug}/" for slug in SLUGS]
    + ["/calculators/memory/?context=-1"]
)


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_no_inline_script_or_style(client, path):
    _, text = page(client, path)
    assert inline_code(text) == []


@pytest.mark.parametrize(
    "path", [f"/calculators/{slug}/" for slug in SLUGS] + ["/calculators/memory/?context=-1"]
)
def test_every_aria_reference_points_at_an_element_on_the_page(client, path):
    _, text = page(client, path)
    ids = re.findall(r'\sid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "duplicate ids"
    for attribute in ("aria-describedby", "aria-labelledby", "aria-controls", "for"):
        for value in re.findall(rf'\s{attribute}="([^"]+)"', text):
            for ref in value.split():
                assert ref in ids, f'{attribute}="{ref}" points at nothing'


# --- Query budgets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # None: the calculators are defined in code.
        ("/calculators/", 0),
        # 1 the catalog model named in the query; 2 the catalog, for the model menu; 3 (on
        # pages that take a GPU or show the fit table) the GPU catalog, read once per content
        # version: the cache is cold here (see the warm test below).
        ("/calculators/parameters/", 2),
        ("/calculators/memory/", 3),
        ("/calculators/memory/?model=mixtral-8x7b&dtype=q4_k_m&context=32768", 3),
        ("/calculators/training/", 3),
        ("/calculators/inference/", 3),
        ("/embed/calculators/memory/", 3),
        # 1 the catalog, for the model menu (a custom architecture names no model).
        ("/calculators/parameters/?layers=2&hidden=64&heads=4&vocab=100", 1),
        # 1 the catalog model named in the query (the fragment has no menu); 2 the GPUs.
        ("/calculators/memory/result", 2),
        # 1 the catalog, to compare; 2 the catalog again, for the two menus.
        ("/calculators/scale/", 2),
        # 1 and 2 whether each chosen model exists; 3 the catalog, to compare; 4 the menus.
        ("/calculators/scale/?small=llama-3-8b&large=gpt-4", 4),
    ],
)
def test_each_page_costs_a_fixed_number_of_queries(
    client, django_assert_num_queries, path, queries
):
    with django_assert_num_queries(queries):
        response = client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path", ["/calculators/memory/", "/calculators/training/", "/calculators/inference/"]
)
def test_with_the_gpu_catalog_cached_a_page_reads_no_gpus(client, django_assert_num_queries, path):
    catalog_gpus()  # what the first request after an editor's save does
    with django_assert_num_queries(2):
        response = client.get(path)
    assert response.status_code == 200


def test_the_bad_input_page_costs_no_more_than_a_good_one(client, django_assert_num_queries):
    # 1 the catalog, for the model menu (the invalid context stops validation before the
    # model is looked up).
    with django_assert_num_queries(1):
        response = client.get("/calculators/memory/", {"model": "llama-3-8b", "context": "-1"})
    assert response.status_code == 400


# --- The GET form, without JavaScript -------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_the_form_submits_to_its_own_calculator_page(client, slug):
    _, text = page(client, f"/calculators/{slug}/")
    form = calculator_form(text)
    assert form["method"] == "get"
    assert form["action"] == f"/calculators/{slug}/"
    names = {name for name, _ in form["fields"]}
    assert names == set(CALCULATORS[slug].form_class.base_fields)


@pytest.mark.parametrize("slug", SLUGS)
def test_submitting_a_default_pages_own_form_reproduces_its_result(client, slug):
    _, text = page(client, f"/calculators/{slug}/")
    status, again = submit(client, calculator_form(text))
    assert status == 200
    assert result_block(again) == result_block(text)


@pytest.mark.parametrize(
    ("slug", "query"),
    [
        ("memory", MIXTRAL_Q4),
        ("memory", {"model": "llama-3-8b", "mode": "qlora", "dtype": "bf16", "context": "2048",
                    "batch": "4"}),
        ("parameters", {"layers": "12", "hidden": "768", "heads": "12", "vocab": "50257",
                        "ffn": "3072", "mlp": "standard", "norm": "layernorm", "bias": "all",
                        "tied": "true", "positions": "1024"}),
        ("training", {"model": "llama-3-70b", "gpu": "a100-80gb", "gpus": "512", "mfu": "0.35",
                      "price": "1.80"}),
        ("inference", {"model": "mixtral-8x7b", "gpu": "h200", "gpus": "2", "dtype": "fp8",
                       "context": "8192"}),
        ("scale", {"small": "phi-3-mini", "large": "llama-3-1-405b"}),
        # A link that leaves out the fields whose defaults apply, as the API allows.
        ("memory", {"model": "mixtral-8x7b", "context": "32768"}),
        ("inference", {"model": "llama-3-8b"}),
    ],
)  # fmt: skip
def test_submitting_a_pages_own_form_reproduces_its_result(client, slug, query):
    status, text = page(client, f"/calculators/{slug}/", query)
    assert status == 200
    status, again = submit(client, calculator_form(text))
    assert status == 200
    assert result_block(again) == result_block(text)


def test_the_form_keeps_a_bad_value_for_the_reader_to_correct(client):
    _, text = page(client, "/calculators/memory/", {"model": "llama-3-8b", "context": "-1"})
    assert ("context", "-1") in calculator_form(text)["fields"]
    assert ("model", "llama-3-8b") in calculator_form(text)["fields"]
