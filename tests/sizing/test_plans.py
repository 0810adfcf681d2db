"""Will it run: fit verdicts at their edges, multi-GPU plans, CPU offload, concurrent users,
starting commands and the hardware-first list (sizing.plans)."""

from __future__ import annotations

import shlex
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sizing import (
    Architecture,
    Gpu,
    SizingError,
    concurrent_users,
    count_parameters,
    fit,
    kv_cache_bytes,
    llama_server_command,
    offload_series,
    offload_tokens_per_second,
    pipeline_parallel,
    split_layers,
    tensor_parallel,
    usable_memory,
    vllm_serve_command,
    weights_bytes,
    what_fits,
)

GIB = 2**30


def card(gib: int = 24, *, vendor: str = "NVIDIA", share: Fraction = Fraction(1)) -> Gpu:
    return Gpu(
        slug="test-card",
        name="Test card",
        vendor=vendor,
        memory_bytes=gib * GIB,
        bandwidth_bytes_per_second=1_000 * 10**9,
        flops_per_second=100 * 10**12,
        source="test",
        usable_share=share,
    )


LLAMA_3_8B = Architecture(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336, vocab=128256)
LLAMA_3_70B = Architecture(layers=80, hidden=8192, heads=64, kv_heads=8, ffn=28672, vocab=128256)


# --- usable memory and fit --------------------------------------------------------------


