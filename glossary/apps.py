from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def use_search_thresholds(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On PostgreSQL, let the trigram index find names as far from the query as search
    accepts (pg_trgm's own default, 0.6, would drop some typos before they are scored), and
    give search's prepared statement one generic plan per connection instead of planning it
    for every query (glossary/search.py). Django's own queries are never prepared, so the
    second setting touches search alone."""
    if connection.vendor == "postgresql":
        from glossary.search import WORD_SIMILAR

        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {float(WORD_SIMILAR)}")
            cursor.execute("SET plan_cache_mode = force_generic_plan")


class GlossaryConfig(AppConfig):
    name = "glossary"
    verbose_name = "Glossary"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        connection_created.connect(use_search_thresholds, dispatch_uid="glossary-search-pg")
