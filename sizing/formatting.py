"""Numbers for humans: "8.0B" parameters, "16.06 GB" of memory.

Each result keeps the exact integer beside its short text, so a page can show "8.0B"
with 8,030,261,248 in a tooltip, and an API can send both. Rounding is done in exact
integer arithmetic, half up, so no float can tip "8.05B" either way by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sizing.validation import check_integer

Units = tuple[tuple[int, str], ...]

# Short scale, as model names use it: 7B = 7 × 10^9. Smallest unit first.
_COUNT_UNITS: Final[Units] = ((10**3, "K"), (10**6, "M"), (10**9, "B"), (10**12, "T"))
# Decimal bytes, as datasheets and disks count (the site's default) ...
_DECIMAL_BYTES: Final[Units] = (
    (10**3, "kB"),
    (10**6, "MB"),
    (10**9, "GB"),
    (10**12, "TB"),
    (10**15, "PB"),
)
# ... and binary bytes, as drivers and operating systems count (IEC 80000-13 names).
_BINARY_BYTES: Final[Units] = (
    (2**10, "KiB"),
    (2**20, "MiB"),
    (2**30, "GiB"),
    (2**40, "TiB"),
    (2**50, "PiB"),
)


@dataclass(frozen=True)
class HumanNumber:
    """A short rendering of an exact integer; ``str()`` gives the text."""

    exact: int
    text: str

    def __str__(self) -> str:
        return self.text


def human_count(n: int) -> HumanNumber:
    """3 -> "3", 101,770 -> "101.8K", 8,030,261,248 -> "8.0B", 1.7 × 10^12 -> "1.7T";
    from 1,000T on (FLOPs, tokens), scientific notation: 3.1 × 10^23 -> "3.1e23".

    >>> str(human_count(8_030_261_248)), str(human_count(101_770)), str(human_count(3))
    ('8.0B', '101.8K', '3')
    >>> human_count(1_700)
    HumanNumber(exact=1700, text='1.7K')
    """
    value = check_integer("n", n, minimum=0)
    if value < _COUNT_UNITS[0][0]:
        return HumanNumber(value, str(value))
    scaled = _scale(value, _COUNT_UNITS, decimals=1)
    if scaled is None:
        return HumanNumber(value, _scientific(value))
    number, unit = scaled
    return HumanNumber(value, f"{number}{unit}")


def human_bytes(n: int, *, binary: bool = False) -> HumanNumber:
    """16,060,522,496 -> "16.06 GB" (decimal, 10^9) or, with ``binary``, "14.96 GiB"
    (2^30). Under 1 kB: "512 B". Beyond the largest unit, it counts in that unit.

    >>> str(human_bytes(16_060_522_496)), str(human_bytes(16_060_522_496, binary=True))
    ('16.06 GB', '14.96 GiB')
    >>> str(human_bytes(512))
    '512 B'
    """
    value = check_integer("bytes", n, minimum=0)
    units = _BINARY_BYTES if binary else _DECIMAL_BYTES
    if value < units[0][0]:
        return HumanNumber(value, f"{value} B")
    scaled = _scale(value, units, decimals=2)
    if scaled is None:
        size, unit = units[-1]
        return HumanNumber(value, f"{_fixed(value, size, 2, grouped=True)} {unit}")
    number, unit = scaled
    return HumanNumber(value, f"{number} {unit}")


def _scale(value: int, units: Units, *, decimals: int) -> tuple[str, str] | None:
    """Render ``value`` in the largest unit it reaches; None if past the largest one.
    A value that rounds up to 1,000 of a unit moves up: 999,960 is "1.0M", not
    "1000.0K"."""
    index = max(i for i, (size, _) in enumerate(units) if value >= size)
    size = units[index][0]
    if _round_half_up(value * 10**decimals, size) >= 1000 * 10**decimals:
        index += 1
        if index == len(units):
            return None
    size, unit = units[index]
    return _fixed(value, size, decimals), unit


def _fixed(value: int, size: int, decimals: int, *, grouped: bool = False) -> str:
    """value ÷ size with ``decimals`` places, rounded half up."""
    scaled = _round_half_up(value * 10**decimals, size)
    whole, fraction = divmod(scaled, 10**decimals)
    whole_text = f"{whole:,}" if grouped else str(whole)
    return f"{whole_text}.{fraction:0{decimals}d}"


def _scientific(value: int) -> str:
    exponent = len(str(value)) - 1
    tenths = _round_half_up(value * 10, 10**exponent)
    if tenths >= 100:  # 9.96e23 rounds to 10.0e23: write it 1.0e24
        exponent += 1
        tenths = _round_half_up(value * 10, 10**exponent)
    return f"{tenths // 10}.{tenths % 10}e{exponent}"


def _round_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)
