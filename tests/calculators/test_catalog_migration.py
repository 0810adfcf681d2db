"""Migration 0004 turns the catalog's architecture columns into config.json mappings, keeping
every count, and goes back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sizing import Architecture, count_parameters, read_config

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("calculators", "0002_text_validators")]
AFTER = [("calculators", "0004_catalog_config")]

ROWS = {
    # slug: the old columns (None: defaults)
    "gpt-2-like": {
        "layers": 12, "hidden": 768, "heads": 12, "kv_heads": 12, "ffn": 3072, "vocab": 50257,
        "mlp": "standard", "norm": "layernorm", "bias": "all", "tied": True, "positions": 1024,
    },
    "llama-like": {
        "layers": 32, "hidden": 4096, "heads": 32, "kv_heads": 8, "ffn": 14336, "vocab": 128256,
    },
    "gemma-like": {
        "layers": 28, "hidden": 3072, "heads": 16, "kv_heads": 16, "head_dim": 256,
        "ffn": 24576, "vocab": 256000, "tied": True,
    },
    "qwen-like": {
        "layers": 24, "hidden": 896, "heads": 14, "kv_heads": 2, "ffn": 4864, "vocab": 151936,
        "bias": "qkv", "tied": True,
    },
    "mixtral-like": {
        "layers": 32, "hidden": 4096, "heads": 32, "kv_heads": 8, "ffn": 14336, "vocab": 32000,
        "experts": 8, "active_experts": 2,
    },
    "odd-shape": {  # a gated MLP with LayerNorm: no supported family has it
        "layers": 2, "hidden": 64, "heads": 4, "vocab": 100, "norm": "layernorm",
    },
}  # fmt: skip


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def old_rows():
    apps = migrate(BEFORE)
    CatalogModel = apps.get_model("calculators", "CatalogModel")
    for slug, columns in ROWS.items():
        CatalogModel.objects.create(
            slug=slug, name=slug, organisation="Tests", source_url=f"https://example.com/{slug}",
            **columns,
        )  # fmt: skip
    CatalogModel.objects.create(
        slug="closed", name="Closed", organisation="Tests", source_url="https://example.com/c",
        parameters_are_estimate=True, estimated_parameters=10**12,
    )  # fmt: skip
    yield
    migrate(AFTER)  # leave the database as the other tests expect it


def test_each_rows_columns_become_a_config_with_the_same_count(old_rows):
    apps = migrate(AFTER)
    models = {m.slug: m for m in apps.get_model("calculators", "CatalogModel").objects.all()}
    for slug, columns in ROWS.items():
        if slug == "odd-shape":
            continue
        model = models[slug]
        assert model.config_origin == "transcribed"
        assert model.config_source_url == f"https://example.com/{slug}"
        expected = count_parameters(Architecture(**columns))
        counted = count_parameters(read_config(model.config).architecture)
        assert (counted.total, counted.active) == (expected.total, expected.active), slug
    assert models["closed"].config is None
    assert models["qwen-like"].config["model_type"] == "qwen2"
    assert models["mixtral-like"].config["num_local_experts"] == 8


def test_a_shape_no_family_has_is_kept_as_text_not_lost(old_rows):
    apps = migrate(AFTER)
    model = apps.get_model("calculators", "CatalogModel").objects.get(slug="odd-shape")
    assert model.config is None
    assert "'norm': 'layernorm'" in model.config_note
    assert "'hidden': 64" in model.config_note


def test_going_back_restores_the_columns(old_rows):
    migrate(AFTER)
    apps = migrate(BEFORE)
    models = {m.slug: m for m in apps.get_model("calculators", "CatalogModel").objects.all()}
    for slug in ("gpt-2-like", "llama-like", "gemma-like", "qwen-like", "mixtral-like"):
        model = models[slug]
        columns = {name: getattr(model, name) for name in ROWS[slug]}
        assert columns == ROWS[slug], slug
