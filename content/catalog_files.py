"""The model catalog in and out of fixtures/models.yaml: a list with one mapping per model,
its architecture a `config` mapping (the config.json keys that matter), or null where it was
never published (fields: the file's header).

Problems name the entry by its slug, the field (and, inside `config`, the config.json key),
and where in the file it is.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from calculators.models import CatalogModel
from content.yaml_io import (
    ContentError,
    Shape,
    all_or_nothing,
    at_line,
    check_shape,
    field_kind,
    kind_of,
    line_of,
    load_yaml,
    to_date,
    validated,
    write_yaml,
)

PLAIN_FIELDS = (
    "name", "organisation", "release_date", "licence", "open_weights", "source_url",
    "published_parameters", "published_is_exact", "published_active", "published_wording",
    "counting_note", "parameters_are_estimate", "estimated_parameters", "estimate_note",
    "context_length", "training_tokens",
)  # fmt: skip
CONFIG_FIELDS = ("config_origin", "config_source_url", "config_note")
FLAGS = ("open_weights", "published_is_exact", "parameters_are_estimate")
TEXTS = (
    "licence", "published_wording", "counting_note", "estimate_note", "config_origin",
    "config_source_url", "config_note",
)  # fmt: skip
CONFIG_DEPTH = 8  # a config.json nests a text_config or a rope_scaling, not deeper


ENTRY_SHAPE: dict[str, Shape] = {
    "slug": str,
    **{name: field_kind(CatalogModel, name) for name in PLAIN_FIELDS},
    "config": dict,
    **dict.fromkeys(CONFIG_FIELDS, str),
}


def read_catalog(path: Path) -> list[dict[str, Any]]:
    """The entries of a catalog file, checked for shape; raises ContentError."""
    problems: list[str] = []
    entries = load_yaml(path, path.name, problems)
    if problems:
        raise ContentError(problems)
    if not isinstance(entries, list):
        raise ContentError([f"{path.name}: expected a list of models, not {kind_of(entries)}."])
    seen: set[str | None] = set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(
                f"{path.name}: model {number}: expected a mapping of fields, not {kind_of(entry)}."
            )
            continue
        where = _where(entry, number)
        if check_shape(entry, ENTRY_SHAPE, where, problems, file=path.name):
            check_json(entry.get("config"), where, "", problems, file=path.name)
        slug = entry.get("slug")
        if isinstance(slug, str) and slug in seen:
            problems.append(f"{path.name}: the slug {slug!r} is used twice.")
        seen.add(slug if isinstance(slug, str) else None)
    if problems:
        raise ContentError(problems)
    return entries


def check_json(
    value: Any, where: str, path: str, problems: list[str], *, file: str, line: int | None = None
) -> None:
    """A problem for each part of a config that JSON cannot hold (a date, NaN, a key that is
    not text), named by its key path in the config ("config: rope_scaling.factor: ..."): the
    database stores the config as JSON."""
    named = f"{where}: config: {path}: " if path else f"{where}: config: "
    if isinstance(value, Mapping):
        for key, inner in value.items():
            inner_line = line_of(value, key) or line
            if not isinstance(key, str):
                problems.append(f"{named}the key {key!r} is not text{at_line(inner_line, file)}.")
                continue
            if path.count(".") >= CONFIG_DEPTH:
                problems.append(f"{named}nested too deeply{at_line(inner_line, file)}.")
                return
            inner_path = f"{path}.{key}" if path else key
            check_json(inner, where, inner_path, problems, file=file, line=inner_line)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_json(item, where, f"{path}[{index}]", problems, file=file, line=line)
    elif isinstance(value, float) and not math.isfinite(value):
        problems.append(f"{named}{value} is not a number JSON holds{at_line(line, file)}.")
    elif value is not None and not isinstance(value, str | int | float | bool):
        hint = " (in quotes it is text)" if isinstance(value, datetime.date) else ""
        problems.append(
            f"{named}expected a JSON value, not {kind_of(value)}{hint}{at_line(line, file)}."
        )


def _where(entry: dict[str, Any], number: int) -> str:
    return str(entry.get("slug") or f"model {number}")


def _plain(value: Any) -> Any:
    """A config as plain dicts and lists (the file's mappings know their lines; JSON not)."""
    if isinstance(value, Mapping):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def save_catalog(entries: list[dict[str, Any]], problems: list[str], *, file: str) -> int:
    """Create or update one CatalogModel per entry (by slug), each validated as the admin would,
    inside the caller's all_or_nothing block. Returns how many entries there were."""
    for number, entry in enumerate(entries, start=1):
        slug = entry.get("slug") or ""
        model = CatalogModel.objects.filter(slug=slug).first() or CatalogModel(slug=slug)
        for name in (*PLAIN_FIELDS, *CONFIG_FIELDS):
            value = entry.get(name)
            if name == "release_date":
                value = to_date(value)
            if value is None and name in TEXTS:
                value = ""
            if value is None and name in FLAGS:
                value = False
            setattr(model, name, value)
        config = entry.get("config")
        model.config = None if config is None else _plain(config)
        where = _where(entry, number)
        if validated(model, where, problems, data=entry, file=file, name_the_model=False):
            model.save()
    return len(entries)


def import_catalog(path: Path) -> int:
    """A catalog file on its own (config.content_folder imports it with the rest)."""
    entries = read_catalog(path)
    with all_or_nothing(f"Imported from {path.name}") as problems:
        count = save_catalog(entries, problems, file=path.name)
    return count


def ordered_config(config: Any) -> Any:
    """A config with `model_type` first and the other keys in alphabetical order, at every
    level: the order the file is written in, whatever order the database keeps (PostgreSQL's
    jsonb keeps its own)."""
    if isinstance(config, Mapping):
        keys = sorted(config, key=lambda key: (key != "model_type", key))
        return {key: ordered_config(config[key]) for key in keys}
    if isinstance(config, list):
        return [ordered_config(item) for item in config]
    return config


def catalog_as_data() -> list[dict[str, Any]]:
    rows = []
    for model in CatalogModel.objects.order_by("release_date", "name", "slug"):
        row: dict[str, Any] = {"slug": model.slug}
        row.update({name: getattr(model, name) for name in PLAIN_FIELDS})
        row["config"] = ordered_config(model.config)
        row.update({name: getattr(model, name) for name in CONFIG_FIELDS})
        rows.append(row)
    return rows


def export_catalog(path: Path) -> int:
    rows = catalog_as_data()
    write_yaml(path, rows)
    return len(rows)
