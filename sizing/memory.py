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
    count_parameters,
    projections,
)
from sizing.precision import DTYPES, Dtype, default_kv_dtype, get_dtype, weights_bytes
from sizing.validation import Number, SizingError, check_integer, check_number

Mode = Literal["inference", "training", "lora", "qlora"]
Recompute = Literal["none", "selective", "full"]

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


def kv_cache_bytes(
    arch: Architecture, context: int, batch: int = 1, kv_dtype: Dtype | str = "bf16"
) -> int:
    """Keys and values for every layer and token: 2 × layers × kv_heads × head_dim ×
    context × batch × bytes per element (rounded up to a byte for block formats).

    Llama 3 8B (32 layers, 8 key/value heads of 128) at 8,192 tokens, in bf16: 1 GiB.

    >>> from sizing import Architecture
    >>> llama_3_8b = Architecture(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336,
    ...                           vocab=128256)
    >>> kv_cache_bytes(llama_3_8b, context=8192)
    1073741824
    """
    check_integer("context", context, minimum=0, maximum=MAX_CONTEXT)
    check_integer("batch", batch, minimum=1, maximum=MAX_BATCH)
    elements = 2 * arch.layers * arch.kv_heads * arch.head_dim * context * batch
    return weights_bytes(elements, get_dtype(kv_dtype))


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
    in every layer and every expert. Targets the architecture lacks (``gate`` on a
    standard MLP) add nothing, so ``ALL_LINEAR`` suits every architecture."""
    r = check_integer("lora_rank", rank, minimum=1, maximum=MAX_LORA_RANK)
    # A bare string would be read letter by letter ("qv" as q and v): refuse it.
    if isinstance(targets, str) or not targets or any(n not in ALL_LINEAR for n in targets):
        raise SizingError("lora_targets", f"choose among: {', '.join(ALL_LINEAR)}")
    layer = projections(arch)
    per_layer = sum(
        layer[name].copies * r * (layer[name].inputs + layer[name].outputs)
        for name in set(targets)
        if name in layer
    )
    return arch.layers * per_layer


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
) -> MemoryEstimate:
    """Memory for ``mode`` from an architecture or, for weights and optimiser state
    only, a bare parameter count. ``context`` is the tokens held in the KV cache for
    inference and the sequence length for training; ``batch`` is sequences at once."""
    if (arch is None) == (params is None):
        raise SizingError("params", "give either an architecture or a parameter count")
    if mode not in get_args(Mode):
        raise SizingError("mode", f"must be one of: {', '.join(get_args(Mode))}")
    if recompute not in get_args(Recompute):
        choices = ", ".join(get_args(Recompute))
        raise SizingError("recompute", f"must be one of: {choices}")
    weights_dtype = get_dtype(dtype)
    cache_dtype = default_kv_dtype(weights_dtype) if kv_dtype is None else get_dtype(kv_dtype)
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
    else:
        total = count_parameters(arch).total
    plan = _Plan(arch, total, weights_dtype, cache_dtype, context, batch)
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

    def add(self, label: str, size: int, exact: bool, note: str) -> None:
        self.items.append(MemoryItem(label, size, exact, note))

    def assume_dtype(self, dtype: Dtype, what: str) -> None:
        self.assumptions.append(f"{what} in {dtype.name} ({_bits(dtype)} bits): {dtype.note}.")

    def inference(self) -> None:
        self.weights_bytes = weights_bytes(self.params, self.dtype)
        self.add(
            f"weights ({self.dtype.name})",
            self.weights_bytes,
            self.dtype.exact,
            f"{self.params:,} parameters × {_bits(self.dtype)} bits ÷ 8",
        )
        self.assume_dtype(self.dtype, "Every weight")
        if self.arch is None:
            self.assumptions.append("KV cache not counted: a parameter count has no shape.")
            return
        arch = self.arch
        self.kv_cache_bytes = kv_cache_bytes(arch, self.context, self.batch, self.kv_dtype)
        self.add(
            f"KV cache ({self.kv_dtype.name})",
            self.kv_cache_bytes,
            self.kv_dtype.exact,
            f"2 × {arch.layers} layers × {arch.kv_heads} KV heads × {arch.head_dim} "
            f"head_dim × {self.context:,} tokens × batch {self.batch} × "
            f"{_bits(self.kv_dtype)} bits ÷ 8",
        )
        self.assume_dtype(self.kv_dtype, "KV cache")
        self.assumptions.append(
            "Every layer caches keys and values for every token (no sliding window, "
            "no paging waste); activations are transient and left to the overhead."
        )

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
            self.weights_bytes = weights_bytes(self.params, self.dtype)
            self.add(
                f"base weights, frozen ({self.dtype.name})",
                self.weights_bytes,
                self.dtype.exact,
                f"{self.params:,} parameters × {_bits(self.dtype)} bits ÷ 8",
            )
            self.assume_dtype(self.dtype, "Frozen base weights")
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
