"""Absolute URLs, from the SITE_URL setting and never from the request.

A cached page is served to every reader, so nothing in it may come from what one client sent:
its Host (Django's host check ignores the port and a trailing dot, and lets through every
allowed name) or its X-Forwarded-Proto. Every canonical link, share card, JSON-LD id, sitemap
<loc>, feed link and API link is built here. It lives in caching, which imports no app of
ours, so every layer can use it.
"""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """SITE_URL joined to a path of this site (one starting with /), query string and all:
    absolute_url("/glossary/kv-cache/") == "https://weights.example/glossary/kv-cache/"."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"absolute_url needs a path of this site, not {path!r}")
    return f"{settings.SITE_URL}{path}"
