"""Term search: exact name and alias matches first, then full text, with typos tolerated.

Two engines, one set of ordering rules:
- In memory: each process keeps the published terms' names and text, indexed, and scores a
  query in Python, with difflib for typos ("paramters"). SQLite always searches this way, and
  so does PostgreSQL while the glossary has at most `SEARCH_MEMORY_TERMS` published terms
  (15,000 by default): a fraction of a millisecond, no round trip, about as fast at 10,000
  terms as at 60 (the work follows what matches, not the size of the glossary). The copy is
  kept under the content version (caching/content_version.py), so an edit anywhere retires it
  at once; on PostgreSQL a copy of more than BUILD_INLINE_TERMS terms is made by a thread,
  and SQL answers meanwhile.
- PostgreSQL, for larger glossaries: full-text search (websearch syntax, English stemming)
  over every word of a term, plus trigram word similarity on its names for typos, in one
  statement. Memory and the time to build the copy then stay flat however large the glossary.
"""

from __future__ import annotations

import bisect
import contextvars
import difflib
import functools
import heapq
import logging
import math
import os
import re
import threading
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, compress, repeat
from operator import add, and_, eq, mul, or_

import psycopg
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils.text import slugify

from caching import content_version
from glossary.models import Alias, Term
from glossary.slugs import term_url

MAX_QUERY_LENGTH = 100
SIMILAR = 0.75  # difflib ratio from which a name counts as a likely misspelling
WORD_SIMILAR = settings.SEARCH_WORD_SIMILARITY  # PostgreSQL: the same, as pg_trgm's
# PostgreSQL: how many terms each way into search may bring to be ranked (see _postgres_hits).
TEXT_CANDIDATES = 40
NAME_CANDIDATES = 20
_WORD = re.compile(r"[\w.+-]+", re.UNICODE)
# A word's core: without the dots, pluses and minuses at its ends ("quantisation." at the end
# of a sentence is "quantisation"). A query word that starts and ends with a letter or digit
# is in a word of a text exactly when it is in its core, as often.
_CORE = re.compile(r"\w(?:[\w.+-]*\w)?", re.UNICODE)
logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FoundTerm:
    """What search tells of a term: enough to list it and link to it."""

    pk: int
    name: str
    slug: str
    short_definition: str

    def get_absolute_url(self) -> str:
        return term_url(self.slug)


@dataclass(frozen=True)
class SearchHit:
    term: FoundTerm
    score: float
    reason: str  # "name", "alias", "name-prefix", "text" or "similar"


def normalise_query(raw: str) -> str:
    return " ".join(raw.split())[:MAX_QUERY_LENGTH]


# How this request's last search ran ("memory" or "sql"), for the Server-Timing header.
last_engine: contextvars.ContextVar[str] = contextvars.ContextVar("last_engine", default="")


def search_terms(raw_query: str, *, limit: int = 20) -> list[SearchHit]:
    query = normalise_query(raw_query)
    if not query:
        return []
    index = _load()
    if index is not None:
        # On PostgreSQL a query so broad that answering it exactly means reading thousands of
        # texts ("al" at 10,000 terms: 50 ms) goes to SQL, whose caps bound its cost.
        budget = _Budget(TEXT_READS if connection.vendor == "postgresql" else None)
        try:
            hits = _memory_hits(query, index, limit, budget)
        except _TooBroad:
            pass
        else:
            last_engine.set("memory")
            return hits
    last_engine.set("sql")
    ranked = _postgres_hits(query, limit)
    hits: dict[int, SearchHit] = {}
    for hit in ranked:
        hits.setdefault(hit.term.pk, hit)
    ordered = sorted(hits.values(), key=lambda hit: (-hit.score, hit.term.name.lower()))
    return ordered[:limit]


def _published() -> Q:
    return Q(status="published")


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
# engine scores them, so LIMIT keeps the rows the page shows; `scored` is MATERIALIZED too, so
# each candidate's similarity and rank are worked out once, not once per CASE that reads them
# (a quarter of the statement's time).
#
# The statement is prepared once per connection and runs on one generic plan
# (plan_cache_mode, set in config/settings.py): planning it afresh, with pg_trgm estimating each
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
scored AS MATERIALIZED (
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
        SearchHit(FoundTerm(pk, name, slug, short_definition), float(score), reason)
        for pk, name, slug, short_definition, reason, score in rows
    ]


