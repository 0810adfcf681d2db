"""The catalog of real models the calculators can be preset to."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse

from calculators.plain_text import refuse_control_characters
from sizing import Architecture, Gpu, SizingError, count_parameters

ARCHITECTURE_FIELDS = (
    "layers", "hidden", "heads", "kv_heads", "head_dim", "ffn", "vocab", "mlp", "norm", "bias",
    "tied", "positions", "experts", "active_experts",
)  # fmt: skip


class CatalogModelQuerySet(models.QuerySet["CatalogModel"]):
    def with_architecture(self) -> CatalogModelQuerySet:
        return self.filter(layers__isnull=False)


class CatalogModel(models.Model):
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

    slug = models.SlugField(max_length=80, unique=True, validators=[refuse_control_characters])
    name = models.CharField(max_length=120, validators=[refuse_control_characters])
    organisation = models.CharField(max_length=120, validators=[refuse_control_characters])
    release_date = models.DateField(null=True, blank=True)
    open_weights = models.BooleanField(default=False)
    source_url = models.URLField(
        max_length=500,
        validators=[refuse_control_characters],
        help_text="Where the size or architecture comes from.",
    )
    published_parameters = models.BigIntegerField(null=True, blank=True)
    published_is_exact = models.BooleanField(
        default=False, help_text="The publisher gives the exact count, not a rounded one."
    )
    parameters_are_estimate = models.BooleanField(
        default=False, help_text="The size was never published; any figure is an estimate."
    )
    estimated_parameters = models.BigIntegerField(null=True, blank=True)
    estimate_note = models.TextField(blank=True, validators=[refuse_control_characters])
    context_length = models.PositiveIntegerField(null=True, blank=True)
    training_tokens = models.BigIntegerField(null=True, blank=True)

    # The architecture (null when it is not public). Counts are computed from it by sizing/.
    layers = models.PositiveIntegerField(null=True, blank=True)
    hidden = models.PositiveIntegerField(null=True, blank=True)
    heads = models.PositiveIntegerField(null=True, blank=True)
    kv_heads = models.PositiveIntegerField(null=True, blank=True)
    head_dim = models.PositiveIntegerField(null=True, blank=True)
    ffn = models.PositiveIntegerField(null=True, blank=True)
    vocab = models.PositiveIntegerField(null=True, blank=True)
    mlp = models.CharField(max_length=10, choices=Mlp.choices, default=Mlp.GATED)
    norm = models.CharField(max_length=10, choices=Norm.choices, default=Norm.RMSNORM)
    bias = models.CharField(max_length=10, choices=Bias.choices, default=Bias.NONE)
    tied = models.BooleanField(default=False)
    positions = models.PositiveIntegerField(default=0)
    experts = models.PositiveIntegerField(default=1)
    active_experts = models.PositiveIntegerField(default=1)

    objects = CatalogModelQuerySet.as_manager()

    class Meta:
        ordering = ["release_date", "name"]
        verbose_name = "catalog model"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("calculators:detail", kwargs={"slug": "parameters"}) + f"?model={self.slug}"

    def clean(self) -> None:
        if self.layers is None:
            if self.published_parameters is None and self.estimated_parameters is None:
                raise ValidationError(
                    "Give an architecture, a published parameter count or an estimate."
                )
            return
        try:
            self.architecture()
        except SizingError as error:
            raise ValidationError(
                {
                    f if f in ARCHITECTURE_FIELDS else "layers": msgs
                    for f, msgs in error.errors.items()
                }
            ) from None

    @property
    def has_architecture(self) -> bool:
        return self.layers is not None

    def architecture(self) -> Architecture | None:
        if self.layers is None:
            return None
        values: dict[str, Any] = {name: getattr(self, name) for name in ARCHITECTURE_FIELDS}
        return Architecture(**values)

    @property
    def parameters(self) -> int | None:
        """The count the calculators use: computed where the architecture is public."""
        arch = self.architecture()
        if arch is not None:
            return count_parameters(arch).total
        return self.published_parameters or self.estimated_parameters

    @property
    def active_parameters(self) -> int | None:
        arch = self.architecture()
        if arch is not None:
            return count_parameters(arch).active
        return self.parameters

    @property
    def is_estimate(self) -> bool:
        return self.parameters_are_estimate and not self.has_architecture


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
