"""The full-text indexes over terms, FAQs and lessons (search/schema.py says how each
database keeps them)."""

from django.db import migrations

from search import schema


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema.ensure_sqlite(connection)
    elif connection.vendor == "postgresql":
        for statement in schema.POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for name, _ in schema.sqlite_triggers():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for table in schema.SQLITE_TABLE_NAMES:
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")
    elif connection.vendor == "postgresql":
        for statement in schema.POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0008_faq_search_document"),
        ("learning", "0003_lesson_search_document"),
    ]

    operations = [migrations.RunPython(forward, backward)]
