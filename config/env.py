"""Strict parsing of settings from the environment.

A typo in a production environment variable should stop the site at start-up with a message
that names the variable, not quietly fall back to a default.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.http.request import host_validation_re

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of true/false, 1/0, yes/no, on/off."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_origin(name: str) -> str:
    """An origin, `scheme://host[:port]`, as the site's absolute URLs start: http or https, a
    host, an optional port, and nothing else (a path, query, fragment or user is refused, so
    no URL built from it can point anywhere unexpected). "" when unset; a trailing / is
    dropped. The host is lower-cased, as browsers and Django compare it."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    problem = (
        f"{name}={raw!r} is not an origin: use scheme://host[:port], e.g. https://weights.example"
    )
    try:
        parts = urlsplit(raw)
        port = parts.port  # raises ValueError on a port that is not a number in range
    except ValueError:
        raise ImproperlyConfigured(problem) from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or not host_validation_re.match(parts.netloc.lower())
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or raw.endswith(("?", "#"))
        or any(c.isspace() for c in raw)
    ):
        raise ImproperlyConfigured(problem)
    host = parts.hostname
    if ":" in host:  # IPv6: urlsplit took the brackets off
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def cache_from_url(url: str) -> dict[str, Any]:
    """Django's CACHES['default'] from a URL: locmem:// (default) or redis://host:port/db."""
    if url in ("", "locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "caching.backends.ResilientRedisCache",
            "LOCATION": url,
            # Fail fast when Redis is away: a page must not wait on a dead cache.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            "KEY_PREFIX": "wm",
            "TIMEOUT": 60 * 60 * 24,
        }
    if url == "dummy://":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL={url!r} is not understood: use locmem://, dummy:// or redis://host:port/db."
    )


_RATE = re.compile(r"[1-9][0-9]*/[0-9]*[smhd]")


def env_rate(name: str, default: str) -> str | None:
    """A request rate as django-ratelimit writes it (120/m: 120 a minute; 10/5m: 10 every five
    minutes; s, m, h or d), or None for `off`."""
    raw = os.environ.get(name, default)
    value = raw.strip().lower()
    if value == "off":
        return None
    if not _RATE.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate: use requests per period such as 120/m "
            "(s, m, h or d; 10/5m is 10 every five minutes), or off."
        )
    return value
