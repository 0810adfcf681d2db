"""make_synthetic_terms: made-up terms complete enough to measure the site at scale."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from factories import make_term

from glossary.models import FAQ, Alias, Relation, Term
from search.selectors import site_search

pytestmark = pytest.mark.django_db


def test_synthetic_terms_have_every_part_and_go_away_again(client):
    real = make_term(slug="parameters", name="Parameters")
    assert client.get("/glossary/").status_code == 200  # cached now
    call_command("make_synthetic_terms", 30, stdout=None)
    synthetic = Term.objects.filter(slug__startswith="synthetic-")
    assert synthetic.count() == 30
    assert all(term.is_published and term.body_html.startswith("<h2") for term in synthetic)
    assert FAQ.objects.filter(term__in=synthetic).count() == 90
    assert Alias.objects.filter(term__in=synthetic).count() == 60
    assert Relation.objects.filter(source__in=synthetic).count() >= 30 * 3

    term = synthetic.order_by("slug").first()
    assert term.name in client.get("/glossary/").content.decode()  # the cached index was dropped
    page = client.get(term.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert term.name in html and "How it works" in html and 'id="faq-question-1"' in html
    assert (
        site_search(f"ST{term.slug.removeprefix('synthetic-')}").hits[0].url
        == term.get_absolute_url()
    )
    assert site_search(term.name).hits[0].url == term.get_absolute_url()

    call_command("make_synthetic_terms", 5)  # numbering goes on from where it stopped
    assert Term.objects.filter(slug="synthetic-00035").exists()
    call_command("make_synthetic_terms", delete=True)
    assert list(Term.objects.values_list("slug", flat=True)) == [real.slug]


def test_a_count_out_of_range_is_a_clear_error():
    with pytest.raises(CommandError, match="between 1 and 100000"):
        call_command("make_synthetic_terms", 0)
