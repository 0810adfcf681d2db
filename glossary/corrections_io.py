"""The public corrections log in and out of a content folder's corrections.yaml: a list with
one mapping per corrected figure or claim (date, page, old, new, source; fixtures/README.md).

Import is keyed by (date, page, old) and idempotent; it adds and updates, and never removes a
correction an editor logged in the admin (the log is a public record)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from content.yaml_io import (
    ContentError,
    Shape,
    check_shape,
    kind_of,
    load_yaml,
    single_line,
    to_date,
    validated,
    write_yaml,
)
from glossary.models import Correction

ENTRY_SHAPE: dict[str, Shape] = {
    "date": datetime.date,
    "page": str,
    "old": str,
    "new": str,
    "source": str,
}
REQUIRED = tuple(ENTRY_SHAPE)


def read_corrections(path: Path) -> list[dict[str, Any]]:
    """The entries of a corrections file, checked for shape; raises ContentError."""
    problems: list[str] = []
    entries = load_yaml(path, path.name, problems)
    if problems:
        raise ContentError(problems)
    if not isinstance(entries, list):
        raise ContentError(
            [f"{path.name}: expected a list of corrections, not {kind_of(entries)}."]
        )
    for number, entry in enumerate(entries, start=1):
        where = f"correction {number}"
        if not isinstance(entry, dict):
            problems.append(
                f"{path.name}: {where}: expected a mapping of fields, not {kind_of(entry)}."
            )
            continue
        check_shape(entry, ENTRY_SHAPE, where, problems, file=path.name)
        problems.extend(
            f"{path.name}: {where}: {name} is missing." for name in REQUIRED if not entry.get(name)
        )
    if problems:
        raise ContentError(problems)
    return entries


def save_corrections(entries: list[dict[str, Any]], problems: list[str], *, file: str) -> int:
    """Create or update one Correction per entry, each validated as the admin would, inside
    the caller's all_or_nothing block. Returns how many entries there were."""
    for number, entry in enumerate(entries, start=1):
        date = to_date(entry.get("date"))
        where = f"correction {number}"
        if date is None:
            problems.append(f"{file}: {where}: date: give a date as YYYY-MM-DD.")
            continue
        page = single_line(entry.get("page"))
        old = single_line(entry.get("old"))
        correction = Correction.objects.filter(date=date, page=page, old=old).first() or (
            Correction(date=date, page=page, old=old)
        )
        correction.new = single_line(entry.get("new"))
        correction.source = single_line(entry.get("source"))
        if validated(correction, where, problems, data=entry, file=file):
            correction.save()
    return len(entries)


def corrections_as_data() -> list[dict[str, Any]]:
    return [
        {
            "date": correction.date,
            "page": correction.page,
            "old": correction.old,
            "new": correction.new,
            "source": correction.source,
        }
        for correction in Correction.objects.order_by("date", "page", "pk")
    ]


def export_corrections(path: Path) -> int:
    rows = corrections_as_data()
    write_yaml(path, rows)
    return len(rows)
