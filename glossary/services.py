"""Writes that touch more than one row or model, called by the admin, the importer and the
management commands, never hidden in a model's save() or a signal.

A term's own save() renders its Markdown and saves its row. What else must change with it —
the redirect from an old address, other pages' stored link previews, its search fields once
its aliases are saved — happens here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from glossary.models import FAQ, Alias, LinkFace, SlugRedirect, Term


def term_save(*, term: Term, previous: LinkFace | None) -> None:
    """Save `term`. `previous` is what links to it showed before (`term.loaded` for a term
    read from the database, None for a new one): a new slug keeps the old address working
    (/glossary/<old>/ answers 301), and a changed slug, name or short definition re-renders
    the stored HTML of every page that links to it."""
    with transaction.atomic():
        term.save()
        if previous is not None and previous.slug and previous.slug != term.slug:
            SlugRedirect.objects.update_or_create(old_slug=previous.slug, defaults={"term": term})
        SlugRedirect.objects.filter(old_slug=term.slug).delete()
        if previous is not None and previous.slug and previous != term.face():
            terms_rerender_linking_to(slugs={previous.slug, term.slug}, exclude=term.pk)
    term.loaded = term.face()


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


def terms_rerender_linking_to(*, slugs: Iterable[str], exclude: int | None) -> None:
    """Link previews are stored HTML: refresh the terms and FAQs that link to any of `slugs`
    (a term that changed), leaving out the term `exclude` (the one that changed)."""
    slugs = set(slugs)
    if not slugs:
        return
    query = Q()
    faq_query = Q()
    for slug in slugs:
        for field_name in Term.MARKDOWN_FIELDS:
            query |= Q(**{f"{field_name}__contains": f"[[{slug}"})
        faq_query |= Q(answer__contains=f"[[{slug}")
    terms = Term.objects.filter(query)
    faqs = FAQ.objects.filter(faq_query)
    if exclude is not None:
        terms = terms.exclude(pk=exclude)
        faqs = faqs.exclude(term_id=exclude)
    for term in terms:
        rendered = term.render()
        Term.objects.filter(pk=term.pk).update(
            body_html=rendered["body"].html,
            body_toc_html=rendered["body"].toc_html,
            business_context_html=rendered["business_context"].html,
            example_html=rendered["example"].html,
        )
    for faq in faqs:
        FAQ.objects.filter(pk=faq.pk).update(answer_html=faq.render().html)
