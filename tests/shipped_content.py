"""The shipped content (fixtures/) for the tests, read once per run and imported once per run.

Reading its YAML takes milliseconds; importing it renders every term and lesson, which takes
seconds. So the files are parsed once per run (`catalog_entries`, `term_files`, `guide_files`:
each caller gets its own copy, to change as it likes), and the content is imported once per run
by the `shipped_content_dump` fixture (tests/conftest.py), inside a transaction that is rolled
back, then dumped to JSON: `shipped_content` loads that dump for a module's tests, and the
browser suite's `site_content` for each of its tests.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from glossary.content_io import ImportReport, read_directory
from learning.content_io import read_guides

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CATALOG = FIXTURES / "models.yaml"
GUIDES = FIXTURES / "guides"


@dataclass(frozen=True)
class ShippedContent:
    """The run's one import of the shipped content: the dump to load, and what the importers
    reported (terms, relations, ...; guides and lessons)."""

    dump: Path
    report: ImportReport
    guides: tuple[int, int]


@functools.cache
def _catalog() -> list[dict[str, Any]]:
    return yaml.safe_load(CATALOG.read_text(encoding="utf-8"))


@functools.cache
def _terms() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return read_directory(FIXTURES)


@functools.cache
def _guides() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    return read_guides(GUIDES)


def catalog_entries() -> list[dict[str, Any]]:
    """fixtures/models.yaml, as yaml.safe_load reads it."""
    return copy.deepcopy(_catalog())


def term_files() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """fixtures/topics.yaml and fixtures/terms/*.yaml, as the importer reads them."""
    return copy.deepcopy(_terms())


def guide_files() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """fixtures/guides/*/, as the importer reads them."""
    return copy.deepcopy(_guides())
