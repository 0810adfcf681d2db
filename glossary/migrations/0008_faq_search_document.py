"""Each FAQ keeps its answer as plain text, for the site's search (the question is apart)."""

from django.db import migrations, models

from content.rendering import plain_text


def fill(apps, schema_editor):
    FAQ = apps.get_model("glossary", "FAQ")
    for faq in FAQ.objects.all():
        faq.search_document = plain_text(faq.answer_html)
        faq.save(update_fields=["search_document"])


class Migration(migrations.Migration):
    dependencies = [("glossary", "0007_stored_search_vector")]

    operations = [
        migrations.AddField(
            model_name="faq",
            name="search_document",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
