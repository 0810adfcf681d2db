"""Grading a knowledge check: pure, no database writes, so pages stay cacheable and nothing
about the reader is kept on the server."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from glossary.whole_numbers import whole_number
from learning.models import Choice, Question


class GradingError(ValueError):
    pass


@dataclass(frozen=True)
class GradedQuestion:
    question: Question
    chosen: Choice | None

    @property
    def answered(self) -> bool:
        return self.chosen is not None

    @property
    def correct(self) -> bool:
        return self.chosen is not None and self.chosen.is_correct


def grade(questions: list[Question], answers: QueryDict) -> list[GradedQuestion]:
    graded = []
    for question in questions:
        raw = answers.get(question.field_name, "")
        chosen = None
        if raw:
            pk = whole_number(raw, least=0, most=10**18 - 1)
            if pk is None:
                raise GradingError(f"“{raw[:40]}” is not one of the answers to a question.")
            chosen = next((c for c in question.choices.all() if c.pk == pk), None)
            if chosen is None:
                raise GradingError("An answer does not belong to its question.")
        graded.append(GradedQuestion(question=question, chosen=chosen))
    return graded


def score(graded: list[GradedQuestion]) -> tuple[int, int]:
    return sum(1 for g in graded if g.correct), len(graded)
