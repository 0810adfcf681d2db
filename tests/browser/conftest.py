"""The browser suite: Debian's Chromium driven by Playwright against pytest-django's live server.

What every browser test gets, through `open_page`:
- a fresh browser context and page on the live server;
- a watch on the page that fails the test (at teardown) on any console error or uncaught
  exception, and on any request to a host other than the live server;
- every HTML document the page loaded from the live server (admin pages aside: they are
  Django's own markup) checked with the Nu HTML checker, zero errors allowed.

How the data works: `live_server` makes a test transactional (pytest-django requests
`transactional_db` for it), so the server thread sees what the test commits, and every table is
emptied after each test. Importing the shipped content takes seconds, so it is imported once a
run (`shipped_content_dump`, tests/conftest.py), inside a transaction that is rolled back, and
dumped to a JSON fixture; `site_content` loads that fixture into each test that wants it in a
fraction of the time. The tests also ask for `serialized_rollback`, so each starts from the
migrated state again (the "Editors" group and its permissions come from a migration, and the
flush after a transactional test empties it).

The suite skips, with the reason, when Chromium, Playwright, axe-core or the Nu checker (and
Java) is missing, except when CI=true: then it fails, so CI always proves it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser.checks import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    VNU,
    missing_axe,
    missing_browser,
    missing_vnu,
    require,
    vnu_errors,
)
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from shipped_content import ShippedContent

# ---- The page watch ------------------------------------------------------------------------


@dataclass
class PageWatch:
    """What the pages of one test did that they must not: console errors, foreign requests."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    documents: list[tuple[str, bytes]] = field(default_factory=list)
    expected_statuses: set[str] = field(default_factory=set)
    reading: int = 0  # document bodies being read

    def expect_error_status(self, url: str) -> None:
        """A page the test loads on purpose with a 4xx status (Chromium logs that as an error)."""
        self.expected_statuses.add(url)

    def attach(self, page: Any) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.console_errors.append(f"{page.url}: {error}"))
        page.on("request", self._request)
        page.on("requestfinished", self._finished)

    def _console(self, page: Any, message: Any) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and url in self.expected_statuses:
            return
        self.console_errors.append(f"{page.url}: {message.text} ({url})")

    def _request(self, request: Any) -> None:
        url = request.url
        if url.split(":", 1)[0] in {"data", "blob", "about"}:
            return
        if not (url == self.origin or url.startswith(self.origin + "/")):
            self.foreign_requests.append(f"{request.method} {url} ({request.resource_type})")

    def _finished(self, request: Any) -> None:
        if request.resource_type != "document" or not request.url.startswith(self.origin + "/"):
            return
        response = request.response()
        if response is None:
            return
        if urlsplit(response.url).path.startswith("/admin/") or 300 <= response.status < 400:
            return  # Django's own admin markup; redirects have no document
        if "text/html" not in (response.headers.get("content-type") or ""):
            return
        self.reading += 1
        try:
            self.documents.append((response.url, response.body()))
        except Exception as error:  # noqa: BLE001 - report it with the page, not crash the watch
            self.console_errors.append(f"{response.url}: could not read the document ({error})")
        finally:
            self.reading -= 1

    def settle(self, page: Any) -> None:
        """Let the handlers finish with what the page has loaded (a round trip at a time)."""
        for _ in range(50):
            page.evaluate("0")
            if not self.reading:
                return


# ---- Fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium(django_db_setup: None) -> Iterator[Any]:
    """Debian's Chromium, launched through Playwright once a module (after the test database
    exists: see below)."""
    require(missing_browser(), missing_vnu())  # every page a browser test opens is checked
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop running on this thread while it is
    # started. Two things follow for Django, for exactly as long as Playwright runs (the module
    # scope keeps that to the browser tests):
    # - Django refuses every ORM call made here, from the test's own queries to the flush after
    #   it ("SynchronousOnlyOperation"). The code on this thread is plain synchronous code, so
    #   that check is a false alarm: DJANGO_ALLOW_ASYNC_UNSAFE turns it off.
    # - Django's connections are then looked up per async context, not per thread, so the tests
    #   get new connection objects, which lack the migrated state serialized at set-up that
    #   serialized_rollback restores: it is handed on to them here, and they are closed before
    #   Playwright stops (PostgreSQL will not drop a test database with connections open).
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        manager = sync_playwright().start()
        try:
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents
            browser = manager.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
        finally:
            connections.close_all()
            manager.stop()


@pytest.fixture(scope="session")
def axe_source() -> Path:
    require(missing_axe())
    return AXE


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    require(missing_vnu())
    return VNU


@pytest.fixture(autouse=True)
def _site_url_is_the_live_server(request: pytest.FixtureRequest, settings: Any) -> None:
    # Absolute URLs (share links, canonical links) come from SITE_URL: here, the live server.
    if "live_server" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("live_server").url.rstrip("/")


@pytest.fixture
def site_content(shipped_content_dump: ShippedContent, db: None) -> None:
    """The shipped content in this test's database (see the module docstring)."""
    call_command("loaddata", str(shipped_content_dump.dump), verbosity=0)
    cache.clear()


OpenPage = Callable[..., Any]


def _abort(route: Any) -> None:
    route.abort()


@pytest.fixture
def open_page(chromium: Any, live_server: Any, tmp_path: Path) -> Iterator[Any]:
    """`open_page(path="/", **context_options)` -> a watched Playwright page on the live server.

    Each call makes a new browser context (fresh storage), so `open_page()` twice is two readers.
    The page has `.watch` (a PageWatch) and `.origin`.
    """
    origin = live_server.url.rstrip("/")
    watch = PageWatch(origin=origin)
    contexts: list[Any] = []

    def _open(path: str | None = "/", **options: Any) -> Any:
        options.setdefault("base_url", origin)
        context = chromium.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        context.on("page", watch.attach)
        # Nothing leaves the machine: a request to any other host is recorded, then aborted.
        context.route(re.compile(rf"^(?!{re.escape(origin)}/)(https?|wss?)://"), _abort)
        page = context.new_page()
        page.watch = watch
        page.origin = origin
        if path is not None:
            page.goto(path)
        return page

    _open.watch = watch  # type: ignore[attr-defined]
    yield _open

    for context in contexts:
        for page in context.pages:
            watch.settle(page)
        context.close()
    problems = [f"console error: {e}" for e in watch.console_errors]
    problems += [f"request to another host: {r}" for r in watch.foreign_requests]
    files: dict[Path, str] = {}
    for index, (url, body) in enumerate(watch.documents):
        path = tmp_path / f"page-{index:03d}.html"
        path.write_bytes(body)
        files[path] = url
    problems += [f"Nu HTML checker: {p}" for p in vnu_errors(files)]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
