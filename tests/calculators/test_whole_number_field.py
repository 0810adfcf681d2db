"""WholeNumberField: the one parser of a whole number a reader or editor types (a page
number, a diagram's size, the id of an answer)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from calculators.forms import WholeNumberField


def cleaned(field: WholeNumberField, raw: str) -> int | None:
    """The number the field reads from `raw`, or None if it refuses it."""
    try:
        return field.clean(raw)
    except ValidationError:
        return None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("3", 3), ("003", 3), ("0", None), ("4", None), ("", None), ("-1", None),
     ("+1", None), ("1.0", None), (" 1", None), ("²", None), ("١", None), ("9" * 5000, None),
     ("0" * 5000 + "2", 2)],
)  # fmt: skip
def test_a_whole_number_is_ascii_digits_in_range(raw, expected):
    assert cleaned(WholeNumberField(max_value=3), raw) == expected


def test_the_least_can_be_zero():
    field = WholeNumberField(min_value=0, max_value=9)
    assert cleaned(field, "0") == 0
    assert cleaned(field, "10") is None


@pytest.mark.parametrize("raw", ["0", "4", "x", "1 ", "١", "9" * 5000])
def test_every_refusal_names_the_range(raw):
    with pytest.raises(ValidationError) as refused:
        WholeNumberField(max_value=3).clean(raw)
    assert refused.value.messages == ["Enter a whole number from 1 to 3."]


@pytest.mark.parametrize("raw", ["x" * 60, "-1", "9" * 5000, "10"])
def test_a_message_may_quote_what_was_typed(raw):
    field = WholeNumberField(max_value=9, message="“%(value).5s” is not a digit.")
    with pytest.raises(ValidationError) as refused:
        field.clean(raw)
    assert refused.value.messages == [f"“{raw[:5]}” is not a digit."]


def test_an_optional_field_left_empty_is_none():
    assert WholeNumberField(max_value=3, required=False).clean("") is None
