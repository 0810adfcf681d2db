#!/usr/bin/env python3
"""How long the Markdown pipeline takes on hostile input, before and after content/limits.py.

    .venv/bin/python bench/markdown_inputs.py [growth] [bounded] [check] [--max-seconds 3]

growth   each candidate input at 1, 2, 4 … 64 thousand characters through the pipeline with
         the limits switched off (a size that takes longer than --max-seconds ends the row),
         the growth exponent between the last two sizes (1 linear, 2 quadratic), and whether
         the limits refuse the 8,000-character version
bounded  the worst inputs the limits still accept, at the 50,000-character limit, through
         the pipeline as it runs on save
check    content/limits.markdown_problem's own time on 50,000 characters of each
term     one term saved as the admin saves it (full_clean, then save) with every Markdown
         field at its limits and as many FAQs as the admin takes, each answer at its limits:
         the most work one request can ask for

With no part named, all four. Widgets need the model catalog: the script migrates a
throwaway SQLite database and imports fixtures/models.yaml into it first. Figures go to
bench/README.md ("Markdown on hostile input"); tests never time anything. Times are this
process's CPU time, so other work on a shared machine does not inflate them.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = tempfile.mkdtemp(prefix="wm-markdown-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings",
    DEBUG="true",
    DATABASE_URL=f"sqlite:///{WORK}/bench.sqlite3",
    CONTENT_VERSION_FILE=f"{WORK}/content-version",
    LOG_LEVEL="WARNING",
)

import django  # noqa: E402 - after the environment it reads

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from content import limits  # noqa: E402
from content.catalog_files import import_catalog  # noqa: E402
from content.rendering import render_markdown  # noqa: E402
from glossary import services  # noqa: E402
from glossary.models import FAQ, FAQS_PER_TERM_MAX, Term  # noqa: E402

WIDGET = '{{< memory model="llama-3-8b" dtype="bf16" context="8192" >}}\n\n'
DIAGRAM = '{{< diagram name="neuron" >}}\n\n'


def _lines(make_line: Callable[[int], str]) -> Callable[[int], str]:
    def make(n: int) -> str:
        out, i = [], 0
        while sum(map(len, out)) < n:
            out.append(make_line(i))
            i += 1
        return "".join(out)

    return make


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: unit * max(1, n // len(unit))


CANDIDATES: dict[str, Callable[[int], str]] = {
    "[ run": _repeat("["),
    "] run": _repeat("]"),
    "( run": _repeat("("),
    "* run": _repeat("*"),
    "_ run": _repeat("_"),
    "` run": _repeat("`"),
    "< run": _repeat("<"),
    "& run": _repeat("&"),
    "\\ run": _repeat("\\"),
    "[[ run": _repeat("[["),
    "[[a| run": _repeat("[[a|"),
    "[a]( run": _repeat("[a]("),
    "[]( run": _repeat("[]("),
    "![ run": _repeat("!["),
    "[a][ run": _repeat("[a]["),
    '[a]("b) run': _repeat('[a]("b) '),
    "[a](< run": _repeat("[a](<"),
    "[ then ]": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "[a] closed": _repeat("[a] "),
    "[a](b) links": _repeat("[a](b) "),
    "[[term]] links": _repeat("[[abc]] "),
    "*a* emphasis": _repeat("*a* "),
    "`a` code": _repeat("`a` "),
    "<http: autolinks": _repeat("<http://a "),
    "&amp entities": _repeat("&amp"),
    "> > > on a line": lambda n: "> " * (n // 2) + "x",
    "> deeper each line": _lines(lambda i: ">" * (i + 1) + " x\n"),
    "- - - on a line": lambda n: "- " * (n // 2) + "x",
    "* * * on a line": lambda n: "* " * (n // 2) + "x",
    "1. 1. on a line": lambda n: "1. " * (n // 3) + "x",
    "list indented deeper": _lines(lambda i: "    " * i + "- x\n"),
    "| long line": lambda n: "a\n|" + "|" * n,
    "table columns": lambda n: "|" + "a|" * (n // 4) + "\n|" + "-|" * (n // 4) + "\n",
    "table rows": lambda n: "|a|b|\n|-|-|\n" + "|a|b|\n" * (n // 6),
    "link definitions": _lines(lambda i: f"[r{i}]: http://x/{i}\n"),
    "## same heading": _repeat("## a\n\n"),
    "```fences": _repeat("```\na\n```\n\n"),
    "``` lines": _repeat("```\n"),
    "paragraphs": _repeat("a\n\n"),
    "words": _repeat("word "),
    "diagrams": _repeat(DIAGRAM),
    "calculator widgets": _repeat(WIDGET),
}

PROSE = "a " * 25_000  # one paragraph of 50,000 characters


def _fill(head: str, size: int = limits.RENDER_MAX) -> str:
    """`head`, then prose in the same paragraph up to `size` characters."""
    return head + PROSE[: size - len(head)]


# The most each rule lets through, filling the 50,000 characters (all accepted by the limits).
BOUNDED: dict[str, str] = {
    "16 [ open, one paragraph": _fill("[" * 16),
    "16 [ open all along": _fill("[" * 16 + "][" * 12_000),
    "16 addresses open": _fill("[a](" * 16),
    "16 unclosed titles": _fill('[a]("b) ' * 16),
    "all three at once": _fill("[" * 15 + "[a](" * 15 + '[a]("b) ' * 16),
    "16 [ in every paragraph": _repeat("[" * 16 + "a " * 200 + "\n\n")(limits.RENDER_MAX),
    "8 levels on every line": _repeat("- " * 8 + "x\n")(limits.RENDER_MAX),
    "8 > on every line": _repeat(">" * 8 + " x\n")(limits.RENDER_MAX),
    "> 1 to 8 deep, cycling": "".join(">" * (i % 8 + 1) + " x\n" for i in range(9_000))[
        : limits.RENDER_MAX
    ],
    "10 calculator widgets": _fill(WIDGET * 10 + "\n\n"),
    "10 diagrams": _fill(DIAGRAM * 10 + "\n\n"),
    "40 code blocks": _fill("```python\nx = 1\n```\n\n" * 40 + "\n\n"),
    "40 indented code blocks": _fill("    x = 1\n\nprose\n\n" * 40),
    "\\ run (escapes)": "\\" * limits.RENDER_MAX,
    "& run": "&" * limits.RENDER_MAX,
    "*a* emphasis": _repeat("*a* ")(limits.RENDER_MAX),
    "## same heading": _repeat("## a\n\n")(limits.RENDER_MAX),
    "paragraphs": _repeat("a\n\n")(limits.RENDER_MAX),
    "table rows": ("|a|b|\n|-|-|\n" + "|a|b|\n" * 9_000)[: limits.RENDER_MAX],
    "words": PROSE,
}


def _render(text: str) -> float:
    """CPU seconds (this process's, not the wall clock's: the machine is shared)."""
    start = time.process_time()
    render_markdown(text, {})
    return time.process_time() - start


def growth(max_seconds: float) -> None:
    print("growth: the pipeline without its limits; ms at each size in thousands of characters")
    with mock.patch.object(limits, "refuse_unrenderable", lambda text: None):
        for name, make in CANDIDATES.items():
            cells, sizes, times = [], [], []
            size = 1_000
            while size <= 64_000:
                try:
                    seconds = _render(make(size))
                except RecursionError:
                    cells.append(f"{size // 1000}K: RecursionError")
                    break
                cells.append(f"{size // 1000}K {seconds * 1000:,.0f}")
                sizes.append(size)
                times.append(seconds)
                if seconds > max_seconds:
                    break
                size *= 2
            exponent = ""
            if len(times) >= 2 and min(times[-2:]) > 0.005:
                k = math.log(times[-1] / times[-2]) / math.log(sizes[-1] / sizes[-2])
                exponent = f"  growth ≈ n^{k:.1f}"
            refused = "refused" if limits.markdown_problem(make(8_000)) else "accepted"
            print(f"  {name:24} {refused:8}  " + "  ".join(cells) + exponent, flush=True)


def bounded() -> None:
    print("bounded: the worst the limits accept, 50,000 characters, as saved (ms)")
    for name, text in BOUNDED.items():
        problem = limits.markdown_problem(text)
        if problem:
            raise SystemExit(f"{name}: the limits refuse it ({problem}); not a bounded case")
        print(f"  {name:28} {_render(text) * 1000:8,.0f}", flush=True)


def check() -> None:
    print("check: limits.markdown_problem on 50,000 characters (ms)")
    texts = {**BOUNDED, "[ run (refused)": "[" * limits.RENDER_MAX}
    for name, text in texts.items():
        start = time.process_time()
        for _ in range(5):
            limits.markdown_problem(text)
        print(f"  {name:28} {(time.process_time() - start) / 5 * 1000:8,.1f}", flush=True)


def _densest(size: int, widgets: int) -> str:
    """The costliest text per character the limits accept (nested lists, the bounded
    figures' slowest), with `widgets` calculators, `size` characters long."""
    head = WIDGET * widgets
    return head + _repeat("- " * limits.MAX_NESTING + "x\n")(size - len(head))


def term() -> None:
    print("term: one admin save with every field at its limits (CPU seconds)")
    start = time.process_time()
    with transaction.atomic():
        item = Term(
            name="Worst",
            slug="worst",
            short_definition="The most work one save can ask for.",
            body=_densest(limits.LONG_MARKDOWN_MAX, limits.MAX_WIDGETS),
            business_context=_densest(limits.SECTION_MARKDOWN_MAX, limits.SECTION_MAX_WIDGETS),
            example=_densest(limits.SECTION_MARKDOWN_MAX, limits.SECTION_MAX_WIDGETS),
        )
        item.full_clean()
        services.term_save(term=item, previous=None)
        term_seconds = time.process_time() - start
        for n in range(FAQS_PER_TERM_MAX):
            faq = FAQ(
                term=item,
                question=f"Question {n}?",
                answer=_densest(limits.ANSWER_MARKDOWN_MAX, limits.SECTION_MAX_WIDGETS),
            )
            faq.full_clean()  # the formset's validation renders each answer once …
            faq.save()  # … and saving renders it again
        transaction.set_rollback(True)
    total = time.process_time() - start
    print(f"  the term's three fields        {term_seconds:6.2f}")
    print(f"  with {FAQS_PER_TERM_MAX} FAQs                   {total:6.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("parts", nargs="*", choices=["growth", "bounded", "check", "term", []])
    parser.add_argument("--max-seconds", type=float, default=3.0)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    import_catalog(ROOT / "fixtures" / "models.yaml")
    parts = args.parts or ["growth", "bounded", "check", "term"]
    if "growth" in parts:
        growth(args.max_seconds)
    if "bounded" in parts:
        bounded()
    if "check" in parts:
        check()
    if "term" in parts:
        term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
