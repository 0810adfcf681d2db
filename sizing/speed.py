"""Expected decode speed: a range beside the memory-bandwidth ceiling, calibrated on
published measurements.

At batch 1 every generated token reads every weight it uses once, so tokens per second
cannot beat bandwidth ÷ bytes read per token (the ceiling). Real runs reach part of it:
kernels, attention over the context, synchronisation and, for fast small models, fixed
per-token overheads take their share. How large a share depends mostly on how fast the
ceiling is: a 70B model on a Mac spends nearly all its time streaming weights (measured
at 0.8 of the ceiling), a 1B model on an RTX 4090 mostly in overheads (0.5). So the
measured/ceiling ratio is banded by the ceiling's speed, each band spanning what
published runs showed (``docs/catalog-research/measurements.yaml``, 52 single-card and
pipeline runs; the table's sources are given per row).

A mixture of experts reads its active parameters only at batch 1 (the experts its
token is routed to); at larger batches the tokens choose different experts and most of
them are read each step, so the batch-1 ceiling no longer holds.

Tensor-parallel runs are not banded: the two published ones reached 0.46 and 0.02 of
the summed bandwidth of their cards, too few and too far apart to calibrate on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final, Literal

from sizing.validation import Number, SizingError, check_integer, check_number

MEASUREMENTS: Final = "docs/catalog-research/measurements.yaml"

# Ceiling speeds (tokens/s) where one band ends and the next begins.
BAND_EDGES: Final = (30, 100, 250)
# The range may be no wider than this (high ÷ low).
MAX_WIDTH: Final = Fraction(5, 2)

Split = Literal["layer", "tensor"]


@dataclass(frozen=True)
class Band:
    """Measured ÷ ceiling spans ``low`` to ``high`` for ceilings in [``start``, ``end``)
    tokens per second (``end`` None: no upper end)."""

    start: int
    end: int | None
    low: Fraction
    high: Fraction

    def holds(self, ceiling: Fraction) -> bool:
        return self.start <= ceiling and (self.end is None or ceiling < self.end)


@dataclass(frozen=True)
class CalibrationPoint:
    """One published measurement against its ceiling."""

    id: str
    ceiling: Fraction  # tokens/s: bandwidth ÷ bytes one token reads
    measured: Fraction  # tokens/s as published

    @property
    def ratio(self) -> Fraction:
        return self.measured / self.ceiling


_UNITS: Final = {"GiB": 2**30, "MiB": 2**20, "GB": 10**9}


def calibration_point(record: Mapping[str, Any], bandwidth: int) -> CalibrationPoint:
    """One row of ``MEASUREMENTS`` (as parsed, a mapping) against its ceiling, with the
    bandwidth of its hardware in bytes/s. The bytes a token reads are the file's size,
    scaled by active ÷ total parameters for a mixture of experts; tensor-parallel runs
    add their cards' bandwidths, pipeline ("layer") runs take one card's. Figures are
    read exactly through their decimal text. A serving benchmark's decode speed is
    1000 ÷ its time per output token (``tps_derived``).

    >>> row = {"id": "x", "file_size": {"value": 4.58, "unit": "GiB"},
    ...        "params": {"total": 8030000000, "active": None}, "count": 1,
    ...        "split": None, "decode": {"tps": 127.74}}
    >>> point = calibration_point(row, 1_008_000_000_000)
    >>> round(float(point.ceiling), 1), round(float(point.ratio), 3)
    (205.0, 0.623)
    """
    size = record["file_size"]
    if size["unit"] not in _UNITS:
        raise SizingError("file_size", f"unknown unit {size['unit']!r}")
    read = Fraction(str(size["value"])) * _UNITS[size["unit"]]
    params = record["params"]
    if params.get("active"):
        read = read * params["active"] / params["total"]
    rate = Fraction(check_integer("bandwidth", bandwidth, minimum=1))
    if record.get("split") == "tensor":
        rate *= record["count"]
    decode = record["decode"]
    measured = decode.get("tps") or decode.get("tps_derived")
    if not measured:
        raise SizingError("decode", f"{record['id']}: no decode speed")
    return CalibrationPoint(str(record["id"]), rate / read, Fraction(str(measured)))


def _hundredths(value: Fraction, rounding: Literal["down", "up"]) -> Fraction:
    scaled = value * 100
    whole = math.floor(scaled) if rounding == "down" else math.ceil(scaled)
    return Fraction(whole, 100)


def fit_bands(
    points: Sequence[CalibrationPoint], edges: Sequence[int] = BAND_EDGES
) -> tuple[Band, ...]:
    """Bands from measurements: in each ceiling bucket, the lowest and highest ratio,
    widened outward to hundredths. Every bucket needs at least two points.

    >>> pts = [CalibrationPoint("a", Fraction(10), Fraction(5)),
    ...        CalibrationPoint("b", Fraction(20), Fraction(16)),
    ...        CalibrationPoint("c", Fraction(200), Fraction(100)),
    ...        CalibrationPoint("d", Fraction(300), Fraction(120))]
    >>> [(b.start, b.end, str(b.low), str(b.high)) for b in fit_bands(pts, edges=(100,))]
    [(0, 100, '1/2', '4/5'), (100, None, '2/5', '1/2')]
    """
    starts = (0, *edges)
    ends: tuple[int | None, ...] = (*edges, None)
    bands = []
    for start, end in zip(starts, ends, strict=True):
        ratios = [
            p.ratio for p in points if start <= p.ceiling and (end is None or p.ceiling < end)
        ]
        if len(ratios) < 2:
            raise SizingError("points", f"the band from {start} t/s needs two measurements")
        bands.append(
            Band(start, end, _hundredths(min(ratios), "down"), _hundredths(max(ratios), "up"))
        )
    return tuple(bands)


# fit_bands over every single-card and pipeline run in MEASUREMENTS (52 of 54; the two
# tensor-parallel runs left out). tests/sizing/test_speed.py refits them from the file.
BANDS: Final = (
    Band(0, 30, Fraction(43, 100), Fraction(93, 100)),
    Band(30, 100, Fraction(40, 100), Fraction(96, 100)),
    Band(100, 250, Fraction(41, 100), Fraction(75, 100)),
    Band(250, None, Fraction(27, 100), Fraction(63, 100)),
)


def decode_ceiling(bytes_per_token: int, bandwidth: int, *, cards: int = 1) -> Fraction:
    """Tokens per second at batch 1 if nothing but reading weights took time:
    bandwidth ÷ bytes each token reads (for a mixture of experts, its active weights).
    Over ``cards`` in tensor parallel each card reads its share at once, so the
    bandwidths add; in a pipeline the cards take turns, so pass one card's.

    >>> decode_ceiling(4_920_000_000, 1_008_000_000_000)
    Fraction(8400, 41)
    """
    read = check_integer("bytes_per_token", bytes_per_token, minimum=1)
    rate = check_integer("bandwidth", bandwidth, minimum=1)
    count = check_integer("cards", cards, minimum=1)
    return Fraction(rate * count, read)


@dataclass(frozen=True)
class ExpectedSpeed:
    """An expected decode range beside its ceiling; ``low`` and ``high`` are None where
    no band is calibrated (tensor parallel)."""

    ceiling: Fraction
    low: Fraction | None
    high: Fraction | None
    band: Band | None
    method: str


def expected_speed(
    ceiling: Number, *, split: Split | None = None, bands: Sequence[Band] = BANDS
) -> ExpectedSpeed:
    """The decode range a published run would be expected in: the ceiling × its band's
    ratios. ``split="layer"`` (a pipeline over cards) uses the same bands, the ceiling
    taken from one card's bandwidth; ``split="tensor"`` gives no range.

    An 8B model at ~4.9 bits on an RTX 4090 (ceiling 205 t/s; llama-bench measured 128):

    >>> speed = expected_speed(Fraction(8400, 41))
    >>> round(float(speed.low)), round(float(speed.high))
    (84, 154)
    """
    top = check_number("ceiling", ceiling, minimum=0, maximum=10**9, allow_minimum=False)
    if split not in (None, "layer", "tensor"):
        raise SizingError("split", "must be layer or tensor")
    if split == "tensor":
        return ExpectedSpeed(
            top,
            None,
            None,
            None,
            "tensor parallel: not calibrated (two published runs, 0.46 and 0.02 of the "
            "cards' summed-bandwidth ceiling); the ceiling alone is shown",
        )
    band = next(b for b in bands if b.holds(top))
    end = "up" if band.end is None else f"to {band.end}"
    method = (
        f"ceiling × {float(band.low):.2f} to {float(band.high):.2f}: the measured share "
        f"of the ceiling in published runs whose ceiling was {band.start} {end} t/s"
    )
    return ExpectedSpeed(top, top * band.low, top * band.high, band, method)
