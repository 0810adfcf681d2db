"""Server-rendered, accessible charts: a figure with a visible title and a description in
words, its labels and figures in HTML and only its bars in SVG.

Text drawn inside an SVG shrinks with the drawing: on a phone a 640-unit chart's 13-unit
labels came out at about 6 px. HTML text keeps the size the stylesheet gives it at any width,
and each bar is an SVG stretched to the width its row has (preserveAspectRatio="none"), so the
bars' lengths stay exact. Colours come from CSS classes, so the charts follow dark mode and
the Content-Security-Policy needs no inline styles. Each chart also has its text alternative
beside it on the page (a legend, or the same figures as a table).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from html import escape
from typing import Any

_ids = itertools.count(1)
BAR_UNITS = 1000  # the width every bar is drawn in; the browser stretches it to the row


def _figure(uid: int, title: str, description: str, body: str, kind: str) -> str:
    return (
        f'<figure class="chart chart-{kind}" aria-labelledby="chart-{uid}-title" '
        f'aria-describedby="chart-{uid}-desc">'
        f'<figcaption class="chart-title" id="chart-{uid}-title">{escape(title)}</figcaption>'
        f'<p class="visually-hidden" id="chart-{uid}-desc">{escape(description)}</p>'
        f"{body}</figure>"
    )


def breakdown_bar(title: str, items: list[tuple[str, int]], human: Callable[[int], str]) -> str:
    """One horizontal bar split into parts, with a legend that carries the figures."""
    total = sum(value for _, value in items)
    if total <= 0:
        return ""
    uid = next(_ids)
    description = "; ".join(
        f"{label}: {human(value)} ({value / total:.0%})" for label, value in items
    )
    bar = [
        f'<svg class="chart-bar" viewBox="0 0 {BAR_UNITS} 10" preserveAspectRatio="none" '
        'width="100%" height="32" aria-hidden="true" focusable="false">'
    ]
    x = 0.0
    for index, (_, value) in enumerate(items):
        w = BAR_UNITS * value / total
        bar.append(
            f'<rect class="seg seg-{index % 6}" x="{x:.2f}" y="0" width="{max(w, 0.5):.2f}" '
            'height="10"/>'
        )
        x += w
    bar.append("</svg>")
    legend = ['<ul class="chart-legend">']
    for index, (label, value) in enumerate(items):
        legend.append(
            f'<li><span class="swatch seg-{index % 6}"></span><span class="label">'
            f'{escape(label)}</span> <span class="value">{escape(human(value))}</span> '
            f'<span class="share-of">{value / total:.0%}</span></li>'
        )
    legend.append("</ul>")
    return _figure(uid, title, description, "".join(bar + legend), "breakdown")


def log_scale_chart(rows: Sequence[Mapping[str, Any]], *, chosen: Collection[str] = ()) -> str:
    """Models as bars on a logarithmic axis of parameters (one gridline per power of ten),
    the `chosen` models' rows (by slug) highlighted."""
    if not rows:
        return ""
    uid = next(_ids)
    values = [row["parameters"] for row in rows]
    low_power = math.floor(math.log10(min(values)))
    high_power = math.ceil(math.log10(max(values)))
    if high_power == low_power:
        high_power += 1
    span = high_power - low_power

    def x(value: int) -> float:
        return BAR_UNITS * (math.log10(value) - low_power) / span

    smallest, largest = rows[0], rows[-1]
    description = (
        f"{len(rows)} models from {smallest['name']} ({smallest['display']}) to "
        f"{largest['name']} ({largest['display']}), "
        f"{largest['parameters'] / smallest['parameters']:,.0f} times larger, on a log scale."
    )
    grid = "".join(
        f'<line class="grid" x1="{BAR_UNITS * step / span:.1f}" y1="0" '
        f'x2="{BAR_UNITS * step / span:.1f}" y2="10" vector-effect="non-scaling-stroke"/>'
        for step in range(span + 1)
    )
    parts = ['<ol class="scale-rows">']
    for row in rows:
        is_chosen = row["slug"] in chosen
        css = "bar bar-estimate" if row["estimate"] else "bar"
        name = escape(row["name"]) + (" (estimate)" if row["estimate"] else "")
        marker = '<span class="visually-hidden"> (chosen)</span>' if is_chosen else ""
        parts.append(
            f'<li class="scale-row{" is-chosen" if is_chosen else ""}">'
            f'<span class="scale-name">{name}{marker}</span>'
            f'<span class="scale-value">{escape(row["display"])}</span>'
            f'<svg class="scale-bar" viewBox="0 0 {BAR_UNITS} 10" preserveAspectRatio="none" '
            f'width="100%" height="14" aria-hidden="true" focusable="false">{grid}'
            f'<rect class="{css}" x="0" y="1" width="{max(x(row["parameters"]), 2):.1f}" '
            f'height="8" vector-effect="non-scaling-stroke"/></svg></li>'
        )
    parts.append("</ol>")
    parts.append('<ol class="scale-axis" aria-hidden="true">')
    parts.extend(
        f"<li>{_power_label(10**power)}</li>" for power in range(low_power, high_power + 1)
    )
    parts.append("</ol>")
    return _figure(uid, "Model sizes on a logarithmic scale", description, "".join(parts), "scale")


def _power_label(value: int) -> str:
    for size, unit in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if value >= size:
            return f"{value // size}{unit}"
    return str(value)
