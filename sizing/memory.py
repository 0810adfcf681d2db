"""Memory to run or fine-tune a model, part by part.

Each part is a ``MemoryItem`` saying whether it is exact arithmetic (weights, KV cache,
optimiser state) or an estimate (activations, overhead). The overhead is always its own
line, never folded into another, so a reader sees what is known and what is guessed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal, NamedTuple, get_args

from sizing.architecture import (
    ATTENTION_PROJECTIONS,
    MAX_PARAMS,
    MLP_PROJECTIONS,
    Architecture,
    ParameterCount,
    count_parameters,
    layer_projections,
)
from sizing.precision import (
    DTYPES,
    Dtype,
    default_kv_dtype,
    get_dtype,
    get_kv_dtype,
    weights_bytes,
)
from sizing.validation import Number, SizingError, check_integer, check_number

Mode = Literal["inference", "training", "lora", "qlora"]
Recompute = Literal["none", "selective", "full"]
# How multi-head latent attention is cached: one latent per token and layer (vLLM, SGLang
# and llama.cpp store it so), or the keys and values decompressed from it per head.
MlaCache = Literal["latent", "decompressed"]

MAX_CONTEXT: Final = 10_000_000  # tokens; the longest published windows are ~10M
MAX_BATCH: Final = 100_000
MAX_LORA_RANK: Final = 65_536
MAX_OVERHEAD_BYTES: Final = 10**15

# EleutherAI, "Transformer Math 101" (Anthony, Biderman & Schoelkopf 2023,
# https://blog.eleuther.ai/transformer-math/): the extra memory of a forward pass is
# "≤ 20%" of the weights, hence their "total inference memory ≈ 1.2 × model memory".
DEFAULT_OVERHEAD_FRACTION: Final = Fraction(1, 5)

# Hugging Face PEFT's LoraConfig defaults to r=8 and, for Llama-style models, adapts the
# q and v projections, as the LoRA paper did (Hu et al. 2021, §7.1).
DEFAULT_LORA_RANK: Final = 8
DEFAULT_LORA_TARGETS: Final = ("q", "v")
# The QLoRA paper (Dettmers et al. 2023, §4) found adapters on every linear layer of
# the blocks are needed to match full fine-tuning.
ALL_LINEAR: Final = ATTENTION_PROJECTIONS + MLP_PROJECTIONS

# Rajbhandari et al. 2020 (ZeRO, §3.1): mixed-precision Adam keeps an fp32 master copy
# of the weights and two fp32 moments (4 + 4 + 4 bytes per parameter) besides 16-bit
# weights and gradients (2 + 2): 16 bytes per parameter in all.
_FP32_BYTES: Final = 4
ZERO: Final = "Rajbhandari et al. 2020 (ZeRO), §3.1"
KORTHIKANTI: Final = "Korthikanti et al. 2022 (Reducing Activation Recomputation), §4"
TRANSFORMER_MATH: Final = "EleutherAI, Transformer Math 101"


class MemoryItem(NamedTuple):
    """One line of a memory estimate."""

    label: str
    bytes: int
    exact: bool
    note: str


@dataclass(frozen=True)
class MemoryEstimate:
    """Memory for one mode of use. ``total_bytes`` is the sum of ``breakdown``, overhead
    included; ``weights_bytes`` is the (base) model's weights alone."""

    mode: Mode
    params: int
    dtype: Dtype
    kv_dtype: Dtype
    weights_bytes: int
    kv_cache_bytes: int
    overhead_bytes: int
    total_bytes: int
    breakdown: tuple[MemoryItem, ...]
    assumptions: tuple[str, ...]
    expert_dtype: Dtype | None = None  # the routed experts' format, when it differs


