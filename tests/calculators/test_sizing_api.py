"""The sizing API (DESIGN.md, "Sizing API contract (v1)"): the contract's exact answers,
its 400s with per-field errors, and property-based fuzzing that no input gives a 5xx."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculators.definitions import CALCULATORS
from calculators.gpus import chosen_gpu

CATALOG = Path(__file__).resolve().parents[2] / "fixtures" / "models.yaml"

GPT2_SMALL = {
    "layers": 12, "hidden": 768, "heads": 12, "vocab": 50257, "ffn": 3072, "mlp": "standard",
    "norm": "layernorm", "bias": "all", "tied": "true", "positions": 1024,
}  # fmt: skip
LLAMA3_8B = {
    "layers": 32, "hidden": 4096, "heads": 32, "kv_heads": 8, "ffn": 14336, "vocab": 128256,
}  # fmt: skip
MIXTRAL = {**LLAMA3_8B, "vocab": 32000, "experts": 8, "active_experts": 2}
GPT2_SMALL_TOTAL = 124_439_808
LLAMA3_8B_TOTAL = 8_030_261_248
MIXTRAL_TOTAL = 46_702_792_704
MIXTRAL_ACTIVE = 12_879_925_248
PLAIN_BITS = {"fp32": 32, "fp16": 16, "bf16": 16, "fp8": 8, "int8": 8, "int4": 4}
# llama-3-8b's KV cache per token: 2 (k and v) × 32 layers × 8 KV heads × 128 head_dim.
LLAMA3_8B_KV_ELEMENTS_PER_TOKEN = 2 * 32 * 8 * 128
ENDPOINTS = list(CALCULATORS)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def api(client: Client, endpoint: str, query: dict[str, Any] | None = None) -> tuple[int, Any]:
    response = client.get(f"/api/v1/sizing/{endpoint}", query or {})
    assert response["Content-Type"] == "application/json", response.content[:300]
    return response.status_code, json.loads(response.content)


def ok(client: Client, endpoint: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
    status, data = api(client, endpoint, query)
    assert status == 200, data
    return data


def errors(client: Client, endpoint: str, query: dict[str, Any] | None = None) -> dict:
    status, data = api(client, endpoint, query)
    assert status == 400, data
    assert set(data) == {"errors"}
    assert_error_shape(data["errors"])
    return data["errors"]


def assert_error_shape(found: Any) -> None:
    assert isinstance(found, dict) and found
    for field, messages in found.items():
        assert isinstance(field, str)
        assert isinstance(messages, list) and messages, field
        assert all(isinstance(m, str) and m.strip() for m in messages), field


def assert_int(value: Any) -> None:
    # bool is an int subclass, but a count must never be true/false.
    assert type(value) is int, (value, type(value))


# --- /parameters -----------------------------------------------------------------------------


def test_gpt2_small_from_its_fields_is_exact(client):
    data = ok(client, "parameters", GPT2_SMALL)
    assert data["total"] == data["active"] == GPT2_SMALL_TOTAL
    assert sum(data["breakdown"].values()) == GPT2_SMALL_TOTAL
    assert data["breakdown"]["head"] == 0  # tied: the output head is the embedding
    assert data["breakdown"]["positions"] == 1024 * 768
    assert data["display"]["total"] == "124.4M"


def test_llama_3_8b_by_slug_and_by_fields_agree_exactly(client):
    by_slug = ok(client, "parameters", {"model": "llama-3-8b"})
    by_fields = ok(client, "parameters", LLAMA3_8B)
    assert by_slug["total"] == by_fields["total"] == LLAMA3_8B_TOTAL
    assert by_slug["breakdown"] == by_fields["breakdown"]
    assert by_slug["display"] == {"total": "8.0B", "active": "8.0B"}
    for part in ("embedding", "attention", "mlp", "norms", "head"):
        assert part in by_slug["breakdown"]
    # 2 norms per layer and a final one, RMSNorm: one weight vector each.
    assert by_slug["breakdown"]["norms"] == (2 * 32 + 1) * 4096


@pytest.mark.parametrize("query", [{"model": "mixtral-8x7b"}, MIXTRAL], ids=["slug", "fields"])
def test_mixtral_counts_every_expert_in_total_and_two_as_active(client, query):
    data = ok(client, "parameters", query)
    assert data["total"] == MIXTRAL_TOTAL
    assert data["active"] == MIXTRAL_ACTIVE
    assert data["breakdown"]["router"] == 32 * 4096 * 8


def test_counts_are_json_integers(client):
    data = ok(client, "parameters", {"model": "mixtral-8x7b"})
    assert_int(data["total"])
    assert_int(data["active"])
    for value in data["breakdown"].values():
        assert_int(value)


def test_unknown_parameters_are_ignored(client):
    noisy = {**LLAMA3_8B, "colour": "blue", "layers_typo": "x", "utm_source": "newsletter"}
    assert ok(client, "parameters", noisy)["total"] == LLAMA3_8B_TOTAL


def test_omitted_fields_take_the_contract_defaults(client):
    # kv_heads = heads, head_dim = hidden / heads, ffn = 4 × hidden, gated MLP, RMSNorm,
    # no biases, untied, no learned positions, one expert.
    data = ok(client, "parameters", {"layers": 2, "hidden": 64, "heads": 4, "vocab": 100})
    assert data["architecture"] == {
        "layers": 2, "hidden": 64, "heads": 4, "kv_heads": 4, "head_dim": 16, "ffn": 256,
        "vocab": 100, "mlp": "gated", "norm": "rmsnorm", "bias": "none", "tied": False,
        "positions": 0, "experts": 1, "active_experts": 1,
    }  # fmt: skip
    # embedding + 2 × (4 × 64 × 64 attention + 3 × 64 × 256 MLP) + 5 norms + head.
    assert data["total"] == 100 * 64 + 2 * (4 * 64 * 64 + 3 * 64 * 256) + 5 * 64 + 100 * 64


# --- /memory ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", PLAIN_BITS)
def test_weights_bytes_are_parameters_times_bits_over_eight(client, dtype):
    by_model = ok(client, "memory", {"model": "llama-3-8b", "dtype": dtype})
    by_params = ok(client, "memory", {"params": 7_000_000_000, "dtype": dtype})
    assert by_model["weights_bytes"] == LLAMA3_8B_TOTAL * PLAIN_BITS[dtype] // 8
    assert by_params["weights_bytes"] == 7_000_000_000 * PLAIN_BITS[dtype] // 8
    assert by_model["params"] == LLAMA3_8B_TOTAL


def test_the_kv_cache_of_llama_3_8b_at_8192_tokens_in_bf16_is_one_gibibyte(client):
    data = ok(client, "memory", {"model": "llama-3-8b", "context": 8192, "dtype": "bf16"})
    assert data["kv_cache_bytes"] == 1_073_741_824 == LLAMA3_8B_KV_ELEMENTS_PER_TOKEN * 8192 * 2
    assert data["kv_dtype"] == "bf16"
    assert data["total_bytes"] == sum(item["bytes"] for item in data["breakdown"])
    assert data["total_bytes"] > data["weights_bytes"] + data["kv_cache_bytes"]


@pytest.mark.parametrize("batch", [1, 2, 3, 16])
def test_the_kv_cache_grows_linearly_with_the_batch(client, batch):
    query = {"model": "llama-3-8b", "context": 8192, "dtype": "bf16", "batch": batch}
    assert ok(client, "memory", query)["kv_cache_bytes"] == batch * 1_073_741_824


@pytest.mark.parametrize(
    ("dtype", "kv_dtype", "bytes_per_element"),
    [
        ("fp32", "fp32", 4),
        ("fp16", "fp16", 2),
        ("bf16", "bf16", 2),
        ("fp8", "fp16", 2),
        ("int8", "fp16", 2),
        ("int4", "fp16", 2),
        ("q8_0", "fp16", 2),
        ("q4_k_m", "fp16", 2),
    ],
)
def test_the_kv_cache_defaults_to_the_weights_dtype_from_16_bits_else_fp16(
    client, dtype, kv_dtype, bytes_per_element
):
    data = ok(client, "memory", {"model": "llama-3-8b", "context": 1000, "dtype": dtype})
    assert data["kv_dtype"] == kv_dtype
    assert data["kv_cache_bytes"] == LLAMA3_8B_KV_ELEMENTS_PER_TOKEN * 1000 * bytes_per_element


def test_an_explicit_kv_dtype_wins(client):
    query = {"model": "llama-3-8b", "context": 8192, "dtype": "bf16", "kv_dtype": "fp8"}
    data = ok(client, "memory", query)
    assert data["kv_dtype"] == "fp8"
    assert data["kv_cache_bytes"] == 1_073_741_824 // 2


def test_memory_sizes_are_json_integers(client):
    data = ok(client, "memory", {"model": "mixtral-8x7b", "context": 4096, "dtype": "q4_k_m"})
    for key in ("params", "weights_bytes", "kv_cache_bytes", "overhead_bytes", "total_bytes"):
        assert_int(data[key])
    for item in data["breakdown"]:
        assert_int(item["bytes"])
    assert data["fits_on"], "the GPUs it fits on"
    for fit in data["fits_on"]:
        assert_int(fit["count"])
        assert_int(fit["memory_bytes"])
        assert fit["count"] * fit["memory_bytes"] >= data["total_bytes"]
    assert data["assumptions"] and all(isinstance(a, str) for a in data["assumptions"])


def test_full_training_keeps_sixteen_bytes_per_parameter_plus_overhead(client):
    n = LLAMA3_8B_TOTAL
    data = ok(client, "memory", {"model": "llama-3-8b", "mode": "training", "dtype": "bf16"})
    assert data["mode"] == "training"
    by_label = {item["label"]: item["bytes"] for item in data["breakdown"]}
    assert by_label["weights (bf16)"] == 2 * n
    assert by_label["gradients (bf16)"] == 2 * n
    assert by_label["master weights (fp32)"] == 4 * n
    assert by_label["Adam first moment (fp32)"] == 4 * n
    assert by_label["Adam second moment (fp32)"] == 4 * n
    overhead = math.ceil(Fraction(2 * n, 5))  # 20% of the weights, rounded up
    assert data["overhead_bytes"] == overhead
    # Context 0: no activations, so the total is the optimiser states and the overhead.
    assert data["total_bytes"] == 16 * n + overhead == sum(by_label.values())


def test_training_in_fp32_has_no_separate_master_copy(client):
    n = 1_000_000
    data = ok(client, "memory", {"params": n, "mode": "training", "dtype": "fp32"})
    labels = [item["label"] for item in data["breakdown"]]
    assert not any("master" in label for label in labels)
    assert data["total_bytes"] == 16 * n + math.ceil(Fraction(4 * n, 5))


def test_lora_trains_only_the_adapters(client):
    n = LLAMA3_8B_TOTAL
    # Rank 8 on q (4096 → 4096) and v (4096 → 1024) in each of 32 layers.
    adapter = 32 * 8 * ((4096 + 4096) + (4096 + 1024))
    data = ok(client, "memory", {"model": "llama-3-8b", "mode": "lora", "dtype": "bf16"})
    by_label = {item["label"]: item["bytes"] for item in data["breakdown"]}
    assert by_label["base weights, frozen (bf16)"] == 2 * n
    assert by_label["adapter weights (bf16)"] == 2 * adapter
    assert by_label["adapter gradients (bf16)"] == 2 * adapter
    assert by_label["adapter master weights (fp32)"] == 4 * adapter
    assert data["weights_bytes"] == 2 * n
    assert data["total_bytes"] == sum(by_label.values())


def test_qlora_stores_attention_and_mlp_in_nf4(client):
    n = LLAMA3_8B_TOTAL
    quantised = 32 * (4096 * 4096 * 2 + 4096 * 1024 * 2) + 32 * 3 * 4096 * 14336
    nf4_bits = 4 + Fraction(8, 64) + Fraction(32, 64 * 256)
    data = ok(client, "memory", {"model": "llama-3-8b", "mode": "qlora"})
    by_label = {item["label"]: item["bytes"] for item in data["breakdown"]}
    assert by_label["base weights, frozen (nf4)"] == math.ceil(quantised * nf4_bits / 8)
    assert by_label["base weights, frozen (bf16)"] == 2 * (n - quantised)
    assert data["weights_bytes"] == math.ceil(quantised * nf4_bits / 8) + 2 * (n - quantised)
    assert data["weights_bytes"] < ok(client, "memory", {"model": "llama-3-8b"})["weights_bytes"]


def test_a_catalog_estimate_is_flagged_in_the_answer(client):
    data = ok(client, "memory", {"model": "gpt-4"})
    assert data["estimate"] is True
    assert data["params"] == 1_800_000_000_000
    assert ok(client, "memory", {"model": "llama-3-8b"})["estimate"] is False


# --- /training -------------------------------------------------------------------------------


def test_training_flops_are_six_times_active_parameters_times_tokens(client):
    query = {"model": "mixtral-8x7b", "tokens": 10**12}
    data = ok(client, "training", query)
    assert data["flops"] == 6 * MIXTRAL_ACTIVE * 10**12
    assert data["params"] == MIXTRAL_TOTAL
    assert data["active_params"] == MIXTRAL_ACTIVE
    assert data["optimal_tokens"] == 20 * MIXTRAL_TOTAL


def test_tokens_default_to_twenty_per_parameter(client):
    data = ok(client, "training", {"params": 7_000_000_000})
    assert data["optimal_tokens"] == data["tokens"] == 140_000_000_000
    assert data["flops"] == 6 * 7_000_000_000 * 140_000_000_000


def test_training_counts_an_architecture_given_by_fields(client):
    data = ok(client, "training", {**LLAMA3_8B, "tokens": 15 * 10**12})
    assert data["flops"] == 6 * LLAMA3_8B_TOTAL * 15 * 10**12
    assert data["optimal_tokens"] == 20 * LLAMA3_8B_TOTAL


def test_training_time_and_cost_follow_from_the_flops(client):
    query = {"model": "llama-3-8b", "gpu": "h100-sxm", "gpus": 1024, "mfu": "0.4", "price": "2.5"}
    data = ok(client, "training", query)
    useful = chosen_gpu("h100-sxm").figure("flops_per_second") * 0.4
    assert data["gpu_hours"] == pytest.approx(data["flops"] / useful / 3600, rel=1e-9)
    assert data["days"] == pytest.approx(data["gpu_hours"] / 1024 / 24, rel=1e-9)
    assert data["cost"] == pytest.approx(data["gpu_hours"] * 2.5, rel=1e-9)
    for key in ("flops", "optimal_tokens", "tokens", "params", "active_params", "gpus"):
        assert_int(data[key])


def test_without_a_price_there_is_no_cost(client):
    assert ok(client, "training", {"params": 10**9})["cost"] is None


# --- /inference and /scale -------------------------------------------------------------------


def test_decoding_reads_the_active_weights_and_the_cache_once_per_token(client):
    data = ok(client, "inference", {"model": "mixtral-8x7b", "dtype": "bf16", "context": 4096})
    cache = LLAMA3_8B_KV_ELEMENTS_PER_TOKEN * 4096 * 2  # Mixtral's attention is Llama's
    assert data["bytes_per_token"] == 2 * MIXTRAL_ACTIVE + cache
    assert_int(data["bytes_per_token"])
    bandwidth = chosen_gpu("h100-sxm").figure("bandwidth_bytes_per_second")
    assert data["decode_tokens_per_second"] == pytest.approx(bandwidth / data["bytes_per_token"])


def test_scale_spans_the_catalog_from_smallest_to_largest(client):
    data = ok(client, "scale")
    sizes = [row["parameters"] for row in data["models"]]
    assert sizes == sorted(sizes)
    assert data["small"] == data["models"][0]["slug"]
    assert data["large"] == data["models"][-1]["slug"]
    assert data["ratio"] == pytest.approx(sizes[-1] / sizes[0])
    for size in sizes:
        assert_int(size)
    estimates = {row["slug"] for row in data["models"] if row["estimate"]}
    assert {"gpt-4", "gpt-4o-mini"} <= estimates
    assert "llama-3-8b" not in estimates


def test_scale_compares_two_chosen_models(client):
    data = ok(client, "scale", {"small": "llama-3-8b", "large": "llama-3-70b"})
    large = next(row for row in data["models"] if row["slug"] == "llama-3-70b")["parameters"]
    assert data["ratio"] == pytest.approx(large / LLAMA3_8B_TOTAL)


# --- 400s, each naming its field -------------------------------------------------------------


def test_missing_architecture_fields_are_each_named(client):
    found = errors(client, "parameters")
    assert set(found) == {"layers", "hidden", "heads", "vocab"}


def test_training_without_params_or_architecture_names_what_is_missing(client):
    found = errors(client, "training", {"tokens": 10**9})
    assert {"layers", "hidden", "heads", "vocab"} <= set(found)
    assert any("params" in message for message in found["layers"])


@pytest.mark.parametrize(
    ("endpoint", "bad", "field"),
    [
        ("parameters", {"layers": "twelve"}, "layers"),
        ("parameters", {"hidden": "768.5"}, "hidden"),
        ("parameters", {"hidden": "-768"}, "hidden"),
        ("parameters", {"heads": "0"}, "heads"),
        ("parameters", {"vocab": "0"}, "vocab"),
        ("parameters", {"layers": str(10**30)}, "layers"),
        ("parameters", {"layers": "1001"}, "layers"),
        ("parameters", {"vocab": "9" * 10_000}, "vocab"),
        ("parameters", {"ffn": "-1"}, "ffn"),
        ("parameters", {"positions": "-1"}, "positions"),
        ("parameters", {"experts": "0"}, "experts"),
        ("parameters", {"mlp": "swiglu"}, "mlp"),
        ("parameters", {"norm": "batchnorm"}, "norm"),
        ("parameters", {"bias": "some"}, "bias"),
        ("parameters", {"tied": "maybe"}, "tied"),
        ("memory", {"dtype": "fp12"}, "dtype"),
        ("memory", {"kv_dtype": "fp12"}, "kv_dtype"),
        ("memory", {"context": "-1"}, "context"),
        ("memory", {"context": "1" + "0" * 9999}, "context"),
        ("memory", {"batch": "0"}, "batch"),
        ("memory", {"mode": "serving"}, "mode"),
        ("training", {"tokens": "0"}, "tokens"),
        ("training", {"tokens": "1e12"}, "tokens"),
        ("training", {"gpus": "-8"}, "gpus"),
        ("training", {"gpu": "tpu-v5"}, "gpu"),
        ("training", {"mfu": "0"}, "mfu"),
        ("training", {"mfu": "1.5"}, "mfu"),
        ("training", {"mfu": "NaN"}, "mfu"),
        ("training", {"price": "-2"}, "price"),
        ("training", {"price": "Infinity"}, "price"),
        ("inference", {"gpus": "0"}, "gpus"),
        ("inference", {"gpu": "abacus"}, "gpu"),
        ("inference", {"context": "-5"}, "context"),
    ],
)
def test_a_bad_value_is_a_400_naming_its_field(client, endpoint, bad, field):
    found = errors(client, endpoint, {**LLAMA3_8B, **bad})
    assert field in found


@pytest.mark.parametrize("endpoint", ["parameters", "memory", "training", "inference"])
@pytest.mark.parametrize("value", [str(10**30), "9" * 10_000])
def test_absurdly_large_numbers_are_refused_in_every_numeric_field(client, endpoint, value):
    form = CALCULATORS[endpoint].form_class
    numeric = [name for name, f in form.base_fields.items() if hasattr(f, "max_value")]
    assert "layers" in numeric
    for name in numeric:
        found = errors(client, endpoint, {**LLAMA3_8B, name: value})
        assert name in found, name


def test_heads_that_do_not_divide_hidden_are_refused(client):
    found = errors(client, "parameters", {**LLAMA3_8B, "kv_heads": 1, "heads": 30})
    assert "heads" in found and "4,096" in found["heads"][0]


def test_a_head_dim_lets_heads_not_divide_hidden(client):
    # Gemma-7B style: 16 heads of 256 over a hidden size of 3072.
    ok(client, "parameters", {"layers": 1, "hidden": 3072, "heads": 16, "head_dim": 256,
                              "vocab": 10})  # fmt: skip


def test_kv_heads_that_do_not_divide_heads_are_refused(client):
    found = errors(client, "parameters", {**LLAMA3_8B, "kv_heads": 5})
    assert set(found) == {"kv_heads"}


def test_more_active_experts_than_experts_are_refused(client):
    found = errors(client, "parameters", {**MIXTRAL, "active_experts": 9})
    assert set(found) == {"active_experts"}


@pytest.mark.parametrize("endpoint", ["parameters", "memory", "training", "inference"])
def test_an_unknown_model_is_named(client, endpoint):
    found = errors(client, endpoint, {"model": "llama-9-1t"})
    assert set(found) == {"model"}
    assert "llama-9-1t" in found["model"][0]


@pytest.mark.parametrize("endpoint", ["parameters", "inference"])
def test_a_model_without_a_public_architecture_cannot_be_counted(client, endpoint):
    found = errors(client, endpoint, {"model": "gpt-4"})
    assert set(found) == {"model"}
    assert "GPT-4" in found["model"][0]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"model": "gpt-4", "context": 8192}, "context"),  # a bare count has no KV cache shape
        ({"params": 10**9, "mode": "lora"}, "mode"),  # adapters need the architecture
        ({"model": "llama-3-8b", "mode": "training", "dtype": "int4"}, "dtype"),
    ],
)
def test_memory_refuses_what_it_cannot_size(client, query, field):
    assert field in errors(client, "memory", query)


@pytest.mark.parametrize("endpoint", ["parameters", "memory", "training", "inference"])
def test_errors_from_several_fields_come_together(client, endpoint):
    found = errors(client, endpoint, {"layers": "x", "hidden": "-1", "heads": "0"})
    assert {"layers", "hidden", "heads"} <= set(found)


def test_scale_names_an_unknown_model(client):
    assert set(errors(client, "scale", {"small": "nope", "large": "llama-3-8b"})) == {"small"}


@pytest.mark.parametrize(
    "path",
    ["nope", "Parameters", "parameters.json", "parameters/", "nope/deeper", ""],
)
def test_an_unknown_endpoint_is_a_json_404(client, path):
    response = client.get(f"/api/v1/sizing/{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert_error_shape(response.json()["errors"])


# --- Fuzzing: nothing a client sends gives a 5xx ---------------------------------------------

# A valid request per endpoint, so that fuzzing one field gets past the others' checks.
VALID_BASE: dict[str, dict[str, Any]] = {
    "parameters": {"layers": 2, "hidden": 64, "heads": 4, "vocab": 100},
    "memory": {"layers": 2, "hidden": 64, "heads": 4, "vocab": 100, "context": 16},
    "training": {"layers": 2, "hidden": 64, "heads": 4, "vocab": 100, "tokens": 1000},
    "inference": {"layers": 2, "hidden": 64, "heads": 4, "vocab": 100, "context": 16},
    "scale": {},
}
# Every field once, on the first endpoint that has it: the architecture fields are one shared
# form's, parsed alike everywhere (the mixed test below sends them to every endpoint). Fuzzing
# all 83 endpoint-field pairs alone would take minutes for no new path.
FIELDS: list[tuple[str, str]] = []
for _endpoint in ENDPOINTS:
    for _field in CALCULATORS[_endpoint].form_class.base_fields:
        if all(_field != seen for _, seen in FIELDS):
            FIELDS.append((_endpoint, _field))

anything = st.one_of(
    st.text(),  # unicode, control characters, NUL
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=8), st.integers(200, 3_000)),  # long
    st.text(alphabet="0123456789+-.,_eE ", max_size=40),  # almost numbers
    st.integers().map(str),  # any size, any sign
    st.integers(min_value=-2, max_value=10**16).map(str),  # around the bounds
    st.sampled_from(["NaN", "sNaN", "-Infinity", "1e999999999", "0x10", "١٢", "８１９２",
                     "true", "llama-3-8b", "gpt-4", "bf16", "q4_k_m", "training", "qlora"]),
)  # fmt: skip


# One client for every example: a new one would load the middleware (and WhiteNoise's file
# scan) again each time. Hypothesis does not mix with pytest's function-scoped fixtures.
FUZZ_CLIENT = Client()


def assert_never_a_server_error(endpoint: str, query: dict[str, Any]) -> None:
    status, data = api(FUZZ_CLIENT, endpoint, query)
    assert status in (200, 400), (status, data)
    if status == 400:
        assert set(data) == {"errors"}
        assert_error_shape(data["errors"])


@pytest.mark.parametrize(("endpoint", "field"), FIELDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=anything)
def test_any_value_in_any_field_is_answered_in_json_without_a_5xx(endpoint, field, value):
    assert_never_a_server_error(endpoint, {**VALID_BASE[endpoint], field: value})


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_mix_of_fields_is_answered_in_json_without_a_5xx(endpoint, data):
    fields = list(CALCULATORS[endpoint].form_class.base_fields)
    # Mostly in-range whole numbers, so the sizing arithmetic itself is exercised at the edges.
    value = st.one_of(st.integers(min_value=0, max_value=10**7).map(str), anything)
    changes = data.draw(st.dictionaries(st.sampled_from(fields), value, max_size=len(fields)))
    base = data.draw(st.sampled_from([VALID_BASE[endpoint], {}]))
    assert_never_a_server_error(endpoint, {**base, **changes})
