"""Compute, time and money: training FLOPs, compute-optimal data, and speed ceilings.

FLOPs and token counts are exact integers. Times and costs depend on a guessed
utilisation (MFU), so they are floats computed from exact fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from sizing.architecture import MAX_PARAMS, Architecture, count_parameters
from sizing.hardware import Gpu
from sizing.memory import (
    MAX_CONTEXT,
    MlaCache,
    kv_cache_bytes,
    resolve_expert_dtype,
    split_weights_bytes,
)
from sizing.precision import Dtype, default_kv_dtype, get_dtype, get_kv_dtype
from sizing.validation import Number, SizingError, check_integer, check_number

MAX_TOKENS: Final = 10**16  # a hundred times the largest reported training run
MAX_GPUS: Final = 10_000_000
MAX_PRICE: Final = 1_000_000  # per GPU-hour

# Forward pass ≈ 2 FLOPs per parameter per token, backward ≈ 4 (Kaplan et al. 2020,
# "Scaling Laws for Neural Language Models", §2.1; Hoffmann et al. 2022 use the same).
TRAINING_FLOPS_PER_PARAM_TOKEN: Final = 6
FORWARD_FLOPS_PER_PARAM_TOKEN: Final = 2

# Hoffmann et al. 2022 ("Training Compute-Optimal Large Language Models"): about 20
# tokens per parameter at the compute optimum (Chinchilla: 70B parameters, 1.4T tokens).
CHINCHILLA_TOKENS_PER_PARAM: Final = 20

# Hoffmann et al. 2022, §3.3 / equation (10): the fitted loss L(N, D) = E + A/N^α + B/D^β.
CHINCHILLA_E: Final = 1.69
CHINCHILLA_A: Final = 406.4
CHINCHILLA_B: Final = 410.7
CHINCHILLA_ALPHA: Final = 0.34
CHINCHILLA_BETA: Final = 0.28

# Model FLOPs utilisation: Llama 3 405B's pre-training reached 38–43% on H100s
# (Llama Team 2024, "The Llama 3 Herd of Models", Table 4).
DEFAULT_MFU: Final = Fraction(2, 5)

_SECONDS_PER_HOUR: Final = 3600
_HOURS_PER_DAY: Final = 24


def training_flops(active_params: int, tokens: int) -> int:
    """Training compute: 6 × active parameters × tokens.

    >>> training_flops(8_000_000_000, 15_000_000_000_000)
    720000000000000000000000
    """
    n = check_integer("params", active_params, minimum=1, maximum=MAX_PARAMS)
    d = check_integer("tokens", tokens, minimum=1, maximum=MAX_TOKENS)
    return TRAINING_FLOPS_PER_PARAM_TOKEN * n * d


def chinchilla_optimal_tokens(params: int) -> int:
    """Compute-optimal training tokens: 20 per parameter (Hoffmann et al. 2022). Fitted
    on dense models; for a mixture of experts it is only a rough guide.

    >>> chinchilla_optimal_tokens(70_000_000_000)
    1400000000000
    """
    n = check_integer("params", params, minimum=1, maximum=MAX_PARAMS)
    return CHINCHILLA_TOKENS_PER_PARAM * n


def chinchilla_loss(params: int, tokens: int) -> float:
    """Predicted pre-training loss (nats per token on Chinchilla's data) from Hoffmann
    et al.'s fit: E + A/N^0.34 + B/D^0.28. A curiosity: other data, other constants."""
    n = check_integer("params", params, minimum=1, maximum=MAX_PARAMS)
    d = check_integer("tokens", tokens, minimum=1, maximum=MAX_TOKENS)
    return float(
        CHINCHILLA_E + CHINCHILLA_A / n**CHINCHILLA_ALPHA + CHINCHILLA_B / d**CHINCHILLA_BETA
    )


@dataclass(frozen=True)
class TrainingEstimate:
    """What training costs. ``cost`` is None when no price was given."""

    params: int
    active_params: int
    tokens: int
    optimal_tokens: int
    flops: int
    gpu: Gpu
    gpus: int
    mfu: Fraction
    gpu_hours: float
    days: float
    cost: float | None
    assumptions: tuple[str, ...]


def estimate_training(
    *,
    params: int,
    active_params: int | None = None,
    tokens: int | None = None,
    gpu: Gpu,
    gpus: int = 1,
    mfu: Number = DEFAULT_MFU,
    price_per_gpu_hour: Number | None = None,
) -> TrainingEstimate:
    """Training FLOPs, GPU-hours, wall-clock days and cost. ``tokens`` defaults to the
    compute-optimal 20 per parameter; ``active_params`` (mixture of experts) to
    ``params``."""
    total = check_integer("params", params, minimum=1, maximum=MAX_PARAMS)
    active = total if active_params is None else active_params
    check_integer("active_params", active, minimum=1, maximum=total)
    optimal = chinchilla_optimal_tokens(total)
    data = (
        optimal
        if tokens is None
        else check_integer("tokens", tokens, minimum=1, maximum=MAX_TOKENS)
    )
    device = gpu
    count = check_integer("gpus", gpus, minimum=1, maximum=MAX_GPUS)
    utilisation = check_number("mfu", mfu, minimum=0, maximum=1, allow_minimum=False)
    price = (
        None
        if price_per_gpu_hour is None
        else check_number("price", price_per_gpu_hour, minimum=0, maximum=MAX_PRICE)
    )

    flops = training_flops(active, data)
    speed = device.figure("flops_per_second")
    seconds = Fraction(flops) / (count * speed * utilisation)
    gpu_hours = seconds * count / _SECONDS_PER_HOUR
    return TrainingEstimate(
        params=total,
        active_params=active,
        tokens=data,
        optimal_tokens=optimal,
        flops=flops,
        gpu=device,
        gpus=count,
        mfu=utilisation,
        gpu_hours=float(gpu_hours),
        days=float(seconds / _SECONDS_PER_HOUR / _HOURS_PER_DAY),
        cost=None if price is None else float(gpu_hours * price),
        assumptions=(
            "Training FLOPs = 6 × active parameters × tokens (Kaplan et al. 2020).",
            "Compute-optimal tokens = 20 × parameters (Hoffmann et al. 2022).",
            f"{device.name}: {speed / 1e12:g} TFLOP/s dense 16-bit, "
            f"used at {float(utilisation):.0%} (MFU) on every GPU, with perfect scaling.",
        ),
    )


def decode_tokens_per_second(
    *, active_weights_bytes: int, kv_cache_bytes: int, bandwidth_bytes_per_second: int
) -> float:
    """Ceiling on generation speed for one sequence: each new token reads the active
    weights and the whole KV cache from memory once, so tokens/s ≤ bandwidth ÷ bytes.
    Real engines reach perhaps 60–80% of it."""
    read = check_integer("active_weights_bytes", active_weights_bytes, minimum=1) + (
        check_integer("kv_cache_bytes", kv_cache_bytes, minimum=0)
    )
    bandwidth = check_integer("bandwidth", bandwidth_bytes_per_second, minimum=1)
    return float(Fraction(bandwidth, read))


def prefill_seconds(
    *, active_params: int, prompt_tokens: int, flops_per_second: int, mfu: Number = DEFAULT_MFU
) -> float:
    """Time to read a prompt, compute-bound: 2 × active parameters × prompt tokens ÷
    (FLOP/s × MFU). Ignores attention's own FLOPs, which grow with the prompt squared."""
    n = check_integer("active_params", active_params, minimum=1, maximum=MAX_PARAMS)
    tokens = check_integer("prompt_tokens", prompt_tokens, minimum=0, maximum=MAX_CONTEXT)
    speed = check_integer("flops_per_second", flops_per_second, minimum=1)
    utilisation = check_number("mfu", mfu, minimum=0, maximum=1, allow_minimum=False)
    return float(Fraction(FORWARD_FLOPS_PER_PARAM_TOKEN * n * tokens) / (speed * utilisation))


@dataclass(frozen=True)
class InferenceSpeed:
    """Speed ceilings for one sequence on ``gpus`` devices working as one."""

    bytes_per_token: int
    decode_tokens_per_second: float
    prefill_seconds: float
    assumptions: tuple[str, ...]


def estimate_inference_speed(
    arch: Architecture,
    *,
    gpu: Gpu,
    gpus: int = 1,
    dtype: Dtype | str = "bf16",
    kv_dtype: Dtype | str | None = None,
    context: int = 0,
    mfu: Number = DEFAULT_MFU,
    expert_dtype: Dtype | str | None = None,
    mla_cache: MlaCache = "latent",
) -> InferenceSpeed:
    """Decode and prefill ceilings for ``arch`` with ``context`` tokens of prompt (and
    of KV cache read per generated token). Bandwidth and FLOP/s add up over ``gpus``,
    as with ideal tensor parallelism. Both follow the active parameters: a mixture of
    experts reads and multiplies only the experts a token is routed to (in
    ``expert_dtype`` when they are kept in their own format)."""
    device = gpu
    count = check_integer("gpus", gpus, minimum=1, maximum=MAX_GPUS)
    bandwidth = device.figure("bandwidth_bytes_per_second")
    speed = device.figure("flops_per_second")
    weights_dtype = get_dtype(dtype)
    cache_dtype = default_kv_dtype(weights_dtype) if kv_dtype is None else get_kv_dtype(kv_dtype)
    experts_dtype = resolve_expert_dtype(weights_dtype, expert_dtype)
    parameters = count_parameters(arch)
    if expert_dtype is not None and not arch.is_moe:
        raise SizingError("expert_dtype", "needs the architecture of a mixture of experts")
    active = parameters.active
    active_bytes = split_weights_bytes(parameters, weights_dtype, experts_dtype, active=True).total
    cache = kv_cache_bytes(arch, context, 1, cache_dtype, mla=mla_cache)
    return InferenceSpeed(
        bytes_per_token=active_bytes + cache,
        decode_tokens_per_second=decode_tokens_per_second(
            active_weights_bytes=active_bytes,
            kv_cache_bytes=cache,
            bandwidth_bytes_per_second=bandwidth * count,
        ),
        prefill_seconds=prefill_seconds(
            active_params=active,
            prompt_tokens=context,
            flops_per_second=speed * count,
            mfu=mfu,
        ),
        assumptions=(
            "Decoding is memory-bound: every token reads the active weights and the "
            "KV cache once; batching more sequences shares the weight reads.",
            "Active parameters: everything but the routed experts a token does not use "
            "(the embedding and output head included).",
            "Prefill is compute-bound: 2 FLOPs per active parameter per prompt token.",
            f"{count} × {device.name}: {bandwidth / 1e9:g} GB/s "
            f"and {speed / 1e12:g} TFLOP/s each, scaling perfectly.",
        ),
    )
