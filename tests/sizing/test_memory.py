import dataclasses
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sizing import (
    ALL_LINEAR,
    Architecture,
    SizingError,
    activation_bytes,
    count_parameters,
    estimate_memory,
    kv_cache_bytes,
    kv_cache_elements,
    lora_parameters,
    read_config,
)

LLAMA3_8B = Architecture(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336, vocab=128256)
LLAMA2_7B = Architecture(layers=32, hidden=4096, heads=32, ffn=11008, vocab=32000)
N_LLAMA3_8B = 8_030_261_248


def lines(estimate):
    return {item.label: item for item in estimate.breakdown}


def test_llama3_8b_kv_cache_at_8192_tokens_is_one_gib():
    assert kv_cache_bytes(LLAMA3_8B, 8192, 1, "bf16") == 1_073_741_824


def test_kv_cache_halves_in_fp8():
    assert kv_cache_bytes(LLAMA3_8B, 8192, 1, "fp8") == 536_870_912


@given(st.integers(0, 100_000), st.integers(0, 100_000))
def test_kv_cache_is_linear_in_context(a, b):
    assert kv_cache_bytes(LLAMA3_8B, a + b) == kv_cache_bytes(LLAMA3_8B, a) + kv_cache_bytes(
        LLAMA3_8B, b
    )


@given(st.integers(0, 10_000), st.integers(1, 64))
def test_kv_cache_is_linear_in_batch(context, batch):
    assert kv_cache_bytes(LLAMA3_8B, context, batch) == batch * kv_cache_bytes(
        LLAMA3_8B, context, 1
    )


