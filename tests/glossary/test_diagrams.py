"""Diagram shortcodes draw accessible SVGs with computed numbers."""

from __future__ import annotations

import pytest
from html_checks import executable_markup

from content.catalog_files import import_catalog
from content.gpu_files import import_gpus
from glossary.models import render_linked

pytestmark = pytest.mark.django_db


def render(text: str):
    return render_linked(text)


def test_the_neuron_diagram_is_an_accessible_svg():
    html = render('{{< diagram name="neuron" >}}').html
    assert "<svg" in html and 'role="img"' in html
    assert '<title id="neuron-title">' in html and '<desc id="neuron-desc">' in html
    assert executable_markup(html) == ["<svg> element"]  # trusted widget markup, no scripts


def test_the_dense_layer_diagram_counts_weights_and_biases():
    html = render('{{< diagram name="dense-layer" inputs="784" outputs="128" >}}').html
    assert "784 × 128" in html
    assert "100,352" in html and "100,480" in html


@pytest.mark.parametrize(
    "text,problem",
    [
        ('{{< diagram name="unicorn" >}}', "no diagram “unicorn”"),
        ('{{< diagram name="dense-layer" inputs="-3" >}}', "inputs must be a whole number"),
        ('{{< diagram name="dense-layer" inputs="²" >}}', "inputs must be a whole number"),
        ('{{< diagram name="dense-layer" inputs="' + "9" * 12 + '" >}}', "inputs must be"),
        ('{{< diagram name="memory-stack" model="nope" >}}', "model"),
    ],
)
def test_a_bad_diagram_is_reported_to_the_editor(text, problem):
    out = render(text)
    assert out.shortcode_errors and problem in out.shortcode_errors[0]


def test_the_memory_stack_compares_a_model_with_a_gpu():
    from pathlib import Path

    import_catalog(Path(__file__).resolve().parents[2] / "fixtures" / "models.yaml")
    import_gpus(Path(__file__).resolve().parents[2] / "fixtures" / "gpus.yaml")
    html = render('{{< diagram name="memory-stack" model="llama-3-70b" dtype="bf16" >}}').html
    assert "NVIDIA H100 SXM 80GB" in html
    assert "does not fit on one card" in html
    small = render('{{< diagram name="memory-stack" model="llama-3-8b" dtype="int4" >}}').html
    assert "it fits" in small


def test_an_unknown_gpu_in_the_memory_diagram_is_an_error_for_the_editor():
    out = render('{{< diagram name="memory-stack" gpu="no-such-gpu" >}}')
    assert out.shortcode_errors and "memory-stack" not in out.html
