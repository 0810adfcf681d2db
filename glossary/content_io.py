"""The glossary's shipped content in and out: topics.yaml and terms/ (one YAML file per term)
<-> the database. The format is documented in fixtures/README.md.

Import is keyed by slug and idempotent: a second run of the same files changes nothing.
config.content_folder imports these files together with the model catalog and the guides, as
one transaction and one revision; import_glossary() loads them on their own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from content.yaml_io import (
    ContentError,
    Shape,
    all_or_nothing,
    at_line,
    check_shape,
    line_of,
    load_yaml,
    single_line,
    to_date,
    validated,
    write_yaml,
)
from glossary import services
from glossary.models import FAQ, Alias, Relation, Resource, Status, Term, Topic

# How a relation written in a file is stored: (stored kind, whether source and target swap).
RELATION_KINDS: dict[str, tuple[str, bool]] = {
    "related": (Relation.Kind.RELATED, False),
    "broader": (Relation.Kind.BROADER, False),
    "narrower": (Relation.Kind.BROADER, True),
    "prerequisite": (Relation.Kind.PREREQUISITE, False),
    "leads-to": (Relation.Kind.PREREQUISITE, True),
    "contrast": (Relation.Kind.CONTRAST, False),
}
TOPICS_SHAPE: Shape = [{"slug": str, "name": str, "description": str}]
TERM_SHAPE: dict[str, Shape] = {
    "slug": str,
    "checks": [dict],  # checked against the calculators by content_checks
    "name": str,
    "status": str,
    "last_reviewed": datetime.date,
    "topics": [str],
    "aliases": [{"name": str, "kind": str}],
    "short_definition": str,
    "body": str,
    "business_context": str,
    "example": str,
    "faqs": [{"question": str, "slug": str, "answer": str}],
    "relations": [{"kind": str, "term": str}],
    "resources": [{"title": str, "url": str, "kind": str, "note": str}],
}
# A new term is saved once before its fields are (see save_glossary), under a name that fits.
NAME_MAX = Term._meta.get_field("name").max_length or 120


@dataclass
class ImportReport:
    topics: int = 0
    terms: int = 0
    created: list[str] = field(default_factory=list)
    relations: int = 0


def read_directory(directory: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The topics and the terms of a content folder, checked for shape; raises ContentError.
    Each term's mapping has `_file`, the name problems give."""
    problems: list[str] = []
    topics_file = directory / "topics.yaml"
    topics = load_yaml(topics_file, topics_file.name, problems) if topics_file.exists() else None
    check_shape(topics, TOPICS_SHAPE, topics_file.name, problems)
    slugs = [item.get("slug") for item in topics or [] if isinstance(item, dict)]
    twice = sorted({slug for slug in slugs if slugs.count(slug) > 1 and isinstance(slug, str)})
    if twice:
        problems.append(f"{topics_file.name}: topics {twice} are written twice.")
    terms = []
    for path in sorted((directory / "terms").glob("*.yaml")):
        unreadable = len(problems)
        data = load_yaml(path, path.name, problems)
        if len(problems) > unreadable:
            continue
        if not isinstance(data, dict):
            problems.append(f"{path.name}: expected a mapping of fields.")
            continue
        check_shape(data, TERM_SHAPE, path.name, problems)
        if data.get("slug") != path.stem:
            problems.append(f"{path.name}: slug {data.get('slug')!r} does not match the file name.")
        data["_file"] = path.name
        terms.append(data)
    if problems:
        raise ContentError(problems)
    return topics or [], terms


def save_glossary(
    topics_data: list[dict[str, Any]], terms_data: list[dict[str, Any]], problems: list[str]
) -> ImportReport:
    """Topics and terms as read_directory gives them, into the database, inside the caller's
    all_or_nothing block."""
    report = ImportReport()
    for order, item in enumerate(topics_data):
        name, description = item.get("name") or "", item.get("description") or ""
        topic = Topic(slug=item.get("slug") or "", name=name, description=description, order=order)
        if not validated(topic, "topics.yaml", problems, data=item, validate_unique=False):
            continue
        Topic.objects.update_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "description": description, "order": order},
        )
        report.topics += 1
    topics = {t.slug: t for t in Topic.objects.all()}

    # Pass 1: every term exists, so that [[links]] between them resolve in pass 2.
    terms: dict[str, Term] = {}
    for item in terms_data:
        term = Term.objects.filter(slug=item["slug"]).first()
        if term is None:
            if not _valid_slug(item, problems):
                continue
            term = Term(slug=item["slug"], name=str(item.get("name") or item["slug"])[:NAME_MAX])
            term.short_definition = _short_definition(item)[:200]
            services.term_save(term=term, previous=None)
            report.created.append(term.slug)
        terms[term.slug] = term

    # Pass 2: fields, aliases, FAQs and resources, validated as the admin would.
    for item in terms_data:
        if item["slug"] in terms:
            _import_term(item, terms[item["slug"]], topics, problems)
            report.terms += 1

    # Pass 3: relations, once each pair.
    Relation.objects.filter(source__slug__in=terms).delete()
    seen: set[frozenset[str]] = set()
    for item in terms_data:
        if item["slug"] not in terms:
            continue
        for relation in item.get("relations") or []:
            report.relations += _import_relation(item, relation, seen, problems)

    if not problems:
        for term in terms.values():
            services.term_refresh_search(term=term)
    return report


