"""A config.json as input: POSTed to the sizing API (the GET's answer, exactly) and pasted on
the parameter and memory pages (a 303 to a shareable GET URL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from calculators.pasted_config import MAX_CONFIG_BYTES, architecture_query, parse_config
from sizing import SizingError, count_parameters
from sizing.config_json import read_config

CONFIGS = Path(__file__).resolve().parents[1] / "sizing" / "configs"
ALL_CONFIGS = sorted(path.name for path in CONFIGS.glob("*.json"))
# Other inputs per endpoint, in the query string as for GET.
OTHER_INPUTS: dict[str, dict[str, str]] = {
    "parameters": {},
    "memory": {"dtype": "q4_k_m", "context": "32768", "batch": "2"},
    "inference": {"gpu": "a100-80gb", "gpus": "2", "context": "4096"},
    "training": {"gpus": "64", "price": "2.5"},
}

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def config(name: str) -> dict[str, Any]:
    return json.loads((CONFIGS / name).read_text())


def post(client: Client, endpoint: str, body: bytes | str, query: str = "", **extra: Any):
    return client.post(
        f"/api/v1/sizing/{endpoint}{'?' + query if query else ''}",
        body,
        content_type=extra.pop("content_type", "application/json"),
        **extra,
    )


def refused(response, status: int = 400) -> dict[str, list[str]]:
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert set(data) == {"errors"}
    for field, messages in data["errors"].items():
        assert isinstance(field, str) and messages and all(isinstance(m, str) for m in messages)
    return data["errors"]


@pytest.mark.parametrize("name", ALL_CONFIGS)
@pytest.mark.parametrize("endpoint", list(OTHER_INPUTS))
def test_a_posted_config_answers_exactly_what_the_get_answers(client, name, endpoint):
    body = (CONFIGS / name).read_bytes()
    reading = read_config(json.loads(body))
    others = OTHER_INPUTS[endpoint]
    query = "&".join(f"{key}={value}" for key, value in others.items())
    posted = post(client, endpoint, body, query)
    got = client.get(
        f"/api/v1/sizing/{endpoint}", {**architecture_query(reading.architecture), **others}
    )
    assert posted.status_code == got.status_code == 200, posted.content[:400]
    assert json.loads(posted.content) == json.loads(got.content)
    if endpoint == "parameters":
        # The GET URL builds the very architecture read: its count is sizing's own.
        assert json.loads(got.content)["total"] == count_parameters(reading.architecture).total


@pytest.mark.parametrize("name", ALL_CONFIGS)
def test_the_query_fields_build_the_architecture_read_again(client, name):
    from calculators.forms import ParametersForm

    reading = read_config(config(name))
    form = ParametersForm(architecture_query(reading.architecture))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["architecture"] == reading.architecture


def test_the_body_replaces_a_model_or_params_in_the_query(client):
    body = (CONFIGS / "qwen3-0.6b.json").read_bytes()
    alone = json.loads(post(client, "memory", body).content)
    with_model = json.loads(post(client, "memory", body, "model=llama-3-8b&params=7000").content)
    assert alone == with_model
    assert alone["params"] == count_parameters(parse_config(body).architecture).total


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (b"{not json", "config", "not valid JSON"),
        (b"[1, 2, 3]", "config", "an array"),
        (b'"llama"', "config", "a string"),
        (b"null", "config", "null"),
        (b'{"model_type": "llama", "hidden_size": NaN}', "config", "NaN"),
        (b'{"model_type": "llama", "hidden_size": Infinity}', "config", "Infinity"),
        (b'{"model_type": "llama", "hidden_size": 1e999}', "config", "too large"),
        (b"[" * 100_000 + b"]" * 100_000, "config", "nested too deeply"),
        (b'{"a": ' * 30_000 + b"1" + b"}" * 30_000, "config", "nested too deeply"),
        (b'{"model_type": "llama", "hidden_size": ' + b"9" * 5000 + b"}", "config", "JSON"),
        (b"\xff\xfe{}", "config", "UTF-8"),
        (b"{}", "model_type", "missing"),
        (b'{"model_type": "bert"}', "model_type", "not supported"),
        (b'{"model_type": ["llama"]}', "model_type", "missing"),
    ],
)
def test_a_body_that_is_no_config_is_a_400_naming_the_field(client, body, field, words):
    errors = refused(post(client, "parameters", body))
    assert field in errors
    assert any(words in message for message in errors[field]), errors


def hostile(**changes: Any) -> bytes:
    body = config("llama-3.1-8b.json")
    body.update(changes)
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (hostile(num_hidden_layers="32"), "num_hidden_layers"),
        (hostile(hidden_size=-4096), "hidden_size"),
        (hostile(hidden_size=0), "hidden_size"),
        (hostile(vocab_size=10**30), "vocab_size"),
        (hostile(num_attention_heads=True), "num_attention_heads"),
        (hostile(intermediate_size=14336.0), "intermediate_size"),
        (hostile(num_key_value_heads=7), "num_key_value_heads"),
        (hostile(tie_word_embeddings="yes"), "tie_word_embeddings"),
        (json.dumps({"model_type": "llama", "hidden_size": 64}).encode(), "num_hidden_layers"),
        (json.dumps({"model_type": "gemma3", "text_config": 3}).encode(), "text_config"),
    ],
)
@pytest.mark.parametrize("endpoint", list(OTHER_INPUTS))
def test_absurd_or_missing_fields_are_a_400_naming_the_key(client, body, field, endpoint):
    assert field in refused(post(client, endpoint, body))


def test_a_body_over_256_kb_is_refused_unread(client):
    body = json.dumps({**config("llama-3.1-8b.json"), "pad": "x" * MAX_CONFIG_BYTES}).encode()
    assert "256 KB" in refused(post(client, "parameters", body))["config"][0]


def test_a_wrong_content_type_is_a_415_in_the_same_shape(client):
    body = (CONFIGS / "gpt2.json").read_bytes()
    errors = refused(post(client, "parameters", body, content_type="text/plain"), 415)
    assert "application/json" in errors["Content-Type"][0]
    form = client.post("/api/v1/sizing/parameters", {"layers": "2"})
    assert "Content-Type" in refused(form, 415)


def test_the_other_inputs_are_still_checked(client):
    body = (CONFIGS / "gpt2.json").read_bytes()
    assert "dtype" in refused(post(client, "memory", body, "dtype=fp9"))


def test_the_scale_endpoint_takes_no_body(client):
    response = post(client, "scale", b"{}")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_other_methods_are_told_what_is_allowed(client):
    response = client.put("/api/v1/sizing/parameters", b"{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"


def test_the_post_needs_no_csrf_token_and_sets_no_cookie(db):
    client = Client(enforce_csrf_checks=True)
    response = post(client, "parameters", (CONFIGS / "gpt2.json").read_bytes())
    assert response.status_code == 200
    assert not response.cookies
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_for_a_json_post_is_allowed(client):
    response = client.options(
        "/api/v1/sizing/memory",
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert response.status_code == 204
    assert "POST" in response["Access-Control-Allow-Methods"].split(", ")
    assert response["Access-Control-Allow-Headers"] == "*"  # Content-Type among them


def test_the_post_shares_the_gets_rate_limit(client, settings):
    settings.API_RATE = "2/m"
    body = (CONFIGS / "gpt2.json").read_bytes()
    client.get("/api/v1/sizing/parameters", {"model": "llama-3-8b"}, REMOTE_ADDR="10.9.8.7")
    post(client, "parameters", body, REMOTE_ADDR="10.9.8.7")
    over = post(client, "parameters", body, REMOTE_ADDR="10.9.8.7")
    assert "rate" in refused(over, 429)


def test_parse_config_names_the_top_key_of_a_multimodal_config():
    body = config("gemma-3-27b.json")
    del body["text_config"]["hidden_size"]
    with pytest.raises(SizingError) as caught:
        parse_config(json.dumps(body))
    assert "text_config.hidden_size" in caught.value.errors


# The pages.


def csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/calculators/parameters/config-json/")
    assert page.status_code == 200
    return client, page.cookies["csrftoken"].value


@pytest.mark.parametrize("slug", ["parameters", "memory"])
def test_a_pasted_config_lands_on_the_calculators_get_url(client, slug):
    text = (CONFIGS / "qwen3-30b-a3b.json").read_text()
    response = client.post(f"/calculators/{slug}/config-json/", {"config": text})
    assert response.status_code == 303
    url = urlsplit(response["Location"])
    assert url.path == f"/calculators/{slug}/"
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    arch = read_config(json.loads(text)).architecture
    assert query == {**architecture_query(arch), "from_config": "qwen3_moe"}
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Read from config.json: model_type qwen3_moe, 48 layers" in html
    assert "128 experts (8 active)" in html
    total = count_parameters(arch).total
    assert f"{total:,}" in html


def test_a_multimodal_config_says_the_vision_tower_is_not_counted(client):
    text = (CONFIGS / "gemma-3-27b.json").read_text()
    response = client.post("/calculators/parameters/config-json/", {"config": text})
    assert response.status_code == 303
    html = client.get(response["Location"]).content.decode()
    assert "model_type gemma3, 62 layers" in html
    assert "vision tower" in html and "are not." in html


def test_a_bad_config_re_renders_with_the_field_named_and_the_text_kept(client):
    text = '{"model_type": "qwen3", "num_hidden_layers": 4, "num_attention_heads": 4}'
    response = client.post("/calculators/parameters/config-json/", {"config": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "hidden_size: missing" in html
    assert "&quot;num_hidden_layers&quot;: 4" in html  # the textarea keeps the text


def test_an_unsupported_model_type_is_named_on_the_page(client):
    response = client.post("/calculators/memory/config-json/", {"config": '{"model_type": "bert"}'})
    assert response.status_code == 400
    assert "model_type: &#x27;bert&#x27; is not supported" in response.content.decode()


def test_the_paste_needs_its_csrf_token():
    client, token = csrf_client()
    text = (CONFIGS / "gpt2.json").read_text()
    assert client.post("/calculators/parameters/config-json/", {"config": text}).status_code == 403
    ok = client.post(
        "/calculators/parameters/config-json/", {"config": text, "csrfmiddlewaretoken": token}
    )
    assert ok.status_code == 303


def test_the_paste_page_is_never_cached_and_has_no_inline_script_or_style(client):
    response = client.get("/calculators/parameters/config-json/")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    assert "style=" not in html
    assert "<script>" not in html.replace(" ", "")


def test_only_the_parameter_and_memory_calculators_take_a_paste(client):
    assert client.get("/calculators/training/config-json/").status_code == 404
    assert client.get("/calculators/nope/config-json/").status_code == 404
    page = client.get("/calculators/memory/").content.decode()
    assert "/calculators/memory/config-json/" in page
    assert "/config-json/" not in client.get("/embed/calculators/memory/").content.decode()


def test_an_unknown_from_config_is_ignored(client):
    page = client.get("/calculators/parameters/", {"model": "llama-3-8b", "from_config": "<b>"})
    assert page.status_code == 200
    assert "Read from config.json" not in page.content.decode()


@pytest.mark.parametrize("name", ["deepseek-v3.json", "gpt-oss-120b.json", "llama-4-scout.json"])
def test_the_working_adds_up_for_modern_architectures(client, name):
    reading = read_config(config(name))
    count = count_parameters(reading.architecture)
    response = client.get("/calculators/parameters/", architecture_query(reading.architecture))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{count.total:,}" in html
    assert f"{count.breakdown['attention']:,}" in html
    assert f"{count.breakdown['mlp']:,}" in html


def test_a_preflight_elsewhere_in_the_api_still_allows_only_reads(client):
    response = client.options(
        "/api/v1/terms",
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"dense_layers": "0-x"}, "dense_layers"),
        ({"dense_layers": "3-1"}, "dense_layers"),
        ({"dense_layers": "0-5000"}, "dense_layers"),
        ({"dense_layers": "0-1", "experts": "1"}, "dense_layers"),
        ({"layer_attention": "sliding*0"}, "layer_attention"),
        ({"layer_attention": "slidin"}, "layer_attention"),
        ({"layer_attention": "full*9999"}, "layer_attention"),
        ({"layer_attention": "sliding"}, "sliding_window"),
        ({"layer_attention": "chunked,full"}, "attention_chunk"),
        ({"layer_attention": "full," * 100}, "layer_attention"),
        ({"kv_lora_rank": "512", "qk_rope_head_dim": "0", "v_head_dim": "128"}, "qk_rope_head_dim"),
        ({"layer_norms": "9"}, "layer_norms"),
        ({"shared_ffn": "-1"}, "shared_ffn"),
        ({"qk_norm": "maybe"}, "qk_norm"),
    ],
)
def test_bad_modern_fields_in_the_query_are_a_400_naming_them(client, query, field):
    base = {"layers": "4", "hidden": "64", "heads": "4", "vocab": "100", "experts": "4"}
    response = client.get("/api/v1/sizing/parameters", {**base, **query})
    assert field in refused(response)


def test_the_lists_are_written_short():
    arch = read_config(config("deepseek-v3.json")).architecture
    assert architecture_query(arch)["dense_layers"] == "0-2"
    gemma = read_config(config("gemma-3-27b.json")).architecture
    assert architecture_query(gemma)["layer_attention"] == "sliding*5,full"
