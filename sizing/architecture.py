"""The shape of a decoder-only transformer, and exactly how many parameters it has.

Field names and defaults follow the Sizing API contract (v1) in DESIGN.md. Counts are
exact integers: they reproduce the published totals of GPT-2, Llama 2/3, Mistral,
Mixtral, Qwen2.5, Gemma and Phi-3 to the last parameter (see tests/sizing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Final, Literal, NamedTuple, get_args

from sizing.validation import FieldErrors, SizingError, check_integer

MlpKind = Literal["gated", "standard"]
NormKind = Literal["rmsnorm", "layernorm"]
BiasKind = Literal["none", "qkv", "all"]

# Upper bounds sit far above any published model (Llama 3.1 405B: 126 layers, hidden
# 16,384, 128 heads; Gemma: 256,000-token vocabulary; DeepSeek-V3: 256 experts). They only
# turn away typos and requests crafted to make absurd numbers.
MAX_LAYERS: Final = 1_000
MAX_HIDDEN: Final = 1_000_000
MAX_HEADS: Final = 100_000
MAX_HEAD_DIM: Final = 100_000
MAX_VOCAB: Final = 10_000_000
MAX_FFN: Final = 10_000_000
MAX_POSITIONS: Final = 10_000_000
MAX_EXPERTS: Final = 1_024
# For a bare parameter count: a thousand times the largest published model.
MAX_PARAMS: Final = 10**15

# Multiplier of the default MLP width: the original transformer (Vaswani et al. 2017,
# §3.3: d_model 512, d_ff 2048) and GPT-2 use 4 × hidden.
DEFAULT_FFN_MULTIPLIER: Final = 4

ATTENTION_PROJECTIONS: Final = ("q", "k", "v", "o")
MLP_PROJECTIONS: Final = ("gate", "up", "down")


@dataclass(frozen=True, init=False)
class Architecture:
    """A decoder-only transformer. Optional sizes are resolved when it is built, so
    ``kv_heads``, ``head_dim`` and ``ffn`` always hold the numbers actually used.

    Raises ``SizingError`` naming every bad field. ``dataclasses.replace`` keeps the
    resolved sizes; pass ``head_dim=None`` (or ``kv_heads``, ``ffn``) to derive them again.

    >>> llama_3_8b = Architecture(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336,
    ...                           vocab=128256)
    >>> llama_3_8b.head_dim
    128
    >>> from sizing import SizingError
    >>> try:
    ...     Architecture(layers=0, hidden=4096, heads=3, vocab=1)
    ... except SizingError as error:
    ...     for field, messages in error.errors.items():
    ...         print(field, messages)
    layers ['must be between 1 and 1,000']
    heads ['must divide hidden (4,096) when head_dim is not given']
    """

    layers: int
    hidden: int
    heads: int
    vocab: int
    kv_heads: int
    head_dim: int
    ffn: int
    mlp: MlpKind
    norm: NormKind
    bias: BiasKind
    tied: bool
    positions: int
    experts: int
    active_experts: int

    # A hand-written __init__ (rather than __post_init__) lets the optional sizes be
    # None on the way in and plain ints on the way out, which the type checker can see.
    def __init__(
        self,
        *,
        layers: int,
        hidden: int,
        heads: int,
        vocab: int,
        kv_heads: int | None = None,
        head_dim: int | None = None,
        ffn: int | None = None,
        mlp: MlpKind = "gated",
        norm: NormKind = "rmsnorm",
        bias: BiasKind = "none",
        tied: bool = False,
        positions: int = 0,
        experts: int = 1,
        active_experts: int = 1,
    ) -> None:
        errors = FieldErrors()
        ok = {
            "layers": errors.integer("layers", layers, minimum=1, maximum=MAX_LAYERS),
            "hidden": errors.integer("hidden", hidden, minimum=1, maximum=MAX_HIDDEN),
            "heads": errors.integer("heads", heads, minimum=1, maximum=MAX_HEADS),
            "vocab": errors.integer("vocab", vocab, minimum=1, maximum=MAX_VOCAB),
            "positions": errors.integer("positions", positions, minimum=0, maximum=MAX_POSITIONS),
            "experts": errors.integer("experts", experts, minimum=1, maximum=MAX_EXPERTS),
            "active_experts": errors.integer(
                "active_experts", active_experts, minimum=1, maximum=MAX_EXPERTS
            ),
        }
        if kv_heads is not None:
            ok["kv_heads"] = errors.integer("kv_heads", kv_heads, minimum=1, maximum=MAX_HEADS)
        if head_dim is not None:
            ok["head_dim"] = errors.integer("head_dim", head_dim, minimum=1, maximum=MAX_HEAD_DIM)
        if ffn is not None:
            ok["ffn"] = errors.integer("ffn", ffn, minimum=1, maximum=MAX_FFN)
        _check_choice(errors, "mlp", mlp, get_args(MlpKind))
        _check_choice(errors, "norm", norm, get_args(NormKind))
        _check_choice(errors, "bias", bias, get_args(BiasKind))
        if not isinstance(tied, bool):
            errors.add("tied", "must be true or false")

        if ok["hidden"] and ok["heads"] and head_dim is None and hidden % heads:
            errors.add(
                "heads",
                f"must divide hidden ({hidden:,}) when head_dim is not given",
            )
        if ok["heads"] and ok.get("kv_heads") and kv_heads is not None and heads % kv_heads:
            errors.add("kv_heads", f"must divide heads ({heads:,})")
        if ok["experts"] and ok["active_experts"] and active_experts > experts:
            errors.add("active_experts", f"must not exceed experts ({experts:,})")
        errors.raise_if_any()

        resolved = {
            "layers": layers,
            "hidden": hidden,
            "heads": heads,
            "vocab": vocab,
            "kv_heads": heads if kv_heads is None else kv_heads,
            "head_dim": hidden // heads if head_dim is None else head_dim,
            "ffn": DEFAULT_FFN_MULTIPLIER * hidden if ffn is None else ffn,
            "mlp": mlp,
            "norm": norm,
            "bias": bias,
            "tied": tied,
            "positions": positions,
            "experts": experts,
            "active_experts": active_experts,
        }
        for name, value in resolved.items():
            object.__setattr__(self, name, value)  # frozen: the sanctioned way in


def _check_choice(errors: FieldErrors, field: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        errors.add(field, f"must be one of: {', '.join(choices)}")


class Projection(NamedTuple):
    """One linear layer of a transformer block (weight is ``inputs × outputs``)."""

    inputs: int
    outputs: int
    copies: int  # per layer: one per expert for the MLP matrices
    has_bias: bool


def projections(arch: Architecture) -> dict[str, Projection]:
    """The linear layers of one block, by the names LoRA targets use (q, k, v, o,
    gate, up, down). A standard MLP has no ``gate``."""
    q_width = arch.heads * arch.head_dim
    kv_width = arch.kv_heads * arch.head_dim
    qkv_bias = arch.bias in ("qkv", "all")
    all_bias = arch.bias == "all"
    layers = {
        "q": Projection(arch.hidden, q_width, 1, qkv_bias),
        "k": Projection(arch.hidden, kv_width, 1, qkv_bias),
        "v": Projection(arch.hidden, kv_width, 1, qkv_bias),
        "o": Projection(q_width, arch.hidden, 1, all_bias),
        "up": Projection(arch.hidden, arch.ffn, arch.experts, all_bias),
        "down": Projection(arch.ffn, arch.hidden, arch.experts, all_bias),
    }
    if arch.mlp == "gated":
        # SwiGLU / GeGLU (Shazeer 2020, "GLU Variants Improve Transformer"): a third matrix.
        layers["gate"] = Projection(arch.hidden, arch.ffn, arch.experts, all_bias)
    return layers


def _size(projection: Projection) -> int:
    """Parameters in one copy of a projection, bias included."""
    weights = projection.inputs * projection.outputs
    return weights + (projection.outputs if projection.has_bias else 0)


@dataclass(frozen=True)
class ParameterCount:
    """Exact parameter counts. ``breakdown`` sums to ``total``; ``active`` is what one
    token runs through (only ``active_experts`` of each layer's experts)."""

    total: int
    active: int
    breakdown: dict[str, int]


def count_parameters(arch: Architecture) -> ParameterCount:
    """Count every parameter: embeddings, attention, MLP (all experts), router, norms and
    output head. Each layer has two norms and the model one final norm; the output head
    has no bias (as in GPT-2 and Llama).

    >>> llama_3_8b = Architecture(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336,
    ...                           vocab=128256)
    >>> count = count_parameters(llama_3_8b)
    >>> count.total
    8030261248
    >>> count.breakdown["mlp"], count.breakdown["norms"]
    (5637144576, 266240)
    """
    layer_projections = projections(arch)
    attention = sum(_size(layer_projections[name]) for name in ATTENTION_PROJECTIONS)
    one_expert = sum(
        _size(layer_projections[name]) for name in MLP_PROJECTIONS if name in layer_projections
    )
    # Mixtral's router ("gate") is a bias-free hidden × experts matrix per layer.
    router = arch.hidden * arch.experts if arch.experts > 1 else 0
    # LayerNorm learns a scale and a shift; RMSNorm (Zhang & Sennrich 2019) only a scale.
    norm = 2 * arch.hidden if arch.norm == "layernorm" else arch.hidden

    breakdown = {
        "embedding": arch.vocab * arch.hidden,
        "positions": arch.positions * arch.hidden,
        "attention": arch.layers * attention,
        "mlp": arch.layers * arch.experts * one_expert,
        "router": arch.layers * router,
        "norms": (2 * arch.layers + 1) * norm,
        "head": 0 if arch.tied else arch.vocab * arch.hidden,
    }
    total = sum(breakdown.values())
    idle_experts = arch.experts - arch.active_experts
    return ParameterCount(
        total=total,
        active=total - arch.layers * idle_experts * one_expert,
        breakdown=breakdown,
    )


def mlp_parameters(layer_sizes: Sequence[int]) -> int:
    """Parameters of a plain fully connected network: a weight per connection and a
    bias per neuron after the input layer. ``[784, 128, 10]`` (an MNIST classifier)
    has 784·128 + 128 + 128·10 + 10 = 101,770."""
    if len(layer_sizes) < 2:
        raise SizingError("layer_sizes", "needs at least an input and an output layer")
    errors = FieldErrors()
    for size in layer_sizes:
        errors.integer("layer_sizes", size, minimum=1, maximum=MAX_HIDDEN)
    errors.raise_if_any()
    return sum(a * b + b for a, b in pairwise(layer_sizes))


def linear_parameters(n_inputs: int) -> int:
    """Parameters of a linear model y = w·x + b: one weight per input and one bias."""
    return check_integer("n_inputs", n_inputs, minimum=1, maximum=MAX_HIDDEN) + 1
