"""The catalog of real models the calculators can be preset to.

A model's architecture is its Hugging Face config.json (`config`), read by sizing.config_json
exactly as transformers reads it; the counts are computed from it. `config` is null when the
architecture was never published: then only a published figure or a labelled estimate exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse

from calculators.plain_text import refuse_control_characters
from sizing import (
    Architecture,
    ConfigReading,
    Gpu,
    SizingError,
    count_parameters,
    read_config,
)

CONFIG_MAX_KEYS = 400  # a real config.json has tens of keys; a pasted book is not one


class CatalogModelQuerySet(models.QuerySet["CatalogModel"]):
    def with_architecture(self) -> CatalogModelQuerySet:
        return self.filter(config__isnull=False)


class CatalogModel(models.Model):
    # The calculators' choices for an architecture given field by field (calculators/forms.py).
    class Mlp(models.TextChoices):
        GATED = "gated", "Gated (3 matrices, e.g. SwiGLU)"
        STANDARD = "standard", "Standard (2 matrices)"

    class Norm(models.TextChoices):
        RMSNORM = "rmsnorm", "RMSNorm (weight)"
        LAYERNORM = "layernorm", "LayerNorm (weight and bias)"

    class Bias(models.TextChoices):
        NONE = "none", "None"
        QKV = "qkv", "On q, k, v"
        ALL = "all", "On every linear layer"

    class ConfigOrigin(models.TextChoices):
        PUBLISHED = "published", "The published config.json, as the publisher ships it"
        TRANSCRIBED = "transcribed", "Transcribed: the keys that matter, read from copies"
        PAPER = "paper", "Written from the paper: no config.json was published"

    slug = models.SlugField(max_length=80, unique=True, validators=[refuse_control_characters])
    name = models.CharField(max_length=120, validators=[refuse_control_characters])
    organisation = models.CharField(max_length=120, validators=[refuse_control_characters])
    release_date = models.DateField(null=True, blank=True)
    licence = models.CharField(max_length=200, blank=True, validators=[refuse_control_characters])
    open_weights = models.BooleanField(default=False)
    source_url = models.URLField(
        max_length=500,
        validators=[refuse_control_characters],
        help_text="Where the published size comes from.",
    )
    published_parameters = models.BigIntegerField(null=True, blank=True)
    published_is_exact = models.BooleanField(
        default=False, help_text="The publisher gives the exact count, not a rounded one."
    )
    published_active = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The publisher's active-parameter figure for a mixture of experts, if given.",
    )
    published_wording = models.CharField(
        max_length=300,
        blank=True,
        validators=[refuse_control_characters],
        help_text='The size as the publisher words it, e.g. "8B" or "671B total, 37B active".',
    )
    counting_note = models.TextField(
        blank=True,
        validators=[refuse_control_characters],
        help_text="How the publisher counts, where it differs from ours (embedding and head "
        "counted; routed experts a token does not use left out of active).",
    )
    parameters_are_estimate = models.BooleanField(
        default=False, help_text="The size was never published; any figure is an estimate."
    )
    estimated_parameters = models.BigIntegerField(null=True, blank=True)
    estimate_note = models.TextField(blank=True, validators=[refuse_control_characters])
    context_length = models.PositiveIntegerField(null=True, blank=True)
    training_tokens = models.BigIntegerField(null=True, blank=True)

    # The architecture: the model's config.json (null when it is not public).
    config = models.JSONField(
        null=True,
        blank=True,
        help_text="The model's config.json. Leave empty when the architecture is not public.",
    )
    config_origin = models.CharField(
        max_length=20,
        choices=ConfigOrigin.choices,
        blank=True,
        help_text="Where config comes from.",
    )
    config_source_url = models.URLField(
        max_length=500, blank=True, validators=[refuse_control_characters]
    )
    config_note = models.TextField(blank=True, validators=[refuse_control_characters])

    objects = CatalogModelQuerySet.as_manager()

    class Meta:
        ordering = ["release_date", "name"]
        verbose_name = "catalog model"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The parameter calculator preset to this model; where the architecture was never
        published (it cannot count it), the memory calculator at its stated size."""
        if self.config is None and self.parameters is not None:
            return reverse("calculators:detail", kwargs={"slug": "memory"}) + (
                f"?params={self.parameters}"
            )
        return reverse("calculators:detail", kwargs={"slug": "parameters"}) + f"?model={self.slug}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.config is None:
            if self.published_parameters is None and self.estimated_parameters is None:
                raise ValidationError(
                    "Give a config.json, a published parameter count or an estimate."
                )
            for name in ("config_origin", "config_source_url"):
                if getattr(self, name):
                    errors[name] = ["Only with a config.json."]
        else:
            errors.update(config_errors(self.config))
            if not self.config_origin:
                errors["config_origin"] = ["Say where the config.json comes from."]
            if not self.config_source_url:
                errors["config_source_url"] = ["Give where the config.json can be read."]
        if errors:
            raise ValidationError(errors)

    @property
    def has_architecture(self) -> bool:
        return self.config is not None

    def config_reading(self) -> ConfigReading | None:
        """The config read by sizing (None when no architecture is public); raises
        SizingError for a config clean() would refuse."""
        if self.config is None:
            return None
        return read_config(self.config)

    def architecture(self) -> Architecture | None:
        reading = self.config_reading()
        return None if reading is None else reading.architecture

    @property
    def parameters(self) -> int | None:
        """The count the calculators use: computed where the architecture is public."""
        arch = self.architecture()
        if arch is not None:
            return count_parameters(arch).total
        return self.published_parameters or self.estimated_parameters

    @property
    def active_parameters(self) -> int | None:
        """Active per token as sizing counts it: embedding and head included."""
        arch = self.architecture()
        if arch is not None:
            return count_parameters(arch).active
        return self.parameters

    @property
    def is_estimate(self) -> bool:
        return self.parameters_are_estimate and not self.has_architecture


