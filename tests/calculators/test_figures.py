"""The figures filters: how the calculators print big numbers for people."""

from __future__ import annotations

from calculators.templatetags.figures import breakable, scientific


def test_scientific_writes_powers_of_ten_with_superscripts():
    assert scientific("7.74e21 FLOPs") == "7.74 × 10²¹ FLOPs"
    assert scientific("1.98e+25") == "1.98 × 10²⁵"
    assert scientific("3.2e-05 s") == "3.2 × 10⁻⁵ s"
    assert scientific("7.738e21 ÷ 3.958e14 ÷ 3,600") == "7.738 × 10²¹ ÷ 3.958 × 10¹⁴ ÷ 3,600"


def test_scientific_leaves_other_text_alone():
    for text in ["5,431", "llama-3e-8b", "bf16", "e5 base", "0.2 days"]:
        assert scientific(text) == text


def test_breakable_wraps_only_between_groups_of_digits_and_escapes():
    assert breakable("19,766,036 FLOPs") == "19,<wbr>766,<wbr>036 FLOPs"
    assert breakable("a, b") == "a, b"  # a comma in words is no digit group
    assert breakable("<b>1,000</b>") == "&lt;b&gt;1,<wbr>000&lt;/b&gt;"
