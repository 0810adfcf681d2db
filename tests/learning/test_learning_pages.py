"""Guides, lessons and knowledge checks as readers see them."""

from __future__ import annotations

import pytest
from factories import make_guide, make_lesson, make_question, make_term

from glossary.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    make_term(name="Weights", slug="weights", short_definition="Learned multipliers.")
    guide = make_guide(title="What the numbers mean", slug="numbers")
    lessons = [
        make_lesson(
            guide,
            title=f"Lesson {i}",
            slug=f"lesson-{i}",
            order=i,
            body=f"## Part one\n\nSee [[weights]]. {'word ' * 400}\n\n## Part two\n\nEnd.",
        )
        for i in range(1, 4)
    ]
    make_lesson(guide, title="Draft lesson", slug="draft-lesson", order=9, status=Status.DRAFT)
    question = make_question(
        lessons[1],
        "What does training change?",
        correct=1,
        choices=("Layers", "Weights", "Vocabulary"),
    )
    return {"guide": guide, "lessons": lessons, "question": question}


def test_the_guide_list_shows_level_lessons_minutes_and_outcomes(client, course):
    html = client.get("/learn/").content.decode()
    assert "What the numbers mean" in html
    assert "Beginner" in html
    assert "3 lessons" in html
    assert "about 9 minutes" in html  # 3 lessons × (≈400 words ÷ 200 per minute + 1) each
    assert "Count parameters." in html


def test_the_guide_page_shows_the_syllabus_in_order_without_drafts(client, course):
    html = client.get("/learn/numbers/").content.decode()
    assert html.index("Lesson 1") < html.index("Lesson 2") < html.index("Lesson 3")
    assert "Draft lesson" not in html
    assert 'data-continue-guide="numbers"' in html


def test_a_lesson_shows_its_place_and_neighbours(client, course):
    html = client.get("/learn/numbers/lesson-2/").content.decode()
    assert "Lesson 2 of 3" in html
    assert '<progress class="lesson-progress" value="2" max="3"' in html
    assert 'rel="prev" href="/learn/numbers/lesson-1/"' in html
    assert 'rel="next" href="/learn/numbers/lesson-3/"' in html
    assert "min read" in html
    assert 'href="#part-one"' in html  # the table of contents
    assert 'class="term-link"' in html and "Learned multipliers." in html


def test_the_first_and_last_lessons_have_no_beyond(client, course):
    first = client.get("/learn/numbers/lesson-1/").content.decode()
    last = client.get("/learn/numbers/lesson-3/").content.decode()
    assert 'rel="prev"' not in first
    assert 'rel="next"' not in last and "Back to the guide" in last


def test_a_term_page_lists_the_lessons_that_use_it(client, course):
    html = client.get("/glossary/weights/").content.decode()
    assert "Learn more in" in html
    assert 'href="/learn/numbers/lesson-1/"' in html
    assert "Draft lesson" not in html


def test_drafts_and_unknown_lessons_are_not_found(client, course):
    assert client.get("/learn/numbers/draft-lesson/").status_code == 404
    assert client.get("/learn/numbers/nothing/").status_code == 404
    assert client.get("/learn/nothing/").status_code == 404
    make_guide(slug="hidden", status=Status.DRAFT)
    assert client.get("/learn/hidden/").status_code == 404


def test_the_knowledge_check_grades_a_form_post_without_javascript(client, course):
    question = course["question"]
    right = question.choices.get(is_correct=True)
    response = client.post("/learn/numbers/lesson-2/", {question.field_name: right.pk})
    # Post, redirect, get: the result has an address of its own, and Back never resubmits.
    assert response.status_code == 303
    assert (
        response["Location"]
        == f"/learn/numbers/lesson-2/check/?{question.field_name}={right.pk}#check"
    )
    result = client.get(response["Location"].partition("#")[0])
    html = result.content.decode()
    assert result.status_code == 200
    assert "You got 1 of 1 right." in html
    assert "Right." in html
    # Every option comes with its explanation.
    for choice in question.choices.all():
        assert choice.explanation in html
    assert '<meta name="robots" content="noindex">' in html
    assert "no-store" in result["Cache-Control"]


