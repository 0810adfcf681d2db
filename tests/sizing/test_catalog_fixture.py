"""The shipped model catalog (fixtures/models.yaml) against the sizing package.

Plain data checks, no database: every entry is complete and well typed, estimates are labelled
as estimates, and every architecture reproduces the size it is published with: exactly when the
figure is an exact count, within 3% when the vendor only gives a rounded one ("7B").
"""

from __future__ import annotations

import datetime
import re

import pytest
from shipped_content import catalog_entries

from sizing import Architecture, count_parameters

ROUNDED_TOLERANCE = 0.03

REQUIRED_KEYS = {
    "slug",
    "name",
    "organisation",
    "release_date",
    "open_weights",
    "source_url",
    "published_parameters",
    "published_is_exact",
    "parameters_are_estimate",
    "estimated_parameters",
    "estimate_note",
    "context_length",
    "training_tokens",
    "architecture",
}
ARCHITECTURE_KEYS = {
    "layers",
    "hidden",
    "heads",
    "kv_heads",
    "head_dim",
    "ffn",
    "vocab",
    "mlp",
    "norm",
    "bias",
    "tied",
    "positions",
    "experts",
    "active_experts",
}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Exact counts that are known independently of this file; the catalog must not drift from them.
KNOWN_EXACT = {
    "gpt-2-small": 124_439_808,
    "llama-2-7b": 6_738_415_616,
    "llama-3-8b": 8_030_261_248,
    "mistral-7b-v0-1": 7_241_732_096,
    "mixtral-8x7b": 46_702_792_704,
    "qwen2-5-7b": 7_615_616_512,
    "qwen2-5-0-5b": 494_032_768,
    "gemma-7b": 8_537_680_896,
    "phi-3-mini": 3_821_079_552,
}


ENTRIES = catalog_entries()
WITH_ARCHITECTURE = [e for e in ENTRIES if isinstance(e, dict) and e.get("architecture")]
EXACT = [e for e in WITH_ARCHITECTURE if e.get("published_is_exact") is True]
ROUNDED = [
    e
    for e in WITH_ARCHITECTURE
    if e.get("published_is_exact") is False and e.get("published_parameters") is not None
]
ESTIMATES = [e for e in ENTRIES if isinstance(e, dict) and e.get("parameters_are_estimate")]


def slug_of(entry: dict) -> str:
    return str(entry.get("slug"))


def computed_total(entry: dict) -> int:
    return count_parameters(Architecture(**entry["architecture"])).total


def is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def test_catalog_is_a_non_empty_list_of_mappings():
    assert isinstance(ENTRIES, list)
    assert ENTRIES
    assert all(isinstance(entry, dict) for entry in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=slug_of)
def test_entry_has_exactly_the_required_keys(entry):
    assert set(entry) == REQUIRED_KEYS


@pytest.mark.parametrize("entry", ENTRIES, ids=slug_of)
def test_entry_fields_are_well_typed(entry):
    assert isinstance(entry["slug"], str)
    assert SLUG.match(entry["slug"])
    assert isinstance(entry["name"], str)
    assert entry["name"].strip()
    assert isinstance(entry["organisation"], str)
    assert entry["organisation"].strip()
    # An unquoted ISO date loads as a date; anything else (a typo, a quoted string) does not.
    assert isinstance(entry["release_date"], datetime.date)
    assert isinstance(entry["open_weights"], bool)
    assert isinstance(entry["source_url"], str)
    assert entry["source_url"].startswith("https://")
    assert entry["published_parameters"] is None or is_count(entry["published_parameters"])
    assert isinstance(entry["published_is_exact"], bool)
    assert isinstance(entry["parameters_are_estimate"], bool)
    assert entry["estimated_parameters"] is None or is_count(entry["estimated_parameters"])
    assert isinstance(entry["estimate_note"], str)
    assert is_count(entry["context_length"])
    assert entry["training_tokens"] is None or is_count(entry["training_tokens"])
    assert entry["architecture"] is None or isinstance(entry["architecture"], dict)


def test_slugs_are_unique():
    slugs = [entry["slug"] for entry in ENTRIES]
    assert len(slugs) == len(set(slugs))


def test_names_are_unique():
    names = [entry["name"] for entry in ENTRIES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("entry", WITH_ARCHITECTURE, ids=slug_of)
def test_architecture_has_every_field_and_is_valid(entry):
    assert set(entry["architecture"]) == ARCHITECTURE_KEYS
    Architecture(**entry["architecture"])  # raises SizingError naming any bad field


@pytest.mark.parametrize("entry", ENTRIES, ids=slug_of)
def test_size_is_either_published_or_labelled_as_an_estimate(entry):
    if entry["parameters_are_estimate"]:
        assert entry["published_parameters"] is None
        assert entry["published_is_exact"] is False
        assert is_count(entry["estimated_parameters"])
    else:
        assert is_count(entry["published_parameters"])
        assert entry["estimated_parameters"] is None


@pytest.mark.parametrize("entry", ESTIMATES, ids=slug_of)
def test_estimates_are_labelled_and_have_no_invented_architecture(entry):
    note = entry["estimate_note"]
    assert "estimate" in note.lower()
    assert len(note) > 40  # says who estimated and how weak it is, not just "estimate"
    assert entry["architecture"] is None or "architecture" in note.lower()


@pytest.mark.parametrize("entry", ENTRIES, ids=slug_of)
def test_rounded_figures_say_why(entry):
    if not entry["published_is_exact"]:
        assert entry["estimate_note"].strip()


@pytest.mark.parametrize("entry", ENTRIES, ids=slug_of)
def test_open_weight_models_have_a_public_architecture(entry):
    if entry["open_weights"]:
        assert entry["architecture"] is not None
        assert not entry["parameters_are_estimate"]


@pytest.mark.parametrize("entry", EXACT, ids=slug_of)
def test_exact_published_count_is_reproduced_exactly(entry):
    assert computed_total(entry) == entry["published_parameters"]


@pytest.mark.parametrize("entry", ROUNDED, ids=slug_of)
def test_rounded_published_count_is_within_three_percent(entry):
    published = entry["published_parameters"]
    assert abs(computed_total(entry) - published) <= ROUNDED_TOLERANCE * published


@pytest.mark.parametrize(("slug", "count"), sorted(KNOWN_EXACT.items()))
def test_known_exact_counts(slug, count):
    entry = next(e for e in ENTRIES if e["slug"] == slug)
    assert entry["published_is_exact"] is True
    assert entry["published_parameters"] == count


def test_mixtral_8x7b_active_count():
    entry = next(e for e in ENTRIES if e["slug"] == "mixtral-8x7b")
    assert count_parameters(Architecture(**entry["architecture"])).active == 12_879_925_248


def test_gpt3_records_the_papers_rounded_figure():
    entry = next(e for e in ENTRIES if e["slug"] == "gpt-3-175b")
    assert entry["published_parameters"] == 175_000_000_000
    assert entry["published_is_exact"] is False
    assert computed_total(entry) != 175_000_000_000


def test_every_entry_is_checked_one_way_or_another():
    # Nothing slips through: each entry is exact, rounded or a labelled estimate.
    checked = {e["slug"] for e in EXACT + ROUNDED + ESTIMATES}
    assert checked == {e["slug"] for e in ENTRIES}