def test_inference_counts_weights_cache_and_a_separate_overhead():
    estimate = estimate_memory(LLAMA3_8B, dtype="bf16", context=8192)
    assert estimate.weights_bytes == 16_060_522_496
    assert estimate.kv_cache_bytes == 1_073_741_824
    overhead = lines(estimate)["overhead (estimate)"]
    assert not overhead.exact
    assert overhead.bytes == estimate.overhead_bytes == -(-16_060_522_496 // 5)
    assert estimate.total_bytes == sum(item.bytes for item in estimate.breakdown)
    assert estimate.total_bytes == 16_060_522_496 + 1_073_741_824 + overhead.bytes


def test_overhead_can_be_switched_off_or_fixed():
    none = estimate_memory(params=1000, overhead_fraction=0)
    assert none.total_bytes == 2000
    fixed = estimate_memory(params=1000, overhead_fraction=Fraction(0), overhead_bytes=500)
    assert fixed.overhead_bytes == 500


def test_quantised_weights_get_an_fp16_cache_by_default():
    estimate = estimate_memory(LLAMA3_8B, dtype="q4_k_m", context=8192)
    assert estimate.kv_dtype.name == "fp16"
    assert estimate.kv_cache_bytes == 1_073_741_824
    assert not lines(estimate)["weights (q4_k_m)"].exact


def test_kv_dtype_can_be_chosen():
    estimate = estimate_memory(LLAMA3_8B, dtype="bf16", kv_dtype="q8_0", context=8192)
    assert estimate.kv_cache_bytes == 1_073_741_824 * 17 // 32


def test_training_takes_16_bytes_per_parameter_part_by_part():
    estimate = estimate_memory(params=1_000_000, mode="training", overhead_fraction=0)
    assert [(item.label, item.bytes) for item in estimate.breakdown[:5]] == [
        ("weights (bf16)", 2_000_000),
        ("gradients (bf16)", 2_000_000),
        ("master weights (fp32)", 4_000_000),
        ("Adam first moment (fp32)", 4_000_000),
        ("Adam second moment (fp32)", 4_000_000),
    ]
    assert estimate.total_bytes == 16_000_000


def test_fp32_training_needs_no_master_copy_and_is_still_16_bytes():
    estimate = estimate_memory(params=1000, dtype="fp32", mode="training", overhead_fraction=0)
    assert "master weights (fp32)" not in lines(estimate)
    assert estimate.total_bytes == 16_000


def test_training_adds_activations_after_korthikanti():
    estimate = estimate_memory(LLAMA3_8B, mode="training", context=2048, batch=1)
    s, b, h, a = 2048, 1, 4096, 32
    expected = 32 * (s * b * h * 34 + 5 * a * s * s * b)
    item = lines(estimate)["activations (recompute: none)"]
    assert item.bytes == expected
    assert not item.exact


def test_full_recomputation_keeps_only_layer_inputs():
    assert activation_bytes(LLAMA3_8B, 2048, 4, "full") == 32 * 2 * 2048 * 4 * 4096
    assert activation_bytes(LLAMA3_8B, 2048, 4, "selective") == 32 * 34 * 2048 * 4 * 4096


def test_training_refuses_a_quantised_dtype():
    with pytest.raises(SizingError) as caught:
        estimate_memory(params=1000, dtype="int4", mode="training")
    assert caught.value.field == "dtype"


def test_lora_defaults_match_peft_on_llama2_7b():
    # PEFT prints "trainable params: 4,194,304" for r=8 on q_proj and v_proj.
    assert lora_parameters(LLAMA2_7B) == 4_194_304


def test_lora_on_llama3_8b_q_and_v():
    assert lora_parameters(LLAMA3_8B, 8, ("q", "v")) == 3_407_872


def test_lora_on_all_linear_layers_counts_every_expert():
    mixtral = Architecture(
        layers=32,
        hidden=4096,
        heads=32,
        kv_heads=8,
        ffn=14336,
        vocab=32000,
        experts=8,
        active_experts=2,
    )
    dense = Architecture(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336, vocab=32000)
    attention = lora_parameters(dense, 16, ("q", "k", "v", "o"))
    mlp = lora_parameters(dense, 16, ALL_LINEAR) - attention
    assert lora_parameters(mixtral, 16, ALL_LINEAR) == attention + 8 * mlp


def test_gate_adds_nothing_to_a_standard_mlp():
    gpt = Architecture(layers=2, hidden=64, heads=4, vocab=10, mlp="standard")
    assert lora_parameters(gpt, 4, ("up", "gate")) == lora_parameters(gpt, 4, ("up",))


@pytest.mark.parametrize("targets", [("q_proj",), (), "qv"])
def test_lora_rejects_bad_targets(targets):
    with pytest.raises(SizingError) as caught:
        lora_parameters(LLAMA3_8B, 8, targets)
    assert caught.value.field == "lora_targets"


def test_lora_keeps_the_base_frozen_and_trains_the_adapters():
    estimate = estimate_memory(LLAMA3_8B, mode="lora", context=0, overhead_fraction=0)
    adapter = 3_407_872
    by_label = lines(estimate)
    assert by_label["base weights, frozen (bf16)"].bytes == 16_060_522_496
    assert "gradients (bf16)" not in by_label
    adapter_bytes = sum(i.bytes for i in estimate.breakdown if i.label.startswith("adapter"))
    assert adapter_bytes == 16 * adapter


def test_qlora_stores_the_blocks_in_nf4_and_the_rest_in_16_bits():
    estimate = estimate_memory(LLAMA3_8B, mode="qlora", overhead_fraction=0)
    by_label = lines(estimate)
    blocks = 1_342_177_280 + 5_637_144_576  # attention + MLP
    assert by_label["base weights, frozen (nf4)"].bytes == -(-blocks * 2113 // (512 * 8))
    assert by_label["base weights, frozen (bf16)"].bytes == 2 * (N_LLAMA3_8B - blocks)
    assert estimate.weights_bytes < estimate_memory(LLAMA3_8B, mode="lora").weights_bytes / 2


def test_estimate_lists_its_assumptions():
    estimate = estimate_memory(LLAMA3_8B, mode="training", context=1024)
    text = " ".join(estimate.assumptions)
    assert "ZeRO" in text
    assert "Korthikanti" in text
    assert "Transformer Math 101" in text


def test_it_needs_exactly_one_of_architecture_and_params():
    with pytest.raises(SizingError):
        estimate_memory()
    with pytest.raises(SizingError):
        estimate_memory(LLAMA3_8B, params=10)


def test_a_bare_parameter_count_cannot_size_a_kv_cache():
    with pytest.raises(SizingError) as caught:
        estimate_memory(params=10**9, context=4096)
    assert caught.value.field == "context"


def test_lora_needs_the_architecture():
    with pytest.raises(SizingError) as caught:
        estimate_memory(params=10**9, mode="lora")
    assert caught.value.field == "mode"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mode": "serving"}, "mode"),
        ({"context": -1}, "context"),
        ({"batch": 0}, "batch"),
        ({"recompute": "some"}, "recompute"),
        ({"overhead_fraction": -0.1}, "overhead_fraction"),
        ({"overhead_fraction": float("nan")}, "overhead_fraction"),
        ({"dtype": "fp64"}, "dtype"),
    ],
)
def test_it_names_the_bad_field(kwargs, field):
    with pytest.raises(SizingError) as caught:
        estimate_memory(LLAMA3_8B, **kwargs)
    assert field in caught.value.errors


