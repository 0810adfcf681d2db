from __future__ import annotations

from typing import Annotated, Any, TypedDict

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from caching.origin import absolute_url
from calculators.api_description import Endpoint, Example, Refusal
from calculators.api_http import ApiAnswer, form_errors_json, read_only_json
from calculators.forms import first_error
from search.forms import SearchApiForm, SearchForm, SuggestForm
from search.selectors import (
    KIND_LABELS,
    PAGE_SIZE,
    PAGES,
    Results,
    page_hits,
    result_count,
    site_search,
)

SUGGESTIONS = 8


class SearchHit(TypedDict):
    kind: Annotated[str, {"enum": list(KIND_LABELS)}]
    title: str
    url: Annotated[str, {"format": "uri"}]
    snippet: Annotated[str, "Escaped text with the matched words in <mark>"]
    score: Annotated[float, "The engine's rank, for ordering only"]


class SearchAnswer(TypedDict):
    """What the search page shows, in its order: 20 a page, 3 pages at most."""

    query: Annotated[str, "The query as searched (spaces collapsed)"]
    count: Annotated[int, "Results in all"]
    relaxed: Annotated[bool, "No document had every word: these have some"]
    suggestion: Annotated[str | None, "When nothing matched: the nearest name"]
    next: Annotated[str | None, "The next page's address", {"format": "uri"}]
    results: list[SearchHit]


def _page(results: Results, number: int) -> dict[str, Any]:
    first = (number - 1) * PAGE_SIZE
    hits = page_hits(results, first, first + PAGE_SIZE)
    return {
        "hits": hits,
        "page": number,
        "first": first + 1,
        "last": first + len(hits),
        "has_next": len(results.hits) > first + PAGE_SIZE and number < PAGES,
    }


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        context = {"query": form.cleaned_data.get("q", ""), "error": first_error(form)}
        return render(request, "search/results.html", context, status=400)
    query, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    results = site_search(query, kind=kind)
    context = {"query": query, "kind": kind, "results": results}
    context.update(_page(results, form.cleaned_data["page"]))
    return render(request, "search/results.html", context)


@require_safe
def suggest(request: HttpRequest) -> JsonResponse:
    form = SuggestForm(request.GET)
    if not form.is_valid():
        return form_errors_json(form)
    query = form.cleaned_data["q"]
    hits = site_search(query).hits[:SUGGESTIONS] if query else []
    return JsonResponse(
        {
            "query": query,
            "results": [
                {
                    "kind": hit.kind,
                    "kind_label": hit.kind_label,
                    "name": hit.title,
                    "slug": hit.slug,
                    "url": hit.url,
                    "short_definition": hit.summary,
                }
                for hit in hits
            ],
        }
    )


@read_only_json
def search_api(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/search?q=&kind=&page=: the results page's answer, in its order."""
    form = SearchApiForm(request.GET)
    if not form.is_valid():
        return form_errors_json(form)
    query, kind, number = (form.cleaned_data[f] for f in ("q", "kind", "page"))
    results = site_search(query, kind=kind)
    page = _page(results, number)
    following = None
    if page["has_next"]:
        params = request.GET.copy()
        params["page"] = str(number + 1)
        following = absolute_url(f"{request.path}?{params.urlencode()}")
    return ApiAnswer[SearchAnswer](
        {
            "query": results.query,
            "count": result_count(results),
            "relaxed": results.relaxed,
            "suggestion": results.suggestion or None,
            "next": following,
            "results": [
                {
                    "kind": hit.kind,
                    "title": hit.title,
                    "url": absolute_url(hit.url),
                    "snippet": hit.snippet_html,
                    "score": round(float(hit.score), 2),
                }
                for hit in page["hits"]
            ],
        }
    )


API_ENDPOINTS = [
    Endpoint(
        path="/api/v1/search",
        operation_id="search",
        summary="Search",
        description="One search over terms, FAQs, lessons and calculators, answered as the "
        "search page shows it, in its order. Exact names first, then misspelt names, then "
        "documents with every word; only when none has every word, documents with some "
        "(`relaxed`).",
        tag="Search",
        view=search_api,
        query=SearchApiForm,
        answer=SearchAnswer,
        refusals=(Refusal(400, "No query, a query too long, or a bad kind or page."),),
        examples=(
            Example("kv-cache", "A search", {"q": "kv cache"}),
            Example("faqs", "FAQs only", {"q": "memory", "kind": "faq"}),
            Example("misspelt", "A misspelt query", {"q": "quantisaton"}),
            Example("no-query", "No query", {}, status=400),
        ),
        rate_limited=True,
    )
]
