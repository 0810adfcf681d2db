"""Bugs found while putting the API under schemathesis (`make api-fuzz`), pinned: requests the
description calls invalid that the API took anyway (schemathesis's finding), and a path it
may send that answered 500 on PostgreSQL (found reading what its negative cases send)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_content")]


@pytest.mark.parametrize("blank", ["\r", " ", "\t\n"])
@pytest.mark.parametrize(("endpoint", "field"), [("scale", "small"), ("memory", "model")])
def test_a_model_slug_of_blanks_is_refused_not_taken_as_none(
    client: Client, endpoint, field, blank
):
    # Stripped to "", it read as "no model given" and answered the default's 200.
    response = client.get(f"/api/v1/sizing/{endpoint}", {field: blank})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_an_empty_slug_is_still_a_field_left_out(client: Client):
    # As a page's untouched field submits it (the description's allowEmptyValue).
    assert client.get("/api/v1/sizing/scale", {"small": ""}).status_code == 200


@pytest.mark.parametrize("slug", ["a%00b", "%00", "kv-cache%00"])
def test_a_nul_in_a_term_slug_is_a_404_on_every_database(client: Client, slug):
    # PostgreSQL refuses a NUL in a string literal: it must never reach the query.
    response = client.get(f"/api/v1/terms/{slug}")
    assert response.status_code == 404
    assert list(response.json()["errors"]) == ["slug"]


@pytest.mark.parametrize("separators", [",", "_", ",,", " , "])
def test_a_number_of_separators_alone_is_refused_not_taken_as_left_out(client: Client, separators):
    # schemathesis: "experts=," was read as no number (the commas of "4,096" stripped to ""),
    # so the answer was the model's own 200.
    response = client.get(
        "/api/v1/sizing/parameters", {"model": "mixtral-8x22b", "experts": separators}
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["experts"]


def test_a_pasted_number_with_separators_is_still_read(client: Client):
    response = client.get(
        "/api/v1/sizing/parameters",
        {"layers": "32", "hidden": "4,096", "heads": "32", "vocab": "128_256"},
    )
    assert response.status_code == 200
    assert response.json()["architecture"]["hidden"] == 4096