def config_errors(config: object) -> dict[str, list[str]]:
    """What is wrong with a config.json for the catalog, as {"config": [messages]}, each
    message naming the key in the file ("num_hidden_layers: missing"); {} when sizing reads it."""
    if not isinstance(config, Mapping):
        return {"config": ["A config.json is a JSON object ({...})."]}
    if len(config) > CONFIG_MAX_KEYS:
        return {"config": [f"At most {CONFIG_MAX_KEYS} keys: this is not a config.json."]}
    try:
        read_config(config)
    except SizingError as error:
        return {
            "config": [
                f"{key}: {message}"
                for key, messages in error.errors.items()
                for message in messages
            ]
        }
    return {}


_GIB = 2**30


def _share(text: str) -> Fraction | None:
    """A usable share written as "3/4" (or "0.75"); None when it is no share in (0, 1]."""
    try:
        share = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        return None
    return share if 0 < share <= 1 else None


class Accelerator(models.Model):
    """A GPU or unified-memory machine the calculators size for (fixtures/gpus.yaml). Every
    figure is as published, with where it was read; a figure nobody publishes stays empty and
    the note says so."""

    class Kind(models.TextChoices):
        CONSUMER = "consumer", "Consumer graphics card"
        WORKSTATION = "workstation", "Workstation card"
        DATACENTER = "datacenter", "Datacenter accelerator"
        UNIFIED = "unified", "Unified-memory machine"

    class Interconnect(models.TextChoices):
        NVLINK = "nvlink", "NVLink"
        INFINITY_FABRIC = "infinity-fabric", "AMD Infinity Fabric"
        PCIE = "pcie", "PCIe only"
        NONE = "none", "None (one device)"

    slug = models.SlugField(max_length=80, unique=True, validators=[refuse_control_characters])
    name = models.CharField(max_length=120, validators=[refuse_control_characters])
    vendor = models.CharField(max_length=60, validators=[refuse_control_characters])
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DATACENTER)
    memory_label_gb = models.PositiveIntegerField(
        null=True, blank=True, help_text='Memory as the vendor labels it: 80 for "80GB".'
    )
    memory_label_is_decimal = models.BooleanField(
        default=False,
        help_text="The vendor's GB means 10⁹ bytes (otherwise 2³⁰, as memory dies come).",
    )
    memory_bytes = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Total memory as the driver reports it (nvidia-smi, rocm-smi), in bytes.",
    )
    bandwidth_bytes_per_second = models.BigIntegerField(
        null=True, blank=True, help_text="Memory bandwidth, decimal as vendors mean it."
    )
    flops_16bit = models.BigIntegerField(
        null=True, blank=True, help_text="Dense bf16 (or fp16) tensor FLOP/s, not 'with sparsity'."
    )
    flops_8bit = models.BigIntegerField(null=True, blank=True, help_text="Dense FP8 FLOP/s.")
    flops_4bit = models.BigIntegerField(null=True, blank=True, help_text="Dense FP4 FLOP/s.")
    interconnect = models.CharField(
        max_length=16, choices=Interconnect.choices, default=Interconnect.PCIE
    )
    interconnect_bytes_per_second = models.BigIntegerField(
        null=True, blank=True, help_text="Per-GPU link bandwidth where published."
    )
    usable_share = models.CharField(
        max_length=12,
        blank=True,
        validators=[refuse_control_characters],
        help_text='Share of memory the GPU may use by default, e.g. "3/4" (blank: all of it).',
    )
    release_date = models.DateField(null=True, blank=True)
    sources = models.TextField(
        validators=[refuse_control_characters],
        help_text="Where the figures come from: one address per line, the primary first.",
    )
    note = models.TextField(blank=True, validators=[refuse_control_characters])

    class Meta:
        ordering = ["name", "slug"]
        verbose_name = "accelerator"

    def __str__(self) -> str:
        return self.name

    @property
    def source_urls(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]

    @property
    def memory_label(self) -> str:
        return "" if self.memory_label_gb is None else f"{self.memory_label_gb}GB"

    @property
    def sizing_memory_bytes(self) -> int | None:
        """What the calculators size with: the driver's figure, else the label in its unit."""
        if self.memory_bytes is not None:
            return self.memory_bytes
        if self.memory_label_gb is None:
            return None
        return self.memory_label_gb * (10**9 if self.memory_label_is_decimal else _GIB)

    @property
    def share(self) -> Fraction:
        return (_share(self.usable_share) if self.usable_share else None) or Fraction(1)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        check_url = URLValidator(schemes=["https", "http"])
        urls = self.source_urls
        if not urls:
            errors["sources"] = "Give at least one address the figures come from."
        for url in urls:
            try:
                check_url(url)
            except ValidationError:
                errors["sources"] = f"“{url[:80]}” is not a web address (one per line)."
                break
        if self.usable_share and _share(self.usable_share) is None:
            errors["usable_share"] = 'Write a share between 0 and 1, such as "3/4" or "0.75".'
        label = self.memory_label_gb
        if self.memory_bytes is not None and label is not None:
            # The driver reports what is usable, a little under the label (ECC, firmware):
            # H100 80GB 81,559 MiB, L40S 48GB 46,068 MiB. Far from it is a typo in a unit.
            nominal = label * (10**9 if self.memory_label_is_decimal else _GIB)
            if not nominal * 0.85 <= self.memory_bytes <= nominal * 1.1:
                errors["memory_bytes"] = (
                    f"{self.memory_bytes:,} bytes is far from the {label}GB label: give the "
                    "driver's figure in bytes (MiB × 1,048,576)."
                )
        for name in (
            "memory_bytes", "bandwidth_bytes_per_second", "flops_16bit", "flops_8bit",
            "flops_4bit", "interconnect_bytes_per_second",
        ):  # fmt: skip
            value = getattr(self, name)
            if value is not None and value <= 0 and name not in errors:
                errors[name] = "Give a positive figure, or leave it empty when it is unknown."
        if self.interconnect == self.Interconnect.NONE and self.interconnect_bytes_per_second:
            errors["interconnect_bytes_per_second"] = "A device with no interconnect has no link."
        if errors:
            raise ValidationError(errors)

    def as_gpu(self) -> Gpu:
        return Gpu(
            slug=self.slug,
            name=self.name,
            vendor=self.vendor,
            memory_bytes=self.sizing_memory_bytes,
            bandwidth_bytes_per_second=self.bandwidth_bytes_per_second,
            flops_per_second=self.flops_16bit,
            source=self.source_urls[0] if self.source_urls else "",
            usable_share=self.share,
            note=self.note,
            kind=self.kind,
            memory_label=self.memory_label,
            fp8_flops_per_second=self.flops_8bit,
            fp4_flops_per_second=self.flops_4bit,
        )
