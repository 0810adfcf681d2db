"""A reader's answers to a lesson's knowledge check, parsed like any other request."""

from __future__ import annotations

from typing import Any

from django import forms

from calculators.forms import WholeNumberField
from learning.models import Question

MAX_CHOICE_ID = 10**18 - 1  # past any id a choice will have; bounds the digits read


UNANSWERED = "Choose an answer to this question."


class KnowledgeCheckForm(forms.Form):
    """One field per question, named by Question.field_name: the id of one of that question's
    choices. Every question must be answered before any is graded (grading reveals every
    answer). Cleaned, each field holds the Choice itself."""

    def __init__(self, questions: list[Question], data: Any = None) -> None:
        super().__init__(data)
        self.questions = questions
        for question in questions:
            self.fields[question.field_name] = WholeNumberField(
                min_value=0,
                max_value=MAX_CHOICE_ID,
                message="“%(value).40s” is not one of the answers to a question.",
                error_messages={"required": UNANSWERED},
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for question in self.questions:
            pk = cleaned.get(question.field_name)
            if pk is None:
                continue
            # The choices were fetched with the questions: no query per answer.
            chosen = next((c for c in question.choices.all() if c.pk == pk), None)
            if chosen is None:
                self.add_error(question.field_name, "An answer does not belong to its question.")
            else:
                cleaned[question.field_name] = chosen
        return cleaned