def kv_cache_elements(
    arch: Architecture, context: int, *, mla: MlaCache = "latent"
) -> tuple[int, ...]:
    """Elements each layer caches for one sequence of ``context`` tokens.

    A full-attention layer keeps keys and values for every token (2 × kv_heads × head_dim
    per token); a sliding-window layer only for the last ``sliding_window`` tokens, a
    chunked layer (Llama 4) only for its current chunk of ``attention_chunk``. Multi-head
    latent attention keeps one latent per token, ``kv_lora_rank + qk_rope_head_dim``
    elements (DeepSeek-V3: 576), or with ``mla="decompressed"`` every head's key and value
    (heads × (qk_nope + qk_rope + v_head_dim)).

    >>> from sizing import Architecture
    >>> gemma = Architecture(layers=6, hidden=64, heads=4, vocab=10, sliding_window=1024,
    ...                      layer_attention=("sliding",) * 5 + ("full",))
    >>> kv_cache_elements(gemma, 8192)
    (131072, 131072, 131072, 131072, 131072, 1048576)
    """
    tokens_in_context = check_integer("context", context, minimum=0, maximum=MAX_CONTEXT)
    if mla not in get_args(MlaCache):
        raise SizingError("mla", f"must be one of: {', '.join(get_args(MlaCache))}")
    if arch.is_mla:
        per_token = (
            arch.kv_lora_rank + arch.qk_rope_head_dim
            if mla == "latent"
            else arch.heads * (arch.qk_nope_head_dim + arch.qk_rope_head_dim + arch.v_head_dim)
        )
    else:
        per_token = 2 * arch.kv_heads * arch.head_dim
    return tuple(
        per_token
        * (tokens_in_context if spec.window is None else min(tokens_in_context, spec.window))
        for spec in arch.layer_specs
    )


def kv_cache_bytes(
    arch: Architecture,
    context: int,
    batch: int = 1,
    kv_dtype: Dtype | str = "bf16",
    *,
    mla: MlaCache = "latent",
) -> int:
    """The KV cache of ``batch`` sequences of ``context`` tokens: the elements of every
    layer (``kv_cache_elements``) × batch × bits per element ÷ 8, rounded up to a byte.
    With every layer full this is 2 × layers × kv_heads × head_dim × context × batch ×
    bytes per element.

    Llama 3 8B (32 layers, 8 key/value heads of 128) at 8,192 tokens, in bf16: 1 GiB.

    >>> from sizing import Architecture
    >>> llama_3_8b = Architecture(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336,
    ...                           vocab=128256)
    >>> kv_cache_bytes(llama_3_8b, context=8192)
    1073741824
    """
    check_integer("batch", batch, minimum=1, maximum=MAX_BATCH)
    elements = sum(kv_cache_elements(arch, context, mla=mla)) * batch
    return weights_bytes(elements, get_kv_dtype(kv_dtype))


def describe_kv_cache(arch: Architecture, context: int, *, mla: MlaCache = "latent") -> str:
    """The per-layer arithmetic of the KV cache, in words, for a line's note."""
    if arch.is_mla:
        if mla == "latent":
            per_token = (
                f"one latent of {arch.kv_lora_rank} + {arch.qk_rope_head_dim} (rotary key) elements"
            )
        else:
            per_token = (
                f"{arch.heads} heads × ({arch.qk_nope_head_dim} + {arch.qk_rope_head_dim} + "
                f"{arch.v_head_dim}) elements, decompressed"
            )
    else:
        per_token = f"2 × {arch.kv_heads} KV heads × {arch.head_dim} head_dim"
    groups: dict[str, int] = {}
    for spec in arch.layer_specs:
        held = context if spec.window is None else min(context, spec.window)
        label = f"{spec.attention} layers holding {held:,} tokens"
        groups[label] = groups.get(label, 0) + 1
    layers = "; ".join(f"{count} {label}" for label, count in groups.items())
    return f"{per_token} per token and layer; {layers}"


def activation_bytes(
    arch: Architecture, context: int, batch: int = 1, recompute: Recompute = "none"
) -> int:
    """Activations kept for the backward pass, after Korthikanti et al. 2022 (16-bit
    activations, no tensor or sequence parallelism), summed over the layers:

    - ``none``: s·b·h·(34 + 5·a·s/h) bytes per layer (their equation 2);
    - ``selective`` (recompute attention's softmax and dropout): 34·s·b·h;
    - ``full`` (keep only each layer's input): 2·s·b·h.

    s is ``context``, b ``batch``, h ``hidden`` and a ``heads``.
    """
    s = check_integer("context", context, minimum=0, maximum=MAX_CONTEXT)
    b = check_integer("batch", batch, minimum=1, maximum=MAX_BATCH)
    h, a = arch.hidden, arch.heads
    if recompute == "none":
        per_layer = 34 * s * b * h + 5 * a * s * s * b  # sbh(34 + 5as/h), kept integral
    elif recompute == "selective":
        per_layer = 34 * s * b * h
    elif recompute == "full":
        per_layer = 2 * s * b * h
    else:
        choices = ", ".join(get_args(Recompute))
        raise SizingError("recompute", f"must be one of: {choices}")
    return arch.layers * per_layer


