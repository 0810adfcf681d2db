import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sizing import (
    Architecture,
    SizingError,
    count_parameters,
    layer_projections,
    linear_parameters,
    mlp_parameters,
)

GPT2_SMALL = {
    "layers": 12,
    "hidden": 768,
    "heads": 12,
    "vocab": 50257,
    "positions": 1024,
    "ffn": 3072,
    "mlp": "standard",
    "norm": "layernorm",
    "bias": "all",
    "tied": True,
}
LLAMA2_7B = {"layers": 32, "hidden": 4096, "heads": 32, "ffn": 11008, "vocab": 32000}
LLAMA3_8B = {
    "layers": 32,
    "hidden": 4096,
    "heads": 32,
    "kv_heads": 8,
    "ffn": 14336,
    "vocab": 128256,
}
MISTRAL_7B = {
    "layers": 32,
    "hidden": 4096,
    "heads": 32,
    "kv_heads": 8,
    "ffn": 14336,
    "vocab": 32000,
}
MIXTRAL_8X7B = {**MISTRAL_7B, "experts": 8, "active_experts": 2}
QWEN25_7B = {
    "layers": 28,
    "hidden": 3584,
    "heads": 28,
    "kv_heads": 4,
    "ffn": 18944,
    "vocab": 152064,
    "bias": "qkv",
}
QWEN25_05B = {
    "layers": 24,
    "hidden": 896,
    "heads": 14,
    "kv_heads": 2,
    "ffn": 4864,
    "vocab": 151936,
    "bias": "qkv",
    "tied": True,
}
GEMMA_7B = {
    "layers": 28,
    "hidden": 3072,
    "heads": 16,
    "kv_heads": 16,
    "head_dim": 256,
    "ffn": 24576,
    "vocab": 256000,
    "tied": True,
}
PHI3_MINI = {"layers": 32, "hidden": 3072, "heads": 32, "ffn": 8192, "vocab": 32064}
SMALL = {"layers": 2, "hidden": 64, "heads": 8, "vocab": 10}


def total(**fields):
    return count_parameters(Architecture(**fields)).total


def test_gpt2_small_count_is_exact():
    assert total(**GPT2_SMALL) == 124_439_808


def test_llama2_7b_count_is_exact():
    assert total(**LLAMA2_7B) == 6_738_415_616


def test_llama3_8b_count_is_exact():
    assert total(**LLAMA3_8B) == 8_030_261_248


def test_mistral_7b_count_is_exact():
    assert total(**MISTRAL_7B) == 7_241_732_096


def test_mixtral_8x7b_total_and_active_are_exact():
    count = count_parameters(Architecture(**MIXTRAL_8X7B))
    assert count.total == 46_702_792_704
    assert count.active == 12_879_925_248


def test_qwen25_7b_count_is_exact():
    assert total(**QWEN25_7B) == 7_615_616_512


def test_qwen25_05b_count_is_exact():
    assert total(**QWEN25_05B) == 494_032_768


def test_gemma_7b_count_is_exact():
    assert total(**GEMMA_7B) == 8_537_680_896


def test_gemma_7b_needs_its_head_dim_of_256():
    # 16 heads × 256 = 4096 is wider than hidden (3072): the default would undercount.
    without = dict(GEMMA_7B)
    del without["head_dim"]
    assert total(**without) < 8_537_680_896


def test_phi3_mini_count_is_exact():
    assert total(**PHI3_MINI) == 3_821_079_552


def test_gpt2_breakdown_names_every_part():
    breakdown = count_parameters(Architecture(**GPT2_SMALL)).breakdown
    assert breakdown == {
        "embedding": 50257 * 768,
        "positions": 1024 * 768,
        "attention": 12 * (4 * 768 * 768 + 4 * 768),
        "mlp": 12 * (2 * 768 * 3072 + 3072 + 768),
        "router": 0,
        "norms": 25 * 2 * 768,
        "head": 0,
    }


def test_mixtral_has_a_router_per_layer():
    breakdown = count_parameters(Architecture(**MIXTRAL_8X7B)).breakdown
    assert breakdown["router"] == 32 * 4096 * 8


def test_dense_model_is_all_active():
    count = count_parameters(Architecture(**LLAMA3_8B))
    assert count.active == count.total


