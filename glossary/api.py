"""The read-only JSON API of published terms: /api/v1/terms and /api/v1/terms/<slug>."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse

from caching.origin import absolute_url
from calculators.api_http import form_errors_json, read_only_json
from glossary.forms import TermListForm
from glossary.models import Term
from glossary.selectors import relation_groups, term_for_page

PAGE_SIZE = 50


def _error(field: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"errors": {field: [message]}}, status=status)


@read_only_json
def term_list(request: HttpRequest) -> JsonResponse:
    form = TermListForm(request.GET)
    if not form.is_valid():
        return form_errors_json(form)
    number = form.cleaned_data["page"]
    terms = Term.objects.published().only("slug", "name", "short_definition", "updated")
    paginator = Paginator(terms, PAGE_SIZE)
    if number > paginator.num_pages:
        return _error("page", f"There are {paginator.num_pages} pages.", status=404)
    page = paginator.page(number)

    def page_url(n: int) -> str:
        return absolute_url(f"{request.path}?page={n}")

    return JsonResponse(
        {
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "next": page_url(number + 1) if page.has_next() else None,
            "previous": page_url(number - 1) if page.has_previous() else None,
            "results": [
                {
                    "slug": term.slug,
                    "name": term.name,
                    "short_definition": term.short_definition,
                    "url": absolute_url(term.get_absolute_url()),
                    "updated": term.updated.isoformat(),
                }
                for term in page.object_list
            ],
        }
    )


@read_only_json
def term_detail(request: HttpRequest, slug: str) -> JsonResponse:
    term = term_for_page(slug) if len(slug) <= 120 else None
    if term is None:
        return _error("slug", "No published term has that slug.", status=404)
    return JsonResponse(
        {
            "slug": term.slug,
            "name": term.name,
            "url": absolute_url(term.get_absolute_url()),
            "short_definition": term.short_definition,
            "aliases": [{"name": a.name, "kind": a.kind} for a in term.aliases.all()],
            "body_html": term.body_html,
            "business_context_html": term.business_context_html,
            "example_html": term.example_html,
            "faqs": [
                {
                    "question": faq.question,
                    "anchor": faq.anchor,
                    "url": absolute_url(faq.get_absolute_url()),
                    "answer_html": faq.answer_html,
                }
                for faq in term.faqs.all()
            ],
            "relations": [
                {
                    "label": group.label,
                    "kind": group.kind,
                    "terms": [{"slug": t.slug, "name": t.name} for t in group.terms],
                }
                for group in relation_groups(term)
            ],
            "resources": [
                {"title": r.title, "url": r.url, "kind": r.kind, "note": r.note}
                for r in term.resources.all()
            ],
            "topics": [{"slug": t.slug, "name": t.name} for t in term.topics.all()],
            "last_reviewed": term.last_reviewed.isoformat() if term.last_reviewed else None,
            "updated": term.updated.isoformat(),
        }
    )
