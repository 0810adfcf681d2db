"""A model's config.json as input to the calculators: pasted on a page, or sent as the body
of a POST to the API.

Either way the file is read by sizing.config_json into an Architecture, and that architecture
is written out as the calculator's own query fields (`architecture_query`). The page then
answers 303 to the calculator's GET URL (a link anyone can share), and the API answers what
that GET answers, by running the same form on the same fields: the two cannot differ.
"""

from __future__ import annotations

import json
import math

from django import forms
from django.http import HttpRequest, JsonResponse, QueryDict

from calculators.forms import ARCHITECTURE_FIELD_NAMES, MODERN_ARCHITECTURE_FIELD_NAMES
from calculators.layer_fields import layers_text, pattern_text
from sizing import Architecture, SizingError
from sizing.config_json import (
    ALIASES,
    MULTIMODAL,
    SUPPORTED_MODEL_TYPES,
    ConfigReading,
    read_config,
)

MAX_CONFIG_BYTES = 256 * 1024
# What the body's architecture replaces in the query: any other way of naming a model.
REPLACED = frozenset(
    {*ARCHITECTURE_FIELD_NAMES, *MODERN_ARCHITECTURE_FIELD_NAMES, "model", "params"}
)
# The model_types a config.json may name, as `from_config` of a page's URL takes them.
ORIGINS = (*SUPPORTED_MODEL_TYPES, *MULTIMODAL, *ALIASES)
CALCULATORS_WITH_PASTE = ("parameters", "memory")


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is too large a number")
    return value


