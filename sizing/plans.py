"""Will it run? Fits, multi-GPU plans, CPU offload, concurrent users and starting commands.

Everything here is exact integer (or Fraction) arithmetic on bytes. Hardware comes in as
``Gpu`` values (the caller chooses them: this module holds no catalog), system RAM and its
bandwidth as plain integers.

Usable memory is stated line by line, never folded: what the driver reports
(``Gpu.memory_bytes``), the share a unified-memory GPU may use by default
(``Gpu.usable_share``), and a runtime reserve for the CUDA context, the engine's buffers
and activations. The reserve defaults to what vLLM leaves free: its
``gpu_memory_utilization`` defaults to 0.92 (``vllm/config/cache.py`` in vLLM main; older
releases used 0.90), so 8% of the card is kept back.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal, get_args

from sizing.architecture import Architecture, count_parameters
from sizing.hardware import Gpu
from sizing.memory import (
    MAX_BATCH,
    MAX_CONTEXT,
    kv_cache_bytes,
    kv_cache_elements,
    resolve_expert_dtype,
    split_weights_bytes,
)
from sizing.precision import Dtype, default_kv_dtype, get_dtype, get_kv_dtype, weights_bytes
from sizing.validation import SizingError, check_integer

MAX_CARDS: Final = 1_024
MAX_BYTES: Final = 10**18  # an exabyte: far beyond any machine

# vLLM main, vllm/config/cache.py (commit 002f10e0cfa1373a19a0d2756598a34b700d20e5):
# ``gpu_memory_utilization: float = Field(default=0.92, gt=0, le=1)``.
VLLM_GPU_MEMORY_UTILIZATION: Final = Fraction(92, 100)
VLLM_CACHE_CONFIG: Final = (
    "https://github.com/vllm-project/vllm/blob/002f10e0cfa1373a19a0d2756598a34b700d20e5/"
    "vllm/config/cache.py"
)
DEFAULT_RESERVE_SHARE: Final = 1 - VLLM_GPU_MEMORY_UTILIZATION
RESERVE_NOTE: Final = (
    "runtime reserve (CUDA context, engine buffers, activations): the 8% vLLM leaves free "
    f"by default (gpu_memory_utilization 0.92, {VLLM_CACHE_CONFIG})"
)

Interconnect = Literal["nvlink", "pcie", "none"]
INTERCONNECT_NOTES: Final[dict[str, str]] = {
    "nvlink": (
        "NVLink: tensor parallelism sums partial results across the cards twice per layer "
        "(all-reduce); NVLink makes that fast but not free, so speed grows less than the "
        "card count"
    ),
    "pcie": (
        "PCIe: every layer's all-reduce crosses PCIe (tens of GB/s against the cards' "
        "hundreds), so tensor parallelism scales poorly and pipeline splits suit it better"
    ),
    "none": "a single machine's memory: nothing crosses a link",
}


def _bytes(field: str, value: object) -> int:
    return check_integer(field, value, minimum=0, maximum=MAX_BYTES)


def _cards(field: str, value: object) -> int:
    return check_integer(field, value, minimum=1, maximum=MAX_CARDS)


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def can_pool(gpu: Gpu) -> bool:
    """Whether several of ``gpu`` can hold one model between them. Apple machines cannot:
    their unified memory is one computer's, so two Macs are two computers."""
    return gpu.vendor != "Apple"


@dataclass(frozen=True)
class UsableMemory:
    """The memory of one card a model may use, line by line:
    ``driver_bytes`` × ``share`` = ``shared_bytes``; minus ``reserve_bytes`` = ``usable_bytes``."""

    driver_bytes: int
    share: Fraction
    shared_bytes: int
    reserve_bytes: int
    usable_bytes: int
    reserve_note: str


