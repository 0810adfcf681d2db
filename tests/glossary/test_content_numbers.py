"""Every worked number in the shipped content agrees with the calculators."""

from __future__ import annotations

from pathlib import Path

import pytest
from reversion.models import Revision, Version

from calculators.models import Accelerator, CatalogModel
from content.catalog_files import import_catalog
from content.gpu_files import import_gpus
from glossary.content_checks import check_directory, check_term

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def catalog(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        import_catalog(FIXTURES / "models.yaml")
        import_gpus(FIXTURES / "gpus.yaml")
    yield
    with django_db_blocker.unblock():
        CatalogModel.objects.all().delete()
        Accelerator.objects.all().delete()
        Version.objects.all().delete()
        Revision.objects.all().delete()


def test_every_worked_number_in_the_shipped_terms_checks_out(catalog):
    total, failures = check_directory(FIXTURES)
    assert total >= 20
    assert [str(f) for f in failures] == []


LLAMA = {"calculator": "parameters", "query": {"model": "llama-3-8b"}, "field": "total"}


def test_a_wrong_number_is_caught(catalog):
    item = {
        "slug": "x",
        "body": "It has 8,030,261,249 parameters.",
        "checks": [{**LLAMA, "text": "8,030,261,249 parameters", "value": 8030261249}],
    }
    _, failures = check_term(item)
    assert "expected exactly 8030261249, got 8030261248" in str(failures[0])


def test_a_rounded_number_outside_its_tolerance_is_caught(catalog):
    item = {
        "slug": "x",
        "body": "About 9.0B parameters.",
        "checks": [{**LLAMA, "text": "9.0B", "approx": 9.0e9}],
    }
    _, failures = check_term(item)
    assert "within 1.0%" in str(failures[0])


def test_a_check_whose_text_is_not_in_the_term_fails(catalog):
    item = {
        "slug": "x",
        "body": "Nothing here.",
        "checks": [{**LLAMA, "text": "8.0B", "approx": 8.0e9}],
    }
    _, failures = check_term(item)
    assert "not in the term" in str(failures[0])


def test_a_refused_query_fails(catalog):
    item = {
        "slug": "x",
        "body": "8.0B",
        "checks": [{**LLAMA, "query": {"model": "nope"}, "text": "8.0B", "approx": 8e9}],
    }
    _, failures = check_term(item)
    assert "refused" in str(failures[0])


def test_a_right_number_passes(catalog):
    item = {
        "slug": "x",
        "body": "It has 8,030,261,248 parameters, about 16.1 GB in bf16.",
        "checks": [
            {**LLAMA, "text": "8,030,261,248 parameters", "value": 8030261248},
            {
                "calculator": "memory",
                "query": {"model": "llama-3-8b", "dtype": "bf16"},
                "field": "weights_bytes",
                "text": "16.1 GB",
                "approx": 16.1e9,
            },
        ],
    }
    assert check_term(item) == (2, [])
