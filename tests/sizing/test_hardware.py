"""sizing.hardware on Gpu values built here: the catalog itself is data (fixtures/gpus.yaml),
tested with the database in tests/calculators/test_gpus.py."""

from fractions import Fraction

import pytest

from sizing import Gpu, SizingError, apple_gpu_share, fits_on

GIB = 2**30
H100 = Gpu(
    "h100-sxm", "NVIDIA H100 SXM 80GB", "NVIDIA", 81_559 * 2**20, 3_350 * 10**9,
    989_500 * 10**9, "https://www.nvidia.com/en-us/data-center/h100/",
)  # fmt: skip
H200 = Gpu("h200", "NVIDIA H200 SXM 141GB", "NVIDIA", 143_771 * 2**20, None, None, "")
RTX_4090 = Gpu("rtx-4090", "RTX 4090", "NVIDIA", 24_564 * 2**20, None, None, "", kind="consumer")
M2_ULTRA = Gpu(
    "m2-ultra-192gb", "Apple M2 Ultra 192GB", "Apple", 192 * GIB, 800 * 10**9, None, "",
    usable_share=apple_gpu_share(192 * GIB), kind="unified",
)  # fmt: skip
UNKNOWN = Gpu("gb200", "GB200", "NVIDIA", None, None, None, "")
GPUS = (H100, H200, RTX_4090, M2_ULTRA, UNKNOWN)


def test_apple_gpus_get_three_quarters_of_large_unified_memory():
    assert M2_ULTRA.usable_share == Fraction(3, 4)
    assert M2_ULTRA.usable_memory_bytes == 144 * GIB
    assert apple_gpu_share(32 * GIB) == Fraction(2, 3)


def test_other_gpus_use_all_their_memory():
    assert RTX_4090.usable_memory_bytes == 24_564 * 2**20
    assert UNKNOWN.usable_memory_bytes is None


def test_a_70b_model_in_fp16_needs_two_h100s():
    counts = {fit.gpu.slug: fit.count for fit in fits_on(140 * 10**9, GPUS)}
    assert counts == {"h100-sxm": 2, "h200": 1, "rtx-4090": 6, "m2-ultra-192gb": 1}


def test_a_gpu_whose_memory_is_unknown_is_left_out():
    assert "gb200" not in {fit.gpu.slug for fit in fits_on(1, GPUS)}


def test_the_fit_says_the_bytes_it_counted_with():
    fit = fits_on(10, [M2_ULTRA])[0]
    assert fit.usable_bytes == 144 * GIB


def test_exactly_full_memory_fits_on_one():
    assert fits_on(H100.memory_bytes, [H100])[0].count == 1
    assert fits_on(H100.memory_bytes + 1, [H100])[0].count == 2


def test_nothing_still_needs_one_gpu():
    assert all(fit.count == 1 for fit in fits_on(0, GPUS))


def test_no_gpus_fit_nothing():
    assert fits_on(10, []) == []


def test_max_count_leaves_out_gpus_needing_more():
    assert {fit.gpu.slug for fit in fits_on(140 * 10**9, GPUS, max_count=1)} == {
        "h200",
        "m2-ultra-192gb",
    }


@pytest.mark.parametrize(
    ("figure", "says"),
    [
        ("flops_per_second", "dense 16-bit FLOP/s"),
        ("bandwidth_bytes_per_second", "memory bandwidth"),
        ("memory_bytes", "memory size"),
    ],
)
def test_a_figure_never_published_is_refused_naming_gpu(figure, says):
    with pytest.raises(SizingError) as caught:
        UNKNOWN.figure(figure)
    assert caught.value.errors == {"gpu": [f"GB200: no published {says} to estimate with."]}
    assert H100.figure("memory_bytes") == 85_520_809_984
