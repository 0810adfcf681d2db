"""Page weight: what a phone downloads on a first visit stays small, and nothing comes from
another site. Measured on the shipped content, every term and lesson page included."""

from __future__ import annotations

import gzip
import posixpath
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from glossary.models import Term
from learning.models import Lesson

BUDGET = 60 * 1000  # bytes, compressed: the page's HTML with its stylesheets, scripts and fonts
# What the browser fetches to show the page: stylesheets, icons, preloads, scripts, images
# (canonical and alternate links are addresses, not downloads).
ASSET = re.compile(
    r'<link\b(?=[^>]*\brel="(?:stylesheet|icon|apple-touch-icon|preload|modulepreload|manifest)")'
    r'[^>]*?\bhref="([^"]+)"|<(?:script|img)\b[^>]*?\bsrc="([^"]+)"'
)


def _assets(html: str) -> set[str]:
    return {link or src for link, src in ASSET.findall(html)}


IMG = re.compile(r"<img\b[^>]*>")


@pytest.fixture(scope="module")
def shipped(shipped_content, django_db_blocker):
    """The shipped content, loaded once for this module (see `shipped_content`): the addresses
    of its pages."""
    with django_db_blocker.unblock():
        pages = ["/", "/glossary/", "/learn/", "/calculators/memory/"]
        pages += [term.get_absolute_url() for term in Term.objects.filter(status="published")]
        pages += [lesson.get_absolute_url() for lesson in Lesson.objects.all()]
    return pages


def _asset_bytes(url: str) -> int:
    assert url.startswith("/static/"), f"{url} is not one of ours"
    path = finders.find(url.removeprefix("/static/").split("?")[0])
    assert path, url
    return len(gzip.compress(Path(path).read_bytes(), compresslevel=9))


CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def _fonts(stylesheet: str) -> set[str]:
    """The fonts a stylesheet loads (its url()s, relative to it), as /static/ addresses."""
    css = Path(finders.find(stylesheet.removeprefix("/static/"))).read_text()
    base = stylesheet.rsplit("/", 1)[0] + "/"
    return {
        posixpath.normpath(posixpath.join(base, url))
        for url in CSS_URL.findall(css)
        if url.endswith(".woff2")
    }


@pytest.mark.django_db
def test_every_page_is_within_its_weight_on_a_first_visit(client, shipped):
    weights = {}
    for url in shipped:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "br", url
        html = response.content
        text = client.get(url).content.decode()
        assets = {a for a in _assets(text) if a.endswith((".css", ".js", ".woff2"))}
        assert assets, url
        assets |= {font for a in assets if a.endswith(".css") for font in _fonts(a)}
        weights[url] = len(html) + sum(_asset_bytes(a) for a in assets)
    heaviest = max(weights, key=weights.__getitem__)
    assert weights[heaviest] <= BUDGET, (heaviest, weights[heaviest])
    assert len(weights) > 80  # every term and lesson was weighed


@pytest.mark.django_db
def test_nothing_is_fetched_from_another_site_and_images_are_sized(client, shipped):
    for url in shipped:
        text = client.get(url).content.decode()
        for asset in _assets(text):
            assert asset.startswith("/"), (url, asset)
        for img in IMG.findall(text):
            assert re.search(r'\bwidth="\d+"', img) and re.search(r'\bheight="\d+"', img), img
    for name in ("css/tokens.css", "css/site.css", "css/highlight.css"):
        css = Path(finders.find(name)).read_text()
        assert "@import" not in css
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), name
        # A font never holds the text back: the fallback shows until it arrives.
        for face in re.findall(r"@font-face\s*{[^}]*}", css):
            assert "font-display: swap" in face, face


@pytest.mark.django_db
def test_the_font_is_counted_in_the_weight_and_preloaded(client):
    text = client.get("/").content.decode()
    stylesheets = [a for a in _assets(text) if a.endswith(".css")]
    fonts = {font for sheet in stylesheets for font in _fonts(sheet)}
    assert fonts == {"/static/fonts/inter-subset.woff2"}
    assert _assets(text) >= fonts  # preloaded, so it arrives with the stylesheets
    assert _asset_bytes(next(iter(fonts))) < 30 * 1000  # subset: scripts/subset-font
