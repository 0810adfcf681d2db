"""The parameter counter's answer: every part of the architecture, counted exactly."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict, cast

from calculators import charts
from calculators.models import CatalogModel
from calculators.results.result import Result, Step, n, source_note
from sizing import Architecture, count_parameters, human_count
from sizing.architecture import (
    MLP_PROJECTIONS,
    BiasKind,
    MlpKind,
    NormKind,
    ParameterCount,
    Projection,
    layer_projections,
)


class ParameterBreakdown(TypedDict):
    """Parameters by part; they add up to `total`."""

    embedding: Annotated[int, "The token embedding table: vocab × hidden"]
    positions: Annotated[int, "Learned position embeddings (0 with rotary)"]
    attention: Annotated[int, "q, k, v and o projections of every layer, with their biases"]
    mlp: Annotated[int, "Every layer's MLP, every expert of a mixture counted"]
    router: Annotated[int, "A mixture's routers: hidden × experts per layer"]
    norms: Annotated[int, "Two norms per layer and one final norm"]
    head: Annotated[int, "The output head (0 when tied to the embedding)"]


class CountDisplay(TypedDict):
    total: Annotated[str, "Total, rounded for reading (e.g. 8.0B)"]
    active: Annotated[str, "Active per token, rounded for reading"]


class ArchitectureData(TypedDict):
    """The architecture counted, every default filled in."""

    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    ffn: int
    vocab: int
    mlp: MlpKind
    norm: NormKind
    bias: BiasKind
    tied: bool
    positions: int
    experts: int
    active_experts: int


class ParametersAnswer(TypedDict):
    """A decoder-only transformer's parameters, counted exactly."""

    total: Annotated[int, "Every parameter"]
    active: Annotated[
        int,
        "Parameters one token runs through: all but the routed experts it does not use, "
        "the embedding and the output head included",
    ]
    breakdown: ParameterBreakdown
    display: CountDisplay
    architecture: ArchitectureData


def parameters(cleaned: dict[str, Any]) -> Result:
    arch: Architecture = cleaned["architecture"]
    count = count_parameters(arch)
    steps = [
        Step(
            "Embedding table",
            f"vocab × hidden = {n(arch.vocab)} × {n(arch.hidden)}",
            n(count.breakdown["embedding"]),
        )
    ]
    if arch.positions:
        steps.append(
            Step(
                "Learned positions",
                f"{n(arch.positions)} × {n(arch.hidden)}",
                n(count.breakdown["positions"]),
            )
        )
    steps += _layer_steps(arch, count)
    steps.append(
        Step(
            "Output head",
            "tied: shares the embedding table, adds nothing"
            if arch.tied
            else f"hidden × vocab = {n(arch.hidden)} × {n(arch.vocab)}",
            n(count.breakdown["head"]),
        )
    )
    steps.append(
        Step("Total", " + ".join(n(v) for v in count.breakdown.values() if v), n(count.total))
    )
    headline = [("Total parameters", str(human_count(count.total)), n(count.total))]
    if count.active != count.total:
        inactive = arch.experts - arch.active_experts
        idle = count.routed_experts - count.active_routed_experts
        steps.append(
            Step(
                "Active per token",
                f"{n(count.total)} − {n(idle)} (the {inactive} idle routed experts of each of "
                f"{n(len(arch.moe_layers))} MoE layers)",
                n(count.active),
            )
        )
        headline.append(
            ("Active per token (embedding and head included)", str(human_count(count.active)),
             n(count.active))
        )  # fmt: skip
    matrices = "gate, up and down matrices" if arch.mlp == "gated" else "up and down matrices"
    norms = "two norms" if arch.layer_norms == 2 else f"{arch.layer_norms} norms"
    assumptions = [
        f"Decoder-only transformer: each layer has attention, an MLP and {norms}; one final norm.",
        f"MLP: {arch.mlp} ({matrices}); "
        f"norms: {arch.norm}; biases: {arch.bias}; embeddings {'tied' if arch.tied else 'untied'}.",
    ]
    if count.active != count.total:
        assumptions.append(
            "Active per token: everything a token runs through, the embedding and the output "
            "head included; only the routed experts it does not use are left out. Some "
            "publishers count differently (OpenAI's gpt-oss figures leave out the embedding)."
        )
    model: CatalogModel | None = cleaned.get("catalog_model")
    notes = source_note(model)
    if model is not None and model.published_parameters:
        relation = "matches" if model.published_parameters == count.total else "rounds to"
        wording = f" ({model.published_wording})" if model.published_wording else ""
        notes.append(
            f"Published figure: {n(model.published_parameters)}{wording} — our count {relation} it."
        )
    if model is not None and model.counting_note:
        notes.append(model.counting_note)
    # sizing's breakdown is a plain dict; the API's schema test holds it to ParameterBreakdown.
    answer: ParametersAnswer = {
        "total": count.total,
        "active": count.active,
        "breakdown": cast(ParameterBreakdown, dict(count.breakdown)),
        "display": {
            "total": str(human_count(count.total)),
            "active": str(human_count(count.active)),
        },
        "architecture": architecture_data(arch),
    }
    return Result(
        data=answer,
        headline=headline,
        steps=steps,
        assumptions=assumptions,
        chart=charts.breakdown_bar(
            "Where the parameters are",
            [(label, value) for label, value in count.breakdown.items() if value],
            human=lambda v: str(human_count(v)),
        ),
        notes=notes,
    )


