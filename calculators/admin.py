from __future__ import annotations

from django.contrib import admin

from calculators.admin_history import ContentVersionAdmin
from calculators.models import ARCHITECTURE_FIELDS, Accelerator, CatalogModel


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


@admin.register(Accelerator)
class AcceleratorAdmin(ContentVersionAdmin):
    list_display = ("name", "vendor", "kind", "memory_label", "memory_bytes", "release_date")
    list_filter = ("kind", "vendor", "interconnect")
    search_fields = ("name", "slug", "vendor", "note")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "vendor", "kind", "release_date", "sources", "note")}),
        (
            "Memory",
            {
                "fields": (
                    "memory_label_gb",
                    "memory_label_is_decimal",
                    "memory_bytes",
                    "usable_share",
                    "bandwidth_bytes_per_second",
                )
            },
        ),
        (
            "Compute and links (leave a figure empty when it is not published)",
            {
                "fields": (
                    "flops_16bit",
                    "flops_8bit",
                    "flops_4bit",
                    "interconnect",
                    "interconnect_bytes_per_second",
                )
            },
        ),
    )

    @admin.display(description="Label")
    def memory_label(self, obj: Accelerator) -> str:
        return obj.memory_label or "—"