def usable_memory(gpu: Gpu, *, reserve_bytes: int | None = None) -> UsableMemory:
    """Usable memory of one ``gpu``. ``reserve_bytes`` defaults to 8% of the shared part,
    rounded up (vLLM's default ``gpu_memory_utilization`` of 0.92).

    An 80 GiB card keeps 6.4 GiB back:

    >>> card = Gpu("x", "X", "NVIDIA", 80 * 2**30, 3_350 * 10**9, 10**15, "")
    >>> memory = usable_memory(card)
    >>> memory.reserve_bytes, memory.usable_bytes
    (6871947674, 79027398246)
    >>> usable_memory(card, reserve_bytes=0).usable_bytes == 80 * 2**30
    True
    """
    memory = gpu.figure("memory_bytes")
    shared = math.floor(memory * gpu.usable_share)
    if reserve_bytes is None:
        reserve = math.ceil(shared * DEFAULT_RESERVE_SHARE)
        note = RESERVE_NOTE
    else:
        reserve = _bytes("reserve_bytes", reserve_bytes)
        note = "runtime reserve as given"
    if reserve > shared:
        raise SizingError("reserve_bytes", "is more than the card's memory")
    return UsableMemory(memory, gpu.usable_share, shared, reserve, shared - reserve, note)


@dataclass(frozen=True)
class CardFit:
    """How a memory need fits on one accelerator model.

    ``headroom_bytes`` is usable − need on one card (negative: the shortfall), so
    ``headroom_bytes + need_bytes == usable.usable_bytes`` always. ``cards`` is how many
    cards hold the need split evenly (None when more are needed than ``max_cards`` or
    the machine cannot pool memory); ``per_card_bytes`` is the need on each of them."""

    gpu: Gpu
    need_bytes: int
    usable: UsableMemory
    fits_on_one: bool
    headroom_bytes: int
    cards: int | None
    per_card_bytes: int
    per_card_headroom_bytes: int


def fit(
    need_bytes: int,
    gpu: Gpu,
    *,
    reserve_bytes: int | None = None,
    max_cards: int = 8,
) -> CardFit:
    """Whether ``need_bytes`` fits on one ``gpu``, and how many cards it takes split
    evenly (by memory only: each card also runs its own reserve). Exactly full fits; one
    byte more does not.

    >>> card = Gpu("x", "X", "NVIDIA", 24 * 2**30, 10**12, 10**14, "")
    >>> usable = usable_memory(card).usable_bytes
    >>> fit(usable, card).fits_on_one, fit(usable + 1, card).fits_on_one
    (True, False)
    >>> verdict = fit(45_000_000_000, card)
    >>> verdict.cards, verdict.headroom_bytes
    (2, -21291780527)
    """
    need = _bytes("need_bytes", need_bytes)
    limit = _cards("max_cards", max_cards)
    usable = usable_memory(gpu, reserve_bytes=reserve_bytes)
    room = usable.usable_bytes
    fits_on_one = need <= room
    cards: int | None
    if fits_on_one:
        cards = 1
    elif room == 0 or not can_pool(gpu):
        cards = None
    else:
        cards = max(1, _ceil_div(need, room))
        if cards > limit:
            cards = None
    per_card = need if cards is None else _ceil_div(need, cards)
    return CardFit(gpu, need, usable, fits_on_one, room - need, cards, per_card, room - per_card)


# --- multi-GPU plans ------------------------------------------------------------------


@dataclass(frozen=True)
class CardLoad:
    """What one card of a plan holds."""

    weights_bytes: int
    kv_cache_bytes: int
    reserve_bytes: int
    usable_bytes: int

    @property
    def need_bytes(self) -> int:
        return self.weights_bytes + self.kv_cache_bytes

    @property
    def headroom_bytes(self) -> int:
        """Usable − need (negative: the shortfall)."""
        return self.usable_bytes - self.need_bytes


