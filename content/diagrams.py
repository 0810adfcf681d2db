"""Diagrams as shortcodes: `{{< diagram name="neuron" >}}` and friends.

Each diagram is an accessible SVG (role="img", a title and a description that says in words
what the picture shows), drawn from a template with its numbers computed, not typed.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.template.loader import render_to_string

from calculators.definitions import CALCULATORS
from calculators.forms import WholeNumberField, first_error
from calculators.gpus import GpuField, chosen_gpu
from calculators.widgets import WidgetError, form_problems, refuse_unknown_arguments
from sizing import SizingError, human_bytes, human_count, mlp_parameters

MAX_UNITS = 1_000_000


def _units(name: str) -> WholeNumberField:
    message = f"{name} must be a whole number from 1 to {MAX_UNITS:,}"
    return WholeNumberField(required=False, max_value=MAX_UNITS, message=message)


class DenseLayerArguments(forms.Form):
    inputs = _units("inputs")
    outputs = _units("outputs")


class MemoryStackArguments(forms.Form):
    # The GPU field the calculators' forms use: the same choices, the same message.
    gpu = GpuField()


def neuron(args: dict[str, str]) -> str:
    refuse_unknown_arguments(args, ())
    return render_to_string("diagrams/neuron.svg")


def dense_layer(args: dict[str, str]) -> str:
    refuse_unknown_arguments(args, DenseLayerArguments.base_fields)
    form = DenseLayerArguments(args)
    if not form.is_valid():
        raise WidgetError(first_error(form))
    inputs = form.cleaned_data["inputs"] or 784
    outputs = form.cleaned_data["outputs"] or 128
    weights = inputs * outputs
    total = mlp_parameters([inputs, outputs])
    return render_to_string(
        "diagrams/dense_layer.svg",
        {
            "inputs": f"{inputs:,}",
            "outputs": f"{outputs:,}",
            "weights": f"{weights:,}",
            "biases": f"{outputs:,}",
            "total": f"{total:,}",
            "input_rows": [20 + 32 * i for i in range(5)],
            "output_rows": [36 + 32 * i for i in range(4)],
        },
    )


def memory_stack(args: dict[str, str]) -> str:
    """The memory calculator's fields, and the GPU to compare with (an H100 unless given)."""
    memory = CALCULATORS["memory"]
    refuse_unknown_arguments(
        args, [*MemoryStackArguments.base_fields, *memory.form_class.base_fields]
    )
    # An unknown GPU is the editor's to mend, worded as a calculator widget words it.
    chosen = MemoryStackArguments({"gpu": args.pop("gpu", "")})
    if not chosen.is_valid():
        raise WidgetError(form_problems({k: [str(m) for m in v] for k, v in chosen.errors.items()}))
    form, result = memory.run(args)
    if result is None:
        raise WidgetError(form_problems(form.api_errors()))
    try:
        gpu = chosen_gpu(chosen.cleaned_data["gpu"])
    except SizingError as error:
        raise WidgetError(form_problems(error.errors)) from None
    capacity = gpu.usable_memory_bytes
    if capacity is None:
        raise WidgetError(f"gpu: {gpu.name} has no published memory size to compare with.")
    parts = [(item["label"], item["bytes"]) for item in result.data["breakdown"] if item["bytes"]]
    total = result.data["total_bytes"]
    scale_top = max(total, capacity)
    height = 260
    y = height
    blocks = []
    for index, (label, value) in enumerate(parts):
        h = height * value / scale_top
        y -= h
        blocks.append(
            {
                "y": f"{y + 20:.1f}",
                "h": f"{max(h, 1):.1f}",
                "index": index % 6,
                "label": label,
                "text": str(human_bytes(value)),
                "label_y": f"{y + 20 + h / 2 + 4:.1f}",
            }
        )
    line_y = 20 + height - height * capacity / scale_top
    fits = total <= capacity
    return render_to_string(
        "diagrams/memory_stack.svg",
        {
            "blocks": blocks,
            "line_y": f"{line_y:.1f}",
            "gpu": gpu.name,
            "capacity": str(human_bytes(capacity)),
            "total": str(human_bytes(total)),
            "params": str(human_count(result.data["params"])),
            "dtype": result.data["dtype"],
            "fits": fits,
        },
    )


DIAGRAMS: dict[str, Callable[[dict[str, str]], str]] = {
    "neuron": neuron,
    "dense-layer": dense_layer,
    "memory-stack": memory_stack,
}


def render_diagram(args: dict[str, str]) -> str:
    name = args.pop("name", "")
    diagram = DIAGRAMS.get(name)
    if diagram is None:
        raise WidgetError(f"no diagram “{name}” (available: {', '.join(sorted(DIAGRAMS))})")
    return diagram(dict(args))
