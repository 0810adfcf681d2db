"""Calculators embedded in Markdown: `{{< memory model="llama-3-8b" context="8192" >}}` stores a
working widget in the term's HTML, and a bad one is reported to the editor by full_clean()."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import make_term

from calculators.definitions import CALCULATORS

CATALOG = Path(__file__).resolve().parents[2] / "fixtures" / "models.yaml"
MEMORY_WIDGET = '{{< memory model="llama-3-8b" context="8192" >}}'
LLAMA3_8B_KV_AT_8192_BF16 = 1_073_741_824


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def widgets(fragment: str) -> list[str]:
    return re.findall(r'<section class="calculator widget".*?</section>', fragment, re.DOTALL)


def result_block(text: str) -> str:
    start = text.index('<div class="result">')
    end = text.index('<p class="share">', start)
    block = re.sub(r"chart-\d+-", "chart-N-", text[start:end])
    block = block.replace("<wbr>", "")  # where a long figure may wrap: its text is unchanged
    return re.sub(r"(<details[^>]*?) open>", r"\1>", block)


class _FormReader(HTMLParser):
    """The form's action and what a browser without JavaScript would submit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.action = ""
        self.fields: list[tuple[str, str]] = []
        self._select: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.action = a.get("action") or ""
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            self.fields.append((a["name"] or "", a.get("value") or ""))
        elif tag == "select":
            self._select = {"name": a.get("name"), "options": [], "selected": None}
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value") or "")
            if "selected" in a:
                self._select["selected"] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            chosen = self._select["selected"]
            if chosen is None and self._select["options"]:
                chosen = self._select["options"][0]
            self.fields.append((self._select["name"], chosen))
            self._select = None


def read_form(widget: str) -> _FormReader:
    reader = _FormReader()
    reader.feed(widget)
    reader.close()
    return reader


def body_errors(term) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        term.full_clean()
    assert "body" in caught.value.message_dict, caught.value.message_dict
    return caught.value.message_dict["body"]


# --- A working widget in the stored HTML ----------------------------------------------------


def test_a_shortcode_stores_a_working_memory_widget(client):
    term = make_term(slug="kv-cache", body=f"The cache for 8,192 tokens:\n\n{MEMORY_WIDGET}\n")
    expected = client.get("/api/v1/sizing/memory", {"model": "llama-3-8b", "context": 8192}).json()
    [widget] = widgets(term.body_html)
    assert 'data-widget="memory"' in widget
    assert re.search(r'<form class="calculator-form" method="get"\s+action="/calculators/memory/"',
                     widget)  # fmt: skip
    assert 'name="context" value="8192"' in widget
    assert '<option value="llama-3-8b" selected>' in widget
    assert f"{expected['total_bytes']:,} bytes" in widget
    assert f"{LLAMA3_8B_KV_AT_8192_BF16:,} bytes" in widget
    assert term.body_html.index("The cache for") < term.body_html.index("<section")


def test_the_widgets_form_without_javascript_reproduces_its_result(client):
    term = make_term(body=MEMORY_WIDGET)
    [widget] = widgets(term.body_html)
    form = read_form(widget)
    assert form.action == "/calculators/memory/"
    names = {name for name, _ in form.fields}
    assert names == set(CALCULATORS["memory"].form_class.base_fields)
    response = client.get(f"{form.action}?{urlencode(form.fields)}")
    assert response.status_code == 200
    assert result_block(response.content.decode()) == result_block(widget)


def test_the_widgets_full_page_link_reproduces_its_result(client):
    term = make_term(body=MEMORY_WIDGET)
    [widget] = widgets(term.body_html)
    href = html.unescape(re.search(r'class="widget-open" href="([^"]+)"', widget).group(1))
    assert href.startswith("/calculators/memory/?")
    response = client.get(href)
    assert response.status_code == 200
    assert result_block(response.content.decode()) == result_block(widget)


