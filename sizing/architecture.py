"""The shape of a decoder-only transformer, and exactly how many parameters it has.

Field names and defaults follow the Sizing API contract (v1) in DESIGN.md; the fields added
for 2025-26 architectures default to what the contract's fields always meant, so an
``Architecture`` built the old way counts exactly as before. Counts are exact integers:
they equal what Hugging Face transformers' own model classes hold for gpt2, llama,
mistral, mixtral, qwen2, qwen2_moe, qwen3, qwen3_moe, gemma, gemma2, gemma3_text, phi3,
deepseek_v3, gpt_oss and llama4_text (tests/sizing cross-checks them on the meta device).

The per-layer shape is kept as fields plus derived per-layer views: ``layer_attention`` is
a pattern of attention kinds repeated over the layers, ``dense_layers`` names the layers of
a mixture of experts whose MLP is dense, and ``layer(i)`` answers for one layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Final, Literal, NamedTuple, get_args

from sizing.validation import FieldErrors, SizingError, check_integer

MlpKind = Literal["gated", "standard"]
NormKind = Literal["rmsnorm", "layernorm"]
# Which linear layers of a block carry a bias: q/k/v only (Qwen2), all of attention
# (Llama's attention_bias), the MLPs only (Llama's mlp_bias), or every one (GPT-2, gpt-oss).
BiasKind = Literal["none", "qkv", "attention", "mlp", "all"]
# Full layers attend to the whole context; sliding-window layers to the last
# ``sliding_window`` tokens (Mistral, Gemma 2/3, gpt-oss); chunked layers to the tokens of
# their own ``attention_chunk``-token chunk (Llama 4).
AttentionKind = Literal["full", "sliding", "chunked"]

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
MAX_RANK: Final = 1_000_000  # MLA's latent ranks (DeepSeek-V3: 512 and 1,536)
MAX_WINDOW: Final = 10_000_000  # tokens, as MAX_CONTEXT
MAX_LAYER_NORMS: Final = 8
# For a bare parameter count: a thousand times the largest published model.
MAX_PARAMS: Final = 10**15

# Multiplier of the default MLP width: the original transformer (Vaswani et al. 2017,
# §3.3: d_model 512, d_ff 2048) and GPT-2 use 4 × hidden.
DEFAULT_FFN_MULTIPLIER: Final = 4

ATTENTION_PROJECTIONS: Final = ("q", "k", "v", "o")
MLP_PROJECTIONS: Final = ("gate", "up", "down")


class LayerSpec(NamedTuple):
    """One layer as the architecture describes it."""

    layer: int
    attention: AttentionKind
    window: int | None  # tokens this layer's cache holds at most (None: the whole context)
    moe: bool  # routes to experts (else a dense MLP of width ``ffn``)


@dataclass(frozen=True, init=False)
class Architecture:
    """A decoder-only transformer. Optional sizes are resolved when it is built, so
    ``kv_heads``, ``head_dim``, ``ffn`` and ``expert_ffn`` always hold the numbers used.

    Raises ``SizingError`` naming every bad field. ``dataclasses.replace`` keeps the
    resolved sizes; pass ``head_dim=None`` (or ``kv_heads``, ``ffn``, ``expert_ffn``) to
    derive them again.

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

    Gemma 3's five sliding-window layers for each full one, as a repeating pattern:

    >>> gemma = Architecture(layers=8, hidden=64, heads=4, vocab=10, sliding_window=16,
    ...                      layer_attention=("sliding",) * 5 + ("full",))
    >>> [spec.attention for spec in gemma.layer_specs]
    ['sliding', 'sliding', 'sliding', 'sliding', 'sliding', 'full', 'sliding', 'sliding']
    """

    # The contract's fields (DESIGN.md, Sizing API v1).
    layers: int
    hidden: int
    heads: int
    vocab: int
    kv_heads: int
    head_dim: int
    ffn: int  # a dense layer's MLP width (intermediate_size)
    mlp: MlpKind
    norm: NormKind
    bias: BiasKind
    tied: bool
    positions: int
    experts: int  # routed experts per MoE layer (1: a dense model)
    active_experts: int  # routed experts each token runs through
    # Mixtures of experts.
    expert_ffn: int  # one routed expert's MLP width (moe_intermediate_size); default ffn
    shared_ffn: int  # width of the always-on shared expert(s) in each MoE layer; 0: none
    shared_expert_gate: bool  # Qwen2-MoE: a hidden × 1 gate scales the shared expert
    router_bias: bool  # gpt-oss: the router has a bias per expert
    dense_layers: tuple[int, ...]  # layers of a MoE whose MLP is dense (DeepSeek's first 3)
    # Attention.
    layer_attention: tuple[AttentionKind, ...]  # repeated over the layers from layer 0
    sliding_window: int | None
    attention_chunk: int | None
    attention_sinks: bool  # gpt-oss: one learned logit per head and layer
    qk_norm: bool  # Qwen3, Gemma 3: a norm of head_dim weights on queries and on keys
    layer_norms: int  # norms per layer: 2 (before attention and MLP), 4 in Gemma 2/3
    # Multi-head latent attention (DeepSeek-V2/V3); kv_lora_rank 0 means none.
    q_lora_rank: int  # 0: queries are projected directly, not through a latent
    kv_lora_rank: int
    qk_nope_head_dim: int
    qk_rope_head_dim: int
    v_head_dim: int

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
        expert_ffn: int | None = None,
        shared_ffn: int = 0,
        shared_expert_gate: bool = False,
        router_bias: bool = False,
        dense_layers: Sequence[int] = (),
        layer_attention: Sequence[AttentionKind] = ("full",),
        sliding_window: int | None = None,
        attention_chunk: int | None = None,
        attention_sinks: bool = False,
        qk_norm: bool = False,
        layer_norms: int = 2,
        q_lora_rank: int = 0,
        kv_lora_rank: int = 0,
        qk_nope_head_dim: int = 0,
        qk_rope_head_dim: int = 0,
        v_head_dim: int = 0,
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
            "shared_ffn": errors.integer("shared_ffn", shared_ffn, minimum=0, maximum=MAX_FFN),
            "layer_norms": errors.integer(
                "layer_norms", layer_norms, minimum=1, maximum=MAX_LAYER_NORMS
            ),
        }
        latent_sizes = {
            "q_lora_rank": q_lora_rank,
            "kv_lora_rank": kv_lora_rank,
            "qk_nope_head_dim": qk_nope_head_dim,
            "qk_rope_head_dim": qk_rope_head_dim,
            "v_head_dim": v_head_dim,
        }
        for name, rank in latent_sizes.items():
            ok[name] = errors.integer(name, rank, minimum=0, maximum=MAX_RANK)
        if kv_heads is not None:
            ok["kv_heads"] = errors.integer("kv_heads", kv_heads, minimum=1, maximum=MAX_HEADS)
        if head_dim is not None:
            ok["head_dim"] = errors.integer("head_dim", head_dim, minimum=1, maximum=MAX_HEAD_DIM)
        if ffn is not None:
            ok["ffn"] = errors.integer("ffn", ffn, minimum=1, maximum=MAX_FFN)
        if expert_ffn is not None:
            ok["expert_ffn"] = errors.integer("expert_ffn", expert_ffn, minimum=1, maximum=MAX_FFN)
        for name, window in (
            ("sliding_window", sliding_window),
            ("attention_chunk", attention_chunk),
        ):
            if window is not None:
                ok[name] = errors.integer(name, window, minimum=1, maximum=MAX_WINDOW)
        _check_choice(errors, "mlp", mlp, get_args(MlpKind))
        _check_choice(errors, "norm", norm, get_args(NormKind))
        _check_choice(errors, "bias", bias, get_args(BiasKind))
        for name, flag in (
            ("tied", tied),
            ("shared_expert_gate", shared_expert_gate),
            ("router_bias", router_bias),
            ("attention_sinks", attention_sinks),
            ("qk_norm", qk_norm),
        ):
            if not isinstance(flag, bool):
                errors.add(name, "must be true or false")

        mla = ok["kv_lora_rank"] and kv_lora_rank > 0
        if ok["hidden"] and ok["heads"] and head_dim is None and not mla and hidden % heads:
            errors.add(
                "heads",
                f"must divide hidden ({hidden:,}) when head_dim is not given",
            )
        if ok["heads"] and ok.get("kv_heads") and kv_heads is not None and heads % kv_heads:
            errors.add("kv_heads", f"must divide heads ({heads:,})")
        if ok["experts"] and ok["active_experts"] and active_experts > experts:
            errors.add("active_experts", f"must not exceed experts ({experts:,})")
        moe = ok["experts"] and experts > 1
        if not moe:
            for name, value in (
                ("shared_ffn", shared_ffn),
                ("shared_expert_gate", shared_expert_gate),
                ("router_bias", router_bias),
            ):
                if value:
                    errors.add(name, "needs a mixture of experts (experts above 1)")
        if shared_expert_gate is True and ok["shared_ffn"] and not shared_ffn:
            errors.add("shared_expert_gate", "needs a shared expert (shared_ffn above 0)")
        dense = _layer_indices(errors, "dense_layers", dense_layers, layers if ok["layers"] else 0)
        if dense and not moe:
            errors.add("dense_layers", "needs a mixture of experts (experts above 1)")
        elif ok["layers"] and len(dense) >= layers:
            errors.add("dense_layers", "must leave at least one layer to the experts")
        pattern = _attention_pattern(errors, layer_attention, layers if ok["layers"] else 0)
        if "sliding" in pattern and sliding_window is None:
            errors.add("sliding_window", "needed by the sliding-window layers")
        if "chunked" in pattern and attention_chunk is None:
            errors.add("attention_chunk", "needed by the chunked-attention layers")
        if mla:
            for name in ("qk_rope_head_dim", "v_head_dim"):
                if ok[name] and not latent_sizes[name]:
                    errors.add(name, "must be at least 1 with multi-head latent attention")
            if qk_norm is True:
                errors.add("qk_norm", "is not defined for multi-head latent attention")
        else:
            for name in ("q_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim"):
                if ok[name] and latent_sizes[name]:
                    errors.add(name, "needs multi-head latent attention (kv_lora_rank above 0)")
        errors.raise_if_any()

        resolved_ffn = DEFAULT_FFN_MULTIPLIER * hidden if ffn is None else ffn
        resolved: dict[str, object] = {
            "layers": layers,
            "hidden": hidden,
            "heads": heads,
            "vocab": vocab,
            "kv_heads": heads if kv_heads is None else kv_heads,
            "head_dim": _default_head_dim(hidden, heads, qk_nope_head_dim + qk_rope_head_dim)
            if head_dim is None
            else head_dim,
            "ffn": resolved_ffn,
            "mlp": mlp,
            "norm": norm,
            "bias": bias,
            "tied": tied,
            "positions": positions,
            "experts": experts,
            "active_experts": active_experts,
            # A dense model has no experts: theirs is the MLP's width, so that replace()
            # of a dense model's ffn never leaves a stale expert width behind.
            "expert_ffn": resolved_ffn if expert_ffn is None or not moe else expert_ffn,
            "shared_ffn": shared_ffn,
            "shared_expert_gate": shared_expert_gate,
            "router_bias": router_bias,
            "dense_layers": dense,
            "layer_attention": pattern,
            "sliding_window": sliding_window,
            "attention_chunk": attention_chunk,
            "attention_sinks": attention_sinks,
            "qk_norm": qk_norm,
            "layer_norms": layer_norms,
            "q_lora_rank": q_lora_rank,
            "kv_lora_rank": kv_lora_rank,
            "qk_nope_head_dim": qk_nope_head_dim,
            "qk_rope_head_dim": qk_rope_head_dim,
            "v_head_dim": v_head_dim,
        }
        for name, field_value in resolved.items():
            object.__setattr__(self, name, field_value)  # frozen: the sanctioned way in

    @property
    def is_moe(self) -> bool:
        return self.experts > 1

    @property
    def is_mla(self) -> bool:
        """Multi-head latent attention: keys and values come from one cached latent."""
        return self.kv_lora_rank > 0

    @property
    def moe_layers(self) -> tuple[int, ...]:
        """Indices of the layers that route to experts."""
        if not self.is_moe:
            return ()
        dense = set(self.dense_layers)
        return tuple(i for i in range(self.layers) if i not in dense)

    def layer(self, index: int) -> LayerSpec:
        """Layer ``index``'s attention kind, the tokens its cache holds, and its MLP."""
        i = check_integer("layer", index, minimum=0, maximum=self.layers - 1)
        kind = self.layer_attention[i % len(self.layer_attention)]
        window = {"full": None, "sliding": self.sliding_window, "chunked": self.attention_chunk}
        return LayerSpec(i, kind, window[kind], self.is_moe and i not in self.dense_layers)

    @property
    def layer_specs(self) -> tuple[LayerSpec, ...]:
        return tuple(self.layer(i) for i in range(self.layers))


