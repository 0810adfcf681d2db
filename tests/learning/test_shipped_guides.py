"""The shipped guides meet the editorial bar, and every code sample prints what it shows."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from reversion.models import Revision, Version

from calculators.models import CatalogModel
from config.content_folder import import_folder
from glossary.content_io import read_directory
from glossary.models import Term, Topic
from learning.content_io import export_guides, guides_as_data, import_guides, read_guides
from learning.models import Guide, Lesson

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FLAGSHIP = "what-the-numbers-mean"
SAMPLE = re.compile(r"```python\n(?P<code>.*?)\n```\s*\n```output\n(?P<output>.*?)\n```", re.DOTALL)


@pytest.fixture(scope="module")
def shipped(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        report = import_folder(FIXTURES)
    yield report.guides, report.lessons
    with django_db_blocker.unblock():
        Guide.objects.all().delete()
        Term.objects.all().delete()
        Topic.objects.all().delete()
        CatalogModel.objects.all().delete()
        Version.objects.all().delete()
        Revision.objects.all().delete()


pytestmark = pytest.mark.django_db


def test_the_flagship_guide_has_ten_full_lessons(shipped):
    guide = Guide.objects.get(slug=FLAGSHIP)
    lessons = list(guide.lessons.published())
    assert len(lessons) >= 10
    for lesson in lessons:
        assert len(lesson.body.split()) >= 600, lesson.slug
        questions = list(lesson.questions.all())
        assert len(questions) >= 3, lesson.slug
        for question in questions:
            choices = list(question.choices.all())
            assert sum(c.is_correct for c in choices) == 1, (lesson.slug, question.prompt)
            assert all(c.explanation.strip() for c in choices), (lesson.slug, question.prompt)
        assert 'data-widget="' in lesson.body_html or 'class="diagram"' in lesson.body_html, (
            lesson.slug
        )
        assert "would be displayed" not in lesson.body.lower()


def test_a_second_guide_has_at_least_five_lessons(shipped):
    others = Guide.objects.published().exclude(slug=FLAGSHIP)
    assert any(g.lessons.published().count() >= 5 for g in others)


def test_every_lesson_links_to_terms(shipped):
    for lesson in Lesson.objects.published():
        assert lesson.terms.exists(), lesson.slug


def test_every_shipped_lesson_page_renders(shipped, client):
    for lesson in Lesson.objects.published().select_related("guide"):
        response = client.get(lesson.get_absolute_url())
        assert response.status_code == 200, lesson.slug


def test_guides_round_trip_through_export_and_import(shipped, tmp_path):
    before = guides_as_data()
    export_guides(tmp_path)
    Guide.objects.all().delete()
    import_guides(tmp_path)
    assert guides_as_data() == before


def _samples() -> list[tuple[str, str, str]]:
    found = []
    for _guide, lessons in read_guides(FIXTURES / "guides"):
        for lesson in lessons:
            for match in SAMPLE.finditer(lesson.get("body", "")):
                found.append((lesson["_file"], match["code"], match["output"]))
    _, terms = read_directory(FIXTURES)
    for term in terms:
        texts = [term.get(name) or "" for name in ("body", "business_context", "example")]
        texts += [faq.get("answer") or "" for faq in term.get("faqs") or []]
        for text in texts:
            for match in SAMPLE.finditer(text):
                found.append((term["_file"], match["code"], match["output"]))
    return found


def test_the_shipped_content_has_code_samples_with_outputs():
    assert len(_samples()) >= 3


@pytest.mark.parametrize("where,code,output", _samples(), ids=lambda v: str(v)[:40])
def test_a_code_sample_prints_exactly_its_shown_output(where, code, output):
    result = subprocess.run(  # noqa: S603 - our own interpreter running our own shipped sample
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, (where, result.stderr)
    assert result.stdout.rstrip("\n") == output.rstrip("\n"), where


def test_right_answers_are_not_always_in_the_same_place(shipped):
    positions = []
    for lesson in Lesson.objects.published():
        for question in lesson.questions.all():
            choices = list(question.choices.all())
            positions.append(next(i for i, c in enumerate(choices) if c.is_correct))
    most_common = max(positions.count(p) for p in set(positions))
    assert most_common / len(positions) <= 0.6
