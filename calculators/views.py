from __future__ import annotations

from typing import Any

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods, require_safe

from caching.origin import absolute_url
from calculators import pasted_config
from calculators.api_http import READ, method_not_allowed, read_json_with_body
from calculators.definitions import CALCULATORS, Calculator
from calculators.models import CatalogModel
from sizing import SizingError


def _calculator(slug: str) -> Calculator:
    calculator = CALCULATORS.get(slug)
    if calculator is None:
        raise Http404("No such calculator.")
    return calculator


def page_context(request: HttpRequest, calculator: Calculator) -> dict[str, Any]:
    query = request.GET if request.GET else calculator.defaults
    form, result = calculator.run(query)
    qs = request.GET.urlencode() if request.GET else _encode(calculator.defaults)
    path = reverse("calculators:detail", kwargs={"slug": calculator.slug})
    origin = pasted_config.config_origin(request)
    arch = form.cleaned_data.get("architecture") if result is not None else None
    return {
        "calculator": calculator,
        "form": form,
        "result": result,
        # A page reached from a pasted config.json says what it read (from_config=model_type).
        "config_reading": pasted_config.describe(arch, origin) if origin and arch else None,
        "config_notes": pasted_config.origin_notes(origin) if origin and arch else [],
        "accepts_config": slug_accepts_config(calculator),
        "catalog": CatalogModel.objects.all()
        if calculator.architecture or calculator.slug == "scale"
        else [],
        "share_url": absolute_url(f"{path}?{qs}"),
        "result_url": reverse("calculators:result", kwargs={"slug": calculator.slug}),
    }


def _encode(values: dict[str, str]) -> str:
    query = QueryDict(mutable=True)
    for key, value in values.items():
        query[key] = value
    return query.urlencode()


def slug_accepts_config(calculator: Calculator) -> bool:
    return calculator.slug in pasted_config.CALCULATORS_WITH_PASTE


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def calculator_config(request: HttpRequest, slug: str) -> HttpResponse:
    """Paste a config.json: a POST (CSRF-checked, as any browser form, but changing nothing)
    answered by a 303 to the calculator's GET URL with the architecture read, so the answer
    is a link anyone can share. Never cached: the form carries this reader's CSRF token."""
    calculator = _calculator(slug)
    if not slug_accepts_config(calculator):
        raise Http404("This calculator does not read a config.json.")
    form = pasted_config.ConfigForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reading = form.cleaned_data["reading"]
        query = pasted_config.with_config(QueryDict(), reading.architecture)
        query["from_config"] = pasted_config.origin_of(form.cleaned_data["config"])
        path = reverse("calculators:detail", kwargs={"slug": calculator.slug})
        return HttpResponseRedirect(f"{path}?{query.urlencode()}", status=303)
    status = 400 if form.is_bound else 200
    context = {"calculator": calculator, "config_form": form}
    return render(request, "calculators/config_json.html", context, status=status)


@require_safe
def calculator_index(request: HttpRequest) -> HttpResponse:
    return render(request, "calculators/index.html", {"calculators": CALCULATORS.values()})


@require_safe
def calculator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    context = page_context(request, _calculator(slug))
    status = 400 if context["result"] is None else 200
    return render(request, "calculators/detail.html", context, status=status)


@require_safe
def calculator_result(request: HttpRequest, slug: str) -> HttpResponse:
    """The result alone, for the script that updates a calculator as the reader types."""
    context = page_context(request, _calculator(slug))
    status = 400 if context["result"] is None else 200
    return render(request, "calculators/_result.html", context, status=status)


@xframe_options_exempt
@require_safe
def calculator_embed(request: HttpRequest, slug: str) -> HttpResponse:
    context = page_context(request, _calculator(slug))
    status = 400 if context["result"] is None else 200
    response = render(request, "calculators/embed.html", context, status=status)
    # Other sites may frame this page, and only this one (the CSP middleware reads this).
    response.frame_ancestors = "*"  # type: ignore[attr-defined]
    return response


@read_json_with_body
def sizing_api(request: HttpRequest, slug: str) -> JsonResponse:
    calculator = CALCULATORS.get(slug)
    if calculator is None:
        return JsonResponse(
            {"errors": {"endpoint": [f"No sizing endpoint “{slug[:40]}”."]}}, status=404
        )
    query: QueryDict = request.GET
    if request.method == "POST":
        # A config.json as the body: its architecture stands in for the query's, and the
        # answer is the GET's with those fields (calculators/pasted_config.py).
        if not calculator.architecture:
            return method_not_allowed(request, READ)
        try:
            reading = pasted_config.read_body(request)
        except SizingError as error:
            return pasted_config.errors_response(error, pasted_config.body_status(error))
        query = pasted_config.with_config(request.GET, reading.architecture)
    # No defaults here: an API call says exactly what it wants, or hears what is missing.
    form, result = calculator.run(query)
    if result is None:
        return JsonResponse({"errors": form.api_errors()}, status=400)
    return JsonResponse(result.data)
