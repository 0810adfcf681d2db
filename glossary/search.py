"""Term search: exact name and alias matches first, then full text, with typos tolerated.

On PostgreSQL: full-text search (websearch syntax, English stemming) over every word of a
term, plus trigram word similarity on its names for typos ("paramters"). On SQLite: the same
ordering rules scored in Python over the published terms, with difflib for typos.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils.text import slugify

from glossary.models import Alias, Term

MAX_QUERY_LENGTH = 100
SIMILAR = 0.75  # difflib ratio from which a name counts as a likely misspelling
WORD_SIMILAR = 0.45  # PostgreSQL: the same, as pg_trgm word similarity
# PostgreSQL: how many terms each way into search may bring to be ranked (see _postgres_hits).
TEXT_CANDIDATES = 40
NAME_CANDIDATES = 20
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
        ranked = _postgres_hits(query, limit)
    else:
        ranked = _python_hits(query)
    hits: dict[int, SearchHit] = {}
    for hit in ranked:
        hits.setdefault(hit.term.pk, hit)
    ordered = sorted(hits.values(), key=lambda hit: (-hit.score, hit.term.name.lower()))
    return ordered[:limit]


def _published() -> Q:
    return Q(status="published")


def _exact_hit(term: Term, lowered_query: str) -> SearchHit:
    if term.name.lower() == lowered_query:
        return SearchHit(term, 1000.0, "name")
    return SearchHit(term, 900.0, "alias")


# One statement, one round trip. The stored, indexed vectors come from migration 0007: the
# whole document's, to find terms, and a small one of the names and short definition, to rank
# them without reading the large one. Three ways in, each answered by an index: exact names
# and aliases (the LOWER(name) unique indexes), terms whose text matches, and terms whose
# names come near the query (typos, prefixes, part of a name; the trigram indexes). The last
# two are capped and unordered, so a search costs about the same at 60 terms as at 10,000;
# past a cap, the terms kept are whichever PostgreSQL meets first.
_POSTGRES_SEARCH = """
WITH query AS (SELECT websearch_to_tsquery('english', %(query)s) AS q),
exact AS (
    SELECT id FROM glossary_term
    WHERE status = 'published' AND (LOWER(name) = %(lowered)s OR slug = %(slug)s)
    UNION
    SELECT alias.term_id FROM glossary_alias alias
    WHERE LOWER(alias.name) = %(lowered)s
),
by_text AS (
    SELECT id FROM glossary_term, query
    WHERE status = 'published' AND search_vector @@ query.q
    LIMIT %(text_candidates)s
),
by_name AS (
    SELECT id FROM glossary_term
    WHERE status = 'published'
      AND (search_names %%> %(query)s OR UPPER(search_names::text) LIKE UPPER(%(contains)s))
    LIMIT %(name_candidates)s
)
SELECT term.id, term.name, term.slug, term.short_definition, term.search_names,
       term.id IN (SELECT id FROM exact) AS exact,
       word_similarity(%(query)s, term.search_names) AS similarity,
       ts_rank(term.search_head, query.q) AS rank
FROM glossary_term term, query
WHERE term.status = 'published'
  AND term.id IN (SELECT id FROM exact UNION SELECT id FROM by_text UNION SELECT id FROM by_name)
