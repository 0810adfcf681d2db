"""XSS payloads saved through the admin into every Markdown field never run, in a real Chromium.

tests/test_xss_admin.py reads the stored HTML; this reads the pages, as the editor who saved the
payloads and a reader then see them. Every browser context here:
- bypasses the Content-Security-Policy, so what is proved is that the sanitiser and the
  templates leave nothing that could run, not only that the CSP would block it (with the CSP on,
  a blocked script is a console error, which the page watch fails anyway);
- gets a trap before any page script: `__xss(name)`, which the payloads call, and wrapped
  `alert`, `confirm`, `prompt` and `print` report every call to the test, from any frame, and
  every dialog is recorded (then dismissed);
- stops a click on a link to an ordinary address (http:, https:, mailto:), so the test can click
  every link and stay on the page, but lets a javascript:, data: or vbscript: link through, to
  run if it can.

The editor's admin pages run under the trap too. On every page a reader sees, the test hovers
and clicks every link, tabs through the page and fires the common mouse, focus, keyboard, form
and media events at every element (an inline handler is an ordinary listener, so a synthetic
event reaches it); then nothing may have run, nothing may have navigated, and the DOM may hold
nothing that could run: no on* attribute, no script but the site's own, no javascript:, data:
or vbscript: address, none of DANGEROUS_TAGS (tests/html_checks.py) in <main>.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from browser.checks import expect
from django.contrib.auth.models import Group, User
from factories import make_guide, make_lesson, make_question, make_relation, make_term
from html_checks import DANGEROUS_TAGS, URL_ATTRIBUTES, XSS_PAYLOADS

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the "Editors" group comes from a migration, and the flush after an
    # earlier transactional test has emptied it.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Each names itself when it runs. Script tags, event handlers, javascript: addresses (raw, in
# Markdown, encoded, split by whitespace), SVG, MathML, embedding elements, markup the parser
# has to mend, and the places Markdown itself writes attributes (titles, tables, code, headings,
# [[term links]]).
TRAPPED_PAYLOADS = [
    "<script>__xss('script')</script>",
    "<scr<script>ipt>__xss('split-script')</script>",
    "<img src=x onerror=\"__xss('img-onerror')\">",
    "<<img src=x onerror=__xss('doubled-bracket')>>",
    "<img src=x onerror=__xss('unclosed')",
    "<p onclick=\"__xss('p-onclick')\" onmouseover=\"__xss('p-onmouseover')\">hover me</p>",
    "<details open ontoggle=\"__xss('details-ontoggle')\"><summary>more</summary></details>",
    "<input autofocus onfocus=\"__xss('autofocus')\">",
    "<a href=\"javascript:__xss('a-href')\" onmouseover=\"__xss('a-hover')\">raw link</a>",
    "<a href=\"&#x6A;avascript:__xss('hex-entity')\">hex entity link</a>",
    "<a href=\"java&#x09;script:__xss('tab-entity')\">tab entity link</a>",
    "<a href=\" javascript:__xss('leading-space')\">spaced link</a>",
    "<a href=\"data:text/html,<script>parent.__xss('data-url')</script>\">data link</a>",
    "<a href=\"vbscript:__xss('vbscript')\">vbscript link</a>",
    "[markdown link](javascript:__xss('md-link'))",
    "[entity scheme](&#106;avascript:__xss('md-entity'))",
    "[colon entity](javascript&colon;__xss('md-colon'))",
    "[tab entity](java&#x09;script:__xss('md-tab'))",
    "[angle brackets](<javascript:__xss('md-angle')>)",
    "[reference link][evil]\n\n[evil]: javascript:__xss('md-reference')",
    "[quoted title](https://example.com/ \"x&quot; onmouseover=&quot;__xss&#40;'md-title'&#41;\")",
    "![image](javascript:__xss('md-image'))",
    "<svg onload=\"__xss('svg-onload')\"><circle r=10 /></svg>",
    "<svg><script>__xss('svg-script')</script></svg>",
    "<svg><animate onbegin=\"__xss('svg-animate')\" attributeName=x dur=1s />",
    "<svg><set attributeName=onmouseover to=\"__xss('svg-set')\" /></svg>",
    "<svg><a xlink:href=\"javascript:__xss('svg-xlink')\"><text y=20>svg link</text></a></svg>",
    "<math><mi xlink:href=\"javascript:__xss('mathml-href')\">math link</mi></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss('mathml-mxss')>",
    "<noscript><p title=\"</noscript><img src=x onerror=__xss('noscript-mxss')>\"></noscript>",
    "<iframe srcdoc=\"<script>parent.__xss('srcdoc')</script>\"></iframe>",
    "<object data=\"javascript:__xss('object')\"></object>",
    "<embed src=\"javascript:__xss('embed')\">",
    "<form><button formaction=\"javascript:__xss('formaction')\">go</button></form>",
    "<base href=\"javascript:__xss('base')//\">",
    "<meta http-equiv=refresh content=\"0;url=javascript:__xss('meta-refresh')\">",
    "<p style=\"background:url(javascript:__xss('style-url'))\">styled</p>",
    "&lt;img src=x onerror=__xss('entity-encoded')&gt;",
    "%3Cimg%20src%3Dx%20onerror%3D__xss('url-encoded')%3E",
    "`<img src=x onerror=__xss('code-span')>`",
    "```\n<img src=x onerror=__xss('fenced-code')>\n```",
    "| <b onmouseover=__xss('table-cell')>a</b> | b |\n|:-:|--:|\n"
    "| [x](javascript:__xss('table-link')) | c |",
    "A paragraph\n{: onclick=\"__xss('attr-list-click')\" onmouseover=\"__xss('attr-list')\" }",
    "[[weights|\" onmouseover=\"__xss('term-link-label')]]",
    "[[weights]]",
]


def corpus(where: str) -> str:
    """Every payload, with headings naming the field (ids from headings differ between fields)."""
    headings = [
        f"## {where} <img src=x onerror=__xss('heading')>",
        f"### {where} \" onmouseover=\"__xss('heading-quote')",
    ]
    return "\n\n".join([*XSS_PAYLOADS, *TRAPPED_PAYLOADS, *headings])


# Short ones for the plain-text fields with a length limit (questions, choices, summaries).
SHORT_PAYLOAD = (
    "</script><script>__xss('json-ld')</script><img src=x onerror=__xss('short')>"
    " \" onmouseover=\"__xss('short-attribute')"
)
# The term that [[weights]] links to. Its name and short definition are printed into attributes
# of the stored HTML (data-name, data-preview), JSON-LD, search results, suggestions and the
# link preview. The definition may not contain "<" (the admin and the importer refuse it), so it
# tries quotes, and an entity-encoded <img> that a careless innerHTML would run.
LINKED_NAME = "Weights <img src=x onerror=__xss('term-name')> \"quoted\""
LINKED_SHOWN = "Learned numbers\" onmouseover=\"__xss('dq') ' onfocus='__xss('sq') in a model."
LINKED_DEFINITION = f"{LINKED_SHOWN} &lt;img src=x onerror=__xss('entity')&gt;"

TRAP = """
(() => {
  const report = (what) => window.__xssReport(`${location.href}: ${what}`);
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    const original = window[name];
    window[name] = function (...args) {
      report(`${name}(${args.join(", ")})`);
      return original.apply(this, args);
    };
  }
  window.__xss = (name) => report(`__xss(${name})`);
  addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    if (link && ["http:", "https:", "mailto:"].includes(link.protocol)) {
      event.preventDefault();
    }
  }, true);
})();
"""

# Synthetic events reach the handlers real input would (an inline handler is just a listener);
# "click" is left to the real mouse, so that no site button or form is set off.
SWEEP = """() => {
  const mouse = ["mouseover", "mouseenter", "mousemove", "mouseout", "mouseleave", "mousedown",
                 "mouseup", "dblclick", "auxclick", "contextmenu", "wheel"];
  const other = ["focus", "focusin", "blur", "focusout", "keydown", "keypress", "keyup",
                 "beforeinput", "input", "change", "select", "invalid", "submit", "reset",
                 "toggle", "scroll", "copy", "cut", "paste", "drag", "dragstart", "drop", "load",
                 "error", "animationstart", "animationend", "transitionend", "pointerover",
                 "pointerdown", "pointerup", "touchstart", "touchend"];
  for (const element of document.querySelectorAll("body *")) {
    for (const type of mouse) {
      element.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true }));
    }
    for (const type of other) {
      element.dispatchEvent(new Event(type, { bubbles: true, cancelable: true }));
    }
  }
}"""

AUDIT = """([dangerous, urlAttributes]) => {
  const problems = [];
  const shown = (element) => element.outerHTML.slice(0, 160);
  const siteScript = (script) => script.type === "application/ld+json"
    || script.src.startsWith(`${location.origin}/static/`);
  for (const element of document.querySelectorAll("*")) {
    for (const { name, value } of element.attributes) {
      const squeezed = value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (name.startsWith("on")) {
        problems.push(`${name} handler: ${shown(element)}`);
      } else if (urlAttributes.includes(name) && /^(javascript|vbscript|data):/.test(squeezed)) {
        problems.push(`${squeezed.split(":")[0]}: address in ${name}: ${shown(element)}`);
      }
    }
    if (element.localName === "script" && !siteScript(element)) {
      problems.push(`a script that is not the site's: ${shown(element)}`);
    }
  }
  for (const element of document.querySelectorAll("main *")) {
    const siteForm = element.matches("form.search-form, form.check-form");
    if (dangerous.includes(element.localName) && !siteForm) {
      problems.push(`<${element.localName}> in main: ${shown(element)}`);
    }
    if (element.hasAttribute("style")) {
      problems.push(`style attribute in main: ${shown(element)}`);
    }
  }
  return problems;
}"""

PASSWORD = "a-long-editor-passphrase"  # noqa: S105 - a test user's


def _trapped_page(open_page: Any) -> Any:
    """A page in a context with the trap (see the module docstring); `page.ran` lists what ran."""
    page = open_page(None, bypass_csp=True)
    ran: list[str] = []

    def on_dialog(dialog: Any) -> None:
        ran.append(f"{dialog.type} dialog opened: {dialog.message!r}")
        dialog.dismiss()

    def report(what: str) -> None:
        ran.append(what)

    page.context.expose_function("__xssReport", report)
    page.context.add_init_script(TRAP)
    page.context.on("dialog", on_dialog)
    page.ran = ran
    return page


def _editor_page(open_page: Any) -> Any:
    user = User.objects.create_user("edna", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    page = _trapped_page(open_page)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("edna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text("edna")
    return page


def _save(page: Any) -> None:
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("successfully")


def _assert_nothing_ran(page: Any) -> None:
    page.evaluate("0")  # a round trip, so that the trap's reports have arrived
    assert page.ran == [], "\n".join(page.ran)


def _assert_nothing_runs(page: Any) -> None:
    """Provoke everything on the page as it is now, then: nothing ran, nothing could."""
    url = page.url
    _assert_nothing_ran(page)  # on load
    # The mouse over and onto every link (a click is what runs a javascript: link).
    for link in page.query_selector_all("main a"):
        if link.is_visible():
            link.hover(force=True)
            link.click(force=True)
    # The keyboard through everything that takes focus (focus fires onfocus, shows previews).
    page.locator("body").focus()
    stops = page.evaluate("document.querySelectorAll('a[href], button, input, [tabindex]').length")
    for _ in range(stops + 1):
        page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    page.evaluate(SWEEP)

    _assert_nothing_ran(page)
    assert page.url == url, f"something navigated away from {url}"
    problems = page.evaluate(AUDIT, [sorted(DANGEROUS_TAGS), sorted(URL_ATTRIBUTES)])
    assert problems == [], f"{url}:\n" + "\n".join(problems)


def test_payloads_in_a_terms_markdown_and_faq_never_run_for_its_editor_or_its_readers(open_page):
    weights = make_term(slug="weights", name=LINKED_NAME, short_definition=LINKED_DEFINITION)
    target = make_term(slug="target", name="Target")
    make_relation(target, weights)

    editor = _editor_page(open_page)
    editor.goto(f"/admin/glossary/term/{target.pk}/change/")
    for field in ("body", "business_context", "example"):
        editor.locator(f"#id_{field}").fill(corpus(field))
    editor.locator("#faqs-group .add-row a").filter(has_text="Add another FAQ").click()
    editor.locator("#id_faqs-0-question").fill(SHORT_PAYLOAD)
    editor.locator("#id_faqs-0-answer").fill(corpus("faq"))
    _save(editor)
    # The change form again, with the payloads in its text areas, then the editor's preview.
    editor.goto(f"/admin/glossary/term/{target.pk}/change/")
    expect(editor.locator("#id_body")).to_have_value(corpus("body"))
    editor.goto(f"/admin/glossary/term/{target.pk}/preview/")
    _assert_nothing_ran(editor)
    expect(editor.locator(".faq > h3")).to_contain_text(SHORT_PAYLOAD)

    reader = _trapped_page(open_page)
    reader.goto("/glossary/target/")
    _assert_nothing_runs(reader)
    # The payloads reached the page, as text.
    for section in reader.locator(".prose").all():
        expect(section).to_contain_text("<script>alert(1)</script>")
    expect(reader.locator(".faq > h3")).to_contain_text(SHORT_PAYLOAD)
    # The preview of a [[link]] shows the linked term's name and definition as text.
    reader.locator(".prose a.term-link[data-term='weights']").first.hover()
    expect(reader.locator("#term-preview strong")).to_have_text(LINKED_NAME)
    expect(reader.locator("#term-preview p")).to_contain_text(LINKED_SHOWN)

    reader.goto("/glossary/weights/")  # the target is a connected term here, with its preview
    _assert_nothing_runs(reader)

    query = "onerror <img src=x onerror=__xss('search-query')>"
    reader.goto(f"/search/?q={quote(query)}")
    _assert_nothing_runs(reader)
    expect(reader.locator(".result-count")).to_contain_text(query)
    # A result whose name carries a payload is shown, as text. (Which of the two terms rank
    # for this query is search's business, tested in tests/glossary/test_search.py.)
    expect(reader.locator("ol.results")).to_contain_text(LINKED_NAME)

    reader.goto("/")
    reader.locator("#home-search-q").press_sequentially("weights", delay=30)
    option = reader.locator("#home-search-suggestions").get_by_role("option").first
    expect(option).to_contain_text(LINKED_NAME)
    expect(option).to_contain_text(LINKED_DEFINITION)
    reader.locator("#home-search-q").press("Escape")
    _assert_nothing_runs(reader)


def test_payloads_in_a_guide_a_lesson_and_its_questions_never_run_for_a_reader(open_page):
    make_term(slug="weights", name=LINKED_NAME, short_definition=LINKED_DEFINITION)
    guide = make_guide(slug="guide")
    lesson = make_lesson(guide, slug="lesson")
    question = make_question(lesson)
    choices = list(question.choices.all())

    editor = _editor_page(open_page)
    editor.goto(f"/admin/learning/guide/{guide.pk}/change/")
    editor.locator("#id_summary").fill(SHORT_PAYLOAD)
    editor.locator("#id_outcomes").fill(corpus("outcomes"))
    _save(editor)
    editor.goto(f"/admin/learning/lesson/{lesson.pk}/change/")
    editor.locator("#id_summary").fill(SHORT_PAYLOAD)
    editor.locator("#id_body").fill(corpus("lesson"))
    _save(editor)
    editor.goto(f"/admin/learning/question/{question.pk}/change/")
    editor.locator("#id_prompt").fill(SHORT_PAYLOAD)
    for index in range(len(choices)):
        editor.locator(f"#id_choices-{index}-text").fill(f"{index} {SHORT_PAYLOAD}")
        editor.locator(f"#id_choices-{index}-explanation").fill(corpus("choice"))
    _save(editor)
    editor.goto(f"/admin/learning/lesson/{lesson.pk}/preview/")
    _assert_nothing_ran(editor)
    expect(editor.locator(".check-form legend")).to_contain_text(SHORT_PAYLOAD)

    reader = _trapped_page(open_page)
    reader.goto("/learn/guide/")
    _assert_nothing_runs(reader)
    expect(reader.locator(".lede")).to_have_text(SHORT_PAYLOAD)

    reader.goto("/learn/guide/lesson/")
    _assert_nothing_runs(reader)
    expect(reader.locator(".prose")).to_contain_text("<script>alert(1)</script>")
    expect(reader.locator(".check-form legend")).to_contain_text(SHORT_PAYLOAD)

    # The graded check prints every choice's explanation.
    reader.locator(".check-form label.choice").first.click()
    reader.get_by_role("button", name="Check my answers").click()
    expect(reader.locator("button.mark-done")).to_be_visible()  # progress.js has run
    _assert_nothing_runs(reader)
    expect(reader.locator(".choice-explanations").first).to_contain_text(
        "<script>alert(1)</script>"
    )
