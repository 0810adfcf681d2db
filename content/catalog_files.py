"""The model catalog in and out of fixtures/models.yaml: a list with one mapping per model and
an `architecture` mapping, or null where it was never published (fields: the file's header).

Problems name the entry by its slug, the field, and where in the file it is.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.db import models

from calculators.models import ARCHITECTURE_FIELDS, CatalogModel
from content.yaml_io import (
    ContentError,
    Shape,
    all_or_nothing,
    check_shape,
    kind_of,
    load_yaml,
    to_date,
    validated,
    write_yaml,
)

PLAIN_FIELDS = (
    "name", "organisation", "release_date", "open_weights", "source_url", "published_parameters",
    "published_is_exact", "parameters_are_estimate", "estimated_parameters", "estimate_note",
    "context_length", "training_tokens",
)  # fmt: skip
FLAGS = ("open_weights", "published_is_exact", "parameters_are_estimate")


def _kind_of(name: str) -> type:
    field = CatalogModel._meta.get_field(name)
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.IntegerField):
        return int
    if isinstance(field, models.DateField):
        return datetime.date
    return str


ENTRY_SHAPE: dict[str, Shape] = {
    "slug": str,
    **{name: _kind_of(name) for name in PLAIN_FIELDS},
    "architecture": {name: _kind_of(name) for name in ARCHITECTURE_FIELDS},
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
        check_shape(entry, ENTRY_SHAPE, _where(entry, number), problems, file=path.name)
        slug = entry.get("slug")
        if isinstance(slug, str) and slug in seen:
            problems.append(f"{path.name}: the slug {slug!r} is used twice.")
        seen.add(slug if isinstance(slug, str) else None)
    if problems:
        raise ContentError(problems)
    return entries


def _where(entry: dict[str, Any], number: int) -> str:
    return str(entry.get("slug") or f"model {number}")


def save_catalog(entries: list[dict[str, Any]], problems: list[str], *, file: str) -> int:
    """Create or update one CatalogModel per entry (by slug), each validated as the admin would,
    inside the caller's all_or_nothing block. Returns how many entries there were."""
    for number, entry in enumerate(entries, start=1):
        slug = entry.get("slug") or ""
        model = CatalogModel.objects.filter(slug=slug).first() or CatalogModel(slug=slug)
        for name in PLAIN_FIELDS:
            value = entry.get(name)
            if name == "release_date":
                value = to_date(value)
            if value is None and name == "estimate_note":
                value = ""
            if value is None and name in FLAGS:
                value = False
            setattr(model, name, value)
        architecture = entry.get("architecture") or {}
        for name in ARCHITECTURE_FIELDS:
            field = CatalogModel._meta.get_field(name)
            default = field.get_default() if isinstance(field, models.Field) else None
            value = architecture.get(name)
            setattr(model, name, default if value is None else value)
        sources = (entry, architecture)
        where = _where(entry, number)
        if validated(model, where, problems, data=sources, file=file, name_the_model=False):
            model.save()
    return len(entries)


def import_catalog(path: Path) -> int:
    """A catalog file on its own (config.content_folder imports it with the rest)."""
    entries = read_catalog(path)
    with all_or_nothing(f"Imported from {path.name}") as problems:
        count = save_catalog(entries, problems, file=path.name)
    return count


def catalog_as_data() -> list[dict[str, Any]]:
    rows = []
    for model in CatalogModel.objects.order_by("release_date", "name", "slug"):
        row: dict[str, Any] = {"slug": model.slug}
        row.update({name: getattr(model, name) for name in PLAIN_FIELDS})
        row["architecture"] = (
            {name: getattr(model, name) for name in ARCHITECTURE_FIELDS}
            if model.has_architecture
            else None
        )
        rows.append(row)
    return rows


def export_catalog(path: Path) -> int:
    rows = catalog_as_data()
    write_yaml(path, rows)
    return len(rows)
