"""The model catalog: validation through full_clean, the YAML import, counts computed from
architectures, and estimates labelled as estimates wherever they are shown."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from shipped_content import catalog_entries

from calculators.models import CatalogModel
from content.catalog_files import catalog_as_data, import_catalog
from content.yaml_io import ContentError

CATALOG = Path(__file__).resolve().parents[2] / "fixtures" / "models.yaml"
ESTIMATES = {"gpt-4", "gpt-4o-mini"}


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


TINY_CONFIG = {
    "model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 4, "intermediate_size": 256, "vocab_size": 100,
}  # fmt: skip


def small_model(changes: dict | None = None, **fields) -> CatalogModel:
    """A valid model; `changes` edits its config.json, `fields` its other fields (or
    replace the config: config=None)."""
    values = {
        "slug": "tiny-test-model", "name": "Tiny test model", "organisation": "Tests",
        "source_url": "https://example.com/tiny", "config": {**TINY_CONFIG, **(changes or {})},
        "config_origin": "transcribed", "config_source_url": "https://example.com/tiny/config",
    }  # fmt: skip
    values.update(fields)
    return CatalogModel(**values)


def errors_of(model: CatalogModel) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        model.full_clean()
    return caught.value.message_dict


# --- Validation -----------------------------------------------------------------------------


def test_a_complete_model_validates_and_is_counted():
    model = small_model()
    model.full_clean()
    # embedding + 2 × (attention 4 × 64² + gated MLP 3 × 64 × 256) + 5 RMSNorms + head.
    assert model.parameters == 100 * 64 + 2 * (4 * 64 * 64 + 3 * 64 * 256) + 5 * 64 + 100 * 64
    assert model.active_parameters == model.parameters
    assert not model.is_estimate


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"num_attention_heads": 0}, "num_attention_heads"),
        ({"num_key_value_heads": 3}, "num_key_value_heads"),  # 3 does not divide 4
        ({"num_hidden_layers": 1_001}, "num_hidden_layers"),
        ({"hidden_size": 10_000_000}, "hidden_size"),
        ({"vocab_size": 0}, "vocab_size"),
        ({"num_hidden_layers": None}, "num_hidden_layers"),  # missing
        ({"tie_word_embeddings": "yes"}, "tie_word_embeddings"),
        ({"model_type": "bert"}, "model_type"),
        ({"model_type": None}, "model_type"),
    ],
)
def test_a_bad_config_is_refused_naming_the_key(config, key):
    found = errors_of(small_model(config))
    assert list(found) == ["config"], found
    assert any(message.startswith(f"{key}: ") for message in found["config"]), found


def test_an_unsupported_model_type_names_the_supported_ones():
    found = errors_of(small_model({"model_type": "bert"}))
    assert "'bert' is not supported" in found["config"][0]
    assert "deepseek_v3" in found["config"][0]


@pytest.mark.parametrize("config", [[1, 2], "llama", 7])
def test_a_config_that_is_not_an_object_is_refused(config):
    found = errors_of(small_model(config=config))
    assert found == {"config": ["A config.json is a JSON object ({...})."]}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"source_url": "not a url"}, "source_url"),
        ({"slug": "Not a slug!"}, "slug"),
        ({"config_origin": ""}, "config_origin"),
        ({"config_origin": "rumour"}, "config_origin"),
        ({"config_source_url": ""}, "config_source_url"),
    ],
)
def test_a_bad_field_is_refused_naming_it(fields, field):
    found = errors_of(small_model(**fields))
    assert field in found, found
    assert all(message.strip() for message in found[field])


def test_heads_may_leave_hidden_undivided_when_the_head_size_is_given():
    small_model({"hidden_size": 3072, "num_attention_heads": 16, "head_dim": 256}).full_clean()


def test_a_model_without_architecture_needs_a_size():
    found = errors_of(small_model(config=None, config_origin=""))
    assert "__all__" in found
    assert "published parameter count or an estimate" in found["__all__"][0]


def test_a_config_source_without_a_config_is_refused():
    model = small_model(config=None, published_parameters=10**9)
    assert set(errors_of(model)) == {"config_origin", "config_source_url"}


def test_an_unpublished_size_is_an_estimate():
    model = small_model(
        config=None, config_origin="", config_source_url="",
        parameters_are_estimate=True, estimated_parameters=10**12,
    )  # fmt: skip
    model.full_clean()
    assert model.is_estimate
    assert model.parameters == 10**12
    assert model.architecture() is None


def test_a_published_architecture_is_not_an_estimate():
    # An architecture gives an exact count, whatever was once rumoured.
    model = small_model(parameters_are_estimate=True, estimated_parameters=10**12)
    assert not model.is_estimate
    assert model.parameters != 10**12


def test_a_duplicate_slug_is_refused():
    found = errors_of(small_model(slug="llama-3-8b"))
    assert "slug" in found


def test_the_architecture_is_what_sizing_reads_from_the_config():
    model = CatalogModel.objects.get(slug="deepseek-v3")
    reading = model.config_reading()
    assert reading is not None and reading.model_type == "deepseek_v3"
    assert model.architecture() == reading.architecture
    assert (model.parameters, model.active_parameters) == (671_026_404_352, 37_552_282_624)


def test_with_architecture_is_the_models_with_a_config():
    without = set(
        CatalogModel.objects.exclude(pk__in=CatalogModel.objects.with_architecture()).values_list(
            "slug", flat=True
        )
    )
    assert without == ESTIMATES


# --- Import ---------------------------------------------------------------------------------


def test_the_shipped_catalog_imports_every_entry(catalog):
    entries = catalog_entries()
    assert catalog == len(entries) >= 25
    assert set(CatalogModel.objects.values_list("slug", flat=True)) >= {e["slug"] for e in entries}


def test_importing_twice_changes_nothing():
    before = catalog_as_data()
    count = CatalogModel.objects.count()
    import_catalog(CATALOG)
    assert CatalogModel.objects.count() == count
    assert catalog_as_data() == before


def test_importing_restores_an_edited_row():
    edited = {**TINY_CONFIG, "num_hidden_layers": 33}
    CatalogModel.objects.filter(slug="llama-3-8b").update(config=edited, name="Edited")
    import_catalog(CATALOG)
    model = CatalogModel.objects.get(slug="llama-3-8b")
    assert (model.config["num_hidden_layers"], model.name) == (32, "Llama 3 8B")


def test_export_then_import_into_an_empty_catalog_is_identical(tmp_path):
    before = catalog_as_data()
    path = tmp_path / "models.yaml"
    path.write_text(yaml.safe_dump(before, sort_keys=False), encoding="utf-8")
    CatalogModel.objects.all().delete()
    import_catalog(path)
    assert catalog_as_data() == before


def test_a_bad_entry_is_reported_and_nothing_is_saved(tmp_path):
    entries = catalog_entries()
    good = {**entries[0], "slug": "brand-new-model"}
    bad = {**entries[1], "slug": "broken-model",
           "config": {**entries[1]["config"], "n_head": 7}}  # fmt: skip
    path = tmp_path / "models.yaml"
    path.write_text(yaml.safe_dump([good, bad], sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        import_catalog(path)
    assert any(p.startswith("broken-model: config: n_head: ") for p in caught.value.problems)
    assert not CatalogModel.objects.filter(slug="brand-new-model").exists()


def test_a_file_that_is_not_a_list_is_refused(tmp_path):
    path = tmp_path / "models.yaml"
    path.write_text("slug: just-one-mapping\n", encoding="utf-8")
    with pytest.raises(ContentError, match="expected a list"):
        import_catalog(path)


# --- Counts ---------------------------------------------------------------------------------


def test_every_model_with_an_architecture_computes_its_count(client):
    models = list(CatalogModel.objects.with_architecture())
    assert len(models) >= 20
    for model in models:
        count = model.parameters
        assert isinstance(count, int) and count > 0, model.slug
        if model.published_is_exact:
            assert count == model.published_parameters, model.slug
        answer = client.get("/api/v1/sizing/parameters", {"model": model.slug}).json()
        assert (answer["total"], answer["active"]) == (count, model.active_parameters)


def test_the_mixture_of_experts_counts_its_active_share():
    mixtral = CatalogModel.objects.get(slug="mixtral-8x7b")
    assert mixtral.parameters == 46_702_792_704
    assert mixtral.active_parameters == 12_879_925_248


def test_a_catalog_model_links_to_its_count():
    model = CatalogModel.objects.get(slug="llama-3-8b")
    assert model.get_absolute_url() == "/calculators/parameters/?model=llama-3-8b"


# --- Estimates are labelled -----------------------------------------------------------------


def test_only_the_unpublished_sizes_are_estimates():
    flagged = {m.slug for m in CatalogModel.objects.all() if m.is_estimate}
    assert flagged == ESTIMATES
    gpt4 = CatalogModel.objects.get(slug="gpt-4")
    assert gpt4.is_estimate and gpt4.parameters == gpt4.estimated_parameters
    assert gpt4.published_parameters is None and gpt4.estimate_note


def test_the_scale_calculator_marks_estimates(client):
    response = client.get("/calculators/scale/", {"small": "gpt-2-small", "large": "gpt-4"})
    assert response.status_code == 200
    text = response.content.decode()
    for model in CatalogModel.objects.all():
        marked = f"{html.escape(model.name)} (estimate)"
        assert (marked in text) == model.is_estimate, model.slug
    # In the chart and in the table beside it.
    assert text.count("GPT-4 (estimate)") >= 2
    assert "GPT-4 (size estimated)" in text  # the model menus


def test_an_estimate_is_flagged_wherever_its_size_is_used(client):
    memory = client.get("/calculators/memory/", {"model": "gpt-4"}).content.decode()
    assert "size never published" in memory
    assert "Every figure below rests on that estimate." in memory
    training = client.get("/calculators/training/", {"model": "gpt-4"}).content.decode()
    assert "size never published" in training
    scale = client.get("/api/v1/sizing/scale").json()
    flags = {row["slug"]: row["estimate"] for row in scale["models"]}
    assert {slug for slug, estimate in flags.items() if estimate} == ESTIMATES
