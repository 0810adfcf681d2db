"""/api/v1/openapi.json: a valid OpenAPI 3.1 description of every endpoint, made from the forms
that validate each request and the types of each answer, with real answers as examples."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from api.schema_checks import description, problems
from django import forms
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate

from calculators.api_http import ApiAnswer
from calculators.definitions import CALCULATORS
from calculators.gpus import catalog_gpus
from calculators.models import CatalogModel
from config.api_views import ENDPOINTS
from sizing import DTYPES
from sizing.memory import MAX_CONTEXT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_content")]

LLAMA3_8B_TOTAL = 8_030_261_248
MIXTRAL_ACTIVE = 12_879_925_248


@pytest.fixture
def document(client: Client) -> dict:
    return description(client)


def operation(document: dict, path: str) -> dict:
    return document["paths"][path]["get"]


def parameter(document: dict, path: str, name: str) -> dict:
    found = [p for p in operation(document, path)["parameters"] if p["name"] == name]
    assert len(found) == 1, name
    return found[0]


def example(document: dict, path: str, name: str, status: str = "200") -> object:
    media = operation(document, path)["responses"][status]["content"]["application/json"]
    return media["examples"][name]["value"]


def test_it_is_a_valid_openapi_3_1_description(document):
    validate(document)  # openapi-spec-validator: raises on any problem
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://testserver"}]


def test_it_is_valid_with_an_empty_catalog_too(client):
    CatalogModel.objects.all().delete()
    document = description(client)
    validate(document)
    assert "enum" not in parameter(document, "/api/v1/sizing/memory", "model")["schema"]


def _api_views(patterns: list, prefix: str = "") -> set[object]:
    """The view of every route under /api/v1/ (through includes)."""
    found: set[object] = set()
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found |= _api_views(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            found.add(pattern.callback)
    return found


def test_every_api_route_is_described_and_every_description_has_a_route(document, client):
    assert _api_views(get_resolver().url_patterns) == {e.view for e in ENDPOINTS}
    assert set(document["paths"]) == {e.path for e in ENDPOINTS}
    for endpoint in ENDPOINTS:  # the described path reaches the described view
        values = {p.name: "kv-cache" for p in endpoint.path_parameters}
        match = client.get(endpoint.url(values)).resolver_match
        assert match.func is endpoint.view, endpoint.path


@pytest.mark.parametrize("slug", list(CALCULATORS))
def test_each_sizing_parameter_is_its_forms_field(document, slug):
    form = CALCULATORS[slug].form_class
    parameters = operation(document, f"/api/v1/sizing/{slug}")["parameters"]
    assert [p["name"] for p in parameters] == list(form.base_fields)
    for described in parameters:
        field = form.base_fields[described["name"]]
        assert described["in"] == "query" and described["required"] is False
        assert described["allowEmptyValue"] is True  # an empty field is a field left out
        assert str(field.label) in described["description"]
        if isinstance(field, forms.ChoiceField):
            choices = [str(value) for value, _ in field.choices if value != ""]
            assert described["schema"]["enum"] == choices
        if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
            assert described["schema"]["type"] == "integer"
            assert described["schema"]["minimum"] == field.min_value
            assert described["schema"]["maximum"] == field.max_value


def test_bounds_defaults_and_choices_come_from_the_forms(document):
    context = parameter(document, "/api/v1/sizing/memory", "context")
    assert context["schema"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_CONTEXT,
        "default": 0,
    }
    dtype = parameter(document, "/api/v1/sizing/memory", "dtype")["schema"]
    assert dtype == {"type": "string", "enum": list(DTYPES), "default": "bf16"}
    gpu = parameter(document, "/api/v1/sizing/training", "gpu")["schema"]
    # The GPU catalog as it is now (the description is built per request).
    assert gpu["enum"] == [g.slug for g in catalog_gpus()] and gpu["default"] == "h100-sxm"
    assert len(gpu["enum"]) >= 31
    mfu = parameter(document, "/api/v1/sizing/training", "mfu")
    assert mfu["schema"] == {"type": "number", "minimum": 0.01, "maximum": 1, "default": 0.4}
    assert "4 decimal places" in mfu["description"]
    assert parameter(document, "/api/v1/search", "q")["required"] is True
    assert "allowEmptyValue" not in parameter(document, "/api/v1/search", "q")


def test_the_model_choices_are_the_catalogs_as_each_calculator_takes_them(document):
    every = sorted(CatalogModel.objects.values_list("slug", flat=True))
    counted = sorted(CatalogModel.objects.with_architecture().values_list("slug", flat=True))
    assert parameter(document, "/api/v1/sizing/memory", "model")["schema"]["enum"] == every
    # A model whose architecture was never published cannot be counted.
    assert parameter(document, "/api/v1/sizing/parameters", "model")["schema"]["enum"] == counted
    assert "gpt-4" in every and "gpt-4" not in counted


def test_a_form_default_is_the_value_the_calculator_uses():
    # mfu and gpus left out: the calculator gets the form's defaults, the ones described.
    form = CALCULATORS["training"].form({"model": "llama-3-8b"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["mfu"] == Decimal("0.4") and form.cleaned_data["gpus"] == 1


def test_exact_counts_are_integers_and_the_examples_are_real_answers(document, client):
    schemas = document["components"]["schemas"]
    assert schemas["ParametersAnswer"]["properties"]["total"]["type"] == "integer"
    assert schemas["MemoryAnswer"]["properties"]["weights_bytes"]["type"] == "integer"
    assert schemas["TrainingAnswer"]["properties"]["flops"]["type"] == "integer"
    assert example(document, "/api/v1/sizing/parameters", "default")["total"] == LLAMA3_8B_TOTAL
    assert example(document, "/api/v1/sizing/parameters", "mixtral")["active"] == MIXTRAL_ACTIVE
    assert example(document, "/api/v1/terms/{slug}", "kv-cache")["slug"] == "kv-cache"
    errors = example(document, "/api/v1/sizing/memory", "nothing-given", "400")["errors"]
    assert errors["layers"] == ["Required (or choose a catalog model, or give params)."]
    # Every example is what the endpoint answers now.
    for endpoint in ENDPOINTS:
        for declared in endpoint.examples:
            shown = example(document, endpoint.path, declared.name, str(declared.status))
            answer = client.get(endpoint.url(declared.path), declared.query)
            assert answer.status_code == declared.status, (endpoint.path, declared.name)
            assert shown == json.loads(answer.content), (endpoint.path, declared.name)


def test_the_examples_are_replayable_from_the_parameters(document):
    model = parameter(document, "/api/v1/sizing/memory", "model")["examples"]
    assert model["default"]["value"] == "llama-3-8b"
    context = parameter(document, "/api/v1/sizing/memory", "context")["examples"]
    assert context["default"]["value"] == 8192  # typed as the schema has it


def test_errors_are_described_field_by_field(document):
    responses = operation(document, "/api/v1/sizing/inference")["responses"]
    assert set(responses) == {"200", "400", "405", "429"}
    keys = responses["400"]["content"]["application/json"]["schema"]["properties"]["errors"]
    assert keys["propertyNames"]["enum"] == [
        *CALCULATORS["inference"].form_class.base_fields,
        "__all__",
    ]
    assert responses["405"]["headers"]["Allow"]["required"] is True
    assert responses["429"]["headers"]["Retry-After"]["required"] is True
    term = operation(document, "/api/v1/terms/{slug}")["responses"]
    assert set(term) == {"200", "404", "405"}  # the glossary is not rate limited


def test_an_undeclared_field_or_a_float_for_an_integer_fails_the_check(document, client):
    answer = json.loads(client.get("/api/v1/formats").content)
    assert problems(document, "/api/v1/formats", ApiAnswer(answer)) == []
    answer["formats"][0]["bits"] = 16
    assert any(
        "'bits' was unexpected" in p
        for p in problems(document, "/api/v1/formats", ApiAnswer(answer))
    )
    counted = json.loads(client.get("/api/v1/sizing/parameters", {"model": "llama-3-8b"}).content)
    counted["total"] = float(counted["total"])
    found = problems(document, "/api/v1/sizing/parameters", ApiAnswer(counted))
    assert found and "is not of type 'integer'" in found[0]


def test_it_is_served_as_json_to_any_origin_and_cached(client):
    response = client.get("/api/v1/openapi.json")
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.has_header("ETag") and "max-age" in response["Cache-Control"]