def lora_parameters(
    arch: Architecture,
    rank: int = DEFAULT_LORA_RANK,
    targets: Sequence[str] = DEFAULT_LORA_TARGETS,
) -> int:
    """Trainable LoRA parameters: rank × (inputs + outputs) for each targeted matrix,
    in every layer and every expert (shared experts included). Targets the architecture
    lacks (``gate`` on a standard MLP) add nothing, so ``ALL_LINEAR`` suits every
    architecture. With multi-head latent attention ``q`` adapts the query projections and
    ``k`` or ``v`` the two key-value projections they share (kv_a, kv_b), counted once."""
    r = check_integer("lora_rank", rank, minimum=1, maximum=MAX_LORA_RANK)
    # A bare string would be read letter by letter ("qv" as q and v): refuse it.
    if isinstance(targets, str) or not targets or any(n not in ALL_LINEAR for n in targets):
        raise SizingError("lora_targets", f"choose among: {', '.join(ALL_LINEAR)}")
    wanted = {name for target in targets for name in _LORA_MATCHES[target]}
    total = 0
    for index in range(arch.layers):
        layer = layer_projections(arch, index)
        total += sum(
            layer[name].copies * r * (layer[name].inputs + layer[name].outputs)
            for name in wanted
            if name in layer
        )
    return total


# Which of a layer's projections each LoRA target adapts.
_LORA_MATCHES: Final[dict[str, tuple[str, ...]]] = {
    "q": ("q", "q_a", "q_b"),
    "k": ("k", "kv_a", "kv_b"),
    "v": ("v", "kv_a", "kv_b"),
    "o": ("o",),
    "gate": ("gate", "shared_gate"),
    "up": ("up", "shared_up"),
    "down": ("down", "shared_down"),
}


class WeightsBytes(NamedTuple):
    """A model's weights with the routed experts' matrices in their own format."""

    expert_params: int  # routed-expert matrices, stored in the expert format
    other_params: int  # everything else (expert biases included), in the model's dtype
    expert_bytes: int
    other_bytes: int

    @property
    def total(self) -> int:
        return self.expert_bytes + self.other_bytes


def resolve_expert_dtype(dtype: Dtype, expert_dtype: Dtype | str | None) -> Dtype | None:
    """The routed experts' format: ``expert_dtype`` when given, else the one a mix by role
    names (``mxfp4_moe``: mxfp4), else None (the experts share ``dtype``)."""
    if expert_dtype is not None:
        try:
            return get_dtype(expert_dtype)
        except SizingError as error:
            raise SizingError("expert_dtype", error.message) from None
    return DTYPES[dtype.experts] if dtype.experts else None


def split_weights_bytes(
    count: ParameterCount, dtype: Dtype, expert_dtype: Dtype | None, *, active: bool = False
) -> WeightsBytes:
    """Bytes of every weight (or, with ``active``, of those one token reads), the routed
    experts' matrices in ``expert_dtype`` and the rest in ``dtype``; each part rounded up
    to a whole byte.

    gpt-oss-120b's checkpoint: MXFP4 experts, bf16 elsewhere (Hugging Face shows 65.2 GB).

    >>> from sizing.config_json import architecture_from_config
    >>> from sizing.precision import DTYPES
    >>> from sizing import count_parameters
    >>> arch = architecture_from_config({"model_type": "gpt_oss", "hidden_size": 2880,
    ...     "num_hidden_layers": 36, "num_attention_heads": 64, "num_local_experts": 128})
    >>> split = split_weights_bytes(count_parameters(arch), DTYPES["bf16"], DTYPES["mxfp4"])
    >>> split.total, round(split.total / 2**30, 1)
    (65248815744, 60.8)
    """
    total = count.active if active else count.total
    experts = count.active_routed_expert_weights if active else count.routed_expert_weights
    if expert_dtype is None:
        experts = 0
    other = total - experts
    return WeightsBytes(
        experts,
        other,
        weights_bytes(experts, expert_dtype) if expert_dtype is not None else 0,
        weights_bytes(other, dtype),
    )


