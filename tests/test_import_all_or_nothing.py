"""`import_content` is all or nothing: a folder with a problem anywhere leaves the database as
it was, committed for real (no test transaction to hide behind) — no rows of any model, no
revision or version in the history, no search-index rows, no content version other processes
see."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from content_folders import SAMPLE_FILES, database_content, write_sample_folder
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from reversion.models import Revision, Version

from caching import content_version
from caching.content_version import FileVersion
from calculators.models import CatalogModel
from search.schema import SQLITE_TABLE_NAMES

pytestmark = pytest.mark.django_db(transaction=True)


def row_counts() -> dict[str, int]:
    """How many rows every model has (Django's, reversion's, ours), and on SQLite every
    search-index table (on PostgreSQL the index lives in the rows' own columns)."""
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in SQLITE_TABLE_NAMES:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own names
                counts[table] = cursor.fetchone()[0]
    return counts


def break_file(folder: Path, kind: str, old: str, new: str) -> None:
    path = folder / SAMPLE_FILES[kind]
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def import_content(folder: Path) -> None:
    call_command("import_content", str(folder), stdout=StringIO())


BROKEN_AFTER_A_VALID_CATALOG = {
    # The catalog is saved first, then the terms: these are found only while saving them.
    "a GPU's figure": ("gpus", "usable_share: 3/4", "usable_share: 5/4"),
    "a term's link": ("term", "before [[beta]]", "before [[no-such-term]]"),
    "a term's widget": ("term", 'model="tiny-1b"', 'model="no-such-model"'),
    "a topic": ("topics", "name: Hardware", "name: Basics"),
    # Catalog and glossary are saved; the lesson's problem is found last.
    "a lesson": ("lesson", "correct: true", "correct: false"),
    # Everything else is saved; the correction's page is checked last.
    "a correction": ("corrections", "page: terms/alpha", "page: glossary/alpha"),
}


@pytest.mark.parametrize(
    ("kind", "old", "new"), BROKEN_AFTER_A_VALID_CATALOG.values(), ids=BROKEN_AFTER_A_VALID_CATALOG
)
def test_a_problem_found_while_saving_leaves_an_empty_database_empty(tmp_path, kind, old, new):
    folder = write_sample_folder(tmp_path / "content")
    break_file(folder, kind, old, new)
    here = content_version.source()
    assert isinstance(here, FileVersion)
    elsewhere = FileVersion(here.path)  # what another process on this machine sees
    shared = elsewhere.current()
    before = row_counts()

    with pytest.raises(CommandError, match="^The content has problems:\n"):
        import_content(folder)

    assert row_counts() == before
    assert Revision.objects.count() == Version.objects.count() == 0
    assert not CatalogModel.objects.exists()
    assert elsewhere.current() == shared  # nothing committed, so no one renders afresh


def test_a_failed_update_leaves_the_content_there_was_unchanged(tmp_path):
    import_content(write_sample_folder(tmp_path / "first"))
    before, counts = database_content(), row_counts()
    folder = write_sample_folder(tmp_path / "second")
    break_file(folder, "catalog", "name: Tiny 1B", "name: Tiny 1B, renamed")
    break_file(folder, "topics", "What they run on.", "Changed.")
    break_file(folder, "term", "before [[beta]]", "before [[no-such-term]]")

    with pytest.raises(CommandError, match=r"alpha.yaml: Term body: \[\[no-such-term\]\]"):
        import_content(folder)

    assert database_content() == before
    assert row_counts() == counts  # the first import's one revision, and nothing more
    assert Revision.objects.count() == 1
