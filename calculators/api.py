"""The sizing endpoints and the number formats, as the API's description declares them.

Each calculator is one endpoint, /api/v1/sizing/<slug>, described from its form and its answer
type (calculators/definitions.py), so a new calculator is described by being defined. The
catalog's endpoints (number formats, GPUs) join `ENDPOINTS` here, one declaration each.
"""

from __future__ import annotations

from typing import Annotated, TypedDict

from django.http import HttpRequest

from calculators import pasted_config
from calculators.api_description import Endpoint, Example, Refusal, RequestBody
from calculators.api_http import ApiAnswer, read_only_json
from calculators.definitions import CALCULATORS, Calculator
from calculators.forms import ArchitectureForm
from calculators.models import Accelerator
from calculators.views import sizing_api
from sizing import DTYPES
from sizing.config_json import ALIASES, MULTIMODAL, SUPPORTED_MODEL_TYPES

SIZING = "Sizing"
CATALOG = "Catalog"

GPT2_SMALL = {
    "layers": "12", "hidden": "768", "heads": "12", "vocab": "50257", "ffn": "3072",
    "mlp": "standard", "norm": "layernorm", "bias": "all", "tied": "true", "positions": "1024",
}  # fmt: skip
# Real requests of the shipped catalog, beyond each calculator page's own defaults.
MORE_EXAMPLES: dict[str, tuple[Example, ...]] = {
    "parameters": (
        Example("mixtral", "A mixture of experts: total and active", {"model": "mixtral-8x7b"}),
        Example("gpt-2-small-fields", "GPT-2 small, field by field", GPT2_SMALL),
    ),
    "memory": (
        Example(
            "llama-3-70b-q4",
            "Llama 3 70B in llama.cpp's q4_k_m",
            {"model": "llama-3-70b", "dtype": "q4_k_m", "context": "8192"},
        ),
        Example("params-only", "Weights only, from a parameter count", {"params": "7000000000"}),
    ),
}


def _inputs(calculator: Calculator) -> str:
    form = calculator.form_class
    if not issubclass(form, ArchitectureForm):
        return "Every input is optional."
    required = ", ".join(f"`{name}`" for name in form.ARCH_REQUIRED)
    either = f"Give a catalog `model`, or an architecture: {required}"
    if form.accepts_params:
        either += ", or a bare parameter count `params`"
    return either + ". The other fields have defaults."


def sizing_endpoint(calculator: Calculator) -> Endpoint:
    examples = [
        Example("default", calculator.title, calculator.defaults),
        *MORE_EXAMPLES.get(calculator.slug, ()),
        Example("nothing-given", "Neither a model nor an architecture", {}, status=400)
        if calculator.architecture
        else Example("unknown-model", "A model not in the catalog", {"small": "gpt-9"}, status=400),
    ]
    return Endpoint(
        path=f"/api/v1/sizing/{calculator.slug}",
        operation_id=f"sizing_{calculator.slug}",
        summary=calculator.title,
        description=f"{calculator.summary} {_inputs(calculator)} The same form validates the "
        "calculator's page, its embedded widget and this endpoint, so the three agree. "
        "Unknown query parameters are ignored.",
        tag=SIZING,
        view=sizing_api,
        view_kwargs={"slug": calculator.slug},
        query=calculator.form_class,
        answer=calculator.answer,
        refusals=(Refusal(400, "An input is invalid: each field's messages."),),
        examples=tuple(examples),
        rate_limited=True,
        body=config_body(calculator) if calculator.architecture else None,
    )


# Qwen3-0.6B's config.json as its repository has it (the keys the reading uses, and some it
# does not, as any config has).
QWEN3_0_6B: dict[str, object] = {
    "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 1024,
    "num_hidden_layers": 28, "num_attention_heads": 16, "num_key_value_heads": 8,
    "head_dim": 128, "intermediate_size": 3072, "vocab_size": 151936,
    "max_position_embeddings": 40960, "tie_word_embeddings": True, "attention_bias": False,
    "rms_norm_eps": 1e-06, "rope_theta": 1000000, "torch_dtype": "bfloat16",
}  # fmt: skip


def config_body(calculator: Calculator) -> RequestBody:
    supported = ", ".join(f"`{name}`" for name in SUPPORTED_MODEL_TYPES)
    multimodal = ", ".join(f"`{name}`" for name in MULTIMODAL)
    aliases = ", ".join(f"`{alias}` (as `{name}`)" for alias, name in ALIASES.items())
    replaced = ", ".join(
        f"`{name}`" for name in ("model", "params") if name in calculator.form_class.base_fields
    )
    return RequestBody(
        description=f"{calculator.summary} The body is a model's `config.json` "
        "(`Content-Type: application/json`, at most 256 KB); the other inputs go in the query "
        "string as for GET. The answer is exactly the GET's with the architecture read from "
        f"the file, which replaces {replaced} and the architecture fields of the query. "
        f"Read exactly (the count equals what Hugging Face transformers' model class holds): "
        f"{supported}; {aliases}; and the multimodal {multimodal}, whose text model is "
        "counted and whose vision tower is not. A missing key takes transformers' default "
        "for that family, except the sizes no config leaves out (hidden size, layers, "
        "heads). Errors name the file's own keys (`text_config.hidden_size`). Nothing is "
        "stored: the POST changes nothing, needs no CSRF token and shares the GET's rate limit.",
        schema={
            "type": "object",
            "required": ["model_type"],
            "properties": {
                "model_type": {
                    "type": "string",
                    "enum": list(pasted_config.ORIGINS),
                    "description": "The model family, as transformers names it.",
                }
            },
            "additionalProperties": True,
        },
        replaces=pasted_config.REPLACED,
        example=QWEN3_0_6B,
        refusals=(
            Refusal(400, "The body is not a config.json this reads, or a query input is "
                    "invalid: each key's messages, named as in the file."),
            Refusal(415, "The body is not sent as application/json.", ("Content-Type",)),
        ),
    )  # fmt: skip


