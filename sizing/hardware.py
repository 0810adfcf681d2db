"""Accelerators and what fits on them. The catalog itself is data (the calculators' database,
fixtures/gpus.yaml): this module has the shape of one entry and the arithmetic.

Memory capacity: datasheets say "80GB", but drivers report what is usable, in binary units
(nvidia-smi shows an H100 80GB as 81,559 MiB = 85,520,809,984 bytes), so the catalog gives the
driver's figure where it is known. Bandwidth is decimal, as datasheets mean it (3.35 TB/s =
3.35 × 10^12 B/s). FLOP/s are dense tensor figures: datasheets often quote 2:4 structured
sparsity ("with sparsity"), which is twice the dense rate, so those are halved.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from sizing.validation import SizingError, check_integer

_GIB: Final = 2**30


def apple_gpu_share(memory_bytes: int) -> Fraction:
    """Share of unified memory macOS lets the GPU use by default (Metal's
    ``recommendedMaxWorkingSetSize``): 3/4 above 36 GiB, 2/3 at or below. Observed in
    llama.cpp logs: 73,728 MB of 96 GB (ggml-org/llama.cpp#3213) and 21,845 MB of
    32 GB (ollama/ollama#434). ``sudo sysctl iogpu.wired_limit_mb=...`` raises it, and
    recent macOS releases report more (107.5 GiB of 128 GiB in antirez/ds4#893)."""
    return Fraction(3, 4) if memory_bytes > 36 * _GIB else Fraction(2, 3)


@dataclass(frozen=True)
class Gpu:
    """One accelerator. ``memory_bytes`` is what the driver reports where that is known,
    else the vendor's label read in its unit. ``flops_per_second`` is dense 16-bit tensor
    throughput: bf16, or fp16 where the chip has no bf16 (T4, V100). A figure nobody has
    published is None, and an estimate that needs it refuses this GPU, naming ``gpu``.

    >>> h100 = Gpu("h100-sxm", "NVIDIA H100 SXM 80GB", "NVIDIA", 85_520_809_984,
    ...            3_350_000_000_000, 989_500_000_000_000, "https://www.nvidia.com/")
    >>> h100.usable_memory_bytes
    85520809984
    >>> Gpu("m", "Mac", "Apple", 96 * 2**30, None, None, "", apple_gpu_share(96 * 2**30)
    ...     ).usable_memory_bytes
    77309411328
    """

    slug: str
    name: str
    vendor: str
    memory_bytes: int | None
    bandwidth_bytes_per_second: int | None
    flops_per_second: int | None
    source: str
    usable_share: Fraction = Fraction(1)
    note: str = ""
    kind: str = "datacenter"
    memory_label: str = ""
    fp8_flops_per_second: int | None = None
    fp4_flops_per_second: int | None = None

    @property
    def usable_memory_bytes(self) -> int | None:
        """Memory a model may occupy by default (all of it, except on unified-memory
        machines); None when the memory is not known."""
        if self.memory_bytes is None:
            return None
        return math.floor(self.memory_bytes * self.usable_share)

    def figure(self, name: str) -> int:
        """The figure (an attribute's name) an estimate needs; a SizingError naming ``gpu``
        when it was never published."""
        value = getattr(self, name)
        if value is None:
            what = _FIGURES.get(name, name)
            raise SizingError("gpu", f"{self.name}: no published {what} to estimate with.")
        return int(value)


_FIGURES: Final = {
    "flops_per_second": "dense 16-bit FLOP/s",
    "bandwidth_bytes_per_second": "memory bandwidth",
    "memory_bytes": "memory size",
}


@dataclass(frozen=True)
class Fit:
    """How many of one GPU hold a given number of bytes."""

    gpu: Gpu
    count: int
    usable_bytes: int


def fits_on(total_bytes: int, gpus: Sequence[Gpu], max_count: int | None = None) -> list[Fit]:
    """For each of ``gpus``, how many are needed to hold ``total_bytes``: ceil(bytes ÷
    usable memory), at least one. By memory only: it assumes the model splits evenly across
    devices and ignores interconnect, per-device copies and compute speed. Apple
    machines cannot pool memory, so counts above one mean "does not fit" for them in
    practice. GPUs whose memory is not known are left out, and so, with ``max_count``,
    are GPUs needing more.

    Llama 3 70B's weights in bf16 (141,107,412,992 bytes) need two H100s (80GB, which the
    driver reports as 85,520,809,984 bytes) or one H200:

    >>> h100 = Gpu("h100-sxm", "H100", "NVIDIA", 85_520_809_984, None, None, "")
    >>> h200 = Gpu("h200", "H200", "NVIDIA", 150_754_820_096, None, None, "")
    >>> [(fit.gpu.slug, fit.count) for fit in fits_on(141_107_412_992, [h100, h200])]
    [('h100-sxm', 2), ('h200', 1)]
    """
    size = check_integer("total_bytes", total_bytes, minimum=0)
    fits = [
        Fit(gpu, max(1, -(-size // usable)), usable)
        for gpu in gpus
        if (usable := gpu.usable_memory_bytes) is not None and usable > 0
    ]
    if max_count is not None:
        limit = check_integer("max_count", max_count, minimum=1)
        fits = [fit for fit in fits if fit.count <= limit]
    return fits
