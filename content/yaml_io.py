"""The YAML files content ships in (fixtures/, format in fixtures/README.md), read and written
the same way for the model catalog, the glossary and the guides.

Reading never raises on bad input: every problem is recorded as one line that names the file
(or the entry) and the field, with the line number when it is known, and the importer raises
them together as a ContentError before it has saved anything, or rolls back what it had.
Writing is stable: the same data always gives the same text, so an export can be diffed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import reversion
import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

# libyaml's safe loader (in C) when it is there: the same rules as yaml.safe_load.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(Exception):
    """Content that cannot be imported; `problems` has one line for each thing to fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- Reading --------------------------------------------------------------------------------


class LocatedMapping(dict[Any, Any]):
    """A mapping read from a file, which knows the line it starts on and each key's line."""

    line: int | None = None
    key_lines: dict[str, int]

    def __init__(self) -> None:
        super().__init__()
        self.key_lines = {}


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader, making LocatedMappings, refusing a key written twice (which
    yaml.safe_load would settle silently by keeping the last) and a date that is none."""


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> Iterator[LocatedMapping]:
    data = LocatedMapping()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))
    for key_node, _ in node.value:
        key = str(key_node.value)
        if key in data.key_lines:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is written twice", key_node.start_mark
            )
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as error:  # 2026-13-01 looks like a date to YAML, and is none
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value} is not a date ({error})", node.start_mark
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(path: Path, name: str, problems: list[str]) -> Any:
    """The data in the file at `path` (called `name` in problems), or None after recording
    why it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(f"{name}: not UTF-8 text.")
        return None
    except OSError as error:
        problems.append(f"{name}: cannot be read ({error.strerror}).")
        return None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader (see _SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problems.append(f"{name}: not valid YAML: {error.problem or error.context}{where}.")
        return None
    except yaml.YAMLError as error:
        problems.append(f"{name}: not valid YAML ({error}).")
        return None
    if data is None:
        problems.append(f"{name}: the file is empty.")
        return None
    problem = _unstorable(data)
    if problem:
        problems.append(f"{name}: {problem}.")
        return None
    return data


def _unstorable(data: Any) -> str | None:
    """Why `data` cannot be content whatever its shape, or None. An alias (*name) makes one
    list or mapping appear in several places, or inside itself: content is written out in
    full (and checking a graph could take for ever). A NUL character is text no database
    field can hold (PostgreSQL refuses it even in a lookup)."""
    seen: set[int] = set()
    waiting = [data]
    while waiting:
        value = waiting.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return (
                    f"the text {value[:40]!r} holds a NUL character (\\0), which no field can store"
                )
        elif isinstance(value, dict | list):
            if id(value) in seen:
                return "uses a YAML alias (*name); write each value out in full"
            seen.add(id(value))
            waiting.extend(value.values() if isinstance(value, dict) else value)
            if isinstance(value, dict):
                waiting.extend(key for key in value if isinstance(key, str))
    return None


def line_of(data: Any, key: str | None = None) -> int | None:
    """The line `data` (a mapping read by load_yaml), or its `key`, is written on."""
    if not isinstance(data, LocatedMapping):
        return None
    if key is not None and key in data.key_lines:
        return data.key_lines[key]
    return data.line


def at_line(line: int | None, file: str | None = None) -> str:
    """The ending of a problem that says where it is: in its file (named here when the
    problem does not start with the file's name) and on which line."""
    where = [part for part in (file, f"line {line}" if line else None) if part]
    return f" ({', '.join(where)})" if where else ""


# --- Shapes ---------------------------------------------------------------------------------

# A shape says what a file may hold. A type is a value: str (text; a number is taken as its
# text, as a form would, and turned into that text in the data), int (a whole number), float
# (any number, or text that reads as one), bool, datetime.date (or an ISO date in quotes),
# datetime.datetime (a date and time with its offset, or a date), dict or list (anything of
# that kind). A dict of shapes is a mapping with those keys and no others; a list of one shape
# is a list of such items (none of them empty). A missing value (or null) always fits: whether
# a field is required is the model's to say (full_clean names it).
Shape = type | dict[str, "Shape"] | list["Shape"]

_KIND_NAMES: dict[type, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    datetime.date: "a date (YYYY-MM-DD)",
    datetime.datetime: "a date and time (YYYY-MM-DD HH:MM:SS+00:00)",
    dict: "a mapping",
    list: "a list",
}


def check_shape(
    value: Any,
    shape: Shape,
    where: str,
    problems: list[str],
    *,
    path: str = "",
    line: int | None = None,
    file: str | None = None,
) -> bool:
    """Record a problem for each part of `value` that does not fit `shape`; True if none.
    `where` starts each problem (a file's name, or an entry's slug and then `file`). A number
    where the shape has text becomes that text, in place, so every later step sees a str."""
    if value is None:
        return True
    line = line_of(value) or line
    named = f"{where}: {path}: " if path else f"{where}: "
    located = at_line(line, file)
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            problems.append(f"{named}expected a mapping of fields, not {kind_of(value)}{located}.")
            return False
        fits = True
        unknown = sorted(str(key) for key in value if key not in shape)
        if unknown:
            problems.append(f"{named}unknown keys {unknown}{located}.")
            fits = False
        for key, inner in shape.items():
            inner_path = f"{path}.{key}" if path else key
            inner_line = line_of(value, key)
            fits &= check_shape(
                value.get(key), inner, where, problems, path=inner_path, line=inner_line, file=file
            )
            if inner is str and key in value:
                value[key] = _as_text(value[key])
        return fits
    if isinstance(shape, list):
        if not isinstance(value, list):
            problems.append(f"{named}expected a list, not {kind_of(value)}{located}.")
            return False
        fits = True
        for index, item in enumerate(value):
            if item is None:
                problems.append(f"{where}: {path}[{index}]: an empty item{located}.")
                fits = False
                continue
            fits &= check_shape(
                item, shape[0], where, problems, path=f"{path}[{index}]", line=line, file=file
            )
            if shape[0] is str:
                value[index] = _as_text(item)
        return fits
    if not _fits(value, shape):
        # YAML reads yes, no, true and 2026-01-01 as a flag and a date unless they are quoted.
        quote = shape is str and isinstance(value, bool | datetime.date)
        hint = " (in quotes it is text)" if quote else ""
        problems.append(
            f"{named}expected {_KIND_NAMES[shape]}, not {kind_of(value)}{hint}{located}."
        )
        return False
    return True


def _as_text(value: Any) -> Any:
    """A number that stands where text belongs, as that text (anything else as it is)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _fits(value: Any, kind: type) -> bool:
    if isinstance(value, bool):
        return kind is bool
    if kind is str:
        return isinstance(value, str | int | float)
    if kind is float:
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return False
            return True
        return isinstance(value, int | float)
    if kind is datetime.date and isinstance(value, str):
        return to_date(value) is not None
    if kind is datetime.datetime:
        return to_datetime(value) is not None
    return isinstance(value, kind)


def field_kind(model: type[models.Model], name: str) -> type:
    """The Python type a model field's value has in a YAML file (for a Shape)."""
    field = model._meta.get_field(name)
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.IntegerField):
        return int
    if isinstance(field, models.DateField):
        return datetime.date
    return str