@dataclass(frozen=True)
class _Texts:
    """Names (or words of names), each once, shortest first, with the entries that have each:
    a typo can only be so much shorter or longer than what it misspells, so a query is
    compared with the texts of a few lengths (a run of them), each once however many terms
    share it."""

    texts: list[str]
    numbers: list[tuple[int, ...]]
    starts: list[int]  # where the texts of each length start (and the rest, past the longest)
    # Per character, the texts that have it at least once, twice, …: one bit per text (bit i:
    # text i). The characters a text shares with the query, counted with repeats (difflib's
    # quick_ratio bound), is how many of these it is in, up to the query's count of each:
    # added up for every text at once, a bit of the sum at a time (see _sharing).
    letters: dict[str, list[int]]


@dataclass(frozen=True)
class _Index:
    # One entry per published term, in the order of their lowercased names, so an entry's
    # number is also its place among equal scores.
    rows: list[tuple[int, str, str, str]]  # per entry: pk, name, slug, short definition
    slugs: dict[str, int]
    exact: dict[str, tuple[int, ...]]  # every name and alias, lowercased → entries
    # Every entry's names, lowercased, in one string: each entry's part starts at `starts`
    # with "\n", and each name follows a "\n", so "\nq" in it is a prefix match. A query has no
    # line break, so a match never spans two names.
    names: str
    starts: list[int]
    name_parts: list[str]  # each entry's part of `names`
    # Every three letters found in a name → the entries with them: a query of three letters
    # or more is in the names of the entries that have its rarest three, at most.
    name_grams: dict[str, array[int]]
    documents: list[str]  # per entry: every word a reader sees, lowercased
    # Every distinct word core of the documents (see _CORE), one per line, and the entries
    # that have each with how often: a query word that starts and ends with a letter or digit
    # is found in a document exactly when it is found in one of its cores, and how often it
    # occurs there is the sum over those cores.
    vocabulary: str
    postings: dict[str, tuple[array[int], bytes]]  # counts capped at 255 (only 20 count)
    # The same counts, one byte per entry, for the words in many texts (see DENSE_SHARE):
    # whether, and how often, an entry has such a word is then one look-up, made in C for a
    # whole list of entries, instead of a search of its postings.
    dense: dict[str, bytes]
    bits: dict[str, int]  # the same words' entries, as one bit per entry (bit n: entry n)
    words: list[str]  # the same words, numbered
    word_grams: dict[str, array[int]]  # every three letters found in a word → its numbers
    names_near: _Texts  # every name and alias
    words_near: _Texts  # the words of those with more than one


# Each process keeps the published terms' search fields in memory and scores a query against
# them, instead of reading and lowercasing every term per search. The copy is kept under the
# content version it was made from; when this process cannot vouch for the version (Redis
# away), one cheap query (how many published terms, and when one last changed) tells instead.
# None in place of an index: too many terms to keep, or (PostgreSQL) a large copy still being
# made in the background, so PostgreSQL searches meanwhile.
_index: tuple[tuple[object, ...], _Index | None] | None = None
# A large glossary's copy is made by a thread, so no reader waits the time it takes (2.4 s
# at 10,000 terms); PostgreSQL answers until it is ready. Up to this many terms it is made
# in the request that needs it (about 40 ms for the shipped content).
BUILD_INLINE_TERMS = 2000
_building: dict[str, object] = {}  # by which process a copy is being made, and its thread
_lock = threading.Lock()


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
    # When there is no version to vouch for (no cache, or Redis away), the fingerprint query
    # tells when the copy is stale.
    version = content_version.current()
    key = ("version", version) if version is not None else _fingerprint()
    if _index is not None and _index[0] == key:
        return _index[1]
    if connection.vendor != "postgresql":
        _index = (key, _build())  # (no other engine to answer meanwhile)
        return _index[1]
    if _building.get("pid") == os.getpid():
        return None  # a copy is being made: PostgreSQL answers until it is ready
    count = Term.objects.filter(_published()).count()
    if count > settings.SEARCH_MEMORY_TERMS:
        _index = (key, None)
    elif count <= BUILD_INLINE_TERMS:
        _index = (key, _build())
    else:
        _build_in_background(key)
    return None if _index is None or _index[0] != key else _index[1]


def _build_in_background(key: tuple[object, ...]) -> None:
    with _lock:
        if _building.get("pid") == os.getpid():
            return
        _building["pid"] = os.getpid()

    def build() -> None:
        global _index
        try:
            index = _build()
            with _lock:
                _index = (key, index)
        except Exception:
            logger.exception("Could not make the in-memory search index: SQL answers instead.")
            with _lock:
                _index = (key, None)
        finally:
            connection.close()  # this thread's own
            with _lock:
                del _building["pid"]  # (the thread stays on record: tests wait for it)

    thread = threading.Thread(target=build, name="search-index", daemon=True)
    _building["thread"] = thread
    thread.start()


