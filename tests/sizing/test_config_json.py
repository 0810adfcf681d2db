"""config.json -> Architecture: published configs against published counts, transformers'
defaults for missing keys, and errors that name the key in the file."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from sizing import SizingError, count_parameters, read_config
from sizing.config_json import SUPPORTED_MODEL_TYPES

CONFIGS = Path(__file__).parent / "configs"


def load(name: str) -> dict:
    return json.loads((CONFIGS / f"{name}.json").read_text())


def reading(name: str):
    return read_config({k: v for k, v in load(name).items() if not k.startswith("_")})


def published_cases():
    for path in sorted(CONFIGS.glob("*.json")):
        published = json.loads(path.read_text())["_published"]
        for key in ("total", "active"):
            if key in published:
                yield pytest.param(path.stem, key, published[key], id=f"{path.stem}-{key}")


def within_stated_precision(ours: int, stated: int | str) -> bool:
    """An exact count must match; a rounded one within a unit of its last digit ('30.5B':
    30.4B to 30.6B), as publishers round (Qwen3-30B-A3B's 3.353B active is '3.3B')."""
    if isinstance(stated, int):
        return ours == stated
    match = re.fullmatch(r"(\d+(?:\.(\d+))?)B", stated)
    assert match, stated
    unit = Decimal(1) / 10 ** len(match.group(2) or "")
    return abs(Decimal(ours) / 10**9 - Decimal(match.group(1))) <= unit


# Where a publisher counts differently from us, the test says how (and only there).
# OpenAI's and DeepSeek's active counts leave out the input embedding (the output head
# stays in); Meta's Llama 4 total includes the vision encoder, which we do not count.
ACTIVE_WITHOUT_EMBEDDING = {"gpt-oss-20b", "gpt-oss-120b", "deepseek-v3"}
TOTAL_WITH_VISION = {"llama-4-scout"}


@pytest.mark.parametrize(("name", "figure", "stated"), published_cases())
def test_published_configs_reproduce_the_published_counts(name, figure, stated):
    arch = reading(name).architecture
    count = count_parameters(arch)
    ours = count.total if figure == "total" else count.active
    if figure == "active" and name in ACTIVE_WITHOUT_EMBEDDING:
        ours -= count.breakdown["embedding"]
    if figure == "total" and name in TOTAL_WITH_VISION:
        # 107.77B of text against Meta's 109B for the whole model.
        assert 0.98 * 109e9 < ours < 109e9
        return
    assert within_stated_precision(ours, stated), (ours, stated)


def test_every_supported_family_has_a_published_config_here():
    types = {reading(path.stem).model_type for path in CONFIGS.glob("*.json")}
    assert types == set(SUPPORTED_MODEL_TYPES)


def test_deepseek_v3_has_three_dense_layers_then_experts_with_a_shared_one():
    arch = reading("deepseek-v3").architecture
    assert arch.dense_layers == (0, 1, 2)
    assert (arch.experts, arch.active_experts, arch.expert_ffn, arch.shared_ffn) == (
        256,
        8,
        2048,
        2048,
    )
    assert (arch.q_lora_rank, arch.kv_lora_rank, arch.qk_rope_head_dim) == (1536, 512, 64)


def test_deepseek_v3_attention_per_layer_matches_an_independent_sum():
    # 1536·7168 + 128·192·1536 + 7168·(512+64) + 128·(128+128)·512 + 128·128·7168, as
    # another project's FLOP counter writes it out (norms apart).
    count = count_parameters(reading("deepseek-v3").architecture)
    assert count.breakdown["attention"] == 61 * 187_105_280


def test_gemma_3_27b_takes_transformers_default_vocabulary_and_ties_its_head():
    arch = reading("gemma-3-27b").architecture
    assert arch.vocab == 262_208  # text_config has no vocab_size
    assert arch.tied
    assert arch.layer_attention == ("sliding",) * 5 + ("full",)
    assert arch.sliding_window == 1024
    assert (arch.layer_norms, arch.qk_norm) == (4, True)


def test_gpt_oss_alternates_sliding_and_full_layers_with_sinks_and_biases():
    arch = reading("gpt-oss-120b").architecture
    assert [spec.attention for spec in arch.layer_specs[:4]] == ["sliding", "full"] * 2
    assert arch.sliding_window == 128
    assert (arch.attention_sinks, arch.router_bias, arch.bias) == (True, True, "all")


def test_llama_4_scout_chunks_three_layers_in_four_and_routes_every_layer():
    arch = reading("llama-4-scout").architecture
    assert arch.layer_attention[:4] == ("chunked", "chunked", "chunked", "full")
    assert arch.attention_chunk == 8192
    assert arch.moe_layers == tuple(range(48))
    assert (arch.expert_ffn, arch.shared_ffn, arch.ffn) == (8192, 8192, 16384)


def test_llama_4_maverick_interleaves_dense_and_moe_layers():
    config = load("llama-4-scout")
    config["text_config"] = {
        **config["text_config"],
        "interleave_moe_layer_step": 2,
        "num_local_experts": 128,
    }
    arch = read_config({k: v for k, v in config.items() if not k.startswith("_")}).architecture
    assert arch.dense_layers == tuple(range(0, 48, 2))
    assert arch.moe_layers == tuple(range(1, 48, 2))


def test_multimodal_configs_say_the_vision_tower_is_not_counted():
    for name in ("gemma-3-27b", "llama-4-scout"):
        assert any("vision" in note and "not" in note for note in reading(name).notes)


def test_notes_name_what_publishers_count_differently():
    assert any("leave out the embedding" in note for note in reading("gpt-oss-20b").notes)
    assert any("multi-token-prediction" in note for note in reading("deepseek-v3").notes)
    assert any("quantised (mxfp4)" in note for note in reading("gpt-oss-120b").notes)


def test_mistral_without_a_window_key_gets_transformers_4096_and_null_means_none():
    base = {
        "model_type": "mistral",
        "hidden_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 8,
    }
    assert read_config(base).architecture.layer_attention == ("sliding",)
    assert read_config(base).architecture.sliding_window == 4096
    full = read_config({**base, "sliding_window": None}).architecture
    assert (full.layer_attention, full.sliding_window) == (("full",), None)


def test_qwen3_defaults_its_head_dim_to_128_not_hidden_over_heads():
    arch = read_config(
        {
            "model_type": "qwen3",
            "hidden_size": 64,
            "num_hidden_layers": 1,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
        }
    ).architecture
    assert arch.head_dim == 128


def test_qwen_layers_slide_only_with_use_sliding_window():
    base = {
        "model_type": "qwen2",
        "hidden_size": 64,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "sliding_window": 16,
        "max_window_layers": 2,
    }
    assert read_config(base).architecture.layer_attention == ("full",)
    on = read_config({**base, "use_sliding_window": True}).architecture
    assert [spec.attention for spec in on.layer_specs] == ["full", "full", "sliding", "sliding"]


def test_kimi_k2_is_read_as_deepseek_v3():
    config = {k: v for k, v in load("deepseek-v3").items() if not k.startswith("_")}
    result = read_config({**config, "model_type": "kimi_k2"})
    assert result.model_type == "deepseek_v3"
    assert count_parameters(result.architecture).total == 671_026_404_352


def errors_for(config: dict) -> dict[str, list[str]]:
    with pytest.raises(SizingError) as caught:
        read_config(config)
    return caught.value.errors


LLAMA = {"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({}, "model_type"),
        ({"model_type": 7}, "model_type"),
        ({"model_type": "bert"}, "model_type"),
        ({"model_type": "gemma3"}, "text_config"),
        ({"model_type": "gemma3", "text_config": {"model_type": "bert"}}, "text_config.model_type"),
        ({**LLAMA, "hidden_size": None}, "hidden_size"),
        ({k: v for k, v in LLAMA.items() if k != "num_hidden_layers"}, "num_hidden_layers"),
        ({**LLAMA, "num_hidden_layers": 10**9}, "num_hidden_layers"),
        ({**LLAMA, "num_hidden_layers": "32"}, "num_hidden_layers"),
        ({**LLAMA, "num_hidden_layers": 32.0}, "num_hidden_layers"),
        ({**LLAMA, "num_hidden_layers": True}, "num_hidden_layers"),
        ({**LLAMA, "vocab_size": -1}, "vocab_size"),
        ({**LLAMA, "num_key_value_heads": 3}, "num_key_value_heads"),
        ({**LLAMA, "attention_bias": "yes"}, "attention_bias"),
        ({**LLAMA, "model_type": "gpt_oss", "layer_types": ["full_attention"]}, "layer_types"),
        ({**LLAMA, "model_type": "gpt_oss", "layer_types": ["x", "y"]}, "layer_types"),
        ({**LLAMA, "model_type": "qwen2_moe", "mlp_only_layers": "0"}, "mlp_only_layers"),
        ({**LLAMA, "model_type": "qwen2_moe", "num_experts": 1}, "num_experts"),
        (
            {
                **LLAMA,
                "model_type": "deepseek_v3",
                "first_k_dense_replace": 0,
                "n_routed_experts": 1,
            },
            "n_routed_experts",
        ),
        ({**LLAMA, "model_type": "deepseek_v3", "kv_lora_rank": 10**7}, "kv_lora_rank"),
        ({**LLAMA, "model_type": "llama4_text", "no_rope_layers": [1]}, "no_rope_layers"),
    ],
)
def test_errors_name_the_key_in_the_file(config, field):
    assert field in errors_for(config)


def test_errors_inside_text_config_carry_its_prefix():
    errors = errors_for({"model_type": "llama4", "text_config": {"hidden_size": 64}})
    assert "text_config.num_hidden_layers" in errors
    assert "text_config.num_attention_heads" in errors


def test_it_reports_every_bad_key_at_once():
    errors = errors_for({**LLAMA, "hidden_size": 0, "vocab_size": "many"})
    assert {"hidden_size", "vocab_size"} <= set(errors)


def test_a_non_object_is_refused():
    assert "config" in errors_for([1, 2])  # type: ignore[arg-type]
