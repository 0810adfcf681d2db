from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

from calculators.admin_history import ContentVersionAdmin
from calculators.models import Accelerator, CatalogModel
from sizing import SizingError, count_parameters, human_count

CONFIG_MAX_CHARACTERS = 256 * 1024  # as the API takes a config.json


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


class ConfigJsonField(forms.JSONField):
    """A pasted config.json: strict JSON (no NaN or Infinity, which a database's JSON type
    refuses), a bounded size and depth, shown back indented as the file is."""

    widget = forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false"})

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) > CONFIG_MAX_CHARACTERS:
            raise ValidationError(
                f"At most {CONFIG_MAX_CHARACTERS // 1024} KB: a config.json is far smaller.",
                code="too_long",
            )
        if value in self.empty_values:
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value, parse_constant=_refuse_constant)
        except RecursionError:
            raise ValidationError(
                "Nested too deeply to be a config.json.", code="invalid"
            ) from None
        except ValueError as error:
            raise ValidationError(f"Not valid JSON: {error}", code="invalid") from None

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        if value is None:
            return ""
        return json.dumps(value, indent=2, ensure_ascii=False)

    def bound_data(self, data: Any, initial: Any) -> Any:
        if self.disabled:
            return initial
        if data is None:
            return None
        try:
            return json.loads(data, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            return forms.fields.InvalidJSONInput(data)


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
    readonly_fields = ("counted", "counted_active", "architecture_read")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "organisation",
                    "release_date",
                    "licence",
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
                    "counted_active",
                    "published_parameters",
                    "published_is_exact",
                    "published_active",
                    "published_wording",
                    "counting_note",
                    "parameters_are_estimate",
                    "estimated_parameters",
                    "estimate_note",
                )
            },
        ),
        (
            "Architecture: the config.json (leave it empty when it is not public)",
            {
                "fields": (
                    "architecture_read",
                    "config",
                    "config_origin",
                    "config_source_url",
                    "config_note",
                )
            },
        ),
    )

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "config":
            return ConfigJsonField(
                required=False,
                label="config.json",
                help_text="Paste the model's config.json (from its Hugging Face repository). "
                "Leave it empty when the architecture was never published.",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @staticmethod
    def _count(obj: CatalogModel) -> Any:
        if not obj.pk:
            return None
        try:
            arch = obj.architecture()
        except SizingError:  # a row written past validation: say so, do not fail the page
            return None
        return None if arch is None else count_parameters(arch)

    @admin.display(description="Computed parameters")
    def counted(self, obj: CatalogModel) -> str:
        count = self._count(obj)
        if count is not None:
            return f"{count.total:,} ({human_count(count.total)})"
        value = obj.parameters if obj.pk and not obj.has_architecture else None
        if value is None:
            return "—"
        return f"{value:,}" + (" (estimate)" if obj.is_estimate else " (published, not counted)")

    @admin.display(description="Computed active per token")
    def counted_active(self, obj: CatalogModel) -> str:
        count = self._count(obj)
        if count is None:
            return "—"
        return (
            f"{count.active:,} ({human_count(count.active)}); embedding and output head "
            "included, routed experts a token does not use left out"
        )

    @admin.display(description="Architecture read from the config.json")
    def architecture_read(self, obj: CatalogModel) -> str:
        if not obj.pk or obj.config is None:
            return "—"
        try:
            reading = obj.config_reading()
        except SizingError as error:
            return f"The stored config cannot be read: {error}"
        if reading is None:
            return "—"
        arch = reading.architecture
        facts = [
            ("model_type", reading.model_type),
            ("layers", f"{arch.layers:,}"),
            ("hidden", f"{arch.hidden:,}"),
            ("attention heads", f"{arch.heads} ({arch.kv_heads} key/value)"),
            ("head size", f"{arch.head_dim}"),
            ("MLP width", f"{arch.ffn:,}"),
            ("vocabulary", f"{arch.vocab:,}" + (", tied head" if arch.tied else "")),
        ]
        if arch.experts > 1:
            shared = f", shared {arch.shared_ffn:,}" if arch.shared_ffn else ""
            dense = f"; dense layers {list(arch.dense_layers)}" if arch.dense_layers else ""
            facts.append(
                (
                    "experts",
                    f"{arch.active_experts} of {arch.experts} per token, "
                    f"width {arch.expert_ffn:,}{shared}{dense}",
                )
            )
        if arch.kv_lora_rank:
            facts.append(
                (
                    "latent attention",
                    f"kv rank {arch.kv_lora_rank}, q rank {arch.q_lora_rank or 'none'}, "
                    f"rope {arch.qk_rope_head_dim}",
                )
            )
        kinds = sorted(set(arch.layer_attention))
        if kinds != ["full"]:
            window = arch.sliding_window or arch.attention_chunk
            facts.append(("attention", f"{', '.join(kinds)} (window {window:,})"))
        items = format_html_join("", "<li>{}: {}</li>", facts)
        notes = format_html_join("", "<li>{}</li>", ((note,) for note in reading.notes))
        return format_html("<ul>{}{}</ul>", items, notes)


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
