"""Slugs, and the term addresses made of them."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from urllib.parse import quote

from django.core.validators import RegexValidator
from django.urls import get_script_prefix, reverse
from django.utils.text import slugify

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
slug_validator = RegexValidator(
    SLUG_PATTERN, "Use lowercase letters, digits and single hyphens, e.g. “kv-cache”."
)
SHORT_DEFINITION_MAX = 200


def make_slug(text: str, max_length: int = 80) -> str:
    """A slug that passes slug_validator: Django's slugify keeps underscores ("q4_k_m"),
    which our addresses do not allow, so every run of other characters becomes one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", slugify(text)).strip("-")[:max_length].strip("-")


@functools.cache
def _term_url_prefix(script_prefix: str) -> str:
    return reverse("glossary:term", kwargs={"slug": "x"}).removesuffix("x/")


def term_url(slug: str) -> str:
    """A term page's address. Pages list dozens of terms: reverse() once per mount point,
    not once per link."""
    return term_urls([slug])[0]


def term_urls(slugs: Iterable[str]) -> list[str]:
    """Term pages' addresses, for a page that lists many: the mount point looked up once (it
    is per request)."""
    prefix = _term_url_prefix(get_script_prefix())
    return [prefix + quote(slug) + "/" for slug in slugs]
