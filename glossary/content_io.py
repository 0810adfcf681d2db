"""The glossary's shipped content in and out: topics.yaml and terms/ (one YAML file per term)
<-> the database. The format is documented in fixtures/README.md.

Import is keyed by slug and idempotent: a second run of the same files changes nothing.
config.content_folder imports these files together with the model catalog and the guides, as
one transaction and one revision; import_glossary() loads them on their own. A term's file
carries all a restore needs: its old slugs (the redirects its renames left, which other
content may still link through) and when it was first published, beside what editors write.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from content.rendering import linked_slugs
from content.yaml_io import (
    ContentError,
    Shape,
    all_or_nothing,
    at_line,
    check_shape,
    kind_of,
    line_of,
    load_yaml,
    single_line,
    to_date,
    to_datetime,
    validated,
    write_yaml,
)
from glossary import services
from glossary.models import FAQ, Alias, Relation, Resource, SlugRedirect, Status, Term, Topic

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
# A worked number (fixtures/README.md, "Worked numbers"); content_checks runs them.
CHECK_SHAPE: dict[str, Shape] = {
    "text": str,
    "calculator": str,
    "query": dict,
    "field": str,
    "value": float,
    "approx": float,
    "tolerance": float,
}
TERM_SHAPE: dict[str, Shape] = {
    "slug": str,
    "old_slugs": [str],
    "checks": [CHECK_SHAPE],
    "name": str,
    "status": str,
    "published_at": datetime.datetime,
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
    if not isinstance(topics, list):
        topics = None
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
            problems.append(f"{path.name}: expected a mapping of fields, not {kind_of(data)}.")
            continue
        check_shape(data, TERM_SHAPE, path.name, problems)
        if data.get("slug") != path.stem:
            problems.append(f"{path.name}: slug {data.get('slug')!r} does not match the file name.")
            continue
        data["_file"] = path.name
        terms.append(data)
    problems += _old_slug_clashes(terms)
    if problems:
        raise ContentError(problems)
    return topics or [], terms


def _old_slug_clashes(terms: list[dict[str, Any]]) -> list[str]:
    """An old address belongs to one term, and is no term's address now."""
    problems = []
    live = {item["slug"]: item["_file"] for item in terms}
    claimed: dict[str, str] = {}
    for item in terms:
        old_slugs = item.get("old_slugs")
        for old in old_slugs if isinstance(old_slugs, list) else []:
            line = at_line(line_of(item, "old_slugs"))
            if old in live:
                problems.append(
                    f"{item['_file']}: old_slugs: {old!r} is the address of the term in "
                    f"{live[old]}{line}."
                )
            elif old in claimed:
                problems.append(
                    f"{item['_file']}: old_slugs: {old!r} is already an old address of the term "
                    f"in {claimed[old]}{line}."
                )
            claimed.setdefault(old, item["_file"])
    return problems


def save_glossary(
    topics_data: list[dict[str, Any]], terms_data: list[dict[str, Any]], problems: list[str]
) -> ImportReport:
    """Topics and terms as read_directory gives them, into the database, inside the caller's
    all_or_nothing block. A term's [[links]] may point at another term by its slug, one of its
    old slugs or one of its aliases, in any file: every term, old address and alias is in place
    (pass 1 and 2) before any Markdown is rendered and checked (pass 3)."""
    report = ImportReport()
    report.topics = _save_topics(topics_data, problems)
    topics = {t.slug: t for t in Topic.objects.all()}

    # Pass 1: every term exists.
    terms: dict[str, Term] = {}
    for item in terms_data:
        term = Term.objects.filter(slug=item["slug"]).first()
        if term is None:
            if not _valid_slug(item, problems):
                continue
            term = _new_term(item)
            report.created.append(term.slug)
        terms[term.slug] = term

    # Pass 2: the addresses [[links]] may use besides a term's slug: its old slugs and aliases.
    aliases = _save_addresses(terms_data, terms, problems)

    # Pass 3: fields, aliases, FAQs and resources, validated as the admin would.
    for item in terms_data:
        if item["slug"] in terms:
            _import_term(item, terms[item["slug"]], topics, aliases[item["slug"]], problems)
            report.terms += 1

    # Pass 4: relations, once each pair.
    Relation.objects.filter(source__slug__in=terms).delete()
    seen: set[frozenset[str]] = set()
    for item in terms_data:
        if item["slug"] not in terms:
            continue
        for index, relation in enumerate(item.get("relations") or []):
            report.relations += _import_relation(item, index, relation, seen, problems)

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


def _given(data: dict[str, Any], key: str, default: Any) -> Any:
    """The value of `key`, or `default` when it is missing or null (a field that has one)."""
    value = data.get(key)
    return default if value is None else value


