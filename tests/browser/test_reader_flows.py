"""What a reader does, in a real Chromium: browse, search, preview, calculate, learn, theme.

Every page here is also watched for console errors and requests to other hosts, and its HTML
is checked with the Nu HTML checker (see conftest.py).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from browser.checks import expect

from learning.models import Lesson

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("site_content"),
]


def _path(page) -> str:
    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_browse_from_the_index_to_a_term_and_on_to_a_related_term(open_page):
    page = open_page("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Glossary").click()
    expect(page).to_have_url(re.compile(r"/glossary/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Glossary A–Z")

    page.locator(".letter-group").get_by_role("link", name="KV cache", exact=True).click()
    expect(page).to_have_url(re.compile(r"/glossary/kv-cache/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("KV cache")

    related = page.locator("section.relations a.term-link").first
    name, href = related.get_attribute("data-name"), related.get_attribute("href")
    related.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    # And the way back: the related term lists KV cache among its own connections.
    expect(page.locator("section.relations").get_by_role("link", name="KV cache")).to_be_visible()


def test_search_suggests_as_you_type_and_the_keyboard_picks_a_suggestion(open_page):
    page = open_page("/")
    box = page.locator("#home-search-q")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "false")
    # The whole name: "kv" alone also starts "KV cache quantization", which may rank first.
    box.press_sequentially("kv cache", delay=50)

    listbox = page.locator("#home-search-suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("KV cache")
    first_url = options.first.get_attribute("data-url")
    # One line each: the kind, then the name with the letters the query matched marked.
    expect(options.first.locator(".result-kind")).to_have_text("Term")
    expect(options.first.locator(".suggestion-name")).to_have_text("KV cache")
    expect(options.first.locator(".suggestion-name mark").first).to_have_text("KV")
    expect(options.first.locator(".suggestion-definition")).to_be_visible()  # room for it here
    assert listbox.locator("mark").count() >= 3  # the FAQs and the lesson about the KV cache
    assert {text.lower() for text in listbox.locator("mark").all_inner_texts()} <= {
        "kv",
        "cache",
        "caches",
        "kv cache",
    }
    assert _more_than_one_line(options) == []

    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    box.press("ArrowDown")
    box.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(first_url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("KV cache")

    # Escape closes the suggestions and keeps the words; Enter with no suggestion chosen
    # then submits the search: the results page.
    box = page.locator("#site-search-q")
    listbox = page.locator("#site-search-suggestions")
    box.press_sequentially("quant", delay=50)
    expect(listbox.get_by_role("option").first).to_be_visible()
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("quant")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=quant$"))
    expect(page.locator("ol.results li.result").first).to_be_visible()
    expect(page.locator("ol.results")).to_contain_text("Quantization")


def _more_than_one_line(options) -> list[str]:
    """The suggestions whose name takes more than one line, or that overflow their box."""
    return options.evaluate_all(
        """items => items.filter(li => {
            const name = li.querySelector(".suggestion-name");
            const line = parseFloat(getComputedStyle(name).lineHeight);
            const tall = name.getBoundingClientRect().height > line + 1;
            return tall || li.scrollWidth > li.clientWidth;
        }).map(li => li.textContent)"""
    )


def test_suggestions_on_a_phone_mark_each_word_start_the_query_matched_on_one_line(open_page):
    page = open_page("/", viewport={"width": 390, "height": 844})
    box = page.locator("#home-search-q")
    listbox = page.locator("#home-search-suggestions")
    options = listbox.get_by_role("option")

    # Every word, whatever its case; the last one also as the start of a longer word.
    box.press_sequentially("Memory Calc", delay=30)
    calculator = options.filter(has=page.locator(".suggestion-name", has_text="Memory calculator"))
    expect(calculator.locator(".result-kind")).to_have_text("Calculator")
    expect(calculator.locator("mark")).to_have_text(["Memory", "calc"])
    # The phone's line is the name's alone: no summary squeezed in, nothing wider than the page.
    expect(calculator.locator(".suggestion-definition")).to_be_hidden()
    assert _more_than_one_line(options) == []
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    # Only word starts: "parameters" marks Parameters, not the inside of Hyperparameters.
    box.fill("")
    box.press_sequentially("parameters", delay=30)

    def named(name: str):
        exactly = page.locator(".suggestion-name", has_text=re.compile(f"^{name}$"))
        return options.filter(has=exactly)

    expect(named("Parameters").locator("mark")).to_have_text(["Parameters"])
    expect(named("Hyperparameters")).to_be_visible()
    expect(named("Hyperparameters").locator("mark")).to_have_count(0)

    # The keyboard still picks one: the second suggestion, then back up to the first.
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    box.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(options.nth(1)).to_have_attribute("aria-selected", "false")
    url = options.first.get_attribute("data-url")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))


def test_a_term_preview_on_hover_and_on_keyboard_focus_and_escape_dismisses_it(open_page):
    page = open_page("/glossary/kv-cache/")
    link = page.locator(".prose a.term-link[data-preview]").first
    name, definition = link.get_attribute("data-name"), link.get_attribute("data-preview")
    preview = page.locator("#term-preview")

    link.hover()
    expect(preview).to_be_visible()
    expect(preview).to_have_attribute("role", "tooltip")
    expect(preview.locator("strong")).to_have_text(name)
    expect(preview.locator("p")).to_have_text(definition)
    expect(link).to_have_attribute("aria-describedby", "term-preview")
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()
    expect(link).not_to_have_attribute("aria-describedby", "term-preview")

    # Now from the keyboard alone: Tab from the top of the page until the link has focus.
    page.mouse.move(0, 0)
    page.locator("body").focus()
    for _ in range(200):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail(f"Tab never reached the term link to {name}")
    expect(preview).to_be_visible()
    expect(preview.locator("strong")).to_have_text(name)
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()
    expect(link).to_be_focused()  # Escape closes the preview and leaves focus where it was


def _headline(page) -> str:
    # text_content, not inner_text: inner_text follows the layout, which differs while the
    # stylesheet of a page that has just navigated is still loading.
    return " ".join(page.locator("#calc-result dl.headline").text_content().split())


def test_a_calculator_updates_live_keeps_its_url_and_the_copied_link_restores_it(open_page):
    page = open_page("/calculators/memory/", permissions=["clipboard-read", "clipboard-write"])
    before = _headline(page)

    headline = page.locator("#calc-result dl.headline")
    page.locator("#id_model").select_option("llama-3-70b")
    expect(page).to_have_url(re.compile(r"model=llama-3-70b"))
    expect(headline).not_to_have_text(before)
    with_model = _headline(page)
    page.locator("#id_context").fill("32768")  # a longer context: a bigger KV cache
    expect(page).to_have_url(re.compile(r"context=32768"))
    expect(headline).not_to_have_text(with_model)
    # The page is not reloaded: the result region was updated in place.
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    expect(page.locator("#calc-result")).not_to_have_attribute("aria-busy", "true")
    result = _headline(page)

    share = page.locator("#calc-result a.share-link")
    href = share.get_attribute("href")
    query = parse_qs(urlsplit(href).query)
    assert query["model"] == ["llama-3-70b"] and query["context"] == ["32768"]
    assert parse_qs(urlsplit(page.url).query) == query

    # The copy button puts the same link on the clipboard.
    copy = page.locator("#calc-result button.copy-link")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("#calc-result .copy-status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == href

    fresh = open_page(None)
    fresh.goto(href)
    expect(fresh.locator("#id_model")).to_have_value("llama-3-70b")
    expect(fresh.locator("#id_context")).to_have_value("32768")
    assert _headline(fresh) == result


def test_a_calculator_works_without_javascript(open_page):
    page = open_page("/calculators/memory/", java_script_enabled=False)
    page.locator("#id_model").select_option("llama-3-70b")
    page.locator("#id_context").fill("32768")
    page.get_by_role("button", name="Calculate").click()
    expect(page).to_have_url(re.compile(r"/calculators/memory/\?.*model=llama-3-70b"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["context"] == ["32768"]
    without_js = _headline(page)
    assert "KV cache" in without_js

    # The same result as the live calculator shows for the same link.
    scripted = open_page(_path(page))
    assert _headline(scripted) == without_js


def test_a_knowledge_check_and_progress_that_survives_a_reload(open_page):
    lesson = Lesson.objects.filter(questions__isnull=False).order_by("guide__order", "order")[0]
    guide = lesson.guide
    questions = list(lesson.questions.prefetch_related("choices"))
    page = open_page(lesson.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)

    for question in questions:
        correct = next(c for c in question.choices.all() if c.is_correct)
        page.locator(f'input[name="{question.field_name}"][value="{correct.pk}"]').check()
    page.get_by_role("button", name="Check my answers").click()
    # Post, redirect, get: the result is a page of its own.
    expect(page).to_have_url(re.compile(re.escape(lesson.get_absolute_url()) + r"check/\?"))
    score = page.locator(".check-score")
    expect(score).to_have_text(f"You got {len(questions)} of {len(questions)} right.")
    expect(page.locator(".graded.is-right")).to_have_count(len(questions))
    # progress.js shows this button once it has recorded the result: wait for it before
    # leaving, or a fast test can navigate away before the deferred script has run.
    expect(page.locator("button.mark-done")).to_be_visible()
    # The page has written the record, but Chromium hands localStorage to the browser's other
    # pages a moment later: a next page loaded at once can still read the state before it (a
    # CI run saw the "continue" box without the tick). A second tab of the same reader sees the
    # record once it is stored browser-wide, so the guide page cannot load before it.
    witness = page.context.new_page()
    witness.goto(guide.get_absolute_url())
    witness.wait_for_function(
        """([guide, lesson]) => {
            try {
                const kept = JSON.parse(localStorage.getItem("wm-progress-v1"));
                return Boolean(kept[guide].done[lesson]);
            } catch (error) {
                return false;
            }
        }""",
        arg=[guide.slug, lesson.slug],
    )
    witness.close()

    page.goto(guide.get_absolute_url())
    box = page.locator("[data-continue-guide]")
    expect(box).to_be_visible()
    expect(box).to_contain_text(f"Continue where you left off: {lesson.title}")
    done = page.locator(f'.syllabus li[data-lesson="{lesson.slug}"]')
    expect(done).to_have_class(re.compile(r"\bis-done\b"))

    page.reload()
    expect(page.locator("[data-continue-guide]")).to_contain_text(
        f"Continue where you left off: {lesson.title}"
    )
    expect(done.locator(".done-mark")).to_be_visible()
    page.locator("[data-continue-guide] a").click()
    expect(page).to_have_url(re.compile(re.escape(lesson.get_absolute_url()) + "$"))

    # Back at the questions, the last score is shown.
    page.goto(lesson.get_absolute_url())
    expect(page.locator("[data-check-last]")).to_contain_text(
        f"Last time you got {len(questions)} of {len(questions)} right"
    )

    # Another reader (a fresh browser context) has no progress.
    other = open_page(guide.get_absolute_url())
    expect(other.locator("[data-continue-guide]")).to_be_hidden()


def test_a_half_answered_check_is_flagged_before_it_is_sent(open_page):
    lesson = (
        Lesson.objects.filter(questions__isnull=False).order_by("guide__order", "order").distinct()
    )
    lesson = next(each for each in lesson if each.questions.count() >= 2)
    questions = list(lesson.questions.prefetch_related("choices"))
    page = open_page(lesson.get_absolute_url())
    first = questions[0].choices.all()[0]
    page.locator(f'input[name="{questions[0].field_name}"][value="{first.pk}"]').check()
    page.get_by_role("button", name="Check my answers").click()
    # The browser refuses to send it: the page stays, the unanswered question is invalid.
    expect(page).to_have_url(re.compile(re.escape(lesson.get_absolute_url()) + "$"))
    unanswered = page.locator(f'input[name="{questions[1].field_name}"]').first
    assert unanswered.evaluate("input => !input.validity.valid")
    expect(page.locator(".check-score")).to_have_count(0)


def test_the_dark_mode_toggle_is_remembered_across_a_reload(open_page):
    page = open_page("/", color_scheme="light")
    html = page.locator("html")
    toggle = page.locator("button[data-theme-toggle]")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    light_background = page.evaluate("getComputedStyle(document.body).backgroundColor")

    toggle.click()
    expect(html).to_have_attribute("data-theme", "dark")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(html).to_have_attribute("data-theme", "dark")
    expect(page.locator("button[data-theme-toggle]")).to_have_attribute("aria-pressed", "true")
    dark_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark_background != light_background

    page.goto("/glossary/")  # and on every other page
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.locator("button[data-theme-toggle]").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