def _default_head_dim(hidden: int, heads: int, mla_qk: int) -> int:
    # MLA has no single head_dim; queries and keys are qk_nope + qk_rope wide.
    return mla_qk if mla_qk else hidden // heads


def _check_choice(errors: FieldErrors, field: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        errors.add(field, f"must be one of: {', '.join(choices)}")


def _layer_indices(errors: FieldErrors, field: str, values: object, layers: int) -> tuple[int, ...]:
    """Sorted unique layer indices below ``layers`` (a bare string is a mistake, not a list)."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | frozenset | set):
        errors.add(field, "must be a list of layer numbers")
        return ()
    indices: set[int] = set()
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < max(layers, 1):
            errors.add(field, f"must hold layer numbers from 0 to {max(layers - 1, 0):,}")
            return ()
        indices.add(value)
    return tuple(sorted(indices))


def _attention_pattern(
    errors: FieldErrors, values: object, layers: int
) -> tuple[AttentionKind, ...]:
    choices = get_args(AttentionKind)
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        errors.add("layer_attention", "must be a list of attention kinds")
        return ("full",)
    pattern: list[AttentionKind] = []
    for value in values:
        if value not in choices:
            errors.add("layer_attention", f"each must be one of: {', '.join(choices)}")
            return ("full",)
        pattern.append(value)
    if not pattern or (layers and len(pattern) > layers):
        errors.add("layer_attention", f"must name 1 to {max(layers, 1):,} layers' attention")
        return ("full",)
    # Kept as its shortest repeating prefix, so that one model has one description
    # (Gemma 3's 62 layers are 5 sliding + 1 full, repeated). A prefix stands for a
    # shorter pattern only if it repeats into it whole, or the pattern lists every layer.
    period = next(
        p
        for p in range(1, len(pattern) + 1)
        if (len(pattern) % p == 0 or len(pattern) >= layers)
        and all(kind == pattern[i % p] for i, kind in enumerate(pattern))
    )
    return tuple(pattern[:period])


class Projection(NamedTuple):
    """One linear layer of a transformer block (weight is ``inputs × outputs``)."""

    inputs: int
    outputs: int
    copies: int  # per layer: one per expert for the routed experts' matrices
    has_bias: bool


def layer_projections(arch: Architecture, index: int) -> dict[str, Projection]:
    """The linear layers of layer ``index``, by the names LoRA targets use.

    Attention: q, k, v, o; with multi-head latent attention q (or q_a, q_b through the
    query latent), kv_a (to the latent and the shared rotary key) and kv_b (latent to keys
    and values), and o. MLP: gate (gated MLPs only), up, down, one copy per routed expert
    in a MoE layer, and shared_gate, shared_up, shared_down for the shared expert(s). The
    router and Qwen2-MoE's shared-expert gate are not projections LoRA adapts.
    """
    spec = arch.layer(index)
    qkv_bias = arch.bias in ("qkv", "attention", "all")
    o_bias = arch.bias in ("attention", "all")
    mlp_bias = arch.bias in ("mlp", "all")
    layers: dict[str, Projection] = {}
    if arch.is_mla:
        q_width = arch.heads * (arch.qk_nope_head_dim + arch.qk_rope_head_dim)
        if arch.q_lora_rank:
            layers["q_a"] = Projection(arch.hidden, arch.q_lora_rank, 1, qkv_bias)
            layers["q_b"] = Projection(arch.q_lora_rank, q_width, 1, False)
        else:
            # DeepSeek's direct query projection never has a bias (transformers'
            # DeepseekV3Attention), whatever attention_bias says.
            layers["q"] = Projection(arch.hidden, q_width, 1, False)
        latent = arch.kv_lora_rank + arch.qk_rope_head_dim
        layers["kv_a"] = Projection(arch.hidden, latent, 1, qkv_bias)
        kv_width = arch.heads * (arch.qk_nope_head_dim + arch.v_head_dim)
        layers["kv_b"] = Projection(arch.kv_lora_rank, kv_width, 1, False)
        layers["o"] = Projection(arch.heads * arch.v_head_dim, arch.hidden, 1, o_bias)
    else:
        q_width = arch.heads * arch.head_dim
        kv_width = arch.kv_heads * arch.head_dim
        layers["q"] = Projection(arch.hidden, q_width, 1, qkv_bias)
        layers["k"] = Projection(arch.hidden, kv_width, 1, qkv_bias)
        layers["v"] = Projection(arch.hidden, kv_width, 1, qkv_bias)
        layers["o"] = Projection(q_width, arch.hidden, 1, o_bias)
    width, copies = (arch.expert_ffn, arch.experts) if spec.moe else (arch.ffn, 1)
    layers.update(_mlp(arch, "", width, copies, mlp_bias))
    if spec.moe and arch.shared_ffn:
        # Shared experts carry no biases in any supported family.
        layers.update(_mlp(arch, "shared_", arch.shared_ffn, 1, False))
    return layers


def _mlp(
    arch: Architecture, prefix: str, width: int, copies: int, bias: bool
) -> dict[str, Projection]:
    layers = {
        f"{prefix}up": Projection(arch.hidden, width, copies, bias),
        f"{prefix}down": Projection(width, arch.hidden, copies, bias),
    }
    if arch.mlp == "gated":
        # SwiGLU / GeGLU (Shazeer 2020, "GLU Variants Improve Transformer"): a third matrix.
        layers[f"{prefix}gate"] = Projection(arch.hidden, width, copies, bias)
    return layers


def projections(arch: Architecture) -> dict[str, Projection]:
    """The linear layers of a representative block: the first MoE layer of a mixture of
    experts, else layer 0 (see ``layer_projections`` for any layer)."""
    moe = arch.moe_layers
    return layer_projections(arch, moe[0] if moe else 0)


def _size(projection: Projection) -> int:
    """Parameters in one copy of a projection, bias included."""
    weights = projection.inputs * projection.outputs
    return weights + (projection.outputs if projection.has_bias else 0)


@dataclass(frozen=True)
class ParameterCount:
    """Exact parameter counts. ``breakdown`` sums to ``total``: embedding, positions,
    attention (attention sinks included), mlp (dense MLPs, routed and shared experts),
    router (and Qwen2-MoE's shared-expert gate), norms (q/k and latent norms included) and
    head. ``active`` is what one token runs through: everything except the routed experts
    it does not use, embedding and output head included.

    ``routed_experts`` is the part of ``mlp`` in routed experts (biases included),
    ``routed_expert_weights`` their matrices alone (what a format such as MXFP4 applies
    to), ``active_routed_experts`` (and ``active_routed_expert_weights``) the part one
    token uses, and ``shared_experts`` the always-on shared experts."""

    total: int
    active: int
    breakdown: dict[str, int]
    routed_experts: int = 0
    routed_expert_weights: int = 0
    active_routed_experts: int = 0
    active_routed_expert_weights: int = 0
    shared_experts: int = 0


def count_parameters(arch: Architecture) -> ParameterCount:
    """Count every parameter: embeddings, attention, MLPs (all experts), routers, norms
    and output head, layer by layer. The model has one final norm; the output head has no
    bias (as in GPT-2 and Llama) and adds nothing when tied to the embedding.

    >>> llama_3_8b = Architecture(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336,
    ...                           vocab=128256)
    >>> count = count_parameters(llama_3_8b)
    >>> count.total
    8030261248
    >>> count.breakdown["mlp"], count.breakdown["norms"]
    (5637144576, 266240)
    """
    attention = mlp = router = norms = 0
    routed = routed_weights = active_routed = active_routed_weights = shared = 0
    for spec in arch.layer_specs:
        parts = layer_projections(arch, spec.layer)
        for name, projection in parts.items():
            size = projection.copies * _size(projection)
            if name in MLP_PROJECTIONS and spec.moe:
                routed += size
                routed_weights += projection.copies * projection.inputs * projection.outputs
                active_routed += arch.active_experts * _size(projection)
                active_routed_weights += (
                    arch.active_experts * projection.inputs * projection.outputs
                )
            elif name.startswith("shared_"):
                shared += size
            if name in MLP_PROJECTIONS or name.startswith("shared_"):
                mlp += size
            else:
                attention += size
        if arch.attention_sinks:
            attention += arch.heads
        norms += arch.layer_norms * _norm_size(arch, arch.hidden) + _attention_norms(arch)
        if spec.moe:
            # The router ("gate" in Mixtral): a bias-free hidden × experts matrix, with a
            # bias per expert in gpt-oss; Qwen2-MoE also gates the shared expert.
            router += arch.hidden * arch.experts + (arch.experts if arch.router_bias else 0)
            router += arch.hidden if arch.shared_expert_gate else 0
    norms += _norm_size(arch, arch.hidden)  # the final norm

    breakdown = {
        "embedding": arch.vocab * arch.hidden,
        "positions": arch.positions * arch.hidden,
        "attention": attention,
        "mlp": mlp,
        "router": router,
        "norms": norms,
        "head": 0 if arch.tied else arch.vocab * arch.hidden,
    }
    total = sum(breakdown.values())
    return ParameterCount(
        total=total,
        active=total - routed + active_routed,
        breakdown=breakdown,
        routed_experts=routed,
        routed_expert_weights=routed_weights,
        active_routed_experts=active_routed,
        active_routed_expert_weights=active_routed_weights,
        shared_experts=shared,
    )


def _norm_size(arch: Architecture, width: int) -> int:
    # LayerNorm learns a scale and a shift; RMSNorm (Zhang & Sennrich 2019) only a scale.
    return 2 * width if arch.norm == "layernorm" else width


def _attention_norms(arch: Architecture) -> int:
    """Norms inside one layer's attention: Qwen3's and Gemma 3's per-head q and k norms
    (head_dim weights each, shared by the heads), MLA's norms on its latents."""
    if arch.is_mla:
        return _norm_size(arch, arch.kv_lora_rank) + (
            _norm_size(arch, arch.q_lora_rank) if arch.q_lora_rank else 0
        )
    return 2 * _norm_size(arch, arch.head_dim) if arch.qk_norm else 0


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
