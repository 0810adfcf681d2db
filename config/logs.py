"""Structured logs: one JSON object per line, and one line per request.

A request line holds the method, the path (never the query string, which can carry what a
reader searched for), the status, the time taken and the size: nothing personal, no secrets,
no cookies, no addresses.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

request_logger = logging.getLogger("config.requests")


class JsonFormatter(logging.Formatter):
    FIELDS = ("method", "path", "status", "duration_ms", "bytes")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in self.FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, ensure_ascii=False)


class AtWarning(logging.Filter):
    """Lowers a record to one WARNING line, without its traceback. For Django's report of a
    disallowed Host, which it logs as an ERROR with a traceback: it is a client's mistake or a
    scanner's probe, answered with a 400, and nothing of ours to fix."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info, record.exc_text = None, None
        return True


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        size = len(response.content) if not response.streaming else None
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path[:500],
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "bytes": size,
            },
        )
        return response
