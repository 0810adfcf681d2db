"""Link previews and structured data for every page."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from caching.origin import absolute_url
from glossary.structured_data import breadcrumbs

register = template.Library()

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data: Any) -> SafeString:
    """A JSON-LD block. A data block is never executed, so the CSP's script-src does not apply;
    <, > and & are escaped so no text in the data can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))


@register.simple_tag
def breadcrumb_ld(*trail: str) -> SafeString:
    """BreadcrumbList JSON-LD from alternating names and paths, after Home:
    {% breadcrumb_ld "Glossary" "/glossary/" topic.name topic.get_absolute_url %}"""
    pairs = [("Home", "/"), *zip(trail[::2], trail[1::2], strict=True)]
    return json_ld(breadcrumbs([(str(n), str(p)) for n, p in pairs]))


register.filter("absolute_url", absolute_url)


@register.inclusion_tag("includes/meta.html", takes_context=True)
def page_meta(
    context: dict[str, Any],
    title: str,
    description: str,
    path: str | None = None,
    image: str | None = None,
    kind: str = "website",
) -> dict[str, Any]:
    request = context["request"]
    return {
        "title": title,
        "description": description,
        "url": absolute_url(path or request.path),
        "image": absolute_url(image or static("img/share.png")),
        "kind": kind,
        "site_name": context.get("SITE_NAME", ""),
    }


class MemoNode(template.Node):
    """Renders its contents once per process for each value of its arguments, then reuses
    the HTML. Only for parts of the page that depend on nothing but the code, the settings and
    those arguments (the header, the footer, asset links): they change only with a deploy."""

    LIMIT = 64  # distinct argument values kept per fragment

    def __init__(self, nodelist: template.NodeList, vary: list[Any]) -> None:
        self.nodelist = nodelist
        self.vary = vary
        self.rendered: dict[tuple[str, ...], SafeString] = {}

    def render(self, context: template.Context) -> str:
        key = tuple(str(value.resolve(context)) for value in self.vary)
        html = self.rendered.get(key)
        if html is None:
            html = SafeString(self.nodelist.render(context))
            if len(self.rendered) < self.LIMIT:
                self.rendered[key] = html
        return html


@register.tag
def memo(parser: template.base.Parser, token: template.base.Token) -> MemoNode:
    """{% memo request.resolver_match.app_name %}…{% endmemo %}"""
    vary = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, vary)
