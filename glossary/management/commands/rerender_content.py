from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from glossary import services
from glossary.models import FAQ, Term


class Command(BaseCommand):
    help = "Render every stored Markdown field again (after the content pipeline changes)."

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
        self.stdout.write(self.style.SUCCESS(f"Re-rendered {terms} terms and {faqs} FAQs."))
