"""Issue #16, item 5: Markdown that would stall a worker is refused, with a message on the
field, before Python-Markdown sees it — on every path that renders: the pipeline itself, a
model's full_clean (the admin's forms, the importer), the services that save without it, the
import command and the admin.

Python-Markdown is replaced by a spy that fails the test if the refused text reaches it: the
bound is the check's, not this test's clock."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import yaml
from admin_forms import AdminForm
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from factories import make_guide, make_term

from content.rendering import render_markdown
from glossary import services
from glossary.models import FAQ, FAQS_PER_TERM_MAX, Status, Term
from learning.models import Lesson
from learning.services import lesson_save

pytestmark = pytest.mark.django_db

RUN = "[" * 8_192  # the 8 KB: past gunicorn's 30 s timeout before the fix
HUGE = "[" * 65_536  # 64 KB
OPEN_BRACKETS = "Line 1: more than 16 “[” are open at once, not closed by “]”."
TOO_LONG_64K = "This text is 65,536 characters long; the limit is 50,000."


@pytest.fixture(autouse=True)
def markdown_spy(monkeypatch):
    """Python-Markdown, failing the test if it is handed a run of "[" (texts made by the
    tests' factories still render)."""
    convert = markdown.Markdown.convert
    seen: list[int] = []

    def spy(self, source):
        seen.append(len(source))
        if "[" * 17 in source:
            raise AssertionError("Python-Markdown was given the pathological text")
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", spy)
    return seen


# --- The pipeline -----------------------------------------------------------------------------


def test_render_markdown_refuses_an_8_kb_run_of_brackets_before_markdown_runs(markdown_spy):
    with pytest.raises(ValueError, match="more than 16 “\\[” are open at once") as refused:
        render_markdown(RUN, {})
    assert str(refused.value).startswith(OPEN_BRACKETS)
    assert markdown_spy == []


def test_render_markdown_refuses_64_kb_by_its_length_before_markdown_runs(markdown_spy):
    with pytest.raises(ValueError, match=TOO_LONG_64K):
        render_markdown(HUGE, {})
    assert markdown_spy == []


def test_render_markdown_still_renders_ordinary_text(markdown_spy):
    assert render_markdown("A [link](https://example.com).", {}).html == (
        '<p>A <a href="https://example.com" rel="noopener noreferrer">link</a>.</p>'
    )
    assert markdown_spy


# --- Models: full_clean, as the admin and the importer validate -----------------------------


def _term(**fields: object) -> Term:
    values: dict[str, object] = {
        "name": "Tokens",
        "slug": "tokens",
        "short_definition": "Pieces of text.",
        "body": "Words.",
    }
    values.update(fields)
    return Term(**values)


@pytest.mark.parametrize("field", ["body", "business_context", "example"])
def test_a_terms_field_is_refused_once_with_the_rule_on_that_field(field):
    with pytest.raises(ValidationError) as caught:
        _term(**{field: RUN}).full_clean()
    assert caught.value.message_dict == {field: [caught.value.message_dict[field][0]]}
    assert caught.value.message_dict[field][0].startswith(OPEN_BRACKETS)


def test_a_terms_sections_have_their_own_length_limits():
    with pytest.raises(ValidationError) as caught:
        _term(body="a" * 50_001, example="b" * 10_001).full_clean()
    assert caught.value.message_dict == {
        "body": ["This text is 50,001 characters long; the limit is 50,000."],
        "example": ["This text is 10,001 characters long; the limit is 10,000."],
    }
    _term(body="a" * 50_000, example="b" * 10_000).full_clean()


def test_an_faq_answer_is_refused_on_its_field():
    term = make_term()
    with pytest.raises(ValidationError) as caught:
        FAQ(term=term, question="Why?", answer=HUGE).full_clean()
    assert caught.value.message_dict == {
        "answer": ["This text is 65,536 characters long; the limit is 5,000."]
    }


def test_a_lesson_body_is_refused_on_its_field():
    guide = make_guide()
    with pytest.raises(ValidationError) as caught:
        Lesson(guide=guide, title="One", slug="one", body=RUN).full_clean()
    assert list(caught.value.message_dict) == ["body"]
    assert caught.value.message_dict["body"][0].startswith(OPEN_BRACKETS)


# --- Services, which save without full_clean --------------------------------------------------


def test_term_save_refuses_naming_the_field_and_saves_nothing():
    with pytest.raises(ValidationError) as caught:
        services.term_save(term=_term(example=RUN), previous=None)
    assert list(caught.value.message_dict) == ["example"]
    assert caught.value.message_dict["example"][0].startswith(OPEN_BRACKETS)
    assert not Term.objects.exists()


def test_term_save_of_an_edit_keeps_the_stored_text():
    term = make_term(slug="tokens", body="Before.")
    term.body = HUGE
    with pytest.raises(ValidationError):
        services.term_save(term=term, previous=term.loaded)
    assert Term.objects.get(slug="tokens").body == "Before."


def test_saving_an_faq_refuses_naming_the_answer():
    term = make_term()
    with pytest.raises(ValidationError) as caught:
        FAQ(term=term, question="Why?", answer=RUN).save()
    assert list(caught.value.message_dict) == ["answer"]
    assert not FAQ.objects.exists()


def test_lesson_save_refuses_naming_the_body_and_saves_nothing():
    guide = make_guide()
    with pytest.raises(ValidationError) as caught:
        lesson_save(lesson=Lesson(guide=guide, title="One", slug="one", body=RUN))
    assert list(caught.value.message_dict) == ["body"]
    assert not Lesson.objects.exists()


# --- The import command -----------------------------------------------------------------------


def _term_file(folder: Path, **fields: object) -> None:
    (folder / "terms").mkdir(parents=True, exist_ok=True)
    data: dict[str, object] = {
        "slug": "tokens",
        "name": "Tokens",
        "status": "published",
        "short_definition": "Pieces of text.",
        "body": "Words.",
    }
    data.update(fields)
    (folder / "terms" / "tokens.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")


def test_the_import_refuses_naming_the_file_and_field_and_saves_nothing(tmp_path):
    _term_file(tmp_path, body=RUN)
    with pytest.raises(CommandError) as caught:
        call_command("import_content", str(tmp_path))
    assert f"tokens.yaml: Term body: {OPEN_BRACKETS}" in str(caught.value)
    assert not Term.objects.exists()


def test_the_import_refuses_an_faq_answer_past_its_limit(tmp_path):
    _term_file(tmp_path, faqs=[{"question": "Why?", "answer": "a" * 5_001}])
    with pytest.raises(CommandError) as caught:
        call_command("import_content", str(tmp_path))
    assert (
        "tokens.yaml: faqs[0]: answer: This text is 5,001 characters long; the limit is 5,000."
        in str(caught.value)
    )
    assert not Term.objects.exists()


# --- The admin ----------------------------------------------------------------------------------


def _add_term_form(client) -> AdminForm:
    form = AdminForm(client.get("/admin/glossary/term/add/").content.decode())
    for name, value in {
        "name": "Tokens",
        "slug": "tokens",
        "short_definition": "Pieces of text.",
        "body": "Words.",
        "status": Status.PUBLISHED,
    }.items():
        form[name] = value
    return form


def test_the_admin_shows_the_refusal_on_the_field_and_saves_nothing(editor_client):
    form = _add_term_form(editor_client)
    form["business_context"] = RUN
    form.add_row("faqs", question="Why?", answer=HUGE, slug="why")
    response = editor_client.post("/admin/glossary/term/add/", form.post_data())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(OPEN_BRACKETS) == 1
    assert "This text is 65,536 characters long; the limit is 5,000." in html
    assert not Term.objects.exists()


def test_the_lesson_admin_shows_the_refusal_and_saves_nothing(editor_client):
    guide = make_guide()
    form = AdminForm(
        editor_client.get("/admin/learning/lesson/add/").content.decode(), form_id="lesson_form"
    )
    form["guide"], form["title"], form["slug"], form["body"] = guide.pk, "One", "one", RUN
    response = editor_client.post("/admin/learning/lesson/add/", form.post_data())
    assert response.status_code == 200
    assert response.content.decode().count(OPEN_BRACKETS) == 1
    assert not Lesson.objects.exists()


def test_the_admin_reads_no_more_faqs_than_a_term_may_have(editor_client, monkeypatch):
    # Each FAQ's answer is rendered in this one request: the bound is the number of forms
    # the formset reads at all, not the time the request takes.
    cleaned: list[str] = []
    clean = FAQ.clean

    def counting_clean(self):
        cleaned.append(self.question)
        clean(self)

    monkeypatch.setattr(FAQ, "clean", counting_clean)
    form = _add_term_form(editor_client)
    for n in range(FAQS_PER_TERM_MAX + 10):
        form.add_row("faqs", question=f"Question {n}?", answer="An answer.", slug=f"q{n}")
    response = editor_client.post("/admin/glossary/term/add/", form.post_data())
    assert response.status_code == 200
    assert f"A term has at most {FAQS_PER_TERM_MAX} FAQs" in response.content.decode()
    assert FAQS_PER_TERM_MAX == 20
    assert len(cleaned) <= FAQS_PER_TERM_MAX
    assert not Term.objects.exists()


def test_the_admin_saves_a_term_with_as_many_faqs_as_allowed(editor_client):
    form = _add_term_form(editor_client)
    for n in range(FAQS_PER_TERM_MAX):
        form.add_row("faqs", question=f"Question {n}?", answer="An answer.", slug=f"q{n}")
    response = editor_client.post("/admin/glossary/term/add/", form.post_data())
    assert response.status_code == 302
    assert FAQ.objects.count() == FAQS_PER_TERM_MAX
