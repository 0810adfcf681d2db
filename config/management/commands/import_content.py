from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.content_folder import has_content, import_folder
from content.yaml_io import ContentError


class Command(BaseCommand):
    help = (
        "Load the model catalog, topics, terms and guides from a content folder "
        "(see fixtures/README.md), as one transaction and one revision."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", nargs="?", default="fixtures", type=Path)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=(
                "Do nothing when the database already has catalog models, topics, terms or "
                "guides (so editors' work is kept)."
            ),
        )

    def handle(self, *args: Any, directory: Path, if_empty: bool, **options: Any) -> None:
        if if_empty and has_content():
            self.stdout.write("The database already has content; nothing imported.")
            return
        try:
            report = import_folder(directory)
        except ContentError as error:
            raise CommandError("The content has problems:\n" + "\n".join(error.problems)) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {report}."))
