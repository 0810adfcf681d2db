from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from config.content_folder import export_folder


class Command(BaseCommand):
    help = (
        "Write the model catalog, topics, terms and guides to a content folder, in the layout "
        "import_content reads."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        report = export_folder(directory)
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {report.models} catalog models, {report.glossary.topics} topics, "
                f"{report.glossary.terms} terms, {report.guides} guides and {report.lessons} "
                f"lessons to {directory}/."
            )
        )
