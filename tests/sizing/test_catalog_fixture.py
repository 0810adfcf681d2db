"""The shipped model catalog (fixtures/models.yaml) against the sizing package.

Plain data checks, no database: every entry is complete and well typed, estimates are labelled
as estimates, and every config.json reproduces the size it is published with: exactly when the
figure is an exact count; otherwise the computed count rounds or cuts to the published figure
at the precision the publisher wrote it with ("3.21B": hundredths of a billion). Either way
it is within one unit of the last published digit. The active figure is checked the same
way, with the publisher's counting convention applied (gpt-oss leaves out the embedding). A
published figure our count does not reproduce is a known difference: listed below, said in
the entry's counting_note, and checked to still differ.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from shipped_content import catalog_entries

from sizing import ParameterCount, count_parameters, read_config

REQUIRED_KEYS = {
    "slug", "name", "organisation", "release_date", "licence", "open_weights", "source_url",
    "published_parameters", "published_is_exact", "published_active", "published_wording",
    "counting_note", "parameters_are_estimate", "estimated_parameters", "estimate_note",
    "context_length", "training_tokens", "config", "config_origin", "config_source_url",
    "config_note",
}  # fmt: skip
ORIGINS = {"published", "transcribed", "paper"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A figure as publishers write it: 8B, 3.21B, 1,012M, 1T.
FIGURE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s?([KMBT])\b")
SCALE = {"K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}

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
# The counts sizing gives for the new architectures, pinned (each is also checked against the
# publisher's rounded figures below, and sizing's own tests cross-check them with transformers).
KNOWN_COUNTS = {
    "deepseek-v3": (671_026_404_352, 37_552_282_624),
    "gpt-oss-120b": (116_829_156_672, 5_711_982_912),
    "gpt-oss-20b": (20_914_757_184, 4_187_440_704),
    "llama-4-scout": (107_769_861_120, 17_172_894_720),
    "qwen3-30b-a3b": (30_532_122_624, 3_353_032_704),
    "gemma-3-27b": (27_009_346_304, 27_009_346_304),
}
# Publishers whose active figure counts differently from ours, and how to apply their rule.
ACTIVE_CONVENTIONS = {
    "gpt-oss-120b": "without the embedding",
    "gpt-oss-20b": "without the embedding",
}
# (slug, figure) -> words the entry's counting_note must use to say why it differs.
KNOWN_DIFFERENCES = {
    ("gpt-3-175b", "total"): "known difference",
    ("llama-4-scout", "total"): "vision encoder",
    ("deepseek-v3", "active"): "36.7B",
    ("gemma-3-4b", "embedding"): "projector",
    ("gemma-3-12b", "embedding"): "projector",
    ("gemma-3-27b", "embedding"): "projector",
    ("qwen2-5-72b", "non-embedding"): "known difference",
}
ISSUE_17_MODELS = {
    "llama-3-2-1b", "llama-3-2-3b", "llama-3-3-70b", "llama-4-scout", "llama-4-maverick",
    "deepseek-v3", "deepseek-r1", "kimi-k2", "qwen3-0-6b", "qwen3-8b", "qwen3-32b",
    "qwen3-30b-a3b", "qwen3-235b-a22b", "gemma-3-1b", "gemma-3-4b", "gemma-3-12b",
    "gemma-3-27b", "gpt-oss-20b", "gpt-oss-120b", "mistral-small-3", "phi-4",
}  # fmt: skip


ENTRIES = catalog_entries()
WITH_CONFIG = [e for e in ENTRIES if isinstance(e, dict) and e.get("config")]
EXACT = [e for e in WITH_CONFIG if e.get("published_is_exact") is True]
ROUNDED = [
    e
    for e in WITH_CONFIG
    if e.get("published_is_exact") is False and e.get("published_parameters") is not None
]
WITH_ACTIVE = [e for e in WITH_CONFIG if e.get("published_active") is not None]
ESTIMATES = [e for e in ENTRIES if isinstance(e, dict) and e.get("parameters_are_estimate")]
BY_SLUG = {e["slug"]: e for e in ENTRIES}


def slug_of(entry: dict) -> str:
    return str(entry.get("slug"))


def counted(entry: dict) -> ParameterCount:
    return count_parameters(read_config(entry["config"]).architecture)


def is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def figures(wording: str) -> list[tuple[int, int]]:
    """Every figure in the wording, as (value, unit of its last digit)."""
    found = []
    for whole, decimals, scale in FIGURE.findall(wording):
        value = Decimal(whole.replace(",", "") + (f".{decimals}" if decimals else ""))
        unit = Decimal(SCALE[scale]) / 10 ** len(decimals)
        found.append((int(value * SCALE[scale]), int(unit)))
    return found


def unit_of(published: int, wording: str) -> int:
    """The unit of the last digit of `published` as the wording writes it."""
    units = [unit for value, unit in figures(wording) if value == published]
    assert units, f"the wording {wording!r} does not state {published:,}"
    return min(units)


def agrees(computed: int, published: int, unit: int) -> bool:
    """Whether `computed`, rounded (half up) or cut to `unit`, is `published`."""
    rounded = (computed + unit // 2) // unit * unit
    cut = computed // unit * unit
    return published in (rounded, cut)


def active_as_published(entry: dict) -> int:
    count = counted(entry)
    if ACTIVE_CONVENTIONS.get(entry["slug"]) == "without the embedding":
        return count.active - count.breakdown["embedding"]
    return count.active


def non_embedding(count: ParameterCount) -> int:
    """What Gemma's and Qwen's tables call non-embedding: without the embedding and the
    output head (zero when tied)."""
    return count.total - count.breakdown["embedding"] - count.breakdown["head"]


def published_split(entry: dict, what: str) -> int | None:
    """A figure the wording gives for `what` ("non-embedding", "embedding"), or None."""
    pattern = {"non-embedding": r"non-embedding|without embeddings", "embedding": r"embedding"}
    match = re.search(
        rf"(\d[\d,]*(?:\.\d+)?\s?[MB]) (?:{pattern[what]})\b", entry["published_wording"]
    )
    if match is None or (what == "embedding" and match.group(0).endswith("non-embedding")):
        return None
    return figures(match.group(1))[0][0]


def test_catalog_is_a_non_empty_list_of_mappings():
    assert isinstance(ENTRIES, list)
    assert ENTRIES
    assert all(isinstance(entry, dict) for entry in ENTRIES)


def test_the_issue_17_models_are_in_the_catalog():
    assert set(BY_SLUG) >= ISSUE_17_MODELS


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
    assert isinstance(entry["licence"], str)
    assert entry["licence"].strip()
    assert isinstance(entry["open_weights"], bool)
    assert isinstance(entry["source_url"], str)
    assert entry["source_url"].startswith("https://")
    assert entry["published_parameters"] is None or is_count(entry["published_parameters"])
    assert isinstance(entry["published_is_exact"], bool)
    assert entry["published_active"] is None or is_count(entry["published_active"])
    assert isinstance(entry["published_wording"], str)
    assert isinstance(entry["counting_note"], str)
    assert isinstance(entry["parameters_are_estimate"], bool)
    assert entry["estimated_parameters"] is None or is_count(entry["estimated_parameters"])
    assert isinstance(entry["estimate_note"], str)
    assert is_count(entry["context_length"])
    assert entry["training_tokens"] is None or is_count(entry["training_tokens"])
    assert entry["config"] is None or isinstance(entry["config"], dict)


@pytest.mark.parametrize("entry", ENTRIES, ids=slug_of)
def test_every_config_says_where_it_comes_from(entry):
    if entry["config"] is None:
        assert (entry["config_origin"], entry["config_source_url"]) == ("", "")
        return
    assert entry["config_origin"] in ORIGINS
    assert entry["config_source_url"].startswith("https://")
    assert len(entry["config_note"]) > 40  # which copies, what was left out


def test_slugs_are_unique():
    slugs = [entry["slug"] for entry in ENTRIES]
    assert len(slugs) == len(set(slugs))


def test_names_are_unique():
    names = [entry["name"] for entry in ENTRIES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("entry", WITH_CONFIG, ids=slug_of)
def test_config_is_read_by_sizing(entry):
    reading = read_config(entry["config"])  # raises SizingError naming any bad key
    assert reading.architecture.layers >= 1


@pytest.mark.parametrize("entry", ENTRIES, ids=slug_of)
def test_size_is_either_published_or_labelled_as_an_estimate(entry):
    if entry["parameters_are_estimate"]:
        assert entry["published_parameters"] is None
        assert entry["published_is_exact"] is False
        assert entry["published_active"] is None
        assert is_count(entry["estimated_parameters"])
    else:
        assert entry["estimated_parameters"] is None
        # A total, or (Gemma 3) the publisher's split in its own words, and a config to count.
        assert is_count(entry["published_parameters"]) or (
            entry["config"] and figures(entry["published_wording"])
        )


@pytest.mark.parametrize("entry", ESTIMATES, ids=slug_of)
def test_estimates_are_labelled_and_have_no_invented_architecture(entry):
    note = entry["estimate_note"]
    assert "estimate" in note.lower()
    assert len(note) > 40  # says who estimated and how weak it is, not just "estimate"
    assert entry["config"] is None
    assert not entry["open_weights"]


@pytest.mark.parametrize("entry", ENTRIES, ids=slug_of)
def test_rounded_figures_say_why(entry):
    if not entry["published_is_exact"]:
        assert entry["estimate_note"].strip()


@pytest.mark.parametrize("entry", ENTRIES, ids=slug_of)
def test_open_weight_models_have_a_public_architecture(entry):
    if entry["open_weights"]:
        assert entry["config"] is not None
        assert not entry["parameters_are_estimate"]


@pytest.mark.parametrize("entry", EXACT, ids=slug_of)
def test_exact_published_count_is_reproduced_exactly(entry):
    assert counted(entry).total == entry["published_parameters"]


@pytest.mark.parametrize("entry", ROUNDED, ids=slug_of)
def test_rounded_published_total_is_reproduced_at_its_precision(entry):
    published = entry["published_parameters"]
    unit = unit_of(published, entry["published_wording"])
    matches = agrees(counted(entry).total, published, unit)
    assert matches is not ((entry["slug"], "total") in KNOWN_DIFFERENCES)


@pytest.mark.parametrize("entry", WITH_ACTIVE, ids=slug_of)
def test_published_active_is_reproduced_with_the_publishers_convention(entry):
    count = counted(entry)
    assert count.active < count.total  # only a mixture of experts has an active figure
    published = entry["published_active"]
    unit = unit_of(published, entry["published_wording"])
    matches = agrees(active_as_published(entry), published, unit)
    assert matches is not ((entry["slug"], "active") in KNOWN_DIFFERENCES)


@pytest.mark.parametrize(
    ("entry", "what"),
    [
        (e, what)
        for e in WITH_CONFIG
        for what in ("non-embedding", "embedding")
        if published_split(e, what) is not None
    ],
    ids=lambda value: value if isinstance(value, str) else slug_of(value),
)
def test_published_splits_are_reproduced(entry, what):
    count = counted(entry)
    computed = non_embedding(count) if what == "non-embedding" else count.breakdown["embedding"]
    published = published_split(entry, what)
    assert published is not None
    unit = unit_of(published, entry["published_wording"])
    matches = agrees(computed, published, unit)
    assert matches is not ((entry["slug"], what) in KNOWN_DIFFERENCES)


@pytest.mark.parametrize(("slug", "figure"), sorted(KNOWN_DIFFERENCES), ids=str)
def test_known_differences_are_said_in_the_counting_note(slug, figure):
    assert KNOWN_DIFFERENCES[(slug, figure)] in BY_SLUG[slug]["counting_note"]


@pytest.mark.parametrize("slug", sorted(ACTIVE_CONVENTIONS))
def test_a_publishers_own_convention_is_said_in_the_counting_note(slug):
    assert "embedding" in BY_SLUG[slug]["counting_note"]


def test_deepseek_v3_active_differs_by_the_amount_the_note_says():
    entry = BY_SLUG["deepseek-v3"]
    difference = counted(entry).active - entry["published_active"]
    assert 0.84e9 < difference < 0.86e9
    assert "0.85B more" in entry["counting_note"]


def test_gpt_oss_active_without_the_embedding_is_openais_figure():
    # OpenAI's Table 1: 5.13B active; ours includes the 201,088 × 2,880 embedding.
    entry = BY_SLUG["gpt-oss-120b"]
    assert counted(entry).active - 201_088 * 2_880 == active_as_published(entry)
    assert round(active_as_published(entry) / 1e7) == 513


@pytest.mark.parametrize(("slug", "count"), sorted(KNOWN_EXACT.items()))
def test_known_exact_counts(slug, count):
    entry = BY_SLUG[slug]
    assert entry["published_is_exact"] is True
    assert entry["published_parameters"] == count


@pytest.mark.parametrize(("slug", "counts"), sorted(KNOWN_COUNTS.items()))
def test_known_counts_of_the_new_architectures(slug, counts):
    count = counted(BY_SLUG[slug])
    assert (count.total, count.active) == counts


def test_mixtral_8x7b_active_count():
    assert counted(BY_SLUG["mixtral-8x7b"]).active == 12_879_925_248


def test_gpt3_records_the_papers_rounded_figure():
    entry = BY_SLUG["gpt-3-175b"]
    assert entry["published_parameters"] == 175_000_000_000
    assert entry["published_is_exact"] is False
    assert entry["config_origin"] == "paper"
    assert counted(entry).total != 175_000_000_000


def test_the_precision_check_can_fail():
    # 8.03B written "8B" agrees; written "8.1B" it does not; cut or rounded both count.
    assert agrees(8_030_261_248, 8_000_000_000, unit_of(8_000_000_000, "8B"))
    assert not agrees(8_030_261_248, 8_100_000_000, unit_of(8_100_000_000, "8.1B"))
    assert agrees(3_353_032_704, 3_300_000_000, 100_000_000)  # cut
    assert agrees(3_353_032_704, 3_400_000_000, 100_000_000)  # rounded
    assert not agrees(3_353_032_704, 3_200_000_000, 100_000_000)
    assert figures("1,012M and 1T") == [(1_012_000_000, 10**6), (10**12, 10**12)]


def test_every_entry_is_checked_one_way_or_another():
    # Nothing slips through: each entry is exact, rounded, split or a labelled estimate.
    split = {e["slug"] for e in WITH_CONFIG if published_split(e, "non-embedding") is not None}
    checked = {e["slug"] for e in EXACT + ROUNDED + ESTIMATES} | split
    assert checked == {e["slug"] for e in ENTRIES}
