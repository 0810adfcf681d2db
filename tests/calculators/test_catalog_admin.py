"""The catalog in the admin: an editor adds a model by pasting its config.json; a config sizing
cannot read is refused naming the key (never a 500, nothing saved); the change page shows the
architecture read and the computed counts."""

from __future__ import annotations

import json

import pytest
from admin_forms import AdminForm
from django.test import Client
from reversion.models import Version

from calculators.models import CatalogModel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

ADD = "/admin/calculators/catalogmodel/add/"
TINY = {
    "model_type": "qwen3", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 2, "head_dim": 16, "intermediate_size": 128, "vocab_size": 100,
    "tie_word_embeddings": True, "rope_theta": 1000000,
}  # fmt: skip


@pytest.fixture
def admin(client: Client, django_user_model) -> Client:
    client.force_login(django_user_model.objects.create_superuser("admin"))
    return client


def add_form(admin: Client, config_text: str) -> AdminForm:
    form = AdminForm(admin.get(ADD).content.decode(), form_id="catalogmodel_form")
    for name, value in {
        "name": "Tiny Qwen3", "slug": "tiny-qwen3", "organisation": "Tests",
        "source_url": "https://example.com/tiny", "licence": "Apache 2.0",
        "config": config_text, "config_origin": "published",
        "config_source_url": "https://example.com/tiny/config.json",
    }.items():  # fmt: skip
        form[name] = value
    return form


def test_an_editor_adds_a_model_by_pasting_its_config(admin: Client):
    response = admin.post(ADD, add_form(admin, json.dumps(TINY, indent=2)).post_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    model = CatalogModel.objects.get(slug="tiny-qwen3")
    assert model.config == TINY
    reading = model.config_reading()
    assert reading is not None and reading.architecture.qk_norm  # read as qwen3
    assert Version.objects.get_for_object(model).count() == 1  # in the history, as edits are


@pytest.mark.parametrize(
    ("config_text", "says"),
    [
        (json.dumps({**TINY, "num_hidden_layers": None}), "num_hidden_layers: missing"),
        (
            json.dumps({**TINY, "model_type": "bert"}),
            "model_type: &#x27;bert&#x27; is not supported",
        ),
        (json.dumps({**TINY, "hidden_size": 10**12}), "hidden_size: "),
        (json.dumps({**TINY, "num_key_value_heads": 3}), "num_key_value_heads: must divide"),
        (json.dumps([TINY]), "A config.json is a JSON object"),
        ('{"model_type": "llama",', "Not valid JSON"),
        ('{"model_type": "llama", "hidden_size": NaN}', "NaN is not a number JSON allows"),
        ("[" * 100_000 + "]" * 100_000, "Nested too deeply"),
        (json.dumps({**TINY, "pad": "x" * 300_000}), "At most 256 KB"),
    ],
    ids=["missing", "model_type", "huge", "kv", "array", "broken", "nan", "deep", "long"],
)
def test_a_config_sizing_cannot_read_is_refused_naming_the_field(admin: Client, config_text, says):
    response = admin.post(ADD, add_form(admin, config_text).post_data())
    assert response.status_code == 200
    page = response.content.decode()
    assert says in page
    assert "errornote" in page
    assert not CatalogModel.objects.filter(slug="tiny-qwen3").exists()


def test_the_change_page_shows_the_architecture_read_and_the_counts(admin: Client):
    model = CatalogModel.objects.get(slug="deepseek-v3")
    page = admin.get(f"/admin/calculators/catalogmodel/{model.pk}/change/").content.decode()
    assert "671,026,404,352" in page
    assert "37,552,282,624" in page and "embedding and output head included" in page
    assert "model_type: deepseek_v3" in page
    assert "latent attention: kv rank 512, q rank 1536" in page
    assert "8 of 256 per token" in page
    # The stored config, indented as the file is, in the textarea to edit.
    assert "&quot;kv_lora_rank&quot;: 512" in page


def test_the_change_page_of_an_estimate_says_it_is_one(admin: Client):
    model = CatalogModel.objects.get(slug="gpt-4")
    page = admin.get(f"/admin/calculators/catalogmodel/{model.pk}/change/").content.decode()
    assert "1,800,000,000,000 (estimate)" in page


def test_an_edit_keeps_the_config_and_is_in_the_history(admin: Client):
    model = CatalogModel.objects.get(slug="gpt-oss-20b")
    url = f"/admin/calculators/catalogmodel/{model.pk}/change/"
    form = AdminForm(admin.get(url).content.decode(), form_id="catalogmodel_form")
    form["name"] = "gpt-oss-20b (edited)"
    response = admin.post(url, form.post_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    edited = CatalogModel.objects.get(pk=model.pk)
    assert edited.config == model.config
    assert edited.parameters == model.parameters == 20_914_757_184
    assert admin.get(f"{url.removesuffix('change/')}history/").status_code == 200
