"""The forms that parse a search: the results page, the type-ahead and the API."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from form_checks import BAD_PAGES, errors

from search.forms import SearchApiForm, SearchForm, SuggestForm


@pytest.mark.parametrize("page", BAD_PAGES)
def test_the_search_form_refuses_a_bad_page(page):
    form = SearchForm({"q": "parameters", "page": page})
    assert not form.is_valid()
    assert form.errors == {"page": ["Pages of results run from 1 to 3."]}


@pytest.mark.parametrize("form_class", [SearchForm, SuggestForm])
def test_the_search_forms_refuse_an_overlong_query(form_class):
    assert list(errors(form_class, "q=" + "x" * 201)) == ["q"]


@pytest.mark.parametrize("form_class", [SearchForm, SuggestForm])
def test_the_search_forms_refuse_a_null_character(form_class):
    assert list(errors(form_class, "q=a%00b")) == ["q"]


def test_the_search_form_normalises_the_query_and_starts_at_page_one():
    form = SearchForm(QueryDict("q=+kv+++cache+"))
    assert form.is_valid()
    assert form.cleaned_data == {"q": "kv cache", "kind": "", "page": 1}


@pytest.mark.parametrize("query", ["", "q=", "q=+++"])
def test_the_api_form_needs_a_query(query):
    assert errors(SearchApiForm, query) == {"q": ["Say what to search for (q)."]}


def test_a_kind_is_one_of_the_four():
    assert list(errors(SearchForm, "q=x&kind=model")) == ["kind"]
    form = SearchForm(QueryDict("q=x&kind=lesson"))
    assert form.is_valid() and form.cleaned_data["kind"] == "lesson"