def import_glossary(directory: Path) -> ImportReport:
    """The topics and terms of a content folder on their own (config.content_folder imports
    them with the rest). Calculator widgets in the terms are preset to catalog models, so the
    catalog should be in the database first."""
    topics, terms = read_directory(directory)
    with all_or_nothing(f"Imported from {directory.name}/") as problems:
        report = save_glossary(topics, terms, problems)
    return report


def _valid_slug(item: dict[str, Any], problems: list[str]) -> bool:
    try:
        Term._meta.get_field("slug").clean(item["slug"], None)
    except ValidationError as error:
        problems.extend(f"{item['_file']}: Term slug: {message}" for message in error.messages)
        return False
    return True


def _import_term(
    item: dict[str, Any], term: Term, topics: dict[str, Topic], problems: list[str]
) -> None:
    where = item["_file"]
    term.name = item.get("name") or ""
    term.short_definition = _short_definition(item)
    for name in Term.MARKDOWN_FIELDS:
        setattr(term, name, item.get(name) or "")
    term.status = item.get("status", Status.DRAFT)
    term.checks = item.get("checks") or []
    term.last_reviewed = to_date(item["last_reviewed"]) if item.get("last_reviewed") else None
    if not validated(term, where, problems, data=item):
        return
    services.term_save(term=term, previous=term.loaded)
    unknown_topics = [slug for slug in item.get("topics") or [] if slug not in topics]
    if unknown_topics:
        line = at_line(line_of(item, "topics"))
        problems.append(f"{where}: unknown topics {unknown_topics}{line}.")
    term.topics.set([topics[slug] for slug in item.get("topics") or [] if slug in topics])

    term.aliases.all().delete()
    for order, alias_data in enumerate(item.get("aliases") or []):
        alias = Alias(
            term=term,
            name=alias_data.get("name") or "",
            kind=alias_data.get("kind", "variant"),
            order=order,
        )
        if validated(alias, where, problems, data=alias_data):
            alias.save()
    term.faqs.all().delete()
    for order, faq_data in enumerate(item.get("faqs") or []):
        faq = FAQ(
            term=term,
            question=faq_data.get("question") or "",
            answer=faq_data.get("answer") or "",
            slug=faq_data.get("slug", ""),
            order=order,
        )
        if validated(faq, where, problems, data=faq_data):
            faq.save()
    # Before the next term's status moves: it re-renders the FAQ answers recorded as linking to it.
    services.term_record_links(term=term)
    term.resources.all().delete()
    for order, resource_data in enumerate(item.get("resources") or []):
        resource = Resource(
            term=term,
            title=resource_data.get("title") or "",
            url=resource_data.get("url") or "",
            kind=resource_data.get("kind", Resource.Kind.PAPER),
            note=resource_data.get("note", ""),
            order=order,
        )
        if validated(resource, where, problems, data=resource_data):
            resource.save()


def _short_definition(item: dict[str, Any]) -> str:
    return single_line(item.get("short_definition"))


def _import_relation(
    item: dict[str, Any], data: dict[str, Any], seen: set[frozenset[str]], problems: list[str]
) -> int:
    where = item["_file"]
    line = at_line(line_of(data))
    kind_name = data.get("kind", "related")
    if kind_name not in RELATION_KINDS:
        problems.append(f"{where}: unknown relation kind {kind_name!r}{line}.")
        return 0
    kind, swap = RELATION_KINDS[kind_name]
    other = Term.objects.filter(slug=data.get("term")).first()
    if other is None:
        problems.append(f"{where}: relation to unknown term {data.get('term')!r}{line}.")
        return 0
    this = Term.objects.get(slug=item["slug"])
    source, target = (other, this) if swap else (this, other)
    pair = frozenset((source.slug, target.slug))
    if pair in seen:
        problems.append(f"{where}: the pair {sorted(pair)} is related twice{line}.")
        return 0
    seen.add(pair)
    relation = Relation(source=source, target=target, kind=kind)
    if validated(relation, where, problems, data=data):
        relation.save()
        return 1
    return 0


# --- Export ---------------------------------------------------------------------------------


def term_as_data(term: Term) -> dict[str, Any]:
    reverse = {stored: name for name, (stored, swap) in RELATION_KINDS.items() if not swap}
    return {
        "slug": term.slug,
        "name": term.name,
        "status": term.status,
        "last_reviewed": term.last_reviewed,
        "topics": [t.slug for t in term.topics.all()],
        "aliases": [{"name": a.name, "kind": a.kind} for a in term.aliases.all()],
        "short_definition": term.short_definition,
        "body": term.body,
        "business_context": term.business_context,
        "example": term.example,
        "faqs": [
            {"question": f.question, "slug": f.slug, "answer": f.answer} for f in term.faqs.all()
        ],
        "relations": [
            {"kind": reverse[r.kind], "term": r.target.slug}
            for r in term.relations_out.select_related("target").order_by("target__slug")
        ],
        "checks": term.checks,
        "resources": [
            {
                k: v
                for k, v in (("title", r.title), ("url", r.url), ("kind", r.kind), ("note", r.note))
                if v
            }
            for r in term.resources.all()
        ],
    }


def export_glossary(directory: Path) -> int:
    """Every topic and term into `directory` (topics.yaml, terms/), as read_directory reads
    them. Returns how many terms were written."""
    topics = [
        {"slug": t.slug, "name": t.name, "description": t.description}
        for t in Topic.objects.order_by("order", "name")
    ]
    write_yaml(directory / "topics.yaml", topics)
    count = 0
    for term in Term.objects.prefetch_related("topics", "aliases", "faqs", "resources"):
        write_yaml(directory / "terms" / f"{term.slug}.yaml", term_as_data(term))
        count += 1
    return count
