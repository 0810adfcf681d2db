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
Answer = TypeVar("Answer", bound=Mapping[str, object])


class ApiAnswer(JsonResponse, Generic[Answer]):
    """A JSON answer typed by the TypedDict that describes it: `ApiAnswer[TermList]({...})`
    has mypy check the dict against TermList, the type the API's description is made from."""

    def __init__(self, data: Answer, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)


def read_only_json(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD only; any other method is a 405 with `Allow` and a JSON error. Without it a
    POST met Django's CSRF check first and got an HTML page about a missing cookie. CSRF
    protects changes, and these views change nothing, so they are exempt from the check."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in READ:
            method = (request.method or "")[:20]
            response = JsonResponse(
                {"errors": {"method": [f"{method} is not allowed: this API only reads (GET)."]}},
                status=405,
            )
            response["Allow"] = ", ".join(READ)
            return response
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def form_errors_json(form: forms.Form) -> JsonResponse:
    """An invalid form's 400, as the API contract has it: {"errors": {field: [message]}}."""
    return JsonResponse(
        {"errors": {field: list(messages) for field, messages in form.errors.items()}},
        status=400,
    )
