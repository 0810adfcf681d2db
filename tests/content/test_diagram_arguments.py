"""A diagram's arguments are checked as a calculator widget's are: an unknown GPU or an unknown
argument is a message for the editor, worded as the calculators word it, on every path that
saves Markdown (the admin's term, FAQ and lesson forms, and the importer) — never a 500."""

from __future__ import annotations

from io import StringIO

import pytest
from admin_forms import AdminForm
from content_folders import write_sample_folder
from django.core.management import CommandError, call_command
from django.utils.html import escape
from factories import make_guide, make_term

from content.shortcodes import render
from glossary.models import FAQ, Term
from learning.models import Lesson

pytestmark = pytest.mark.django_db

UNKNOWN_GPU = '{{< diagram name="memory-stack" gpu="nope" >}}'
GPU_MESSAGE = "gpu: Select a valid choice. nope is not one of the available choices."


def test_an_unknown_gpu_reads_as_it_does_in_a_calculator_widget():
    _, diagram = render("diagram", 'name="memory-stack" gpu="nope"')
    _, widget = render("training", 'gpu="nope"')
    assert diagram == f"Widget “diagram”: {GPU_MESSAGE}"
    assert widget == f"Widget “training”: {GPU_MESSAGE}"


@pytest.mark.parametrize(
    ("arguments", "takes"),
    [
        ('name="neuron" colour="red"', "(it takes: )"),
        ('name="dense-layer" layers="2"', "(it takes: inputs, outputs)"),
        ('name="memory-stack" foo="1"', "(it takes: gpu, model, layers,"),
    ],
)
def test_an_argument_a_diagram_does_not_take_is_named_as_a_widget_names_it(arguments, takes):
    _, problem = render("diagram", arguments)
    _, widget = render("memory", 'foo="1"')
    assert problem is not None and widget is not None
    assert problem.startswith("Widget “diagram”: unknown argument ")
    assert widget.startswith("Widget “memory”: unknown argument foo (it takes: model,")
    assert takes in problem


# --- Every path that saves Markdown -----------------------------------------------------------


def admin_form(client, url: str, form_id: str) -> AdminForm:
    response = client.get(url)
    assert response.status_code == 200
    return AdminForm(response.content.decode(), form_id=form_id)


def test_the_term_form_refuses_it_in_the_body_with_the_message(editor_client):
    form = admin_form(editor_client, "/admin/glossary/term/add/", "term_form")
    form["name"], form["slug"] = "Tokens", "tokens"
    form["short_definition"] = "Pieces of text."
    form["body"] = f"## Memory\n\n{UNKNOWN_GPU}\n"
    response = editor_client.post("/admin/glossary/term/add/", form.post_data())
    assert response.status_code == 200
    assert escape(GPU_MESSAGE) in response.content.decode()
    assert not Term.objects.exists()


def test_the_term_form_refuses_it_in_an_faq_answer_with_the_message(editor_client):
    term = make_term(name="Tokens", slug="tokens")
    url = f"/admin/glossary/term/{term.pk}/change/"
    form = admin_form(editor_client, url, "term_form")
    form.add_row("faqs", question="How much memory?", answer=UNKNOWN_GPU)
    response = editor_client.post(url, form.post_data())
    assert response.status_code == 200
    assert escape(GPU_MESSAGE) in response.content.decode()
    assert not FAQ.objects.exists()


def test_the_lesson_form_refuses_it_with_the_message(editor_client):
    guide = make_guide()
    form = admin_form(editor_client, "/admin/learning/lesson/add/", "lesson_form")
    form["guide"], form["title"], form["slug"] = guide.pk, "Memory", "memory"
    form["body"] = UNKNOWN_GPU
    response = editor_client.post("/admin/learning/lesson/add/", form.post_data())
    assert response.status_code == 200
    assert escape(GPU_MESSAGE) in response.content.decode()
    assert not Lesson.objects.exists()


@pytest.mark.parametrize(
    ("file", "old", "new", "where"),
    [
        (
            "terms/alpha.yaml",
            "  ## How it works\n",
            f"  {UNKNOWN_GPU}\n",
            "alpha.yaml: Term body: ",
        ),
        (
            "terms/alpha.yaml",
            "answer: Because.",
            f"answer: '{UNKNOWN_GPU}'",
            "alpha.yaml: faqs[1]: ",
        ),
        (
            "guides/sample-guide/01-first-lesson.yaml",
            "  ## Alpha\n",
            f"  {UNKNOWN_GPU}\n",
            "sample-guide/01-first-lesson.yaml: Lesson body: ",
        ),
    ],
    ids=["a term's body", "an FAQ's answer", "a lesson's body"],
)
def test_the_importer_refuses_it_with_the_message(tmp_path, file, old, new, where):
    folder = write_sample_folder(tmp_path / "content")
    path = folder / file
    content = path.read_text(encoding="utf-8")
    assert old in content, content
    path.write_text(content.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_content", str(folder), stdout=StringIO())
    problems = str(caught.value).splitlines()
    assert any(p.startswith(where) and f"Widget “diagram”: {GPU_MESSAGE}" in p for p in problems)
    assert not Term.objects.exists()
