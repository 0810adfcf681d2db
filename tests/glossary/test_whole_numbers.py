import pytest

from glossary.whole_numbers import whole_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("3", 3), ("003", 3), ("0", None), ("4", None), ("", None), ("-1", None),
     ("+1", None), ("1.0", None), (" 1", None), ("²", None), ("١", None), ("9" * 5000, None),
     ("0" * 5000 + "2", 2)],
)  # fmt: skip
def test_a_whole_number_is_ascii_digits_in_range(raw, expected):
    assert whole_number(raw, most=3) == expected


def test_the_least_can_be_zero():
    assert whole_number("0", least=0, most=9) == 0
    assert whole_number("10", least=0, most=9) is None
