"""What every JSON API view shares: it only reads, and it answers in JSON even to a method it
refuses (the API contract in DESIGN.md: every answer is JSON)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

READ = ("GET", "HEAD")
# The sizing endpoints also take a config.json as a POST body: still a read (no side effects).
READ_WITH_BODY = ("GET", "HEAD", "POST")
Answer = TypeVar("Answer", bound=Mapping[str, object])


class ApiAnswer(JsonResponse, Generic[Answer]):
    """A JSON answer typed by the TypedDict that describes it: `ApiAnswer[TermList]({...})`
    has mypy check the dict against TermList, the type the API's description is made from."""

    def __init__(self, data: Answer, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)


def read_only_json(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return _json_methods(view, READ)


def read_json_with_body(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """As read_only_json, and POST too, for a view reading its input from the body."""
    return _json_methods(view, READ_WITH_BODY)


def _json_methods(
    view: Callable[..., HttpResponse], allowed: tuple[str, ...]
) -> Callable[..., HttpResponse]:
    """GET and HEAD only (or `allowed`); any other method is a 405 with `Allow` and a JSON
    error. Without it a POST met Django's CSRF check first and got an HTML page about a
    missing cookie. CSRF protects changes, and these views change nothing, so they are
    exempt from the check."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in allowed:
            return method_not_allowed(request, allowed)
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def method_not_allowed(request: HttpRequest, allowed: tuple[str, ...]) -> JsonResponse:
    method = (request.method or "")[:20]
    reads = "GET, or POST with a config.json" if "POST" in allowed else "GET"
    response = JsonResponse(
        {"errors": {"method": [f"{method} is not allowed: this API only reads ({reads})."]}},
        status=405,
    )
    response["Allow"] = ", ".join(allowed)
    return response


def form_errors_json(form: forms.Form) -> JsonResponse:
    """An invalid form's 400, as the API contract has it: {"errors": {field: [message]}}."""
    return JsonResponse(
        {"errors": {field: list(messages) for field, messages in form.errors.items()}},
        status=400,
    )
