"""A small content folder in the layout fixtures/ uses (fixtures/README.md), for the import and
export tests: every kind of file and field the importer reads, and quick to import (the shipped
folder takes seconds, this one a fraction of one).

`write_sample_folder(path)` writes it; `SAMPLE_FILES` names its files by kind, so a test can
break one file of each kind. `database_content()` is everything of the content in the database
that a restore must give back, to compare before and after; `empty_database()` removes it.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.db import models

from calculators.models import Accelerator, CatalogModel
from content.yaml_io import write_yaml
from glossary.models import (
    FAQ,
    Alias,
    Correction,
    Relation,
    Resource,
    SlugRedirect,
    Term,
    Topic,
)
from learning.models import Choice, Guide, Lesson, Question

CATALOG: list[dict[str, Any]] = [
    {
        "slug": "tiny-1b",
        "name": "Tiny 1B",
        "organisation": "Example Labs",
        "release_date": datetime.date(2024, 5, 1),
        "licence": "Apache 2.0",
        "open_weights": True,
        "source_url": "https://example.com/tiny-1b",
        "published_parameters": 1_000_000_000,
        "published_is_exact": False,
        "published_active": None,
        "published_wording": "1B",
        "counting_note": "",
        "parameters_are_estimate": False,
        "estimated_parameters": None,
        "estimate_note": "Rounded by its makers.",
        "context_length": 4096,
        "training_tokens": None,
        "config": {
            "model_type": "llama", "hidden_size": 2048, "intermediate_size": 8192,
            "num_attention_heads": 16, "num_hidden_layers": 16, "num_key_value_heads": 4,
            "rope_scaling": {"factor": 8.0, "rope_type": "llama3"},
            "tie_word_embeddings": True, "vocab_size": 32000,
        },
        "config_origin": "published",
        "config_source_url": "https://example.com/tiny-1b/config.json",
        "config_note": "The file as shipped.",
    },
    {
        "slug": "secret-model",
        "name": "Secret Model",
        "organisation": "Closed Co",
        "release_date": datetime.date(2025, 1, 1),
        "licence": "Proprietary",
        "open_weights": False,
        "source_url": "https://example.com/secret",
        "published_parameters": None,
        "published_is_exact": False,
        "published_active": None,
        "published_wording": "",
        "counting_note": "",
        "parameters_are_estimate": True,
        "estimated_parameters": 200_000_000_000,
        "estimate_note": "One widely repeated estimate; never published.",
        "context_length": None,
        "training_tokens": None,
        "config": None,
        "config_origin": "",
        "config_source_url": "",
        "config_note": "",
    },
]  # fmt: skip

TOPICS: list[dict[str, Any]] = [
    {"slug": "basics", "name": "Basics", "description": "What models are made of."},
    {"slug": "hardware", "name": "Hardware", "description": "What they run on."},
]

TERMS: dict[str, dict[str, Any]] = {
    "alpha": {
        "slug": "alpha",
        "name": "Alpha",
        "status": "published",
        "last_reviewed": datetime.date(2026, 11, 22),
        "topics": ["basics", "hardware"],
        "aliases": [{"name": "first letter", "kind": "variant"}],
        "short_definition": "The first term of the sample folder.",
        "body": "## How it works\n\nAlpha comes before [[beta]].\n\n"
        '{{< parameters model="tiny-1b" >}}\n',
        "business_context": "It costs money.",
        "example": "A team uses [[beta|the second term]].",
        "faqs": [
            {"question": "Is alpha first?", "slug": "first", "answer": "Yes, before [[beta]]."},
            {"question": "Why?", "slug": "why", "answer": "Because."},
        ],
        "relations": [{"kind": "related", "term": "beta"}],
        "checks": [],
        "resources": [
            {"title": "A paper", "url": "https://example.com/paper", "kind": "paper"},
        ],
    },
    "beta": {
        "slug": "beta",
        "name": "Beta",
        "status": "published",
        "last_reviewed": None,
        "topics": ["basics"],
        "aliases": [{"name": "b", "kind": "abbreviation"}],
        "short_definition": "The second term.",
        "body": "Beta follows [[alpha]] and comes before [[gamma]].",
        "business_context": "",
        "example": "",
        "faqs": [],
        "relations": [{"kind": "broader", "term": "gamma"}],
        "checks": [],
        "resources": [],
    },
    "gamma": {
        "slug": "gamma",
        "name": "Gamma",
        "status": "draft",
        "last_reviewed": None,
        "topics": [],
        "aliases": [],
        "short_definition": "A draft.",
        "body": "Not yet written; see [[first-letter]].",
        "business_context": "",
        "example": "",
        "faqs": [],
        "relations": [],
        "checks": [],
        "resources": [],
    },
}

GUIDE: dict[str, Any] = {
    "slug": "sample-guide",
    "title": "A sample guide",
    "level": "beginner",
    "status": "published",
    "order": 1,
    "summary": "Two short lessons.",
    "outcomes": ["Know alpha.", "Know beta."],
    "prerequisites": ["alpha"],
}
LESSONS: list[dict[str, Any]] = [
    {
        "slug": "first-lesson",
        "title": "The first lesson",
        "status": "published",
        "summary": "Alpha, then beta.",
        "body": "## Alpha\n\nSee [[alpha]].\n\n"
        '{{< diagram name="memory-stack" model="tiny-1b" dtype="bf16" gpu="card-1" >}}\n',
        "questions": [
            {
                "prompt": "Which comes first?",
                "choices": [
                    {"text": "Alpha", "correct": True, "explanation": "It is first."},
                    {"text": "Beta", "explanation": "It is second."},
                ],
            }
        ],
    },
    {
        "slug": "second-lesson",
        "title": "The second lesson",
        "status": "draft",
        "summary": "",
        "body": "Beta: [[b]].",
        "questions": [],
    },
]

CORRECTIONS: list[dict[str, Any]] = [
    {
        "date": datetime.date(2026, 12, 1),
        "page": "terms/alpha",
        "old": "Alpha is 2 bytes.",
        "new": "Alpha is 4 bytes.",
        "source": "https://example.com/alpha-datasheet",
    },
]

GPUS: list[dict[str, Any]] = [
    {
        "slug": "card-1",
        "name": "Card 1 24GB",
        "vendor": "Example",
        "kind": "consumer",
        "memory_label_gb": 24,
        "memory_label_is_decimal": False,
        "memory_bytes": 25_757_220_864,
        "bandwidth_bytes_per_second": 1_008_000_000_000,
        "flops_16bit": 165_200_000_000_000,
        "flops_8bit": None,
        "flops_4bit": None,
        "interconnect": "pcie",
        "interconnect_bytes_per_second": None,
        "usable_share": "",
        "release_date": datetime.date(2022, 10, 12),
        "note": "A sample card.",
        "sources": ["https://example.com/card-1"],
    },
    {
        "slug": "box-1",
        "name": "Box 1 (unified memory)",
        "vendor": "Example",
        "kind": "unified",
        "memory_label_gb": 128,
        "memory_label_is_decimal": False,
        "memory_bytes": None,
        "bandwidth_bytes_per_second": 546_000_000_000,
        "flops_16bit": None,
        "flops_8bit": None,
        "flops_4bit": None,
        "interconnect": "none",
        "interconnect_bytes_per_second": None,
        "usable_share": "3/4",
        "release_date": None,
        "note": "",
        "sources": ["https://example.com/box-1", "https://example.com/box-1-review"],
    },
]

GUIDE_FOLDER = f"guides/{GUIDE['slug']}"
SAMPLE_FILES = {
    "catalog": "models.yaml",
    "gpus": "gpus.yaml",
    "topics": "topics.yaml",
    "term": "terms/alpha.yaml",
    "guide": f"{GUIDE_FOLDER}/guide.yaml",
    "lesson": f"{GUIDE_FOLDER}/01-first-lesson.yaml",
    "corrections": "corrections.yaml",
}


def write_sample_folder(directory: Path) -> Path:
    """The sample folder, written into `directory` (made if missing); returns it."""
    write_yaml(directory / "models.yaml", CATALOG)
    write_yaml(directory / "gpus.yaml", GPUS)
    write_yaml(directory / "topics.yaml", TOPICS)
    write_yaml(directory / "corrections.yaml", CORRECTIONS)
    for slug, term in TERMS.items():
        write_yaml(directory / "terms" / f"{slug}.yaml", term)
    write_yaml(directory / GUIDE_FOLDER / "guide.yaml", GUIDE)
    for number, lesson in enumerate(LESSONS, start=1):
        write_yaml(directory / GUIDE_FOLDER / f"{number:02d}-{lesson['slug']}.yaml", lesson)
    return directory


# Each kind of row, with the lookups that name the rows it points to (ids change on import).
NATURAL_KEYS: dict[type[models.Model], tuple[str, ...]] = {
    CatalogModel: (), Accelerator: (), Topic: (), Term: (), Guide: (), Correction: (),
    Alias: ("term__slug",), FAQ: ("term__slug",), Resource: ("term__slug",),
    SlugRedirect: ("term__slug",), Relation: ("source__slug", "target__slug"),
    Lesson: ("guide__slug",), Question: ("lesson__guide__slug", "lesson__slug"),
    Choice: ("question__lesson__guide__slug", "question__lesson__slug", "question__prompt"),
}  # fmt: skip
LINKS = [(Term, "topics__slug"), (Guide, "prerequisites__slug"), (Lesson, "terms__slug")]


# Rows whose `order` is their position among their siblings (a list in a file): compared as
# the sequence a page shows them in, not by the numbers an editor happened to type.
POSITIONAL = {Topic, Alias, FAQ, Resource, Question, Choice}


def database_content() -> dict[str, list[str]]:
    """Every content row's values and every many-to-many link, but ids, the record's own
    timestamps (created, updated: a restore happens now) and the stored HTML (rendered from
    the fields that are compared, with fresh ids for widgets)."""
    content = {}
    for model, keys in NATURAL_KEYS.items():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if not (f.primary_key or f.is_relation or f.name in {"created", "updated"})
            and not f.name.endswith("_html")
            and not (model in POSITIONAL and f.name == "order")
        ]
        rows = model.objects.values(*fields, *keys)  # in the order pages show them
        if model in POSITIONAL:
            siblings: dict[tuple[object, ...], list[str]] = {}
            for row in rows:
                siblings.setdefault(tuple(row[key] for key in keys), []).append(repr(row))
            content[model.__name__] = sorted(map(repr, siblings.items()))
        else:
            content[model.__name__] = sorted(map(repr, rows))
    for model, link in LINKS:
        pairs = model.objects.values_list("slug", link)
        content[f"{model.__name__}.{link}"] = sorted(map(repr, pairs))
    return content


def empty_database() -> None:
    for model in (Guide, Term, Topic, CatalogModel, Correction):
        model.objects.all().delete()
