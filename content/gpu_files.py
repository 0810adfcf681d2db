"""The GPU catalog in and out of fixtures/gpus.yaml: a list with one mapping per accelerator
(fields: fixtures/README.md), `sources` a list of addresses, every unknown figure null.

It works as the model catalog's file does (content/catalog_files.py): read and checked for
shape first, then saved inside the caller's all_or_nothing block, each entry validated as the
admin would; problems name the entry by its slug, the field and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import models

from calculators.models import Accelerator
from content.yaml_io import (
    ContentError,
    Shape,
    all_or_nothing,
    check_shape,
    field_kind,
    kind_of,
    load_yaml,
    to_date,
    validated,
    write_yaml,
)

FIELDS = (
    "name", "vendor", "kind", "memory_label_gb", "memory_label_is_decimal", "memory_bytes",
    "bandwidth_bytes_per_second", "flops_16bit", "flops_8bit", "flops_4bit", "interconnect",
    "interconnect_bytes_per_second", "usable_share", "release_date", "note",
)  # fmt: skip


ENTRY_SHAPE: dict[str, Shape] = {
    "slug": str,
    **{name: field_kind(Accelerator, name) for name in FIELDS},
    "sources": [str],
}


def read_gpus(path: Path) -> list[dict[str, Any]]:
    """The entries of a GPU file, checked for shape; raises ContentError."""
    problems: list[str] = []
    entries = load_yaml(path, path.name, problems)
    if problems:
        raise ContentError(problems)
    if not isinstance(entries, list):
        raise ContentError([f"{path.name}: expected a list of GPUs, not {kind_of(entries)}."])
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(
                f"{path.name}: GPU {number}: expected a mapping of fields, not {kind_of(entry)}."
            )
            continue
        check_shape(entry, ENTRY_SHAPE, _where(entry, number), problems, file=path.name)
        slug = entry.get("slug")
        if isinstance(slug, str):
            if slug in seen:
                problems.append(f"{path.name}: the slug {slug!r} is used twice.")
            seen.add(slug)
    if problems:
        raise ContentError(problems)
    return entries


def _where(entry: dict[str, Any], number: int) -> str:
    slug = entry.get("slug")
    return str(slug) if slug else f"GPU {number}"


def save_gpus(entries: list[dict[str, Any]], problems: list[str], *, file: str) -> int:
    """Create or update one Accelerator per entry (by slug), each validated as the admin
    would, inside the caller's all_or_nothing block. Returns how many entries there were."""
    for number, entry in enumerate(entries, start=1):
        slug = entry.get("slug") or ""
        gpu = Accelerator.objects.filter(slug=slug).first() or Accelerator(slug=slug)
        for name in FIELDS:
            value = entry.get(name)
            field = Accelerator._meta.get_field(name)
            if name == "release_date":
                value = to_date(value)
            elif value is None and isinstance(field, models.Field) and not field.null:
                value = field.get_default()
            setattr(gpu, name, value)
        gpu.sources = "\n".join(entry.get("sources") or [])
        where = _where(entry, number)
        if validated(gpu, where, problems, data=entry, file=file, name_the_model=False):
            gpu.save()
    return len(entries)


def import_gpus(path: Path) -> int:
    """A GPU file on its own (config.content_folder imports it with the rest)."""
    entries = read_gpus(path)
    with all_or_nothing(f"Imported from {path.name}") as problems:
        count = save_gpus(entries, problems, file=path.name)
    return count


def gpus_as_data() -> list[dict[str, Any]]:
    rows = []
    # Sorted here, not by the database: the file's order must not depend on its collation.
    for gpu in sorted(Accelerator.objects.all(), key=lambda gpu: gpu.slug):
        row: dict[str, Any] = {"slug": gpu.slug}
        row.update({name: getattr(gpu, name) for name in FIELDS})
        row["sources"] = gpu.source_urls
        rows.append(row)
    return rows


def export_gpus(path: Path) -> int:
    rows = gpus_as_data()
    write_yaml(path, rows)
    return len(rows)
