from __future__ import annotations

from django.contrib import admin

from calculators.admin_history import ContentVersionAdmin
from calculators.models import ARCHITECTURE_FIELDS, CatalogModel


@admin.register(CatalogModel)
class CatalogModelAdmin(ContentVersionAdmin):
    list_display = (
        "name",
        "organisation",
        "release_date",
        "open_weights",
        "counted",
        "parameters_are_estimate",
    )
    list_filter = ("organisation", "open_weights", "parameters_are_estimate")
    search_fields = ("name", "slug", "organisation")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("counted",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "organisation",
                    "release_date",
                    "open_weights",
                    "source_url",
                    "context_length",
                    "training_tokens",
                )
            },
        ),
        (
            "Size",
            {
                "fields": (
                    "counted",
                    "published_parameters",
                    "published_is_exact",
                    "parameters_are_estimate",
                    "estimated_parameters",
                    "estimate_note",
                )
            },
        ),
        (
            "Architecture (leave layers empty when it is not public)",
            {"fields": ARCHITECTURE_FIELDS},
        ),
    )

    @admin.display(description="Computed parameters")
    def counted(self, obj: CatalogModel) -> str:
        value = obj.parameters if obj.pk else None
        if value is None:
            return "—"
        return f"{value:,}" + (" (estimate)" if obj.is_estimate else "")