@dataclass(frozen=True)
class ParallelPlan:
    """A model spread over ``len(cards)`` identical cards, tensor or pipeline parallel."""

    kind: Literal["tensor", "pipeline"]
    gpu: Gpu
    cards: tuple[CardLoad, ...]
    layers_per_card: tuple[int, ...]
    kv_heads_per_card: int
    interconnect: Interconnect
    notes: tuple[str, ...]

    @property
    def fits(self) -> bool:
        return all(card.headroom_bytes >= 0 for card in self.cards)

    @property
    def headroom_bytes(self) -> int:
        """The tightest card's headroom."""
        return min(card.headroom_bytes for card in self.cards)


def _weights(arch: Architecture, dtype: Dtype | str, expert_dtype: Dtype | str | None) -> int:
    weights_dtype = get_dtype(dtype)
    split = split_weights_bytes(
        count_parameters(arch), weights_dtype, resolve_expert_dtype(weights_dtype, expert_dtype)
    )
    return split.total


def _check_interconnect(interconnect: str) -> Interconnect:
    if interconnect not in get_args(Interconnect):
        raise SizingError("interconnect", f"must be one of: {', '.join(get_args(Interconnect))}")
    return interconnect  # type: ignore[return-value]


def tensor_parallel(
    arch: Architecture,
    gpu: Gpu,
    cards: int,
    *,
    dtype: Dtype | str = "bf16",
    kv_dtype: Dtype | str | None = None,
    context: int = 0,
    users: int = 1,
    expert_dtype: Dtype | str | None = None,
    interconnect: Interconnect = "nvlink",
    reserve_bytes: int | None = None,
) -> ParallelPlan:
    """Tensor parallelism over ``cards`` cards: every layer's matrices are cut into
    ``cards`` slices (weights ÷ cards on each, rounded up), and attention heads are
    shared out. Each card caches its own key/value heads: ceil(kv_heads ÷ cards) of them,
    so when there are fewer KV heads than cards they are replicated. A latent (MLA)
    cache is not split by heads and is held whole on every card. Query heads must divide
    evenly (vLLM refuses otherwise). Each card keeps its own reserve.

    Llama 3 70B (8 KV heads) on 16 cards: each card still holds one KV head.

    >>> llama = Architecture(layers=80, hidden=8192, heads=64, kv_heads=8, ffn=28672,
    ...                      vocab=128256)
    >>> card = Gpu("x", "X", "NVIDIA", 80 * 2**30, 3_350 * 10**9, 10**15, "")
    >>> plan = tensor_parallel(llama, card, 16, context=8192)
    >>> plan.kv_heads_per_card, plan.cards[0].kv_cache_bytes
    (1, 335544320)
    """
    count = _cards("cards", cards)
    link = _check_interconnect(interconnect)
    if arch.heads % count:
        raise SizingError("cards", f"the {arch.heads} attention heads must divide by the cards")
    weights = _weights(arch, dtype, expert_dtype)
    cache_dtype = default_kv_dtype(dtype) if kv_dtype is None else get_kv_dtype(kv_dtype)
    check_integer("users", users, minimum=1, maximum=MAX_BATCH)
    if arch.is_mla:
        heads_per_card = arch.kv_heads
        kv = kv_cache_bytes(arch, context, users, cache_dtype)
    else:
        heads_per_card = _ceil_div(arch.kv_heads, count)
        elements = sum(kv_cache_elements(arch, context)) * users
        kv = math.ceil(Fraction(elements * heads_per_card, arch.kv_heads) * cache_dtype.bits / 8)
    usable = usable_memory(gpu, reserve_bytes=reserve_bytes)
    load = CardLoad(_ceil_div(weights, count), kv, usable.reserve_bytes, usable.usable_bytes)
    notes = [
        INTERCONNECT_NOTES[link],
        "norms (and small biases) are copied on every card; counted once here",
    ]
    if not arch.is_mla and arch.kv_heads < count:
        notes.append(
            f"{arch.kv_heads} KV heads on {count} cards: each card keeps one, "
            f"{count // arch.kv_heads if count % arch.kv_heads == 0 else 'some'} copies of each"
        )
    if arch.is_mla:
        notes.append("the MLA latent cache is replicated on every card")
    return ParallelPlan(
        "tensor", gpu, (load,) * count, (arch.layers,) * count, heads_per_card, link, tuple(notes)
    )