def _save_topics(topics_data: list[dict[str, Any]], problems: list[str]) -> int:
    count = 0
    for order, item in enumerate(topics_data):
        slug = item.get("slug") or ""
        topic = Topic.objects.filter(slug=slug).first() or Topic(slug=slug)
        topic.name = item.get("name") or ""
        topic.description = item.get("description") or ""
        topic.order = order
        where = f"topics.yaml: {slug or f'topics[{order}]'}"
        if validated(topic, where, problems, data=item, name_the_model=False):
            topic.save()
            count += 1
    return count


def _valid_slug(item: dict[str, Any], problems: list[str]) -> bool:
    try:
        Term._meta.get_field("slug").clean(item["slug"], None)
    except ValidationError as error:
        problems.extend(f"{item['_file']}: Term slug: {message}" for message in error.messages)
        return False
    return True


def _new_term(item: dict[str, Any]) -> Term:
    """A new term saved under a name no other term has (its own, else its slug, else its slug
    and a number), so that it exists for links; pass 3 gives it its fields and says what is
    wrong with them."""
    slug = item["slug"]
    own = single_line(item.get("name"))[:NAME_MAX]
    names = itertools.chain(
        [own] if own else [], [slug], (f"{slug[:100]} ({n})" for n in itertools.count(2))
    )
    while True:
        term = Term(slug=slug, name=next(names), short_definition=_short_definition(item)[:200])
        try:
            with transaction.atomic():
                services.term_save(term=term, previous=None)
        except IntegrityError:  # another term has the name (told apart as the database does)
            continue
        return term


def _save_addresses(
    terms_data: list[dict[str, Any]], terms: dict[str, Term], problems: list[str]
) -> dict[str, list[tuple[Alias, dict[str, Any]]]]:
    """Each term's old slugs (redirects) and aliases as its file has them. An alias is saved
    now, so links through it resolve, and checked in pass 3, once its term has its own name;
    one the database refuses (its name or address is taken) is left unsaved, and pass 3's
    check says why. Returns each term's aliases with the data they were read from."""
    items = [item for item in terms_data if item["slug"] in terms]
    Alias.objects.filter(term__in=[terms[item["slug"]] for item in items]).delete()
    aliases: dict[str, list[tuple[Alias, dict[str, Any]]]] = {}
    for item in items:
        term = terms[item["slug"]]
        _save_old_slugs(item, term, problems)
        aliases[term.slug] = []
        for order, data in enumerate(item.get("aliases") or []):
            alias = Alias(
                term=term,
                name=data.get("name") or "",
                kind=_given(data, "kind", Alias.Kind.VARIANT),
                order=order,
            )
            try:
                with transaction.atomic():
                    alias.save()
            except (IntegrityError, DataError):
                alias.pk = None
            aliases[term.slug].append((alias, data))
    return aliases


def _save_old_slugs(item: dict[str, Any], term: Term, problems: list[str]) -> None:
    """The redirects from the old slugs the file lists (read_directory has checked that no two
    files list one). A redirect is never dropped: an address that once worked keeps working."""
    where, line = item["_file"], at_line(line_of(item, "old_slugs"))
    slug_field = Term._meta.get_field("slug")
    for old in item.get("old_slugs") or []:
        try:
            slug_field.clean(old, None)
        except ValidationError as error:
            problems.extend(f"{where}: old_slugs: {old!r}: {m}{line}" for m in error.messages)
            continue
        owner = Term.objects.filter(slug=old).first()
        if owner is not None:
            problems.append(
                f"{where}: old_slugs: {old!r} is the address of the term “{owner}”{line}."
            )
            continue
        SlugRedirect.objects.update_or_create(
            old_slug=old, defaults={"term": term, "deleted_term": None}
        )


