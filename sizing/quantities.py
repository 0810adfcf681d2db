"""Counts as people type them: ``70B``, ``1.5T``, ``32k``, ``8e9``, ``7,000,000``.

Read exactly through ``Decimal`` and ``Fraction`` (never a float): "1.5T" is
1,500,000,000,000 to the unit. Suffixes are decimal (k = 10^3, M = 10^6, B or G = 10^9,
T = 10^12) except for context lengths, where model cards mean powers of two ("128K" is
131,072 tokens in Llama 3.1's config): ``parse_context`` reads k as 2^10 and M as 2^20.
Every error is a ``SizingError`` naming the field.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Final

from sizing.validation import SizingError

MAX_COUNT: Final = 10**18
MAX_INPUT_CHARS: Final = 64

DECIMAL_SUFFIXES: Final = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9, "t": 10**12}
BINARY_SUFFIXES: Final = {"": 1, "k": 2**10, "m": 2**20}

_NUMBER: Final = re.compile(
    r"(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(?P<suffix>[a-z]?)", re.IGNORECASE
)
_GROUPED: Final = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def _read(field: str, text: object, suffixes: dict[str, int]) -> Fraction:
    if isinstance(text, bool):
        raise SizingError(field, "must be a number")
    if isinstance(text, int):
        return Fraction(text)
    if not isinstance(text, str):
        raise SizingError(field, "must be a number")
    cleaned = text.strip().replace("_", "")
    if not cleaned:
        raise SizingError(field, "enter a number")
    if len(cleaned) > MAX_INPUT_CHARS:
        raise SizingError(field, "is too long to be a number")
    if cleaned.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise SizingError(field, "must be a finite number")
    if "," in cleaned:
        head = re.match(r"[^a-zA-Z\s]*", cleaned)
        if head is None or not _GROUPED.fullmatch(head.group()):
            raise SizingError(field, "use commas only between groups of three digits")
        cleaned = cleaned.replace(",", "")
    match = _NUMBER.fullmatch(cleaned)
    if match is None:
        raise SizingError(field, f"not a number: {text.strip()!r}")
    suffix = match["suffix"].lower()
    if suffix not in suffixes:
        names = ", ".join(s.upper() for s in suffixes if s)
        raise SizingError(field, f"unknown suffix {match['suffix']!r}; use {names}")
    try:
        number = Decimal(match["number"])
    except InvalidOperation:
        raise SizingError(field, f"not a number: {text.strip()!r}") from None
    # Refuse absurd exponents before building the exact value (1e400, 1e-999999).
    if number and number.adjusted() > 30:
        raise SizingError(field, f"must be at most {MAX_COUNT:,}")
    if number and number.adjusted() < -30:
        raise SizingError(field, "is too close to zero to read")
    return Fraction(number) * suffixes[suffix]


def _count(field: str, value: Fraction, minimum: int, maximum: int) -> int:
    if value < minimum:
        raise SizingError(field, f"must be at least {minimum:,}")
    if value > maximum:
        raise SizingError(field, f"must be at most {maximum:,}")
    if value.denominator != 1:
        raise SizingError(field, "must be a whole number")
    return int(value)


def parse_count(field: str, text: str | int, *, minimum: int = 0, maximum: int = MAX_COUNT) -> int:
    """A whole count with an optional decimal suffix (parameters, tokens, bytes).

    >>> parse_count("params", "70B"), parse_count("params", "1.5T")
    (70000000000, 1500000000000)
    >>> parse_count("tokens", "15T"), parse_count("params", "8e9")
    (15000000000000, 8000000000)
    >>> parse_count("params", "7,000,000"), parse_count("tokens", "32k")
    (7000000, 32000)
    >>> parse_count("params", "1.5")
    Traceback (most recent call last):
    ...
    sizing.validation.SizingError: params: must be a whole number
    """
    return _count(field, _read(field, text, DECIMAL_SUFFIXES), minimum, maximum)


def parse_context(
    field: str, text: str | int, *, minimum: int = 0, maximum: int = MAX_COUNT
) -> int:
    """A context length: k is 1,024 tokens and M 1,048,576, as model cards mean them;
    plain numbers are taken as written.

    >>> parse_context("context", "128K"), parse_context("context", "32k")
    (131072, 32768)
    >>> parse_context("context", "8192")
    8192
    """
    return _count(field, _read(field, text, BINARY_SUFFIXES), minimum, maximum)


def parse_fraction(
    field: str, text: str | int, *, minimum: int | Fraction = 0, maximum: int | Fraction = MAX_COUNT
) -> Fraction:
    """A number where a fraction makes sense (a share, a ratio, a price), exactly; ``%``
    divides by 100.

    >>> parse_fraction("ratio", "2.5"), parse_fraction("share", "92%")
    (Fraction(5, 2), Fraction(23, 25))
    """
    if isinstance(text, str) and text.strip().endswith("%"):
        value = _read(field, text.strip()[:-1], {"": 1}) / 100
    else:
        value = _read(field, text, {"": 1})
    if value < minimum:
        raise SizingError(field, f"must be at least {float(minimum):g}")
    if value > maximum:
        raise SizingError(field, f"must be at most {float(maximum):g}")
    return value