def split_layers(layers: int, stages: int) -> tuple[int, ...]:
    """Layers per pipeline stage: as even as possible, the first ``layers % stages``
    stages taking one more.

    >>> split_layers(80, 3)
    (27, 27, 26)
    """
    total = check_integer("layers", layers, minimum=1)
    count = _cards("cards", stages)
    if count > total:
        raise SizingError("cards", f"more pipeline stages than the {total} layers")
    base, extra = divmod(total, count)
    return tuple(base + (1 if stage < extra else 0) for stage in range(count))


def pipeline_parallel(
    arch: Architecture,
    gpu: Gpu,
    cards: int,
    *,
    dtype: Dtype | str = "bf16",
    kv_dtype: Dtype | str | None = None,
    context: int = 0,
    users: int = 1,
    expert_dtype: Dtype | str | None = None,
    interconnect: Interconnect = "pcie",
    reserve_bytes: int | None = None,
) -> ParallelPlan:
    """Pipeline parallelism (llama.cpp's default ``--split-mode layer``): whole layers on
    each card (``split_layers``), the embedding on the first and the output head on the
    last. Layers are taken as equal in size; each card caches only its own layers' keys
    and values, per layer type (sliding-window layers hold less). When the layers do not
    divide evenly the fuller cards set the limit. At batch 1 one card works at a time, so
    decode speed is that of one card reading all the weights.

    >>> llama = Architecture(layers=80, hidden=8192, heads=64, kv_heads=8, ffn=28672,
    ...                      vocab=128256)
    >>> card = Gpu("x", "X", "NVIDIA", 24 * 2**30, 10**12, 10**14, "")
    >>> plan = pipeline_parallel(llama, card, 3, dtype="q4_k_m", context=8192)
    >>> plan.layers_per_card, plan.fits
    ((27, 27, 26), True)
    """
    link = _check_interconnect(interconnect)
    layers = split_layers(arch.layers, cards)
    check_integer("users", users, minimum=1, maximum=MAX_BATCH)
    weights_dtype = get_dtype(dtype)
    cache_dtype = default_kv_dtype(dtype) if kv_dtype is None else get_kv_dtype(kv_dtype)
    parts = count_parameters(arch).breakdown
    embedding = weights_bytes(parts["embedding"] + parts["positions"], weights_dtype)
    head = weights_bytes(parts["head"], weights_dtype)
    blocks = _weights(arch, weights_dtype, expert_dtype) - embedding - head
    elements = kv_cache_elements(arch, context)
    usable = usable_memory(gpu, reserve_bytes=reserve_bytes)
    loads = []
    first = 0
    for stage, held in enumerate(layers):
        share = _ceil_div(blocks * held, arch.layers)
        if stage == 0:
            share += embedding
        if stage == len(layers) - 1:
            share += head
        kv = math.ceil(sum(elements[first : first + held]) * users * cache_dtype.bits / 8)
        loads.append(CardLoad(share, kv, usable.reserve_bytes, usable.usable_bytes))
        first += held
    notes = [
        INTERCONNECT_NOTES[link],
        "at batch 1 the cards take turns: speed is one card's, memory is pooled",
    ]
    if arch.layers % len(layers):
        notes.append(
            f"{arch.layers} layers do not divide by {len(layers)}: "
            f"{max(layers)} on the fullest card, {min(layers)} on the lightest"
        )
    return ParallelPlan("pipeline", gpu, tuple(loads), layers, arch.kv_heads, link, tuple(notes))


# --- CPU offload -----------------------------------------------------------------------