class NumberFormat(TypedDict):
    name: Annotated[str, "As the sizing endpoints' `dtype` takes it"]
    bits_per_weight: Annotated[
        float, "Averaged over a block for block formats; exact (a binary fraction) when `exact`"
    ]
    exact: Annotated[bool, "False when bits_per_weight is a measured average (llama.cpp mixes)"]
    note: str
    source: Annotated[str | None, "Where the layout or the figure comes from", {"format": "uri"}]


class FormatList(TypedDict):
    """The number formats weights can be stored in, as the calculators know them."""

    formats: list[NumberFormat]


@read_only_json
def format_list(request: HttpRequest) -> ApiAnswer[FormatList]:
    return ApiAnswer[FormatList](
        {
            "formats": [
                {
                    "name": dtype.name,
                    "bits_per_weight": float(dtype.bits),
                    "exact": dtype.exact,
                    "note": dtype.note,
                    "source": dtype.source or None,
                }
                for dtype in DTYPES.values()
            ]
        }
    )


FORMATS = Endpoint(
    path="/api/v1/formats",
    operation_id="format_list",
    summary="Number formats",
    description="Every number format the sizing endpoints take as `dtype`, `kv_dtype` (plain "
    "types, GGUF blocks and mixes, NF4), with its bits per weight and whether that figure is "
    "exact (from the block layout) or a measured average.",
    tag=CATALOG,
    view=format_list,
    answer=FormatList,
    examples=(Example("all", "Every format"),),
)


class GpuEntry(TypedDict):
    slug: Annotated[str, "As the sizing endpoints' `gpu` takes it"]
    name: str
    vendor: str
    kind: Annotated[str, {"enum": [kind.value for kind in Accelerator.Kind]}]
    memory_label: Annotated[str | None, 'As the vendor labels it: "80GB"']
    memory_bytes: Annotated[
        int | None, "What the calculators size with: the driver-reported total, else the label"
    ]
    memory_is_driver_reported: bool
    usable_memory_bytes: Annotated[
        int | None, "What a model may occupy by default (a share, on unified memory)"
    ]
    bandwidth_bytes_per_second: Annotated[int | None, "Decimal, as vendors mean it"]
    flops_16bit: Annotated[int | None, "Dense bf16 (or fp16) FLOP/s; null where unpublished"]
    flops_8bit: int | None
    flops_4bit: int | None
    note: str
    sources: Annotated[list[str], "Where the figures come from, the primary first"]


class GpuList(TypedDict):
    """The accelerators the sizing endpoints know, by name."""

    gpus: list[GpuEntry]


@read_only_json
def gpu_list(request: HttpRequest) -> ApiAnswer[GpuList]:
    rows = Accelerator.objects.order_by("name", "slug")
    return ApiAnswer[GpuList](
        {
            "gpus": [
                {
                    "slug": row.slug,
                    "name": row.name,
                    "vendor": row.vendor,
                    "kind": row.kind,
                    "memory_label": row.memory_label or None,
                    "memory_bytes": row.sizing_memory_bytes,
                    "memory_is_driver_reported": row.memory_bytes is not None,
                    "usable_memory_bytes": row.as_gpu().usable_memory_bytes,
                    "bandwidth_bytes_per_second": row.bandwidth_bytes_per_second,
                    "flops_16bit": row.flops_16bit,
                    "flops_8bit": row.flops_8bit,
                    "flops_4bit": row.flops_4bit,
                    "note": row.note,
                    "sources": row.source_urls,
                }
                for row in rows
            ]
        }
    )


GPUS = Endpoint(
    path="/api/v1/gpus",
    operation_id="gpu_list",
    summary="GPUs and unified-memory machines",
    description="Every accelerator the sizing endpoints take as `gpu`, with its memory (as "
    "labelled, and in bytes as the driver reports it where that is known), bandwidth and dense "
    "FLOP/s. A figure nobody has published is null; the calculators refuse a GPU for an "
    "estimate that needs such a figure.",
    tag=CATALOG,
    view=gpu_list,
    answer=GpuList,
    examples=(Example("all", "Every GPU"),),
)

ENDPOINTS: list[Endpoint] = [
    *(sizing_endpoint(calculator) for calculator in CALCULATORS.values()),
    FORMATS,
    GPUS,
]
