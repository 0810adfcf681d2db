"""The colour tokens keep every text/background pair the site uses readable: WCAG 2.2 AA's
contrast ratios, computed from static/css/tokens.css itself, in the light and dark themes.

A token changed into an unreadable one fails here, whatever page it would have shown up on;
axe (tests/browser/test_accessibility.py) checks the pages as drawn.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TOKENS = Path(__file__).resolve().parents[1] / "static" / "css" / "tokens.css"
PAIR = re.compile(r"--([a-z0-9-]+):\s*light-dark\(\s*(#[0-9a-f]{6})\s*,\s*(#[0-9a-f]{6})\s*\)")

TEXT = 4.5  # body text (1.4.3)
EDGE = 3.0  # large text, and the edges and focus rings of controls (1.4.11)

SURFACES = ["bg", "surface", "surface-2", "callout"]
# (foreground, background, the ratio it needs): every pair site.css draws text or an edge with.
PAIRS = [
    *((text, surface, TEXT) for text in ["fg", "muted", "link", "visited"] for surface in SURFACES),
    *((text, surface, TEXT) for text in ["error", "ok"] for surface in ["bg", "surface"]),
    ("fg", "accent-soft", TEXT),  # a pressed button, a selected suggestion
    ("link", "accent-soft", TEXT),
    ("accent-fg", "accent", TEXT),  # the buttons
    ("accent-fg", "accent-hover", TEXT),
    ("warn", "warn-bg", TEXT),
    ("fg", "mark-bg", TEXT),
    ("fg", "code-bg", TEXT),
    ("muted", "code-bg", TEXT),
    ("highlight", "surface", TEXT),  # the chosen models' names in the scale chart
    *(("control-line", surface, EDGE) for surface in SURFACES),
    *(("focus", surface, EDGE) for surface in SURFACES),
    *(("accent", surface, EDGE) for surface in SURFACES),  # bars and the brand against the page
]


def tokens() -> dict[str, dict[str, str]]:
    found = PAIR.findall(TOKENS.read_text().lower())
    return {
        "light": {name: light for name, light, _ in found},
        "dark": {name: dark for name, _, dark in found},
    }


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_ratio_is_wcags():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # famously just short


def test_every_colour_the_pairs_name_is_a_token_in_both_themes():
    names = {name for pair in PAIRS for name in pair[:2]}
    for theme, values in tokens().items():
        assert names <= values.keys(), (theme, names - values.keys())


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_and_edge_pair_meets_wcag_aa(theme):
    values = tokens()[theme]
    failing = [
        f"--{fg} on --{bg}: {contrast(values[fg], values[bg]):.2f} < {needed}"
        for fg, bg, needed in PAIRS
        if contrast(values[fg], values[bg]) < needed
    ]
    assert failing == []


def test_the_stylesheets_use_only_colours_from_the_tokens():
    # A colour typed into site.css would escape the checks above (the series colours of the
    # charts are fills, not text, and are tokens too).
    site = (TOKENS.parent / "site.css").read_text()
    site = re.sub(r"/\*.*?\*/", "", site, flags=re.DOTALL)
    print_rules = site[site.index("@media print") :]
    typed = set(re.findall(r"#[0-9a-fA-F]{3,8}\b", site.replace(print_rules, "")))
    assert typed == set()
