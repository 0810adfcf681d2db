"""The model catalog as JSON: /api/v1/models (every model, its counts or labelled estimate, its
published figure and source) and /api/v1/models/<slug> (one, with the architecture sizing read
from its config.json and that config itself).

Counts are sizing's (calculators/models.py reads each config.json through sizing.config_json):
"active" includes the embedding and the output head; the publisher's own figure and wording
stand beside them, with how the publisher counts where it differs.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypedDict, cast

from django.http import HttpRequest, JsonResponse

from caching.origin import absolute_url
from calculators.api_description import Endpoint, Example, PathParameter, Refusal
from calculators.api_http import ApiAnswer, read_only_json
from calculators.models import CatalogModel
from sizing import Architecture, SizingError, count_parameters

CATALOG = "Catalog"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"  # Django's SlugField
SLUG_MAX = 80
Url = Annotated[str, {"format": "uri"}]


class PublishedSize(TypedDict):
    """What the publisher states, as it states it."""

    total: Annotated[int | None, "The published total (null: never stated)"]
    total_is_exact: Annotated[bool, "An exact count, not a rounded figure"]
    active: Annotated[int | None, "The published active figure of a mixture of experts"]
    wording: Annotated[str, 'In the publisher\'s words, e.g. "671B total, 37B activated"']
    counting_note: Annotated[str, "How the publisher counts, where it differs from ours"]


class ModelCounts(TypedDict):
    """The counts the calculators use."""

    total: Annotated[
        int | None, "Computed from the config.json; else the published or estimated figure"
    ]
    active: Annotated[
        int | None,
        "Per token: everything but the routed experts a token does not use, the embedding "
        "and the output head included",
    ]
    counted: Annotated[bool, "Computed exactly from the model's config.json"]
    estimate: Annotated[bool, "The size was never published: total is an estimate"]
    estimate_note: Annotated[
        str, "Who estimated and how weak it is; or where the figures come from"
    ]


class ModelSummary(TypedDict):
    slug: str
    name: str
    organisation: str
    release_date: Annotated[str | None, {"format": "date"}]
    licence: str
    open_weights: bool
    context_length: Annotated[int | None, "Tokens"]
    parameters: ModelCounts
    published: PublishedSize
    source: Annotated[str, "Where the published size comes from", {"format": "uri"}]
    url: Annotated[str, "This model in this API", {"format": "uri"}]
    calculator: Annotated[
        str,
        "A calculator preset to this model: the parameter calculator, or the memory "
        "calculator at its stated size where the architecture is not public",
        {"format": "uri"},
    ]


class ModelList(TypedDict):
    """The model catalog, oldest first."""

    count: int
    models: list[ModelSummary]


class ArchitectureDetail(TypedDict):
    """The architecture sizing read from the config.json, every default filled in."""

    model_type: Annotated[str, "As read (a multimodal config: its text model's)"]
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    ffn: Annotated[int, "A dense layer's MLP width"]
    vocab: int
    mlp: str
    norm: str
    bias: str
    tied: bool
    positions: int
    experts: Annotated[int, "Routed experts per MoE layer (1: dense)"]
    active_experts: int
    expert_ffn: int
    shared_ffn: Annotated[int, "Width of the always-on shared expert(s); 0: none"]
    shared_expert_gate: bool
    router_bias: bool
    dense_layers: Annotated[list[int], "Layers of a mixture whose MLP is dense"]
    layer_attention: Annotated[list[str], "full, sliding or chunked, repeated from layer 0"]
    sliding_window: int | None
    attention_chunk: int | None
    attention_sinks: bool
    qk_norm: bool
    layer_norms: int
    q_lora_rank: Annotated[int, "Multi-head latent attention (0: not used)"]
    kv_lora_rank: int
    qk_nope_head_dim: int
    qk_rope_head_dim: int
    v_head_dim: int
    notes: Annotated[list[str], "What the count leaves out or reads specially"]


class ModelBreakdown(TypedDict):
    """Parameters by part; they add up to the total."""

    embedding: int
    positions: int
    attention: int
    mlp: int
    router: int
    norms: int
    head: int


class ConfigSource(TypedDict):
    origin: Annotated[str, {"enum": CatalogModel.ConfigOrigin.values}]
    url: Url
    note: str


class ModelDetail(ModelSummary):
    """One model: its facts, counts, and the architecture read from its config.json (null
    when the architecture was never published)."""

    architecture: ArchitectureDetail | None
    breakdown: ModelBreakdown | None
    config: Annotated[
        dict[str, object] | None, "The config.json keys the architecture was read from"
    ]
    config_source: ConfigSource | None


def _summary(model: CatalogModel) -> ModelSummary:
    return {
        "slug": model.slug,
        "name": model.name,
        "organisation": model.organisation,
        "release_date": model.release_date.isoformat() if model.release_date else None,
        "licence": model.licence,
        "open_weights": model.open_weights,
        "context_length": model.context_length,
        "parameters": {
            "total": model.parameters,
            "active": model.active_parameters,
            "counted": model.has_architecture,
            "estimate": model.is_estimate,
            "estimate_note": model.estimate_note,
        },
        "published": {
            "total": model.published_parameters,
            "total_is_exact": model.published_is_exact,
            "active": model.published_active,
            "wording": model.published_wording,
            "counting_note": model.counting_note,
        },
        "source": model.source_url,
        "url": absolute_url(f"/api/v1/models/{model.slug}"),
        "calculator": absolute_url(model.get_absolute_url()),
    }


def _architecture(arch: Architecture, model_type: str, notes: tuple[str, ...]) -> Any:
    return {
        "model_type": model_type,
        **{name: getattr(arch, name) for name in ARCHITECTURE_FIELDS},
        "dense_layers": list(arch.dense_layers),
        "layer_attention": list(arch.layer_attention),
        "notes": list(notes),
    }


ARCHITECTURE_FIELDS = tuple(
    name
    for name in ArchitectureDetail.__annotations__
    if name not in ("model_type", "dense_layers", "layer_attention", "notes")
)


def _not_found() -> JsonResponse:
    return JsonResponse(
        {"errors": {"slug": ["No model in the catalog has that slug."]}}, status=404
    )


@read_only_json
def model_list(request: HttpRequest) -> ApiAnswer[ModelList]:
    models = [_summary(model) for model in CatalogModel.objects.order_by("release_date", "slug")]
    return ApiAnswer[ModelList]({"count": len(models), "models": models})


@read_only_json
def model_detail(request: HttpRequest, slug: str) -> JsonResponse:
    # Checked before any lookup: a NUL, which PostgreSQL refuses in a query, is no slug.
    if len(slug) > SLUG_MAX or not re.fullmatch(SLUG_PATTERN, slug):
        return _not_found()
    model = CatalogModel.objects.filter(slug=slug).first()
    if model is None:
        return _not_found()
    detail: ModelDetail = {
        **_summary(model),
        "architecture": None,
        "breakdown": None,
        "config": model.config,
        "config_source": None,
    }
    try:
        reading = model.config_reading()
    except SizingError:  # a row written past validation: its architecture is unknown
        reading = None
    if reading is not None:
        detail["architecture"] = _architecture(
            reading.architecture, reading.model_type, reading.notes
        )
        breakdown = count_parameters(reading.architecture).breakdown
        detail["breakdown"] = cast(
            ModelBreakdown, {name: breakdown[name] for name in ModelBreakdown.__annotations__}
        )
    if model.config is not None:
        detail["config_source"] = {
            "origin": model.config_origin,
            "url": model.config_source_url,
            "note": model.config_note,
        }
    return ApiAnswer[ModelDetail](detail)


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        path="/api/v1/models",
        operation_id="model_list",
        summary="Models",
        description="The model catalog, oldest first: each model's organisation, release date, "
        "licence, context length, its total and active parameters (counted exactly from its "
        "config.json, or the published figure, or an estimate labelled as one), the "
        "publisher's own figure and wording, and the source. `active` includes the embedding "
        "and the output head; `published.counting_note` says where a publisher counts "
        "otherwise.",
        tag=CATALOG,
        view=model_list,
        answer=ModelList,
        examples=(Example("all", "Every model"),),
    ),
    Endpoint(
        path="/api/v1/models/{slug}",
        operation_id="model_detail",
        summary="A model",
        description="One catalog model, with the architecture sizing read from its "
        "config.json (multi-head latent attention, experts, sliding windows ...), its "
        "parameters by part, and the config itself with where it comes from. `architecture`, "
        "`breakdown` and `config` are null for a model whose architecture was never "
        "published.",
        tag=CATALOG,
        view=model_detail,
        path_parameters=(
            PathParameter(
                "slug",
                "The model's slug, as the calculators' `model` takes it.",
                {"type": "string", "pattern": SLUG_PATTERN, "maxLength": SLUG_MAX},
            ),
        ),
        answer=ModelDetail,
        refusals=(Refusal(404, "No model in the catalog has that slug.", ("slug",)),),
        examples=(
            Example(
                "deepseek-v3",
                "DeepSeek-V3: latent attention, shared experts",
                path={"slug": "deepseek-v3"},
            ),
            Example("gpt-4", "GPT-4: an estimate, no architecture", path={"slug": "gpt-4"}),
            Example("unknown", "A slug no model has", path={"slug": "gpt-9"}, status=404),
        ),  # fmt: skip
    ),
]
