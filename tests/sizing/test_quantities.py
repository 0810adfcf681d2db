"""Counts as people type them (sizing.quantities): exact, and clear errors naming the field."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sizing import SizingError, parse_context, parse_count, parse_fraction


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("70B", 70_000_000_000),
        ("70b", 70_000_000_000),
        ("1.5T", 1_500_000_000_000),
        ("15T", 15_000_000_000_000),
        ("32k", 32_000),
        ("128K", 128_000),
        ("8e9", 8_000_000_000),
        ("8E9", 8_000_000_000),
        ("7,000,000", 7_000_000),
        ("7_000_000", 7_000_000),
        ("  405 B ", 405_000_000_000),
        ("1.5e3", 1_500),
        ("0.5k", 500),
        ("6.7B", 6_700_000_000),
        ("0", 0),
        (8_000, 8_000),
    ],
)
def test_counts_are_read_exactly(text, expected):
    assert parse_count("params", text) == expected


def test_context_suffixes_are_powers_of_two():
    assert parse_context("context", "128K") == 131_072
    assert parse_context("context", "32k") == 32_768
    assert parse_context("context", "1M") == 1_048_576
    assert parse_context("context", "8192") == 8_192
    with pytest.raises(SizingError) as error:
        parse_context("context", "1T")
    assert error.value.field == "context"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "enter a number"),
        ("   ", "enter a number"),
        ("-5", "at least 0"),
        ("-70B", "at least 0"),
        ("NaN", "finite"),
        ("inf", "finite"),
        ("-Infinity", "finite"),
        ("1.5", "whole number"),
        ("1.0000000001k", "whole number"),
        ("1e400", "at most"),
        ("1e-400", "too close to zero"),
        ("2e18", "at most"),
        ("9" * 100, "too long"),
        ("70X", "unknown suffix"),
        ("seventy", "not a number"),
        ("1,00,000", "groups of three"),
        ("10**9", "not a number"),
    ],
)
def test_bad_counts_name_the_field(text, message):
    with pytest.raises(SizingError) as error:
        parse_count("params", text)
    assert error.value.field == "params"
    assert message in error.value.message


def test_non_text_is_refused():
    for value in (True, 1.5, None, Decimal("1")):
        with pytest.raises(SizingError) as error:
            parse_count("tokens", value)  # type: ignore[arg-type]
        assert error.value.field == "tokens"


def test_bounds_are_the_callers():
    assert parse_count("users", "1", minimum=1, maximum=10) == 1
    with pytest.raises(SizingError, match="at least 1"):
        parse_count("users", "0", minimum=1)
    with pytest.raises(SizingError, match="at most 10"):
        parse_count("users", "11", maximum=10)


def test_fractions_where_a_fraction_makes_sense():
    assert parse_fraction("ratio", "2.5") == Fraction(5, 2)
    assert parse_fraction("share", "0.92") == Fraction(23, 25)
    assert parse_fraction("share", "92%") == Fraction(23, 25)
    assert parse_fraction("share", "1e-3") == Fraction(1, 1000)
    with pytest.raises(SizingError) as error:
        parse_fraction("share", "150%", maximum=1)
    assert error.value.field == "share"
    with pytest.raises(SizingError) as error:
        parse_fraction("share", "2.5k")
    assert "unknown suffix" in error.value.message


@given(st.integers(min_value=0, max_value=10**18))
def test_any_count_written_out_reads_back(count):
    assert parse_count("params", str(count)) == count
    assert parse_count("params", f"{count:,}") == count


@given(st.integers(min_value=0, max_value=10**5), st.sampled_from(["k", "M", "B", "T"]))
def test_suffixes_multiply_exactly(count, suffix):
    scale = {"k": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}[suffix]
    assert parse_count("params", f"{count}{suffix}") == count * scale
    assert parse_count("params", f"{count}.5{suffix}") == count * scale + scale // 2