# --- 2025-26 architectures: per-layer caches, MLA, experts in their own format --------

CONFIGS = Path(__file__).parent / "configs"


def published(name):
    config = json.loads((CONFIGS / f"{name}.json").read_text())
    return read_config({k: v for k, v in config.items() if not k.startswith("_")}).architecture


GPT_OSS_120B = published("gpt-oss-120b")
DEEPSEEK_V3 = published("deepseek-v3")
GEMMA3_27B = published("gemma-3-27b")
LLAMA4_SCOUT = published("llama-4-scout")


def test_gemma_3_27b_caches_its_sliding_layers_only_up_to_the_window():
    # 62 layers: 52 sliding (window 1024), 10 full; 2 × 16 KV heads × 128 per token.
    per_token = 2 * 16 * 128
    assert kv_cache_bytes(GEMMA3_27B, 32_768, 1, "bf16") == 2 * per_token * (
        52 * 1024 + 10 * 32_768
    )


def test_llama_4_scout_chunked_layers_hold_at_most_one_chunk():
    per_token = 2 * 8 * 128
    assert kv_cache_bytes(LLAMA4_SCOUT, 131_072, 1, "bf16") == 2 * per_token * (
        36 * 8192 + 12 * 131_072
    )


def test_gpt_oss_sliding_layers_hold_128_tokens():
    elements = kv_cache_elements(GPT_OSS_120B, 10_000)
    assert elements[0] == 2 * 8 * 64 * 128 and elements[1] == 2 * 8 * 64 * 10_000


def test_deepseek_v3_caches_one_576_element_latent_per_token_and_layer():
    # The same figure another project's estimator checks: 576 × 2 bytes × 61 × 32,768.
    assert kv_cache_bytes(DEEPSEEK_V3, 32_768, 1, "bf16") == 576 * 2 * 61 * 32_768


def test_mla_decompressed_holds_every_heads_keys_and_values():
    decompressed = kv_cache_bytes(DEEPSEEK_V3, 1000, 1, "bf16", mla="decompressed")
    assert decompressed == 128 * (128 + 64 + 128) * 2 * 61 * 1000


def test_llama_cpp_cache_types_use_their_block_sizes():
    elements = sum(kv_cache_elements(LLAMA3_8B, 4096))
    assert kv_cache_bytes(LLAMA3_8B, 4096, 1, "q8_0") == elements * 34 // 32
    assert kv_cache_bytes(LLAMA3_8B, 4096, 1, "q4_0") == elements * 18 // 32


@pytest.mark.parametrize("kv_dtype", ["q4_k_m", "mxfp4_moe", "nf4", "fp12"])
def test_a_weights_only_format_is_not_a_cache_format(kv_dtype):
    with pytest.raises(SizingError) as caught:
        kv_cache_bytes(LLAMA3_8B, 10, 1, kv_dtype)
    assert caught.value.field == "kv_dtype"


@given(st.integers(0, 200_000), st.integers(1, 100_000))
def test_a_window_never_grows_the_cache_past_full_attention(context, window):
    full = kv_cache_bytes(LLAMA3_8B, context)
    for kinds in (("sliding",), ("chunked",), ("sliding", "full"), ("chunked", "full")):
        windowed = dataclasses.replace(
            LLAMA3_8B, layer_attention=kinds, sliding_window=window, attention_chunk=window
        )
        assert kv_cache_bytes(windowed, context) <= full
    if context <= window:
        assert (
            kv_cache_bytes(
                dataclasses.replace(LLAMA3_8B, layer_attention=("sliding",), sliding_window=window),
                context,
            )
            == full
        )


