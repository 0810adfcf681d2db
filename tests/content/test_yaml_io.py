"""The one way content files are read and written: problems that say where, shapes that turn
bad input into messages instead of tracebacks, and a dump that reads back the same."""

from __future__ import annotations

import datetime

import pytest

from content.yaml_io import (
    ContentError,
    all_or_nothing,
    check_shape,
    dump_yaml,
    line_of,
    load_yaml,
    validated,
    write_yaml,
)
from glossary.models import Topic


def load(tmp_path, text, name="term.yaml"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    problems: list[str] = []
    return load_yaml(path, name, problems), problems


def test_a_mapping_knows_its_line_and_its_keys_lines(tmp_path):
    data, problems = load(tmp_path, "slug: x\nfaqs:\n  - question: q\n    answer: a\n")
    assert problems == []
    assert data == {"slug": "x", "faqs": [{"question": "q", "answer": "a"}]}
    assert (line_of(data), line_of(data, "faqs")) == (1, 2)
    assert line_of(data["faqs"][0], "answer") == 4
    assert line_of("not a mapping") is None


def test_a_python_tag_is_refused_not_run(tmp_path):
    data, problems = load(tmp_path, "slug: !!python/object/apply:os.system ['true']\n")
    assert data is None
    assert problems and problems[0].startswith("term.yaml: not valid YAML")


def test_a_syntax_error_names_the_file_and_the_line(tmp_path):
    data, problems = load(tmp_path, "slug: x\nname: [unclosed\nbody: b\n")
    assert data is None
    assert len(problems) == 1
    assert problems[0].startswith("term.yaml: not valid YAML: ")
    assert "(line 3, column" in problems[0]


def test_a_key_written_twice_is_refused_with_its_line(tmp_path):
    data, problems = load(tmp_path, "slug: x\nname: A\nname: B\n")
    assert data is None
    assert problems == [
        "term.yaml: not valid YAML: the key 'name' is written twice (line 3, column 1)."
    ]


def test_a_date_that_is_none_is_refused_with_its_line(tmp_path):
    data, problems = load(tmp_path, "slug: x\nlast_reviewed: 2026-13-01\n")
    assert data is None
    assert problems == [
        "term.yaml: not valid YAML: 2026-13-01 is not a date (month must be in 1..12)"
        " (line 2, column 16)."
    ]


def test_a_file_that_is_not_utf8_is_a_problem(tmp_path):
    data, problems = load(tmp_path, b"name: caf\xe9\n")
    assert data is None
    assert problems == ["term.yaml: not UTF-8 text."]


TERM = {"name": str, "last_reviewed": datetime.date, "aliases": [{"name": str, "kind": str}]}
WRONG = "term.yaml: aliases[0]"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name: [A, B]\n", "term.yaml: name: expected text, not a list (line 1)."),
        ("name: yes\n", "term.yaml: name: expected text, not true (in quotes it is text) (line 1)."),  # noqa: E501
        ("last_reviewed: '13 May'\n", "term.yaml: last_reviewed: expected a date (YYYY-MM-DD), not text (line 1)."),  # noqa: E501
        ("aliases: llm\n", "term.yaml: aliases: expected a list, not text (line 1)."),
        ("aliases:\n  - llm\n", f"{WRONG}: expected a mapping of fields, not text (line 1)."),
        ("aliases:\n  -\n", f"{WRONG}: an empty item (line 1)."),
        ("aliases:\n  - {name: x, knd: variant}\n", f"{WRONG}: unknown keys ['knd'] (line 2)."),
        ("aliases:\n  - name: {a: b}\n", f"{WRONG}.name: expected text, not a mapping (line 2)."),
        ("nmae: x\n", "term.yaml: unknown keys ['nmae'] (line 1)."),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_kind_is_named_with_its_path_and_line(tmp_path, text, problem):
    data, problems = load(tmp_path, text)
    assert problems == []
    assert check_shape(data, TERM, "term.yaml", problems) is False
    assert problems == [problem]


def test_values_that_fit_their_shape_are_not_problems(tmp_path):
    text = 'name: 7B\nlast_reviewed: "2026-01-02"\naliases:\n  - {name: 7, kind: variant}\n'
    data, problems = load(tmp_path, text)
    assert check_shape(data, TERM, "term.yaml", problems) is True
    assert check_shape({"name": None, "aliases": None}, TERM, "term.yaml", problems) is True
    assert problems == []


def test_an_entry_named_by_its_slug_says_which_file_it_is_in(tmp_path):
    data, problems = load(tmp_path, "- slug: m\n  name: [x]\n", name="models.yaml")
    check_shape(data[0], {"slug": str, "name": str}, "m", problems, file="models.yaml")
    assert problems == ["m: name: expected text, not a list (models.yaml, line 2)."]


@pytest.mark.django_db
def test_a_model_that_fails_full_clean_is_named_with_its_field_and_line(tmp_path):
    data, problems = load(tmp_path, "slug: Not A Slug\nname: Topic\n", name="topics.yaml")
    topic = Topic(slug=data["slug"], name=data["name"])
    assert validated(topic, "topics.yaml", problems, data=data) is False
    assert problems
    assert all(p.startswith("topics.yaml: Topic slug: ") for p in problems)
    assert all(p.endswith(" (line 1)") for p in problems)
    problems.clear()
    topic = Topic(slug="fine", name="Fine")
    assert validated(topic, "topics.yaml", problems) is True
    assert problems == []


@pytest.mark.django_db
def test_all_or_nothing_keeps_nothing_when_a_problem_is_recorded():
    with pytest.raises(ContentError) as caught, all_or_nothing("test") as problems:
        Topic.objects.create(slug="kept-only-if-all-is-well", name="A topic")
        problems.append("topics.yaml: something is wrong")
    assert caught.value.problems == ["topics.yaml: something is wrong"]
    assert not Topic.objects.filter(slug="kept-only-if-all-is-well").exists()


def test_the_dump_writes_text_with_line_breaks_as_a_block_and_reads_back_the_same(tmp_path):
    data = {
        "slug": "weights",
        "last_reviewed": datetime.date(2026, 1, 2),
        "body": "## Heading\n\nA paragraph with “quotes”, × and 7B.\n",
        "topics": ["model-basics"],
        "note": "yes",
    }
    text = dump_yaml(data)
    assert "body: |\n  ## Heading\n" in text
    assert "“quotes”, ×" in text  # Unicode as it is, not escaped
    assert text.index("slug") < text.index("last_reviewed") < text.index("body")  # key order kept
    write_yaml(tmp_path / "deep" / "weights.yaml", data)
    again, problems = load(tmp_path, (tmp_path / "deep" / "weights.yaml").read_text())
    assert problems == []
    assert again == data
    assert dump_yaml(again) == text  # what was read dumps the same: an export can be diffed
