"""The forms that parse a reader's query string: the A–Z index's topic filter and the terms
API's page number. Views bind one, answer its first error with a
400, or hand its cleaned data to a selector."""

from __future__ import annotations

from django import forms

from calculators.forms import WholeNumberField
from glossary.models import Topic

API_PAGES = 999_999  # more than the glossary will ever have; bounds the digits read


class TopicFilterForm(forms.Form):
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        # %(value).80s: the slug as typed, cut to 80 characters.
        error_messages={"invalid_choice": "There is no topic “%(value).80s”."},
    )


class TermListForm(forms.Form):
    page = WholeNumberField(
        required=False,
        max_value=API_PAGES,
        message="A page number is a whole number from 1.",
        initial=1,
        help_text="Which page of terms, 50 a page",
    )

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1
