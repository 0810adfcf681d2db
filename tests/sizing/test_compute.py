import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from sizing import (
    Architecture,
    Gpu,
    SizingError,
    chinchilla_loss,
    chinchilla_optimal_tokens,
    count_parameters,
    decode_tokens_per_second,
    estimate_inference_speed,
    estimate_training,
    prefill_seconds,
    read_config,
    training_flops,
)

# Gpus built here, with their datasheets' figures (the catalog is data: fixtures/gpus.yaml).
H100 = Gpu(
    "h100-sxm", "NVIDIA H100 SXM 80GB", "NVIDIA", 85_520_809_984, 3_350 * 10**9,
    989_500 * 10**9, "https://www.nvidia.com/en-us/data-center/h100/",
)  # fmt: skip
RTX_4090 = Gpu(
    "rtx-4090", "NVIDIA GeForce RTX 4090", "NVIDIA", 25_757_220_864, 1_008 * 10**9,
    165_200 * 10**9, "https://images.nvidia.com/", kind="consumer",
)  # fmt: skip
NO_FLOPS = Gpu("m1-max-64gb", "Apple M1 Max", "Apple", 64 * 2**30, 400 * 10**9, None, "")
# 6 × N × D equal to one H100-hour at 40% MFU: 989.5e12 × 0.4 × 3600 FLOPs.
ONE_H100_HOUR_PARAMS = 237_480_000
ONE_H100_HOUR_TOKENS = 10**9


def test_training_flops_are_six_n_d_exactly():
    assert training_flops(8_030_261_248, 15 * 10**12) == 6 * 8_030_261_248 * 15 * 10**12


def test_chinchilla_optimal_tokens_are_twenty_per_parameter():
    assert chinchilla_optimal_tokens(70 * 10**9) == 1_400 * 10**9


def test_chinchilla_loss_for_chinchilla_itself():
    # E + A/N^α + B/D^β with Hoffmann et al.'s constants, N = 70B, D = 1.4T.
    assert chinchilla_loss(70 * 10**9, 1_400 * 10**9) == pytest.approx(1.9366, abs=1e-4)


def test_chinchilla_loss_falls_with_more_data():
    assert chinchilla_loss(10**9, 10**11) < chinchilla_loss(10**9, 10**10)


def test_one_gpu_hour_of_work_costs_one_gpu_hour():
    estimate = estimate_training(
        params=ONE_H100_HOUR_PARAMS,
        tokens=ONE_H100_HOUR_TOKENS,
        gpu=H100,
        mfu=0.4,
        price_per_gpu_hour=Decimal("2.50"),
    )
    assert estimate.gpu_hours == pytest.approx(1.0)
    assert estimate.days == pytest.approx(1 / 24)
    assert estimate.cost == pytest.approx(2.5)


def test_more_gpus_shorten_the_days_not_the_gpu_hours():
    estimate = estimate_training(
        params=ONE_H100_HOUR_PARAMS, tokens=ONE_H100_HOUR_TOKENS, gpu=H100, gpus=4
    )
    assert estimate.gpu_hours == pytest.approx(1.0)
    assert estimate.days == pytest.approx(1 / 96)


def test_tokens_default_to_compute_optimal():
    estimate = estimate_training(params=10**9, gpu=H100)
    assert estimate.tokens == estimate.optimal_tokens == 20 * 10**9
    assert estimate.flops == 6 * 10**9 * 20 * 10**9
    assert estimate.cost is None


def test_mixture_of_experts_trains_on_active_parameters():
    estimate = estimate_training(
        params=46_702_792_704, active_params=12_879_925_248, tokens=10**12, gpu=H100
    )
    assert estimate.flops == 6 * 12_879_925_248 * 10**12


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mfu": 0}, "mfu"),
        ({"mfu": 1.5}, "mfu"),
        ({"price_per_gpu_hour": -1}, "price"),
        ({"gpus": 0}, "gpus"),
        ({"gpu": NO_FLOPS}, "gpu"),
        ({"tokens": 0}, "tokens"),
        ({"active_params": 2 * 10**9}, "active_params"),
    ],
)
def test_training_names_the_bad_field(kwargs, field):
    with pytest.raises(SizingError) as caught:
        estimate_training(params=10**9, **{"gpu": H100, **kwargs})
    assert caught.value.field == field


def test_decode_ceiling_is_bandwidth_over_bytes_read():
    speed = decode_tokens_per_second(
        active_weights_bytes=900, kv_cache_bytes=100, bandwidth_bytes_per_second=50_000
    )
    assert speed == 50.0


def test_prefill_is_compute_bound():
    seconds = prefill_seconds(
        active_params=10**9, prompt_tokens=1000, flops_per_second=10**15, mfu=Fraction(1, 2)
    )
    assert seconds == pytest.approx(2 * 10**9 * 1000 / (10**15 / 2))


def test_llama3_8b_decodes_under_60_tokens_a_second_on_a_4090():
    llama = Architecture(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336, vocab=128256)
    speed = estimate_inference_speed(llama, gpu=RTX_4090, dtype="bf16", context=8192)
    assert speed.bytes_per_token == 16_060_522_496 + 1_073_741_824
    assert speed.decode_tokens_per_second == pytest.approx(1_008e9 / speed.bytes_per_token)


def test_mixtral_decode_reads_only_active_experts():
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
    speed = estimate_inference_speed(mixtral, gpu=H100, gpus=2)
    assert speed.bytes_per_token == 2 * 12_879_925_248


def _published(name):
    path = Path(__file__).parent / "configs" / f"{name}.json"
    config = json.loads(path.read_text())
    return read_config({k: v for k, v in config.items() if not k.startswith("_")}).architecture


def test_moe_decode_reads_only_the_active_weights_in_their_formats():
    arch = _published("gpt-oss-120b")
    count = count_parameters(arch)
    speed = estimate_inference_speed(arch, gpu=H100, dtype="bf16", expert_dtype="mxfp4")
    active_experts = count.active_routed_expert_weights
    assert speed.bytes_per_token == (
        active_experts * 17 // 32 + 2 * (count.active - active_experts)
    )
    all_bf16 = estimate_inference_speed(arch, gpu=H100, dtype="bf16")
    assert all_bf16.bytes_per_token == 2 * count.active
    assert speed.decode_tokens_per_second > all_bf16.decode_tokens_per_second
    assert any("routed experts a token does not use" in a for a in speed.assumptions)


def test_training_compute_follows_active_parameters():
    count = count_parameters(_published("deepseek-v3"))
    estimate = estimate_training(
        params=count.total, active_params=count.active, tokens=10**12, gpu=H100
    )
    assert estimate.flops == 6 * count.active * 10**12


def test_inference_refuses_a_gpu_without_published_flops_naming_gpu():
    arch = Architecture(layers=2, hidden=64, heads=4, ffn=128, vocab=100)
    with pytest.raises(SizingError) as caught:
        estimate_inference_speed(arch, gpu=NO_FLOPS)
    assert caught.value.errors == {
        "gpu": ["Apple M1 Max: no published dense 16-bit FLOP/s to estimate with."]
    }
