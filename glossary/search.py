"""Term search: exact name and alias matches first, then full text, with typos tolerated.

On PostgreSQL: full-text search (websearch syntax, English stemming) over every word of a
term, plus trigram word similarity on its names for typos ("paramters"). On SQLite: the same
ordering rules scored in Python over the published terms, with difflib for typos.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.text import slugify

from glossary.models import Alias, Term

MAX_QUERY_LENGTH = 100
SIMILAR = 0.75  # difflib ratio from which a name counts as a likely misspelling
WORD_SIMILAR = 0.45  # PostgreSQL: the same, as pg_trgm word similarity
# PostgreSQL: how many terms each way into search may bring to be ranked (see _postgres_hits).
TEXT_CANDIDATES = 200
NAME_CANDIDATES = 100
HIT_FIELDS = ("pk", "name", "slug", "short_definition", "search_names")  # what results show
_WORD = re.compile(r"[\w.+-]+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    term: Term
    score: float
    reason: str  # "name", "alias", "name-prefix", "text" or "similar"


def normalise_query(raw: str) -> str:
    return " ".join(raw.split())[:MAX_QUERY_LENGTH]


def search_terms(raw_query: str, *, limit: int = 20) -> list[SearchHit]:
    query = normalise_query(raw_query)
    if not query:
        return []
    if connection.vendor == "postgresql":
        hits = {hit.term.pk: hit for hit in _exact_hits(query)}
        ranked = _postgres_hits(query, limit)
    else:
        hits, ranked = {}, _python_hits(query)
    for hit in ranked:
        hits.setdefault(hit.term.pk, hit)
    ordered = sorted(hits.values(), key=lambda hit: (-hit.score, hit.term.name.lower()))
    return ordered[:limit]


def _published() -> Q:
    return Q(status="published")


def _exact_hits(query: str) -> list[SearchHit]:
    # LOWER(name) = lower(query): the form the case-insensitive unique indexes on term and
    # alias names answer, so this is an index lookup however many terms there are.
    # The alias lookup runs first, on its own: as a subquery inside the OR it would turn the
    # whole condition into a scan of every term.
    lowered = query.lower()
    aliased = list(
        Alias.objects.alias(lowered=Lower("name"))
        .filter(lowered=lowered)
        .values_list("term_id", flat=True)
    )
    exact = (
        Term.objects.filter(_published())
        .alias(lowered=Lower("name"))
        .filter(Q(lowered=lowered) | Q(slug=slugify(query)) | Q(pk__in=aliased))
        .only(*HIT_FIELDS)
    )
    return [_exact_hit(term, lowered) for term in exact]


def _exact_hit(term: Term, lowered_query: str) -> SearchHit:
    if term.name.lower() == lowered_query:
        return SearchHit(term, 1000.0, "name")
    return SearchHit(term, 900.0, "alias")


def _postgres_hits(query: str, limit: int) -> list[SearchHit]:
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVectorField,
        TrigramWordSimilarity,
    )

    # Stored, indexed vectors (migration 0007): the whole document's, to find terms, and a
    # small one of the names and short definition, to rank them without reading the large one.
    document = RawSQL('"glossary_term"."search_vector"', [], output_field=SearchVectorField())
    head = RawSQL('"glossary_term"."search_head"', [], output_field=SearchVectorField())
    search_query = SearchQuery(query, config="english", search_type="websearch")
    published = Term.objects.filter(_published())
    # Two ways in, each answered by an index and each capped, so a search costs about the
    # same at 60 terms as at 10,000: terms whose text matches, and terms whose names come near
    # the query (typos, prefixes, part of a name). Exact names and aliases come from
    # _exact_hits. Past a cap, the terms kept are the ones stored first.
    by_text = list(
        published.alias(document=document)
        .filter(document=search_query)
        .values_list("pk", flat=True)[:TEXT_CANDIDATES]
    )
    by_name = list(
        published.filter(
            Q(search_names__trigram_word_similar=query) | Q(search_names__icontains=query)
        ).values_list("pk", flat=True)[:NAME_CANDIDATES]
    )
    candidates = (
        Term.objects.filter(pk__in={*by_text, *by_name})
        .annotate(
            rank=SearchRank(head, search_query),
            similarity=TrigramWordSimilarity(query, "search_names"),
        )
        .only(*HIT_FIELDS)
        .order_by("-similarity", "-rank", "pk")[: limit * 2]
    )
    hits = []
    for term in candidates:
        names = term.search_names.lower()
        if names.startswith(query.lower()):
            score, reason = 500.0, "name-prefix"
        elif query.lower() in names:
            score, reason = 400.0, "name-prefix"
        elif term.similarity >= WORD_SIMILAR:
            score, reason = 200.0 + 100 * term.similarity, "similar"
        else:
            score, reason = 0.0, "text"
        hits.append(SearchHit(term, score + 100 * float(term.rank), reason))
    return hits


@dataclass(frozen=True)
class _Entry:
    term: Term
    names: tuple[str, ...]  # the name and every alias, lowercased
    name_words: tuple[str, ...]  # the words of those names, for word-by-word typo matching
    document: str  # every word a reader sees, lowercased


# Each process keeps the published terms' search fields in memory and scores a query against
# them, instead of reading and lowercasing every term per search. One cheap query (how many
# published terms, and when one last changed) tells when the copy is stale.
_index: tuple[tuple[object, ...], list[_Entry]] | None = None


def _fingerprint() -> tuple[object, ...]:
    state = Term.objects.filter(_published()).aggregate(count=Count("pk"), latest=Max("updated"))
    return (connection.alias, connection.settings_dict["NAME"], state["count"], state["latest"])


def _entries() -> list[_Entry]:
    global _index
    fingerprint = _fingerprint()
    if _index is None or _index[0] != fingerprint:
        terms = Term.objects.filter(_published()).only(
            "pk", "name", "slug", "short_definition", "search_names", "search_document"
        )
        entries = []
        for term in terms:
            names = tuple(n.strip().lower() for n in term.search_names.split("|"))
            words = tuple(dict.fromkeys(w for n in names for w in n.split() if w not in names))
            document = term.search_document.lower()
            term.search_names = term.search_document = ""  # kept once, in the entry
            entries.append(_Entry(term, names, words, document))
        _index = (fingerprint, entries)
    return _index[1]


def _python_hits(query: str) -> list[SearchHit]:
    q = query.lower()
    matcher: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(None, "", q)
    words = [w for w in _WORD.findall(q) if len(w) > 1] or [q]
    hits = []
    slug = slugify(query)
    for entry in _entries():
        if q in entry.names or entry.term.slug == slug:
            hits.append(_exact_hit(entry.term, q))
            continue
        score, reason = 0.0, "text"
        if any(n.startswith(q) for n in entry.names):
            score, reason = 500.0, "name-prefix"
        elif any(q in n for n in entry.names):
            score, reason = 400.0, "name-prefix"
        else:
            ratio = _similarity(matcher, q, entry)
            if ratio >= SIMILAR:
                score, reason = 200.0 + 100 * ratio, "similar"
        document = entry.document
        found = sum(1 for w in words if w in document)
        if found == len(words):
            score += 50 + min(document.count(words[0]), 20)
        elif score == 0 and found:
            score = 10.0 * found / len(words)
        if score > 0:
            hits.append(SearchHit(entry.term, score, reason))
    return hits


def _similarity(matcher: difflib.SequenceMatcher[str], query: str, entry: _Entry) -> float:
    """How alike a query and a term's names are, word by word, so "paramters" finds
    "parameters". `matcher` already holds the query as its second sequence, the one difflib
    indexes."""
    best = max(_ratio(matcher, name) for name in entry.names)
    if len(query) >= 4:
        for word in entry.name_words:
            best = max(best, _ratio(matcher, word))
    return best


def _ratio(matcher: difflib.SequenceMatcher[str], text: str) -> float:
    matcher.set_seq1(text)
    # The quick upper bounds rule most pairs out before the full (slow) comparison.
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()
