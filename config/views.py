"""The few site-wide views: home, health, and the designed error pages."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from caching.origin import absolute_url
from calculators.definitions import CALCULATORS
from glossary.selectors import featured_terms, topics_with_counts
from learning.selectors import guides_for_index
from search.selectors import page_hits, site_search

logger = logging.getLogger(__name__)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {
            "topics": topics_with_counts(),
            "featured": featured_terms(),
            "guides": guides_for_index(),
            "calculators": CALCULATORS.values(),
        },
    )


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("healthz: the database is unreachable", exc_info=True)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bench_constant(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: the least a Django view can do (routed only with BENCH_VIEWS)."""
    return HttpResponse(b"ok", content_type="text/plain")


def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Under /api/ every answer is JSON, a wrong address included."""
    return JsonResponse(
        {"errors": {"path": [f"No API endpoint at {request.path[:200]}."]}}, status=404
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = absolute_url(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /search/",
        "Disallow: /embed/",
        "Disallow: /api/v1/",  # the JSON; /api/ itself is its documentation page
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 404 that helps: a search box, and the pages whose names come nearest the address."""
    words = request.path.strip("/").split("/")[-1].replace("-", " ").replace("\x00", "")[:100]
    nearest = []
    if words:
        try:
            nearest = page_hits(site_search(words), 0, 5)
        except DatabaseError:
            nearest = []
    return render(request, "404.html", {"nearest": nearest, "guess": words}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)
