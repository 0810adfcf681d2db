from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

# The addresses every page's header, footer and search box link to.
NAV_NAMES = {
    "home": "home",
    "glossary": "glossary:index",
    "topics": "glossary:topics",
    "learn": "learning:index",
    "calculators": "calculators:index",
    "api": "api-docs",
    "corrections": "glossary:corrections",
    "search": "search:results",
    "suggest": "search:suggest",
}


@functools.cache
def _nav(script_prefix: str) -> dict[str, str]:
    # Worked out once per process (and mount point), not with ~14 reverse() calls per page.
    return {key: reverse(name) for key, name in NAV_NAMES.items()}


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "NAV": _nav(get_script_prefix()),
    }