def estimate_memory(
    arch: Architecture | None = None,
    *,
    params: int | None = None,
    dtype: Dtype | str = "bf16",
    kv_dtype: Dtype | str | None = None,
    context: int = 0,
    batch: int = 1,
    mode: Mode = "inference",
    recompute: Recompute = "none",
    lora_rank: int = DEFAULT_LORA_RANK,
    lora_targets: Sequence[str] = DEFAULT_LORA_TARGETS,
    overhead_fraction: Number = DEFAULT_OVERHEAD_FRACTION,
    overhead_bytes: int = 0,
    expert_dtype: Dtype | str | None = None,
    mla_cache: MlaCache = "latent",
) -> MemoryEstimate:
    """Memory for ``mode`` from an architecture or, for weights and optimiser state
    only, a bare parameter count. ``context`` is the tokens held in the KV cache for
    inference and the sequence length for training; ``batch`` is sequences at once.
    ``expert_dtype`` keeps a mixture of experts' routed experts in another format than
    ``dtype`` (inference and LoRA's frozen base); memory follows the total parameters."""
    if (arch is None) == (params is None):
        raise SizingError("params", "give either an architecture or a parameter count")
    if mode not in get_args(Mode):
        raise SizingError("mode", f"must be one of: {', '.join(get_args(Mode))}")
    if recompute not in get_args(Recompute):
        choices = ", ".join(get_args(Recompute))
        raise SizingError("recompute", f"must be one of: {choices}")
    weights_dtype = get_dtype(dtype)
    cache_dtype = default_kv_dtype(weights_dtype) if kv_dtype is None else get_kv_dtype(kv_dtype)
    experts_dtype = resolve_expert_dtype(weights_dtype, expert_dtype)
    if expert_dtype is not None:
        if arch is None or not arch.is_moe:
            raise SizingError("expert_dtype", "needs the architecture of a mixture of experts")
        if mode in ("training", "qlora"):
            raise SizingError("expert_dtype", f"{mode} keeps every weight in one format")
    if mla_cache not in get_args(MlaCache):
        raise SizingError("mla", f"must be one of: {', '.join(get_args(MlaCache))}")
    check_integer("context", context, minimum=0, maximum=MAX_CONTEXT)
    check_integer("batch", batch, minimum=1, maximum=MAX_BATCH)
    fraction = check_number("overhead_fraction", overhead_fraction, minimum=0, maximum=10)
    fixed = check_integer("overhead_bytes", overhead_bytes, minimum=0, maximum=MAX_OVERHEAD_BYTES)
    if arch is None:
        if context:
            raise SizingError("context", "needs the architecture (layers, heads, ...)")
        if mode in ("lora", "qlora"):
            raise SizingError("mode", f"{mode} needs the architecture to size the adapters")
    if mode == "training" and not weights_dtype.is_float16_or_wider:
        raise SizingError("dtype", "training keeps weights in fp32, fp16 or bf16")

    if arch is None:
        total = check_integer("params", params, minimum=1, maximum=MAX_PARAMS)
        count = None
    else:
        count = count_parameters(arch)
        total = count.total
    plan = _Plan(arch, total, weights_dtype, cache_dtype, context, batch)
    plan.mla = mla_cache
    if count is not None and count.routed_expert_weights and experts_dtype is not None:
        plan.experts = (count, experts_dtype)
    if mode == "inference":
        plan.inference()
    elif mode == "training":
        plan.full_training(recompute)
    elif arch is not None:
        plan.adapters(arch, mode, lora_rank, lora_targets, recompute)
    plan.overhead(fraction, fixed)

    return MemoryEstimate(
        mode=mode,
        params=total,
        dtype=weights_dtype,
        kv_dtype=cache_dtype,
        weights_bytes=plan.weights_bytes,
        kv_cache_bytes=plan.kv_cache_bytes,
        overhead_bytes=plan.overhead_bytes,
        total_bytes=sum(item.bytes for item in plan.items),
        breakdown=tuple(plan.items),
        assumptions=tuple(plan.assumptions),
        expert_dtype=plan.experts[1] if plan.experts else None,
    )


