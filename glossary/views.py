from __future__ import annotations

import re

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from calculators.forms import first_error
from glossary.forms import TopicFilterForm
from glossary.models import Correction, Term, Topic
from glossary.selectors import (
    group_by_letter,
    index_terms,
    redirect_target,
    relation_groups,
    term_for_page,
    topics_with_counts,
)
from glossary.share_images import share_png
from glossary.slugs import SLUG_PATTERN
from glossary.structured_data import term_graph

_SLUG = re.compile(SLUG_PATTERN)


def _checked_slug(slug: str) -> str:
    if len(slug) > 120 or not _SLUG.match(slug.lower()):
        raise Http404("No such term.")
    return slug


@require_safe
def term_index(request: HttpRequest) -> HttpResponse:
    form = TopicFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "glossary/term_index.html",
            {"error": first_error(form), "topics": topics_with_counts()},
            status=400,
        )
    topic = form.cleaned_data["topic"]
    terms = index_terms(topic)
    return render(
        request,
        "glossary/term_index.html",
        {
            "letters": group_by_letter(terms),
            "term_count": len(terms),
            "topics": topics_with_counts(),
            "topic": topic,
        },
    )


@require_safe
def topic_list(request: HttpRequest) -> HttpResponse:
    return render(request, "glossary/topic_list.html", {"topics": topics_with_counts()})


@require_safe
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=_checked_slug(slug))
    terms = index_terms(topic)
    return render(request, "glossary/topic_detail.html", {"topic": topic, "terms": terms})


@require_safe
def term_detail(request: HttpRequest, slug: str) -> HttpResponse:
    _checked_slug(slug)
    if slug != slug.lower():
        return redirect("glossary:term", slug=slug.lower(), permanent=True)
    term = term_for_page(slug)
    if term is None:
        target = redirect_target(slug)
        if target is None:
            raise Http404("No such term.")
        return redirect(target, permanent=True)
    return render_term(request, term)


def render_term(request: HttpRequest, term: Term, *, preview: bool = False) -> HttpResponse:
    groups = relation_groups(term)
    return render(
        request,
        "glossary/term_detail.html",
        {
            "term": term,
            "relation_groups": groups,
            "preview": preview,
            "structured_data": term_graph(term, groups),
        },
    )


@require_safe
def term_share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The term's link-preview picture; cached until the term changes (its key has the time)."""
    term = (
        Term.objects.published()
        .filter(slug=_checked_slug(slug))
        .only("name", "short_definition", "updated")
        .first()
    )
    if term is None:
        raise Http404("No such term.")
    key = f"share-png:{slug}:{term.updated.timestamp()}"
    png = cache.get(key)
    if png is None:
        png = share_png(term.name, term.short_definition)
        cache.set(key, png, 60 * 60 * 24 * 30)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def correction_list(request: HttpRequest) -> HttpResponse:
    """The public corrections log: every corrected figure or claim, newest first."""
    corrections = list(Correction.objects.all())
    return render(
        request,
        "glossary/corrections.html",
        {"corrections": corrections, "count": len(corrections)},
    )
