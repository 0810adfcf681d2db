"""Shipped content in and out: fixtures/ (YAML, one file per term) <-> the database.

The format is documented in fixtures/README.md. Import is keyed by slug and idempotent: a
second run of the same files changes nothing. Every import is one transaction and one
revision in the history, so an import can itself be undone from the admin.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import reversion
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from calculators.catalog_io import CatalogError, catalog_as_data, import_catalog
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
TERM_KEYS = {
    "slug",
    "checks",
    "name",
    "status",
    "last_reviewed",
    "topics",
    "aliases",
    "short_definition",
    "body",
    "business_context",
    "example",
    "faqs",
    "relations",
    "resources",
}


# libyaml's safe loader when it is there: the same rules as yaml.safe_load, several times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    topics: int = 0
    terms: int = 0
    created: list[str] = field(default_factory=list)
    relations: int = 0


def read_directory(directory: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    problems: list[str] = []
    topics_file = directory / "topics.yaml"
    topics = _load(topics_file, problems) if topics_file.exists() else []
    terms = []
    for path in sorted((directory / "terms").glob("*.yaml")):
        data = _load(path, problems)
        if not isinstance(data, dict):
            problems.append(f"{path.name}: expected a mapping of fields.")
            continue
        unknown = set(data) - TERM_KEYS
        if unknown:
            problems.append(f"{path.name}: unknown keys {sorted(unknown)}.")
        if data.get("slug") != path.stem:
            problems.append(f"{path.name}: slug {data.get('slug')!r} does not match the file name.")
        data["_file"] = path.name
        terms.append(data)
    if problems:
        raise ContentError(problems)
    return topics or [], terms


def _load(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"{path.name}: not valid YAML ({exc}).")
        return None


def import_content(directory: Path) -> ImportReport:
    topics_data, terms_data = read_directory(directory)
    catalog = directory / "models.yaml"
    if catalog.exists():
        # First: calculator widgets in the terms' Markdown are preset to catalog models.
        try:
            import_catalog(catalog)
        except CatalogError as error:
            raise ContentError(error.problems) from None
    report = ImportReport()
    problems: list[str] = []
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(f"Imported from {directory.name}/")
        for order, item in enumerate(topics_data):
            Topic.objects.update_or_create(
                slug=item["slug"],
                defaults={
                    "name": item["name"],
                    "description": item.get("description", ""),
                    "order": order,
                },
            )
            report.topics += 1
        topics = {t.slug: t for t in Topic.objects.all()}

        # Pass 1: every term exists, so that [[links]] between them resolve in pass 2.
        terms: dict[str, Term] = {}
        for item in terms_data:
            term = Term.objects.filter(slug=item["slug"]).first()
            if term is None:
                term = Term(slug=item["slug"], name=item.get("name", item["slug"]))
                term.short_definition = _short_definition(item)[:200]
                services.term_save(term=term, previous=None)
                report.created.append(term.slug)
            terms[term.slug] = term

        # Pass 2: fields, aliases, FAQs and resources, validated as the admin would.
        for item in terms_data:
            _import_term(item, terms[item["slug"]], topics, problems)
            report.terms += 1

        # Pass 3: relations, once each pair.
        Relation.objects.filter(source__slug__in=terms).delete()
        seen: set[frozenset[str]] = set()
        for item in terms_data:
            for relation in item.get("relations") or []:
                report.relations += _import_relation(item, relation, seen, problems)

        if problems:
            transaction.set_rollback(True)
            raise ContentError(problems)
        for term in terms.values():
            services.term_refresh_search(term=term)
    return report


def _import_term(
    item: dict[str, Any], term: Term, topics: dict[str, Topic], problems: list[str]
) -> None:
    where = item["_file"]
    term.name = item.get("name", "")
    term.short_definition = _short_definition(item)
    for name in Term.MARKDOWN_FIELDS:
        setattr(term, name, item.get(name) or "")
    term.status = item.get("status", Status.DRAFT)
    term.checks = item.get("checks") or []
    reviewed = item.get("last_reviewed")
    if isinstance(reviewed, str):
        reviewed = datetime.date.fromisoformat(reviewed)
    term.last_reviewed = reviewed
    if not _valid(term, where, problems):
        return
    services.term_save(term=term, previous=term.loaded)
    unknown_topics = [slug for slug in item.get("topics") or [] if slug not in topics]
    if unknown_topics:
        problems.append(f"{where}: unknown topics {unknown_topics}.")
    term.topics.set([topics[slug] for slug in item.get("topics") or [] if slug in topics])

    term.aliases.all().delete()
    for order, alias_data in enumerate(item.get("aliases") or []):
        alias = Alias(
            term=term, name=alias_data["name"], kind=alias_data.get("kind", "variant"), order=order
        )
        if _valid(alias, where, problems):
            alias.save()
    term.faqs.all().delete()
    for order, faq_data in enumerate(item.get("faqs") or []):
        faq = FAQ(
            term=term,
            question=faq_data["question"],
            answer=faq_data["answer"],
            slug=faq_data.get("slug", ""),
            order=order,
        )
        if _valid(faq, where, problems):
            faq.save()
    term.resources.all().delete()
    for order, resource_data in enumerate(item.get("resources") or []):
        resource = Resource(
            term=term,
            title=resource_data["title"],
            url=resource_data["url"],
            kind=resource_data.get("kind", Resource.Kind.PAPER),
            note=resource_data.get("note", ""),
            order=order,
        )
        if _valid(resource, where, problems):
            resource.save()


def _short_definition(item: dict[str, Any]) -> str:
    return " ".join(str(item.get("short_definition", "")).split())


def _import_relation(
    item: dict[str, Any], data: dict[str, Any], seen: set[frozenset[str]], problems: list[str]
) -> int:
    where = item["_file"]
    kind_name = data.get("kind", "related")
    if kind_name not in RELATION_KINDS:
        problems.append(f"{where}: unknown relation kind {kind_name!r}.")
        return 0
    kind, swap = RELATION_KINDS[kind_name]
    other = Term.objects.filter(slug=data.get("term")).first()
    if other is None:
        problems.append(f"{where}: relation to unknown term {data.get('term')!r}.")
        return 0
    this = Term.objects.get(slug=item["slug"])
    source, target = (other, this) if swap else (this, other)
    pair = frozenset((source.slug, target.slug))
    if pair in seen:
        problems.append(f"{where}: the pair {sorted(pair)} is related twice.")
        return 0
    seen.add(pair)
    relation = Relation(source=source, target=target, kind=kind)
    if _valid(relation, where, problems):
        relation.save()
        return 1
    return 0


def _valid(instance: Any, where: str, problems: list[str]) -> bool:
    try:
        instance.full_clean()
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            for message in messages:
                problems.append(f"{where}: {type(instance).__name__} {field_name}: {message}")
        return False
    return True


# --- Export ---------------------------------------------------------------------------------


class _BlockDumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str_presenter)


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


def export_content(directory: Path) -> int:
    (directory / "terms").mkdir(parents=True, exist_ok=True)
    topics = [
        {"slug": t.slug, "name": t.name, "description": t.description}
        for t in Topic.objects.order_by("order", "name")
    ]
    (directory / "topics.yaml").write_text(
        yaml.dump(topics, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    (directory / "models.yaml").write_text(
        yaml.dump(
            catalog_as_data(), Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100
        ),
        encoding="utf-8",
    )
    count = 0
    for term in Term.objects.prefetch_related("topics", "aliases", "faqs", "resources"):
        text = yaml.dump(
            term_as_data(term), Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100
        )
        (directory / "terms" / f"{term.slug}.yaml").write_text(text, encoding="utf-8")
        count += 1
    return count