def test_a_graded_check_is_never_kept_by_the_page_cache(client, course):
    question = course["question"]
    right, wrong = (
        question.choices.get(is_correct=True),
        question.choices.filter(is_correct=False)[0],
    )
    for choice, verdict in ((right, "Right."), (wrong, "Not quite."), (right, "Right.")):
        response = client.get("/learn/numbers/lesson-2/check/", {question.field_name: choice.pk})
        assert response.get("X-Cache") != "hit"
        assert verdict in response.content.decode()


def test_a_wrong_answer_is_marked_and_explained(client, course):
    question = course["question"]
    wrong = question.choices.filter(is_correct=False).first()
    response = client.post("/learn/numbers/lesson-2/", {question.field_name: wrong.pk}, follow=True)
    html = response.content.decode()
    assert "You got 0 of 1 right." in html
    assert "Not quite." in html and "(your answer)" in html and "(correct)" in html


def test_a_half_answered_check_is_flagged_and_reveals_nothing(client, course):
    second = make_question(course["lessons"][1], "And the second?", correct=0)
    first = course["question"]
    picked = first.choices.filter(is_correct=False).first()
    for response in (
        client.post("/learn/numbers/lesson-2/", {first.field_name: picked.pk}),
        client.get("/learn/numbers/lesson-2/check/", {first.field_name: picked.pk}),
    ):
        html = response.content.decode()
        assert response.status_code == 400
        assert "Answer every question before checking: 1 of 2 is not answered yet." in html
        assert f'id="{second.field_name}-error">Choose an answer to this question.' in html
        # The answer given is kept, and nothing is graded or revealed.
        assert (
            f'value="{picked.pk}" required checked' in html
            or f'value="{picked.pk}" checked' in html
        )
        assert "(correct)" not in html and "You got" not in html
        for choice in first.choices.all():
            assert choice.explanation not in html


def test_an_unanswered_check_is_flagged(client, course):
    response = client.post("/learn/numbers/lesson-2/", {})
    assert response.status_code == 400
    assert "1 of 1 is not answered yet." in response.content.decode()


def test_every_question_is_required_by_the_browser_too(client, course):
    html = client.get("/learn/numbers/lesson-2/").content.decode()
    question = course["question"]
    first_choice = question.choices.first()
    assert f'name="{question.field_name}" value="{first_choice.pk}" required>' in html


@pytest.mark.parametrize("value", ["abc", "99999999", "-1", "1" * 40, "²", "٣"])
def test_a_forged_answer_is_a_clear_400(client, course, value):
    question = course["question"]
    for response in (
        client.post("/learn/numbers/lesson-2/", {question.field_name: value}),
        client.get("/learn/numbers/lesson-2/check/", {question.field_name: value}),
    ):
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()


def test_an_answer_from_another_question_is_refused(client, course):
    other = make_question(course["lessons"][0], "Elsewhere?")
    question = course["question"]
    response = client.post(
        "/learn/numbers/lesson-2/", {question.field_name: other.choices.first().pk}
    )
    assert response.status_code == 400
    assert "An answer does not belong to its question." in response.content.decode()


def test_a_lesson_without_questions_has_no_check_page(client, course):
    assert client.get("/learn/numbers/lesson-1/check/").status_code == 404
    assert client.get("/learn/numbers/draft-lesson/check/").status_code == 404


def test_lesson_pages_set_no_cookie_and_stay_cacheable(client, course):
    response = client.get("/learn/numbers/lesson-2/")
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_lesson_query_budget(client, course, django_assert_num_queries):
    for _ in range(4):
        make_question(course["lessons"][1])
    # 1 the lesson and its guide; 2 its published questions; 3 their choices; 4 its terms;
    # 5 the guide's lesson outline.
    with django_assert_num_queries(5):
        assert client.get("/learn/numbers/lesson-2/").status_code == 200


def test_guide_page_query_budget(client, course, django_assert_num_queries):
    # 1 the guide; 2 its prerequisite terms; 3 its published lessons.
    with django_assert_num_queries(3):
        assert client.get("/learn/numbers/").status_code == 200


def test_guide_list_query_budget(client, course, django_assert_num_queries):
    make_guide()
    # 1 published guides with lesson counts and minutes.
    with django_assert_num_queries(1):
        assert client.get("/learn/").status_code == 200
