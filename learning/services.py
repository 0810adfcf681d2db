"""Writes that touch more than one model, called by the admin, the importer and the tests'
factories, never hidden in a model's save()."""

from __future__ import annotations

from django.db import transaction

from glossary.models import Term
from learning.models import Lesson


def lesson_save(*, lesson: Lesson) -> None:
    """Save the lesson and record the terms it links to (drafts too, shown as text): a term's
    page lists the lessons that use it, and glossary.services re-renders the lesson through
    this record when one of them is published, unpublished, renamed, reworded or deleted."""
    with transaction.atomic():
        lesson.save()
        lesson.terms.set(Term.objects.filter(slug__in=lesson.render().term_links))
