from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

from search import schema


def ensure_indexes(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After every migrate: SQLite drops a table's triggers when a migration remakes the table,
    and then the index would silently stop following it."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        schema.ensure_sqlite(connection)


class SearchConfig(AppConfig):
    """The site's search: one query over terms, FAQs, lessons and calculators, answered by
    the database's own full-text engine. The top layer: it reads every app's content."""

    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        post_migrate.connect(ensure_indexes, sender=self, dispatch_uid="search-indexes")
