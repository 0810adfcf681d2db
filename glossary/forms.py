"""The forms that parse a reader's query string: the A–Z index's topic filter, search, the
type-ahead and the terms API's page number. Views bind one, answer its first error with a
400, or hand its cleaned data to a selector."""

from __future__ import annotations

from django import forms

from calculators.forms import WholeNumberField
from glossary.models import Topic
from glossary.search import MAX_QUERY_LENGTH, normalise_query

SEARCH_PAGES = 3  # past the 60th result, a narrower query serves a reader better
API_PAGES = 999_999  # more than the glossary will ever have; bounds the digits read


def _query_field(too_long: str) -> forms.CharField:
    # Measured as typed (not stripped), then normalised, which keeps MAX_QUERY_LENGTH.
    return forms.CharField(
        required=False,
        strip=False,
        max_length=MAX_QUERY_LENGTH * 2,
        error_messages={"max_length": too_long},
    )


class TopicFilterForm(forms.Form):
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        # %(value).80s: the slug as typed, cut to 80 characters.
        error_messages={"invalid_choice": "There is no topic “%(value).80s”."},
    )


class SearchForm(forms.Form):
    q = _query_field(f"That search is too long: use at most {MAX_QUERY_LENGTH} characters.")
    page = WholeNumberField(
        required=False,
        max_value=SEARCH_PAGES,
        message=f"Pages of results run from 1 to {SEARCH_PAGES}.",
    )

    def clean_q(self) -> str:
        return normalise_query(self.cleaned_data["q"])

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1


class SuggestForm(forms.Form):
    q = _query_field(f"Use at most {MAX_QUERY_LENGTH} characters.")

    def clean_q(self) -> str:
        return normalise_query(self.cleaned_data["q"])


class TermListForm(forms.Form):
    page = WholeNumberField(
        required=False,
        max_value=API_PAGES,
        message="A page number is a whole number from 1.",
    )

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1
