"""Widget shortcodes: how Markdown embeds live widgets.

An editor writes, on a line of its own:

    {{< memory model="llama-3-8b" dtype="bf16" >}}

and the widget of that name renders there. `WIDGETS` is the whole list, a plain table: each
calculator under its slug, and `diagram`. A renderer takes the parsed arguments and returns
trusted HTML, or raises WidgetError with a message for the editor.
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Callable

from calculators.definitions import CALCULATORS
from calculators.widgets import WidgetError, render_widget
from content.diagrams import render_diagram

SHORTCODE_RE = re.compile(
    r"^[ \t]*\{\{<[ \t]*(?P<name>[a-z][a-z0-9-]{0,40})(?P<args>[^\n>]{0,400})>\}\}[ \t]*$",
    re.MULTILINE,
)
_ARG_RE = re.compile(r"^(?P<key>[a-z][a-z0-9_]{0,30})=(?P<value>.{0,100})$")

Renderer = Callable[[dict[str, str]], str]

WIDGETS: dict[str, Renderer] = {
    **{slug: functools.partial(render_widget, calc) for slug, calc in CALCULATORS.items()},
    "diagram": render_diagram,
}


def parse_args(raw: str) -> dict[str, str]:
    try:
        parts = shlex.split(raw)
    except ValueError as exc:
        raise WidgetError(f"could not read the arguments ({exc})") from None
    args: dict[str, str] = {}
    for part in parts:
        match = _ARG_RE.match(part)
        if not match:
            raise WidgetError(f'“{part}” is not of the form key="value"')
        args[match["key"]] = match["value"]
    return args


def render(name: str, raw_args: str) -> tuple[str, str | None]:
    """The widget's HTML, or an error message naming the problem."""
    renderer = WIDGETS.get(name)
    if renderer is None:
        known = ", ".join(sorted(WIDGETS))
        return "", f"Unknown widget “{name}” (available: {known})."
    try:
        return renderer(parse_args(raw_args)), None
    except WidgetError as exc:
        return "", f"Widget “{name}”: {str(exc).rstrip('.')}."
