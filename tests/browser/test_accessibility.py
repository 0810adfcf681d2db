"""axe-core on the pages a reader meets most, in light and in dark: zero WCAG 2.2 A/AA violations.

axe is loaded into the page with add_script_tag, which the site's CSP (script-src 'self') would
rightly block, so these contexts bypass the CSP; the flows in test_reader_flows.py run with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser.checks import axe_violations, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("site_content"),
]

PAGES = {
    "home": "/",
    "glossary index": "/glossary/",
    "term": "/glossary/kv-cache/",
    "search results": "/search/?q=memory",
    "search, a closest match": "/search/?q=paramters",
    "search, nothing found": "/search/?q=zzqxj",
    "lesson": "/learn/what-the-numbers-mean/memory-and-precision/",
    "calculator": "/calculators/memory/",
    "API documentation": "/api/",
    "404": "/glossary/no-such-term/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_main_pages_have_no_axe_violations(open_page, axe_source: Path, scheme: str):
    page = open_page(None, bypass_csp=True)
    page.emulate_media(color_scheme=scheme)
    problems: list[str] = []
    for name, path in PAGES.items():
        if name == "404":
            page.watch.expect_error_status(f"{page.origin}{path}")
        response = page.goto(path)
        assert response.status == (404 if name == "404" else 200), path
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (
            scheme == "dark"
        )
        problems += axe_violations(page, axe_source)

    # The states a reader brings about: suggestions open, a preview shown, a check answered.
    page.goto("/")
    page.locator("#home-search-q").press_sequentially("kv", delay=30)
    expect(page.locator("#home-search-suggestions")).to_be_visible()
    page.locator("#home-search-q").press("ArrowDown")
    problems += axe_violations(page, axe_source)

    page.goto(PAGES["term"])
    page.locator(".prose a.term-link[data-preview]").first.hover()
    expect(page.locator("#term-preview")).to_be_visible()
    problems += axe_violations(page, axe_source)

    page.goto(PAGES["lesson"])
    for fieldset in page.locator("fieldset.question").all():
        fieldset.locator("input[type=radio]").first.check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.locator(".check-score")).to_be_visible()
    problems += axe_violations(page, axe_source)

    assert problems == [], f"{len(problems)} axe violation(s) in {scheme}:\n" + "\n".join(problems)
