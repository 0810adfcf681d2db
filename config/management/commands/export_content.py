from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.content_folder import export_folder


class Command(BaseCommand):
    help = (
        "Write the model catalog, topics, terms (with their old slugs) and guides to a content "
        "folder, in the layout import_content reads: a backup that restores into an empty "
        "database. Files of content that is gone are removed from terms/ and guides/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        report = export_folder(directory)
        for path in report.removed:
            self.stdout.write(f"Removed {path}: its content is gone.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {report.models} catalog models, {report.glossary.topics} topics, "
                f"{report.glossary.terms} terms, {report.guides} guides and {report.lessons} "
                f"lessons to {directory}/."
            )
        )
        if report.unresolved:
            # The files are written (a backup to mend beats none), but it must not pass for
            # one that restores: these links were made before their terms were deleted.
            raise CommandError(
                "The export will not import until these links are mended (or their terms "
                "restored):\n" + "\n".join(report.unresolved)
            )