def test_usable_memory_states_each_line():
    memory = usable_memory(card(80))
    assert memory.driver_bytes == 80 * GIB
    assert memory.shared_bytes == 80 * GIB
    # vLLM's default leaves 8% free; the reserve is that share, rounded up to a byte
    assert memory.reserve_bytes == -(-80 * GIB * 8 // 100)
    assert memory.usable_bytes == memory.shared_bytes - memory.reserve_bytes
    assert "0.92" in memory.reserve_note


def test_unified_memory_share_applies_before_the_reserve():
    mac = card(128, vendor="Apple", share=Fraction(3, 4))
    memory = usable_memory(mac, reserve_bytes=GIB)
    assert memory.shared_bytes == 96 * GIB
    assert memory.usable_bytes == 95 * GIB


def test_a_reserve_larger_than_the_card_is_refused():
    with pytest.raises(SizingError) as error:
        usable_memory(card(1), reserve_bytes=2 * GIB)
    assert error.value.field == "reserve_bytes"


def test_exactly_full_fits_and_one_byte_over_does_not():
    gpu = card(24)
    room = usable_memory(gpu).usable_bytes
    full = fit(room, gpu)
    assert full.fits_on_one and full.cards == 1 and full.headroom_bytes == 0
    over = fit(room + 1, gpu)
    assert not over.fits_on_one
    assert over.headroom_bytes == -1
    assert over.cards == 2


def test_exactly_two_cards_full_needs_two_and_one_byte_more_needs_three():
    gpu = card(24)
    room = usable_memory(gpu).usable_bytes
    assert fit(2 * room, gpu).cards == 2
    assert fit(2 * room, gpu).per_card_headroom_bytes == 0
    assert fit(2 * room + 1, gpu).cards == 3


def test_macs_do_not_pool_and_max_cards_caps_the_count():
    mac = card(64, vendor="Apple", share=Fraction(3, 4))
    assert fit(60 * GIB, mac).cards is None
    assert fit(100 * GIB, card(24), max_cards=2).cards is None
    assert fit(100 * GIB, card(24), max_cards=8).cards == 5


def test_a_negative_need_is_refused_naming_the_field():
    with pytest.raises(SizingError) as error:
        fit(-1, card())
    assert error.value.field == "need_bytes"


@given(st.integers(min_value=0, max_value=10**13), st.integers(min_value=1, max_value=200))
def test_headroom_plus_need_is_the_usable_memory(need, gib):
    verdict = fit(need, card(gib))
    assert verdict.headroom_bytes + need == verdict.usable.usable_bytes
    assert verdict.fits_on_one == (verdict.headroom_bytes >= 0)


@given(st.integers(min_value=1, max_value=10**13), st.integers(min_value=1, max_value=80))
def test_the_cards_chosen_hold_the_need_and_one_fewer_would_not(need, gib):
    verdict = fit(need, card(gib), max_cards=1_024)
    room = verdict.usable.usable_bytes
    if verdict.cards is None:  # beyond max_cards
        assert 1_024 * room < need
        return
    assert verdict.per_card_bytes <= room
    assert verdict.per_card_bytes * verdict.cards >= need
    assert (verdict.cards - 1) * room < need


# --- tensor and pipeline parallel --------------------------------------------------------


def test_tensor_parallel_splits_weights_and_kv_heads():
    gpu = card(80)
    one = tensor_parallel(LLAMA_3_70B, gpu, 1, context=8192)
    four = tensor_parallel(LLAMA_3_70B, gpu, 4, context=8192)
    weights = weights_bytes(count_parameters(LLAMA_3_70B).total, "bf16")
    assert one.cards[0].weights_bytes == weights
    assert four.cards[0].weights_bytes == -(-weights // 4)
    assert one.cards[0].kv_cache_bytes == kv_cache_bytes(LLAMA_3_70B, 8192)
    assert four.kv_heads_per_card == 2
    assert four.cards[0].kv_cache_bytes == kv_cache_bytes(LLAMA_3_70B, 8192) // 4
    assert len(four.cards) == 4
    assert four.cards[0].reserve_bytes == usable_memory(gpu).reserve_bytes


def test_kv_heads_are_replicated_when_fewer_than_cards():
    plan = tensor_parallel(LLAMA_3_70B, card(80), 16, context=8192)
    assert plan.kv_heads_per_card == 1
    # 8 KV heads over 16 cards: each card holds one, not half of one
    assert plan.cards[0].kv_cache_bytes == kv_cache_bytes(LLAMA_3_70B, 8192) // 8
    assert any("KV heads" in note for note in plan.notes)


def test_tensor_parallel_needs_heads_that_divide_and_names_the_interconnect():
    with pytest.raises(SizingError) as error:
        tensor_parallel(LLAMA_3_70B, card(80), 3)
    assert error.value.field == "cards"
    assert "PCIe" in tensor_parallel(LLAMA_3_8B, card(), 2, interconnect="pcie").notes[0]
    with pytest.raises(SizingError) as error:
        tensor_parallel(LLAMA_3_8B, card(), 2, interconnect="carrier-pigeon")  # type: ignore[arg-type]
    assert error.value.field == "interconnect"


@given(st.sampled_from([1, 2, 4, 8, 16]), st.integers(min_value=0, max_value=32_768))
def test_more_cards_never_need_more_per_card(cards, context):
    fewer = tensor_parallel(LLAMA_3_8B, card(), cards, context=context)
    more = tensor_parallel(LLAMA_3_8B, card(), cards * 2, context=context)
    assert more.cards[0].need_bytes <= fewer.cards[0].need_bytes


def test_pipeline_splits_layers_and_reports_imbalance():
    assert split_layers(80, 3) == (27, 27, 26)
    assert split_layers(32, 4) == (8, 8, 8, 8)
    plan = pipeline_parallel(LLAMA_3_70B, card(24), 3, dtype="q4_k_m", context=8192)
    assert plan.layers_per_card == (27, 27, 26)
    assert any("do not divide" in note for note in plan.notes)
    # all the KV cache is held somewhere, once
    total_kv = sum(load.kv_cache_bytes for load in plan.cards)
    assert abs(total_kv - kv_cache_bytes(LLAMA_3_70B, 8192, kv_dtype="fp16")) <= 3
    # all the weights are held somewhere, give or take the rounding of each share
    weights = weights_bytes(count_parameters(LLAMA_3_70B).total, "q4_k_m")
    assert 0 <= sum(load.weights_bytes for load in plan.cards) - weights <= 3


def test_pipeline_refuses_more_stages_than_layers():
    with pytest.raises(SizingError) as error:
        split_layers(4, 5)
    assert error.value.field == "cards"


# --- CPU offload ------------------------------------------------------------------------


def test_offload_ceiling_adds_the_two_reading_times():
    speed = offload_tokens_per_second(
        gpu_bytes=10 * 10**9, cpu_bytes=10 * 10**9, gpu_bandwidth=10**12, ram_bandwidth=10**11
    )
    assert speed == 1 / (Fraction(10, 1000) + Fraction(10, 100))


@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=10**9, max_value=10**13),
    st.integers(min_value=10**9, max_value=10**13),
)
def test_offload_ceiling_lies_between_the_two_pure_ceilings(on_gpu, on_cpu, gpu_rate, ram_rate):
    if on_gpu + on_cpu == 0:
        return
    speed = offload_tokens_per_second(
        gpu_bytes=on_gpu, cpu_bytes=on_cpu, gpu_bandwidth=gpu_rate, ram_bandwidth=ram_rate
    )
    all_gpu = Fraction(gpu_rate, on_gpu + on_cpu)
    all_cpu = Fraction(ram_rate, on_gpu + on_cpu)
    assert min(all_gpu, all_cpu) <= speed <= max(all_gpu, all_cpu)


