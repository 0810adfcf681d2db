"""The scale comparison's answer: catalog models on a log scale, and their size ratio."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any, NotRequired, TypedDict

from calculators import charts
from calculators.models import CatalogModel
from calculators.results.result import Result, Step, n
from sizing import human_count


class ScaleModel(TypedDict):
    slug: str
    name: str
    parameters: int
    estimate: Annotated[bool, "The size was never published: an estimate"]
    display: str
    organisation: str
    open_weights: bool


class ScaleAnswer(TypedDict):
    """Catalog models by size, and how many times bigger `large` is than `small` (only
    `models`, empty, when the catalog is)."""

    models: list[ScaleModel]
    small: NotRequired[str]
    large: NotRequired[str]
    ratio: NotRequired[float]


def scale(cleaned: dict[str, Any], models: list[CatalogModel]) -> Result:
    sized = sorted(
        ((m, m.parameters) for m in models if m.parameters), key=lambda pair: pair[1] or 0
    )
    by_slug = {m.slug: (m, p) for m, p in sized}
    small = by_slug.get(cleaned.get("small") or "", sized[0] if sized else None)
    large = by_slug.get(cleaned.get("large") or "", sized[-1] if sized else None)
    if not sized or small is None or large is None:
        return Result(data=ScaleAnswer(models=[]), notes=["The catalog is empty."])
    (small_model, small_params), (large_model, large_params) = small, large
    ratio = Fraction(large_params or 1, small_params or 1)
    rows: list[ScaleModel] = [
        {
            "slug": m.slug,
            "name": m.name,
            "parameters": p or 0,
            "estimate": m.is_estimate,
            "display": str(human_count(p or 0)),
            "organisation": m.organisation,
            "open_weights": m.open_weights,
        }
        for m, p in sized
    ]
    return Result(
        data=ScaleAnswer(
            models=rows, small=small_model.slug, large=large_model.slug, ratio=float(ratio)
        ),
        headline=[
            ("Size ratio", f"{float(ratio):,.0f}×", f"{large_model.name} ÷ {small_model.name}")
        ],
        steps=[
            Step(
                "Ratio", f"{n(large_params or 0)} ÷ {n(small_params or 0)}", f"{float(ratio):,.1f}×"
            )
        ],
        assumptions=[
            "Parameter counts are computed from published architectures; models "
            "whose size was never published show an estimate, marked as such."
        ],
        chart=charts.log_scale_chart(rows, chosen={small_model.slug, large_model.slug}),
    )
