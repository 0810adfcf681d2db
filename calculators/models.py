"""The catalog of real models the calculators can be preset to.

A model's architecture is its Hugging Face config.json (`config`), read by sizing.config_json
exactly as transformers reads it; the counts are computed from it. `config` is null when the
architecture was never published: then only a published figure or a labelled estimate exists.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from calculators.plain_text import refuse_control_characters
from sizing import Architecture, ConfigReading, SizingError, count_parameters, read_config

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
