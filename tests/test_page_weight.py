"""Page weight: what a phone downloads on a first visit stays small, and nothing comes from
another site. Measured on the shipped content, every term and lesson page included."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import transaction

from glossary.models import Term
from learning.models import Lesson

BUDGET = 60 * 1000  # bytes, compressed: the page's HTML with its stylesheets and scripts
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
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
def shipped(django_db_setup, django_db_blocker):
    """The shipped content, imported once for this module inside a transaction that is rolled
    back afterwards, so the tests after these see the database as migrations left it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("import_content", str(FIXTURES), verbosity=0)
        pages = ["/", "/glossary/", "/learn/", "/calculators/memory/"]
        pages += [term.get_absolute_url() for term in Term.objects.filter(status="published")]
        pages += [lesson.get_absolute_url() for lesson in Lesson.objects.all()]
        yield pages
        transaction.set_rollback(True)


def _asset_bytes(url: str) -> int:
    assert url.startswith("/static/"), f"{url} is not one of ours"
    path = finders.find(url.removeprefix("/static/").split("?")[0])
    assert path, url
    return len(gzip.compress(Path(path).read_bytes(), compresslevel=9))


@pytest.mark.django_db
def test_every_page_is_within_its_weight_on_a_first_visit(client, shipped):
    weights = {}
    for url in shipped:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "br", url
        html = response.content
        text = client.get(url).content.decode()
        assets = {a for a in _assets(text) if a.endswith((".css", ".js"))}
        assert assets, url
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
    for name in ("css/site.css", "css/highlight.css"):
        css = Path(finders.find(name)).read_text()
        assert "@import" not in css and "@font-face" not in css
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), name