def test_defaults_follow_the_contract():
    arch = Architecture(**SMALL)
    assert (arch.kv_heads, arch.head_dim, arch.ffn) == (8, 8, 256)
    assert (arch.mlp, arch.norm, arch.bias, arch.tied) == ("gated", "rmsnorm", "none", False)
    assert (arch.positions, arch.experts, arch.active_experts) == (0, 1, 1)


def test_architecture_is_frozen_and_replaceable():
    arch = Architecture(**LLAMA3_8B)
    with pytest.raises(dataclasses.FrozenInstanceError):
        arch.layers = 1  # type: ignore[misc]
    assert dataclasses.replace(arch, layers=16).layers == 16


def errors_for(**fields):
    with pytest.raises(SizingError) as caught:
        Architecture(**fields)
    return caught.value.errors


def test_it_rejects_heads_that_do_not_divide_hidden():
    errors = errors_for(layers=2, hidden=100, heads=3, vocab=10)
    assert list(errors) == ["heads"]
    assert "divide hidden" in errors["heads"][0]


def test_head_dim_lifts_the_divisibility_rule():
    assert Architecture(layers=2, hidden=100, heads=3, head_dim=32, vocab=10).head_dim == 32


def test_it_rejects_kv_heads_that_do_not_divide_heads():
    assert "kv_heads" in errors_for(**SMALL, kv_heads=3)


def test_it_rejects_more_active_experts_than_experts():
    errors = errors_for(**SMALL, experts=2, active_experts=3)
    assert "must not exceed experts" in errors["active_experts"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("layers", 0),
        ("layers", 1001),
        ("hidden", 1_000_001),
        ("vocab", 10_000_001),
        ("experts", 1025),
        ("positions", -1),
        ("layers", True),
        ("layers", 2.0),
        ("ffn", 0),
    ],
)
def test_it_rejects_counts_out_of_range(field, value):
    fields = {**SMALL, field: value}
    assert field in errors_for(**fields)


@pytest.mark.parametrize(
    ("field", "value"), [("mlp", "swiglu"), ("norm", "batch"), ("bias", "yes")]
)
def test_it_rejects_unknown_choices(field, value):
    fields = {**SMALL, field: value}
    assert "must be one of" in errors_for(**fields)[field][0]


def test_it_reports_every_bad_field_at_once():
    errors = errors_for(**{**SMALL, "layers": 0, "vocab": 0, "tied": "yes"})
    assert set(errors) == {"layers", "vocab", "tied"}


def test_sizing_error_exposes_first_field_and_message():
    error = SizingError("dtype", "unknown")
    assert (error.field, error.message) == ("dtype", "unknown")
    assert error.errors == {"dtype": ["unknown"]}


def test_mnist_mlp_has_101770_parameters():
    assert mlp_parameters([784, 128, 10]) == 101_770


def test_mlp_needs_two_layers():
    with pytest.raises(SizingError):
        mlp_parameters([784])


def test_two_input_linear_model_has_three_parameters():
    assert linear_parameters(2) == 3


@st.composite
def architectures(draw):
    heads = draw(st.integers(1, 8))
    kv_heads = draw(st.sampled_from([d for d in range(1, heads + 1) if heads % d == 0]))
    experts = draw(st.integers(1, 8))
    return Architecture(
        layers=draw(st.integers(1, 8)),
        hidden=heads * draw(st.integers(1, 16)),
        heads=heads,
        kv_heads=kv_heads,
        vocab=draw(st.integers(1, 1000)),
        ffn=draw(st.integers(1, 64)),
        mlp=draw(st.sampled_from(["gated", "standard"])),
        norm=draw(st.sampled_from(["rmsnorm", "layernorm"])),
        bias=draw(st.sampled_from(["none", "qkv", "all"])),
        tied=draw(st.booleans()),
        positions=draw(st.integers(0, 64)),
        experts=experts,
        active_experts=draw(st.integers(1, experts)),
    )


@given(architectures())
def test_tying_never_adds_parameters(arch):
    tied = count_parameters(dataclasses.replace(arch, tied=True)).total
    untied = count_parameters(dataclasses.replace(arch, tied=False)).total
    assert untied - tied == arch.vocab * arch.hidden


@given(architectures(), st.integers(1, 8))
def test_more_layers_never_means_fewer_parameters(arch, extra):
    deeper = dataclasses.replace(arch, layers=arch.layers + extra)
    assert count_parameters(deeper).total > count_parameters(arch).total


