"""The Atom feed stays a 200 of well-formed XML whatever a stored name holds (issue #16, item 9):
fields refuse control characters, and the feed removes any that got in past validation."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - parses the site's own answer, nothing else

import pytest
from factories import make_term

from glossary.models import Term

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_control_character_written_past_validation_leaves_the_feed_well_formed(client):
    term = make_term(slug="parameters", name="Parameters", short_definition="Numbers it learns.")
    # A raw update, as an old database or a script might have written it: no validation.
    # (No NUL: PostgreSQL cannot store one at all.)
    Term.objects.filter(pk=term.pk).update(
        name="Para\x01meters\ufffe", short_definition="Num\x0bbers\x1f it\x0c learns.\x08"
    )
    response = client.get("/feeds/terms.atom")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314 - our own XML; raises if ill-formed
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Parameters"
    assert entry.findtext(f"{ATOM}summary") == "Numbers it learns."