def _per_copy(projection: Projection) -> str:
    bias = f" + {n(projection.outputs)}" if projection.has_bias else ""
    return f"{n(projection.inputs)}×{n(projection.outputs)}{bias}"


def _size(projection: Projection) -> int:
    return projection.inputs * projection.outputs + (
        projection.outputs if projection.has_bias else 0
    )


def _layer_steps(arch: Architecture, count: ParameterCount) -> list[Step]:
    """Attention, MLP, routers and norms, from the layers' projections (sizing's own), so
    that latent attention, shared experts and dense layers are shown as counted."""
    moe_layers = arch.moe_layers
    first = layer_projections(arch, moe_layers[0] if moe_layers else 0)
    attention = {
        k: p for k, p in first.items() if k not in MLP_PROJECTIONS and not k.startswith("shared_")
    }
    per_layer = sum(_size(p) for p in attention.values()) + (
        arch.heads if arch.attention_sinks else 0
    )
    sinks = f" + {n(arch.heads)} sinks" if arch.attention_sinks else ""
    steps = [
        Step(
            "Attention, per layer",
            " + ".join(_per_copy(p) for p in attention.values())
            + sinks
            + f"  ({', '.join(attention)})",
            n(per_layer),
        ),
        Step(
            "Attention, all layers",
            f"{n(per_layer)} × {n(arch.layers)}",
            n(count.breakdown["attention"]),
        ),
    ]
    mlp_names = [name for name in ("gate", "up", "down") if name in first]
    per_expert = sum(_size(first[name]) for name in mlp_names)
    matrices = (
        " + ".join(_per_copy(first[name]) for name in mlp_names) + f"  ({', '.join(mlp_names)})"
    )
    if not arch.is_moe:
        steps.append(Step("MLP, per layer", matrices, n(per_expert)))
        steps.append(
            Step(
                "MLP, all layers", f"{n(per_expert)} × {n(arch.layers)}", n(count.breakdown["mlp"])
            )
        )
    else:
        steps.append(Step("MLP, per expert", matrices, n(per_expert)))
        moe_mlp = per_expert * arch.experts
        shared_names = [name for name in first if name.startswith("shared_")]
        terms = f"{n(per_expert)} × {arch.experts} experts"
        if shared_names:
            shared = sum(_size(first[name]) for name in shared_names)
            steps.append(
                Step(
                    "Shared expert, per MoE layer",
                    " + ".join(_per_copy(first[name]) for name in shared_names),
                    n(shared),
                )
            )
            moe_mlp += shared
            terms += f" + {n(shared)} shared"
        steps.append(Step("MLP, per MoE layer", terms, n(moe_mlp)))
        total = f"{n(moe_mlp)} × {n(len(moe_layers))} MoE layers"
        if arch.dense_layers:
            dense = sum(
                _size(p)
                for k, p in layer_projections(arch, arch.dense_layers[0]).items()
                if k in MLP_PROJECTIONS
            )
            steps.append(Step("MLP, per dense layer", f"width {n(arch.ffn)}", n(dense)))
            total += f" + {n(dense)} × {n(len(arch.dense_layers))} dense layers"
        steps.append(Step("MLP, all layers", total, n(count.breakdown["mlp"])))
    if count.breakdown["router"]:
        router = f"{n(arch.hidden)} × {arch.experts}"
        router += f" + {arch.experts} biases" if arch.router_bias else ""
        router += f" + {n(arch.hidden)} shared-expert gate" if arch.shared_expert_gate else ""
        steps.append(
            Step(
                "Routers",
                f"({router}) × {n(len(moe_layers))} MoE layers",
                n(count.breakdown["router"]),
            )
        )
    per_norm = "2 × " if arch.norm == "layernorm" else ""
    extra = ""
    if arch.is_mla:
        extra = (
            f" + latent norms ({per_norm}{n(arch.kv_lora_rank)}"
            + (f" + {per_norm}{n(arch.q_lora_rank)}" if arch.q_lora_rank else "")
            + ")"
        )
    elif arch.qk_norm:
        extra = f" + q and k norms (2 × {per_norm}{n(arch.head_dim)})"
    steps.append(
        Step(
            "Norms",
            f"{n(arch.layers)} layers × ({arch.layer_norms} × {per_norm}{n(arch.hidden)}{extra})"
            f" + final {per_norm}{n(arch.hidden)}",
            n(count.breakdown["norms"]),
        )
    )
    return steps


def architecture_data(arch: Architecture) -> ArchitectureData:
    return {
        "layers": arch.layers,
        "hidden": arch.hidden,
        "heads": arch.heads,
        "kv_heads": arch.kv_heads,
        "head_dim": arch.head_dim,
        "ffn": arch.ffn,
        "vocab": arch.vocab,
        "mlp": arch.mlp,
        "norm": arch.norm,
        "bias": arch.bias,
        "tied": arch.tied,
        "positions": arch.positions,
        "experts": arch.experts,
        "active_experts": arch.active_experts,
    }
