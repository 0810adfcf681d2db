"""The catalog of real models the calculators can be preset to."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from calculators.plain_text import refuse_control_characters
from sizing import Architecture, SizingError, count_parameters

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