ORDER BY exact DESC, similarity DESC, rank DESC, term.id
LIMIT %(limit)s
"""


def _postgres_hits(query: str, limit: int) -> list[SearchHit]:
    lowered = query.lower()
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = Term.objects.raw(
        _POSTGRES_SEARCH,
        {
            "query": query,
            "lowered": lowered,
            "slug": slugify(query),
            # A part of a name shorter than a trigram no index can find: the word-similarity
            # arm alone answers such queries ("kv").
            "contains": f"%{escaped}%" if len(query) >= 3 else "",
            "text_candidates": TEXT_CANDIDATES,
            "name_candidates": NAME_CANDIDATES,
            "limit": limit * 2,
        },
    )
    hits = []
    for term in rows:
        names = term.search_names.lower()
        if term.exact:
            hits.append(_exact_hit(term, lowered))
            continue
        if names.startswith(lowered):
            score, reason = 500.0, "name-prefix"
        elif lowered in names:
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
    joined_names: str  # "\n" before each name: "\nq" in it is a prefix match, "q" a part one
    document: str  # every word a reader sees, lowercased


@dataclass(frozen=True)
class _Index:
    entries: list[_Entry]
    # Every distinct name, and every word of a name, by its length, with the entries that
    # have it: a typo can only be so much shorter or longer than what it misspells, so a query
    # is compared with the strings of a few lengths, each once however many terms share it.
    names_by_length: dict[int, dict[str, list[int]]]
    words_by_length: dict[int, dict[str, list[int]]]


# Each process keeps the published terms' search fields in memory and scores a query against
# them, instead of reading and lowercasing every term per search. One cheap query (how many
# published terms, and when one last changed) tells when the copy is stale.
_index: tuple[tuple[object, ...], _Index] | None = None


def _forget_index(sender: type, **kwargs: object) -> None:
    """A save in this process drops its copy at once, whatever the fingerprint says (two
    states of the glossary can share one: fixtures loaded twice keep their timestamps)."""
    global _index
    _index = None


for _model in (Term, Alias):
    post_save.connect(_forget_index, sender=_model, dispatch_uid=f"search-{_model.__name__}-save")
    post_delete.connect(
        _forget_index, sender=_model, dispatch_uid=f"search-{_model.__name__}-delete"
    )


def _fingerprint() -> tuple[object, ...]:
    # Asked on every search, so straight through the driver's cursor (this is SQLite's path).
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(
            "SELECT COUNT(*), MAX(updated) FROM glossary_term WHERE status = 'published'"
        )
        count, latest = cursor.fetchone()
    finally:
        cursor.close()
    return (connection.alias, connection.settings_dict["NAME"], count, latest)


def _load() -> _Index:
    global _index
    fingerprint = _fingerprint()
    if _index is None or _index[0] != fingerprint:
        terms = Term.objects.filter(_published()).only(
            "pk", "name", "slug", "short_definition", "search_names", "search_document"
        )
        entries: list[_Entry] = []
        names_by_length: dict[int, dict[str, list[int]]] = {}
        words_by_length: dict[int, dict[str, list[int]]] = {}
        for term in terms:
            names = tuple(n.strip().lower() for n in term.search_names.split("|"))
            words = {w for n in names for w in n.split()} - set(names)
            for texts, by_length in ((set(names), names_by_length), (words, words_by_length)):
                for text in texts:
                    by_length.setdefault(len(text), {}).setdefault(text, []).append(len(entries))
            entries.append(
                _Entry(term, names, "\n" + "\n".join(names), term.search_document.lower())
            )
            term.search_names = term.search_document = ""  # kept once, in the entry
        _index = (fingerprint, _Index(entries, names_by_length, words_by_length))
    return _index[1]


def _python_hits(query: str) -> list[SearchHit]:
    q = query.lower()
    index = _load()
    similar = _similar_entries(q, index)
    words = [w for w in _WORD.findall(q) if len(w) > 1] or [q]
    single = len(words) == 1
    hits = []
    slug = slugify(query)
    for number, entry in enumerate(index.entries):
        if entry.term.slug == slug or q in entry.names:
            hits.append(_exact_hit(entry.term, q))
            continue
        score, reason = 0.0, "text"
        if q in entry.joined_names:
            prefix = "\n" + q in entry.joined_names
            score, reason = (500.0 if prefix else 400.0), "name-prefix"
        elif number in similar:
            score, reason = 200.0 + 100 * similar[number], "similar"
        document = entry.document
        found = (words[0] in document) if single else sum(1 for w in words if w in document)
        if found == len(words):
            score += 50 + min(document.count(words[0]), 20)
        elif score == 0 and found:
            score = 10.0 * found / len(words)
        if score > 0:
            hits.append(SearchHit(entry.term, score, reason))
    return hits


def _similar_entries(query: str, index: _Index) -> dict[int, float]:
    """Entries with a name (or, for queries of four letters or more, a word of a name) that a
    misspelt query comes near, so "paramters" finds "parameters": entry number → likeness.
    Lengths outside the window cannot reach SIMILAR (difflib's real_quick_ratio bound)."""
    size = len(query)
    shortest = math.ceil(size * SIMILAR / (2 - SIMILAR))
    longest = math.floor(size * (2 - SIMILAR) / SIMILAR)
    # The query is difflib's second sequence: the one it indexes, once.
    matcher: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(None, "", query)
    lacks = str.maketrans("", "", query)  # deletes the query's letters
    best: dict[int, float] = {}
    # A short query is compared with whole names only: word by word it would match too much.
    maps = [index.names_by_length, index.words_by_length] if size >= 4 else [index.names_by_length]
    for by_length in maps:
        for length in range(shortest, longest + 1):
            for text, numbers in by_length.get(length, {}).items():
                # A cheaper bound first, in C: letters of the text that the query lacks can
                # never match, so they cap the ratio.
                shared = length - len(text.translate(lacks))
                if 2 * shared < SIMILAR * (length + size):
                    continue
                ratio = _ratio(matcher, text)
                if ratio >= SIMILAR:
                    for number in numbers:
                        best[number] = max(best.get(number, 0.0), ratio)
    return best


def _ratio(matcher: difflib.SequenceMatcher[str], text: str) -> float:
    matcher.set_seq1(text)
    # The quick upper bound rules most pairs out before the full (slow) comparison.
    if matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()