def test_gpt_oss_120b_checkpoint_is_60_8_gib_with_mxfp4_experts():
    # The 60.8 GiB for the Hub checkpoint (MXFP4 experts, bf16 elsewhere). The file
    # stores each expert matrix as 4-bit blocks plus one uint8 scale per 32, exactly our
    # 4.25 bits; it also has safetensors headers, a few MB, which we do not count. So the
    # tolerance is the figure's own rounding: ±0.05 GiB.
    estimate = estimate_memory(
        GPT_OSS_120B, dtype="bf16", expert_dtype="mxfp4", overhead_fraction=0
    )
    assert estimate.weights_bytes == 65_248_815_744
    assert abs(estimate.weights_bytes / 2**30 - 60.8) < 0.05
    by_label = lines(estimate)
    count = count_parameters(GPT_OSS_120B)
    assert by_label["routed experts (mxfp4)"].bytes == count.routed_expert_weights * 17 // 32
    assert by_label["weights (bf16)"].bytes == 2 * (count.total - count.routed_expert_weights)
    assert estimate.expert_dtype is not None and estimate.expert_dtype.name == "mxfp4"


def test_mxfp4_moe_puts_experts_in_mxfp4_and_the_rest_in_q8_0():
    estimate = estimate_memory(GPT_OSS_120B, dtype="mxfp4_moe", overhead_fraction=0)
    count = count_parameters(GPT_OSS_120B)
    rest = count.total - count.routed_expert_weights
    assert estimate.weights_bytes == count.routed_expert_weights * 17 // 32 + -(-rest * 34 // 32)
    assert estimate.kv_dtype.name == "fp16"


def test_mxfp4_moe_on_a_dense_model_is_all_q8_0():
    estimate = estimate_memory(LLAMA3_8B, dtype="mxfp4_moe", overhead_fraction=0)
    assert estimate.weights_bytes == N_LLAMA3_8B * 34 // 32
    assert estimate.expert_dtype is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"arch": LLAMA3_8B, "expert_dtype": "mxfp4"}, "expert_dtype"),
        ({"params": 10**9, "expert_dtype": "mxfp4"}, "expert_dtype"),
        ({"arch": GPT_OSS_120B, "expert_dtype": "mxfp9"}, "expert_dtype"),
        ({"arch": GPT_OSS_120B, "expert_dtype": "mxfp4", "mode": "training"}, "expert_dtype"),
        ({"arch": GPT_OSS_120B, "expert_dtype": "mxfp4", "mode": "qlora"}, "expert_dtype"),
        ({"arch": DEEPSEEK_V3, "mla_cache": "compressed"}, "mla"),
    ],
)
def test_expert_dtype_and_mla_errors_name_their_field(kwargs, field):
    arch = kwargs.pop("arch", None)
    with pytest.raises(SizingError) as caught:
        estimate_memory(arch, **kwargs)
    assert field in caught.value.errors


def test_lora_keeps_a_frozen_moe_base_in_two_formats():
    estimate = estimate_memory(GPT_OSS_120B, dtype="bf16", expert_dtype="mxfp4", mode="lora")
    labels = [item.label for item in estimate.breakdown]
    assert "base weights, frozen (bf16)" in labels
    assert "base routed experts (mxfp4)" in labels
    assert estimate.weights_bytes == 65_248_815_744


def test_memory_follows_total_parameters_for_a_moe():
    estimate = estimate_memory(DEEPSEEK_V3, dtype="fp8", overhead_fraction=0)
    assert estimate.weights_bytes == count_parameters(DEEPSEEK_V3).total


def test_lora_on_mla_adapts_the_shared_key_value_projections_once():
    q_only = lora_parameters(DEEPSEEK_V3, 8, ["q"])
    k_only = lora_parameters(DEEPSEEK_V3, 8, ["k"])
    assert lora_parameters(DEEPSEEK_V3, 8, ["k", "v"]) == k_only
    # q_a (7168 → 1536) and q_b (1536 → 128 × 192) in each of 61 layers.
    assert q_only == 61 * 8 * ((7168 + 1536) + (1536 + 128 * 192))


def test_kv_cache_notes_describe_each_kind_of_layer():
    estimate = estimate_memory(GEMMA3_27B, context=32_768)
    note = lines(estimate)["KV cache (bf16)"].note
    assert "52 sliding layers holding 1,024 tokens" in note
    assert "10 full layers holding 32,768 tokens" in note
    assert any("sliding-window layers at most" in a for a in estimate.assumptions)
    mla = estimate_memory(DEEPSEEK_V3, context=1000)
    assert any("one latent per token" in a and "decompressed" in a for a in mla.assumptions)
