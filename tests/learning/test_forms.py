"""The knowledge check's form refuses each kind of bad answer, naming the question."""

from __future__ import annotations

import pytest
from factories import make_guide, make_lesson, make_question

from learning.forms import KnowledgeCheckForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions():
    lesson = make_lesson(make_guide())
    make_question(lesson, "First?")
    make_question(lesson, "Second?")
    return list(lesson.questions.prefetch_related("choices"))


@pytest.mark.parametrize(
    "raw", ["abc", "-1", "+1", "1.0", " 1", "²", "٣", "1" * 40, "9" * 5000, "a\x00"]
)
def test_an_answer_that_is_not_an_id_is_refused(questions, raw):
    first, second = questions
    answered = {second.field_name: str(second.choices.first().pk)}
    form = KnowledgeCheckForm(questions, {first.field_name: raw, **answered})
    assert not form.is_valid()
    assert form.errors == {
        first.field_name: [f"“{raw[:40]}” is not one of the answers to a question."]
    }


@pytest.mark.parametrize("other", ["another question's choice", "no choice at all"])
def test_an_answer_from_elsewhere_is_refused(questions, other):
    first, second = questions
    pk = second.choices.first().pk if other == "another question's choice" else 99999999
    answered = {second.field_name: str(second.choices.first().pk)}
    form = KnowledgeCheckForm(questions, {first.field_name: str(pk), **answered})
    assert not form.is_valid()
    assert form.errors == {first.field_name: ["An answer does not belong to its question."]}


def test_answers_clean_to_their_choices(questions):
    first, second = questions
    chosen, other = first.choices.last(), second.choices.first()
    form = KnowledgeCheckForm(
        questions,
        {first.field_name: str(chosen.pk), second.field_name: str(other.pk), "stray": "x"},
    )
    assert form.is_valid()
    assert form.cleaned_data == {first.field_name: chosen, second.field_name: other}


def test_an_unanswered_question_is_refused_by_name(questions):
    first, second = questions
    form = KnowledgeCheckForm(questions, {first.field_name: str(first.choices.first().pk)})
    assert not form.is_valid()
    assert form.errors == {second.field_name: ["Choose an answer to this question."]}
