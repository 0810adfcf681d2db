"""Real answers of every endpoint, with the shipped content, checked against the served
description: an answer with a field its schema does not declare, an integer sent as a float,
a missing required header or an undeclared status fails. The walk must reach every status the
description declares (429 is reached in test_rate_limit.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api.schema_checks import description, problems
from django.test import Client

from calculators.gpus import catalog_gpus
from calculators.models import CatalogModel
from config.api_views import ENDPOINTS
from glossary.models import Term
from sizing import DTYPES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_content")]

Request = tuple[str, str, dict[str, str]]  # (path template, path, query)


def _sizing(slug: str, *queries: dict[str, str]) -> Iterator[Request]:
    for query in queries:
        yield f"/api/v1/sizing/{slug}", f"/api/v1/sizing/{slug}", query


def requests() -> Iterator[Request]:
    yield from (("/api/v1/", "/api/v1/", {}), ("/api/v1/formats", "/api/v1/formats", {}))
    yield "/api/v1/gpus", "/api/v1/gpus", {}
    for query in ({}, {"page": "2"}, {"page": ""}, {"page": "0"}, {"page": "x"}, {"page": "99"}):
        yield "/api/v1/terms", "/api/v1/terms", query
    for slug in Term.objects.published().values_list("slug", flat=True):
        yield "/api/v1/terms/{slug}", f"/api/v1/terms/{slug}", {}
    for slug in ("no-such-term", "Capitals", "x" * 200):
        yield "/api/v1/terms/{slug}", f"/api/v1/terms/{slug}", {}
    for query in (
        {"q": "kv cache"},
        {"q": "memory", "kind": "faq"},
        {"q": "parameters", "kind": "lesson"},
        {"q": "memory", "kind": "calculator"},
        {"q": "parameters", "page": "2"},
        {"q": "quantisaton"},
        {"q": "zzqxv"},
        {"q": "the of"},
        {},
        {"q": "   "},
        {"q": "x" * 1000},
        {"q": "memory", "kind": "video"},
        {"q": "memory", "page": "4"},
    ):
        yield "/api/v1/search", "/api/v1/search", query
    models = list(CatalogModel.objects.all())
    architectures = [m.slug for m in models if m.has_architecture]
    yield "/api/v1/models", "/api/v1/models", {}
    for model in models:
        yield "/api/v1/models/{slug}", f"/api/v1/models/{model.slug}", {}
    for slug in ("gpt-9", "Llama-3-8B", "x" * 200, "a%00b"):
        yield "/api/v1/models/{slug}", f"/api/v1/models/{slug}", {}
    yield from _sizing(
        "parameters",
        *({"model": slug} for slug in architectures),
        {"layers": "2", "hidden": "64", "heads": "4", "vocab": "100", "experts": "4",
         "active_experts": "2", "bias": "qkv", "norm": "layernorm", "positions": "16"},
        {"model": "gpt-4"},  # its architecture was never published
        {"layers": "2", "hidden": "65", "heads": "4", "vocab": "100"},
        {"layers": "0"},
        {},
    )  # fmt: skip
    yield from _sizing(
        "memory",
        *({"model": m.slug, "context": "4096"} for m in models),
        *({"model": "llama-3-8b", "dtype": dtype} for dtype in DTYPES),
        *({"model": "mixtral-8x7b", "mode": mode} for mode in ("training", "lora", "qlora")),
        {"params": "7000000000", "dtype": "int4"},
        {"model": "llama-3-8b", "context": "8192", "batch": "8", "kv_dtype": "fp8"},
        {"model": "llama-3-8b", "dtype": "fp64"},
        {},
    )
    yield from _sizing(
        "training",
        *({"model": m.slug} for m in models),
        # Every catalog GPU: those with no published FLOP/s answer 400 naming `gpu`.
        *({"model": "llama-3-8b", "gpu": gpu.slug, "price": "1.5"} for gpu in catalog_gpus()),
        {"model": "llama-3-8b", "gpu": "voodoo2"},
        {"params": "1000000", "tokens": "1", "mfu": "0.01", "gpus": "1"},
        {"model": "llama-3-8b", "mfu": "1.5"},
        {"model": "llama-3-8b", "mfu": "0.123456"},
        {},
    )
    yield from _sizing(
        "inference",
        *({"model": slug, "context": "8192"} for slug in architectures),
        {"model": "llama-3-70b", "gpu": "a100-80gb", "gpus": "4", "dtype": "q4_k_m"},
        *({"model": "llama-3-8b", "gpu": gpu.slug} for gpu in catalog_gpus()),
        {"model": "gpt-4"},
        {"model": "llama-3-8b", "gpus": "0"},
    )
    yield from _sizing(
        "scale",
        {},
        {"small": "gpt-2-small", "large": "llama-3-1-405b"},
        {"small": "gpt-9"},
        {"small": " "},
    )


def test_every_answer_is_what_the_description_says(client: Client):
    document = description(client)
    reached: set[tuple[str, int]] = set()
    wrong: list[str] = []
    for template, path, query in requests():
        response = client.get(path, query)
        reached.add((template, response.status_code))
        wrong += [f"{path} {query}: {p}" for p in problems(document, template, response)]
        refused = client.post(path, query)
        if "post" in document["paths"][template]:
            # A POST the endpoint takes (a config.json body) has its own operation: a form
            # body is a 415 there. Another method is its 405.
            wrong += [f"POST {path}: {p}" for p in problems(document, template, refused, "post")]
            refused = client.put(path, query)
        reached.add((template, refused.status_code))
        wrong += [
            f"{refused.request['REQUEST_METHOD']} {path}: {p}"
            for p in problems(document, template, refused)
        ]
    assert wrong == []
    declared = {
        (path, int(status))
        for path, item in document["paths"].items()
        for status in item["get"]["responses"]
        if status != "429" and path != "/api/v1/openapi.json"
    }
    assert declared - reached == set()


CONFIGS = Path(__file__).resolve().parents[1] / "sizing" / "configs"
BODIES = [
    (CONFIGS / "deepseek-v3.json").read_bytes(),
    (CONFIGS / "gemma-3-27b.json").read_bytes(),
    b'{"model_type": "bert"}',
    b'{"model_type": "llama", "hidden_size": "4096"}',
    b"[1]",
    b"{nope",
]


def test_every_config_post_answer_is_what_the_description_says(client: Client):
    document = description(client)
    posts = [path for path, item in document["paths"].items() if "post" in item]
    assert sorted(posts) == [
        f"/api/v1/sizing/{slug}" for slug in ("inference", "memory", "parameters", "training")
    ]
    wrong: list[str] = []
    reached: set[tuple[str, int]] = set()
    for path in posts:
        for body in BODIES:
            response = client.post(path, body, content_type="application/json")
            reached.add((path, response.status_code))
            wrong += [
                f"POST {path} {body[:30]!r}: {p}"
                for p in problems(document, path, response, "post")
            ]
        response = client.post(path, BODIES[0], content_type="text/plain")
        reached.add((path, response.status_code))
        wrong += [
            f"POST {path} text/plain: {p}" for p in problems(document, path, response, "post")
        ]
    assert wrong == []
    assert {status for _, status in reached} == {200, 400, 415}


def test_the_walk_covers_every_endpoint():
    paths = {template for template, _, _ in requests()}
    assert paths | {"/api/v1/openapi.json"} == {endpoint.path for endpoint in ENDPOINTS}
