"""An Atom feed of new and updated terms: /feeds/terms.atom.

Names and definitions are validated free of control characters, but the feed cleans them
anyway: one row written past validation (a raw update, an old database) must not turn the
feed into a 500, or into XML no reader can parse, for every subscriber."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from caching.origin import absolute_url
from calculators.plain_text import xml_safe
from glossary.models import Correction, Term


class TermFeed(Feed):
    feed_type = Atom1Feed
    title = "Weights & Measures — new and updated terms"
    subtitle = "Plain-English definitions of the numbers behind AI models."

    # Absolute already, so Django's feed does not prefix them with the request's Host.
    def link(self) -> str:
        return absolute_url(reverse("glossary:index"))

    def feed_url(self) -> str:
        return absolute_url(reverse("term-feed"))

    def item_link(self, item: Term) -> str:
        return absolute_url(item.get_absolute_url())

    def items(self) -> Any:
        return Term.objects.published().order_by("-updated")[:50]

    def item_title(self, item: Term) -> str:
        return xml_safe(item.name)

    def item_description(self, item: Term) -> str:
        return xml_safe(item.short_definition)

    def item_updateddate(self, item: Term) -> Any:
        return item.updated

    def item_pubdate(self, item: Term) -> Any:
        return item.published_at or item.created


class CorrectionFeed(Feed):
    """/feeds/corrections.atom: each corrected figure or claim, as the log page shows it."""

    feed_type = Atom1Feed
    title = "Weights & Measures — corrections"
    subtitle = "Every figure or claim we corrected, what it said, what it says now, and why."

    def link(self) -> str:
        return absolute_url(reverse("glossary:corrections"))

    def feed_url(self) -> str:
        return absolute_url(reverse("corrections-feed"))

    def items(self) -> Any:
        return Correction.objects.all()[:100]

    def item_link(self, item: Correction) -> str:
        # One entry per correction: the log's anchor for it, not the page (a page corrected
        # twice would otherwise give two entries one address).
        return absolute_url(reverse("glossary:corrections") + f"#correction-{item.pk}")

    def item_guid(self, item: Correction) -> str:
        return self.item_link(item)

    def item_title(self, item: Correction) -> str:
        return xml_safe(f"Corrected on {item.page}")

    def item_description(self, item: Correction) -> str:
        return xml_safe(f"It said: {item.old} It says now: {item.new} Source: {item.source}")

    def item_pubdate(self, item: Correction) -> Any:
        return datetime.datetime.combine(item.date, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, item: Correction) -> Any:
        return self.item_pubdate(item)
