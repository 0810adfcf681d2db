"""PostgreSQL: a trigram index on the names as the case-insensitive "contains" lookup reads
them (UPPER(search_names::text) LIKE UPPER('%…%')), so that arm of search is an index scan too.
On other databases this does nothing."""

from django.db import migrations

FORWARD = (
    "CREATE INDEX IF NOT EXISTS glossary_term_names_upper_trgm "
    "ON glossary_term USING gin ((UPPER(search_names::text)) gin_trgm_ops)"
)
BACKWARD = "DROP INDEX IF EXISTS glossary_term_names_upper_trgm"


def _run(statement):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("glossary", "0005_term_checks")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
