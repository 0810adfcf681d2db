"""Server-rendered, accessible SVG charts: a title, a description, and a text alternative
(the same figures as a list or table beside the chart). Colours come from CSS classes, so
the charts follow dark mode and the Content-Security-Policy needs no inline styles."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

_ids = itertools.count(1)


def breakdown_bar(title: str, items: list[tuple[str, int]], human: Callable[[int], str]) -> str:
    """One horizontal bar split into parts, with a legend."""
    total = sum(value for _, value in items)
    if total <= 0:
        return ""
    uid = next(_ids)
    width, bar_height, legend_row = 640, 36, 22
    height = bar_height + 16 + legend_row * len(items)
    description = "; ".join(
        f"{label}: {human(value)} ({value / total:.0%})" for label, value in items
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{uid}-title chart-{uid}-desc" width="{width}" height="{height}">',
        f'<title id="chart-{uid}-title">{escape(title)}</title>',
        f'<desc id="chart-{uid}-desc">{escape(description)}</desc>',
    ]
    x = 0.0
    for index, (label, value) in enumerate(items):
        w = width * value / total
        parts.append(
            f'<rect class="seg seg-{index % 6}" x="{x:.2f}" y="0" width="{max(w, 0.5):.2f}" '
            f'height="{bar_height}"><title>{escape(label)}: {escape(human(value))}</title></rect>'
        )
        x += w
    for index, (label, value) in enumerate(items):
        y = bar_height + 16 + legend_row * index
        parts.append(
            f'<rect class="seg seg-{index % 6}" x="0" y="{y}" width="14" height="14"/>'
            f'<text class="chart-label" x="22" y="{y + 12}">{escape(label)} — '
            f"{escape(human(value))} ({value / total:.0%})</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def log_scale_chart(rows: Sequence[Mapping[str, Any]]) -> str:
    """Models as bars on a logarithmic axis of parameters (one gridline per power of ten)."""
    if not rows:
        return ""
    uid = next(_ids)
    values = [row["parameters"] for row in rows]
    low = 10 ** math.floor(math.log10(min(values)))
    high = 10 ** math.ceil(math.log10(max(values)))
    if high == low:
        high *= 10
    label_width, width, row_height = 190, 700, 22
    plot = width - label_width - 70
    height = 30 + row_height * len(rows)

    def x(value: int) -> float:
        return label_width + plot * (math.log10(value) - math.log10(low)) / (
            math.log10(high) - math.log10(low)
        )

    smallest, largest = rows[0], rows[-1]
    description = (
        f"{len(rows)} models from {smallest['name']} ({smallest['display']}) to "
        f"{largest['name']} ({largest['display']}), "
        f"{largest['parameters'] / smallest['parameters']:,.0f} times larger, on a log scale."
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{uid}-title chart-{uid}-desc" width="{width}" height="{height}">',
        f'<title id="chart-{uid}-title">Model sizes on a logarithmic scale</title>',
        f'<desc id="chart-{uid}-desc">{escape(description)}</desc>',
    ]
    power = low
    while power <= high:
        gx = x(power)
        parts.append(
            f'<line class="grid" x1="{gx:.1f}" y1="0" x2="{gx:.1f}" y2="{height - 20}"/>'
            f'<text class="chart-axis" x="{gx:.1f}" y="{height - 4}" text-anchor="middle">'
            f"{_power_label(power)}</text>"
        )
        power *= 10
    for index, row in enumerate(rows):
        y = 4 + row_height * index
        bar_end = x(row["parameters"])
        css = "bar bar-estimate" if row["estimate"] else "bar"
        name = escape(row["name"]) + (" (estimate)" if row["estimate"] else "")
        parts.append(
            f'<text class="chart-label" x="{label_width - 8}" y="{y + 14}" text-anchor="end">'
            f"{name}</text>"
            f'<rect class="{css}" x="{label_width}" y="{y + 3}" '
            f'width="{max(bar_end - label_width, 1):.1f}" height="{row_height - 8}"/>'
            f'<text class="chart-value" x="{bar_end + 6:.1f}" y="{y + 14}">'
            f"{escape(row['display'])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _power_label(value: int) -> str:
    for size, unit in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if value >= size:
            return f"{value // size}{unit}"
    return str(value)