def test_offload_series_falls_as_layers_leave_the_gpu():
    series = offload_series(LLAMA_3_8B, card(), ram_bandwidth=80 * 10**9, dtype="q4_k_m")
    assert [point.gpu_layers for point in series] == list(range(32, -1, -1))
    speeds = [point.tokens_per_second for point in series]
    assert speeds == sorted(speeds, reverse=True)
    assert series[0].cpu_bytes == 0
    total = weights_bytes(count_parameters(LLAMA_3_8B).total, "q4_k_m")
    assert all(point.gpu_bytes + point.cpu_bytes == total for point in series)


def test_moe_expert_offload_reads_active_experts_only():
    moe = Architecture(
        layers=4, hidden=256, heads=4, ffn=512, vocab=1000, experts=8, active_experts=2
    )
    series = offload_series(moe, card(), ram_bandwidth=10**11, experts_only=True)
    last = series[-1]
    count = count_parameters(moe)
    assert last.cpu_bytes == weights_bytes(count.routed_expert_weights, "bf16")
    with pytest.raises(SizingError) as error:
        offload_series(LLAMA_3_8B, card(), ram_bandwidth=10**11, experts_only=True)
    assert error.value.field == "experts_only"


# --- concurrent users -------------------------------------------------------------------


def test_concurrent_users_divide_what_the_weights_leave():
    gpu = card(80)
    fits = concurrent_users(LLAMA_3_8B, gpu, context=8192, kv_dtypes=("bf16", "q4_0"))
    free = usable_memory(gpu).usable_bytes - weights_bytes(
        count_parameters(LLAMA_3_8B).total, "bf16"
    )
    assert fits[0].per_user_bytes == kv_cache_bytes(LLAMA_3_8B, 8192)
    assert fits[0].users == free // fits[0].per_user_bytes
    assert fits[1].per_user_bytes == kv_cache_bytes(LLAMA_3_8B, 8192, kv_dtype="q4_0")
    assert fits[1].users > fits[0].users


def test_no_users_when_the_weights_do_not_fit():
    [only] = concurrent_users(LLAMA_3_70B, card(24), context=8192, kv_dtypes=("bf16",))
    assert only.free_bytes < 0 and only.users == 0


def test_concurrent_users_refuse_bad_kv_dtypes_and_pooled_macs():
    with pytest.raises(SizingError) as error:
        concurrent_users(LLAMA_3_8B, card(), context=8192, kv_dtypes=("q4_k_m",))
    assert error.value.field == "kv_dtype"
    mac = card(64, vendor="Apple", share=Fraction(3, 4))
    with pytest.raises(SizingError) as error:
        concurrent_users(LLAMA_3_8B, mac, context=8192, cards=2)
    assert error.value.field == "cards"


# --- starting-point commands ---------------------------------------------------------------


