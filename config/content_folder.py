"""A content folder in and out of the database: the model and GPU catalogs, the glossary's
topics and terms, and the guides, all at once (fixtures/ is the shipped folder;
fixtures/README.md has its layout). `manage.py import_content` and `manage.py export_content`
are thin wrappers.

Every file is read and checked before anything is saved, so a folder with mistakes reports
all of them at once. Then the catalog goes in first (calculator widgets in the Markdown are
preset to its models), the topics and terms next, the guides last (lessons link to terms): one
transaction and one revision in the history, so an import can be undone from the admin as one
step and a problem anywhere leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.db import connection, transaction

from calculators.models import Accelerator, CatalogModel
from content.catalog_files import export_catalog, read_catalog, save_catalog
from content.gpu_files import export_gpus, read_gpus, save_gpus
from content.yaml_io import ContentError, all_or_nothing
from glossary.content_io import ImportReport, export_glossary, read_directory, save_glossary
from glossary.corrections_io import export_corrections, read_corrections, save_corrections
from glossary.models import Term, Topic
from learning.content_io import export_guides, read_guides, save_guides
from learning.models import Guide

CATALOG_FILE = "models.yaml"
GPUS_FILE = "gpus.yaml"
TOPICS_FILE = "topics.yaml"
TERMS_FOLDER = "terms"
GUIDES_FOLDER = "guides"
CORRECTIONS_FILE = "corrections.yaml"

T = TypeVar("T")


@dataclass
class FolderReport:
    models: int = 0
    gpus: int = 0
    glossary: ImportReport = field(default_factory=ImportReport)
    guides: int = 0
    lessons: int = 0
    corrections: int = 0
    unresolved: list[str] = field(default_factory=list)  # (export) links no term answers
    removed: list[Path] = field(default_factory=list)  # (export) files of content that is gone

    def __str__(self) -> str:
        glossary = self.glossary
        return (
            f"{self.models} catalog models, {glossary.topics} topics, {glossary.terms} terms "
            f"({len(glossary.created)} new), {glossary.relations} relations, "
            f"{self.guides} guides, {self.lessons} lessons and {self.corrections} corrections; "
            f"{self.gpus} GPUs"
        )


def import_folder(directory: Path) -> FolderReport:
    """Everything in a content folder, created or updated by slug; a second run of the same
    files changes nothing. Raises ContentError, having saved nothing, if anything is wrong."""
    catalog_file = directory / CATALOG_FILE
    gpus_file = directory / GPUS_FILE
    has_glossary = (directory / TOPICS_FILE).is_file() or (directory / TERMS_FOLDER).is_dir()
    guides_folder = directory / GUIDES_FOLDER
    corrections_file = directory / CORRECTIONS_FILE
    if not (
        catalog_file.is_file()
        or gpus_file.is_file()
        or has_glossary
        or guides_folder.is_dir()
        or corrections_file.is_file()
    ):
        raise ContentError(
            [
                f"{directory}: no {CATALOG_FILE}, {GPUS_FILE}, {TOPICS_FILE}, {TERMS_FOLDER}/, "
                f"{GUIDES_FOLDER}/ or {CORRECTIONS_FILE} to import."
            ]
        )
    problems: list[str] = []
    catalog = _read(read_catalog, catalog_file, problems) if catalog_file.is_file() else None
    gpus = _read(read_gpus, gpus_file, problems) if gpus_file.is_file() else None
    glossary = _read(read_directory, directory, problems) if has_glossary else None
    guides = _read(read_guides, guides_folder, problems) if guides_folder.is_dir() else None
    corrections = (
        _read(read_corrections, corrections_file, problems) if corrections_file.is_file() else None
    )
    if problems:
        raise ContentError(problems)

    report = FolderReport()
    name = directory.resolve().name
    with all_or_nothing(f"Imported from {name}/") as problems:
        # Each part is saved only when the ones before it were: their problems would otherwise
        # come back as a flood of links to missing models and terms.
        if catalog is not None:
            report.models = save_catalog(catalog, problems, file=CATALOG_FILE)
        if gpus is not None:
            report.gpus = save_gpus(gpus, problems, file=GPUS_FILE)
        if glossary is not None and not problems:
            report.glossary = save_glossary(*glossary, problems)
        if guides is not None and not problems:
            report.guides, report.lessons = save_guides(guides, problems)
        if corrections is not None and not problems:
            report.corrections = save_corrections(corrections, problems, file=CORRECTIONS_FILE)
    return report


def _read(reader: Callable[[Path], T], path: Path, problems: list[str]) -> T | None:
    try:
        return reader(path)
    except ContentError as error:
        problems.extend(error.problems)
        return None


def has_content() -> bool:
    """Whether the database holds any content an editor may have worked on."""
    return (
        CatalogModel.objects.exists()
        or Accelerator.objects.exists()
        or Topic.objects.exists()
        or Term.objects.exists()
        or Guide.objects.exists()
    )


def export_folder(directory: Path) -> FolderReport:
    """Everything into `directory`, in the layout import_folder reads: export -> import into
    an empty database -> export gives the same files (slug history, publication dates and
    drafts included). It is read in one transaction, so edits made meanwhile are all in or all
    out. Files left in terms/ and guides/ by content that is gone are removed: they would bring
    it back on import. `report.unresolved` lists the links the folder cannot import with."""
    report = FolderReport()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every query (PostgreSQL's default gives each its own).
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        report.models = export_catalog(directory / CATALOG_FILE)
        report.gpus = export_gpus(directory / GPUS_FILE)
        written, report.unresolved = export_glossary(directory)
        report.glossary.terms = len(written) - 1
        report.glossary.topics = Topic.objects.count()
        lessons_written, unresolved = export_guides(directory / GUIDES_FOLDER)
        report.unresolved += unresolved
        report.guides = Guide.objects.count()
        report.lessons = len(lessons_written) - report.guides
        report.corrections = export_corrections(directory / CORRECTIONS_FILE)
    report.removed = _remove_stale_files(directory, {*written, *lessons_written})
    return report


def _remove_stale_files(directory: Path, written: set[Path]) -> list[Path]:
    """The YAML files under terms/ and guides/ that this export did not write, removed (and
    guide folders left empty); returns them. Nothing else in the folder is touched."""
    stale = [
        path
        for pattern in (f"{TERMS_FOLDER}/*.yaml", f"{GUIDES_FOLDER}/*/*.yaml")
        for path in sorted(directory.glob(pattern))
        if path not in written
    ]
    for path in stale:
        path.unlink()
    for folder in (directory / GUIDES_FOLDER).glob("*/"):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return stale
