"""Headers every response carries.

The Content-Security-Policy (config/security_headers.py, which static files get too) forbids
inline scripts and styles everywhere, so an injected `<script>` or `style=` in stored content
could never run even if the sanitiser missed it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.security_headers import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY

logger = logging.getLogger("config.middleware")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = CONTENT_SECURITY_POLICY
        frame_ancestors = getattr(response, "frame_ancestors", None)
        if frame_ancestors:
            # Embeddable widgets set this; every other page refuses to be framed.
            policy = policy.replace("frame-ancestors 'none'", f"frame-ancestors {frame_ancestors}")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, answer a designed 503 (with Retry-After) instead of
    a 500. Django opens a fresh connection on the next request, so the site recovers by itself
    when the database returns."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", exception)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
