"""JSON Schema for the API's description, worked out from what already validates each request
and types each answer, so the description cannot drift from the code.

- A query's parameters come from the Django form that parses it (`query_parameters`): each
  field's type, bounds, choices, default, label and help text.
- An answer's schema comes from the TypedDict its view is typed with (`answer_schema`): `int`
  is an exact JSON integer, a nested TypedDict is a component of its own, and every object is
  closed (`additionalProperties: false`), so an answer with a field the type does not declare
  fails validation. `Annotated[T, "text", {...}]` adds a description and schema keywords.

A form field or a type this module does not know raises TypeError when the description is
made, rather than describing it loosely.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms

JsonSchema = dict[str, Any]
COMPONENTS = "#/components/schemas/"

_SIMPLE: dict[object, str] = {int: "integer", float: "number", str: "string", bool: "boolean"}


class Components:
    """The named schemas of one description: each TypedDict an answer uses, by class name."""

    def __init__(self) -> None:
        self.schemas: dict[str, JsonSchema] = {}
        self._types: dict[str, type] = {}

    def claim(self, answer: type) -> bool:
        """Whether `answer` still needs its schema written; two types of one name are an
        error (their schemas would overwrite each other)."""
        name = answer.__name__
        known = self._types.setdefault(name, answer)
        if known is not answer:
            raise TypeError(f"two answer types are called {name}: rename one")
        if name in self.schemas:
            return False
        self.schemas[name] = {}  # claimed before its fields, so a type may refer to itself
        return True


def answer_schema(answer: object, components: Components) -> JsonSchema:
    """The schema of a type, adding every TypedDict it uses to `components`."""
    origin = typing.get_origin(answer)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(answer)
        schema = answer_schema(base, components)
        if "$ref" in schema:  # siblings of $ref are allowed in 3.1, but keep it plain
            schema = {"allOf": [schema]}
        for item in metadata:
            if isinstance(item, str):
                schema["description"] = item
            elif isinstance(item, Mapping):
                schema.update(item)
        return schema
    if origin in (typing.Required, typing.NotRequired):
        return answer_schema(typing.get_args(answer)[0], components)
    if answer is object:  # anything at all (the description describing itself)
        return {}
    if answer is None or answer is type(None):
        return {"type": "null"}
    if answer in _SIMPLE:
        return {"type": _SIMPLE[answer]}
    if origin is typing.Literal:
        values = list(typing.get_args(answer))
        return {"type": _SIMPLE[type(values[0])], "enum": values}
    if origin in (typing.Union, types.UnionType):
        members = [answer_schema(arg, components) for arg in typing.get_args(answer)]
        if all(set(member) == {"type"} for member in members):
            return {"type": [member["type"] for member in members]}
        return {"anyOf": members}
    if origin in (list, tuple) and origin is not None:
        args = typing.get_args(answer)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            raise TypeError(f"only tuple[X, ...] has a schema, not {answer!r}")
        return {"type": "array", "items": answer_schema(args[0], components)}
    if origin is dict:
        key, value = typing.get_args(answer)
        if key is not str:
            raise TypeError(f"JSON objects have string keys, not {key!r}")
        return {"type": "object", "additionalProperties": answer_schema(value, components)}
    if isinstance(answer, type) and typing.is_typeddict(answer):
        _add_component(answer, components)
        return {"$ref": COMPONENTS + answer.__name__}
    raise TypeError(f"no JSON Schema for {answer!r}")


def _add_component(answer: type, components: Components) -> None:
    if not components.claim(answer):
        return
    hints = typing.get_type_hints(answer, include_extras=True)
    schema: JsonSchema = {
        "type": "object",
        "properties": {field: answer_schema(hint, components) for field, hint in hints.items()},
        "required": sorted(answer.__required_keys__),  # type: ignore[attr-defined]
        "additionalProperties": False,
    }
    if answer.__doc__:
        schema["description"] = inspect.cleandoc(answer.__doc__)
    components.schemas[answer.__name__] = schema


def query_parameters(form_class: type[forms.Form]) -> list[JsonSchema]:
    """OpenAPI query parameters, one per field of the form that parses the query string. An
    optional field given empty (`?gpu=`) is taken as left out, as a form on a page submits an
    untouched field: OpenAPI's allowEmptyValue says exactly that."""
    parameters = []
    for name, field in form_class.base_fields.items():
        parameter: JsonSchema = {
            "name": name,
            "in": "query",
            "required": field.required,
            "description": field_description(field),
            "schema": field_schema(field),
        }
        if not field.required:
            parameter["allowEmptyValue"] = True
        parameters.append(parameter)
    return parameters


def field_description(field: forms.Field) -> str:
    parts = [str(part).strip().rstrip(".") for part in (field.label, field.help_text) if part]
    if isinstance(field, forms.DecimalField) and field.decimal_places is not None:
        parts.append(f"At most {field.decimal_places} decimal places")
    if isinstance(field, forms.ChoiceField):
        choices: Iterable[tuple[object, object]] = field.choices  # type: ignore[assignment]
        unset = [str(label) for value, label in choices if value == ""]
        if unset:
            parts.append(f"Left out: {unset[0]}")
    return ". ".join(parts) + "." if parts else ""


def field_schema(field: forms.Field) -> JsonSchema:
    """A form field's JSON Schema: what the field accepts, as a query string value."""
    schema: JsonSchema
    # A field that can say which values it takes right now (a catalog slug, say).
    current_choices = getattr(field, "current_choices", None)
    if callable(current_choices):
        schema = {"type": "string"}
        values = list(current_choices())
        if values:
            schema["enum"] = values
    elif isinstance(field, forms.ChoiceField):
        choices: Iterable[tuple[object, object]] = field.choices  # type: ignore[assignment]
        values = [str(value) for value, _ in choices if value != ""]
        schema = {"type": "string", "enum": values}
    elif isinstance(field, forms.DecimalField | forms.FloatField):  # before IntegerField,
        schema = {"type": "number"}  # which Django makes their base class
        _bounds(schema, field.min_value, field.max_value)
    elif isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        _bounds(schema, field.min_value, field.max_value)
    elif isinstance(field, forms.CharField):
        schema = {"type": "string"}
        if field.max_length is not None:
            schema["maxLength"] = int(field.max_length)
        if getattr(field, "pattern", None):  # a list in one value (calculators/layer_fields.py)
            schema["pattern"] = field.pattern  # type: ignore[attr-defined]
        if field.required:
            schema["minLength"] = 1
    else:
        raise TypeError(f"no JSON Schema for a {type(field).__name__}")
    default = getattr(field, "default", None)
    if default is None and field.initial not in (None, ""):
        default = field.initial
    if default is not None:
        schema["default"] = _json_number(default)
    return schema


def _bounds(schema: JsonSchema, minimum: object, maximum: object) -> None:
    if minimum is not None:
        schema["minimum"] = _json_number(minimum)
    if maximum is not None:
        schema["maximum"] = _json_number(maximum)


def _json_number(value: object) -> object:
    """Decimals as JSON numbers (an int when whole), other values as they are."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
