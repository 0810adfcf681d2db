"""Each lesson keeps its words as plain text, for the site's search."""

from django.db import migrations, models

from content.rendering import plain_text


def fill(apps, schema_editor):
    Lesson = apps.get_model("learning", "Lesson")
    for lesson in Lesson.objects.all():
        parts = (lesson.summary, plain_text(lesson.body_html))
        lesson.search_document = " ".join(part for part in parts if part)
        lesson.save(update_fields=["search_document"])


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_editors_edit_guides")]

    operations = [
        migrations.AddField(
            model_name="lesson",
            name="search_document",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
