"""The parameter counter's answer: every part of the architecture, counted exactly."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict, cast

from calculators import charts
from calculators.models import CatalogModel
from calculators.results.result import Result, Step, n, source_note
from sizing import (
    Architecture,
    ParameterCount,
    Projection,
    count_parameters,
    human_count,
    layer_projections,
)
from sizing.architecture import BiasKind, MlpKind, NormKind


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


ATTENTION_NAMES = ("q", "q_a", "q_b", "k", "v", "kv_a", "kv_b", "o")


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
    steps.extend(_layer_steps(arch, count))
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
        idle = count.routed_experts - count.active_routed_experts
        steps.append(
            Step(
                "Active per token",
                f"{n(count.total)} − {n(idle)}: the {arch.experts - arch.active_experts} "
                f"routed experts a token skips in each of {n(len(arch.moe_layers))} MoE layers",
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


def _parts_text(parts: list[Projection]) -> str:
    return " + ".join(
        f"{n(p.inputs)}×{n(p.outputs)}" + (f" + {n(p.outputs)}" if p.has_bias else "")
        for p in parts
    )


def _size(parts: list[Projection]) -> int:
    return sum(p.inputs * p.outputs + (p.outputs if p.has_bias else 0) for p in parts)


def _layer_steps(arch: Architecture, count: ParameterCount) -> list[Step]:
    """Attention, MLPs, routers and norms, layer by layer as sizing counts them; the parts
    a family adds (latent attention, sinks, shared experts, dense layers) each in words."""
    steps = []
    layers = arch.layers
    moe = arch.moe_layers
    first = layer_projections(arch, moe[0] if moe else 0)
    names = [m for m in ATTENTION_NAMES if m in first]
    attention = [first[m] for m in names]
    per_layer = _size(attention)
    steps.append(
        Step("Attention, per layer", f"{_parts_text(attention)}  ({', '.join(names)})",
             n(per_layer))
    )  # fmt: skip
    sinks = f" + {arch.heads} sinks × {n(layers)}" if arch.attention_sinks else ""
    steps.append(
        Step("Attention, all layers", f"{n(per_layer)} × {n(layers)}{sinks}",
             n(count.breakdown["attention"]))
    )  # fmt: skip
    mlp_names = [m for m in ("gate", "up", "down") if m in first]
    per_expert = _size([first[m] for m in mlp_names])
    steps.append(
        Step(
            "MLP, per layer" + (" and expert" if arch.is_moe else ""),
            f"{_parts_text([first[m] for m in mlp_names])}  ({', '.join(mlp_names)})",
            n(per_expert),
        )
    )
    terms = []
    if arch.is_moe:
        terms.append(f"{n(per_expert)} × {arch.experts} experts × {n(len(moe))}")
        shared = [first[m] for m in ("shared_gate", "shared_up", "shared_down") if m in first]
        if shared:
            terms.append(f"{n(_size(shared))} shared × {n(len(moe))}")
        if arch.dense_layers:
            dense = layer_projections(arch, arch.dense_layers[0])
            dense_size = _size([dense[m] for m in mlp_names])
            terms.append(f"{n(dense_size)} dense × {n(len(arch.dense_layers))}")
    else:
        terms.append(f"{n(per_expert)} × {n(layers)}")
    steps.append(Step("MLP, all layers", " + ".join(terms), n(count.breakdown["mlp"])))
    if count.breakdown["router"]:
        bias = f" + {arch.experts}" if arch.router_bias else ""
        gate = f" + {n(arch.hidden)} shared gate" if arch.shared_expert_gate else ""
        steps.append(
            Step(
                "Routers",
                f"({n(arch.hidden)} × {arch.experts}{bias}{gate}) × {n(len(moe))}",
                n(count.breakdown["router"]),
            )
        )
    norms = f"({arch.layer_norms} × {n(layers)} + 1 final) × {n(arch.hidden)}" + (
        " × 2 (weight and bias)" if arch.norm == "layernorm" else ""
    )
    if arch.is_mla:
        ranks = " + ".join(n(r) for r in (arch.kv_lora_rank, arch.q_lora_rank) if r)
        norms += f" + ({ranks}) latent norms × {n(layers)}"
    elif arch.qk_norm:
        norms += f" + 2 × {arch.head_dim} (q and k norms) × {n(layers)}"
    steps.append(Step("Norms", norms, n(count.breakdown["norms"])))
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