def test_llama_server_command_carries_the_flags_that_matter():
    command = llama_server_command(
        model_path="model file.gguf", context=8192, gpu_layers=40, kv_dtype="q8_0", users=4
    )
    argv = shlex.split(command.line)
    assert argv[:3] == ["llama-server", "-m", "model file.gguf"]
    assert argv[argv.index("-ngl") + 1] == "40"
    assert argv[argv.index("--ctx-size") + 1] == str(8192 * 4)
    assert argv[argv.index("--cache-type-k") + 1] == "q8_0"
    assert argv[argv.index("--cache-type-v") + 1] == "q8_0"
    assert argv[argv.index("--parallel") + 1] == "4"
    assert "starting point" in command.note


def test_vllm_serve_command_carries_the_flags_that_matter():
    command = vllm_serve_command(
        model="org/model", max_model_len=32768, tensor_parallel_size=4, kv_dtype="fp8"
    )
    argv = command.argv
    assert argv[:3] == ("vllm", "serve", "org/model")
    assert argv[argv.index("--tensor-parallel-size") + 1] == "4"
    assert argv[argv.index("--max-model-len") + 1] == "32768"
    assert argv[argv.index("--kv-cache-dtype") + 1] == "fp8"
    assert argv[argv.index("--gpu-memory-utilization") + 1] == "0.92"


def test_commands_refuse_cache_types_the_engine_lacks():
    with pytest.raises(SizingError) as error:
        llama_server_command(model_path="m.gguf", context=1, gpu_layers=1, kv_dtype="fp8")
    assert error.value.field == "kv_dtype"
    with pytest.raises(SizingError) as error:
        vllm_serve_command(model="m", max_model_len=1, kv_dtype="q4_0")
    assert error.value.field == "kv_dtype"
    with pytest.raises(SizingError) as error:
        vllm_serve_command(model="m", max_model_len=1, gpu_memory_utilization=Fraction(3, 2))
    assert error.value.field == "gpu_memory_utilization"


# --- what fits ------------------------------------------------------------------------------


def test_what_fits_picks_the_best_format_that_fits():
    models = [("llama-3-8b", LLAMA_3_8B), ("llama-3-70b", LLAMA_3_70B)]
    small, large = what_fits(models, card(24), count=1, ram=64 * 10**9, context=8192)
    assert small.dtype is not None and small.dtype.name == "bf16"
    assert small.headroom_bytes >= 0
    # 70B does not fit one 24 GiB card even at ~3 bits with an 8k fp16 cache
    assert large.dtype is None
    assert large.need_bytes == weights_bytes(
        count_parameters(LLAMA_3_70B).total, "q2_k_s"
    ) + kv_cache_bytes(LLAMA_3_70B, 8192, kv_dtype="fp16")
    assert large.headroom_bytes == usable_memory(card(24)).usable_bytes - large.need_bytes
    # with 64 GB of RAM for offloaded layers, or a second card, it would
    assert large.fits_with_offload is not None and large.fits_with_offload.name == "q8_0"
    assert large.fits_with_one_more_card is not None
    assert large.fits_with_one_more_card.name == "q4_k_m"


def test_what_fits_at_the_edge_of_one_format():
    gpu = card(24)
    room = usable_memory(gpu).usable_bytes
    need = weights_bytes(count_parameters(LLAMA_3_8B).total, "bf16") + kv_cache_bytes(
        LLAMA_3_8B, 4096
    )
    exact = what_fits([("m", LLAMA_3_8B)], gpu, context=4096, reserve_bytes=gpu.memory_bytes - need)
    assert exact[0].dtype is not None and exact[0].dtype.name == "bf16"
    assert exact[0].headroom_bytes == 0
    over = what_fits(
        [("m", LLAMA_3_8B)], gpu, context=4096, reserve_bytes=gpu.memory_bytes - need + 1
    )
    assert over[0].dtype is not None and over[0].dtype.name == "q8_0"
    assert room > 0


def test_what_fits_reports_none_when_nothing_fits():
    [answer] = what_fits([("llama-3-70b", LLAMA_3_70B)], card(8), context=8192)
    assert answer.dtype is None
    assert answer.headroom_bytes < 0
