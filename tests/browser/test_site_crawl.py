"""A crawl of the whole site as shipped: no broken internal link, and every page valid HTML
that fits a phone.

It starts at / (and /robots.txt), follows every same-origin link (<a href>; the sitemap and
feed; the URLs in the API's JSON, and the links inside its HTML fields) and fetches every
stylesheet, script, icon and image a page refers to. The admin is left out. Every HTML page
is then checked with the Nu HTML checker, all in one run, and opened in Chromium 390 px wide
(browser/layout.py): it must not scroll sideways, show an element marked hidden, draw SVG text
under 11 px on screen or offer a tap target under 24 px.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from browser.checks import vnu_errors
from browser.layout import layout_problems

from calculators.definitions import CALCULATORS
from glossary.models import Term, Topic
from learning.models import Guide, Lesson

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("site_content"),
]

MAX_URLS = 3000
SKIP_PREFIXES = ("/admin/",)
# The API's index and description hold address templates (/api/v1/terms/{slug}) and bare
# endpoints that need a query, not links; tests/api checks every request they suggest.
API_DESCRIPTIONS = ("/api/v1/", "/api/v1/openapi.json")


class _Links(HTMLParser):
    """Pages (<a href>), resources (stylesheets, scripts, icons, images, share cards) and ids."""

    RESOURCES = {("link", "href"), ("script", "src"), ("img", "src"), ("source", "src")}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pages: list[str] = []
        self.resources: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "a" and "href" in values:
            self.pages.append(values["href"])
        if tag == "meta" and values.get("property") in {"og:image", "og:url"}:
            # The share card and the page's own address, as other sites will fetch them.
            self.resources.append(values.get("content", ""))
        for element, attribute in self.RESOURCES:
            if tag == element and attribute in values:
                rel = values.get("rel", "")
                # rel=canonical/alternate point at pages; the rest are things a page loads.
                if tag == "link" and ("canonical" in rel or "alternate" in rel):
                    self.pages.append(values[attribute])
                else:
                    self.resources.append(values[attribute])

    handle_startendtag = handle_starttag


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return []


def _fetch(url: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "text/html,*/*"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - live server
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def test_the_whole_site_has_no_broken_internal_link_and_only_valid_html_that_fits_a_phone(
    live_server, vnu_jar: Path, tmp_path: Path, chromium
):
    origin = live_server.url.rstrip("/")
    host = urlsplit(origin).netloc

    def internal(base: str, href: str) -> tuple[str, str] | None:
        """(url without fragment, fragment) for a same-origin http link, else None."""
        href = href.strip()
        if not href or href.startswith(("mailto:", "tel:", "javascript:", "data:")):
            return None
        url, fragment = urldefrag(urljoin(base, href))
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or parts.netloc != host:
            return None
        if parts.path.startswith(SKIP_PREFIXES):
            return None
        return url, fragment

    queue: deque[tuple[str, str]] = deque([(f"{origin}/", "(start)"), (f"{origin}/robots.txt", "")])
    seen: set[str] = {url for url, _ in queue}
    broken: list[str] = []
    anchors: list[tuple[str, str, str]] = []  # (page url, fragment, linked from)
    ids: dict[str, set[str]] = {}
    html_files: dict[Path, str] = {}
    resources: dict[str, str] = {}

    def follow(base: str, href: str, *, page: bool = True) -> None:
        found = internal(base, href)
        if found is None:
            return
        url, fragment = found
        if fragment and page:
            anchors.append((url, fragment, base))
        if not page:
            resources.setdefault(url, base)
            return
        if url not in seen:
            if len(seen) >= MAX_URLS:
                pytest.fail(
                    f"the crawl found more than {MAX_URLS} URLs: is a link generating URLs?"
                )
            seen.add(url)
            queue.append((url, base))

    while queue:
        url, referrer = queue.popleft()
        status, content_type, body = _fetch(url)
        if status >= 400:
            broken.append(f"{url} answers {status} (linked from {referrer})")
            continue
        text = body.decode("utf-8", errors="replace")
        if "text/html" in content_type:
            path = tmp_path / f"page-{len(html_files):04d}.html"
            path.write_bytes(body)
            html_files[path] = url
            parser = _Links()
            parser.feed(text)
            ids[url] = parser.ids
            for href in parser.pages:
                follow(url, href)
            for href in parser.resources:
                follow(url, href, page=False)
        elif "json" in content_type and urlsplit(url).path not in API_DESCRIPTIONS:
            for string in _strings(json.loads(text)):
                if string.startswith((origin + "/", "/")) and " " not in string:
                    follow(url, string)
                elif "<a " in string:
                    fragment_links = _Links()
                    fragment_links.feed(string)
                    for href in fragment_links.pages:
                        follow(url, href)
        elif "xml" in content_type:  # the sitemap and the Atom feed
            for href in re.findall(r"<loc>([^<]+)</loc>|href=\"([^\"]+)\"", text):
                follow(url, next(h for h in href if h))
        elif content_type.startswith("text/plain"):  # robots.txt
            for line in text.splitlines():
                if line.lower().startswith("sitemap:"):
                    follow(url, line.split(":", 1)[1].strip())

    for url, referrer in resources.items():
        status, _, _ = _fetch(url)
        if status >= 400:
            broken.append(f"{url} answers {status} (loaded by {referrer})")

    missing_anchors = sorted(
        {
            f"{url}#{fragment} (linked from {base})"
            for url, fragment, base in anchors
            if url in ids and fragment not in ids[url]
        }
    )

    # The crawl reached everything a reader can: each term, topic, guide, lesson and calculator.
    def absolute(path: str) -> str:
        return origin + path

    expected = {absolute(t.get_absolute_url()) for t in Term.objects.filter(status="published")}
    expected |= {absolute(t.get_absolute_url()) for t in Topic.objects.all()}
    expected |= {absolute(g.get_absolute_url()) for g in Guide.objects.filter(status="published")}
    expected |= {
        absolute(lesson.get_absolute_url())
        for lesson in Lesson.objects.filter(status="published", guide__status="published")
    }
    expected |= {absolute(f"/calculators/{slug}/") for slug in CALCULATORS}
    expected |= {absolute("/api/v1/terms")}
    unreached = sorted(expected - seen)

    problems = [f"broken link: {b}" for b in broken]
    problems += [f"missing anchor: {a}" for a in missing_anchors]
    problems += [f"never reached by the crawl: {u}" for u in unreached]
    problems += [f"Nu HTML checker: {p}" for p in vnu_errors(html_files)]
    problems += _phone_layout(chromium, sorted(html_files.values()))
    assert len(html_files) > 100, f"only {len(html_files)} HTML pages: did the content load?"
    assert problems == [], f"{len(problems)} problem(s):\n" + "\n".join(problems)


def _phone_layout(chromium, urls: list[str]) -> list[str]:
    """Every page at 390 px, the width of most phones in use (320 and 430 px: test_layout.py)."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    problems: list[str] = []
    try:
        for url in urls:
            page.goto(url)
            problems += [f"phone layout: {p}" for p in layout_problems(page)]
    finally:
        context.close()
    return problems
