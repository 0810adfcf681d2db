"""The memory calculator's answer: weights, KV cache and training states, and where they fit."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from calculators import charts
from calculators.gpus import catalog_gpus
from calculators.models import CatalogModel
from calculators.results.result import Result, Step, gb, n, source_note
from sizing import DTYPES, Architecture, estimate_memory, fits_on, human_bytes

DtypeName = Annotated[str, {"enum": list(DTYPES)}]
GpuSlug = Annotated[str, "A slug from the GPU catalog (GET /api/v1/gpus lists them)"]


class MemoryPart(TypedDict):
    label: str
    bytes: int
    exact: Annotated[bool, "False for an estimate (activations, overhead)"]
    note: str


class GpuFit(TypedDict):
    """A GPU the total fits on, and how many of it."""

    gpu: GpuSlug
    name: str
    count: Annotated[int, "Cards needed"]
    memory_bytes: Annotated[int, "One card's usable memory"]


class MemoryDisplay(TypedDict):
    total: Annotated[str, "In GB (10⁹ bytes)"]
    total_gib: Annotated[str, "In GiB (2³⁰ bytes)"]
    weights: str


class MemoryAnswer(TypedDict):
    """Memory for weights, KV cache and (when training) gradients and optimiser states."""

    mode: Literal["inference", "training", "lora", "qlora"]
    params: int
    dtype: DtypeName
    kv_dtype: DtypeName
    weights_bytes: Annotated[int, "Parameters × bits ÷ 8, exact for the plain types"]
    kv_cache_bytes: Annotated[
        int, "2 × layers × kv_heads × head_dim × context × batch × bytes per element"
    ]
    overhead_bytes: int
    total_bytes: int
    breakdown: list[MemoryPart]
    assumptions: list[str]
    fits_on: list[GpuFit]
    display: MemoryDisplay
    estimate: Annotated[bool, "The model's size was never published: all of it is an estimate"]


def memory(cleaned: dict[str, Any]) -> Result:
    arch: Architecture | None = cleaned.get("architecture")
    model: CatalogModel | None = cleaned.get("catalog_model")
    params = cleaned.get("params")
    if arch is None and model is not None:
        params = model.parameters
    estimate = estimate_memory(
        arch,
        params=None if arch is not None else params,
        dtype=cleaned.get("dtype") or "bf16",
        kv_dtype=cleaned.get("kv_dtype") or None,
        context=cleaned.get("context") or 0,
        batch=cleaned.get("batch") or 1,
        mode=cleaned.get("mode") or "inference",
    )
    fits: list[GpuFit] = [
        {
            "gpu": fit.gpu.slug,
            "name": fit.gpu.name,
            "count": fit.count,
            "memory_bytes": fit.usable_bytes,
        }
        for fit in fits_on(estimate.total_bytes, catalog_gpus())
    ]
    steps = [
        Step(item.label, item.note, gb(item.bytes) + ("" if item.exact else " (estimate)"))
        for item in estimate.breakdown
    ]
    steps.append(
        Step(
            "Total",
            " + ".join(str(human_bytes(i.bytes)) for i in estimate.breakdown),
            gb(estimate.total_bytes),
        )
    )
    notes = source_note(model)
    if model is not None and model.is_estimate:
        notes.append("Every figure below rests on that estimate.")
    answer: MemoryAnswer = {
        "mode": estimate.mode,
        "params": estimate.params,
        "dtype": estimate.dtype.name,
        "kv_dtype": estimate.kv_dtype.name,
        "weights_bytes": estimate.weights_bytes,
        "kv_cache_bytes": estimate.kv_cache_bytes,
        "overhead_bytes": estimate.overhead_bytes,
        "total_bytes": estimate.total_bytes,
        "breakdown": [
            {"label": i.label, "bytes": i.bytes, "exact": i.exact, "note": i.note}
            for i in estimate.breakdown
        ],
        "assumptions": list(estimate.assumptions),
        "fits_on": fits,
        "display": {
            "total": str(human_bytes(estimate.total_bytes)),
            "total_gib": str(human_bytes(estimate.total_bytes, binary=True)),
            "weights": str(human_bytes(estimate.weights_bytes)),
        },
        "estimate": bool(model is not None and model.is_estimate),
    }
    return Result(
        data=answer,
        headline=[
            (
                "Total memory",
                str(human_bytes(estimate.total_bytes)),
                f"{n(estimate.total_bytes)} bytes · "
                f"{human_bytes(estimate.total_bytes, binary=True)}",
            ),
            (
                "Weights",
                str(human_bytes(estimate.weights_bytes)),
                f"{n(estimate.weights_bytes)} bytes",
            ),
            (
                "KV cache",
                str(human_bytes(estimate.kv_cache_bytes)),
                f"{n(estimate.kv_cache_bytes)} bytes",
            ),
        ],
        steps=steps,
        assumptions=list(estimate.assumptions)
        + ["GB here means 10⁹ bytes; GPU memory is listed as the driver reports it."],
        chart=charts.breakdown_bar(
            "Memory by part",
            [(i.label, i.bytes) for i in estimate.breakdown if i.bytes],
            human=lambda v: str(human_bytes(v)),
        ),
        fits=fits,
        notes=notes,
    )
