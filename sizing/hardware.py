"""A small catalog of accelerators, from their vendors' datasheets.

Memory capacity: datasheets say "80GB", but HBM and GDDR come in power-of-two dies and
drivers report binary sizes (nvidia-smi shows an A100 80GB as 81,920 MiB), so capacity
is read as GiB. Bandwidth is decimal, as datasheets mean it (3.35 TB/s = 3.35 × 10^12 B/s).
FLOP/s are dense 16-bit tensor figures: datasheets often quote 2:4 structured sparsity
("with sparsity"), which is twice the dense rate, so those are halved here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final

from sizing.validation import SizingError, check_integer

_GIB: Final = 2**30


def _tera(value: str) -> int:
    return int(Decimal(value) * 10**12)


def _giga(value: str) -> int:
    return int(Decimal(value) * 10**9)


def apple_gpu_share(memory_bytes: int) -> Fraction:
    """Share of unified memory macOS lets the GPU use by default (Metal's
    ``recommendedMaxWorkingSetSize``): 3/4 above 36 GiB, 2/3 at or below. Observed in
    llama.cpp logs: 73,728 MB of 96 GB (ggml-org/llama.cpp#3213) and 21,845 MB of
    32 GB (ollama/ollama#434). ``sudo sysctl iogpu.wired_limit_mb=...`` raises it, and
    recent macOS releases report more (107.5 GiB of 128 GiB in antirez/ds4#893)."""
    return Fraction(3, 4) if memory_bytes > 36 * _GIB else Fraction(2, 3)


@dataclass(frozen=True)
class Gpu:
    """One accelerator. ``flops_per_second`` is dense 16-bit tensor throughput: bf16,
    or fp16 where the chip has no bf16 (T4, V100)."""

    slug: str
    name: str
    vendor: str
    memory_bytes: int
    bandwidth_bytes_per_second: int
    flops_per_second: int
    source: str
    usable_share: Fraction = Fraction(1)
    note: str = ""

    @property
    def usable_memory_bytes(self) -> int:
        """Memory a model may occupy by default (all of it, except on Apple silicon)."""
        return math.floor(self.memory_bytes * self.usable_share)


_H100: Final = "https://www.nvidia.com/en-us/data-center/h100/"
_A100: Final = (
    "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/"
    "nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf"
)
_H200: Final = "https://www.nvidia.com/en-us/data-center/h200/"
_L40S: Final = "https://www.nvidia.com/en-us/data-center/l40s/"
_L4: Final = "https://www.nvidia.com/en-us/data-center/l4/"
_A10G: Final = "https://aws.amazon.com/ec2/instance-types/g5/"
_T4: Final = "https://www.nvidia.com/en-us/data-center/tesla-t4/"
_V100: Final = "https://www.nvidia.com/en-us/data-center/v100/"
_BLACKWELL: Final = (
    "https://images.nvidia.com/aem-dam/Solutions/geforce/blackwell/"
    "nvidia-rtx-blackwell-gpu-architecture.pdf"
)
_ADA: Final = (
    "https://images.nvidia.com/aem-dam/Solutions/geforce/ada/nvidia-ada-gpu-architecture.pdf"
)
_GA102: Final = (
    "https://www.nvidia.com/content/PDF/nvidia-ampere-ga-102-gpu-architecture-whitepaper-v2.pdf"
)
_M2U: Final = "https://www.apple.com/newsroom/2023/06/apple-introduces-m2-ultra/"
_M3MAX: Final = (
    "https://www.apple.com/newsroom/2023/10/"
    "apple-unveils-m3-m3-pro-and-m3-max-the-most-advanced-chips-for-a-personal-computer/"
)
_M4MAX: Final = "https://www.apple.com/newsroom/2024/10/apple-introduces-m4-pro-and-m4-max/"

_SPARSE: Final = "datasheet quotes twice this with sparsity"
_GEFORCE: Final = (
    "bf16 with fp32 accumulate, as training uses (whitepaper appendix; GeForce cards run "
    "it at half the fp16-accumulate rate)"
)
_A10G_NOTE: Final = (
    "AWS-only variant of the A10; AWS publishes no tensor FLOP/s: ~70 TFLOPS per "
    "https://www.baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-inference/"
)


def _apple(slug: str, name: str, gib: int, bandwidth: str, tflops: str, source: str) -> Gpu:
    memory = gib * _GIB
    share = apple_gpu_share(memory)
    return Gpu(
        slug,
        name,
        "Apple",
        memory,
        _giga(bandwidth),
        _tera(tflops),
        source,
        usable_share=share,
        note=(
            f"Unified memory: by default the GPU may use {share.numerator}/"
            f"{share.denominator} of it. Apple publishes no FLOP/s: this is GPU cores × "
            "128 FP32 lanes × 2 × clock (16-bit runs at the FP32 rate), approximate."
        ),
    )


def _nvidia(
    slug: str, name: str, gib: int, bandwidth: str, tflops: str, source: str, note: str = ""
) -> Gpu:
    return Gpu(slug, name, "NVIDIA", gib * _GIB, _giga(bandwidth), _tera(tflops), source, note=note)


# Per entry: memory in GiB, bandwidth in GB/s, dense 16-bit TFLOP/s, datasheet.
GPUS: Final[tuple[Gpu, ...]] = (
    _nvidia("h100-sxm", "NVIDIA H100 SXM 80GB", 80, "3350", "989.5", _H100, _SPARSE),
    _nvidia("h100-pcie", "NVIDIA H100 PCIe 80GB", 80, "2000", "756.5", _H100, _SPARSE),
    _nvidia("h200", "NVIDIA H200 SXM 141GB", 141, "4800", "989.5", _H200, _SPARSE),
    _nvidia("a100-80gb", "NVIDIA A100 SXM 80GB", 80, "2039", "312", _A100, _SPARSE),
    _nvidia("a100-40gb", "NVIDIA A100 SXM 40GB", 40, "1555", "312", _A100, _SPARSE),
    _nvidia("l40s", "NVIDIA L40S 48GB", 48, "864", "362.05", _L40S, _SPARSE),
    _nvidia("l4", "NVIDIA L4 24GB", 24, "300", "121", _L4, _SPARSE),
    _nvidia("a10g", "NVIDIA A10G 24GB (AWS)", 24, "600", "70", _A10G, _A10G_NOTE),
    _nvidia("t4", "NVIDIA T4 16GB", 16, "320", "65", _T4, "no bf16: fp16 mixed precision"),
    _nvidia("v100", "NVIDIA V100 SXM2 32GB", 32, "900", "125", _V100, "no bf16: fp16 tensor"),
    _nvidia("rtx-5090", "NVIDIA GeForce RTX 5090", 32, "1792", "209.5", _BLACKWELL, _GEFORCE),
    _nvidia("rtx-4090", "NVIDIA GeForce RTX 4090", 24, "1008", "165.2", _ADA, _GEFORCE),
    _nvidia("rtx-3090", "NVIDIA GeForce RTX 3090", 24, "936", "71", _GA102, _GEFORCE),
    Gpu(
        "mi300x",
        "AMD Instinct MI300X 192GB",
        "AMD",
        192 * _GIB,
        _giga("5300"),
        _tera("1307.4"),
        "https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html",
    ),
    _apple("m2-ultra-192gb", "Apple M2 Ultra 192GB (76-core GPU)", 192, "800", "27.2", _M2U),
    _apple("m3-max-128gb", "Apple M3 Max 128GB (40-core GPU)", 128, "400", "14.2", _M3MAX),
    _apple("m4-max-128gb", "Apple M4 Max 128GB (40-core GPU)", 128, "546", "16.1", _M4MAX),
)

_BY_SLUG: Final = {gpu.slug: gpu for gpu in GPUS}


def get_gpu(gpu: Gpu | str) -> Gpu:
    """Look a GPU up by slug; pass Gpus through."""
    if isinstance(gpu, Gpu):
        return gpu
    found = _BY_SLUG.get(str(gpu).strip().lower())
    if found is None:
        raise SizingError("gpu", f"unknown GPU {gpu!r}; choose one of: {', '.join(_BY_SLUG)}")
    return found


@dataclass(frozen=True)
class Fit:
    """How many of one GPU hold a given number of bytes."""

    gpu: Gpu
    count: int


def fits_on(
    total_bytes: int, gpus: tuple[Gpu, ...] = GPUS, max_count: int | None = None
) -> list[Fit]:
    """For each GPU, how many are needed to hold ``total_bytes``: ceil(bytes ÷ usable
    memory), at least one. By memory only: it assumes the model splits evenly across
    devices and ignores interconnect, per-device copies and compute speed. Apple
    machines cannot pool memory, so counts above one mean "does not fit" for them in
    practice. With ``max_count``, GPUs needing more are left out.

    Llama 3 70B's weights in bf16 (141,107,412,992 bytes) need two H100s or one H200:

    >>> [(fit.gpu.slug, fit.count) for fit in fits_on(141_107_412_992)][:3]
    [('h100-sxm', 2), ('h100-pcie', 2), ('h200', 1)]
    """
    size = check_integer("total_bytes", total_bytes, minimum=0)
    fits = [Fit(gpu, max(1, -(-size // gpu.usable_memory_bytes))) for gpu in gpus]
    if max_count is not None:
        limit = check_integer("max_count", max_count, minimum=1)
        fits = [fit for fit in fits if fit.count <= limit]
    return fits
