"""The content pipeline: Markdown rendered once, term links resolved, output sanitised."""

from __future__ import annotations

import pytest
from html_checks import executable_markup

from content import shortcodes
from content.rendering import LinkTarget, plain_text, render_markdown, sanitize

WEIGHTS = LinkTarget(
    slug="weights",
    name="Weights",
    url="/glossary/weights/",
    short_definition="The learned numbers that scale inputs.",
    published=True,
)
DRAFT = LinkTarget(
    slug="secret",
    name="Secret name",
    url="/glossary/secret/",
    short_definition="An unpublished definition.",
    published=False,
)


LINKS = {"weights": WEIGHTS}  # the link targets a caller has looked up


def test_it_renders_a_term_link_with_its_preview():
    out = render_markdown("See [[weights]].", LINKS)
    assert 'href="/glossary/weights/"' in out.html
    assert 'class="term-link"' in out.html
    assert 'data-preview="The learned numbers that scale inputs."' in out.html
    assert ">weights</a>" in out.html
    assert out.term_links == ["weights"]


def test_it_renders_a_term_link_with_its_own_text():
    out = render_markdown("See [[weights|model weights]].", LINKS)
    assert ">model weights</a>" in out.html


def test_it_resolves_a_link_written_as_a_name():
    out = render_markdown("See [[Weights]].", LINKS)
    assert 'href="/glossary/weights/"' in out.html


def test_it_reports_a_link_to_a_missing_term():
    out = render_markdown("See [[no-such-term]] and [[weights]].", LINKS)
    assert out.missing_links == ["no-such-term"]
    assert 'class="term-link-missing"' in out.html


@pytest.mark.parametrize("text", ["See [[secret]].", "See [[Secret|the *plan*]]."])
def test_a_link_to_an_unpublished_term_is_its_words_alone(text):
    out = render_markdown(text, {"secret": DRAFT})
    assert "<a" not in out.html
    assert "/glossary/secret/" not in out.html
    assert "Secret name" not in out.html and "unpublished definition" not in out.html
    assert "data-" not in out.html and "class=" not in out.html
    assert plain_text(out.html) in ("See secret.", "See the plan.")
    # Still recorded as linked, so publishing the term finds this page; not a missing link.
    assert out.term_links == ["secret"]
    assert out.missing_links == []


def test_it_highlights_fenced_code():
    out = render_markdown("```python\nprint(7 * 2)\n```", LINKS)
    assert '<div class="highlight">' in out.html
    assert '<span class="nb">print</span>' in out.html


def test_it_renders_tables_with_alignment_but_no_style_attribute():
    out = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |", LINKS)
    assert "<table>" in out.html
    assert 'align="right"' in out.html
    assert "style=" not in out.html


def test_headings_get_anchors_and_a_table_of_contents():
    out = render_markdown("## First part\n\ntext\n\n## Second part\n\nmore", LINKS, with_toc=True)
    assert '<h2 id="first-part">' in out.html
    assert 'class="headerlink" href="#first-part"' in out.html
    assert 'href="#second-part"' in out.toc_html


def test_raw_html_is_shown_as_text_not_markup():
    out = render_markdown("<b>bold</b> <script>alert(1)</script>", LINKS)
    assert "<script" not in out.html
    assert "<b>" not in out.html
    assert "&lt;b&gt;" in out.html


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<svg onload=alert(1)><circle r=10 /></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "<iframe src='https://example.com'></iframe>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<<script>script>alert(1)<</script>/script>",
    "[x](&#106;avascript:alert(1))",
    "<p onclick=alert(1)>x</p",
    "```html\n<script>alert(1)</script>\n```",
    "[[weights|<img src=x onerror=alert(1)>]]",
    "<form action=https://evil.example><input name=q></form>",
    "<object data=x></object><embed src=x>",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markdown_never_yields_executable_markup(payload):
    html = render_markdown(payload, LINKS).html
    assert executable_markup(html) == [], html


def test_sanitize_drops_unknown_classes_and_attributes():
    html = sanitize('<a href="/x" class="term-link evil" onmouseover="x()" id="y">x</a>')
    assert 'class="term-link"' in html
    assert "onmouseover" not in html
    assert "id=" not in html


def test_plain_text_strips_tags_and_entities():
    assert plain_text("<p>7 &times; 2 <b>=</b> 14</p>") == "7 × 2 = 14"


def test_an_unknown_shortcode_is_an_error_for_the_editor():
    out = render_markdown('{{< nothing model="x" >}}', LINKS)
    assert out.shortcode_errors and "Unknown widget “nothing”" in out.shortcode_errors[0]
    assert "nothing" not in out.html


def test_a_registered_shortcode_renders_its_trusted_html_in_place(monkeypatch):
    echo = lambda args: f'<div class="widget" data-x="{args["x"]}">w</div>'  # noqa: E731
    monkeypatch.setitem(shortcodes.WIDGETS, "echo", echo)
    out = render_markdown('Before\n\n{{< echo x="42" >}}\n\nAfter', LINKS)
    assert '<div class="widget" data-x="42">w</div>' in out.html
    assert out.html.index("Before") < out.html.index("widget") < out.html.index("After")


def test_shortcode_arguments_must_be_key_value_pairs(monkeypatch):
    monkeypatch.setitem(shortcodes.WIDGETS, "echo", lambda args: "ok")
    out = render_markdown("{{< echo oops >}}", LINKS)
    assert out.shortcode_errors and "key=" in out.shortcode_errors[0]


def test_the_checker_itself_catches_executable_markup():
    assert executable_markup('<img src="x" onerror="alert(1)">') == ["onerror handler on <img>"]
    assert executable_markup('<a href=" JavaScript:alert(1)">x</a>')
    assert executable_markup("<svg></svg>") == ["<svg> element"]


@pytest.mark.parametrize("href", ["javascript:alert(1)", "tel:+441234", "ftp://example.com/x"])
def test_a_link_to_a_refused_address_keeps_only_its_text(href):
    html = render_markdown(f"Call [us]({href}) or [read](https://example.com/).", LINKS).html
    assert "<span>us</span>" in html and "<a rel" not in html
    assert '<a href="https://example.com/" rel="noopener noreferrer">read</a>' in html


def test_entities_in_a_linked_terms_name_and_definition_stay_text_in_the_preview():
    tricky = LinkTarget(
        slug="weights",
        name="AT&amp;T weights",
        url="/glossary/weights/",
        short_definition="Not &lt;img src=x onerror=alert(1)&gt; markup.",
        published=True,
    )
    html = render_markdown("See [[weights]].", {"weights": tricky}).html
    assert 'data-name="AT&amp;amp;T weights"' in html
    assert 'data-preview="Not &amp;lt;img src=x onerror=alert(1)&amp;gt; markup."' in html


def test_heading_ids_carry_the_fields_prefix():
    html = render_markdown("## Why it matters\n\ntext", LINKS, id_prefix="example-").html
    assert 'id="example-why-it-matters"' in html
