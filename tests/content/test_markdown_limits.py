"""content/limits.py: the rules that keep Markdown's work in proportion to a text's length,
each refusing exactly the input that makes Python-Markdown slow down with its square (or
recurse until Python gives up), and nothing any shipped text holds. Timings are not tests:
bench/markdown_inputs.py measures them (figures in bench/README.md)."""

from __future__ import annotations

import pytest
from shipped_content import guide_files, term_files

from content import limits
from content.limits import markdown_problem
from glossary.models import FAQ, Term
from learning.models import Lesson

BRACKETS = "more than 16 “[” are open at once, not closed by “]”"
ADDRESSES = "more than 16 link addresses “](” are open at once, not closed by “)”"
TITLES = "more than 16 links in this paragraph have an address with a quote"


def test_the_limits_are_the_documented_ones():
    # The messages below name these numbers; the bench measured the work at them.
    assert (limits.MAX_OPEN_BRACKETS, limits.MAX_OPEN_ADDRESSES) == (16, 16)
    assert (limits.MAX_UNCLOSED_TITLES, limits.MAX_NESTING) == (16, 8)
    assert (limits.MAX_WIDGETS, limits.SECTION_MAX_WIDGETS, limits.MAX_CODE_BLOCKS) == (10, 3, 40)
    assert (limits.LONG_MARKDOWN_MAX, limits.SECTION_MARKDOWN_MAX) == (50_000, 10_000)
    assert limits.ANSWER_MARKDOWN_MAX == 5_000


# --- Link text: "[" open at once ---------------------------------------------------------------


def test_sixteen_open_brackets_pass_and_seventeen_are_refused_with_their_line():
    assert markdown_problem("[" * 16) is None
    problem = markdown_problem("An intro.\n\nText " + "[" * 17)
    assert problem is not None
    assert problem.startswith(f"Line 3: {BRACKETS}.")
    assert "write \\[ for a bracket shown as it is" in problem


def test_closed_brackets_and_term_links_never_add_up():
    assert markdown_problem("[a] " * 5_000) is None
    assert markdown_problem("See [[weights]] and [[kv-cache|the cache]]. " * 1_000) is None
    assert markdown_problem("[" * 16 + "]" * 16 + "[" * 16) is None


def test_a_stray_closing_bracket_does_not_make_room_for_more_openings():
    assert markdown_problem("]" * 100 + "[" * 17) is not None


def test_escaped_brackets_are_text_and_not_counted():
    assert markdown_problem("\\[" * 5_000) is None
    assert markdown_problem("\\\\[" * 17) is not None  # an escaped backslash, then a real "["


def test_a_blank_line_ends_the_paragraph_and_its_count():
    assert markdown_problem(("[" * 10 + "\n\n") * 50) is None
    assert markdown_problem(("[" * 10 + "\n \t\n") * 50) is None  # a line of blanks is blank
    assert markdown_problem(("[" * 10 + "\n") * 2) is not None  # one paragraph of two lines


def test_a_carriage_return_ends_a_line_as_markdown_reads_it():
    assert markdown_problem(("[" * 10 + "\r\n\r\n") * 5) is None
    assert markdown_problem(("[" * 10 + "\r\r") * 5) is None
    assert markdown_problem(("[" * 10 + "\r\n") * 2) is not None


# --- Link addresses: "](" open at once, and titles that never close ---------------------------


def test_open_link_addresses_past_sixteen_are_refused():
    assert markdown_problem("[a](" * 16) is None
    assert markdown_problem("[a](" * 17) == f"Line 1: {ADDRESSES}. " + (
        "Markdown would take far too long on that: close them, or write \\( for a "
        "parenthesis shown as it is."
    )


def test_ordinary_links_and_parentheses_never_add_up():
    assert markdown_problem("[a](https://example.com/a_(b)) " * 1_500) is None
    assert markdown_problem("(" * 5_000) is None  # prose parentheses: no link scans them
    assert markdown_problem("[a](" + "(" * 5_000) is None  # one address, deeply nested


def test_addresses_whose_title_never_closes_are_counted_per_paragraph():
    assert markdown_problem('[a](b "t") ' * 2_000) is None
    assert markdown_problem("[a](b 't' ) " * 2_000) is None
    assert markdown_problem('[a]("b) ' * 16) is None
    problem = markdown_problem('[a]("b) ' * 17)
    assert problem is not None
    assert problem.startswith(f"Line 1: {TITLES}")
    assert markdown_problem('[a]("b) ' * 16 + "\n\n" + '[a]("b) ' * 16) is None


def test_a_quote_after_an_address_closed_is_prose():
    assert markdown_problem('[a](b) it\'s "quoted" ' * 2_000) is None


# --- Lists and quotes nested on a line --------------------------------------------------------


@pytest.mark.parametrize("marker", ["- ", "* ", "+ ", "1. ", "> ", ">"])
def test_eight_levels_pass_and_nine_are_refused(marker):
    assert markdown_problem(marker * 8 + "x") is None
    assert markdown_problem(marker * 9 + "x") == (
        "Line 1: lists or quotes nest at least 9 levels deep; the limit is 8."
    )
    assert markdown_problem(marker * 5_000 + "x") is not None  # (Python-Markdown: RecursionError)


