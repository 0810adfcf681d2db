"""Phones first: the key pages at the narrowest phone widths, with and without JavaScript.

Every page of the site is also checked at 390 px by the crawl (test_site_crawl.py); these are
the pages a reader meets first, at 320 px (the narrowest phone in use) and 430 px (the widest),
and in the states a reader brings about.
"""

from __future__ import annotations

import re

import pytest
from browser.checks import expect
from browser.layout import layout_problems

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("site_content"),
]

BIG_TRAINING_RUN = "/calculators/training/?model=llama-3-1-405b&gpus=16&price=2.50"  # $34,680,178
KEY_PAGES = [
    "/",
    "/glossary/",
    "/glossary/kv-cache/",
    "/glossary/parameters/",
    "/learn/",
    "/learn/what-the-numbers-mean/",
    "/learn/what-the-numbers-mean/memory-and-precision/",
    "/learn/what-the-numbers-mean/what-a-parameter-is/",
    "/calculators/",
    "/calculators/parameters/",
    "/calculators/memory/",
    "/calculators/training/",
    BIG_TRAINING_RUN,
    "/calculators/inference/",
    "/calculators/scale/",
    "/embed/calculators/memory/",
    "/search/?q=memory",
]


@pytest.mark.parametrize("width", [320, 430])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_key_pages_fit_a_phone(open_page, width, javascript):
    page = open_page(None, viewport={"width": width, "height": 800}, java_script_enabled=javascript)
    problems: list[str] = []
    for path in KEY_PAGES:
        page.goto(path)
        problems += layout_problems(page)
    assert problems == [], f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_no_button_marked_hidden_shows_before_its_script_says_so(open_page):
    # Without JavaScript nothing un-hides them: Share, Copy link, Dark mode, Mark as done and
    # Reset must all stay out of sight (a plain `button {display: …}` rule used to win).
    page = open_page(None, java_script_enabled=False)
    for path in ["/glossary/kv-cache/", "/learn/what-the-numbers-mean/", KEY_PAGES[6]]:
        page.goto(path)
        for button in page.locator("button[hidden]").all():
            expect(button).to_be_hidden()
        assert page.locator("button[hidden]").count() >= 2, path


def test_the_working_is_stacked_steps_on_a_phone_and_a_table_on_a_desktop(open_page):
    page = open_page("/calculators/training/", viewport={"width": 390, "height": 844})
    steps = page.locator("table.steps")
    cells = steps.locator("tbody tr").first.locator("th, td")
    boxes = [cell.bounding_box() for cell in cells.all()]
    # One step a block: its label, formula and result one under the other, full width.
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    width = steps.bounding_box()["width"]
    assert all(box["width"] > width * 0.8 for box in boxes[1:])
    # No figure is broken inside a number: each formula token keeps to one line.
    assert page.evaluate(_NUMBERS_BROKEN, "table.steps td") == []

    page.set_viewport_size({"width": 1280, "height": 800})
    boxes = [cell.bounding_box() for cell in cells.all()]
    assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"]  # a row again


# The numbers (digits with their separators and units glued on) whose text is on more than one
# line: each is wrapped in a Range and its client rects counted.
_NUMBERS_BROKEN = """(selector) => {
    const broken = [];
    for (const cell of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.data.matchAll(/[$]?\\d[\\d,.]*(e\\d+)?/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
                if (lines.size > 1) { broken.push(match[0]); }
            }
        }
    }
    return broken;
}"""


def test_the_headline_figures_never_overflow_their_cards(open_page):
    page = open_page(None, viewport={"width": 320, "height": 800})
    for path in [BIG_TRAINING_RUN, "/calculators/memory/"]:
        page.goto(path)
        overflowing = page.locator("dl.headline > div").evaluate_all(
            "cards => cards.filter(c => c.scrollWidth > c.clientWidth).map(c => c.textContent)"
        )
        assert overflowing == [], path


def test_the_table_of_contents_comes_first_on_a_phone_and_opens_without_javascript(open_page):
    page = open_page(None, viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page.goto("/glossary/kv-cache/")
    toc = page.locator("details.page-toc")
    body = page.locator(".term-main .prose").first
    assert toc.bounding_box()["y"] < body.bounding_box()["y"]
    expect(toc).not_to_have_attribute("open", re.compile(".*"))
    toc.locator("summary").click()
    expect(toc.locator("a").first).to_be_visible()


def test_the_table_of_contents_is_open_and_sticks_on_a_desktop(open_page):
    page = open_page("/glossary/kv-cache/", viewport={"width": 1280, "height": 800})
    toc = page.locator("details.page-toc")
    expect(toc).to_have_attribute("open", "")
    expect(toc.locator("a").first).to_be_visible()
    page.mouse.wheel(0, 2000)
    page.wait_for_function("scrollY > 1000")
    box = toc.bounding_box()
    assert 0 <= box["y"] < 200  # still in view after the reader has scrolled on


def test_the_phone_header_is_compact_with_one_search_box(open_page):
    page = open_page(None, viewport={"width": 390, "height": 844})
    for path in ["/", "/glossary/kv-cache/", "/calculators/memory/"]:
        page.goto(path)
        header = page.locator("header.site-header").bounding_box()
        assert header["height"] <= 844 * 0.15, (path, header)
        boxes = page.locator("input[type=search]").evaluate_all(
            "inputs => inputs.filter(i => i.getClientRects().length"
            " && i.getBoundingClientRect().top < innerHeight).length"
        )
        assert boxes <= 1, path
        search = page.get_by_role("link", name="Search")
        expect(search).to_be_visible()
    search.click()
    expect(page).to_have_url(re.compile(r"/search/$"))


def test_the_theme_button_says_whether_dark_mode_is_on(open_page):
    page = open_page("/", color_scheme="dark")
    toggle = page.get_by_role("button", name="Dark mode")
    expect(toggle).to_have_attribute("aria-pressed", "true")  # the system's dark, followed
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")


def test_next_is_on_the_right_in_the_lesson_navigation(open_page):
    page = open_page(None, viewport={"width": 390, "height": 844})
    for path in [
        "/learn/what-the-numbers-mean/what-a-parameter-is/",  # the first: no previous lesson
        "/learn/what-the-numbers-mean/memory-and-precision/",
    ]:
        page.goto(path)
        nav = page.get_by_role("navigation", name="Lessons").bounding_box()
        following = page.locator(".lesson-nav a[rel=next]").bounding_box()
        assert following["x"] + following["width"] > nav["x"] + nav["width"] - 2, path