def parse_config(body: bytes | str) -> ConfigReading:
    """Read a config.json's text. Raises SizingError: `config` for a file that is too large,
    not JSON or not an object; the file's own key names for what the reading refuses."""
    raw = body.encode() if isinstance(body, str) else body
    if len(raw) > MAX_CONFIG_BYTES:
        raise SizingError(
            "config", f"is over {MAX_CONFIG_BYTES // 1024} KB; a config.json is a few KB"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SizingError("config", "is not UTF-8 text") from None
    try:
        parsed = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except RecursionError:
        raise SizingError("config", "is nested too deeply to be a config.json") from None
    except ValueError as error:  # JSONDecodeError, NaN/Infinity, over-long integers
        raise SizingError("config", f"is not valid JSON: {str(error)[:120]}") from None
    if not isinstance(parsed, dict):
        raise SizingError("config", f"must be a JSON object, not {_json_kind(parsed)}")
    try:
        return read_config(parsed)
    except RecursionError:
        raise SizingError("config", "is nested too deeply to be a config.json") from None


def _json_kind(value: object) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def architecture_query(arch: Architecture) -> dict[str, str]:
    """The calculator's query fields that build `arch` again, leaving out those at their
    defaults (so the shared URL stays short)."""
    query: dict[str, str] = {}
    for name in (*ARCHITECTURE_FIELD_NAMES, *MODERN_ARCHITECTURE_FIELD_NAMES):
        value = getattr(arch, name)
        if name == "expert_ffn" and not arch.is_moe:
            continue
        if isinstance(value, bool):
            query[name] = "true" if value else "false"
        elif name == "dense_layers":
            query[name] = layers_text(value)
        elif name == "layer_attention":
            query[name] = pattern_text(value)
        elif value is not None:
            query[name] = str(value)
    defaults = {"layer_attention": "full", "dense_layers": "", "positions": "0", "experts": "1",
                "active_experts": "1", "shared_ffn": "0", "layer_norms": "2", "q_lora_rank": "0",
                "kv_lora_rank": "0", "qk_nope_head_dim": "0", "qk_rope_head_dim": "0",
                "v_head_dim": "0"}  # fmt: skip
    return {
        name: value
        for name, value in query.items()
        if defaults.get(name) != value and not (value == "false" and name not in ("tied",))
    }


def with_config(query: QueryDict, arch: Architecture) -> QueryDict:
    """`query` with its model and architecture fields replaced by those of `arch`."""
    merged = QueryDict(mutable=True)
    for key, values in query.lists():
        if key not in REPLACED:
            merged.setlist(key, values)
    merged.update(architecture_query(arch))
    return merged


def describe(arch: Architecture, model_type: str) -> str:
    """One line on what was read: "model_type qwen3_moe, 48 layers, hidden 2,048, …"."""
    parts = [f"model_type {model_type}", f"{arch.layers:,} layers", f"hidden {arch.hidden:,}"]
    if arch.is_mla:
        parts.append(f"{arch.heads:,} heads with latent attention (rank {arch.kv_lora_rank:,})")
    else:
        parts.append(f"{arch.heads:,} heads ({arch.kv_heads:,} key/value) of {arch.head_dim:,}")
    if arch.is_moe:
        experts = (
            f"{arch.experts:,} experts ({arch.active_experts:,} active) of {arch.expert_ffn:,}"
        )
        if arch.shared_ffn:
            experts += f", a shared expert of {arch.shared_ffn:,}"
        if arch.dense_layers:
            experts += f", {len(arch.dense_layers):,} dense layers of {arch.ffn:,}"
        parts.append(experts)
    else:
        parts.append(f"MLP {arch.ffn:,}")
    kinds = {spec.attention for spec in arch.layer_specs}
    if "sliding" in kinds:
        parts.append(f"sliding window {arch.sliding_window:,}")
    if "chunked" in kinds:
        parts.append(f"attention chunk {arch.attention_chunk:,}")
    parts.append(f"vocabulary {arch.vocab:,}")
    return ", ".join(parts)


def origin_notes(model_type: str) -> list[str]:
    """What a config of `model_type` leaves out or is read as (the page's URL keeps it)."""
    notes = []
    if model_type in MULTIMODAL:
        notes.append(
            f"A multimodal {model_type} config: its text model is counted; "
            f"{MULTIMODAL[model_type]} are not."
        )
    if model_type in ALIASES:
        notes.append(f"{model_type} is read as {ALIASES[model_type]}: the same architecture.")
    return notes


class ConfigForm(forms.Form):
    """A pasted config.json, read into an architecture (cleaned_data["reading"])."""

    config = forms.CharField(
        label="config.json",
        max_length=MAX_CONFIG_BYTES,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "autocomplete": "off"}),
        help_text="Paste the file's whole text, as the model's repository has it.",
        error_messages={
            "max_length": f"That is over {MAX_CONFIG_BYTES // 1024} KB; a config.json is a few KB."
        },
    )

    def clean_config(self) -> str:
        text: str = self.cleaned_data["config"]
        try:
            self.cleaned_data["reading"] = parse_config(text)
        except SizingError as error:
            raise forms.ValidationError(
                [
                    f"{field}: {message}"
                    for field, messages in error.errors.items()
                    for message in messages
                ]
            ) from None
        return text


def origin_of(text: str) -> str:
    """The model_type a (valid) config.json's text names at its top level."""
    model_type = json.loads(text).get("model_type")
    return model_type if model_type in ORIGINS else ""


class OriginForm(forms.Form):
    """`from_config` of a calculator's URL: the model_type of the config.json it was read from."""

    from_config = forms.ChoiceField(required=False, choices=[(name, name) for name in ORIGINS])


def config_origin(request: HttpRequest) -> str | None:
    form = OriginForm(request.GET)
    return (form.cleaned_data["from_config"] or None) if form.is_valid() else None


def errors_response(error: SizingError, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"errors": {field: list(messages) for field, messages in error.errors.items()}},
        status=status,
    )


def read_body(request: HttpRequest) -> ConfigReading:
    """The request's body as a config.json; SizingError (with `status`) when it is not one."""
    content_type = request.content_type or ""
    if content_type != "application/json":
        error = SizingError(
            "Content-Type", f"must be application/json, not {content_type[:60] or 'none'}"
        )
        error.status = 415  # type: ignore[attr-defined]
        raise error
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_CONFIG_BYTES:
        raise SizingError(
            "config", f"is over {MAX_CONFIG_BYTES // 1024} KB; a config.json is a few KB"
        )
    return parse_config(request.body)


def body_status(error: SizingError) -> int:
    return int(getattr(error, "status", 400))
