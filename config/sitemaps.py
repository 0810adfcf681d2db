"""/sitemap.xml: every public page, with when it last changed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import reverse

from calculators.definitions import CALCULATORS
from glossary.models import Term, Topic
from learning.models import Guide, Lesson


class Sitemap(DjangoSitemap):
    """Every <loc> starts with SITE_URL. Django's would start with the request's scheme and
    Host (without django.contrib.sites, the "current site" is the request's), and the sitemap
    is cached for every reader (caching/origin.py)."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site: Any = None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class TermSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self) -> Any:
        return Term.objects.published().only("slug", "updated").order_by("slug")

    def lastmod(self, term: Term) -> Any:
        return term.updated


class TopicSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self) -> Any:
        return Topic.objects.order_by("order")


class GuideSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self) -> Any:
        return Guide.objects.published().order_by("order")

    def lastmod(self, guide: Guide) -> Any:
        return guide.updated


class LessonSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self) -> Any:
        return (
            Lesson.objects.published()
            .filter(guide__status="published")
            .select_related("guide")
            .order_by("guide__order", "order")
        )

    def lastmod(self, lesson: Lesson) -> Any:
        return lesson.updated


class PageSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> list[str]:
        return [
            "home",
            "glossary:index",
            "glossary:topics",
            "learning:index",
            "calculators:index",
            "glossary:corrections",
            *[f"calc:{slug}" for slug in CALCULATORS],
        ]

    def location(self, item: str) -> str:
        if item.startswith("calc:"):
            return reverse("calculators:detail", kwargs={"slug": item.removeprefix("calc:")})
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "terms": TermSitemap,
    "topics": TopicSitemap,
    "guides": GuideSitemap,
    "lessons": LessonSitemap,
}
