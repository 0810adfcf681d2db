"""schema.org JSON-LD for guides (Course) and lessons (LearningResource)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from caching.origin import absolute_url
from glossary.structured_data import breadcrumbs
from learning.models import Guide, Lesson

PROVIDER = {"@type": "Organization", "name": "Weights & Measures"}


def guide_graph(guide: Guide, lessons: list[Lesson]) -> list[Any]:
    url = absolute_url(guide.get_absolute_url())
    course: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": url,
        "name": guide.title,
        "description": guide.summary,
        "url": url,
        "provider": PROVIDER,
        "educationalLevel": guide.get_level_display(),
        "isAccessibleForFree": True,
        "inLanguage": "en",
        "teaches": guide.outcome_list,
        "hasPart": [
            {
                "@type": "LearningResource",
                "name": lesson.title,
                "url": absolute_url(
                    reverse("learning:lesson", kwargs={"guide": guide.slug, "lesson": lesson.slug})
                ),
            }
            for lesson in lessons
        ],
    }
    return [
        course,
        breadcrumbs(
            [
                ("Home", "/"),
                ("Learn", reverse("learning:index")),
                (guide.title, guide.get_absolute_url()),
            ],
        ),
    ]


def lesson_graph(lesson: Lesson, number: int) -> list[Any]:
    guide = lesson.guide
    url = absolute_url(lesson.get_absolute_url())
    resource = {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "@id": url,
        "name": lesson.title,
        "description": lesson.summary or guide.summary,
        "url": url,
        "position": number,
        "learningResourceType": "lesson",
        "educationalLevel": guide.get_level_display(),
        "timeRequired": f"PT{lesson.minutes}M",
        "isAccessibleForFree": True,
        "inLanguage": "en",
        "provider": PROVIDER,
        "isPartOf": {
            "@type": "Course",
            "@id": absolute_url(guide.get_absolute_url()),
            "name": guide.title,
        },
        "about": [
            {
                "@type": "DefinedTerm",
                "name": term.name,
                "url": absolute_url(term.get_absolute_url()),
            }
            for term in lesson.terms.all()
        ],
    }
    return [
        resource,
        breadcrumbs(
            [
                ("Home", "/"),
                ("Learn", reverse("learning:index")),
                (guide.title, guide.get_absolute_url()),
                (lesson.title, lesson.get_absolute_url()),
            ],
        ),
    ]