def offload_tokens_per_second(
    *,
    gpu_bytes: int,
    cpu_bytes: int,
    gpu_bandwidth: int,
    ram_bandwidth: int,
) -> Fraction:
    """The decode ceiling with part of the weights in system RAM: each token reads
    ``gpu_bytes`` at the GPU's bandwidth and ``cpu_bytes`` at the RAM's, one after the
    other, so time per token = gpu_bytes ÷ gpu_bandwidth + cpu_bytes ÷ ram_bandwidth.

    40 GB of weights, half on a 1 TB/s card and half in 80 GB/s RAM:

    >>> speed = offload_tokens_per_second(gpu_bytes=20 * 10**9, cpu_bytes=20 * 10**9,
    ...     gpu_bandwidth=10**12, ram_bandwidth=80 * 10**9)
    >>> speed, round(float(speed), 2)
    (Fraction(100, 27), 3.7)
    """
    on_gpu = _bytes("gpu_bytes", gpu_bytes)
    on_cpu = _bytes("cpu_bytes", cpu_bytes)
    if on_gpu + on_cpu == 0:
        raise SizingError("gpu_bytes", "a token must read some weights")
    gpu_rate = check_integer("gpu_bandwidth", gpu_bandwidth, minimum=1)
    ram_rate = check_integer("ram_bandwidth", ram_bandwidth, minimum=1)
    return 1 / (Fraction(on_gpu, gpu_rate) + Fraction(on_cpu, ram_rate))


@dataclass(frozen=True)
class OffloadPoint:
    """One step of an offload series: ``gpu_layers`` blocks on the GPU, the rest in RAM."""

    gpu_layers: int
    cpu_layers: int
    gpu_bytes: int  # resident on the GPU (all weights held there)
    cpu_bytes: int  # resident in system RAM
    tokens_per_second: Fraction  # the ceiling, from the bytes one token reads


def offload_series(
    arch: Architecture,
    gpu: Gpu,
    *,
    ram_bandwidth: int,
    dtype: Dtype | str = "bf16",
    expert_dtype: Dtype | str | None = None,
    experts_only: bool = False,
) -> tuple[OffloadPoint, ...]:
    """How the decode ceiling falls as blocks move from the GPU to system RAM, from all
    ``arch.layers`` on the GPU (llama.cpp's ``-ngl``) down to none. The embedding and head
    stay on the GPU's side of the sum. With ``experts_only`` (a mixture of experts) only
    the routed experts of the offloaded layers go to RAM (llama.cpp's ``--n-cpu-moe``).
    At batch 1 a token reads the active parameters only; at larger batches most experts
    are read each step.

    >>> small = Architecture(layers=4, hidden=64, heads=4, ffn=256, vocab=100)
    >>> card = Gpu("x", "X", "NVIDIA", 2**30, 10**12, 10**14, "")
    >>> series = offload_series(small, card, ram_bandwidth=10**11)
    >>> [point.gpu_layers for point in series]
    [4, 3, 2, 1, 0]
    >>> series[0].tokens_per_second > series[-1].tokens_per_second
    True
    """
    check_integer("ram_bandwidth", ram_bandwidth, minimum=1)
    if experts_only and not arch.is_moe:
        raise SizingError("experts_only", "needs a mixture of experts")
    weights_dtype = get_dtype(dtype)
    experts_dtype = resolve_expert_dtype(weights_dtype, expert_dtype)
    count = count_parameters(arch)
    held = split_weights_bytes(count, weights_dtype, experts_dtype)
    read = split_weights_bytes(count, weights_dtype, experts_dtype, active=True)
    parts = count.breakdown
    outside = weights_bytes(parts["embedding"] + parts["positions"] + parts["head"], weights_dtype)
    if experts_only:
        # routed experts' bytes, held and read; everything else stays on the GPU
        experts_held = held.expert_bytes or weights_bytes(
            count.routed_expert_weights, weights_dtype
        )
        experts_read = read.expert_bytes or weights_bytes(
            count.active_routed_expert_weights, weights_dtype
        )
        movable_held, movable_read = experts_held, experts_read
        fixed_held, fixed_read = held.total - experts_held, read.total - experts_read
    else:
        movable_held, movable_read = held.total - outside, read.total - outside
        fixed_held, fixed_read = outside, outside
    points = []
    for on_gpu in range(arch.layers, -1, -1):
        off = arch.layers - on_gpu
        cpu_held = _ceil_div(movable_held * off, arch.layers)
        cpu_read = _ceil_div(movable_read * off, arch.layers)
        gpu_read = fixed_read + movable_read - cpu_read
        speed = offload_tokens_per_second(
            gpu_bytes=gpu_read,
            cpu_bytes=cpu_read,
            gpu_bandwidth=gpu.figure("bandwidth_bytes_per_second"),
            ram_bandwidth=ram_bandwidth,
        )
        points.append(
            OffloadPoint(on_gpu, off, fixed_held + movable_held - cpu_held, cpu_held, speed)
        )
    return tuple(points)


