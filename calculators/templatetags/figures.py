"""How a calculator's figures are printed for people (the API keeps the exact integers).

`scientific` writes the programmer's "6.35e24" as "6.35 × 10²⁴"; the exact figure stays beside
it on the page (the headline's detail line, the working's exact products). `breakable` lets a
long exact figure wrap between its groups of three digits, never inside one, so it never runs
out of its card.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_E_NOTATION = re.compile(r"\b(\d+(?:\.\d+)?)e([+-]?)(\d+)\b")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_GROUP = re.compile(r"(?<=\d),(?=\d{3})")


def _power(match: re.Match[str]) -> str:
    mantissa, sign, exponent = match.groups()
    power = ("-" if sign == "-" else "") + str(int(exponent))
    return f"{mantissa} × 10{power.translate(_SUPERSCRIPT)}"


@register.filter
def scientific(value: object) -> str:
    """'1.98e25 FLOPs' -> '1.98 × 10²⁵ FLOPs'; text without e-notation is left as it is."""
    return _E_NOTATION.sub(_power, str(value))


@register.filter
def breakable(value: object) -> SafeString:
    """Escaped text with a <wbr> after each thousands separator: '19,766,036' may wrap as
    '19,766,' / '036', and nowhere else inside the number."""
    escaped = str(conditional_escape(str(value)))
    return mark_safe(_GROUP.sub(",<wbr>", escaped))  # noqa: S308 - escaped just above
