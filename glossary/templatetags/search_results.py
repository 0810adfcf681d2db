"""A page of search results, built in Python: for twenty results the template's variable
lookups cost more than finding them (about 17 µs a result in the template, 2 here)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from glossary.search import SearchHit
from glossary.slugs import term_urls

register = template.Library()

_RESULT = (
    '\n  <li class="result">\n    <a href="{}" class="result-name">{}</a>{}\n    <p>{}</p>\n  </li>'
)
_CLOSEST = '\n    <span class="result-note">(closest match)</span>'


@register.simple_tag
def search_results(hits: Sequence[SearchHit]) -> SafeString:
    urls = term_urls(hit.term.slug for hit in hits)
    # html.escape is what django.utils.html.escape runs, without its lazy-string wrapping.
    return mark_safe(  # noqa: S308 - every value below is escaped
        "".join(
            _RESULT.format(
                escape(url),
                escape(hit.term.name),
                _CLOSEST if hit.reason == "similar" else "",
                escape(hit.term.short_definition),
            )
            for hit, url in zip(hits, urls, strict=True)
        )
    )
