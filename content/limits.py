"""Bounds on the Markdown the pipeline renders, checked before Python-Markdown sees the text.

Python-Markdown's work grows with the square of a few inputs, and one input makes it recurse
until Python gives up (bench/markdown_inputs.py measures them all; bench/README.md has the
figures). Each rule below bounds one of those, and nothing else, so that the work of rendering
any text accepted here grows in proportion to its length, and the length is bounded too:

- a link's text: for every "[", Markdown scans ahead to the "]" that closes it, or to the end
  of the paragraph when none does. So at most MAX_OPEN_BRACKETS "[" may be open at once in a
  paragraph (a run of 8 KB of "[" took longer than gunicorn's 30 s timeout).
- a link's address: after "](", it scans ahead to the ")" that balances it (so at most
  MAX_OPEN_ADDRESSES addresses may be open at once), and when the address holds a quote (a
  title) that no quote-and-")" closes, to the end of the paragraph (so at most
  MAX_UNCLOSED_TITLES of those in a paragraph).
- lists and quotes nest by recursion, a few stack frames a level: 250 levels raise
  RecursionError, and lines of ever deeper "> > >" take time with the square of the depth.
  At most MAX_NESTING levels on a line.
- some work is linear but dear per item: each widget shortcode runs a calculator, each code
  block runs Pygments. At most MAX_WIDGETS and MAX_CODE_BLOCKS in one text.

Markdown keeps what one paragraph can do to itself: inline text never runs past a blank line,
so the counts start again at each one. The scan counts brackets in code too (where Markdown
would not look at them), which can only refuse more, never less; every shipped text passes
with a wide margin (tests/content/test_markdown_limits.py). An escaped bracket (\\[) is text
to Markdown, and is not counted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from content.shortcodes import SHORTCODE_RE

# Per field, well above the longest shipped text (a lesson of 6,595 characters, a term's "in
# depth" of 4,800; business context 860, example 683, an FAQ answer 484). A term's FAQs are
# saved in one request with it, so their answers get the smallest share.
LONG_MARKDOWN_MAX = 50_000  # a term's "in depth", a lesson's body
SECTION_MARKDOWN_MAX = 10_000  # a term's business context and its example
ANSWER_MARKDOWN_MAX = 5_000  # an FAQ's answer: "a short paragraph" (CONTENT.md)
RENDER_MAX = LONG_MARKDOWN_MAX  # what render_markdown itself will take, whoever calls it

MAX_OPEN_BRACKETS = 16  # shipped content: 2 ("[[slug]]")
MAX_OPEN_ADDRESSES = 16  # shipped content: 1
MAX_UNCLOSED_TITLES = 16  # shipped content: 0
MAX_NESTING = 8  # list and quote levels on one line; shipped content: 1
# Linear work, but dear per item, so counted: a calculator widget runs its calculator (about
# 20 ms), a code block runs Pygments (about 0.5 ms, so 50,000 characters of "```" lines
# would take seconds).
MAX_WIDGETS = 10  # in a long text; shipped content: 2 in one text
SECTION_MAX_WIDGETS = 3  # in a term's other sections and an FAQ answer; shipped: 1
MAX_CODE_BLOCKS = 40  # fenced or indented; shipped content: 4 in one text

_TOKEN = re.compile(r"""\\[\\\[\]()]|\]\(|[\[\]()"']""")
_MARKER = re.compile(r"(?:>|[*+-](?=[ \t])|\d{1,9}\.(?=[ \t]))[ \t]*")
_INDENT = re.compile(r"[ \t]*")
_TAB = 4  # Python-Markdown's tab_length: a level of list nesting
_FENCE = re.compile(r"(?:`{3,}|~{3,})")  # at the start of a line, as fenced_code reads them


class MarkdownRefused(ValueError):
    """A text the pipeline will not render; str() is the message for the editor."""


def markdown_problem(
    text: str, *, max_chars: int = RENDER_MAX, max_widgets: int | None = None
) -> str | None:
    """Why `text` is refused (a message for the editor), or None. One pass over the text.
    `max_widgets` is MAX_WIDGETS unless given (a field's validator gives its own)."""
    text = text or ""
    if len(text) > max_chars:
        return f"This text is {len(text):,} characters long; the limit is {max_chars:,}."
    max_widgets = MAX_WIDGETS if max_widgets is None else max_widgets
    widgets = sum(1 for _ in SHORTCODE_RE.finditer(text))
    if widgets > max_widgets:
        return f"This text embeds {widgets} widgets; the limit here is {max_widgets}."
    paragraph, code = _Paragraph(), _CodeBlocks()
    # Python-Markdown reads "\r\n" and a lone "\r" as line ends too.
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if not line.strip(" \t"):
            paragraph = _Paragraph()
            code.blank = True
            continue
        problem = code.read(line) or _nesting_problem(line) or paragraph.read(line)
        if problem:
            return f"Line {number}: {problem}"
    return None


def refuse_unrenderable(text: str) -> None:
    """Raise MarkdownRefused when `text` is past the pipeline's bounds: called before Markdown
    runs, on every path that renders (admin, import, services, rerender_content)."""
    problem = markdown_problem(text)
    if problem:
        raise MarkdownRefused(problem)


def renderable(*texts: str) -> bool:
    """Whether render_markdown will take every one of `texts`. A model's clean() renders only
    then: a refused field's validator has already said why, and once is enough."""
    return all(markdown_problem(text) is None for text in texts)


def refuse_fields(texts: Mapping[str, str]) -> None:
    """Raise a ValidationError naming each field (of `texts`, field name -> Markdown) whose
    text render_markdown would refuse: for a model's save(), which services call without
    full_clean."""
    errors = {
        name: [problem] for name, text in texts.items() if (problem := markdown_problem(text))
    }
    if errors:
        raise ValidationError(errors)


@deconstructible
class MarkdownLimits:
    """The field validator: this field's length and widget limits, and the rules above."""

    def __init__(self, max_chars: int, max_widgets: int = MAX_WIDGETS) -> None:
        self.max_chars = max_chars
        self.max_widgets = max_widgets

    def __call__(self, value: str) -> None:
        problem = markdown_problem(value, max_chars=self.max_chars, max_widgets=self.max_widgets)
        if problem:
            raise ValidationError(problem, code="markdown_limits")

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, MarkdownLimits) and (other.max_chars, other.max_widgets) == (
            self.max_chars,
            self.max_widgets,
        )

    def __hash__(self) -> int:
        return hash((MarkdownLimits, self.max_chars, self.max_widgets))