class _Plan:
    """Accumulates the lines and assumptions of one estimate."""

    def __init__(
        self,
        arch: Architecture | None,
        params: int,
        dtype: Dtype,
        kv_dtype: Dtype,
        context: int,
        batch: int,
    ) -> None:
        self.arch, self.params, self.dtype, self.kv_dtype = arch, params, dtype, kv_dtype
        self.context, self.batch = context, batch
        self.items: list[MemoryItem] = []
        self.assumptions: list[str] = []
        self.weights_bytes = 0
        self.kv_cache_bytes = 0
        self.overhead_bytes = 0
        self.mla: MlaCache = "latent"
        # Set when a mixture of experts keeps its routed experts in another format.
        self.experts: tuple[ParameterCount, Dtype] | None = None

    def add(self, label: str, size: int, exact: bool, note: str) -> None:
        self.items.append(MemoryItem(label, size, exact, note))

    def assume_dtype(self, dtype: Dtype, what: str) -> None:
        self.assumptions.append(f"{what} in {dtype.name} ({_bits(dtype)} bits): {dtype.note}.")

    def weights(self, who: str) -> None:
        """The (frozen) weights' lines: one, or the routed experts' apart."""
        if self.experts is None:
            self.weights_bytes = weights_bytes(self.params, self.dtype)
            self.add(
                f"{who}weights ({self.dtype.name})",
                self.weights_bytes,
                self.dtype.exact,
                f"{self.params:,} parameters × {_bits(self.dtype)} bits ÷ 8",
            )
            self.assume_dtype(self.dtype, "Every weight")
            return
        count, expert = self.experts
        split = split_weights_bytes(count, self.dtype, expert)
        self.weights_bytes = split.total
        self.add(
            f"{who}weights ({self.dtype.name})",
            split.other_bytes,
            self.dtype.exact,
            f"{split.other_params:,} parameters outside the routed experts × "
            f"{_bits(self.dtype)} bits ÷ 8",
        )
        self.add(
            f"{who}routed experts ({expert.name})",
            split.expert_bytes,
            expert.exact,
            f"{split.expert_params:,} expert matrix weights × {_bits(expert)} bits ÷ 8",
        )
        self.assume_dtype(expert, "The routed experts' matrices")
        self.assume_dtype(self.dtype, "Every other weight (the experts' biases included)")

    def inference(self) -> None:
        self.weights("")
        if self.arch is None:
            self.assumptions.append("KV cache not counted: a parameter count has no shape.")
            return
        arch = self.arch
        self.kv_cache_bytes = kv_cache_bytes(
            arch, self.context, self.batch, self.kv_dtype, mla=self.mla
        )
        self.add(
            f"KV cache ({self.kv_dtype.name})",
            self.kv_cache_bytes,
            self.kv_dtype.exact,
            f"{describe_kv_cache(arch, self.context, mla=self.mla)}; batch {self.batch} × "
            f"{_bits(self.kv_dtype)} bits ÷ 8",
        )
        self.assume_dtype(self.kv_dtype, "KV cache")
        self.assumptions.append(_kv_assumption(arch, self.mla))

    def full_training(self, recompute: Recompute) -> None:
        self.weights_bytes = weights_bytes(self.params, self.dtype)
        self.items.extend(_adam_lines(self.params, self.dtype, who=""))
        self.assume_dtype(self.dtype, "Weights and gradients")
        self.assumptions.append(
            "Mixed-precision Adam: fp32 master weights and two fp32 moments, 16 bytes "
            f"per parameter in all ({ZERO})."
        )
        self.activations(recompute)

    def adapters(
        self,
        arch: Architecture,
        mode: Mode,
        rank: int,
        targets: Sequence[str],
        recompute: Recompute,
    ) -> None:
        adapter = lora_parameters(arch, rank, targets)
        adapter_dtype = self.dtype if self.dtype.is_float16_or_wider else DTYPES["bf16"]
        if mode == "qlora":
            self.qlora_base(arch, adapter_dtype)
        else:
            self.weights("base ")
            self.items[-1 if self.experts is None else -2] = self.items[
                -1 if self.experts is None else -2
            ]._replace(label=f"base weights, frozen ({self.dtype.name})")
        self.items.extend(_adam_lines(adapter, adapter_dtype, who="adapter "))
        self.assumptions.append(
            f"LoRA adapters of rank {rank} on {', '.join(sorted(set(targets)))} in every "
            f"layer: {adapter:,} trainable parameters with mixed-precision Adam ({ZERO}); "
            "the base gets no gradients or optimiser state."
        )
        self.activations(recompute)

    def qlora_base(self, arch: Architecture, compute: Dtype) -> None:
        # QLoRA (Dettmers et al. 2023) quantises the blocks' linear layers to NF4; with
        # bitsandbytes, embeddings, norms and the output head stay in the compute dtype.
        breakdown = count_parameters(arch).breakdown
        quantised = breakdown["attention"] + breakdown["mlp"] + breakdown["router"]
        kept = self.params - quantised
        nf4 = DTYPES["nf4"]
        nf4_bytes = weights_bytes(quantised, nf4)
        kept_bytes = weights_bytes(kept, compute)
        self.weights_bytes = nf4_bytes + kept_bytes
        self.add(
            "base weights, frozen (nf4)",
            nf4_bytes,
            True,
            f"{quantised:,} attention and MLP parameters × {_bits(nf4)} bits ÷ 8",
        )
        self.add(
            f"base weights, frozen ({compute.name})",
            kept_bytes,
            True,
            f"{kept:,} embedding, norm and head parameters × {_bits(compute)} bits ÷ 8",
        )
        self.assumptions.append(
            f"QLoRA base: attention and MLP weights (biases included) in NF4, "
            f"{_bits(nf4)} bits with double-quantised scales ({nf4.source}); "
            f"embeddings, norms and head in {compute.name}."
        )

    def activations(self, recompute: Recompute) -> None:
        if self.arch is None:
            self.assumptions.append(
                "Activations not counted: give the architecture and a context length."
            )
            return
        size = activation_bytes(self.arch, self.context, self.batch, recompute)
        self.add(
            f"activations (recompute: {recompute})",
            size,
            False,
            f"{self.context:,} tokens × batch {self.batch}, after {KORTHIKANTI}",
        )
        self.assumptions.append(
            f"Activations after {KORTHIKANTI}: 16-bit, no model parallelism, a 4×hidden "
            "MLP with dropout; the embedding and logits (which grow with the "
            "vocabulary) are not counted. FlashAttention never stores the attention "
            "scores, which brings 'none' close to 'selective'."
        )
        if self.context == 0:
            self.assumptions.append("Context is 0: set it to the training sequence length.")

    def overhead(self, fraction: Fraction, fixed: int) -> None:
        self.overhead_bytes = math.ceil(self.weights_bytes * fraction) + fixed
        plus = f" + {fixed:,} bytes" if fixed else ""
        self.add(
            "overhead (estimate)",
            self.overhead_bytes,
            False,
            f"{_percent(fraction)} of the weights{plus}: CUDA context, framework "
            "buffers, fragmentation",
        )
        self.assumptions.append(
            f"Overhead: {_percent(fraction)} of the weights{plus}, on its own line "
            f"({TRANSFORMER_MATH}: a forward pass needs ≤ 20% on top of the weights)."
        )


