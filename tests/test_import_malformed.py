"""Malformed content never crashes `import_content`: every kind of mistake in every kind of file
(a term, topics.yaml, a guide, a lesson, the model catalog) is a CommandError whose message
names the file, the entry and the field, and nothing is saved. A fuzz test mutates valid files
at random and asks the same of whatever it makes."""

from __future__ import annotations

import copy
import datetime
import shutil
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from content_folders import GUIDE_FOLDER, SAMPLE_FILES, empty_database, write_sample_folder
from django.apps import apps
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.yaml_io import dump_yaml

pytestmark = pytest.mark.django_db

Edit = Callable[[Path], None]
GPU_MESSAGE = "gpu: Select a valid choice. nope is not one of the available choices."


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def text(old: str, new: str) -> Edit:
    """Replace the first `old` in the file's text."""

    def edit(path: Path) -> None:
        content = path.read_text(encoding="utf-8")
        assert old in content, (path, old)
        path.write_text(content.replace(old, new, 1), encoding="utf-8")

    return edit


def raw(content: bytes) -> Edit:
    def edit(path: Path) -> None:
        path.write_bytes(content)

    return edit


def data(change: Callable[[Any], Any]) -> Edit:
    """Read the file, change its data (`change` edits it in place, or returns new data), write
    it back as YAML (shared objects come out as YAML anchors and aliases)."""

    def edit(path: Path) -> None:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        changed = change(loaded)
        path.write_text(
            yaml.safe_dump(loaded if changed is None else changed, allow_unicode=True),
            encoding="utf-8",
        )

    return edit