_TOO_LONG = "Markdown would take far too long on that"


def _nesting_problem(line: str) -> str | None:
    indent = _indent_of(line)
    position, markers = len(indent), 0
    while marker := _MARKER.match(line, position):
        markers += 1
        position = marker.end()
        if markers > MAX_NESTING:
            break
    if not markers:
        return None  # indentation alone (code, a continued paragraph) nests nothing
    depth = len(indent.expandtabs(_TAB)) // _TAB + markers
    if depth > MAX_NESTING:
        return (
            f"lists or quotes nest {'at least ' if markers > MAX_NESTING else ''}{depth} "
            f"levels deep; the limit is {MAX_NESTING}."
        )
    return None


class _CodeBlocks:
    """Code blocks as Python-Markdown finds them: fenced (a fence at the start of a line, to
    the same fence), or indented four columns after a blank line (inside a list that is the
    item's next paragraph instead, counted all the same)."""

    def __init__(self) -> None:
        self.count = 0
        self.fence: str | None = None  # the fence of the open fenced block
        self.blank = True  # the line before was blank (or there was none)

    def read(self, line: str) -> str | None:
        after_blank, self.blank = self.blank, False
        if self.fence is not None:
            if line.rstrip(" ") == self.fence:
                self.fence = None
            return None
        fence = _FENCE.match(line)
        if fence:
            self.fence = fence.group()
        elif not (after_blank and len(_indent_of(line).expandtabs(_TAB)) >= _TAB):
            return None
        self.count += 1
        if self.count > MAX_CODE_BLOCKS:
            return (
                f"this is code block {self.count}; the limit is {MAX_CODE_BLOCKS} in one text "
                "(each is highlighted on its own)."
            )
        return None


def _indent_of(line: str) -> str:
    indent = _INDENT.match(line)
    assert indent is not None  # noqa: S101 - matches the empty string at worst
    return indent.group()


class _Paragraph:
    """The brackets of one paragraph as Markdown's link scans will meet them."""

    def __init__(self) -> None:
        self.open_brackets = 0
        self.parens: list[bool] = []  # every "(" still open: True for a link's address, "]("
        self.open_addresses = 0
        self.quoted = 0  # how many of the open addresses, from the first, hold a quote
        self.unclosed_titles = 0

    def read(self, line: str) -> str | None:
        for token in _TOKEN.finditer(line):
            mark = token.group()
            if mark[0] == "\\":
                continue  # an escaped bracket is text to Markdown
            if mark[0] == "[":
                self.open_brackets += 1
                if self.open_brackets > MAX_OPEN_BRACKETS:
                    return (
                        f"more than {MAX_OPEN_BRACKETS} “[” are open at once, not closed by "
                        f"“]”. {_TOO_LONG}: close them, or write \\[ for a bracket shown as "
                        "it is."
                    )
            elif mark[0] == "]":
                self.open_brackets = max(0, self.open_brackets - 1)
                if mark == "](" and (problem := self._open_address()):
                    return problem
            elif mark == "(":
                self.parens.append(False)
            elif mark == ")":
                if self.parens and self.parens.pop():
                    self._close_address(line, token.start())
                    if self.unclosed_titles > MAX_UNCLOSED_TITLES:
                        return (
                            f"more than {MAX_UNCLOSED_TITLES} links in this paragraph have an "
                            "address with a quote (\" or ') and no closing quote right before "
                            f"its “)”. {_TOO_LONG}: close the titles, or write %22 or %27 in "
                            "the address."
                        )
            else:  # a quote: Markdown takes it for the start of a title in every open address
                self.quoted = self.open_addresses
        return None

    def _open_address(self) -> str | None:
        self.parens.append(True)
        self.open_addresses += 1
        if self.open_addresses > MAX_OPEN_ADDRESSES:
            return (
                f"more than {MAX_OPEN_ADDRESSES} link addresses “](” are open at once, not "
                f"closed by “)”. {_TOO_LONG}: close them, or write \\( for a parenthesis "
                "shown as it is."
            )
        return None

    def _close_address(self, line: str, at: int) -> None:
        quoted = self.open_addresses <= self.quoted
        self.open_addresses -= 1
        self.quoted = min(self.quoted, self.open_addresses)
        last = at - 1
        while last >= 0 and line[last] == " ":  # (each space is passed once: it precedes one ")")
            last -= 1
        if quoted and (last < 0 or line[last] not in "\"'"):
            # Markdown found no end to the title: it read on to the end of the paragraph.
            self.unclosed_titles += 1
