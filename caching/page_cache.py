"""Whole-page caching for readers, retired the moment an editor saves anything.

Every cached page is stored under the current *content version* (caching/content_version.py).
Saving or deleting any object of CONTENT_APPS makes a new version, so every process misses on
its next request and renders afresh; old entries expire on their own. Editors (anyone with a
session cookie), non-GET requests, search and the admin are never cached.

Where pages are kept follows the version. With a shared cache (Redis), in that cache: a hit is
one round trip that reads the version and the page together (MGET). With local memory (one
machine), in each process's own memory (`local_pages`): a hit costs one `stat` of the version
file and no network.

A page is stored once, already compressed: the body as it is, gzipped and brotli-compressed,
with its ETag worked out. A hit then costs no rendering, hashing or compressing, and the
reader gets the smallest encoding their browser accepts. Conditional GET (If-None-Match,
If-Modified-Since → 304) is answered by Django's ConditionalGetMiddleware, which sits just
outside this one and finds the ETag already set.

What a client sends cannot change what other readers get. A page is keyed on its path and
query string (and the coding it is sent in), never on the Host or any other header: nothing
in a page comes from them (absolute URLs are built from SITE_URL, caching/origin.py), and a
Host Django would refuse is refused here too, before any lookup. Cookies other than the
session's change nothing a page shows (the CSRF token and messages set a cookie, and a
response that sets one is never stored).

A query string makes another page of the same path, and any client can invent them without
end (`?utm=1`, `?utm=2`, …): at most QUERY_VARIANTS query strings of one path are stored
under one content version, the first ones asked for; past that, a query-string variant is
rendered afresh each time while the path itself, and the variants already kept, are still
served from the cache. A count per path is the simplest bound that needs no list of which
parameters each view reads, and it holds however many parameters or values a client makes
up. With Redis the count is a key beside the pages (three round trips, on a miss only); in
local memory, a set of the variants kept.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

import brotli
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from caching import content_version

PAGE_TIMEOUT = 60 * 60 * 24
NEVER = (
    "/search/",
    "/api/v1/search",
    "/healthz",
    "/static/",
    "/bench/",
)  # /bench/: the baseline runs its view
BROWSER_MAX_AGE = 60  # seconds a browser or CDN may reuse a page before asking again
QUERY_VARIANTS = 32  # query strings of one path stored under one content version
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml", "image/svg")
MIN_COMPRESS = 512  # bytes: below this, compressing saves less than the header costs


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


class LocalPages:
    """The pages this process served lately, under one content version, least recently used
    out first: a hit here costs no network at all."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.version: str | None = None
        self.pages: OrderedDict[str, tuple[StoredPage, int]] = OrderedDict()
        self.size = 0
        self.variants: dict[str, set[str]] = {}  # path → the query strings stored for it
        self._lock = threading.Lock()

    def get(self, version: str, key: str) -> StoredPage | None:
        with self._lock:
            if version != self.version:
                self._empty(version)
                return None
            found = self.pages.get(key)
            if found is None:
                return None
            self.pages.move_to_end(key)
            return found[0]

    def put(self, version: str, key: str, page: StoredPage) -> None:
        size = 512 + sum(len(body) for body in page.bodies.values())
        if size > self.budget // 8:
            return
        with self._lock:
            if version != self.version:
                self._empty(version)
            old = self.pages.pop(key, None)
            self.size += size - (old[1] if old else 0)
            self.pages[key] = (page, size)
            while self.size > self.budget:
                _, (_, dropped) = self.pages.popitem(last=False)
                self.size -= dropped

    def admit(self, version: str, path: str, variant: str) -> bool:
        """Whether this query-string variant of the path may be stored (see QUERY_VARIANTS)."""
        with self._lock:
            if version != self.version:
                self._empty(version)
            kept = self.variants.setdefault(path, set())
            if variant not in kept and len(kept) >= QUERY_VARIANTS:
                return False
            kept.add(variant)
            return True

    def clear(self) -> None:
        with self._lock:
            self._empty(None)

    def _empty(self, version: str | None) -> None:
        self.version = version
        self.pages.clear()
        self.variants.clear()
        self.size = 0


local_pages = LocalPages(settings.PAGE_CACHE_LOCAL_MB * 1024 * 1024)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _admitted(
    request: HttpRequest,
    source: content_version.FileVersion | content_version.CacheVersion | content_version.NoVersion,
    version: str,
) -> bool:
    """Whether the page may be stored: always without a query string; with one, while the
    path has fewer than QUERY_VARIANTS stored under this version (see the module's note)."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return True
    path = _digest(request.path)
    if isinstance(source, content_version.CacheVersion):
        count = f"page-variants:{version}:{path}"
        cache.add(count, 0, PAGE_TIMEOUT)
        try:
            return cache.incr(count) <= QUERY_VARIANTS
        except ValueError:  # gone since the add (evicted), or the cache is away
            return False
    return local_pages.admit(version, path, _digest(query))


class PageCacheMiddleware:
    """Serves a page stored under the content version now current, or renders and stores it.
    Sits before sessions and CSRF (see MIDDLEWARE), so a hit sets up neither."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable(request):
            return self.get_response(request)
        # A cached page answers only a Host that Django would answer: this raises
        # DisallowedHost (a 400) for any other, hit or miss. What the page holds never depends
        # on the Host (absolute URLs come from SITE_URL: caching/origin.py).
        request.get_host()
        path = f"page:{_digest(request.get_full_path())}"
        key = f"{path}:{wanted_coding(request)}"
        source = content_version.source()
        if isinstance(source, content_version.CacheVersion):
            found = cache.get_many([content_version.VERSION_KEY, key])
            version = source.read(found.get(content_version.VERSION_KEY))
            entry = found.get(key)
            if (
                version is not None
                and isinstance(entry, tuple)
                and entry[0] == version
                and isinstance(entry[1], StoredPage)
            ):
                return serve(request, entry[1], "hit")
        else:
            version = source.current()
            page = None if version is None else local_pages.get(version, key)
            if page is not None:
                return serve(request, page, "hit")
        response = self.get_response(request)
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or response.has_header("Content-Encoding")
            or "no-store" in response.get("Cache-Control", "")  # never_cache: its own page
            or version is None
            or not _admitted(request, source, version)
        ):
            return response
        response["Last-Modified"] = response.get("Last-Modified") or http_date()
        response.setdefault(
            "Cache-Control", f"public, max-age={BROWSER_MAX_AGE}, stale-while-revalidate=600"
        )
        page = store(response)
        each_coding = {f"{path}:{each}": only(page, each) for each in ("br", "gzip", "identity")}
        if isinstance(source, content_version.CacheVersion):
            cache.set_many(
                {name: (version, stored) for name, stored in each_coding.items()}, PAGE_TIMEOUT
            )
        else:
            for name, stored in each_coding.items():
                local_pages.put(version, name, stored)
        return serve(request, page, "miss")
