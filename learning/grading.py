"""Grading a knowledge check: pure, no database writes, so pages stay cacheable and nothing
about the reader is kept on the server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from learning.models import Choice, Question


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


def grade(questions: list[Question], answers: Mapping[str, Choice | None]) -> list[GradedQuestion]:
    """`answers`: a valid KnowledgeCheckForm's cleaned data, a choice by question field name."""
    return [
        GradedQuestion(question=question, chosen=answers.get(question.field_name))
        for question in questions
    ]


def score(graded: list[GradedQuestion]) -> tuple[int, int]:
    return sum(1 for g in graded if g.correct), len(graded)
