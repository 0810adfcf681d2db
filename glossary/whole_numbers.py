"""A whole number from text a reader or editor typed: a page number, a size, an answer."""

from __future__ import annotations


def whole_number(raw: str, *, least: int = 1, most: int) -> int | None:
    """`raw` as a whole number from `least` to `most`, or None if it is not one.

    Only ASCII digits count ("²" is a digit to str.isdigit() but not to int()), and no more of
    them than `most` has, leading zeros aside: int() refuses strings of more than 4,300 digits,
    and a number that long is out of range anyway."""
    digits = raw.lstrip("0") or "0"
    if not (raw.isascii() and raw.isdigit()) or len(digits) > len(str(most)):
        return None
    number = int(digits)
    return number if least <= number <= most else None
