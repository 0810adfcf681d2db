"""/api/v1/models and /api/v1/models/<slug>: the catalog's facts, counts computed from each
config.json, estimates labelled, the architecture read, and a JSON 404 for an unknown slug."""

from __future__ import annotations

import pytest
from django.test import Client

from calculators.models import CatalogModel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_content")]


def test_the_list_has_every_model_with_its_counts_and_source(client: Client):
    answer = client.get("/api/v1/models").json()
    slugs = [m["slug"] for m in answer["models"]]
    assert answer["count"] == len(slugs) == CatalogModel.objects.count()
    assert set(slugs) >= {"deepseek-v3", "gpt-oss-120b", "qwen3-30b-a3b", "llama-4-scout"}
    by_slug = {m["slug"]: m for m in answer["models"]}
    oss = by_slug["gpt-oss-120b"]
    assert oss["parameters"] == {
        "total": 116_829_156_672,
        "active": 5_711_982_912,
        "counted": True,
        "estimate": False,
        "estimate_note": oss["parameters"]["estimate_note"],
    }
    assert oss["published"]["total"] == 116_830_000_000
    assert oss["published"]["active"] == 5_130_000_000
    assert "embedding" in oss["published"]["counting_note"]
    assert oss["licence"] == "Apache 2.0" and oss["open_weights"] is True
    assert oss["release_date"] == "2025-08-05" and oss["context_length"] == 131072
    assert oss["source"].startswith("https://")
    assert oss["url"].endswith("/api/v1/models/gpt-oss-120b")
    assert oss["calculator"].endswith("/calculators/parameters/?model=gpt-oss-120b")


def test_an_estimate_is_labelled_in_the_list(client: Client):
    models = {m["slug"]: m for m in client.get("/api/v1/models").json()["models"]}
    gpt4 = models["gpt-4"]["parameters"]
    assert gpt4["estimate"] is True and gpt4["counted"] is False
    assert gpt4["total"] == 1_800_000_000_000
    assert "estimate" in gpt4["estimate_note"].lower()
    assert models["gpt-4"]["published"]["total"] is None
    assert {s for s, m in models.items() if m["parameters"]["estimate"]} == {"gpt-4", "gpt-4o-mini"}


def test_one_model_has_its_architecture_and_config(client: Client):
    answer = client.get("/api/v1/models/deepseek-v3").json()
    arch = answer["architecture"]
    assert arch["model_type"] == "deepseek_v3"
    assert (arch["kv_lora_rank"], arch["q_lora_rank"], arch["qk_rope_head_dim"]) == (512, 1536, 64)
    assert (arch["experts"], arch["active_experts"], arch["shared_ffn"]) == (256, 8, 2048)
    assert arch["dense_layers"] == [0, 1, 2]
    assert any("multi-token-prediction" in note for note in arch["notes"])
    assert sum(answer["breakdown"].values()) == answer["parameters"]["total"] == 671_026_404_352
    model = CatalogModel.objects.get(slug="deepseek-v3")
    assert answer["config"] == model.config
    assert answer["config_source"]["origin"] == "transcribed"
    assert answer["config_source"]["url"] == model.config_source_url


def test_sliding_and_chunked_layers_are_in_the_architecture(client: Client):
    gemma = client.get("/api/v1/models/gemma-3-27b").json()["architecture"]
    assert gemma["layer_attention"][:6] == ["sliding"] * 5 + ["full"]
    assert gemma["sliding_window"] == 1024
    scout = client.get("/api/v1/models/llama-4-scout").json()["architecture"]
    assert set(scout["layer_attention"]) == {"chunked", "full"}
    assert scout["attention_chunk"] == 8192
    assert any("vision" in note for note in scout["notes"])


def test_a_model_without_a_published_architecture_has_none(client: Client):
    answer = client.get("/api/v1/models/gpt-4").json()
    assert answer["architecture"] is None and answer["config"] is None
    assert answer["breakdown"] is None and answer["config_source"] is None


@pytest.mark.parametrize("slug", ["gpt-9", "Llama-3-8B", "x" * 200, "a\x00b", "..."])
def test_an_unknown_slug_is_a_json_404(client: Client, slug):
    response = client.get(f"/api/v1/models/{slug}")
    assert response.status_code == 404
    assert response.json() == {"errors": {"slug": ["No model in the catalog has that slug."]}}


def test_the_counts_agree_with_the_parameter_calculator(client: Client):
    for model in client.get("/api/v1/models").json()["models"]:
        if not model["parameters"]["counted"]:
            continue
        sized = client.get("/api/v1/sizing/parameters", {"model": model["slug"]}).json()
        assert (sized["total"], sized["active"]) == (
            model["parameters"]["total"],
            model["parameters"]["active"],
        ), model["slug"]


def test_the_list_is_one_query(client: Client, django_assert_num_queries):
    client.get("/api/v1/models")  # warm whatever the first request sets up
    with django_assert_num_queries(1):
        client.get("/api/v1/models?fresh=1")  # the catalog, whatever its size