# --- concurrent users --------------------------------------------------------------------


@dataclass(frozen=True)
class UsersFit:
    """How many conversations of ``context`` tokens fit beside the weights, for one
    KV-cache format."""

    kv_dtype: Dtype
    per_user_bytes: int
    free_bytes: int  # usable memory of all cards − weights (negative: weights do not fit)
    users: int


def concurrent_users(
    arch: Architecture,
    gpu: Gpu,
    *,
    context: int,
    cards: int = 1,
    dtype: Dtype | str = "bf16",
    expert_dtype: Dtype | str | None = None,
    kv_dtypes: Sequence[Dtype | str] = ("bf16", "fp8", "q8_0", "q4_0"),
    reserve_bytes: int | None = None,
) -> tuple[UsersFit, ...]:
    """Conversations of ``context`` tokens that fit after the weights, per KV-cache
    format: (usable memory × cards − weights) ÷ one conversation's KV cache
    (``sizing.memory.kv_cache_bytes``), rounded down; 0 when the weights leave no room.
    Over several cards the memory is pooled; KV heads replicated by tensor parallelism
    (fewer KV heads than cards) would take more: ``tensor_parallel`` counts them.

    Llama 3 8B in bf16 on one 80 GiB card at 8k tokens: 1 GiB per conversation in bf16.

    >>> llama = Architecture(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336,
    ...                      vocab=128256)
    >>> card = Gpu("x", "X", "NVIDIA", 80 * 2**30, 3_350 * 10**9, 10**15, "")
    >>> [(fit.kv_dtype.name, fit.users) for fit in concurrent_users(llama, card, context=8192)]
    [('bf16', 58), ('fp8', 117), ('q8_0', 110), ('q4_0', 208)]
    """
    check_integer("context", context, minimum=1, maximum=MAX_CONTEXT)
    count = _cards("cards", cards)
    if count > 1 and not can_pool(gpu):
        raise SizingError("cards", f"{gpu.name} machines cannot pool their memory")
    if not kv_dtypes or isinstance(kv_dtypes, str):
        raise SizingError("kv_dtype", "give one or more KV cache formats")
    usable = usable_memory(gpu, reserve_bytes=reserve_bytes).usable_bytes * count
    free = usable - _weights(arch, dtype, expert_dtype)
    results = []
    for choice in kv_dtypes:
        cache = get_kv_dtype(choice)
        per_user = kv_cache_bytes(arch, context, 1, cache)
        users = max(0, free) // per_user if per_user else 0
        results.append(UsersFit(cache, per_user, free, users))
    return tuple(results)


# --- starting-point commands --------------------------------------------------------------

STARTING_POINT: Final = (
    "A starting point, not a tuned configuration: check the engine's --help for your version."
)
LLAMA_CPP_ARGS: Final = "https://github.com/ggml-org/llama.cpp/blob/master/common/arg.cpp"
VLLM_ARGS: Final = "https://github.com/vllm-project/vllm/blob/main/vllm/engine/arg_utils.py"

