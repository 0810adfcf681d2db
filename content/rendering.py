"""The content pipeline: Markdown -> safe HTML, run when content is saved.

Steps, in order:
1. widget shortcodes (`{{< name key="value" >}}` on a line of their own) are swapped for
   placeholders, so the Markdown and the sanitiser never see the widget's markup;
2. Python-Markdown with a fixed list of extensions renders the text, with raw HTML switched
   off (it is escaped and shows as text) and `[[slug]]` / `[[slug|text]]` term links looked
   up in the targets the caller passes in;
3. nh3 cleans the result against an allowlist;
4. the placeholders are replaced by the widgets' own HTML, rendered by trusted code.

Nothing here knows what a term is: the caller finds the slugs a text links to with
`linked_slugs()`, looks them up, and passes what they point at as `links`.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree  # noqa: S405 - builds elements, parses nothing
from collections.abc import Mapping
from dataclasses import dataclass, field

import markdown
import nh3
from django.utils.text import slugify
from markdown.extensions import Extension
from markdown.extensions.toc import slugify as slugify_heading
from markdown.inlinepatterns import InlineProcessor

from content import limits, shortcodes

# The editors' reminder of what the pipeline understands, under every Markdown field.
MARKDOWN_HELP = (
    "Markdown. Headings start at ## (the page has the #). Link another term with "
    "[[slug]] or [[slug|text shown]]; it previews that term’s short definition. "
    "Code: ```python … ``` fences are highlighted. Tables: | a | b | rows. Raw HTML is "
    "shown as text. Calculators: on a line of its own, "
    '{{< memory model="llama-3-8b" context="8192" >}}. Names: parameters, memory, '
    "training, inference, scale; the arguments are the fields in that calculator page’s "
    "address (model, dtype, context, batch, mode, gpu, gpus, tokens, price, layers, hidden, "
    "heads, vocab …); a bad one is reported when you save."
)


@dataclass(frozen=True)
class LinkTarget:
    """What a `[[slug]]` link points at. An unpublished target (a draft) is linked as text
    alone: readers never see its address, name or preview."""

    slug: str
    name: str
    url: str
    short_definition: str
    published: bool


LinkTargets = Mapping[str, LinkTarget]  # slug written in a [[link]] -> what it points at


@dataclass
class Rendered:
    html: str
    toc_html: str = ""
    # The slugs of the terms linked, in order, unique: drafts too (shown as text), since the
    # page must be rendered again when one is published.
    term_links: list[str] = field(default_factory=list)
    missing_links: list[str] = field(default_factory=list)  # [[targets]] that resolve to nothing
    shortcode_errors: list[str] = field(default_factory=list)


TERM_LINK_RE = r"\[\[([^\[\]|\n]{1,120})(?:\|([^\[\]\n]{1,200}))?\]\]"
_TERM_LINK = re.compile(TERM_LINK_RE)


def link_slug(written: str) -> str:
    """The slug a `[[link]]` stands for: "[[Weights]]" and "[[weights]]" are one link."""
    return slugify(written.strip())


def linked_slugs(*texts: str) -> set[str]:
    """Every slug the texts' `[[links]]` name (those in code too: looking up one more slug
    than is shown costs nothing wrong)."""
    return {link_slug(m.group(1)) for text in texts for m in _TERM_LINK.finditer(text or "")}


ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "data-preview", "data-term", "data-name"},
    "abbr": {"title"},
    "code": {"class"},
    "div": {"class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "ol": {"start"},
    "pre": {"class"},
    "span": {"class"},
    "td": {"align"},
    "th": {"align"},
}
# A class attribute is kept only when every class in it is one the pipeline itself emits.
_ALLOWED_CLASS = re.compile(
    r"^(term-link|term-link-missing|headerlink|highlight|codehilite|[a-z]{1,3}|language-[a-z0-9+#-]{1,30})$"
)


class _TermLinkProcessor(InlineProcessor):
    def __init__(self, pattern: str, state: _LinkState) -> None:
        super().__init__(pattern)
        self.state = state

    def handleMatch(  # noqa: N802
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        raw_target = m.group(1).strip()
        label = (m.group(2) or "").strip()
        target = self.state.links.get(link_slug(raw_target))
        if target is None:
            self.state.missing.append(raw_target)
            el = etree.Element("span", {"class": "term-link-missing"})
            el.text = label or raw_target
            return el, m.start(0), m.end(0)
        if target.slug not in self.state.linked:
            self.state.linked.append(target.slug)
        if not target.published:
            # The words the editor wrote, and nothing of the draft: no address, name or preview.
            el = etree.Element("span")
            el.text = label or raw_target
            return el, m.start(0), m.end(0)
        el = etree.Element(
            "a",
            {
                "href": target.url,
                "class": "term-link",
                "data-term": target.slug,
                # Python-Markdown leaves "&" alone in attributes (it keeps entities as they
                # are), so a name or definition holding "&lt;" would reach the page decoded.
                "data-name": target.name.replace("&", "&amp;"),
                "data-preview": target.short_definition.replace("&", "&amp;"),
            },
        )
        el.text = label or raw_target
        return el, m.start(0), m.end(0)


@dataclass
class _LinkState:
    links: LinkTargets
    linked: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class _TermLinkExtension(Extension):
    def __init__(self, state: _LinkState) -> None:
        super().__init__()
        self.state = state

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        # Priority above links (160) so "[[a|b]]" is not read as a Markdown reference link.
        md.inlinePatterns.register(_TermLinkProcessor(TERM_LINK_RE, self.state), "term_link", 175)
        # Raw HTML is never passed through: it is escaped and shown as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def _clean_classes(element: str, attribute: str, value: str) -> str | None:
    if attribute != "class":
        return value
    kept = [c for c in value.split() if _ALLOWED_CLASS.match(c)]
    return " ".join(kept) or None


# A link whose address the allowlist refused (javascript:, tel:, ftp: …) keeps only its text.
_HREFLESS_LINK = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.DOTALL)


def sanitize(fragment: str) -> str:
    """Clean HTML against the allowlist; anything else is removed or escaped."""
    cleaned = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_clean_classes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # nh3 drops a refused href but still adds rel, leaving <a rel=…> (invalid without href).
    # Links never nest, so the first </a> closes the one opened.
    return _HREFLESS_LINK.sub(r"<span>\1</span>", cleaned)


def render_markdown(
    text: str, links: LinkTargets, *, with_toc: bool = False, id_prefix: str = ""
) -> Rendered:
    """Markdown to safe HTML. `links` maps the slugs of the text's `[[links]]` to what they
    point at; a slug not in it renders as a missing link. `id_prefix` starts every heading's
    id, so several fields shown on one page (a term's sections, its FAQ answers) never give
    two headings the same id. Raises limits.MarkdownRefused, before any of the work, for a
    text past the pipeline's bounds (content/limits.py)."""
    limits.refuse_unrenderable(text)
    placeholders: dict[str, str] = {}
    errors: list[str] = []

    def swap_shortcode(match: re.Match[str]) -> str:
        widget_html, error = shortcodes.render(match.group("name"), match.group("args"))
        if error:
            errors.append(error)
            return ""
        token = f"WMWIDGET{len(placeholders)}X"
        placeholders[token] = widget_html
        return f"\n\n{token}\n\n"

    source = shortcodes.SHORTCODE_RE.sub(swap_shortcode, text or "")
    state = _LinkState(links=links)
    md = markdown.Markdown(
        extensions=[
            "fenced_code",
            "tables",
            "sane_lists",
            "codehilite",
            "toc",
            _TermLinkExtension(state),
        ],
        extension_configs={
            "codehilite": {"css_class": "highlight", "guess_lang": False, "use_pygments": True},
            "toc": {
                "permalink": "#",
                "permalink_class": "headerlink",
                "permalink_title": "Link to this section",
                "toc_depth": "2-3",
                "slugify": lambda value, separator: id_prefix + slugify_heading(value, separator),
            },
            "tables": {"use_align_attribute": True},
        },
        output_format="html",
    )
    body = sanitize(md.convert(source))
    for token, widget_html in placeholders.items():
        body = body.replace(f"<p>{token}</p>", widget_html)
    toc = ""
    if with_toc and len(getattr(md, "toc_tokens", [])) >= 2:
        toc = sanitize(md.toc)
    return Rendered(
        html=body,
        toc_html=toc,
        term_links=state.linked,
        missing_links=state.missing,
        shortcode_errors=errors,
    )


_WIDGET_RE = re.compile(
    r"<section class=\"calculator widget\" data-widget=.*?</section>", re.DOTALL
)


_HEADING_LINK = re.compile(r'<a class="headerlink"[^>]*>#</a>')


def plain_text(fragment: str) -> str:
    """The words of an HTML fragment, for the search document (widgets' labels and headings'
    "#" links left out)."""
    without_tags = nh3.clean(_HEADING_LINK.sub("", _WIDGET_RE.sub(" ", fragment)), tags=set())
    return re.sub(r"\s+", " ", html.unescape(without_tags)).strip()