def _build() -> _Index:
    return _make_index(
        list(
            Term.objects.filter(_published())
            .order_by()
            .values_list(
                "pk", "name", "slug", "short_definition", "search_names", "search_document"
            )
        )
    )


def _make_index(rows: list[tuple[int, str, str, str, str, str]]) -> _Index:
    """The index of these terms: (pk, name, slug, short definition, search names, search
    document) each. The list is used up."""
    rows.sort(key=lambda row: row[1].lower())
    summaries = [row[:4] for row in rows]
    exact: dict[str, list[int]] = {}
    names_by_length: dict[int, dict[str, list[int]]] = {}
    words_by_length: dict[int, dict[str, list[int]]] = {}
    parts: list[str] = []
    starts: list[int] = []
    documents: list[str] = []
    postings: dict[str, tuple[array[int], array[int]]] = {}
    name_grams: dict[str, array[int]] = {}
    at = 0
    for number in range(len(rows)):
        *_, search_names, search_document = rows[number]
        rows[number] = ()  # (the text is kept lowercased only: let the original go)
        # (Whitespace as a query has it: one space, so no name spans two lines.)
        names = [" ".join(n.split()).lower() for n in search_names.split("|")]
        words = {w for n in names for w in n.split()} - set(names)
        for text in set(names):
            exact.setdefault(text, []).append(number)
        for texts, by_length in ((set(names), names_by_length), (words, words_by_length)):
            for text in texts:
                by_length.setdefault(len(text), {}).setdefault(text, []).append(number)
        part = "\n" + "\n".join(names)
        for gram in {gram for name in names for gram in _grams(name)}:
            name_grams.setdefault(gram, array("i")).append(number)
        starts.append(at)
        parts.append(part)
        at += len(part)
        document = search_document.lower()
        documents.append(document)
        for word, count in Counter(_CORE.findall(document)).items():
            posting = postings.get(word)
            if posting is None:
                posting = postings[word] = (array("i"), array("B"))
            posting[0].append(number)
            posting[1].append(min(count, 255))
    dense: dict[str, bytes] = {}
    bits: dict[str, int] = {}
    common = max(DENSE_POSTINGS, len(rows) // DENSE_SHARE)
    for word, (entries, counts) in postings.items():
        if len(entries) >= common:
            column = bytearray(len(rows))
            packed = bytearray(len(rows) // 8 + 1)
            for number, count in zip(entries, counts, strict=True):
                column[number] = count
                packed[number >> 3] |= 1 << (number & 7)
            dense[word] = bytes(column)
            bits[word] = int.from_bytes(packed, "little")
    word_grams: dict[str, array[int]] = {}
    for number, word in enumerate(postings):
        for gram in _grams(word):
            word_grams.setdefault(gram, array("i")).append(number)
    return _Index(
        summaries,
        {row[2]: number for number, row in enumerate(summaries)},
        {text: tuple(numbers) for text, numbers in exact.items()},
        "".join(parts),
        starts,
        parts,
        name_grams,
        documents,
        "\n" + "\n".join(postings) + "\n",
        {word: (entries, counts.tobytes()) for word, (entries, counts) in postings.items()},
        dense,
        bits,
        list(postings),
        word_grams,
        _near_texts(names_by_length),
        _near_texts(words_by_length),
    )


def _near_texts(by_length: dict[int, dict[str, list[int]]]) -> _Texts:
    texts: list[str] = []
    numbers: list[tuple[int, ...]] = []
    starts: list[int] = []
    for length in range(max(by_length, default=0) + 2):
        starts.append(len(texts))
        for text, entries in by_length.get(length, {}).items():
            texts.append(text)
            numbers.append(tuple(entries))
    letters: dict[str, list[bytearray]] = {}
    for line, text in enumerate(texts):
        for letter, count in Counter(text).items():
            columns = letters.setdefault(letter, [])
            # (a query has at most MAX_QUERY_LENGTH of a character: no more are asked about)
            for times in range(min(count, MAX_QUERY_LENGTH)):
                if times == len(columns):
                    columns.append(bytearray(len(texts) // 8 + 1))
                columns[times][line >> 3] |= 1 << (line & 7)
    return _Texts(
        texts,
        numbers,
        starts,
        {
            letter: [int.from_bytes(column, "little") for column in columns]
            for letter, columns in letters.items()
        },
    )


def _memory_hits(query: str, index: _Index, limit: int, budget: _Budget) -> list[SearchHit]:
    rows = index.rows
    return [
        SearchHit(FoundTerm(*rows[number]), score, reason)
        for score, number, reason in _python_hits(query, index, limit, budget)
    ]


# The work a search may do in memory before it is handed to SQL, on PostgreSQL, counted in
# texts read in full (to find a word no lookup narrows down, or to count one: about 4 us
# each at 10,000 terms, so about 4 ms in all). A difflib comparison costs about as much as 8
# texts, and 100 entries of postings as one.
TEXT_READS = 1000


class _TooBroad(Exception):
    """Answering this query exactly would do more work than its budget allows."""


class _Budget:
    def __init__(self, texts: int | None) -> None:
        self.left = texts  # None: no limit (SQLite has no other engine)

    def read(self, texts: int) -> None:
        if self.left is not None:
            self.left -= texts
            if self.left < 0:
                raise _TooBroad

    def compare(self) -> None:
        self.read(8)

    def look_up(self, postings: int) -> None:
        self.read(postings // 100)


# How a term scores, in memory (the SQL engine scores the same way, see _POSTGRES_SEARCH):
# - its name (1000) or an alias (900) is the query;
# - else a name starts with the query (500) or has it inside (400), or a name, or a word of
#   one, is near it (200 + 100 × difflib's ratio);
# - plus, when its text has every word of the query, 50 + how often the first word occurs
#   (at most 20); or, with no name matching, 10 × the share of the query's words it has.
# Ties go to the name first in alphabetical order (the entry number).
def _python_hits(
    query: str, index: _Index, limit: int, budget: _Budget | None = None
) -> list[tuple[float, int, str]]:
    """The `limit` best entries, best first, as (score, entry, reason). Raises _TooBroad when
    that would read more texts than the budget allows."""
    budget = budget or _Budget(None)
    q = query.lower()
    words = [w for w in _WORD.findall(q) if len(w) > 1] or [q]
    # Entries whose text has every word of the query, and (several words) how many of the
    # others have each share of them.
    have = [_documents_with(word, index, budget) for word in words]
    full = _all_of(have)
    part = set(_entries_with(q, index))
    prefix = {number for number in part if "\n" + q in index.name_parts[number]}
    similar = _similar_entries(q, index, budget)
    exact = set(index.exact.get(q, ()))
    if (slug := slugify(query)) in index.slugs:
        exact.add(index.slugs[slug])
    # Groups of entries that score alike, each in entry order: ("fixed", score, …) scores
    # that; ("text", base, …) scores base + 50 + its count, which only a look at the text tells.
    groups: list[tuple[str, float, str, set[int] | _Unnamed | _Partly]] = []
    for number in exact:
        is_name = index.rows[number][1].lower() == q
        score, reason = (1000.0, "name") if is_name else (900.0, "alias")
        groups.append(("fixed", score, reason, {number}))
    for numbers, base, reason in (
        (prefix - exact, 500.0, "name-prefix"),
        (part - prefix - exact, 400.0, "name-prefix"),
    ):
        groups += _split(numbers, full, base, reason)
    alike: dict[float, set[int]] = {}  # entries by how near their name is
    for number, ratio in similar.items():
        if number not in exact and number not in part:
            alike.setdefault(ratio, set()).add(number)
    for ratio, numbers in alike.items():
        groups += _split(numbers, full, 200.0 + 100 * ratio, "similar")
    named = exact | part | similar.keys()
    groups.append(("text", 0.0, "text", _but(full, named)))
    if len(words) > 1:
        # Entries with some of the words score under 10, below any with them all: how many
        # have how many is only worked out when the page still has room for them.
        for matched in range(len(words) - 1, 0, -1):
            groups.append(
                ("fixed", 10.0 * matched / len(words), "text", _Partly(have, matched, named))
            )
    return _best(groups, words[0], index, limit, budget)


class _Partly:
    """The entries whose text has `matched` of the query's words (and no name matching),
    worked out when first asked for."""

    def __init__(self, have: list[set[int] | _Posted], matched: int, named: set[int]) -> None:
        self.have, self.matched, self.named = have, matched, named

    @functools.cached_property
    def numbers(self) -> set[int]:
        have = [_numbers(found) for found in self.have]
        if len(have) == 2:
            return (have[0] ^ have[1]) - self.named
        return {
            number
            for number, times in Counter(chain.from_iterable(have)).items()
            if times == self.matched and number not in self.named
        }


def _split(
    numbers: set[int], full: set[int] | _Posted, base: float, reason: str
) -> list[tuple[str, float, str, set[int]]]:
    found = {number for number in numbers if number in full}
    return [("text", base, reason, found), ("fixed", base, reason, numbers - found)]


def _but(full: set[int] | _Posted, named: set[int]) -> set[int] | _Unnamed:
    """The entries whose text has every word of the query, but the named ones."""
    if isinstance(full, _Posted) and len(full.lists) == 1:
        return _Unnamed(full.lists[0], {number for number in named if number in full})
    return _numbers(full) - named


class _Unnamed:
    """One word's postings but a few entries: what a set of them would answer, without
    making one (a thousand entries cost about 25 us, and a page asks after twenty)."""

    def __init__(self, entries: array[int], named: set[int]) -> None:
        self.entries, self.named = entries, named

    def __len__(self) -> int:
        return len(self.entries) - len(self.named)

    def __iter__(self) -> Iterator[int]:  # (in entry order)
        return (number for number in self.entries if number not in self.named)

    def __contains__(self, number: object) -> bool:
        return number not in self.named and _posts(self.entries, number)


def _posts(entries: array[int], number: object) -> bool:
    at = bisect.bisect_left(entries, number)
    return at < len(entries) and entries[at] == number


def _best(
    groups: list[tuple[str, float, str, set[int] | _Unnamed | _Partly]],
    word: str,
    index: _Index,
    limit: int,
    budget: _Budget,
) -> list[tuple[float, int, str]]:
    """The best `limit` of the groups' entries, looking at the text of as few as it can: a
    text group's entries score between base + 51 and base + 70, so a group (or the rest of
    one, in entry order) that cannot beat the page's last entry is never counted."""
    ranked: list[tuple[float, int, str]] = []  # (-score, entry, reason), best first

    def beaten(best: float, number: int) -> bool:
        return len(ranked) >= limit and ranked[-1][:2] < (-best, number)

    counts = _Counts(word, index)
    # The groups that can score most first, so the page fills early and the rest is skipped.
    bests = [
        (base if kind == "fixed" else base + 70, at) for at, (kind, base, *_) in enumerate(groups)
    ]
    for best, at in sorted(bests, key=lambda pair: -pair[0]):
        kind, base, reason, entries = groups[at]
        if len(ranked) >= limit and ranked[-1][0] < -best:
            continue  # (every entry of the group would rank below the page's last)
        group = entries.numbers if isinstance(entries, _Partly) else entries
        # (beaten() would say no while the page has room: min() is only worked out when not)
        if not group or (len(ranked) >= limit and beaten(best, _first(group))):
            continue
        if kind == "fixed":
            found = [(-base, number, reason) for number in heapq.nsmallest(limit, group)]
        elif counts.cheap:
            found = counts.best(group, base, reason, limit)
        else:
            found = []
            for number in sorted(group):
                if beaten(best, number):
                    break
                budget.read(1)
                found.append((-(base + 50 + min(counts.one(number), 20)), number, reason))
                if len(found) >= limit:
                    ranked = sorted(ranked + found)[:limit]
                    found = []
        ranked = sorted(ranked + found)[:limit]
    return [(-score, number, reason) for score, number, reason in ranked]


def _first(group: set[int] | _Unnamed) -> int:
    return next(iter(group)) if isinstance(group, _Unnamed) else min(group)


class _Counts:
    """How often a query word occurs in an entry's text (str.count: not overlapping). From
    the postings when the word is in few distinct words of the texts; else from the text."""

    def __init__(self, word: str, index: _Index) -> None:
        self.word, self.index = word, index
        self.words = _vocabulary_with(word, index) if _CORE.fullmatch(word) else None
        self.cheap = self.words is not None and (
            sum(len(index.postings[w][0]) for w in self.words) <= CHEAP_POSTINGS
        )

    def best(
        self, group: set[int] | _Unnamed, base: float, reason: str, limit: int
    ) -> list[tuple[float, int, str]]:
        """The best `limit` of `group` (entries whose text has the word) as (-score, entry,
        reason): each count capped at 20, one byte per entry, then the entries with the
        highest count, in entry order, until the page is full."""
        index = self.index
        postings = [
            (text.count(self.word), *index.postings[text], index.dense.get(text))
            for text in self.words or ()
        ]
        wanted: set[int] | _Unnamed | None = None
        if len(postings) == 1 and postings[0][0] == 1 and len(group) * 4 >= len(postings[0][1]):
            # One word of the texts holds the word, once, and most of its entries are asked
            # about: its postings' counts serve as they are.
            _, entries, counts, _ = postings[0]
            capped = counts.translate(_AT_MOST[20])
            wanted = None if len(group) == len(entries) else group
        else:
            numbers = sorted(group)
            entries = array("i", numbers)
            capped = bytes(map(min, self._many(numbers, postings), repeat(20)))
        found: list[tuple[float, int, str]] = []
        # (the highest count: a scan in C for each, where max() would make an int of each byte)
        highest = next((count for count in range(20, 0, -1) if count in capped), 0)
        for count in range(highest, 0, -1):
            at = capped.find(count)
            while at != -1:
                if wanted is None or entries[at] in wanted:
                    found.append((-(base + 50 + count), entries[at], reason))
                    if len(found) == limit:
                        return found
                at = capped.find(count, at + 1)
        return found

    def _many(
        self, numbers: list[int], postings: list[tuple[int, array[int], bytes, bytes | None]]
    ) -> Iterable[int]:
        if len(postings) == 1 and postings[0][0] == 1:
            _, entries, counts, column = postings[0]
            if column is not None:
                return map(column.__getitem__, numbers)
            return map(counts.__getitem__, map(bisect.bisect_left, repeat(entries), numbers))
        if sum(len(entries) for _, entries, _, _ in postings) < len(numbers) * len(postings):
            # Fewer postings than look-ups: add them all up, by entry.
            dense = [0] * len(self.index.rows)
            for times, entries, counts, _ in postings:
                for number, count in zip(entries, counts, strict=True):
                    dense[number] += count * times
            return map(dense.__getitem__, numbers)
        total: Iterable[int] = [0] * len(numbers)
        position = dict(zip(numbers, range(len(numbers)), strict=True))
        for times, entries, counts, column in postings:
            if column is not None:  # (a common word: its count for each, looked up in C)
                found: Iterable[int] = map(column.__getitem__, numbers)
                if times > 1:
                    found = map(mul, found, repeat(times))
                total = list(map(add, total, found))
            elif len(entries) > 4 * len(numbers):
                # A binary search each, all in C: where each would be (the last place when
                # past the end), then its count there if it is there.
                last = len(entries) - 1
                at = list(map(min, map(bisect.bisect_left, repeat(entries), numbers), repeat(last)))
                there = map(eq, map(entries.__getitem__, at), numbers)
                found = map(mul, map(counts.__getitem__, at), there)
                total = list(map(add, total, map(mul, found, repeat(times))))
            else:  # each of its entries looked up
                total = list(total)
                for number, count in zip(entries, counts, strict=True):
                    place = position.get(number)
                    if place is not None:
                        total[place] += count * times
        return total

    def one(self, number: int) -> int:
        return self.index.documents[number].count(self.word)


# Past this many distinct words holding a query's part, reading every text is quicker.
VOCABULARY_WORDS = 2000
# Counts come from the postings up to this many of them, else from the texts, lazily.
CHEAP_POSTINGS = 20_000
# Names found one find at a time before the rest are looked at one by one.
NAME_FINDS = 200
# A word of the texts found in at least one text in DENSE_SHARE (and in DENSE_POSTINGS or
# more) also has its counts kept as one byte per entry (`_Index.dense`), and its entries as
# bits: about 8 MB at 10,000 terms, for look-ups that cost the same however many texts have
# the word.
DENSE_SHARE = 16
DENSE_POSTINGS = 64
# The entries of a query word, as bits, are put together from its common words' bits and at
# most this many entries of its rarer words (each makes a new integer as wide as the glossary).
BIT_ENTRIES = 32


def _vocabulary_with(pattern: str, index: _Index) -> list[str] | None:
    """The distinct words of the texts that hold `pattern` ("\n" before or after it: that
    start or end with it), or None when more than VOCABULARY_WORDS do."""
    core = pattern.strip("\n")
    if len(core) >= 3:
        words = [
            word
            for word in map(index.words.__getitem__, _rarest(core, index.word_grams))
            if core in word
            and (pattern[0] != "\n" or word.startswith(core))
            and (pattern[-1] != "\n" or word.endswith(core))
        ]
        return words if len(words) <= VOCABULARY_WORDS else None
    words = []
    vocabulary = index.vocabulary
    size = len(pattern.rstrip("\n"))
    at = vocabulary.find(pattern)
    while at != -1:
        if len(words) == VOCABULARY_WORDS:
            return None
        start = vocabulary.rfind("\n", 0, at + 1) + 1
        end = vocabulary.find("\n", at + size)
        words.append(vocabulary[start:end])
        at = vocabulary.find(pattern, end)
    return words


def _grams(text: str) -> set[str]:
    return {text[at : at + 3] for at in range(len(text) - 2)}


_NONE = array("i")


def _rarest(text: str, grams: dict[str, array[int]]) -> array[int]:
    """Whatever has `text` (three letters or more) is among what has its rarest three."""
    return min((grams.get(gram, _NONE) for gram in _grams(text)), key=len)


def _documents_with(word: str, index: _Index, budget: _Budget) -> set[int] | _Posted:
    """Entries whose text has `word`. A word that starts and ends with a letter or digit is
    looked up in the vocabulary of cores. Otherwise each run of word characters in it is part
    of a word of the text (the whole of one, or the end of one at the start of `word`, or the
    start of one at its end), so the postings of the cores that fit the rarest run hold every
    answer, each then read to be sure. When no run is rare enough, read the texts: a word in
    most of them is found early in each."""
    if _CORE.fullmatch(word):
        texts = _vocabulary_with(word, index)
        if texts is not None:
            return _Posted(texts, index, budget)
        budget.read(len(index.documents))
        return {n for n, document in enumerate(index.documents) if word in document}
    fewest: set[int] | None = None
    for run in _WORD.finditer(word):
        core = run.group().strip(".+-")
        if not core:
            continue
        before = "\n" if run.start() > 0 else ""
        after = "\n" if run.end() < len(word) else ""
        texts = _vocabulary_with(before + core + after, index)
        if texts is None:
            continue
        candidates = _Posted(texts, index, budget).numbers
        if fewest is None or len(candidates) < len(fewest):
            fewest = candidates
    documents = index.documents
    numbers_to_read = range(len(documents)) if fewest is None else sorted(fewest)
    budget.read(len(numbers_to_read))
    return {n for n in numbers_to_read if word in documents[n]}


class _Posted:
    """The entries in the postings of some words of the texts (those that hold a query
    word), kept as the postings until a set of them is asked for: the entries that have two
    common words are found from their bits, or from the rarer one's postings and the other's
    dense counts, with no set of either (see _all_of)."""

    def __init__(self, texts: list[str], index: _Index, budget: _Budget) -> None:
        self.lists: list[array[int]] = []
        self.columns: list[bytes] = []  # the dense counts of those words that have them
        self.bits: list[int] = []  # (and their entries, as bits)
        self.rest: list[array[int]] = []  # the postings of the others
        for text in texts:
            entries = index.postings[text][0]
            budget.look_up(len(entries))
            self.lists.append(entries)
            column = index.dense.get(text)
            if column is None:
                self.rest.append(entries)
            else:
                self.columns.append(column)
                self.bits.append(index.bits[text])
        self.size = sum(map(len, self.lists))  # (an entry in several lists counts in each)

    def all_bits(self) -> int | None:
        """Every entry here as a bit, or None when the words without dense counts have too
        many entries for that to be quicker than a set (setting a bit makes a new integer as
        wide as the glossary)."""
        if not self.bits or sum(map(len, self.rest)) > BIT_ENTRIES:
            return None
        bits = functools.reduce(or_, self.bits)
        for number in chain.from_iterable(self.rest):
            bits |= 1 << number
        return bits

    @functools.cached_property
    def numbers(self) -> set[int]:
        return set(chain.from_iterable(self.lists))

    def __contains__(self, number: object) -> bool:
        return any(column[number] for column in self.columns) or any(
            _posts(entries, number) for entries in self.rest
        )

    def among(self, candidates: list[int]) -> set[int]:
        """Those of `candidates` that are here."""
        if not self.columns:
            return self.numbers.intersection(candidates)
        kept: set[int] = set()
        for column in self.columns:
            kept.update(compress(candidates, map(column.__getitem__, candidates)))
        if self.rest:
            kept.update(set(chain.from_iterable(self.rest)).intersection(candidates))
        return kept


def _members(bits: int) -> list[int]:
    """The entries whose bits are set, in entry order: each found by a search in C of the
    binary digits, from the lowest."""
    digits = bin(bits)  # "0b", then the highest bit first
    last = len(digits) - 1
    members = []
    at = digits.rfind("1", 2)
    while at != -1:
        members.append(last - at)
        at = digits.rfind("1", 2, at)
    return members


def _numbers(found: set[int] | _Posted) -> set[int]:
    return found.numbers if isinstance(found, _Posted) else found


def _all_of(have: list[set[int] | _Posted]) -> set[int] | _Posted:
    """The entries found for every word. Common words: the AND of their bits. Else those
    found for the rarest word, kept where each other word is found too (a look-up in C per
    entry for a common word)."""
    if len(have) == 1:
        return have[0]
    every: list[int] = []
    for found in have:
        bits = found.all_bits() if isinstance(found, _Posted) else None
        if bits is None:
            break
        every.append(bits)
    else:
        return set(_members(functools.reduce(and_, every)))
    rarest, *others = sorted(
        have, key=lambda found: found.size if isinstance(found, _Posted) else len(found)
    )
    if isinstance(rarest, _Posted) and len(rarest.lists) == 1:
        candidates: Iterable[int] = rarest.lists[0]
    else:
        candidates = _numbers(rarest)
    for found in others:
        candidates = list(candidates)
        if isinstance(found, _Posted):
            candidates = found.among(candidates)
        else:
            candidates = found.intersection(candidates)
    return set(candidates)


def _entries_with(text: str, index: _Index) -> list[int]:
    """Entries with `text` in one of their names, in entry order. Three letters or more:
    checked among the entries with its rarest three; else one find per entry that has it,
    or, once it turns out that many have it, a look at each of the rest."""
    parts = index.name_parts
    if len(text) >= 3:
        return [number for number in _rarest(text, index.name_grams) if text in parts[number]]
    names, starts = index.names, index.starts
    numbers = []
    at = names.find(text)
    while at != -1:
        number = bisect.bisect_right(starts, at) - 1
        numbers.append(number)
        if number + 1 == len(starts):
            break
        if len(numbers) == NAME_FINDS:
            rest = range(number + 1, len(starts))
            return numbers + [n for n in rest if text in parts[n]]
        at = names.find(text, starts[number + 1])
    return numbers


def _similar_entries(query: str, index: _Index, budget: _Budget) -> dict[int, float]:
    """Entries with a name (or, for queries of four letters or more, a word of a name) that a
    misspelt query comes near, so "paramters" finds "parameters": entry number → likeness.
    Lengths outside the window cannot reach SIMILAR (difflib's real_quick_ratio bound)."""
    size = len(query)
    shortest = math.ceil(size * SIMILAR / (2 - SIMILAR))
    longest = math.floor(size * (2 - SIMILAR) / SIMILAR)
    # The query is difflib's second sequence: the one it indexes, once.
    matcher: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(None, "", query)
    has = Counter(query)
    best: dict[int, float] = {}
    # A short query is compared with whole names only: word by word it would match too much.
    near = [index.names_near, index.words_near] if size >= 4 else [index.names_near]
    for texts in near:
        for line in _sharing(texts, has, size, shortest, longest):
            text = texts.texts[line]
            if text == query:  # (its entries are exact matches, scored as such)
                continue
            budget.compare()
            matcher.set_seq1(text)
            ratio = matcher.ratio()
            if ratio >= SIMILAR:
                for number in texts.numbers[line]:
                    best[number] = max(best.get(number, 0.0), ratio)
    return best


def _sharing(texts: _Texts, has: Counter[str], size: int, shortest: int, longest: int) -> list[int]:
    """The texts, of a length from `shortest` to `longest`, that share enough characters with
    the query (`has`, `size` long) to reach SIMILAR: difflib's ratio is 2 × matches / (length
    + size), and the matches are at most the characters the two share, counted with repeats.

    Worked out for every text at once, on integers of one bit per text: each (character, nth
    time) the query has adds 1 to the count of the texts that have it too, one bit of the
    count in each integer. Then each text's count is added to 2**width less what it needs (a
    longer text needs more): those that need no more than they share carry past the top."""
    starts = texts.starts
    low = starts[min(shortest, len(starts) - 1)]
    high = starts[min(longest + 1, len(starts) - 1)]
    if low >= high:
        return []
    window = (1 << (high - low)) - 1
    count: list[int] = []  # the counts' bits, lowest first (bit i of each: text low + i)
    for letter, times in has.items():
        for column in texts.letters.get(letter, ())[:times]:
            carry = column >> low & window
            for bit in range(len(count)):
                count[bit], carry = count[bit] ^ carry, count[bit] & carry
                if not carry:
                    break
            else:
                count.append(carry)
    width = max(len(count), math.ceil(SIMILAR * (longest + size) / 2).bit_length())
    count += [0] * (width - len(count))
    offset = [0] * width
    for length in range(shortest, longest + 1):
        first = starts[min(length, len(starts) - 1)]
        end = starts[min(length + 1, len(starts) - 1)]
        if first < end:
            start = (1 << width) - math.ceil(SIMILAR * (length + size) / 2)
            lines = ((1 << (end - first)) - 1) << (first - low)
            for bit in range(width):
                if start >> bit & 1:
                    offset[bit] |= lines
    carry = 0
    for bit in range(width):  # count + offset, a bit at a time: only the carry out is kept
        both = count[bit] ^ offset[bit]
        carry = (count[bit] & offset[bit]) | (carry & both)
    return [low + line for line in _members(carry)]


# Byte tables for bytes.translate: each count capped at k.
_AT_MOST = [bytes(min(value, k) for value in range(256)) for k in range(256)]
