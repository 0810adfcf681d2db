"""Writes that touch more than one row or model, called by the admin, the importer and the
management commands, never hidden in a model's save() or a signal.

A term's own save() renders its Markdown and saves its row. What else must change with it —
the redirect from an old address, the record of the terms it links to, the stored HTML of the
pages that link to it, its search fields once its aliases are saved — happens here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from content.rendering import linked_slugs
from glossary.models import FAQ, Alias, LinkFace, SlugRedirect, Term, linked_terms


class LinkingPage(Protocol):
    """A stored page whose HTML shows [[links]] to terms: a Term, an FAQ, a Lesson."""

    def rerender(self) -> None: ...


def term_save(*, term: Term, previous: LinkFace | None) -> None:
    """Save `term`. `previous` is what links to it showed before (`term.loaded` for a term
    read from the database, None for a new one): a new slug keeps the old address working
    (/glossary/<old>/ answers 301), and a changed slug, name, short definition or status
    re-renders the stored HTML of every page that links to it."""
    with transaction.atomic():
        term.save()
        if previous is not None and previous.slug and previous.slug != term.slug:
            SlugRedirect.objects.update_or_create(
                old_slug=previous.slug, defaults={"term": term, "deleted_term": None}
            )
        SlugRedirect.objects.filter(old_slug=term.slug).delete()
        term_record_links(term=term)
        if previous is not None and previous.slug and previous != term.face():
            pages_rerender_linking_to(term=term)
    term.loaded = term.face()


def term_delete(*, term: Term) -> None:
    """Delete `term`, and render again the pages that linked to it: their links become the
    missing-link text, so nothing of a deleted term stays on the site."""
    with transaction.atomic():
        # Read before the delete, which takes these rows with it.
        pages = _pages_linking_to(term, itself=False)
        # Its old addresses stay, pointing nowhere, for a recovery to give back.
        term.old_slugs.update(deleted_term=term.pk)
        term.delete()
        for page in pages:
            page.rerender()


def term_record_links(*, term: Term) -> None:
    """Record the terms that `term`'s page links to (its text and its FAQ answers, drafts
    included) in Term.links_to, which pages_rerender_linking_to reads. term_save calls it; call
    it again once the term's FAQs are saved."""
    targets = linked_terms(linked_slugs(*term.linked_texts()))
    term.links_to.set({target.pk for target in targets.values()})


def term_refresh_search(*, term: Term) -> None:
    """Bring the term's search fields up to date with its aliases (saved after the term)."""
    names, document = term.build_search_fields()
    # `updated` moves too: the aliases are part of what the term's page shows.
    Term.objects.filter(pk=term.pk).update(
        search_names=names, search_document=document, updated=timezone.now()
    )


def alias_save(*, alias: Alias) -> None:
    """Save an alias; its term's search fields name it."""
    with transaction.atomic():
        alias.save()
        term_refresh_search(term=alias.term)


def pages_rerender_linking_to(*, term: Term) -> None:
    """Link previews are stored HTML: render again every page whose links show `term` (a term
    that was published, unpublished, renamed or reworded) — the terms and FAQ answers recorded
    in its Term.linked_from (itself too, when it links to itself) and the lessons in its
    Term.lessons, however each link was written (by slug, by name, by an alias or an old slug:
    the records hold what the link resolved to)."""
    for page in _pages_linking_to(term):
        page.rerender()


def _pages_linking_to(term: Term, *, itself: bool = True) -> list[LinkingPage]:
    """The pages showing `term`; `itself`: its own page too, when it links to itself."""
    linking = term.linked_from.all() if itself else term.linked_from.exclude(pk=term.pk)
    terms = list(linking)
    faqs = FAQ.objects.filter(term__in=terms, answer__contains="[[")  # (no link without "[[")
    # Term.lessons is the learning app's record of the terms each lesson links to (filled by
    # learning.services.lesson_save), reached through the relation so that glossary never
    # imports learning, as selectors.term_for_page reads it.
    return [*terms, *faqs, *term.lessons.all()]


def terms_restored(*, before: Mapping[int, LinkFace | None]) -> None:
    """After django-reversion wrote old versions of terms back (History's revert, Recover
    deleted: raw rows, no save()), do what term_save does for each, `before` being what
    readers saw of them just before (None: the term did not exist): render its HTML against
    today's terms, record its links (its FAQ answers came back too), keep an old address
    working, and re-render the pages showing it if its name, definition or status changed."""
    with transaction.atomic():
        # A recovered term's old addresses answer for it again (term_delete kept them).
        SlugRedirect.objects.filter(term__isnull=True, deleted_term__in=list(before)).update(
            term_id=F("deleted_term"), deleted_term=None
        )
        for term in Term.objects.filter(pk__in=list(before)):
            term_save(term=term, previous=before[term.pk])
            for faq in term.faqs.filter(answer__contains="[["):
                faq.rerender()


def term_faces(*, pks: Iterable[int]) -> dict[int, LinkFace | None]:
    """What readers see of each term now (None for one that does not exist), for
    terms_restored."""
    faces: dict[int, LinkFace | None] = dict.fromkeys(pks)
    faces.update((term.pk, term.face()) for term in Term.objects.filter(pk__in=list(faces)))
    return faces