def put(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d.__setitem__(key, value)


def drop(key: str) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        del d[key]

    return change


def first(change: Callable[[Any], None]) -> Callable[[list[Any]], None]:
    """The change applied to the first item of a list (a topic, a catalog model)."""

    def change_first(items: list[Any]) -> None:
        change(items[0])

    return change_first


def copy_to(name: str) -> Edit:
    """The file again, beside itself under `name`."""

    def edit(path: Path) -> None:
        shutil.copyfile(path, path.parent / name)

    return edit


def extra_file(name: str, content: str) -> Edit:
    def edit(path: Path) -> None:
        (path.parent / name).parent.mkdir(parents=True, exist_ok=True)
        (path.parent / name).write_text(content, encoding="utf-8")

    return edit


# The kinds of mistake, for each kind of file: (edit, what the message must say). Every message
# also names its file. "ids" below name the kind.
COMMON = {
    "bad YAML": (text(":", ": [unclosed"), ["not valid YAML", "line"]),
    "invalid UTF-8": (raw(b"slug: caf\xe9\n"), ["not UTF-8 text"]),
    "empty file": (raw(b""), ["the file is empty"]),
    "a NUL character": (raw(b'slug: "a\\0b"\n'), ["NUL character"]),
}
TERM = {
    "a key written twice": (
        text("\nname:", "\nname: Twice\nname:"),
        ["the key 'name' is written twice"],
    ),
    "wrong top-level type": (data(lambda d: [d]), ["expected a mapping of fields, not a list"]),
    "unknown key": (data(put("colour", "red")), ["unknown keys ['colour']"]),
    "list where text": (data(put("name", ["Alpha"])), ["name: expected text, not a list"]),
    "non-string where text": (
        data(put("short_definition", True)),
        ["short_definition: expected text, not true"],
    ),
    "missing key": (
        data(drop("short_definition")),
        ["Term short_definition: This field cannot be blank"],
    ),
    "null where required": (data(put("name", None)), ["Term name: This field cannot be blank"]),
    "text where mapping": (
        data(put("aliases", ["first letter"])),
        ["aliases[0]: expected a mapping of fields, not text"],
    ),
    "mapping where list": (
        data(put("topics", {"basics": 1})),
        ["topics: expected a list, not a mapping"],
    ),
    "bad date": (data(put("last_reviewed", "22/11/2026")), ["last_reviewed: expected a date"]),
    "impossible date": (text("2026-11-22", "2026-13-45"), ["2026-13-45 is not a date"]),
    "bad moment": (
        data(put("published_at", "yesterday")),
        ["published_at: expected a date and time"],
    ),
    "bad choice": (
        data(put("status", "maybe")),
        ["Term status: Value 'maybe' is not a valid choice"],
    ),
    "unknown topic": (data(put("topics", ["nope"])), ["topics: unknown topics ['nope']"]),
    "unknown term in a relation": (
        data(put("relations", [{"term": "nope"}])),
        ["relations[0]: term: no term 'nope'"],
    ),
    "unknown relation kind": (
        data(put("relations", [{"kind": "sibling", "term": "beta"}])),
        ["relations[0]: kind: unknown kind 'sibling'"],
    ),
    "unknown term in a link": (
        data(put("body", "See [[nope]].")),
        ["Term body: [[nope]] links to a term that does not exist"],
    ),
    "slug not the file's": (
        data(put("slug", "other")),
        ["slug 'other' does not match the file name"],
    ),
    "duplicate alias": (data(put("aliases", [{"name": "Same"}, {"name": "same"}])), ["aliases[1]"]),
    "a YAML alias": (
        data(put("faqs", [{"question": "Q?", "answer": "A."}] * 2)),
        ["uses a YAML alias"],
    ),
    "duplicate FAQ anchor": (
        data(put("faqs", [{"question": "Q?", "answer": "A."}, {"question": "Q!", "answer": "B."}])),
        ["faqs[1]: FAQ with this Term and Slug already exists"],
    ),
    "questions without a letter": (
        data(
            put("faqs", [{"question": "???", "answer": "A."}, {"question": "!!!", "answer": "B."}])
        ),
        ["faqs[1]: FAQ with this Term and Slug already exists"],
    ),
    "a number too long for its text": (
        data(put("aliases", [{"name": 10**200}])),
        ["aliases[0]: name: Ensure this value has at most 120 characters"],
    ),
    "null where optional text": (
        data(put("resources", [{"title": "T", "url": "https://e.com", "note": None}])),
        None,
    ),
    "a name another term has": (
        data(put("name", "BETA")),
        ["beta.yaml: Term name:", "is already the name of the term “BETA”"],
    ),
    "an old slug that is a live one": (
        data(put("old_slugs", ["beta"])),
        ["old_slugs: 'beta' is the address of the term in beta.yaml"],
    ),
    "a bad old slug": (data(put("old_slugs", ["Not A Slug"])), ["old_slugs: 'Not A Slug': "]),
    "unknown key in a check": (
        data(put("checks", [{"txt": "x"}])),
        ["checks[0]: unknown keys ['txt']"],
    ),
    "unknown GPU in a diagram": (
        data(put("body", '{{< diagram name="memory-stack" gpu="nope" >}}')),
        ["Term body: Widget “diagram”: ", GPU_MESSAGE],
    ),
}
TOPICS = {
    "a key written twice": (
        text("  name:", "  name: Twice\n  name:"),
        ["the key 'name' is written twice"],
    ),
    "wrong top-level type": (data(lambda d: {"topics": d}), ["expected a list, not a mapping"]),
    "unknown key": (data(first(put("colour", "red"))), ["[0]: unknown keys ['colour']"]),
    "list where text": (data(first(put("name", ["x"]))), ["[0].name: expected text, not a list"]),
    "non-string where text": (
        data(first(put("name", True))),
        ["[0].name: expected text, not true"],
    ),
    "missing key": (data(first(drop("name"))), ["basics: name: This field cannot be blank"]),
    "null where required": (
        data(first(put("slug", None))),
        ["topics[0]: slug: This field cannot be blank"],
    ),
    "text where mapping": (
        data(lambda d: d.append("x")),
        ["[2]: expected a mapping of fields, not text"],
    ),
    "duplicate slug": (
        data(lambda d: d.append({"slug": "basics", "name": "Again"})),
        ["topics ['basics'] are written twice"],
    ),
    "duplicate name": (
        data(lambda d: d.append({"slug": "other", "name": "Basics"})),
        ["other: name: Topic with this Name already exists"],
    ),
    "bad slug": (data(first(put("slug", "Not A Slug"))), ["Not A Slug: slug: "]),
    "too long": (
        data(first(put("name", "x" * 81))),
        ["basics: name: Ensure this value has at most 80 characters"],
    ),
    "shared entry": (data(lambda d: [d[0], d[0]]), ["uses a YAML alias"]),
    "a topic the terms use, missing": (
        data(lambda d: d[1:]),
        ["alpha.yaml: topics: unknown topics ['basics']"],
    ),
}
GUIDE = {
    "a key written twice": (
        text("\ntitle:", "\ntitle: Twice\ntitle:"),
        ["the key 'title' is written twice"],
    ),
    "wrong top-level type": (data(lambda d: [d]), ["expected a mapping of fields, not a list"]),
    "unknown key": (data(put("colour", "red")), ["unknown keys ['colour']"]),
    "list where text": (data(put("title", ["x"])), ["title: expected text, not a list"]),
    "non-string where text": (data(put("summary", True)), ["summary: expected text, not true"]),
    "missing key": (data(drop("title")), ["Guide title: This field cannot be blank"]),
    "null where required": (
        data(put("summary", None)),
        ["Guide summary: This field cannot be blank"],
    ),
    "text where list": (
        data(put("outcomes", "Know alpha.")),
        ["outcomes: expected a list, not text"],
    ),
    "mapping where list": (
        data(put("prerequisites", {"alpha": 1})),
        ["prerequisites: expected a list, not a mapping"],
    ),
    "text where number": (
        data(put("order", "first")),
        ["order: expected a whole number, not text"],
    ),
    "number out of range": (
        data(put("order", -1)),
        ["Guide order: Ensure this value is greater than or equal to 0"],
    ),
    "bad choice": (
        data(put("level", "expert")),
        ["Guide level: Value 'expert' is not a valid choice"],
    ),
    "unknown prerequisite": (
        data(put("prerequisites", ["nope"])),
        ["prerequisites: unknown terms ['nope']"],
    ),
    "slug not the folder's": (
        data(put("slug", "other")),
        ["slug 'other' does not match the folder name"],
    ),
    "lessons without a guide": (
        extra_file("../orphan/01-x.yaml", "slug: x\n"),
        ["orphan/: lessons without a guide.yaml"],
    ),
}
LESSON = {
    "a key written twice": (
        text("\ntitle:", "\ntitle: Twice\ntitle:"),
        ["the key 'title' is written twice"],
    ),
    "wrong top-level type": (data(lambda d: [d]), ["expected a mapping of fields, not a list"]),
    "unknown key": (data(put("colour", "red")), ["unknown keys ['colour']"]),
    "list where text": (data(put("title", ["x"])), ["title: expected text, not a list"]),
    "non-string where text": (data(put("body", True)), ["body: expected text, not true"]),
    "missing key": (data(drop("title")), ["Lesson title: This field cannot be blank"]),
    "null where required": (data(put("body", None)), ["Lesson body: This field cannot be blank"]),
    "text where mapping": (
        data(put("questions", ["Which?"])),
        ["questions[0]: expected a mapping of fields, not text"],
    ),
    "mapping where list": (
        data(lambda d: d["questions"][0].__setitem__("choices", {"a": 1})),
        ["questions[0].choices: expected a list, not a mapping"],
    ),
    "text where true or false": (
        data(lambda d: d["questions"][0]["choices"][0].__setitem__("correct", "sure")),
        ["questions[0].choices[0].correct: expected true or false"],
    ),
    "null where required, deeper": (
        data(lambda d: d["questions"][0]["choices"][1].__setitem__("explanation", None)),
        ["questions[0].choices[1]: explanation: This field cannot be blank"],
    ),
    "two correct choices": (
        data(lambda d: d["questions"][0]["choices"][1].__setitem__("correct", True)),
        ["questions[0]: “Which comes first?”: ", "needs exactly one correct choice"],
    ),
    "unknown term in a link": (
        data(put("body", "See [[nope]].")),
        ["Lesson body: [[nope]] links to a term that does not exist"],
    ),
    "unknown GPU in a diagram": (
        data(put("body", '{{< diagram name="memory-stack" gpu="nope" >}}')),
        ["Lesson body: Widget “diagram”: ", GPU_MESSAGE],
    ),
    "slug not the file's": (
        data(put("slug", "other")),
        ["slug 'other' does not match the file name"],
    ),
    "duplicate slug": (
        copy_to("03-first-lesson.yaml"),  # a whole lesson again, which once replaced the first
        ["the lesson 'first-lesson' is written twice"],
    ),
    "badly named file": (
        extra_file("1a-third.yaml", "slug: third\n"),
        ["1a-third.yaml: a lesson's file is named <NN>-<lesson-slug>.yaml"],
    ),
}
CATALOG = {
    "a key written twice": (
        text("  name:", "  name: Twice\n  name:"),
        ["the key 'name' is written twice"],
    ),
    "wrong top-level type": (
        data(lambda d: {"models": d}),
        ["expected a list of models, not a mapping"],
    ),
    "entry not a mapping": (
        data(lambda d: ["tiny-1b", *d]),
        ["model 1: expected a mapping of fields, not text"],
    ),
    "unknown key": (data(first(put("colour", "red"))), ["tiny-1b: unknown keys ['colour']"]),
    "list where text": (
        data(first(put("name", ["x"]))),
        ["tiny-1b: name: expected text, not a list"],
    ),
    "non-string where text": (
        data(first(put("organisation", True))),
        ["tiny-1b: organisation: expected text, not true"],
    ),
    "missing key": (data(first(drop("name"))), ["tiny-1b: name: This field cannot be null"]),
    "null where required": (
        data(first(put("source_url", None))),
        ["tiny-1b: source_url: This field cannot be null"],
    ),
    "list where mapping": (
        data(first(put("config", [1]))),
        ["tiny-1b: config: expected a mapping, not a list"],
    ),
    "bad date": (
        data(first(put("release_date", "May 2024"))),
        ["tiny-1b: release_date: expected a date (YYYY-MM-DD), not text"],
    ),
    "text where number": (
        data(first(put("published_parameters", "many"))),
        ["tiny-1b: published_parameters: expected a whole number, not text"],
    ),
    "fraction where whole number": (
        data(first(put("published_parameters", 1.5))),
        ["tiny-1b: published_parameters: expected a whole number, not a number"],
    ),
    "number out of range": (
        data(lambda d: d[0]["config"].__setitem__("num_hidden_layers", 10**30)),
        ["tiny-1b: config: num_hidden_layers: "],
    ),
    "missing config key": (
        data(lambda d: d[0]["config"].__delitem__("hidden_size")),
        ["tiny-1b: config: hidden_size: missing"],
    ),
    "unsupported model_type": (
        data(lambda d: d[0]["config"].__setitem__("model_type", "t5")),
        ["tiny-1b: config: model_type: 't5' is not supported"],
    ),
    "not a JSON value": (
        data(lambda d: d[0]["config"]["rope_scaling"].__setitem__("factor", float("nan"))),
        ["tiny-1b: config: rope_scaling.factor: nan is not a number JSON holds"],
    ),
    "a config with no source": (
        data(first(put("config_source_url", ""))),
        ["tiny-1b: config_source_url: Give where the config.json can be read."],
    ),
    "duplicate slug": (
        data(lambda d: d.append(copy.deepcopy(d[0]))),
        ["models.yaml: the slug 'tiny-1b' is used twice"],
    ),
    "bad choice": (
        data(first(put("config_origin", "x"))),
        ["tiny-1b: config_origin: Value 'x' is not a valid choice"],
    ),
    "inconsistent architecture": (
        data(lambda d: d[0]["config"].__setitem__("num_key_value_heads", 3)),
        ["tiny-1b: config: num_key_value_heads: must divide heads"],
    ),
    "unknown model in a widget": (
        data(lambda d: d.__delitem__(0)),
        ["alpha.yaml: Term body: Widget “parameters”: model"],
    ),
}
GPUS = {
    "wrong top-level type": (
        data(lambda d: {"gpus": d}),
        ["expected a list of GPUs, not a mapping"],
    ),
    "entry not a mapping": (
        data(lambda d: ["card-1", *d]),
        ["GPU 1: expected a mapping of fields, not text"],
    ),
    "unknown key": (data(first(put("colour", "red"))), ["card-1: unknown keys ['colour']"]),
    "text where number": (
        data(first(put("memory_bytes", "lots"))),
        ["card-1: memory_bytes: expected a whole number, not text"],
    ),
    "text where list": (
        data(first(put("sources", "https://example.com"))),
        ["card-1: sources: expected a list, not text"],
    ),
    "no source": (data(first(put("sources", []))), ["card-1: sources: Give at least one address"]),
    "not an address": (
        data(first(put("sources", ["the datasheet"]))),
        ["card-1: sources: “the datasheet” is not a web address"],
    ),
    "missing name": (data(first(drop("name"))), ["card-1: name: This field cannot be blank"]),
    "unknown kind": (
        data(first(put("kind", "gaming"))),
        ["card-1: kind: Value 'gaming' is not a valid choice"],
    ),
    "bad share": (
        data(first(put("usable_share", "most"))),
        ["card-1: usable_share: Write a share between 0 and 1"],
    ),
    "driver memory far from the label": (
        data(first(put("memory_bytes", 24 * 10**12))),
        ["card-1: memory_bytes: 24,000,000,000,000 bytes is far from the 24GB label"],
    ),
    "negative figure": (
        data(first(put("flops_16bit", -1))),
        ["card-1: flops_16bit: Give a positive figure"],
    ),
    "a null figure is unknown, not a mistake": (data(first(put("flops_16bit", None))), None),
}
FILES = {
    "term": TERM, "topics": TOPICS, "guide": GUIDE, "lesson": LESSON, "catalog": CATALOG,
    "gpus": GPUS,
}  # fmt: skip
NAMES = {
    "term": "alpha.yaml",
    "topics": "topics.yaml",
    "guide": "sample-guide/guide.yaml",
    "lesson": "sample-guide/01-first-lesson.yaml",
    "catalog": "models.yaml",
    "gpus": "gpus.yaml",
}
CASES = [
    pytest.param(kind, edit, says, id=f"{kind}: {name}")
    for kind, table in FILES.items()
    for name, (edit, says) in {**COMMON, **table}.items()
]


def import_content(folder: Path) -> str:
    out = StringIO()
    call_command("import_content", str(folder), stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(("kind", "edit", "says"), CASES)
def test_a_mistake_is_a_message_naming_file_and_field_and_nothing_is_saved(
    tmp_path, kind, edit, says
):
    folder = write_sample_folder(tmp_path / "content")
    edit(folder / SAMPLE_FILES[kind])
    before = row_counts()
    if says is None:  # not a mistake after all: a null where a field may be empty
        import_content(folder)
        return
    with pytest.raises(CommandError) as caught:
        import_content(folder)
    message = str(caught.value)
    assert message.startswith("The content has problems:\n")
    problems = message.splitlines()[1:]
    # The problem names its file (this one, unless the case says which), entry and field ...
    if not any(".yaml" in part or "/:" in part for part in says):
        says = [NAMES[kind], *says]
    assert any(all(part in problem for part in says) for problem in problems), problems
    # ... and every other problem names its own.
    assert all(".yaml" in problem or "/:" in problem for problem in problems), problems
    assert row_counts() == before


def test_the_kinds_of_mistake_cover_every_kind_of_file():
    for table in FILES.values():
        assert len({**COMMON, **table}) >= 14


# --- Fuzz ------------------------------------------------------------------------------------

VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=30),
        st.sampled_from(["", "\x00", "\x01", "\ufffe", "[[", "[[nope]]", "{{< x >}}", "a" * 500]),
        st.dates(),
        st.datetimes(timezones=st.just(datetime.UTC)),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the data: each key of each mapping, each item of each list."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, Callable[[Path], None]]:
    kind = draw(st.sampled_from(sorted(SAMPLE_FILES)))
    how = draw(st.sampled_from(["replace", "delete", "add", "bytes"]))
    value = draw(VALUES)
    choice = draw(st.integers(min_value=0))
    cut = draw(st.integers(min_value=0))
    junk = draw(st.binary(max_size=8))

    def mutate(path: Path) -> None:
        if how == "bytes":
            content = path.read_bytes()
            at = cut % (len(content) + 1)
            path.write_bytes(content[:at] + junk + content[at + len(junk) // 2 :])
            return
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        places = paths(loaded)
        place = places[choice % len(places)]
        if not place:
            loaded = value
        else:
            parent = loaded
            for step in place[:-1]:
                parent = parent[step]
            if how == "delete":
                del parent[place[-1]]
            elif how == "add" and isinstance(parent, dict):
                parent[f"extra{choice % 3}"] = value
            elif how == "add":
                parent.insert(place[-1], value)
            else:
                parent[place[-1]] = value
        path.write_text(dump_yaml(loaded), encoding="utf-8")

    return kind, mutate


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutation=mutations())
def test_any_change_to_a_valid_file_imports_or_is_refused_with_a_message(
    tmp_path_factory, mutation
):
    kind, mutate = mutation
    empty_database()
    folder = write_sample_folder(tmp_path_factory.mktemp("fuzz"))
    mutate(folder / SAMPLE_FILES[kind])
    before = row_counts()
    try:
        import_content(folder)
    except CommandError as error:  # anything else is a crash, and fails the test
        assert str(error).startswith("The content has problems:\n")
        assert row_counts() == before


def test_the_sample_folder_itself_imports(tmp_path):
    output = import_content(write_sample_folder(tmp_path / "content"))
    assert (
        "2 catalog models, 2 topics, 3 terms (3 new), 2 relations, 1 guides, 2 lessons and "
        "1 corrections" in output
    )
    assert (tmp_path / "content" / GUIDE_FOLDER / "guide.yaml").exists()
