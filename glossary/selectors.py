"""Reads: what each page needs, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from glossary.models import Alias, Relation, SlugRedirect, Status, Term, Topic


@dataclass(frozen=True)
class RelationGroup:
    label: str
    kind: str
    terms: list[Term]


def term_for_page(slug: str, *, include_drafts: bool = False) -> Term | None:
    terms = Term.objects.with_page_parts().prefetch_related(
        # The lessons that use the term (the learning app fills Term.lessons when it saves a
        # lesson); named by relation so that glossary never imports learning.
        Prefetch(
            "lessons",
            queryset=Term.lessons.field.model._default_manager.filter(
                status=Status.PUBLISHED, guide__status=Status.PUBLISHED
            ).select_related("guide"),
        )
    )
    if not include_drafts:
        terms = terms.published()
    return terms.filter(slug=slug).first()


def redirect_target(slug: str) -> Term | None:
    """The published term an old slug or an alias's slug stands for, if any."""
    old = (
        SlugRedirect.objects.filter(old_slug=slug, term__status=Status.PUBLISHED)
        .select_related("term")
        .first()
    )
    if old:
        return old.term
    alias = (
        Alias.objects.filter(slug=slug, term__status=Status.PUBLISHED)
        .select_related("term")
        .first()
    )
    return alias.term if alias else None


def relation_groups(term: Term) -> list[RelationGroup]:
    """A term's relations, both the ones entered on it and on the other term, the right way
    round. Uses the prefetched relations: no query of its own."""
    groups: dict[str, RelationGroup] = {}
    order = [choice for choice, _ in Relation.Kind.choices]
    entries: list[tuple[str, str, Term]] = []
    for relation in term.relations_out.all():
        label = Relation.LABELS[relation.kind][0]
        entries.append((relation.kind, label, relation.target))
    for relation in term.relations_in.all():
        label = Relation.LABELS[relation.kind][1]
        entries.append((relation.kind, label, relation.source))
    for kind, label, other in entries:
        group = groups.setdefault(label, RelationGroup(label=label, kind=kind, terms=[]))
        if other not in group.terms:
            group.terms.append(other)
    for group in groups.values():
        group.terms.sort(key=lambda t: t.name.lower())
    return sorted(groups.values(), key=lambda g: (order.index(g.kind), g.label))


def index_terms(topic: Topic | None = None) -> list[Term]:
    terms = (
        Term.objects.published()
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.only("pk", "name", "slug")))
        .only("pk", "name", "slug", "short_definition")
    )
    if topic is not None:
        terms = terms.filter(topics=topic)
    return list(terms)


def topics_with_counts() -> list[Topic]:
    return list(
        Topic.objects.annotate(term_count=Count("terms", filter=Q(terms__status=Status.PUBLISHED)))
    )


def group_by_letter(terms: list[Term]) -> list[tuple[str, list[Term]]]:
    letters: dict[str, list[Term]] = {}
    for term in terms:
        letters.setdefault(term.letter, []).append(term)
    return sorted(letters.items(), key=lambda item: (item[0] == "#", item[0]))


def featured_terms(limit: int = 6) -> list[Term]:
    featured = [
        "parameters",
        "weights",
        "large-language-model",
        "training",
        "kv-cache",
        "quantization",
    ]
    by_slug = {t.slug: t for t in Term.objects.published().filter(slug__in=featured)}
    chosen = [by_slug[s] for s in featured if s in by_slug]
    if len(chosen) < limit:
        chosen += list(
            Term.objects.published()
            .exclude(slug__in=featured)
            .order_by("-updated")[: limit - len(chosen)]
        )
    return chosen[:limit]