def kind_of(value: Any) -> str:
    """What `value` is, in the words problems use: text, a list, a number ..."""
    if isinstance(value, bool):
        return "true" if value else "false"
    for kind in (dict, list, str):
        if isinstance(value, kind):
            return _KIND_NAMES[kind]
    if isinstance(value, datetime.datetime):
        return "a date and time"
    if isinstance(value, datetime.date):
        return "a date"
    return "a number" if isinstance(value, int | float) else type(value).__name__


def to_datetime(value: Any) -> datetime.datetime | None:
    """A moment written in a file: YAML makes `2026-11-22 10:00:00+00:00` a datetime, and
    text in quotes is read the same way. One without an offset, or a bare date (midnight),
    is taken as UTC, the time zone every stored moment is in."""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)
    return None


def to_date(value: Any) -> datetime.date | None:
    """A date written in a file: YAML makes 2026-11-22 a date; "2026-11-22" is text."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def single_line(value: Any) -> str:
    """Plain text written over several lines (`>-`), as the one line it stands for."""
    return " ".join(str(value).split()) if value is not None else ""


# --- Saving ---------------------------------------------------------------------------------


def validated(
    instance: models.Model,
    where: str,
    problems: list[str],
    *,
    data: Any = None,
    file: str | None = None,
    name_the_model: bool = True,
    validate_unique: bool = True,
) -> bool:
    """Whether `instance` passes full_clean (as the admin would check it); if not, a problem
    for each message, naming the model (unless `name_the_model` is off) and the field, and the
    line that field is on in `data`, the mapping (or mappings) it was read from."""
    try:
        instance.full_clean(validate_unique=validate_unique)
    except ValidationError as error:
        model = type(instance).__name__ if name_the_model else ""
        sources = [d for d in (data if isinstance(data, tuple | list) else [data]) if d]
        for field, messages in error.message_dict.items():
            what = model if field == NON_FIELD_ERRORS else f"{model} {field}".strip()
            lines = [line_of(d, field) for d in sources if field in getattr(d, "key_lines", {})]
            line = lines[0] if lines else line_of(sources[0]) if sources else None
            problems.extend(
                f"{where}: {what}: {message}{at_line(line, file)}"
                if what
                else f"{where}: {message}{at_line(line, file)}"
                for message in messages
            )
        return False
    return True


@contextmanager
def all_or_nothing(comment: str) -> Iterator[list[str]]:
    """One transaction and one revision in the history (so an import can be undone from the
    admin as one step). The block records problems in the list it is given; if there are any
    at the end, nothing it saved is kept and they are raised together as a ContentError."""
    problems: list[str] = []
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(comment)
        yield problems
        if problems:
            raise ContentError(problems)  # (raised inside the block: nothing is kept)


# --- Writing --------------------------------------------------------------------------------


class _BlockDumper(yaml.SafeDumper):
    """Text with line breaks as a `|` block, as it is written by hand."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_text)
_BlockDumper.add_representer(LocatedMapping, yaml.SafeDumper.represent_dict)


def dump_yaml(data: Any) -> str:
    """`data` as YAML text: keys in the order given, Unicode as it is, lines of 100."""
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)


def write_yaml(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_yaml(data), encoding="utf-8")
