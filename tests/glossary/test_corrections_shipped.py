"""The shipped corrections log (fixtures/corrections.yaml, issue #22): imported with the rest of
the content, every entry on /corrections/ and in its Atom feed, each linking to a live page."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - parses the site's own answer, nothing else
from pathlib import Path

import pytest
import yaml

from glossary.models import Correction

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def shipped_entries() -> list[dict]:
    return yaml.safe_load((FIXTURES / "corrections.yaml").read_text(encoding="utf-8"))


def test_every_shipped_correction_is_imported_and_a_second_import_changes_nothing(
    shipped_content,
):
    entries = shipped_entries()
    assert len(entries) >= 20
    assert Correction.objects.count() == len(entries)
    stored = {(c.date, c.page, c.old) for c in Correction.objects.all()}
    assert stored == {(e["date"], e["page"], " ".join(e["old"].split())) for e in entries}


def test_the_log_links_every_correction_to_a_page_that_answers(client, shipped_content):
    response = client.get("/corrections/")
    assert response.status_code == 200
    page = response.content.decode()
    corrections = list(Correction.objects.all())
    for correction in corrections:
        assert f'id="correction-{correction.pk}"' in page
        assert f'href="{correction.page_url}"' in page
    # Each corrected page exists (a term or a lesson of the shipped content).
    for url in {c.page_url for c in corrections}:
        assert client.get(url).status_code == 200, url
    assert 'type="application/atom+xml"' in page


def test_the_feed_is_well_formed_atom_with_one_entry_per_correction(client, shipped_content):
    response = client.get("/feeds/corrections.atom")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314 - our own XML; raises if ill-formed
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == min(100, Correction.objects.count())
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids)
    newest = Correction.objects.first()
    assert newest is not None
    assert newest.old in (entries[0].findtext(f"{ATOM}summary") or "")