def test_two_widgets_on_one_page_do_not_share_an_id():
    body = f'{MEMORY_WIDGET}\n\nAnd quantised:\n\n{MEMORY_WIDGET[:-3]} dtype="q4_k_m" >}}}}\n'
    term = make_term(body=body)
    first, second = widgets(term.body_html)
    ids = re.findall(r'\sid="([^"]+)"', term.body_html)
    assert len(ids) == len(set(ids)), "duplicate ids"
    prefixes = [re.search(r'id="([^"]+)-model"', w).group(1) for w in (first, second)]
    assert prefixes[0] != prefixes[1]
    for widget in (first, second):
        own_ids = set(re.findall(r'\sid="([^"]+)"', widget))
        target = re.search(r'data-result-target="([^"]+)"', widget).group(1)
        assert target in own_ids
        for label_for in re.findall(r'<label for="([^"]+)"', widget):
            assert label_for in own_ids
    chosen = '<option value="q4_k_m" selected>'
    assert chosen in second and chosen not in first


def test_the_term_page_shows_the_widget(client):
    make_term(slug="kv-cache", name="KV cache", body=f"## The numbers\n\n{MEMORY_WIDGET}\n")
    response = client.get("/glossary/kv-cache/")
    assert response.status_code == 200
    text = response.content.decode()
    [widget] = widgets(text)
    assert 'action="/calculators/memory/"' in widget
    assert f"{LLAMA3_8B_KV_AT_8192_BF16:,} bytes" in widget


def test_a_widget_costs_the_term_page_no_queries(client):
    # Widgets are rendered when the term is saved; the page prints the stored HTML.
    make_term(slug="plain", body="## The numbers\n\nNone here.")
    make_term(slug="with-widget", body=f"## The numbers\n\n{MEMORY_WIDGET}\n")
    with CaptureQueriesContext(connection) as plain:
        assert client.get("/glossary/plain/").status_code == 200
    with CaptureQueriesContext(connection) as with_widget:
        assert client.get("/glossary/with-widget/").status_code == 200
    assert len(with_widget) == len(plain)


def test_a_widget_can_take_an_architecture_instead_of_a_model():
    body = (
        '{{< parameters layers="12" hidden="768" heads="12" vocab="50257" ffn="3072" '
        'mlp="standard" norm="layernorm" bias="all" tied="true" positions="1024" >}}'
    )
    term = make_term(body=body)
    [widget] = widgets(term.body_html)
    assert "124,439,808" in result_block(widget)
    term.full_clean()


def test_every_calculator_is_available_as_a_widget():
    for slug in CALCULATORS:
        term = make_term(body=f"{{{{< {slug} >}}}}")
        [widget] = widgets(term.body_html)
        assert f'data-widget="{slug}"' in widget
        assert '<div class="result">' in widget
        term.full_clean()


# --- A bad widget is reported to the editor -------------------------------------------------


def test_an_unknown_model_is_a_validation_error_naming_it():
    term = make_term(body='{{< memory model="llama-9-1t" context="8192" >}}')
    [message] = body_errors(term)
    assert "memory" in message and "model" in message and "llama-9-1t" in message


def test_a_negative_context_is_a_validation_error_naming_the_field():
    term = make_term(body='{{< memory model="llama-3-8b" context="-1" >}}')
    [message] = body_errors(term)
    assert "context" in message and "greater than or equal to 0" in message


def test_a_widget_of_a_model_without_an_architecture_is_refused_where_it_is_needed():
    term = make_term(body='{{< parameters model="gpt-4" >}}')
    [message] = body_errors(term)
    assert "GPT-4" in message and "not been published" in message


def test_an_unknown_widget_name_is_reported_with_the_names_there_are():
    term = make_term(body='{{< memroy model="llama-3-8b" >}}')
    [message] = body_errors(term)
    assert "memroy" in message
    for slug in CALCULATORS:
        assert slug in message


def test_an_unknown_argument_is_reported_not_ignored():
    # A misspelt argument would otherwise leave the widget on its default, silently
    # disagreeing with the prose around it.
    term = make_term(body='{{< memory model="llama-3-8b" contxt="32768" >}}')
    [message] = body_errors(term)
    assert "contxt" in message


def test_unreadable_arguments_are_reported():
    term = make_term(body='{{< memory model="llama-3-8b >}}')
    [message] = body_errors(term)
    assert "memory" in message


def test_a_widget_error_reads_as_one_sentence():
    term = make_term(body='{{< memory model="llama-9-1t" >}}')
    [message] = body_errors(term)
    assert ".." not in message
