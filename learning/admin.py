from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html

from glossary.admin_history import GlossaryVersionAdmin
from learning import services
from learning.models import Choice, Guide, Lesson, Question, one_correct_choice_error
from learning.selectors import LessonPlace


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ("order", "title", "slug", "status", "minutes")
    readonly_fields = ("minutes",)
    show_change_link = True


@admin.register(Guide)
class GuideAdmin(GlossaryVersionAdmin):
    list_display = ("title", "level", "status", "order", "updated")
    list_filter = ("status", "level")
    list_editable = ("order",)
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("prerequisites",)
    inlines = (LessonInline,)

    def view_on_site(self, obj: Guide) -> str:
        return reverse("admin:learning_guide_preview", args=[obj.pk])

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="learning_guide_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The guide page as readers will see it, drafts and draft lessons included."""
        guide = get_object_or_404(Guide, pk=object_id)
        if not self.has_view_or_change_permission(request, guide):
            raise Http404
        lessons = list(guide.lessons.order_by("order", "pk"))
        response = render(
            request,
            "learning/guide_detail.html",
            {"guide": guide, "lessons": lessons, "preview": True},
        )
        response["X-Robots-Tag"] = "noindex"
        return response


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("order", "prompt", "status")
    show_change_link = True


@admin.register(Lesson)
class LessonAdmin(GlossaryVersionAdmin):
    list_display = ("title", "guide", "order", "status", "minutes", "updated")
    list_filter = ("status", "guide")
    list_editable = ("order",)
    search_fields = ("title", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("minutes", "preview_link")
    fields = (
        "guide",
        "title",
        "slug",
        "order",
        "status",
        "preview_link",
        "summary",
        "body",
        "minutes",
    )
    inlines = (QuestionInline,)

    def save_model(self, request: HttpRequest, obj: Lesson, form: Any, change: bool) -> None:
        services.lesson_save(lesson=obj)

    @admin.display(description="Preview")
    def preview_link(self, obj: Lesson) -> str:
        if not obj.pk:
            return "Save the lesson to preview it."
        return format_html(
            '<a href="{}">Preview the lesson as readers will see it</a>',
            reverse("admin:learning_lesson_preview", args=[obj.pk]),
        )

    def view_on_site(self, obj: Lesson) -> str:
        return reverse("admin:learning_lesson_preview", args=[obj.pk])

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="learning_lesson_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        lesson = get_object_or_404(Lesson.objects.select_related("guide"), pk=object_id)
        if not self.has_view_or_change_permission(request, lesson):
            raise Http404
        outline = list(lesson.guide.lessons.order_by("order", "pk"))
        place = LessonPlace(lesson=lesson, outline=outline)
        response = render(
            request,
            "learning/lesson_detail.html",
            {"place": place, "lesson": lesson, "guide": lesson.guide, "preview": True},
        )
        response["X-Robots-Tag"] = "noindex"
        return response


class ChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.status != "published":
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        problem = one_correct_choice_error(sum(1 for f in kept if f.cleaned_data.get("is_correct")))
        if problem:
            raise forms.ValidationError(problem)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    fields = ("order", "text", "is_correct", "explanation")


@admin.register(Question)
class QuestionAdmin(GlossaryVersionAdmin):
    list_display = ("prompt", "lesson", "order", "status")
    list_filter = ("status", "lesson__guide")
    search_fields = ("prompt", "lesson__title")
    autocomplete_fields = ("lesson",)
    inlines = (ChoiceInline,)
