"""The parameter counter's answer: every part of the architecture, counted exactly."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict, cast

from calculators import charts
from calculators.models import CatalogModel
from calculators.results.result import Result, Step, n, source_note
from sizing import Architecture, count_parameters, human_count, projections
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
    active: Annotated[int, "Parameters one token runs through (a mixture's active experts)"]
    breakdown: ParameterBreakdown
    display: CountDisplay
    architecture: ArchitectureData


def parameters(cleaned: dict[str, Any]) -> Result:
    arch: Architecture = cleaned["architecture"]
    count = count_parameters(arch)
    parts = projections(arch)
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
    attention = [parts[name] for name in ("q", "k", "v", "o")]
    per_layer_attention = sum(
        p.inputs * p.outputs + (p.outputs if p.has_bias else 0) for p in attention
    )
    steps.append(
        Step(
            "Attention, per layer",
            " + ".join(
                f"{n(p.inputs)}×{n(p.outputs)}" + (f" + {n(p.outputs)}" if p.has_bias else "")
                for p in attention
            )
            + "  (q, k, v, o)",
            n(per_layer_attention),
        )
    )
    steps.append(
        Step(
            "Attention, all layers",
            f"{n(per_layer_attention)} × {n(arch.layers)}",
            n(count.breakdown["attention"]),
        )
    )
    mlp_names = [name for name in ("gate", "up", "down") if name in parts]
    mlp = [parts[name] for name in mlp_names]
    per_expert = sum(p.inputs * p.outputs + (p.outputs if p.has_bias else 0) for p in mlp)
    steps.append(
        Step(
            "MLP, per layer" + (" and expert" if arch.experts > 1 else ""),
            " + ".join(
                f"{n(p.inputs)}×{n(p.outputs)}" + (f" + {n(p.outputs)}" if p.has_bias else "")
                for p in mlp
            )
            + f"  ({', '.join(mlp_names)})",
            n(per_expert),
        )
    )
    experts = f" × {arch.experts} experts" if arch.experts > 1 else ""
    steps.append(
        Step(
            "MLP, all layers",
            f"{n(per_expert)}{experts} × {n(arch.layers)}",
            n(count.breakdown["mlp"]),
        )
    )
    if count.breakdown["router"]:
        steps.append(
            Step(
                "Routers",
                f"{n(arch.hidden)} × {arch.experts} × {n(arch.layers)}",
                n(count.breakdown["router"]),
            )
        )
    steps.append(
        Step(
            "Norms",
            f"(2 × {n(arch.layers)} + 1 final) × {n(arch.hidden)}"
            + (" × 2 (weight and bias)" if arch.norm == "layernorm" else ""),
            n(count.breakdown["norms"]),
        )
    )
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
        steps.append(
            Step(
                "Active per token",
                f"{n(count.total)} − {inactive} idle experts × {n(per_expert)} × {n(arch.layers)}",
                n(count.active),
            )
        )
        headline.append(("Active per token", str(human_count(count.active)), n(count.active)))
    matrices = "gate, up and down matrices" if arch.mlp == "gated" else "up and down matrices"
    assumptions = [
        "Decoder-only transformer: each layer has attention, an MLP and two norms; one final norm.",
        f"MLP: {arch.mlp} ({matrices}); "
        f"norms: {arch.norm}; biases: {arch.bias}; embeddings {'tied' if arch.tied else 'untied'}.",
    ]
    model: CatalogModel | None = cleaned.get("catalog_model")
    notes = source_note(model)
    if model is not None and model.published_parameters:
        relation = "matches" if model.published_parameters == count.total else "rounds to"
        notes.append(
            f"Published figure: {n(model.published_parameters)} — our count {relation} it."
        )
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
