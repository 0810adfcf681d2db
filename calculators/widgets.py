"""Calculators as embeddable widgets: `{{< memory model="llama-3-8b" context="8192" >}}`.

The arguments are the calculator's query-string fields, validated by its own form; anything
not given takes the calculator's defaults. The widget is rendered when the content is saved
and works with JavaScript off (a GET form to the calculator page); with it on, it updates in
place as the reader types. `content/shortcodes.py` lists these widgets by name.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse

from calculators.definitions import Calculator
from calculators.models import CatalogModel


class WidgetError(ValueError):
    """A widget's arguments are wrong; the message is for the editor who wrote them."""


def form_problems(errors: dict[str, list[str]]) -> str:
    """A form's errors in one line, for an editor's message."""
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())


def refuse_unknown_arguments(args: dict[str, str], known: Iterable[str]) -> None:
    """WidgetError naming the arguments a widget does not take, and those it does."""
    known = list(known)
    unknown = sorted(set(args) - set(known))
    if unknown:
        raise WidgetError(f"unknown argument {', '.join(unknown)} (it takes: {', '.join(known)})")


def render_widget(calculator: Calculator, args: dict[str, str]) -> str:
    """The calculator's widget for a shortcode's arguments, or WidgetError saying why not."""
    refuse_unknown_arguments(args, calculator.form_class.base_fields)
    query = {**calculator.defaults, **args} if calculator.architecture else args
    if args.get("model") == "" or ("model" not in args and "layers" in args):
        query.pop("model", None)
    prefix = f"w{uuid.uuid4().hex[:8]}"
    form, result = calculator.run(query, prefix=prefix)
    if result is None:
        raise WidgetError(form_problems(form.api_errors()))
    path = reverse("calculators:detail", kwargs={"slug": calculator.slug})
    share = f"{path}?{urlencode(query)}"
    return render_to_string(
        "calculators/_widget.html",
        {
            "calculator": calculator,
            "form": form,
            "result": result,
            "catalog": CatalogModel.objects.all(),
            "result_url": reverse("calculators:result", kwargs={"slug": calculator.slug}),
            "share_url": share,
            "result_id": f"{prefix}-result",
            "compact": True,
        },
    )