# Our KV-cache format names as each engine spells them (llama.cpp's --cache-type-k/-v take
# ggml type names; vLLM's --kv-cache-dtype the CacheDType literals in vllm/config/cache.py).
_LLAMA_CPP_CACHE: Final = {
    "fp32": "f32",
    "fp16": "f16",
    "bf16": "bf16",
    "q8_0": "q8_0",
    "q4_0": "q4_0",
    "q4_1": "q4_1",
    "q5_0": "q5_0",
    "q5_1": "q5_1",
}
_VLLM_CACHE: Final = {"fp16": "float16", "bf16": "bfloat16", "fp8": "fp8"}


@dataclass(frozen=True)
class Command:
    """A command line, as arguments and as one shell-quoted string."""

    engine: str
    argv: tuple[str, ...]
    note: str = STARTING_POINT

    @property
    def line(self) -> str:
        return shlex.join(self.argv)


def llama_server_command(
    *,
    model_path: str,
    context: int,
    gpu_layers: int,
    kv_dtype: Dtype | str = "fp16",
    users: int = 1,
    cards: int = 1,
) -> Command:
    """A ``llama-server`` line: ``-ngl`` layers on the GPU, ``--ctx-size`` (context ×
    users: the server shares it among its ``--parallel`` slots), the KV cache format for
    keys and values, and ``--split-mode layer`` over several cards.

    >>> print(llama_server_command(model_path="llama-3-70b.Q4_K_M.gguf", context=8192,
    ...                            gpu_layers=81, kv_dtype="q8_0").line)
    llama-server -m llama-3-70b.Q4_K_M.gguf -ngl 81 --ctx-size 8192 --cache-type-k q8_0 \
--cache-type-v q8_0
    """
    if not model_path or not model_path.strip():
        raise SizingError("model_path", "name the GGUF file")
    tokens = check_integer("context", context, minimum=1, maximum=MAX_CONTEXT)
    layers = check_integer("gpu_layers", gpu_layers, minimum=0, maximum=10_000)
    slots = check_integer("users", users, minimum=1, maximum=MAX_BATCH)
    count = _cards("cards", cards)
    cache = get_kv_dtype(kv_dtype)
    if cache.name not in _LLAMA_CPP_CACHE:
        raise SizingError("kv_dtype", f"llama.cpp has no {cache.name} cache type")
    kind = _LLAMA_CPP_CACHE[cache.name]
    argv = ["llama-server", "-m", model_path.strip(), "-ngl", str(layers)]
    argv += ["--ctx-size", str(tokens * slots), "--cache-type-k", kind, "--cache-type-v", kind]
    if slots > 1:
        argv += ["--parallel", str(slots)]
    if count > 1:
        argv += ["--split-mode", "layer"]
    return Command("llama.cpp", tuple(argv))


def vllm_serve_command(
    *,
    model: str,
    max_model_len: int,
    tensor_parallel_size: int = 1,
    kv_dtype: Dtype | str = "bf16",
    gpu_memory_utilization: Fraction = VLLM_GPU_MEMORY_UTILIZATION,
) -> Command:
    """A ``vllm serve`` line with the flags that set memory: tensor parallel size,
    maximum context, KV cache format and the share of each card vLLM takes.

    >>> print(vllm_serve_command(model="meta-llama/Llama-3.1-70B-Instruct",
    ...                          max_model_len=8192, tensor_parallel_size=2).line)
    vllm serve meta-llama/Llama-3.1-70B-Instruct --tensor-parallel-size 2 --max-model-len 8192 \
--kv-cache-dtype bfloat16 --gpu-memory-utilization 0.92
    """
    if not model or not model.strip():
        raise SizingError("model", "name the model")
    tokens = check_integer("max_model_len", max_model_len, minimum=1, maximum=MAX_CONTEXT)
    count = _cards("tensor_parallel_size", tensor_parallel_size)
    cache = get_kv_dtype(kv_dtype)
    if cache.name not in _VLLM_CACHE:
        raise SizingError("kv_dtype", f"vLLM has no {cache.name} KV cache")
    share = Fraction(gpu_memory_utilization)
    if not 0 < share <= 1:
        raise SizingError("gpu_memory_utilization", "must be above 0 up to 1")
    argv = ["vllm", "serve", model.strip(), "--tensor-parallel-size", str(count)]
    argv += ["--max-model-len", str(tokens), "--kv-cache-dtype", _VLLM_CACHE[cache.name]]
    argv += ["--gpu-memory-utilization", f"{float(share):g}"]
    return Command("vLLM", tuple(argv))


