"""The calculators: each a form, a function computing its Result, and the defaults a page
shows before the reader changes anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from calculators import forms, results
from calculators.models import CatalogModel
from sizing import SizingError


@dataclass(frozen=True)
class Calculator:
    slug: str
    title: str
    summary: str
    form_class: type[forms.CalculatorForm]
    compute: Callable[[dict[str, Any]], results.Result]
    answer: type  # the TypedDict of Result.data: the API's description is made from it
    defaults: dict[str, str] = field(default_factory=dict)
    architecture: bool = True  # whether the form takes a model or an architecture

    def form(self, data: Any | None, *, prefix: str | None = None) -> forms.CalculatorForm:
        auto_id = f"{prefix}-%s" if prefix else "id_%s"
        return self.form_class(data, auto_id=auto_id)

    def run(
        self, query: QueryDict | dict[str, str], *, prefix: str | None = None
    ) -> tuple[forms.CalculatorForm, results.Result | None]:
        """Validate with the calculator's form and compute: the one path for the page, the
        embedded widget, the API and the content checks. The result is None when the form
        (or the sizing core) refused the input; the form then holds the errors."""
        form = self.form(query, prefix=prefix)
        if not form.is_valid():
            return form, None
        try:
            return form, self.compute(form.cleaned_data)
        except SizingError as error:
            form.add_sizing_error(error)
            return form, None


def _scale(cleaned: dict[str, Any]) -> results.Result:
    return results.scale(cleaned, list(CatalogModel.objects.all()))


CALCULATORS: dict[str, Calculator] = {
    calculator.slug: calculator
    for calculator in [
        Calculator(
            slug="parameters",
            title="Parameter counter",
            summary="Count a transformer's parameters exactly, part by part, from its "
            "architecture or a catalog model.",
            form_class=forms.ParametersForm,
            compute=results.parameters,
            answer=results.ParametersAnswer,
            defaults={"model": "llama-3-8b"},
        ),
        Calculator(
            slug="memory",
            title="Memory calculator",
            summary="GPU memory for weights, KV cache and training states at any precision, "
            "and which GPUs it fits on.",
            form_class=forms.MemoryForm,
            compute=results.memory,
            answer=results.MemoryAnswer,
            defaults={
                "model": "llama-3-8b",
                "dtype": "bf16",
                "context": "8192",
                "batch": "1",
                "mode": "inference",
            },
        ),
        Calculator(
            slug="training",
            title="Training compute, time and cost",
            summary="FLOPs, compute-optimal tokens, GPU-hours, days and dollars to train a model.",
            form_class=forms.TrainingForm,
            compute=results.training,
            answer=results.TrainingAnswer,
            defaults={
                "model": "llama-3-8b",
                "gpu": "h100-sxm",
                "gpus": "1024",
                "mfu": "0.4",
                "price": "2.50",
            },
        ),
        Calculator(
            slug="inference",
            title="Inference speed",
            summary="The tokens-per-second ceiling set by memory bandwidth, and prompt "
            "processing time.",
            form_class=forms.InferenceForm,
            compute=results.inference,
            answer=results.InferenceAnswer,
            defaults={
                "model": "llama-3-8b",
                "gpu": "h100-sxm",
                "gpus": "1",
                "dtype": "bf16",
                "context": "4096",
            },
        ),
        Calculator(
            slug="scale",
            title="Model scale comparison",
            summary="Real models on a log scale: how many times bigger the largest is than "
            "the smallest.",
            form_class=forms.ScaleForm,
            compute=_scale,
            answer=results.ScaleAnswer,
            architecture=False,
        ),
    ]
}