def test_indented_list_items_count_their_indentation_as_levels():
    text = "".join("    " * level + "- item\n" for level in range(9))
    assert markdown_problem(text) == "Line 9: lists or quotes nest 9 levels deep; the limit is 8."
    assert markdown_problem("".join("    " * level + "- item\n" for level in range(8))) is None
    assert markdown_problem("\t" * 8 + "- item") is not None  # a tab is a level
    assert markdown_problem("\t" * 7 + "- item") is None


def test_indentation_alone_and_rules_nest_nothing():
    assert markdown_problem("    " * 40 + "deeply indented code") is None
    assert markdown_problem("---\n\n***\n\n-1 and *emphasis* and 2.5") is None


# --- Widgets and length ---------------------------------------------------------------------


DIAGRAM = '{{< diagram name="neuron" >}}\n\n'


def test_ten_widgets_pass_and_eleven_are_refused():
    assert markdown_problem(DIAGRAM * 10) is None
    assert markdown_problem(DIAGRAM * 11) == "This text embeds 11 widgets; the limit here is 10."


def test_a_field_may_allow_fewer_widgets():
    assert markdown_problem(DIAGRAM * 3, max_widgets=3) is None
    assert markdown_problem(DIAGRAM * 4, max_widgets=3) == (
        "This text embeds 4 widgets; the limit here is 3."
    )


def test_forty_code_blocks_pass_and_the_forty_first_is_refused_with_its_line():
    fenced = "```python\nx = [1]\n```\n\n"
    assert markdown_problem(fenced * 40) is None
    assert markdown_problem(fenced * 41) == (
        "Line 161: this is code block 41; the limit is 40 in one text (each is highlighted on "
        "its own)."
    )
    assert markdown_problem("    indented code\n\nprose\n\n" * 41) is not None
    assert markdown_problem("~~~\na\n~~~\n\n" * 41) is not None


def test_what_a_fenced_block_holds_is_not_counted_as_more_blocks():
    inside = "def f():\n\n    return 1\n\n" * 100  # indented lines after blank lines
    assert markdown_problem("```python\n" + inside + "```\n") is None
    assert markdown_problem("````\n" + "```\n" * 100 + "````\n") is None  # ```` holds ```
    assert markdown_problem("- item\n\n    more of the item\n\n" * 40) is None


def test_a_text_past_its_length_is_refused_naming_the_limit():
    assert markdown_problem("a" * 50_000) is None
    assert markdown_problem("a" * 50_001) == (
        "This text is 50,001 characters long; the limit is 50,000."
    )
    assert markdown_problem("a" * 10_001, max_chars=10_000) == (
        "This text is 10,001 characters long; the limit is 10,000."
    )


# --- The field validators -------------------------------------------------------------------

MARKDOWN_FIELDS = {
    (Term, "body"): limits.MarkdownLimits(50_000, 10),
    (Term, "business_context"): limits.MarkdownLimits(10_000, 3),
    (Term, "example"): limits.MarkdownLimits(10_000, 3),
    (FAQ, "answer"): limits.MarkdownLimits(5_000, 3),
    (Lesson, "body"): limits.MarkdownLimits(50_000, 10),
}


@pytest.mark.parametrize(
    ("model", "name"), MARKDOWN_FIELDS, ids=lambda v: getattr(v, "__name__", v)
)
def test_every_markdown_field_carries_its_limit(model, name):
    field = model._meta.get_field(name)
    assert MARKDOWN_FIELDS[model, name] in field.validators
    assert field.max_length is None  # a textarea's maxlength would cut a paste short silently


# --- The shipped content --------------------------------------------------------------------


def _shipped_markdown() -> list[tuple[str, type, str, str]]:
    found = []
    _, terms = term_files()
    for term in terms:
        for name in Term.MARKDOWN_FIELDS:
            found.append((term["_file"], Term, name, term.get(name) or ""))
        for faq in term.get("faqs") or []:
            found.append((term["_file"], FAQ, "answer", faq.get("answer") or ""))
    for _, lessons in guide_files():
        found += [(lesson["_file"], Lesson, "body", lesson.get("body") or "") for lesson in lessons]
    return found


def test_every_shipped_markdown_text_passes_its_field_validators():
    texts = _shipped_markdown()
    assert len(texts) > 300
    refused = []
    for where, model, name, text in texts:
        for validator in model._meta.get_field(name).validators:
            try:
                validator(text)
            except Exception as error:  # noqa: BLE001 - listed, then asserted empty
                refused.append((where, name, error))
    assert refused == []


def test_the_shipped_content_keeps_far_inside_every_rule():
    # Every shipped text passes with the rules cut to a fraction of their limits: the margin.
    texts = [text for *_, text in _shipped_markdown()]
    tight = {
        "MAX_OPEN_BRACKETS": 2,
        "MAX_OPEN_ADDRESSES": 2,
        "MAX_UNCLOSED_TITLES": 2,
        "MAX_NESTING": 2,
        "MAX_WIDGETS": 2,
        "MAX_CODE_BLOCKS": 5,
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in tight.items():
            patch.setattr(limits, name, value)
        assert [t[:60] for t in texts if markdown_problem(t, max_chars=7_000)] == []
