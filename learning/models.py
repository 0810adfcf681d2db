"""Guides, their ordered lessons, and the knowledge checks at the end of each lesson."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from calculators.plain_text import refuse_control_characters
from content import limits
from content.rendering import MARKDOWN_HELP, Rendered, plain_text
from glossary.models import Status, Term, link_errors, render_linked
from glossary.slugs import slug_validator

WORDS_PER_MINUTE = 200  # a common estimate for reading explanatory prose
MINUTES_PER_WIDGET = 1  # time to play with an embedded calculator or study a diagram


class Level(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class GuideQuerySet(models.QuerySet["Guide"]):
    def published(self) -> GuideQuerySet:
        return self.filter(status=Status.PUBLISHED)


class Guide(models.Model):
    title = models.CharField(max_length=150, validators=[refuse_control_characters])
    slug = models.SlugField(
        max_length=80, unique=True, validators=[slug_validator, refuse_control_characters]
    )
    level = models.CharField(max_length=20, choices=Level, default=Level.BEGINNER)
    summary = models.CharField(max_length=300, validators=[refuse_control_characters])
    outcomes = models.TextField(
        blank=True,
        validators=[refuse_control_characters],
        help_text="What a reader will learn: one plain sentence per line.",
    )
    prerequisites = models.ManyToManyField(
        Term,
        blank=True,
        related_name="prerequisite_for_guides",
        help_text="Terms to understand first.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    order = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:guide", kwargs={"guide": self.slug})

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]


class LessonQuerySet(models.QuerySet["Lesson"]):
    def published(self) -> LessonQuerySet:
        return self.filter(status=Status.PUBLISHED)


class Lesson(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=150, validators=[refuse_control_characters])
    slug = models.SlugField(max_length=80, validators=[slug_validator, refuse_control_characters])
    order = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=200, blank=True, validators=[refuse_control_characters])
    body = models.TextField(
        validators=[refuse_control_characters, limits.MarkdownLimits(limits.LONG_MARKDOWN_MAX)],
        help_text=MARKDOWN_HELP + ' Diagrams: {{< diagram name="neuron" >}}.',
    )
    body_html = models.TextField(blank=True, editable=False)
    toc_html = models.TextField(blank=True, editable=False)
    search_document = models.TextField(blank=True, editable=False)  # summary and text, plain
    minutes = models.PositiveIntegerField(default=1, editable=False)
    terms = models.ManyToManyField(
        Term,
        blank=True,
        related_name="lessons",
        editable=False,
        help_text="The terms the lesson links to, found when it is saved.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["guide", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "slug"], name="lesson_slug_unique_in_guide")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saves this row alone, its Markdown rendered, like a term's; the page prints the
        stored HTML. Which terms it links to is services.lesson_save's work."""
        limits.refuse_fields({"body": self.body})  # (as Term.save does)
        rendered = self.render()
        self.body_html = rendered.html
        self.toc_html = rendered.toc_html
        text = plain_text(rendered.html)
        # The title is indexed apart, as the document's name.
        self.search_document = " ".join(part for part in (self.summary, text) if part)
        words = len(text.split())
        widgets = self.body_html.count('data-widget="') + self.body_html.count('class="diagram"')
        self.minutes = max(1, math.ceil(words / WORDS_PER_MINUTE) + MINUTES_PER_WIDGET * widgets)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("learning:lesson", kwargs={"guide": self.guide.slug, "lesson": self.slug})

    def render(self, *, fresh: bool = False) -> Rendered:
        # clean() and save() both need the rendering; do it once per version of the text
        # (`fresh`: again, because a term it links to has changed).
        cached = getattr(self, "_rendered", None)
        if fresh or cached is None or cached[0] != self.body:
            self._rendered = (self.body, render_linked(self.body, with_toc=True))
        return self._rendered[1]

    def rerender(self) -> None:
        """Render the stored HTML again because a term it links to was published,
        unpublished, renamed, reworded or deleted (glossary.services does this through
        Term.lessons), leaving `updated` alone: the lesson itself was not edited. The words,
        and so the search document and the minutes, stay as they were."""
        rendered = self.render(fresh=True)
        Lesson.objects.filter(pk=self.pk).update(
            body_html=rendered.html, toc_html=rendered.toc_html
        )

    def clean(self) -> None:
        if not limits.renderable(self.body):
            return  # the body's validator has said why
        errors = link_errors(self.render())
        if errors:
            raise ValidationError({"body": errors})


class Question(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(max_length=400, validators=[refuse_control_characters])
    order = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.prompt

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=300, validators=[refuse_control_characters])
    is_correct = models.BooleanField("correct", default=False)
    explanation = models.TextField(
        validators=[refuse_control_characters],
        help_text="Why this choice is right, or why it is wrong.",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


def one_correct_choice_error(correct: int) -> str | None:
    """The rule for a published question, in one place for the admin and the importer."""
    if correct == 1:
        return None
    if correct == 0:
        return "A published question needs exactly one correct choice; none is marked correct."
    return f"A published question needs exactly one correct choice; {correct} are marked correct."
