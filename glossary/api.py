"""The read-only JSON API of published terms: /api/v1/terms and /api/v1/terms/<slug>."""

from __future__ import annotations

import re
from typing import Annotated, TypedDict

from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse

from caching.origin import absolute_url
from calculators.api_description import Endpoint, Example, PathParameter, Refusal
from calculators.api_http import ApiAnswer, form_errors_json, read_only_json
from glossary.forms import TermListForm
from glossary.models import Alias, Resource, Term
from glossary.relations import Relation
from glossary.selectors import relation_groups, term_for_page
from glossary.slugs import SLUG_PATTERN

PAGE_SIZE = 50
SLUG_MAX = 120
Url = Annotated[str, {"format": "uri"}]
Time = Annotated[str, "ISO 8601, UTC", {"format": "date-time"}]


class TermSummary(TypedDict):
    slug: str
    name: str
    short_definition: str
    url: Annotated[str, "The term's page", {"format": "uri"}]
    updated: Time


class TermList(TypedDict):
    """One page of the published terms, A to Z, 50 a page."""

    count: Annotated[int, "Published terms in all"]
    page: int
    pages: int
    next: Annotated[str | None, "The next page's address", {"format": "uri"}]
    previous: Annotated[str | None, "The previous page's address", {"format": "uri"}]
    results: list[TermSummary]


class TermAlias(TypedDict):
    name: str
    kind: Annotated[str, {"enum": Alias.Kind.values}]


class TermFaq(TypedDict):
    question: str
    anchor: str
    url: Url
    answer_html: Annotated[str, "Sanitised HTML"]


class TermName(TypedDict):
    slug: str
    name: str


class TermRelations(TypedDict):
    label: Annotated[str, "How the terms relate to this one, as its page says"]
    kind: Annotated[str, {"enum": Relation.Kind.values}]
    terms: list[TermName]


class TermResource(TypedDict):
    title: str
    url: Url
    kind: Annotated[str, {"enum": Resource.Kind.values}]
    note: str


class TermDetail(TypedDict):
    """Everything on a published term's page; the *_html fields are sanitised HTML."""

    slug: str
    name: str
    url: Url
    short_definition: str
    aliases: list[TermAlias]
    body_html: str
    business_context_html: str
    example_html: str
    faqs: list[TermFaq]
    relations: list[TermRelations]
    resources: list[TermResource]
    topics: list[TermName]
    last_reviewed: Annotated[
        str | None, "When an editor last checked the facts", {"format": "date"}
    ]
    updated: Time


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

    return ApiAnswer[TermList](
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
    # Checked before any lookup: a NUL, which PostgreSQL refuses in a query, is no slug.
    is_slug = len(slug) <= SLUG_MAX and re.fullmatch(SLUG_PATTERN, slug)
    term = term_for_page(slug) if is_slug else None
    if term is None:
        return _error("slug", "No published term has that slug.", status=404)
    return ApiAnswer[TermDetail](
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


ENDPOINTS = [
    Endpoint(
        path="/api/v1/terms",
        operation_id="term_list",
        summary="Terms",
        description="The published terms, A to Z, 50 a page, each with its short definition "
        "and the address of its page.",
        tag="Glossary",
        view=term_list,
        query=TermListForm,
        answer=TermList,
        refusals=(
            Refusal(400, "The page is not a whole number from 1."),
            Refusal(404, "There is no page of that number.", ("page",)),
        ),
        examples=(
            Example("first-page", "The first page", {}),
            Example("second-page", "The second page", {"page": "2"}),
            Example("past-the-end", "A page past the last", {"page": "999"}, status=404),
            Example("not-a-number", "A page that is not a number", {"page": "two"}, status=400),
        ),
    ),
    Endpoint(
        path="/api/v1/terms/{slug}",
        operation_id="term_detail",
        summary="A term",
        description="Everything on a published term's page: definitions, aliases, FAQs, "
        "related terms, resources and topics.",
        tag="Glossary",
        view=term_detail,
        path_parameters=(
            PathParameter(
                "slug",
                "The term's slug, as in its page's address.",
                {"type": "string", "pattern": SLUG_PATTERN, "maxLength": SLUG_MAX},
            ),
        ),
        answer=TermDetail,
        refusals=(Refusal(404, "No published term has that slug.", ("slug",)),),
        examples=(
            Example("kv-cache", "The KV cache", path={"slug": "kv-cache"}),
            Example("unknown", "A slug no term has", path={"slug": "no-such-term"}, status=404),
        ),
    ),
]
