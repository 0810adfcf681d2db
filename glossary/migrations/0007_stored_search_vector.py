"""PostgreSQL: keep each term's English full-text vector in a stored generated column with a
GIN index on it (instead of an index over the expression), and a small vector of its names and
short definition to rank by. Search finds terms through the first and ranks them by the second,
never parsing or reading a whole document per query; PostgreSQL keeps both right on every
write, bulk ones included. On other databases this does nothing (search there is in Python)."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE glossary_term ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE(search_document, ''))) "
    "STORED",
    "CREATE INDEX IF NOT EXISTS glossary_term_search_vector "
    "ON glossary_term USING gin (search_vector)",
    # Small and kept in the row: what search ranks by (names and short definition).
    "ALTER TABLE glossary_term ADD COLUMN IF NOT EXISTS search_head tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, "
    "COALESCE(search_names, '') || ' ' || COALESCE(short_definition, ''))) STORED",
    "DROP INDEX IF EXISTS glossary_term_document_fts",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS glossary_term_document_fts "
    "ON glossary_term USING gin (to_tsvector('english'::regconfig, COALESCE(search_document, '')))",
    "DROP INDEX IF EXISTS glossary_term_search_vector",
    "ALTER TABLE glossary_term DROP COLUMN IF EXISTS search_head",
    "ALTER TABLE glossary_term DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("glossary", "0006_search_names_upper_trgm")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