@given(architectures())
def test_active_never_exceeds_total(arch):
    count = count_parameters(arch)
    assert 0 < count.active <= count.total


@given(architectures())
def test_breakdown_sums_to_total(arch):
    count = count_parameters(arch)
    assert sum(count.breakdown.values()) == count.total


@st.composite
def modern_architectures(draw):
    """Everything an Architecture can describe: MLA or grouped-query attention, routed and
    shared experts on some layers, attention patterns with windows and chunks, sinks,
    q/k norms, extra norms, router biases."""
    heads = draw(st.integers(1, 8))
    kv_heads = draw(st.sampled_from([d for d in range(1, heads + 1) if heads % d == 0]))
    layers = draw(st.integers(1, 8))
    experts = draw(st.integers(1, 8))
    moe = experts > 1
    mla = draw(st.booleans())
    dense = draw(st.sets(st.integers(0, layers - 1), max_size=layers - 1)) if moe else set()
    shared = draw(st.integers(0, 32)) if moe else 0
    pattern = draw(
        st.lists(st.sampled_from(["full", "sliding", "chunked"]), min_size=1, max_size=layers)
    )
    return Architecture(
        layers=layers,
        hidden=heads * draw(st.integers(1, 16)),
        heads=heads,
        kv_heads=kv_heads,
        head_dim=draw(st.integers(1, 32)),
        vocab=draw(st.integers(1, 1000)),
        ffn=draw(st.integers(1, 64)),
        mlp=draw(st.sampled_from(["gated", "standard"])),
        norm=draw(st.sampled_from(["rmsnorm", "layernorm"])),
        bias=draw(st.sampled_from(["none", "qkv", "attention", "mlp", "all"])),
        tied=draw(st.booleans()),
        experts=experts,
        active_experts=draw(st.integers(1, experts)),
        expert_ffn=draw(st.integers(1, 64)) if moe else None,
        shared_ffn=shared,
        shared_expert_gate=bool(shared) and draw(st.booleans()),
        router_bias=moe and draw(st.booleans()),
        dense_layers=sorted(dense),
        layer_attention=pattern,
        sliding_window=draw(st.integers(1, 512)),
        attention_chunk=draw(st.integers(1, 512)),
        attention_sinks=draw(st.booleans()),
        qk_norm=not mla and draw(st.booleans()),
        layer_norms=draw(st.integers(1, 4)),
        q_lora_rank=draw(st.integers(0, 16)) if mla else 0,
        kv_lora_rank=draw(st.integers(1, 16)) if mla else 0,
        qk_nope_head_dim=draw(st.integers(0, 8)) if mla else 0,
        qk_rope_head_dim=draw(st.integers(1, 8)) if mla else 0,
        v_head_dim=draw(st.integers(1, 8)) if mla else 0,
    )


@given(modern_architectures())
def test_modern_counts_keep_the_invariants(arch):
    count = count_parameters(arch)
    assert sum(count.breakdown.values()) == count.total
    assert 0 < count.active <= count.total
    assert count.routed_expert_weights <= count.routed_experts <= count.breakdown["mlp"]
    assert count.total - count.active == count.routed_experts - count.active_routed_experts
    assert count.shared_experts <= count.breakdown["mlp"]


@given(modern_architectures())
def test_tying_never_adds_parameters_to_any_architecture(arch):
    tied = count_parameters(dataclasses.replace(arch, tied=True))
    untied = count_parameters(dataclasses.replace(arch, tied=False))
    assert untied.total - tied.total == arch.vocab * arch.hidden
    assert untied.active - tied.active == arch.vocab * arch.hidden


@given(modern_architectures())
def test_shared_experts_and_dense_layers_are_always_active(arch):
    count = count_parameters(arch)
    if arch.is_moe and arch.active_experts == arch.experts:
        assert count.active == count.total
    assert count.active >= count.total - count.routed_experts


@given(modern_architectures())
def test_the_attention_pattern_repeats_over_the_layers(arch):
    kinds = [spec.attention for spec in arch.layer_specs]
    period = len(arch.layer_attention)
    assert kinds == [arch.layer_attention[i % period] for i in range(arch.layers)]
    assert arch.moe_layers == tuple(s.layer for s in arch.layer_specs if s.moe)


