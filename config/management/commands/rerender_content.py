from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from glossary import services
from glossary.models import FAQ, Term
from learning.models import Lesson
from learning.services import lesson_save


class Command(BaseCommand):
    help = (
        "Render every stored Markdown field again (after the content pipeline changes, or an "
        "upgrade that changes what links show), and record again what each page links to."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            terms = 0
            for term in Term.objects.all():
                services.term_save(term=term, previous=term.loaded)
                services.term_refresh_search(term=term)
                terms += 1
            faqs = 0
            for faq in FAQ.objects.all():
                faq.save()
                faqs += 1
            for term in Term.objects.all():
                services.term_record_links(term=term)  # (their FAQ answers' links too)
            lessons = 0
            for lesson in Lesson.objects.select_related("guide"):
                lesson_save(lesson=lesson)
                lessons += 1
        self.stdout.write(
            self.style.SUCCESS(f"Re-rendered {terms} terms, {faqs} FAQs and {lessons} lessons.")
        )
