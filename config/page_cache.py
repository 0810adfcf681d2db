"""Whole-page caching for readers, shared by every instance through the cache (Redis in
production), and emptied the moment an editor saves anything.

Every cached page is stored under the current *content version*. Saving or deleting any
glossary, learning or catalog object writes a new version into the shared cache, so every
instance misses on its next request and renders afresh; old entries expire on their own.
Editors (anyone with a session cookie), non-GET requests, search and the admin are never
cached.

A page is stored once, already compressed: the body as it is, gzipped and brotli-compressed,
with its ETag worked out. A hit then costs two cache reads and no rendering, hashing or
compressing, and the reader gets the smallest encoding their browser accepts. Conditional GET
(If-None-Match, If-Modified-Since → 304) is answered by Django's ConditionalGetMiddleware,
which sits just outside this one and finds the ETag already set.
"""

from __future__ import annotations

import gzip
import hashlib
import uuid
from collections.abc import Callable
from typing import NamedTuple

import brotli
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

CONTENT_APPS = {"glossary", "learning", "calculators"}
VERSION_KEY = "content-version"
PAGE_TIMEOUT = 60 * 60 * 24
NEVER = ("/search/", "/healthz", "/static/", "/bench/")  # /bench/: the baseline runs its view
BROWSER_MAX_AGE = 60  # seconds a browser or CDN may reuse a page before asking again
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml", "image/svg")
MIN_COMPRESS = 512  # bytes: below this, compressing saves less than the header costs


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY) or version
    return str(version)


def content_changed(sender: type, **kwargs: object) -> None:
    if sender._meta.app_label in CONTENT_APPS:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)


post_save.connect(content_changed, dispatch_uid="page-cache-save")
post_delete.connect(content_changed, dispatch_uid="page-cache-delete")
m2m_changed.connect(
    lambda sender, **kw: content_changed(kw["model"], **kw), dispatch_uid="page-cache-m2m"
)


class StoredPage(NamedTuple):
    """What the cache keeps of a page: plain builtins, so reading it back is cheap."""

    status: int
    headers: list[tuple[str, str]]
    bodies: dict[str, bytes]  # content-coding ("identity", "gzip", "br") → body


def accepted_codings(header: str) -> set[str]:
    """The content-codings an Accept-Encoding header allows (q=0 refuses one)."""
    codings = set()
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=").strip() if params else "1"
        try:
            refused = float(quality) <= 0
        except ValueError:
            refused = False
        if name and not refused:
            codings.add(name.strip())
    return codings


def choose_coding(request: HttpRequest, bodies: dict[str, bytes]) -> str:
    coding = wanted_coding(request)
    return coding if coding in bodies else "identity"


def store(response: HttpResponse) -> StoredPage:
    body = response.content
    bodies = {"identity": body}
    if len(body) >= MIN_COMPRESS and response.get("Content-Type", "").startswith(COMPRESSIBLE):
        bodies["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
        bodies["br"] = brotli.compress(body, quality=6)
        patch_vary_headers(response, ("Accept-Encoding",))
    if not response.has_header("ETag"):
        # Weak: the gzip, brotli and plain bodies are the same page in different codings.
        response["ETag"] = f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
    headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
    return StoredPage(response.status_code, headers, bodies)


def serve(request: HttpRequest, page: StoredPage, state: str) -> HttpResponse:
    coding = choose_coding(request, page.bodies)
    response = HttpResponse(page.bodies[coding], status=page.status)
    for name, value in page.headers:
        response[name] = value
    if coding != "identity":
        response["Content-Encoding"] = coding
    response["Content-Length"] = str(len(page.bodies[coding]))
    response["X-Cache"] = state
    return response


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(NEVER)
        and not request.path.startswith("/" + settings.ADMIN_URL)
    )


def wanted_coding(request: HttpRequest) -> str:
    accepted = accepted_codings(request.headers.get("Accept-Encoding", ""))
    for coding in ("br", "gzip"):
        if coding in accepted or "*" in accepted:
            return coding
    return "identity"


def only(page: StoredPage, coding: str) -> StoredPage:
    """The page with the one body a reader of that coding gets (the plain one when the page
    is not compressed, as images are not)."""
    if coding in page.bodies:
        return page._replace(bodies={coding: page.bodies[coding]})
    return page._replace(bodies={"identity": page.bodies["identity"]})


class PageCacheMiddleware:
    """One cache round trip per hit: the content version and the page in the reader's coding
    are read together (MGET on Redis), and the page is served only if it was stored under
    the version that is current."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable(request):
            return self.get_response(request)
        address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        coding = wanted_coding(request)
        found = cache.get_many([VERSION_KEY, f"page:{address}:{coding}"])
        version = found.get(VERSION_KEY) or content_version()
        entry = found.get(f"page:{address}:{coding}")
        if isinstance(entry, tuple) and entry[0] == version and isinstance(entry[1], StoredPage):
            return serve(request, entry[1], "hit")
        response = self.get_response(request)
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or response.has_header("Content-Encoding")
        ):
            return response
        response["Last-Modified"] = response.get("Last-Modified") or http_date()
        response.setdefault(
            "Cache-Control", f"public, max-age={BROWSER_MAX_AGE}, stale-while-revalidate=600"
        )
        page = store(response)
        cache.set_many(
            {
                f"page:{address}:{each}": (version, only(page, each))
                for each in ("br", "gzip", "identity")
            },
            PAGE_TIMEOUT,
        )
        return serve(request, page, "miss")