# --- hardware first --------------------------------------------------------------------

# From 16-bit down to llama.cpp's 2-bit mix, best (largest) first.
WHAT_FITS_FORMATS: Final = ("bf16", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "q3_k_m", "q2_k_s")


@dataclass(frozen=True)
class ModelFit:
    """The best format of one model that fits a machine, or why none does."""

    name: str
    dtype: Dtype | None  # None: no format fits on the cards alone
    need_bytes: int  # weights + KV cache in that format (or in the smallest format)
    headroom_bytes: int  # usable memory of the cards − need (negative: shortfall)
    # Better formats than ``dtype`` (None: none better) that fit on the cards with RAM
    # for offloaded layers, or on one card more.
    fits_with_offload: Dtype | None
    fits_with_one_more_card: Dtype | None


def _need(arch: Architecture, dtype: Dtype, context: int, users: int) -> int:
    cache = default_kv_dtype(dtype)
    kv = kv_cache_bytes(arch, context, users, cache) if context else 0
    return _weights(arch, dtype, None) + kv


def what_fits(
    models: Sequence[tuple[str, Architecture]],
    gpu: Gpu,
    count: int = 1,
    ram: int = 0,
    context: int = 8192,
    users: int = 1,
    *,
    formats: Sequence[str] = WHAT_FITS_FORMATS,
    reserve_bytes: int | None = None,
) -> tuple[ModelFit, ...]:
    """For each ``(name, architecture)``, the best format (``formats``, largest first)
    whose weights and KV cache (``users`` conversations of ``context`` tokens, 16-bit
    cache for quantised weights) fit on ``count`` cards; and the better formats that
    would fit with ``ram`` bytes of system RAM for offloaded layers, or on one card more.
    Apple machines count as one (they cannot pool memory).

    >>> llama = Architecture(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336,
    ...                      vocab=128256)
    >>> card = Gpu("x", "X", "NVIDIA", 8 * 2**30, 448 * 10**9, 10**14, "")
    >>> [answer] = what_fits([("llama-3-8b", llama)], card, ram=32 * 10**9)
    >>> answer.dtype.name, answer.fits_with_offload.name, answer.fits_with_one_more_card.name
    ('q6_k', 'bf16', 'q8_0')
    """
    cards = _cards("count", count)
    spare = _bytes("ram", ram)
    tokens = check_integer("context", context, minimum=0, maximum=MAX_CONTEXT)
    conversations = check_integer("users", users, minimum=1, maximum=MAX_BATCH)
    if not formats or isinstance(formats, str):
        raise SizingError("formats", "give one or more formats")
    dtypes = [get_dtype(name) for name in formats]
    if not can_pool(gpu):
        cards = 1
    room = usable_memory(gpu, reserve_bytes=reserve_bytes).usable_bytes
    answers = []
    for name, arch in models:
        needs = [(dtype, _need(arch, dtype, tokens, conversations)) for dtype in dtypes]
        fitting = [n <= room * cards for _, n in needs]
        best = fitting.index(True) if True in fitting else len(needs)
        # the best formats the machine would take with RAM or one card more, when better
        offload = next((d for d, n in needs[:best] if n <= room * cards + spare), None)
        more = next((d for d, n in needs[:best] if n <= room * (cards + 1)), None)
        dtype, need = needs[min(best, len(needs) - 1)]
        answers.append(
            ModelFit(
                name,
                dtype if best < len(needs) else None,
                need,
                room * cards - need,
                offload,
                more if can_pool(gpu) else None,
            )
        )
    return tuple(answers)
