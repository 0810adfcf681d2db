"""`manage.py import_content` and `export_content`: the whole content folder (catalog, topics,
terms, guides) in one transaction and one revision, idempotent, round-tripping, and a clear
message naming file, field and line for any mistake, with nothing saved."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from content_folders import database_content, empty_database
from django.core.management import CommandError, call_command
from django.db import transaction
from factories import make_guide, make_term, make_topic
from reversion.models import Revision

from calculators.models import Accelerator, CatalogModel
from glossary.models import Correction, Term, Topic
from learning.models import Guide, Lesson

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LESSON = "guides/what-the-numbers-mean/01-what-a-parameter-is.yaml"
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker):
    """The shipped folder imported once by the command, inside a transaction rolled back after
    the module; yields what the command printed and how many revisions it made."""
    with django_db_blocker.unblock(), transaction.atomic():
        revisions = Revision.objects.count()
        out = StringIO()
        call_command("import_content", str(FIXTURES), stdout=out)
        yield out.getvalue(), Revision.objects.count() - revisions
        transaction.set_rollback(True)


def import_content(directory: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_content", str(directory), *args, stdout=out)
    return out.getvalue()


def export_content(directory: Path) -> dict[str, str]:
    call_command("export_content", str(directory), stdout=StringIO())
    return {str(p.relative_to(directory)): p.read_text() for p in directory.rglob("*.yaml")}


def shipped_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(FIXTURES, folder)
    return folder


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in the file; returns the line number the change starts on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


# --- One command for all four kinds ---------------------------------------------------------


def test_one_command_loads_the_catalog_topics_terms_and_guides(imported):
    output, _ = imported
    models = yaml.safe_load((FIXTURES / "models.yaml").read_text(encoding="utf-8"))
    topics = yaml.safe_load((FIXTURES / "topics.yaml").read_text(encoding="utf-8"))
    terms = list((FIXTURES / "terms").glob("*.yaml"))
    guides = list((FIXTURES / "guides").glob("*/guide.yaml"))
    lessons = list((FIXTURES / "guides").glob("*/[0-9]*.yaml"))
    assert CatalogModel.objects.count() == len(models) >= 25
    assert Topic.objects.count() == len(topics) >= 7
    assert Term.objects.count() == len(terms) >= 60
    assert Guide.objects.count() == len(guides) >= 2
    assert Lesson.objects.count() == len(lessons) >= 15
    assert f"Imported {len(models)} catalog models, {len(topics)} topics, {len(terms)} terms" in (
        output
    )
    corrections = yaml.safe_load((FIXTURES / "corrections.yaml").read_text(encoding="utf-8"))
    assert Correction.objects.count() == len(corrections) >= 20
    assert f"{len(guides)} guides, {len(lessons)} lessons and {len(corrections)} corrections;" in (
        output
    )
    gpus = yaml.safe_load((FIXTURES / "gpus.yaml").read_text(encoding="utf-8"))
    assert Accelerator.objects.count() == len(gpus) >= 31
    assert f"; {len(gpus)} GPUs." in output


def test_the_import_is_one_revision_holding_every_kind(imported):
    _, revisions = imported
    assert revisions == 1
    revision = Revision.objects.latest("pk")
    assert revision.comment == "Imported from fixtures/"
    kinds = {v.content_type.model for v in revision.version_set.select_related("content_type")}
    assert {"catalogmodel", "term", "guide", "lesson"} <= kinds


def test_a_second_run_changes_nothing(imported, tmp_path):
    before = database_content()
    exported = export_content(tmp_path / "before")
    output = import_content(FIXTURES)
    assert "(0 new)" in output
    assert database_content() == before
    assert export_content(tmp_path / "after") == exported


def test_export_writes_the_layout_import_reads(imported, tmp_path):
    exported = export_content(tmp_path / "out")
    shipped = {str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.yaml")}
    assert set(exported) == shipped


def test_export_then_import_into_an_empty_database_gives_everything_back(imported, tmp_path):
    before = database_content()
    exported = export_content(tmp_path / "out")
    empty_database()
    assert not Lesson.objects.exists()
    import_content(tmp_path / "out")
    assert database_content() == before
    assert export_content(tmp_path / "again") == exported


# --- Never over an editor's work ------------------------------------------------------------


@pytest.mark.parametrize(
    "editors_work",
    [
        lambda: make_term(slug="edited", name="Edited by an editor"),
        lambda: make_topic(slug="edited", name="Edited"),
        lambda: make_guide(slug="edited"),
        lambda: CatalogModel.objects.create(
            slug="edited", name="Edited", organisation="Editors", source_url="https://e.com",
            published_parameters=10**9,
        ),
    ],
    ids=["a term", "a topic", "a guide", "a catalog model"],
)  # fmt: skip
def test_if_empty_imports_nothing_when_any_kind_has_content(editors_work):
    empty_database()
    editors_work()
    counts = [model.objects.count() for model in (CatalogModel, Topic, Term, Guide)]
    output = import_content(FIXTURES, "--if-empty")
    assert "nothing imported" in output
    assert [model.objects.count() for model in (CatalogModel, Topic, Term, Guide)] == counts


# --- Mistakes: a message naming file and field, and nothing saved ---------------------------


def test_a_mistake_in_a_lesson_saves_nothing_of_the_catalog_or_the_glossary(tmp_path):
    empty_database()
    folder = shipped_copy(tmp_path)
    line = edit(folder / LESSON, "  - text: '3'\n", "  - text: '3'\n    correct: true\n")
    with pytest.raises(CommandError) as caught:
        import_content(folder)
    message = str(caught.value)
    lesson = "what-the-numbers-mean/01-what-a-parameter-is.yaml"
    assert f"{lesson}: questions[0]: “A neuron has three inputs" in message
    assert f"(line {line - 2})" in message  # the question's line
    for model in (CatalogModel, Topic, Term, Guide, Lesson):
        assert not model.objects.exists(), model


def test_problems_in_several_files_are_reported_together_with_their_lines(tmp_path):
    empty_database()
    folder = shipped_copy(tmp_path)
    catalog_line = edit(folder / "models.yaml", "  open_weights: true\n", "  open_weights: [1]\n")
    term_line = edit(folder / "terms" / "weights.yaml", "name: Weights\n", "name: [Weights]\n")
    topics_line = edit(folder / "topics.yaml", "- slug: training\n", "- slug: training\n  ]\n")
    guide = folder / "guides" / "running-models"
    (guide / "01-from-prompt-to-tokens.yaml").rename(guide / "1a-from-prompt-to-tokens.yaml")
    with pytest.raises(CommandError) as caught:
        import_content(folder)
    problems = str(caught.value).splitlines()[1:]
    assert (
        f"gpt-2-small: open_weights: expected true or false, not a list "
        f"(models.yaml, line {catalog_line})." in problems
    )
    assert f"weights.yaml: name: expected text, not a list (line {term_line})." in problems
    assert any(
        p.startswith("topics.yaml: not valid YAML") and f"(line {topics_line + 1}," in p
        for p in problems
    ), problems
    assert (
        "running-models/1a-from-prompt-to-tokens.yaml: a lesson's file is named "
        "<NN>-<lesson-slug>.yaml." in problems
    )
    assert len(problems) == 4, problems
    assert not CatalogModel.objects.exists()


BAD_INPUT = {
    "config": (
        "models.yaml", "  config:\n", "  config: [12]\n  x:\n",
        "gpt-2-small: config: expected a mapping, not a list",
    ),
    "config key": (
        "models.yaml", "    n_layer: 12\n", "",
        "gpt-2-small: config: n_layer: missing (models.yaml, line ",
    ),
    "config model_type": (
        "models.yaml", "    model_type: gpt2\n", "    model_type: bert\n",
        "gpt-2-small: config: model_type: 'bert' is not supported; supported: gpt2, llama",
    ),
    "config value": (
        "models.yaml", "    n_embd: 768\n", "    n_embd: 2019-02-14\n",
        "gpt-2-small: config: n_embd: expected a JSON value, not a date (in quotes it is text)",
    ),
    "release date": (
        "models.yaml", "  release_date: 2019-02-14\n", "  release_date: Feb 2019\n",
        "gpt-2-small: release_date: expected a date (YYYY-MM-DD), not text",
    ),
    "entry": (
        "models.yaml", "- slug: gpt-2-small\n", "- gpt-2-small\n- slug: gpt-2-small\n",
        "models.yaml: model 1: expected a mapping of fields, not text.",
    ),
    "alias": (
        "terms/weights.yaml", "  - {name: model weights, kind: variant}\n", "  - model weights\n",
        "weights.yaml: aliases[0]: expected a mapping of fields, not text",
    ),
    "date": (
        "terms/weights.yaml", "last_reviewed: ", "last_reviewed: 31/12/",
        "weights.yaml: last_reviewed: expected a date",
    ),
    "relation": (
        "terms/weights.yaml", "  - {kind: related, term: biases}\n", "  - biases\n",
        "weights.yaml: relations[0]: expected a mapping of fields, not text",
    ),
    "twice": (
        "terms/weights.yaml", "slug: weights\n", "slug: weights\nslug: weights\n",
        "weights.yaml: not valid YAML: the key 'slug' is written twice",
    ),
    "prerequisites": (
        "guides/running-models/guide.yaml", "prerequisites: [", "prerequisites: {a: 1}\nold: [",
        "running-models/guide.yaml: prerequisites: expected a list, not a mapping",
    ),
    "correct": (
        LESSON, "    correct: true\n", "    correct: sure\n",
        "01-what-a-parameter-is.yaml: questions[0].choices[1].correct: expected true or false",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("file", "old", "new", "problem"), BAD_INPUT.values(), ids=BAD_INPUT)
def test_bad_input_is_a_message_naming_file_and_field_never_a_traceback(
    tmp_path, file, old, new, problem
):
    folder = shipped_copy(tmp_path)
    edit(folder / file, old, new)
    with pytest.raises(CommandError, match="^The content has problems:\n") as caught:
        import_content(folder)
    assert problem in str(caught.value)


def test_a_bad_value_caught_by_the_model_names_the_file_and_saves_nothing(tmp_path):
    empty_database()
    folder = shipped_copy(tmp_path)
    line = edit(folder / "terms" / "weights.yaml", "status: published\n", "status: maybe\n")
    with pytest.raises(CommandError) as caught:
        import_content(folder)
    assert f"weights.yaml: Term status: Value 'maybe' is not a valid choice. (line {line})" in (
        str(caught.value)
    )
    assert not CatalogModel.objects.exists()
    assert not Term.objects.exists()


def test_a_folder_with_nothing_to_import_is_refused(tmp_path):
    with pytest.raises(
        CommandError,
        match="no models.yaml, gpus.yaml, topics.yaml, terms/, guides/ or corrections.yaml",
    ):
        import_content(tmp_path)