def test_sinks_add_one_logit_per_head_and_layer():
    plain = Architecture(**SMALL)
    sinks = Architecture(**SMALL, attention_sinks=True)
    assert count_parameters(sinks).total - count_parameters(plain).total == 2 * 8


def test_qk_norms_add_two_head_dim_vectors_per_layer():
    plain = Architecture(**SMALL)
    normed = Architecture(**SMALL, qk_norm=True)
    assert (
        count_parameters(normed).breakdown["norms"] - count_parameters(plain).breakdown["norms"]
        == 2 * 2 * 8
    )


def test_four_norms_per_layer_as_in_gemma_2():
    count = count_parameters(Architecture(**SMALL, layer_norms=4))
    assert count.breakdown["norms"] == (4 * 2 + 1) * 64


def test_dense_first_layers_use_ffn_and_the_rest_route_to_experts():
    arch = Architecture(
        **SMALL, ffn=100, experts=4, active_experts=1, expert_ffn=10, dense_layers=[0]
    )
    assert arch.moe_layers == (1,)
    count = count_parameters(arch)
    assert count.breakdown["mlp"] == 3 * 64 * 100 + 4 * 3 * 64 * 10
    assert count.breakdown["router"] == 64 * 4
    assert count.active == count.total - 3 * 3 * 64 * 10


def test_a_shared_expert_is_counted_apart_and_always_active():
    arch = Architecture(
        **SMALL, experts=4, active_experts=2, expert_ffn=10, shared_ffn=20, shared_expert_gate=True
    )
    count = count_parameters(arch)
    assert count.shared_experts == 2 * 3 * 64 * 20
    assert count.breakdown["router"] == 2 * (64 * 4 + 64)
    assert count.active == count.total - 2 * 2 * 3 * 64 * 10


def test_mla_projections_follow_deepseek():
    arch = Architecture(
        layers=1,
        hidden=7168,
        heads=128,
        vocab=1,
        q_lora_rank=1536,
        kv_lora_rank=512,
        qk_nope_head_dim=128,
        qk_rope_head_dim=64,
        v_head_dim=128,
        ffn=1,
    )
    parts = layer_projections(arch, 0)
    assert set(parts) >= {"q_a", "q_b", "kv_a", "kv_b", "o"}
    assert parts["kv_a"].outputs == 512 + 64
    assert parts["kv_b"].outputs == 128 * (128 + 128)
    assert count_parameters(arch).breakdown["norms"] == 2 * 7168 + 1536 + 512 + 7168


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"layer_attention": ["sliding"]}, "sliding_window"),
        ({"layer_attention": ["chunked"]}, "attention_chunk"),
        ({"layer_attention": ["full"] * 3}, "layer_attention"),
        ({"layer_attention": []}, "layer_attention"),
        ({"layer_attention": "full"}, "layer_attention"),
        ({"layer_attention": ["local"]}, "layer_attention"),
        ({"dense_layers": [0]}, "dense_layers"),
        ({"experts": 2, "dense_layers": [0, 1]}, "dense_layers"),
        ({"experts": 2, "dense_layers": [5]}, "dense_layers"),
        ({"shared_ffn": 8}, "shared_ffn"),
        ({"experts": 2, "shared_expert_gate": True}, "shared_expert_gate"),
        ({"router_bias": True}, "router_bias"),
        ({"v_head_dim": 8}, "v_head_dim"),
        ({"kv_lora_rank": 8, "qk_rope_head_dim": 4}, "v_head_dim"),
        ({"kv_lora_rank": 8, "v_head_dim": 4, "qk_rope_head_dim": 4, "qk_norm": True}, "qk_norm"),
        ({"layer_norms": 0}, "layer_norms"),
        ({"attention_sinks": "yes"}, "attention_sinks"),
        ({"sliding_window": 0, "layer_attention": ["sliding"]}, "sliding_window"),
    ],
)
def test_it_rejects_inconsistent_modern_fields(fields, field):
    assert field in errors_for(**{**SMALL, **fields})


def test_a_repeating_pattern_is_kept_as_its_shortest_period():
    arch = Architecture(**SMALL, sliding_window=4, layer_attention=["sliding", "sliding"])
    assert arch.layer_attention == ("sliding",)
    uneven = Architecture(
        **{**SMALL, "layers": 6}, sliding_window=4, layer_attention=["sliding", "full", "sliding"]
    )
    assert [s.attention for s in uneven.layer_specs] == ["sliding", "full", "sliding"] * 2
