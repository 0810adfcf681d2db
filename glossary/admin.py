from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from glossary import services
from glossary.admin_history import GlossaryVersionAdmin
from glossary.models import (
    FAQ,
    FAQS_PER_TERM_MAX,
    Alias,
    Correction,
    LinkFace,
    Relation,
    Resource,
    SlugRedirect,
    Status,
    Term,
    Topic,
)
from glossary.selectors import term_for_page
from glossary.slugs import make_slug
from glossary.views import render_term

PUBLISH_PERMISSION = "glossary.publish_term"
NOT_YOURS_TO_PUBLISH = "You may not publish or unpublish terms."


@dataclass(frozen=True)
class _BeforeRevert:
    """What readers saw of a term before a History revert or a recovery wrote an old version
    to the database (`face` is None: the term did not exist)."""

    face: LinkFace | None
    status: str | None


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 0
    fields = ("name", "kind", "order")


class FAQForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # Fill a blank anchor before the formset compares anchors, so two new FAQs with blank
        # anchors are not taken for duplicates (two with the same question still are).
        if not cleaned.get("slug") and cleaned.get("question"):
            cleaned["slug"] = make_slug(cleaned["question"]) or "question"
            self.instance.slug = cleaned["slug"]
        return cleaned


class FAQFormSet(forms.BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": "A term has at most %(num)d FAQs: a question is asked once on the "
        "site, on its canonical term."
    }


class FAQInline(admin.StackedInline):
    model = FAQ
    form = FAQForm
    formset = FAQFormSet
    extra = 0
    max_num = FAQS_PER_TERM_MAX
    fields = ("question", "answer", "slug", "order")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        # Every answer is rendered in the request that saves the term: a bounded number of
        # them, and no form past the bound even read (absolute_max), bounds that request.
        kwargs.update(validate_max=True, absolute_max=FAQS_PER_TERM_MAX)
        return super().get_formset(request, obj, **kwargs)


class ResourceInline(admin.TabularInline):
    model = Resource
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0
    fields = ("title", "url", "kind", "note", "order")


class RelationInline(admin.TabularInline):
    model = Relation
    fk_name = "source"
    extra = 0
    fields = ("kind", "target")
    autocomplete_fields = ("target",)
    verbose_name = "relation entered on this term"
    verbose_name_plural = (
        "relations entered on this term (each shows on both terms’ pages, the right way round)"
    )