def _import_term(
    item: dict[str, Any],
    term: Term,
    topics: dict[str, Topic],
    aliases: list[tuple[Alias, dict[str, Any]]],
    problems: list[str],
) -> None:
    where = item["_file"]
    term.name = item.get("name") or ""
    term.short_definition = _short_definition(item)
    for name in Term.MARKDOWN_FIELDS:
        setattr(term, name, item.get(name) or "")
    term.status = _given(item, "status", Status.DRAFT)
    term.checks = item.get("checks") or []
    term.last_reviewed = to_date(item["last_reviewed"]) if item.get("last_reviewed") else None
    if item.get("published_at") is not None:
        term.published_at = to_datetime(item["published_at"])
    if not validated(term, where, problems, data=item):
        return
    services.term_save(term=term, previous=term.loaded)
    unknown_topics = [slug for slug in item.get("topics") or [] if slug not in topics]
    if unknown_topics:
        line = at_line(line_of(item, "topics"))
        problems.append(f"{where}: topics: unknown topics {unknown_topics}{line}.")
    term.topics.set([topics[slug] for slug in item.get("topics") or [] if slug in topics])

    for index, (alias, alias_data) in enumerate(aliases):
        here = f"{where}: aliases[{index}]"
        valid = validated(alias, here, problems, data=alias_data, name_the_model=False)
        if valid and alias.pk is None:  # (the check names whatever the database refused)
            alias.save()
    term.faqs.all().delete()
    for order, faq_data in enumerate(item.get("faqs") or []):
        faq = FAQ(
            term=term,
            question=faq_data.get("question") or "",
            answer=faq_data.get("answer") or "",
            slug=faq_data.get("slug") or "",
            order=order,
        )
        here = f"{where}: faqs[{order}]"
        if validated(faq, here, problems, data=faq_data, name_the_model=False):
            faq.save()
    # Before the next term's status moves: it re-renders the FAQ answers recorded as linking to it.
    services.term_record_links(term=term)
    term.resources.all().delete()
    for order, resource_data in enumerate(item.get("resources") or []):
        resource = Resource(
            term=term,
            title=resource_data.get("title") or "",
            url=resource_data.get("url") or "",
            kind=_given(resource_data, "kind", Resource.Kind.PAPER),
            note=resource_data.get("note") or "",
            order=order,
        )
        here = f"{where}: resources[{order}]"
        if validated(resource, here, problems, data=resource_data, name_the_model=False):
            resource.save()


def _short_definition(item: dict[str, Any]) -> str:
    return single_line(item.get("short_definition"))


def _import_relation(
    item: dict[str, Any],
    index: int,
    data: dict[str, Any],
    seen: set[frozenset[str]],
    problems: list[str],
) -> int:
    where = f"{item['_file']}: relations[{index}]"
    line = at_line(line_of(data))
    kind_name = _given(data, "kind", "related")
    if kind_name not in RELATION_KINDS:
        known = ", ".join(RELATION_KINDS)
        problems.append(f"{where}: kind: unknown kind {kind_name!r} (known: {known}){line}.")
        return 0
    kind, swap = RELATION_KINDS[kind_name]
    other = Term.objects.filter(slug=data.get("term") or "").first()
    if other is None:
        problems.append(f"{where}: term: no term {data.get('term')!r}{line}.")
        return 0
    this = Term.objects.get(slug=item["slug"])
    source, target = (other, this) if swap else (this, other)
    pair = frozenset((source.slug, target.slug))
    if pair in seen:
        problems.append(f"{where}: term: the pair {sorted(pair)} is related twice{line}.")
        return 0
    seen.add(pair)
    relation = Relation(source=source, target=target, kind=kind)
    if validated(relation, where, problems, data=data, name_the_model=False):
        relation.save()
        return 1
    return 0


# --- Export ---------------------------------------------------------------------------------


def term_as_data(term: Term) -> dict[str, Any]:
    reverse = {stored: name for name, (stored, swap) in RELATION_KINDS.items() if not swap}
    return {
        "slug": term.slug,
        "old_slugs": sorted(r.old_slug for r in term.old_slugs.all()),
        "name": term.name,
        "status": term.status,
        "published_at": term.published_at,
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


def export_glossary(directory: Path) -> tuple[list[Path], list[str]]:
    """Every topic and term into `directory` (topics.yaml, terms/), as read_directory reads
    them. Returns the files written, and a problem for each [[link]] that answers to no term
    (its term was deleted after the link was written): import_content refuses such a file
    until the link is mended."""
    topics = [
        {"slug": t.slug, "name": t.name, "description": t.description}
        for t in Topic.objects.order_by("order", "name")
    ]
    written = [directory / "topics.yaml"]
    write_yaml(written[0], topics)
    addresses = link_addresses()
    problems = []
    terms = Term.objects.prefetch_related("topics", "aliases", "faqs", "resources", "old_slugs")
    for term in terms:
        path = directory / "terms" / f"{term.slug}.yaml"
        write_yaml(path, term_as_data(term))
        written.append(path)
        texts = [getattr(term, name) for name in Term.MARKDOWN_FIELDS]
        texts += [faq.answer for faq in term.faqs.all()]
        if linked_slugs(*texts) - addresses:  # (rendered only then: [[x]] in code is no link)
            rendered = {name: r.missing_links for name, r in term.render().items()}
            rendered |= {
                f"faqs[{i}].answer": f.render().missing_links for i, f in enumerate(term.faqs.all())
            }
            problems += [
                f"terms/{term.slug}.yaml: {name}: [[{slug}]] links to a term that does not exist."
                for name, missing in rendered.items()
                for slug in missing
            ]
    return written, problems


def link_addresses() -> set[str]:
    """Every slug a [[link]] may name: the terms', their old slugs and their aliases'."""
    return (
        set(Term.objects.values_list("slug", flat=True))
        | set(SlugRedirect.objects.filter(term__isnull=False).values_list("old_slug", flat=True))
        | set(Alias.objects.values_list("slug", flat=True))
    )
