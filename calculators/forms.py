"""One form per calculator: it validates the page, the embedded widget and the API alike.

Forms parse and bound the query string; sizing/ then checks the domain rules (heads divide
hidden, active experts ≤ experts, …) and its SizingError messages land on the same fields.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from calculators.gpus import GpuField
from calculators.layer_fields import AttentionPatternField, LayerListField
from calculators.models import CatalogModel
from sizing import DTYPES, Architecture, SizingError
from sizing.architecture import (
    MAX_EXPERTS,
    MAX_FFN,
    MAX_HEAD_DIM,
    MAX_HEADS,
    MAX_HIDDEN,
    MAX_LAYER_NORMS,
    MAX_LAYERS,
    MAX_PARAMS,
    MAX_POSITIONS,
    MAX_RANK,
    MAX_VOCAB,
    MAX_WINDOW,
)
from sizing.compute import MAX_GPUS, MAX_PRICE, MAX_TOKENS
from sizing.memory import MAX_BATCH, MAX_CONTEXT

MAX_DIGITS = 20  # no number we accept is longer; longer strings are refused before parsing
BOOLEAN_CHOICES = [("false", "No"), ("true", "Yes")]
DTYPE_CHOICES = [(name, name) for name in DTYPES]


class BoundedIntegerField(forms.IntegerField):
    """A whole number whose text is checked for length before it is parsed. Left out, it is
    `default` (None: the calculator works one out); the API's description shows it."""

    def __init__(self, *, default: int | None = None, **kwargs: Any) -> None:
        self.default = default
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:
        cleaned = super().clean(value)
        return self.default if cleaned is None else cleaned

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            text = value.strip()
            value = text.replace(",", "").replace("_", "")
            if text and not value:  # "," or "_": separators of no number
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if len(value) > MAX_DIGITS:
                raise forms.ValidationError("That number is far too long.", code="too_long")
        return super().to_python(value)


class WholeNumberField(forms.IntegerField):
    """A whole number written in ASCII digits only: a page number, a diagram's size, the id of
    an answer. Leading zeros are fine.

    It is stricter than BoundedIntegerField, which forgives the commas and spaces of a pasted
    "4,096". IntegerField alone would take " 1", "+1", "1.0" and "١" (int() reads
    Arabic-Indic digits). The length is checked before int() runs: int() refuses more than
    4,300 digits, and a number longer than the largest allowed is out of range anyway.
    Every refusal has one `message` (by default, one naming the range); it may use
    %(value)s, the text as typed."""

    def __init__(
        self, *, min_value: int = 1, max_value: int, message: str = "", **kwargs: Any
    ) -> None:
        message = message or f"Enter a whole number from {min_value:,} to {max_value:,}."
        kwargs["error_messages"] = {
            "invalid": message,
            "min_value": message,
            "max_value": message,
            **kwargs.get("error_messages", {}),
        }
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value)
        if not (text.isascii() and text.isdigit()):
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": text}
            )
        digits = text.lstrip("0") or "0"
        if len(digits) > len(str(self.max_value)):
            raise forms.ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit_value": self.max_value, "value": text},
            )
        return int(digits)


def first_error(form: forms.Form) -> str:
    """The message a page shows for an invalid form: its first field's first error."""
    # An ErrorList's items are its messages (a ValidationError is read out on indexing);
    # str() makes a lazy one a str, as the annotation says.
    return str(next(iter(form.errors.values()))[0])


class DecimalWithDefaultField(forms.DecimalField):
    """A decimal that is `default` when left out (the API's description shows it)."""

    def __init__(self, *, default: Decimal, **kwargs: Any) -> None:
        self.default = default
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Decimal:
        cleaned = super().clean(value)
        return self.default if cleaned is None else cleaned


class CatalogSlugField(forms.CharField):
    """A catalog model's slug. The form's clean() looks it up, and refuses an unknown one by
    name; `current_choices` lists the slugs it takes now, for the API's description (only
    models whose architecture is published, where the calculator needs one)."""

    def __init__(self, *, with_architecture: bool, **kwargs: Any) -> None:
        self.with_architecture = with_architecture
        # Not stripped: a slug is exactly as the catalog has it, so " " is no slug, not none.
        super().__init__(max_length=80, required=False, strip=False, **kwargs)

    def current_choices(self) -> list[str]:
        models = CatalogModel.objects.order_by("slug")
        if self.with_architecture:
            models = models.with_architecture()
        return list(models.values_list("slug", flat=True))


