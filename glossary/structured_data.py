"""schema.org JSON-LD for glossary pages: DefinedTerm in a DefinedTermSet (with its aliases,
and its typed relations in SKOS terms, which schema.org lacks), FAQPage, BreadcrumbList."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from caching.origin import absolute_url
from content.rendering import plain_text
from glossary.models import Term
from glossary.selectors import RelationGroup

CONTEXT: list[Any] = ["https://schema.org", {"skos": "http://www.w3.org/2004/02/skos/core#"}]
SKOS = {
    ("broader", "Broader terms"): "skos:broader",
    ("broader", "Narrower terms"): "skos:narrower",
    ("related", "Related terms"): "skos:related",
    ("prerequisite", "Understand these first"): "skos:related",
    ("prerequisite", "Builds on this"): "skos:related",
    ("contrast", "Not to be confused with"): "skos:related",
}


def breadcrumbs(trail: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": i,
                "name": name,
                "item": absolute_url(path),
            }
            for i, (name, path) in enumerate(trail, start=1)
        ],
    }


def term_graph(term: Term, groups: list[RelationGroup]) -> list[Any]:
    url = absolute_url(term.get_absolute_url())
    index = absolute_url(reverse("glossary:index"))
    defined: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "DefinedTerm",
        "@id": url,
        "name": term.name,
        "description": term.short_definition,
        "url": url,
        "termCode": term.slug,
        "inDefinedTermSet": {
            "@type": "DefinedTermSet",
            "@id": index,
            "name": "Weights & Measures glossary",
            "url": index,
        },
    }
    aliases = [alias.name for alias in term.aliases.all()]
    if aliases:
        defined["alternateName"] = aliases
    for group in groups:
        key = SKOS.get((group.kind, group.label), "skos:related")
        defined.setdefault(key, []).extend(
            {"@id": absolute_url(other.get_absolute_url())} for other in group.terms
        )
    graph: list[Any] = [defined]
    faqs = list(term.faqs.all())
    if faqs:
        graph.append(
            {
                "@context": "https://schema.org",
                "@type": "FAQPage",
                "url": url,
                "mainEntity": [
                    {
                        "@type": "Question",
                        "name": faq.question,
                        "url": absolute_url(faq.get_absolute_url()),
                        "acceptedAnswer": {"@type": "Answer", "text": plain_text(faq.answer_html)},
                    }
                    for faq in faqs
                ],
            }
        )
    graph.append(
        breadcrumbs(
            [
                ("Home", "/"),
                ("Glossary", reverse("glossary:index")),
                (term.name, term.get_absolute_url()),
            ],
        )
    )
    return graph
