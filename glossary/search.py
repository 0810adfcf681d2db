"""Term search: exact name and alias matches first, then full text, with typos tolerated.

Two engines, one set of ordering rules:
- In memory: each process keeps the published terms' names and text and scores a query in
  Python, with difflib for typos ("paramters"). SQLite always searches this way, and so does
  PostgreSQL while the glossary has at most `SEARCH_MEMORY_TERMS` published terms (2,000 by
  default): a few hundred microseconds, no round trip. The copy is kept under the content
  version (config/content_version.py), so an edit anywhere retires it at once.
- PostgreSQL, for larger glossaries: full-text search (websearch syntax, English stemming)
  over every word of a term, plus trigram word similarity on its names for typos, in one
  statement. Memory and the time to build the copy then stay flat however large the glossary.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from django.conf import settings
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
    index = _load()
    ranked = _python_hits(query, index) if index is not None else _postgres_hits(query, limit)
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
# them without reading the large one. Four ways in, each answered by an index: exact names
# and aliases (the LOWER(name) unique indexes), terms whose text matches (GIN on the vector),
# names near the query (typos: the trigram index) and names containing it (the upper-case
# trigram index). The last three are capped and unordered, so a search costs about the same
# at 60 terms as at 10,000; past a cap, the terms kept are whichever PostgreSQL meets first.
#
# Each way in is a MATERIALIZED CTE, planned as if all its rows were wanted, and the caps are
# applied outside it. With the cap inside, PostgreSQL read the table row by row, hoping to meet
# enough matches early; when they were rare ("kv" at 10,000 terms) it worked out a trigram
# word similarity for every row (70 ms). The candidates are then scored as the in-memory
# engine scores them, so LIMIT keeps the rows the page shows.
#
# The statement is prepared once per connection and runs on one generic plan
# (plan_cache_mode, set in glossary/apps.py): planning it afresh, with pg_trgm estimating each
# operator against the column statistics, took 1-4 ms, longer than running it.
_POSTGRES_SEARCH = """
WITH query AS (SELECT websearch_to_tsquery('english', %(query)s) AS q),
exact AS (
    SELECT id FROM glossary_term
    WHERE status = 'published' AND (LOWER(name) = %(lowered)s OR slug = %(slug)s)
    UNION
    SELECT alias.term_id FROM glossary_alias alias
    WHERE LOWER(alias.name) = %(lowered)s
),
text_matches AS MATERIALIZED (
    SELECT id FROM glossary_term, query
    WHERE status = 'published' AND search_vector @@ query.q
),
near_names AS MATERIALIZED (
    SELECT id FROM glossary_term
    WHERE status = 'published' AND search_names %%> %(query)s
),
part_names AS MATERIALIZED (
    SELECT id FROM glossary_term
    WHERE %(contains)s <> '' AND status = 'published'
      AND UPPER(search_names::text) LIKE UPPER(%(contains)s)
),
candidates AS (
    SELECT id FROM exact
    UNION (SELECT id FROM text_matches LIMIT %(text_candidates)s)
    UNION (SELECT id FROM near_names LIMIT %(name_candidates)s)
    UNION (SELECT id FROM part_names LIMIT %(name_candidates)s)
),
scored AS (
    SELECT term.id, term.name, term.slug, term.short_definition,
           term.id IN (SELECT id FROM exact) AS exact,
           LOWER(term.search_names) AS names,
           word_similarity(%(query)s, term.search_names) AS similarity,
           ts_rank(term.search_head, query.q) AS rank
    FROM glossary_term term, query
    WHERE term.status = 'published' AND term.id IN (SELECT id FROM candidates)
),
ranked AS (
    -- The scores of the in-memory engine (_python_hits), so the LIMIT keeps the right rows.
    SELECT id, name, slug, short_definition,
           CASE WHEN exact AND LOWER(name) = %(lowered)s THEN 'name'
                WHEN exact THEN 'alias'
                WHEN STRPOS(names, %(lowered)s) > 0 THEN 'name-prefix'
                WHEN similarity >= %(word_similar)s THEN 'similar'
                ELSE 'text' END AS reason,
           CASE WHEN exact AND LOWER(name) = %(lowered)s THEN 1000.0
                WHEN exact THEN 900.0
                WHEN STARTS_WITH(names, %(lowered)s) THEN 500.0 + 100 * rank
                WHEN STRPOS(names, %(lowered)s) > 0 THEN 400.0 + 100 * rank
                WHEN similarity >= %(word_similar)s THEN 200.0 + 100 * similarity + 100 * rank
                ELSE 100 * rank END AS score
    FROM scored
)
SELECT id, name, slug, short_definition, reason, score FROM ranked
ORDER BY score DESC, LOWER(name) COLLATE "C", id
LIMIT %(limit)s
"""
_FIELDS = ["id", "name", "slug", "short_definition"]


def _postgres_hits(query: str, limit: int) -> list[SearchHit]:
    lowered = query.lower()
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    params = {
        "query": query,
        "lowered": lowered,
        "slug": slugify(query),
        # A part of a name shorter than a trigram no index can find: the word-similarity
        # arm alone answers such queries ("kv").
        "contains": f"%{escaped}%" if len(query) >= 3 else "",
        # The same caps for every page of results, so the pages share one candidate set.
        "text_candidates": TEXT_CANDIDATES,
        "name_candidates": NAME_CANDIDATES,
        "word_similar": WORD_SIMILAR,
        "limit": limit,
    }
    connection.ensure_connection()
    raw = connection.connection
    # Django binds parameters on the client and turns preparing off (prepare_threshold None),
    # so nothing it runs is prepared. This cursor binds on the server and prepares this one
    # statement, once per connection.
    threshold, raw.prepare_threshold = raw.prepare_threshold, 0
    try:
        with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
            cursor.execute(_POSTGRES_SEARCH, params, prepare=True)
            rows = cursor.fetchall()
    finally:
        raw.prepare_threshold = threshold
    return [
        SearchHit(
            Term.from_db(connection.alias, _FIELDS, [pk, name, slug, short_definition]),
            float(score),
            reason,
        )
        for pk, name, slug, short_definition, reason, score in rows
    ]


@dataclass(frozen=True)
class _Bucket:
    """Names (or words of names) of one length, with the entries that have each: a typo can
    only be so much shorter or longer than what it misspells, so a query is compared with the
    strings of a few lengths, each once however many terms share it."""

    texts: list[str]
    numbers: list[list[int]]
    joined: str  # the texts, one per line: the letters bound works on all of them at once
    letters: list[list[tuple[str, int]]]  # per text: each letter and how often it occurs


@dataclass(frozen=True)
class _Index:
    terms: list[Term]
    slugs: dict[str, int]
    exact: dict[str, list[int]]  # every name and alias, lowercased → entries
    names: list[str]  # per entry: "\n" before each name, so "\nq" in it is a prefix match
    documents: list[str]  # per entry: every word a reader sees, lowercased
    # Every distinct word of the documents, one per line, and the entries that have each: a
    # query word is found in a document exactly when it is found in one of its words (a query
    # word is one run of word characters, and so is each of these), and this is far shorter.
    vocabulary: str
    postings: dict[str, list[int]]
    names_by_length: dict[int, _Bucket]
    words_by_length: dict[int, _Bucket]


# Each process keeps the published terms' search fields in memory and scores a query against
# them, instead of reading and lowercasing every term per search. The copy is kept under the
# content version it was made from; when this process cannot vouch for the version (Redis
# away), one cheap query (how many published terms, and when one last changed) tells instead.
# None in place of an index: too many terms to keep, so PostgreSQL searches.
_index: tuple[tuple[object, ...], _Index | None] | None = None


# Where this process's content version comes from: the site plugs it in (config sits above
# glossary, so glossary cannot import it; config/content_version.py registers `current`).
# Until then, or when it answers None, the fingerprint query tells when the copy is stale.
def _unknown_version() -> str | None:
    return None


_content_version: Callable[[], str | None] = _unknown_version


def use_content_version(source: Callable[[], str | None]) -> None:
    global _content_version
    _content_version = source


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
    # Asked on every search while the content version is unknown, so straight through the
    # driver's cursor.
    connection.ensure_connection()
    cursor = connection.connection.cursor()  # (a raw cursor: no Django query wrapping)
    try:
        cursor.execute(
            "SELECT COUNT(*), MAX(updated) FROM glossary_term WHERE status = 'published'"
        )
        count, latest = cursor.fetchone()
    finally:
        cursor.close()
    return (connection.alias, connection.settings_dict["NAME"], count, latest)


def _load() -> _Index | None:
    global _index
    version = _content_version()
    key = ("version", version) if version is not None else _fingerprint()
    if _index is None or _index[0] != key:
        if connection.vendor == "postgresql" and (
            Term.objects.filter(_published()).count() > settings.SEARCH_MEMORY_TERMS
        ):
            _index = (key, None)
            return None
        terms = list(
            Term.objects.filter(_published()).only(
                "pk", "name", "slug", "short_definition", "search_names", "search_document"
            )
        )
        exact: dict[str, list[int]] = {}
        names_by_length: dict[int, dict[str, list[int]]] = {}
        words_by_length: dict[int, dict[str, list[int]]] = {}
        joined_names, documents = [], []
        postings: dict[str, list[int]] = {}
        for number, term in enumerate(terms):
            # (Whitespace as a query has it: one space, so no name spans two lines.)
            names = [" ".join(n.split()).lower() for n in term.search_names.split("|")]
            words = {w for n in names for w in n.split()} - set(names)
            for text in set(names):
                exact.setdefault(text, []).append(number)
            for texts, by_length in ((set(names), names_by_length), (words, words_by_length)):
                for text in texts:
                    by_length.setdefault(len(text), {}).setdefault(text, []).append(number)
            joined_names.append("\n" + "\n".join(names))
            documents.append(term.search_document.lower())
            for word in set(_WORD.findall(documents[-1])):
                postings.setdefault(word, []).append(number)
            term.search_names = term.search_document = ""  # kept once, lowercased
        _index = (
            key,
            _Index(
                terms,
                {term.slug: number for number, term in enumerate(terms)},
                exact,
                joined_names,
                documents,
                "\n" + "\n".join(postings) + "\n",
                postings,
                _buckets(names_by_length),
                _buckets(words_by_length),
            ),
        )
    return _index[1]


def _buckets(by_length: dict[int, dict[str, list[int]]]) -> dict[int, _Bucket]:
    return {
        length: _Bucket(
            list(texts),
            list(texts.values()),
            "\n".join(texts),
            [list(Counter(text).items()) for text in texts],
        )
        for length, texts in by_length.items()
    }


def _python_hits(query: str, index: _Index) -> list[SearchHit]:
    q = query.lower()
    words = [w for w in _WORD.findall(q) if len(w) > 1] or [q]
    # Each step is one pass over all entries in C (a comprehension with `in`), and only the
    # entries some step found are scored.
    found: dict[int, int] = {}  # entry → how many of the query's words its text has
    for word in words:
        for number in _documents_with(word, index):
            found[number] = found.get(number, 0) + 1
    prefix = {n for n, names in enumerate(index.names) if "\n" + q in names}
    part = {n for n, names in enumerate(index.names) if q in names}
    similar = _similar_entries(q, index)
    exact = set(index.exact.get(q, ()))
    if slugify(query) in index.slugs:
        exact.add(index.slugs[slugify(query)])
    hits = []
    for number in exact | prefix | part | similar.keys() | found.keys():
        term = index.terms[number]
        if number in exact:
            hits.append(_exact_hit(term, q))
            continue
        score, reason = 0.0, "text"
        if number in part:
            score, reason = (500.0 if number in prefix else 400.0), "name-prefix"
        elif number in similar:
            score, reason = 200.0 + 100 * similar[number], "similar"
        matched = found.get(number, 0)
        if matched == len(words):
            score += 50 + min(index.documents[number].count(words[0]), 20)
        elif score == 0 and matched:
            score = 10.0 * matched / len(words)
        if score > 0:
            hits.append(SearchHit(term, score, reason))
    return hits


def _documents_with(word: str, index: _Index) -> set[int] | list[int]:
    if len(word) < 3 or _WORD.fullmatch(word) is None:
        # Short words are part of too many others to look up one by one; and a query of
        # other characters ("a b") is not one word: both are looked for in every document.
        return [n for n, document in enumerate(index.documents) if word in document]
    numbers: set[int] = set()
    vocabulary, postings = index.vocabulary, index.postings
    at = vocabulary.find(word)
    while at != -1:
        start = vocabulary.rfind("\n", 0, at) + 1
        end = vocabulary.find("\n", at)
        numbers.update(postings[vocabulary[start:end]])
        at = vocabulary.find(word, end)
    return numbers


def _similar_entries(query: str, index: _Index) -> dict[int, float]:
    """Entries with a name (or, for queries of four letters or more, a word of a name) that a
    misspelt query comes near, so "paramters" finds "parameters": entry number → likeness.
    Lengths outside the window cannot reach SIMILAR (difflib's real_quick_ratio bound)."""
    size = len(query)
    shortest = math.ceil(size * SIMILAR / (2 - SIMILAR))
    longest = math.floor(size * (2 - SIMILAR) / SIMILAR)
    # The query is difflib's second sequence: the one it indexes, once.
    matcher: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(None, "", query)
    lacks = str.maketrans("", "", query.replace("\n", ""))  # deletes the query's letters
    has = Counter(query)
    best: dict[int, float] = {}
    # A short query is compared with whole names only: word by word it would match too much.
    maps = [index.names_by_length, index.words_by_length] if size >= 4 else [index.names_by_length]
    for by_length in maps:
        for length in range(shortest, longest + 1):
            bucket = by_length.get(length)
            if bucket is None:
                continue
            # A cheaper bound first, in C for the whole bucket: letters of a text that the
            # query lacks can never match, so they cap the ratio. Deleting the query's
            # letters leaves each text's lacking ones.
            bound = SIMILAR * (length + size)
            lacking = bucket.joined.translate(lacks).split("\n")
            for text, rest, numbers, letters in zip(
                bucket.texts, lacking, bucket.numbers, bucket.letters, strict=True
            ):
                if 2 * (length - len(rest)) < bound:
                    continue
                # difflib's quick_ratio bound, from letter counts made once per text.
                if 2 * sum(min(n, has[letter]) for letter, n in letters) < bound:
                    continue
                matcher.set_seq1(text)
                ratio = matcher.ratio()
                if ratio >= SIMILAR:
                    for number in numbers:
                        best[number] = max(best.get(number, 0.0), ratio)
    return best
