from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sizing import (
    DTYPES,
    KV_CACHE_DTYPES,
    SizingError,
    default_kv_dtype,
    get_dtype,
    get_kv_dtype,
    weights_bytes,
)


@pytest.mark.parametrize(
    ("name", "bits"),
    [("fp32", 32), ("fp16", 16), ("bf16", 16), ("fp8", 8), ("int8", 8), ("int4", 4)],
)
def test_plain_types_have_whole_bits(name, bits):
    assert DTYPES[name].bits == bits
    assert DTYPES[name].exact


@pytest.mark.parametrize(
    ("name", "bits"),
    [
        ("q8_0", "8.5"),
        ("q4_0", "4.5"),
        ("q4_1", "5.0"),
        ("q5_0", "5.5"),
        ("q5_1", "6.0"),
        ("q2_k", "2.625"),
        ("q3_k", "3.4375"),
        ("q4_k", "4.5"),
        ("q5_k", "5.5"),
        ("q6_k", "6.5625"),
    ],
)
def test_gguf_block_bits_come_exactly_from_the_layout(name, bits):
    assert DTYPES[name].bits == Fraction(bits)
    assert DTYPES[name].exact


def test_q8_0_is_34_bytes_per_32_weights():
    assert weights_bytes(32, "q8_0") == 34


@pytest.mark.parametrize("name", ["q2_k_s", "q3_k_m", "q4_k_m", "q5_k_m"])
def test_llama_cpp_mixes_are_approximate_and_sourced(name):
    dtype = DTYPES[name]
    assert not dtype.exact
    assert "llama.cpp" in dtype.source
    assert "llama.cpp" in dtype.note


def test_q4_k_m_averages_about_4_9_bits():
    assert DTYPES["q4_k_m"].bits == Fraction("4.90")


def test_mixes_sit_between_their_block_types():
    assert DTYPES["q4_k"].bits < DTYPES["q4_k_m"].bits < DTYPES["q6_k"].bits
    assert DTYPES["q5_k"].bits < DTYPES["q5_k_m"].bits < DTYPES["q6_k"].bits


def test_nf4_with_double_quantisation_is_4_127_bits():
    assert DTYPES["nf4"].bits == 4 + Fraction(8, 64) + Fraction(32, 64 * 256)
    assert round(float(DTYPES["nf4"].bits), 3) == 4.127


def test_llama3_8b_in_bf16_is_exact():
    assert weights_bytes(8_030_261_248, "bf16") == 16_060_522_496


def test_fractional_bytes_round_up():
    assert weights_bytes(1, "q4_0") == 1  # 4.5 bits still needs a byte
    assert weights_bytes(3, "int4") == 2


def test_zero_parameters_take_no_bytes():
    assert weights_bytes(0, "fp32") == 0


def test_dtype_names_are_case_insensitive():
    assert get_dtype("Q4_K_M") is DTYPES["q4_k_m"]
    assert get_dtype(DTYPES["bf16"]) is DTYPES["bf16"]


def test_it_rejects_an_unknown_dtype():
    with pytest.raises(SizingError) as caught:
        get_dtype("fp12")
    assert caught.value.field == "dtype"


def test_it_rejects_negative_parameters():
    with pytest.raises(SizingError):
        weights_bytes(-1, "fp16")


@pytest.mark.parametrize(
    ("weights", "cache"),
    [("fp32", "fp32"), ("bf16", "bf16"), ("fp16", "fp16"), ("int8", "fp16"), ("q4_k_m", "fp16")],
)
def test_kv_cache_defaults_to_the_weights_dtype_from_16_bits(weights, cache):
    assert default_kv_dtype(weights).name == cache


@given(
    st.integers(0, 10**13),
    st.sampled_from(sorted(DTYPES.values(), key=lambda d: d.bits)),
    st.sampled_from(sorted(DTYPES.values(), key=lambda d: d.bits)),
)
def test_weights_bytes_never_shrink_as_bits_grow(params, a, b):
    low, high = sorted([a, b], key=lambda d: d.bits)
    assert weights_bytes(params, low) <= weights_bytes(params, high)


@pytest.mark.parametrize(
    ("name", "bits"),
    [
        # OCP MX v1.0: 32 × E2M1 + one E8M0 scale = 17 bytes per 32 weights.
        ("mxfp4", Fraction(17, 4)),
        # NVFP4: 16 × E2M1 + one E4M3 scale = 9 bytes per 16 (per-tensor FP32 not counted).
        ("nvfp4", Fraction(9, 2)),
        ("fp4", Fraction(4)),
        # ggml-common.h: block_iq4_xs 136, block_iq3_xxs 98, block_iq2_xxs 66 bytes per 256.
        ("iq4_xs", Fraction(136 * 8, 256)),
        ("iq3_xxs", Fraction(98 * 8, 256)),
        ("iq2_xxs", Fraction(66 * 8, 256)),
    ],
)
def test_new_formats_come_from_their_block_layouts(name, bits):
    dtype = get_dtype(name)
    assert dtype.bits == bits
    assert dtype.exact and dtype.source.startswith("https://")


def test_nvfp4_says_its_per_tensor_scale_is_not_counted():
    assert "FP32 scale per tensor is not counted" in get_dtype("nvfp4").note


def test_mxfp4_moe_names_mxfp4_for_the_experts_and_q8_0_bits_for_the_rest():
    mix = get_dtype("MXFP4_MOE")
    assert mix.experts == "mxfp4"
    assert mix.bits == DTYPES["q8_0"].bits
    assert not mix.exact  # norms, biases and routers stay f32 in the file
    assert default_kv_dtype(mix).name == "fp16"


def test_kv_cache_formats_are_a_subset_of_the_dtypes():
    assert set(KV_CACHE_DTYPES) <= set(DTYPES)
    assert get_kv_dtype("q4_0").bits == Fraction(18 * 8, 32)
    with pytest.raises(SizingError) as caught:
        get_kv_dtype("iq2_xxs")
    assert caught.value.field == "kv_dtype"
