"""Widget shortcodes: the hook by which Markdown embeds live widgets.

An editor writes, on a line of its own:

    {{< memory model="llama-3-8b" dtype="bf16" >}}

and the widget registered under that name renders there. Widgets are registered with
`register("name", renderer)`; a renderer takes the parsed arguments and returns trusted HTML,
or raises ShortcodeError with a message for the editor. The calculators app registers its
widgets here; until then the registry is empty and any shortcode is reported as unknown.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

SHORTCODE_RE = re.compile(
    r"^[ \t]*\{\{<[ \t]*(?P<name>[a-z][a-z0-9-]{0,40})(?P<args>[^\n>]{0,400})>\}\}[ \t]*$",
    re.MULTILINE,
)
_ARG_RE = re.compile(r"^(?P<key>[a-z][a-z0-9_]{0,30})=(?P<value>.{0,100})$")


class ShortcodeError(ValueError):
    pass


Renderer = Callable[[dict[str, str]], str]
_REGISTRY: dict[str, Renderer] = {}


def register(name: str, renderer: Renderer) -> None:
    _REGISTRY[name] = renderer


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def available() -> list[str]:
    return sorted(_REGISTRY)


def parse_args(raw: str) -> dict[str, str]:
    try:
        parts = shlex.split(raw)
    except ValueError as exc:
        raise ShortcodeError(f"could not read the arguments ({exc})") from None
    args: dict[str, str] = {}
    for part in parts:
        match = _ARG_RE.match(part)
        if not match:
            raise ShortcodeError(f'“{part}” is not of the form key="value"')
        args[match["key"]] = match["value"]
    return args


def render(name: str, raw_args: str) -> tuple[str, str | None]:
    """The widget's HTML, or an error message naming the problem."""
    renderer = _REGISTRY.get(name)
    if renderer is None:
        known = ", ".join(available()) or "none yet"
        return "", f"Unknown widget “{name}” (available: {known})."
    try:
        return renderer(parse_args(raw_args)), None
    except ShortcodeError as exc:
        return "", f"Widget “{name}”: {str(exc).rstrip('.')}."