@admin.register(Term)
class TermAdmin(GlossaryVersionAdmin):
    list_display = ("name", "slug", "status", "last_reviewed", "updated")
    list_filter = ("status", "topics", "last_reviewed")
    search_fields = ("name", "slug", "aliases__name", "short_definition")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("topics",)
    date_hierarchy = "updated"
    inlines = (AliasInline, FAQInline, RelationInline, ResourceInline)
    readonly_fields = ("relations_entered_elsewhere", "preview_link", "created", "updated")
    actions = ("publish", "unpublish")
    fieldsets = (
        (None, {"fields": ("name", "slug", "status", "preview_link", "topics", "last_reviewed")}),
        ("Definition", {"fields": ("short_definition", "body", "business_context", "example")}),
        ("Relations from other terms", {"fields": ("relations_entered_elsewhere",)}),
        ("Record", {"fields": ("created", "updated"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Term]:
        return super().get_queryset(request).prefetch_related("topics")

    def get_readonly_fields(self, request: HttpRequest, obj: Term | None = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(PUBLISH_PERMISSION):
            fields.append("status")
        return fields

    @admin.display(description="Preview")
    def preview_link(self, obj: Term) -> str:
        if not obj.pk:
            return "Save the term to preview it."
        return format_html(
            '<a href="{}">Preview the page as readers will see it</a>',
            reverse("admin:glossary_term_preview", args=[obj.pk]),
        )

    @admin.display(description="Entered on other terms")
    def relations_entered_elsewhere(self, obj: Term) -> str:
        if not obj.pk:
            return "—"
        incoming = obj.relations_in.select_related("source")
        if not incoming:
            return "None."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: {} this term</li>',
                (
                    (
                        reverse("admin:glossary_term_change", args=[r.source_id]),
                        r.source.name,
                        r.get_kind_display().lower(),
                    )
                    for r in incoming
                ),
            ),
        )

    def view_on_site(self, obj: Term) -> str:
        if obj.is_published:
            return obj.get_absolute_url()
        return reverse("admin:glossary_term_preview", args=[obj.pk])

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="glossary_term_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        term = get_object_or_404(Term, pk=object_id)
        if not self.has_view_or_change_permission(request, term):
            raise Http404
        page_term = term_for_page(term.slug, include_drafts=True)
        if page_term is None:
            raise Http404
        response = render_term(request, page_term, preview=True)
        response["X-Robots-Tag"] = "noindex"
        return response

    def revision_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # Reversion writes the old version to the database before the form is saved, so the
        # term as the form loads it is already the old one. Remember what readers saw before
        # the restore, so the old address redirects and link previews refresh.
        current = Term.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        request.term_before_revert = _BeforeRevert(  # type: ignore[attr-defined]
            face=current.loaded if current else None,
            status=current.status if current else None,
        )
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(
        self, request: HttpRequest, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        request.term_before_revert = _BeforeRevert(face=None, status=None)  # type: ignore[attr-defined]
        return super().recover_view(request, version_id, extra_context)

    def save_model(self, request: HttpRequest, obj: Term, form: Any, change: bool) -> None:
        before: _BeforeRevert | None = getattr(request, "term_before_revert", None)
        if before is None:
            loaded = obj.loaded
            before = _BeforeRevert(face=loaded, status=loaded.status if loaded else None)
        # The last line of defence (the status field is read-only without the permission, and
        # History refuses a revert that would change it): a new term starts as a draft.
        if obj.status != (before.status or Status.DRAFT) and not request.user.has_perm(
            PUBLISH_PERMISSION
        ):
            raise PermissionDenied(NOT_YOURS_TO_PUBLISH)
        services.term_save(term=obj, previous=before.face)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Aliases and FAQs are saved after the term: bring its search fields up to date with
        # the aliases, and its record of the terms it links to with the FAQ answers.
        services.term_refresh_search(term=form.instance)
        services.term_record_links(term=form.instance)

    def delete_model(self, request: HttpRequest, obj: Term) -> None:
        services.term_delete(term=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Term]) -> None:
        for term in queryset:
            services.term_delete(term=term)

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Term], status: str) -> int:
        if not request.user.has_perm(PUBLISH_PERMISSION):
            self.message_user(request, NOT_YOURS_TO_PUBLISH, messages.ERROR)
            return 0
        count = 0
        for term in queryset:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(f"Status set to {status} from the term list.")
                term.status = status
                services.term_save(term=term, previous=term.loaded)
            count += 1
        return count

    @admin.action(description="Publish the selected terms")
    def publish(self, request: HttpRequest, queryset: QuerySet[Term]) -> None:
        count = self._set_status(request, queryset, Status.PUBLISHED)
        if count:
            self.message_user(request, f"Published {count} term(s).", messages.SUCCESS)

    @admin.action(description="Return the selected terms to draft")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Term]) -> None:
        count = self._set_status(request, queryset, Status.DRAFT)
        if count:
            self.message_user(request, f"Returned {count} term(s) to draft.", messages.SUCCESS)


@admin.register(Topic)
class TopicAdmin(GlossaryVersionAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ("old_slug", "term", "created")
    search_fields = ("old_slug", "term__name")
    autocomplete_fields = ("term",)


@admin.register(Correction)
class CorrectionAdmin(GlossaryVersionAdmin):
    """The public corrections log (/corrections/): one row per corrected figure or claim."""

    list_display = ("date", "page", "old", "new")
    list_filter = ("date",)
    search_fields = ("page", "old", "new")
    date_hierarchy = "date"
    fields = ("date", "page", "old", "new", "source")
