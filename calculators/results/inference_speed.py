"""The inference calculator's answer: the decode ceiling memory bandwidth sets, and prefill."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from calculators.gpus import chosen_gpu
from calculators.results.result import Result, Step, gb, n, source_note
from sizing import (
    Architecture,
    count_parameters,
    estimate_inference_speed,
    human_bytes,
    human_count,
)


class InferenceAnswer(TypedDict):
    """The decode ceiling memory bandwidth sets, and prefill time."""

    bytes_per_token: Annotated[int, "Active weights and KV cache read per generated token"]
    decode_tokens_per_second: Annotated[float, "Bandwidth ÷ bytes per token: a ceiling"]
    prefill_seconds: float
    gpu: Annotated[str, "A slug from the GPU catalog (GET /api/v1/gpus lists them)"]
    gpus: int
    context: int
    assumptions: list[str]


def inference(cleaned: dict[str, Any]) -> Result:
    arch: Architecture = cleaned["architecture"]
    gpu = chosen_gpu(cleaned.get("gpu"))
    gpus = cleaned.get("gpus") or 1
    context = cleaned.get("context") or 0
    speed = estimate_inference_speed(
        arch, gpu=gpu, gpus=gpus, dtype=cleaned.get("dtype") or "bf16", context=context
    )
    bandwidth = gpu.figure("bandwidth_bytes_per_second") * gpus
    steps = [
        Step(
            "Bytes read per generated token",
            f"active weights + KV cache at {n(context)} tokens",
            gb(speed.bytes_per_token),
        ),
        Step(
            "Memory bandwidth",
            f"{gpus} × {bandwidth / gpus / 1e9:,.0f} GB/s",
            f"{bandwidth / 1e9:,.0f} GB/s",
        ),
        Step(
            "Decode ceiling",
            f"{bandwidth / 1e9:,.0f} GB/s ÷ {human_bytes(speed.bytes_per_token)}",
            f"{speed.decode_tokens_per_second:,.1f} tokens/s",
        ),
        Step(
            "Prefill of the prompt",
            f"2 × {human_count(count_parameters(arch).active)} × "
            f"{n(context)} tokens ÷ (FLOP/s × 40% MFU)",
            f"{speed.prefill_seconds:,.3f} s",
        ),
    ]
    answer: InferenceAnswer = {
        "bytes_per_token": speed.bytes_per_token,
        "decode_tokens_per_second": speed.decode_tokens_per_second,
        "prefill_seconds": speed.prefill_seconds,
        "gpu": gpu.slug,
        "gpus": gpus,
        "context": context,
        "assumptions": list(speed.assumptions),
    }
    return Result(
        data=answer,
        headline=[
            ("Decode ceiling", f"{speed.decode_tokens_per_second:,.0f} tokens/s", "one sequence"),
            ("Prefill", f"{speed.prefill_seconds:,.2f} s", f"for {n(context)} prompt tokens"),
        ],
        steps=steps,
        assumptions=list(speed.assumptions)
        + ["A ceiling, not a benchmark: real servers reach 50–80% of it."],
        notes=source_note(cleaned.get("catalog_model")),
    )
