"""The glossary's request forms refuse each kind of bad input, naming the field."""

from __future__ import annotations

import pytest
from factories import make_topic
from form_checks import BAD_PAGES

from content.diagrams import DenseLayerArguments
from glossary.forms import TermListForm, TopicFilterForm


@pytest.mark.parametrize("page", [*(p for p in BAD_PAGES if p != "4"), "1000000"])
def test_the_terms_api_form_refuses_a_bad_page(page):
    form = TermListForm({"page": page})
    assert not form.is_valid()
    assert form.errors == {"page": ["A page number is a whole number from 1."]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("topic", "message"),
    [("nope", "There is no topic “nope”."), ("x" * 300, f"There is no topic “{'x' * 80}”."),
     ("a\x00b", "Null characters are not allowed.")],
)  # fmt: skip
def test_the_topic_filter_refuses_an_unknown_topic(topic, message):
    make_topic(slug="hardware-cost")
    form = TopicFilterForm({"topic": topic})
    assert not form.is_valid()
    assert form.errors == {"topic": [message]}


@pytest.mark.django_db
def test_the_topic_filter_finds_a_topic_by_slug_or_takes_none():
    topic = make_topic(slug="hardware-cost")
    form = TopicFilterForm({"topic": "hardware-cost"})
    assert form.is_valid() and form.cleaned_data == {"topic": topic}
    form = TopicFilterForm({})
    assert form.is_valid() and form.cleaned_data == {"topic": None}


@pytest.mark.parametrize("field", ["inputs", "outputs"])
@pytest.mark.parametrize("raw", ["0", "-3", "²", "١", "1.0", " 2", "1000001", "9" * 5000])
def test_the_dense_layer_diagram_refuses_a_bad_size(field, raw):
    form = DenseLayerArguments({field: raw})
    assert not form.is_valid()
    assert form.errors == {field: [f"{field} must be a whole number from 1 to 1,000,000"]}
