"""What a page must never do on a phone, measured in the browser: scroll sideways, show an
element marked `hidden`, draw chart or diagram text smaller than 11 px on screen, or offer a
control smaller than 24 px to tap.

`layout_problems(page)` returns one line per fault on the page as it is now, so a test can
collect them over many pages and report them all at once.
"""

from __future__ import annotations

from typing import Any

SMALLEST_SVG_TEXT_PX = 11  # on screen, after the SVG is scaled to its box
SMALLEST_TARGET_PX = 24  # WCAG 2.2's 2.5.8 (AA)

# Run in the page. Each check returns strings naming the element, so a failure says where.
_PROBLEMS = """([smallestText, smallestTarget]) => {
    const problems = [];
    const where = (el) => {
        let name = el.tagName.toLowerCase();
        if (el.id) { name += "#" + el.id; }
        if (el.classList.length) { name += "." + [...el.classList].join("."); }
        const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
        return text ? `${name} ("${text}")` : name;
    };
    const shown = (el) => el.getClientRects().length > 0
        && getComputedStyle(el).visibility !== "hidden";

    const root = document.documentElement;
    if (root.scrollWidth > innerWidth) {
        // Name the elements that reach past the right edge, the outermost of each kind.
        const wide = [...document.body.querySelectorAll("*")].filter((el) => {
            const box = el.getBoundingClientRect();
            return box.width > 0 && box.right > innerWidth + 0.5;
        }).filter((el, _, all) => !all.includes(el.parentElement)).slice(0, 5);
        problems.push(`scrolls sideways: ${root.scrollWidth}px wide at ${innerWidth}px, `
            + `past the edge: ${wide.map(where).join(", ")}`);
    }

    for (const el of document.querySelectorAll("[hidden]")) {
        if (shown(el)) { problems.push(`marked hidden but shown: ${where(el)}`); }
    }

    for (const text of document.querySelectorAll("svg text")) {
        if (!shown(text) || !(text.textContent || "").trim()) { continue; }
        const matrix = text.getScreenCTM();
        if (!matrix) { continue; }
        const scale = Math.hypot(matrix.a, matrix.b);
        const size = parseFloat(getComputedStyle(text).fontSize) * scale;
        if (size < smallestText - 0.05) {
            problems.push(`SVG text at ${size.toFixed(1)}px on screen: ${where(text)}`);
        }
    }

    // Controls a reader taps: not the links inside running text (2.5.8 exempts those).
    const targets = document.querySelectorAll(
        "header a, header button, nav a, button, select, input:not([type=hidden]), summary, "
        + ".chip, .headerlink, .lesson-nav a, .share a, .letter-jump a, .card a, footer a");
    for (const el of targets) {
        if (!shown(el) || el.closest(".visually-hidden")) { continue; }
        // What a finger lands on: a card's link covers its card; a radio's label answers too.
        const area = (el.matches(".card-link") && el.closest(".card, .term-card"))
            || (el.matches("input") && el.closest("label")) || el;
        const box = area.getBoundingClientRect();
        if (box.width + 0.5 < smallestTarget || box.height + 0.5 < smallestTarget) {
            problems.push(`tap target ${box.width.toFixed(0)}×${box.height.toFixed(0)}px: `
                + where(el));
        }
    }
    return problems;
}"""


def layout_problems(page: Any) -> list[str]:
    found = page.evaluate(_PROBLEMS, [SMALLEST_SVG_TEXT_PX, SMALLEST_TARGET_PX])
    return [f"{page.url} at {page.viewport_size['width']}px: {problem}" for problem in found]
