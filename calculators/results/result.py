"""The Result every calculator answers with, and the number formatting its steps share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from calculators.models import CatalogModel
from sizing import human_bytes


@dataclass(frozen=True)
class Step:
    label: str
    formula: str
    value: str


@dataclass
class Result:
    # The API's answer: exact integers, plain JSON types; each calculator's is a TypedDict
    # beside the function that builds it, and the API's description is made from that type.
    data: Mapping[str, Any]
    headline: list[tuple[str, str, str]] = field(default_factory=list)  # label, value, detail
    steps: list[Step] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    chart: str = ""  # trusted, server-rendered SVG
    fits: Sequence[Mapping[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def n(value: int) -> str:
    return f"{value:,}"


def gb(value: int) -> str:
    return f"{human_bytes(value)} ({n(value)} bytes)"


def source_note(model: CatalogModel | None) -> list[str]:
    if model is None:
        return []
    if model.is_estimate:
        return [f"{model.name}: size never published. {model.estimate_note}".strip()]
    return [f"Architecture of {model.name} from {model.source_url}"]
