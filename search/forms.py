"""The forms that parse a search: the results page, the type-ahead and the API."""

from __future__ import annotations

from django import forms

from calculators.forms import WholeNumberField
from search.query import MAX_QUERY_LENGTH
from search.selectors import KIND_LABELS, PAGES


def _query_field(too_long: str, *, required: bool = False) -> forms.CharField:
    # Measured as typed (not stripped), then its spaces collapsed and cut to the limit.
    return forms.CharField(
        required=required,
        help_text="What to search for: words, a name or an abbreviation (slips are fine)",
        strip=False,
        max_length=MAX_QUERY_LENGTH * 2,
        error_messages={"max_length": too_long, "required": "Say what to search for (q)."},
    )


def _collapse(raw: str) -> str:
    return " ".join(raw.split())[:MAX_QUERY_LENGTH]


class SearchForm(forms.Form):
    q = _query_field(f"That search is too long: use at most {MAX_QUERY_LENGTH} characters.")
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "Everything"), *KIND_LABELS.items()],
        help_text="Search one kind of page",
        error_messages={"invalid_choice": "Search one kind: term, faq, lesson or calculator."},
    )
    page = WholeNumberField(
        required=False,
        max_value=PAGES,
        message=f"Pages of results run from 1 to {PAGES}.",
        initial=1,
        help_text="Which page of results, 20 a page",
    )

    def clean_q(self) -> str:
        return _collapse(self.cleaned_data["q"])

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1


class SearchApiForm(SearchForm):
    q = _query_field(f"Use at most {MAX_QUERY_LENGTH} characters.", required=True)

    def clean_q(self) -> str:
        query = _collapse(self.cleaned_data["q"])
        if not query:
            raise forms.ValidationError("Say what to search for (q).")
        return query


class SuggestForm(forms.Form):
    q = _query_field(f"Use at most {MAX_QUERY_LENGTH} characters.")

    def clean_q(self) -> str:
        return _collapse(self.cleaned_data["q"])