def _kv_assumption(arch: Architecture, mla: MlaCache) -> str:
    kinds = {spec.attention for spec in arch.layer_specs}
    if arch.is_mla:
        held = (
            "one latent per token and layer (kv_lora_rank + qk_rope_head_dim elements), as "
            "vLLM, SGLang and llama.cpp store multi-head latent attention; decompressed per "
            "head it would be heads × (qk_nope + qk_rope + v_head_dim) elements"
            if mla == "latent"
            else "every head's keys and values decompressed from the latent (as a naive "
            "implementation holds them); the latent alone is kv_lora_rank + qk_rope_head_dim "
            "elements per token and layer"
        )
    else:
        held = "keys and values for each token it holds"
    windows = []
    if "sliding" in kinds:
        windows.append(f"sliding-window layers at most the last {arch.sliding_window:,} tokens")
    if "chunked" in kinds:
        windows.append(f"chunked layers at most their current {arch.attention_chunk:,}-token chunk")
    reach = "full layers hold the whole context" + (", " + " and ".join(windows) if windows else "")
    return (
        f"The KV cache keeps {held}: {reach}. No paging waste; activations are transient "
        "and left to the overhead."
    )


def _adam_lines(params: int, dtype: Dtype, who: str) -> list[MemoryItem]:
    """Mixed-precision Adam, part by part (16 bytes per parameter; 16 too in pure fp32,
    where the weights are their own master copy)."""
    weights = weights_bytes(params, dtype)
    fp32 = _FP32_BYTES * params
    lines = [
        MemoryItem(
            f"{who}weights ({dtype.name})",
            weights,
            True,
            f"{params:,} parameters × {_bits(dtype)} bits ÷ 8",
        ),
        MemoryItem(f"{who}gradients ({dtype.name})", weights, True, "one per weight"),
    ]
    if dtype.name != "fp32":
        lines.append(MemoryItem(f"{who}master weights (fp32)", fp32, True, ZERO))
    lines.append(MemoryItem(f"{who}Adam first moment (fp32)", fp32, True, ZERO))
    lines.append(MemoryItem(f"{who}Adam second moment (fp32)", fp32, True, ZERO))
    return lines


def _bits(dtype: Dtype) -> str:
    bits = dtype.bits
    return str(bits.numerator) if bits.denominator == 1 else f"{float(bits):g}"


def _percent(fraction: Fraction) -> str:
    return f"{float(fraction * 100):g}%"
