"""The training calculator's answer: FLOPs, GPU-hours, days and dollars."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, TypedDict

from calculators.gpus import chosen_gpu
from calculators.models import CatalogModel
from calculators.results.result import Result, Step, n, source_note
from sizing import (
    Architecture,
    chinchilla_loss,
    count_parameters,
    estimate_training,
    human_count,
)


class TrainingAnswer(TypedDict):
    """Training compute, time and cost."""

    params: int
    active_params: int
    tokens: int
    optimal_tokens: Annotated[int, "Compute-optimal tokens: 20 per parameter"]
    flops: Annotated[int, "6 × active parameters × tokens, exact"]
    gpu: Annotated[str, "A slug from the GPU catalog (GET /api/v1/gpus lists them)"]
    gpus: int
    mfu: float
    gpu_hours: float
    days: float
    cost: Annotated[float | None, "In dollars; null without a price"]
    chinchilla_loss: Annotated[float, "Chinchilla's fitted loss (a curve fit, not a promise)"]
    assumptions: list[str]


def _fraction(value: Decimal | None, default: Fraction) -> Fraction:
    return default if value is None else Fraction(value)


def training(cleaned: dict[str, Any]) -> Result:
    arch: Architecture | None = cleaned.get("architecture")
    model: CatalogModel | None = cleaned.get("catalog_model")
    if arch is not None:
        count = count_parameters(arch)
        params, active = count.total, count.active
    elif model is not None:
        params = active = model.parameters or 0
        if model.active_parameters:
            active = model.active_parameters
    else:
        params = active = cleaned["params"]
    price = cleaned.get("price")
    estimate = estimate_training(
        params=params,
        active_params=active,
        tokens=cleaned.get("tokens"),
        gpu=chosen_gpu(cleaned.get("gpu")),
        gpus=cleaned.get("gpus") or 1,
        mfu=_fraction(cleaned.get("mfu"), Fraction(2, 5)),
        price_per_gpu_hour=None if price is None else Fraction(price),
    )
    gpu = estimate.gpu
    effective = Fraction(gpu.figure("flops_per_second")) * estimate.mfu
    steps = [
        Step(
            "Training compute",
            f"6 × {n(estimate.active_params)} active parameters × {n(estimate.tokens)} tokens",
            f"{estimate.flops:.3e} FLOPs".replace("e+", "e"),
        ),
        Step(
            "One GPU's useful speed",
            f"{gpu.figure('flops_per_second') / 1e12:,.1f} TFLOP/s × {float(estimate.mfu):.0%} MFU",
            f"{float(effective) / 1e12:,.1f} TFLOP/s",
        ),
        Step(
            "GPU-hours",
            f"{estimate.flops:.3e} ÷ {float(effective):.3e} ÷ 3,600".replace("e+", "e"),
            f"{estimate.gpu_hours:,.0f}",
        ),
        Step(
            "Wall-clock",
            f"{estimate.gpu_hours:,.0f} GPU-hours ÷ {n(estimate.gpus)} GPUs ÷ 24",
            f"{estimate.days:,.1f} days",
        ),
    ]
    if estimate.cost is not None:
        steps.append(
            Step(
                "Cost",
                f"{estimate.gpu_hours:,.0f} GPU-hours × ${float(price or 0):,.2f}",
                f"${estimate.cost:,.0f}",
            )
        )
    loss = chinchilla_loss(params, estimate.tokens)
    headline = [
        (
            "Training compute",
            f"{estimate.flops:.2e} FLOPs".replace("e+", "e"),
            f"{n(estimate.flops)} FLOPs",
        ),
        ("GPU-hours", f"{estimate.gpu_hours:,.0f}", f"on {gpu.name}"),
        ("Wall-clock", f"{estimate.days:,.1f} days", f"on {n(estimate.gpus)} GPUs"),
    ]
    if estimate.cost is not None:
        headline.append(("Cost", f"${estimate.cost:,.0f}", "compute only"))
    answer: TrainingAnswer = {
        "params": estimate.params,
        "active_params": estimate.active_params,
        "tokens": estimate.tokens,
        "optimal_tokens": estimate.optimal_tokens,
        "flops": estimate.flops,
        "gpu": gpu.slug,
        "gpus": estimate.gpus,
        "mfu": float(estimate.mfu),
        "gpu_hours": estimate.gpu_hours,
        "days": estimate.days,
        "cost": estimate.cost,
        "chinchilla_loss": loss,
        "assumptions": list(estimate.assumptions),
    }
    return Result(
        data=answer,
        headline=headline,
        steps=steps,
        assumptions=list(estimate.assumptions)
        + [
            f"Compute-optimal data for {human_count(params)} parameters: "
            f"{human_count(estimate.optimal_tokens)} tokens (20 per parameter).",
            f"Chinchilla's fitted loss for this run: {loss:.3f} (Hoffmann et al. 2022, "
            "approach 3; a curve fitted to their runs, not a promise).",
        ],
        notes=source_note(model),
    )