def number(
    label: str, minimum: int, maximum: int, help_text: str = "", *, default: int | None = None
) -> BoundedIntegerField:
    return BoundedIntegerField(
        label=label,
        required=False,
        min_value=minimum,
        max_value=maximum,
        help_text=help_text,
        default=default,
    )


ARCHITECTURE_FIELD_NAMES = (
    "layers", "hidden", "heads", "kv_heads", "head_dim", "ffn", "vocab", "mlp", "norm", "bias",
    "tied", "positions", "experts", "active_experts",
)  # fmt: skip
# The fields 2025-26 architectures need (sizing/architecture.py), each defaulting to what the
# fields above always meant: a config.json read on a page lands on a GET URL carrying them.
MODERN_ARCHITECTURE_FIELD_NAMES = (
    "expert_ffn", "shared_ffn", "shared_expert_gate", "router_bias", "dense_layers",
    "layer_attention", "sliding_window", "attention_chunk", "attention_sinks", "qk_norm",
    "layer_norms", "q_lora_rank", "kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim",
    "v_head_dim",
)  # fmt: skip
MODERN_FLAGS = ("shared_expert_gate", "router_bias", "attention_sinks", "qk_norm")


class CalculatorForm(forms.Form):
    """Shared plumbing: errors as the API contract wants them, fields grouped for templates."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # A choice left out of the query takes its default, and the rendered menu shows it
        # (otherwise a browser submits the menu's first option instead).
        if data is not None:
            data = data.copy()
            for name, field in self.base_fields.items():
                if field.initial not in (None, "") and not data.get(name):
                    data[name] = field.initial
        super().__init__(data, *args, **kwargs)

    def architecture_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ARCHITECTURE_FIELD_NAMES if name in self.fields]

    def modern_architecture_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in MODERN_ARCHITECTURE_FIELD_NAMES if name in self.fields]

    def architecture_has_errors(self) -> bool:
        return any(
            field.errors for field in self.architecture_fields() + self.modern_architecture_fields()
        )

    def modern_architecture_has_values(self) -> bool:
        """Whether the reader gave any of the modern fields (their section opens)."""
        return self.is_bound and any(
            self.data.get(name) not in (None, "", "false")
            for name in MODERN_ARCHITECTURE_FIELD_NAMES
        )

    def option_fields(self) -> list[forms.BoundField]:
        skip = {*ARCHITECTURE_FIELD_NAMES, *MODERN_ARCHITECTURE_FIELD_NAMES}
        skip |= {"model", "small", "large"}
        return [self[name] for name in self.fields if name not in skip]

    def api_errors(self) -> dict[str, list[str]]:
        return {
            field: [error["message"] for error in errors]
            for field, errors in self.errors.get_json_data().items()
        }

    def add_sizing_error(self, error: SizingError) -> None:
        for field, messages in error.errors.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)


class ArchitectureForm(CalculatorForm):
    """A decoder-only transformer, field for field as the API contract names them, or a
    catalog model by slug."""

    model = CatalogSlugField(label="Model", with_architecture=True)
    layers = number("Layers", 1, MAX_LAYERS, "Transformer blocks")
    hidden = number("Hidden size", 1, MAX_HIDDEN, "Width of the residual stream (d_model)")
    heads = number("Attention heads", 1, MAX_HEADS)
    kv_heads = number("Key/value heads", 1, MAX_HEADS, "Fewer than heads = grouped-query attention")
    head_dim = number("Head size", 1, MAX_HEAD_DIM, "Default: hidden ÷ heads")
    ffn = number("MLP size", 1, MAX_FFN, "Default: 4 × hidden")
    vocab = number("Vocabulary", 1, MAX_VOCAB)
    mlp = forms.ChoiceField(
        label="MLP", required=False, choices=CatalogModel.Mlp.choices, initial="gated"
    )
    norm = forms.ChoiceField(
        label="Norm", required=False, choices=CatalogModel.Norm.choices, initial="rmsnorm"
    )
    bias = forms.ChoiceField(
        label="Biases", required=False, choices=CatalogModel.Bias.choices, initial="none"
    )
    tied = forms.ChoiceField(
        label="Tied embeddings", required=False, choices=BOOLEAN_CHOICES, initial="false"
    )
    positions = number("Learned positions", 0, MAX_POSITIONS, "0 for rotary embeddings", default=0)
    experts = number("Experts", 1, MAX_EXPERTS, "Mixture of experts: MLPs per layer", default=1)
    active_experts = number("Active experts", 1, MAX_EXPERTS, "Experts each token runs", default=1)
    expert_ffn = number(
        "Expert MLP size", 1, MAX_FFN, "One routed expert's width. Default: MLP size"
    )
    shared_ffn = number(
        "Shared expert size",
        0,
        MAX_FFN,
        "Always-on shared expert(s) per MoE layer; 0: none",
        default=0,
    )
    shared_expert_gate = forms.ChoiceField(
        label="Shared expert gate", required=False, choices=BOOLEAN_CHOICES, initial="false",
        help_text="Qwen2-MoE: a hidden × 1 gate scales the shared expert",
    )  # fmt: skip
    router_bias = forms.ChoiceField(
        label="Router bias", required=False, choices=BOOLEAN_CHOICES, initial="false",
        help_text="gpt-oss: a bias per expert in the router",
    )  # fmt: skip
    dense_layers = LayerListField(
        label="Dense layers", help_text="Layers of a MoE whose MLP is dense, e.g. 0-2"
    )
    layer_attention = AttentionPatternField(
        label="Layer attention",
        help_text="full, sliding or chunked per layer, repeated from layer 0, "
        "e.g. sliding*5,full. Default: full",
    )
    sliding_window = number("Sliding window", 1, MAX_WINDOW, "Tokens a sliding layer attends to")
    attention_chunk = number("Attention chunk", 1, MAX_WINDOW, "Tokens of a chunked layer's chunk")
    attention_sinks = forms.ChoiceField(
        label="Attention sinks", required=False, choices=BOOLEAN_CHOICES, initial="false",
        help_text="gpt-oss: one learned logit per head and layer",
    )  # fmt: skip
    qk_norm = forms.ChoiceField(
        label="Q/K norm", required=False, choices=BOOLEAN_CHOICES, initial="false",
        help_text="Qwen3, Gemma 3: a head_dim norm on queries and on keys",
    )  # fmt: skip
    layer_norms = number(
        "Norms per layer", 1, MAX_LAYER_NORMS, "2 (before attention and MLP); 4 in Gemma 2/3",
        default=2,
    )  # fmt: skip
    q_lora_rank = number("MLA query rank", 0, MAX_RANK, "0: queries projected directly", default=0)
    kv_lora_rank = number(
        "MLA key/value rank", 0, MAX_RANK, "Multi-head latent attention; 0: none", default=0
    )
    qk_nope_head_dim = number("MLA q/k head size (no rotary)", 0, MAX_RANK, default=0)
    qk_rope_head_dim = number("MLA q/k head size (rotary)", 0, MAX_RANK, default=0)
    v_head_dim = number("MLA value head size", 0, MAX_RANK, default=0)

    ARCH_REQUIRED = ("layers", "hidden", "heads", "vocab")
    #: Whether a bare parameter count (`params`) may stand in for an architecture.
    accepts_params = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        cleaned["catalog_model"] = None
        cleaned["architecture"] = None
        slug = cleaned.get("model")
        if slug:
            catalog_model = CatalogModel.objects.filter(slug=slug).first()
            if catalog_model is None:
                self.add_error("model", f"There is no model “{slug[:80]}” in the catalog.")
                return cleaned
            cleaned["catalog_model"] = catalog_model
            if catalog_model.has_architecture:
                cleaned["architecture"] = catalog_model.architecture()
            elif not self.accepts_params:
                self.add_error(
                    "model",
                    f"{catalog_model.name}’s architecture has not been published, so its "
                    "parameters cannot be counted.",
                )
            return cleaned
        if self.accepts_params and cleaned.get("params"):
            return cleaned
        missing = [name for name in self.ARCH_REQUIRED if cleaned.get(name) is None]
        if missing:
            for name in missing:
                self.add_error(
                    name,
                    "Required (or choose a catalog model"
                    + (", or give params" if self.accepts_params else "")
                    + ").",
                )
            return cleaned
        try:
            cleaned["architecture"] = Architecture(
                layers=cleaned["layers"],
                hidden=cleaned["hidden"],
                heads=cleaned["heads"],
                vocab=cleaned["vocab"],
                kv_heads=cleaned.get("kv_heads"),
                head_dim=cleaned.get("head_dim"),
                ffn=cleaned.get("ffn"),
                mlp=cleaned.get("mlp") or "gated",
                norm=cleaned.get("norm") or "rmsnorm",
                bias=cleaned.get("bias") or "none",
                tied=cleaned.get("tied") == "true",
                positions=cleaned.get("positions") or 0,
                experts=cleaned.get("experts") or 1,
                active_experts=cleaned.get("active_experts") or 1,
                expert_ffn=cleaned.get("expert_ffn"),
                shared_ffn=cleaned.get("shared_ffn") or 0,
                dense_layers=cleaned.get("dense_layers") or (),
                layer_attention=cleaned.get("layer_attention") or ("full",),
                sliding_window=cleaned.get("sliding_window"),
                attention_chunk=cleaned.get("attention_chunk"),
                layer_norms=cleaned.get("layer_norms") or 2,
                q_lora_rank=cleaned.get("q_lora_rank") or 0,
                kv_lora_rank=cleaned.get("kv_lora_rank") or 0,
                qk_nope_head_dim=cleaned.get("qk_nope_head_dim") or 0,
                qk_rope_head_dim=cleaned.get("qk_rope_head_dim") or 0,
                v_head_dim=cleaned.get("v_head_dim") or 0,
                **{flag: cleaned.get(flag) == "true" for flag in MODERN_FLAGS},
            )
        except SizingError as error:
            self.add_sizing_error(error)
        return cleaned


class ParametersForm(ArchitectureForm):
    pass


class MemoryForm(ArchitectureForm):
    accepts_params = True
    model = CatalogSlugField(label="Model", with_architecture=False)
    params = number("Parameters", 1, MAX_PARAMS, "Instead of an architecture: weights only")
    dtype = forms.ChoiceField(
        label="Weights precision", required=False, choices=DTYPE_CHOICES, initial="bf16"
    )
    kv_dtype = forms.ChoiceField(
        label="KV cache precision",
        required=False,
        choices=[("", "same as weights (≥16 bits) or fp16")] + DTYPE_CHOICES,
    )
    context = number("Context (tokens)", 0, MAX_CONTEXT, default=0)
    batch = number("Batch (sequences)", 1, MAX_BATCH, default=1)
    mode = forms.ChoiceField(
        label="Use",
        required=False,
        initial="inference",
        choices=[
            ("inference", "Inference"),
            ("training", "Full training (mixed-precision Adam)"),
            ("lora", "LoRA fine-tuning"),
            ("qlora", "QLoRA fine-tuning"),
        ],
    )


class TrainingForm(ArchitectureForm):
    accepts_params = True
    model = CatalogSlugField(label="Model", with_architecture=False)
    params = number("Parameters", 1, MAX_PARAMS)
    tokens = number("Training tokens", 1, MAX_TOKENS, "Default: compute-optimal, 20 per parameter")
    gpu = GpuField()
    gpus = number("GPUs", 1, MAX_GPUS, default=1)
    mfu = DecimalWithDefaultField(
        default=Decimal("0.4"),
        label="MFU",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("1"),
        max_digits=6,
        decimal_places=4,
        help_text="Share of peak FLOP/s really achieved (0.3–0.5 is typical)",
    )
    price = forms.DecimalField(
        label="Price per GPU-hour ($)",
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal(MAX_PRICE),
        max_digits=12,
        decimal_places=4,
    )


class InferenceForm(ArchitectureForm):
    gpu = GpuField()
    gpus = number("GPUs", 1, 1024, default=1)
    dtype = forms.ChoiceField(
        label="Weights precision", required=False, choices=DTYPE_CHOICES, initial="bf16"
    )
    context = number("Context (tokens)", 0, MAX_CONTEXT, default=0)


class ScaleForm(CalculatorForm):
    small = CatalogSlugField(label="Smaller model", with_architecture=False)
    large = CatalogSlugField(label="Larger model", with_architecture=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for field in ("small", "large"):
            slug = cleaned.get(field)
            if slug and not CatalogModel.objects.filter(slug=slug).exists():
                self.add_error(field, f"There is no model “{slug[:80]}” in the catalog.")
        return cleaned
