"""The two full-text engines behind search, asked the same three questions:

- `text_matches`: the published documents (terms, FAQs, lessons) that have every word of the
  query (or, relaxed, any of them), with the engine's relevance;
- `name_candidates`: published names and titles near the query, from the trigram index, for
  the typo check to compare (search/ranking.py decides what counts as near);
- `snippets`: a passage of each document with the query's words marked.

SQLite answers with FTS5 (search/schema.py), PostgreSQL with tsvector and pg_trgm. Both
return plain values; the ranking rules are written once, in search/ranking.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from search.query import Words, normalise
from search.schema import KINDS, SLOTS

TEXT_LIMIT = 100  # documents a text search ranks; a reader never pages past 60
SQLITE_FETCH = 120  # SQLite ranks drafts too (they are left out after): it fetches more
NAME_LIMIT = 40  # names the typo check compares
MARK, UNMARK = "\x02", "\x03"  # around a matched word in a snippet, before it becomes HTML
SNIPPET_WORDS = 24

KIND_OF = {number: kind for kind, number in KINDS.items()}


@dataclass(frozen=True)
class TextMatch:
    kind: str
    pk: int
    rank: float  # higher is better; compared only within one answer
    names: str  # a term's name and aliases, an FAQ's question, a lesson's title


@dataclass(frozen=True)
class Document:
    """What the results page shows of a document, and what its address is made of."""

    title: str
    slug: str
    parent: str  # an FAQ's term's slug, a lesson's guide's slug
    summary: str  # a term's short definition, a lesson's summary


def _marks(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values)) or "NULL"


class _Rows:
    """The plain SQL both engines share: exact names, and the documents to show."""

    def exact(self, forms: list[str], slug: str) -> list[tuple[str, int]]:
        """Published terms named or aliased as one of `forms` (lower case) or with this slug,
        and published lessons so titled."""
        marks = _marks(forms)
        sql = f"""
            SELECT 'term', t.id FROM glossary_term t
            WHERE t.status = 'published' AND (LOWER(t.name) IN ({marks}) OR t.slug = %s
                OR t.id IN (SELECT a.term_id FROM glossary_alias a
                            WHERE LOWER(a.name) IN ({marks})))
            UNION ALL
            SELECT 'lesson', l.id FROM learning_lesson l JOIN learning_guide g ON g.id = l.guide_id
            WHERE l.status = 'published' AND g.status = 'published' AND LOWER(l.title) IN ({marks})
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*forms, slug, *forms, *forms])
            return [(kind, pk) for kind, pk in cursor.fetchall()]

    def documents(self, found: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Document]:
        """The published ones among `found`, with what the page shows of each."""
        wanted: dict[str, list[int]] = {"term": [], "faq": [], "lesson": []}
        for kind, pk in found:
            if kind in wanted:
                wanted[kind].append(pk)
        if not any(wanted.values()):
            return {}
        terms, faqs, lessons = (_marks(wanted[kind]) for kind in ("term", "faq", "lesson"))
        sql = f"""
            SELECT 'term', t.id, t.name, t.slug, '', t.short_definition FROM glossary_term t
            WHERE t.status = 'published' AND t.id IN ({terms})
            UNION ALL
            SELECT 'faq', f.id, f.question, f.slug, t.slug, '' FROM glossary_faq f
            JOIN glossary_term t ON t.id = f.term_id
            WHERE t.status = 'published' AND f.id IN ({faqs})
            UNION ALL
            SELECT 'lesson', l.id, l.title, l.slug, g.slug, l.summary FROM learning_lesson l
            JOIN learning_guide g ON g.id = l.guide_id
            WHERE l.status = 'published' AND g.status = 'published' AND l.id IN ({lessons})
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*wanted["term"], *wanted["faq"], *wanted["lesson"]])
            rows = cursor.fetchall()
        return {(kind, pk): Document(*rest) for kind, pk, *rest in rows}


# Whether the document with rowid d.rowid is one a reader may see: a published term, an FAQ of
# a published term, a published lesson of a published guide. Looked up row by row through the
# tables' keys, so its cost follows the matches, not the size of the glossary. (%% is SQL's
# modulo, escaped for the parameters.)
_SQLITE_PUBLISHED = f"""
    CASE d.rowid %% {SLOTS}
    WHEN {KINDS["term"]} THEN EXISTS (SELECT 1 FROM glossary_term term
        WHERE term.id = d.rowid / {SLOTS} AND term.status = 'published')
    WHEN {KINDS["faq"]} THEN EXISTS (SELECT 1 FROM glossary_faq faq
        JOIN glossary_term term ON term.id = faq.term_id
        WHERE faq.id = d.rowid / {SLOTS} AND term.status = 'published')
    WHEN {KINDS["lesson"]} THEN EXISTS (SELECT 1 FROM learning_lesson lesson
        JOIN learning_guide guide ON guide.id = lesson.guide_id
        WHERE lesson.id = d.rowid / {SLOTS} AND lesson.status = 'published'
        AND guide.status = 'published')
    END
"""


def _no_text(words: Words, kind: str) -> bool:
    """Nothing to look for: no words, or only calculators wanted (they are not indexed)."""
    return not words.words or bool(kind and kind not in KINDS)


def _sqlite_kind(kind: str) -> str:
    return f"AND d.rowid %% {SLOTS} = {KINDS[kind]}" if kind else ""


class SQLiteEngine(_Rows):
    def text_matches(self, words: Words, *, every: bool, kind: str = "") -> list[TextMatch]:
        if _no_text(words, kind):
            return []
        # bm25 is lower for better matches; the names column weighs ten times the body. Drafts
        # are ranked too and left out by the caller (documents()): asking row by row whether
        # each match is published costs more than ranking it.
        sql = f"""
            SELECT d.rowid, -bm25(search_text, 10.0, 1.0), d.names FROM search_text d
            WHERE search_text MATCH %s {_sqlite_kind(kind)}
            ORDER BY bm25(search_text, 10.0, 1.0) LIMIT {SQLITE_FETCH}
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [words.fts5(every=every)])
            rows = cursor.fetchall()
        return [
            TextMatch(KIND_OF[rowid % SLOTS], rowid // SLOTS, rank, names)
            for rowid, rank, names in rows
        ]

    def text_count(self, words: Words, *, every: bool, kind: str = "") -> int:
        if _no_text(words, kind):
            return 0
        sql = f"""
            SELECT count(*) FROM search_text d
            WHERE search_text MATCH %s {_sqlite_kind(kind)} AND ({_SQLITE_PUBLISHED})
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [words.fts5(every=every)])
            return int(cursor.fetchone()[0])

    def name_candidates(self, words: Words) -> list[tuple[str, int, str]]:
        pieces = words.trigrams()
        if not pieces:
            return []
        sql = f"""
            SELECT d.rowid, d.names FROM search_names d
            WHERE search_names MATCH %s
            ORDER BY rank LIMIT {NAME_LIMIT}
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [" OR ".join(f'"{piece}"' for piece in pieces)])
            rows = cursor.fetchall()
        return [(KIND_OF[rowid % SLOTS], rowid // SLOTS, names) for rowid, names in rows]

    def snippets(
        self, words: Words, found: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], str]:
        rowids = [pk * SLOTS + KINDS[kind] for kind, pk in found if kind in KINDS]
        if not rowids or not words.words:
            return {}
        marks = ", ".join(["%s"] * len(rowids))
        sql = f"""
            SELECT rowid, snippet(search_text, 1, %s, %s, '…', {SNIPPET_WORDS}) FROM search_text
            WHERE search_text MATCH %s AND rowid IN ({marks})
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [MARK, UNMARK, words.fts5(every=False), *rowids])
            rows = cursor.fetchall()
        return {(KIND_OF[rowid % SLOTS], rowid // SLOTS): text for rowid, text in rows}

    def known_word(self, word: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM search_vocabulary WHERE term = %s", [word])
            return cursor.fetchone() is not None

    def words_like(self, word: str) -> list[str]:
        """Words of the documents that could be `word` misspelt: the same first letter and
        a length within two (a typo's first letter is seldom wrong)."""
        sql = """
            SELECT term FROM search_vocabulary WHERE term >= %s AND term < %s
            AND length(term) BETWEEN %s AND %s
        """
        first = word[:1]
        with connection.cursor() as cursor:
            cursor.execute(sql, [first, chr(ord(first) + 1), len(word) - 2, len(word) + 2])
            return [row[0] for row in cursor.fetchall()]


_PG_MATCHES = """
    WITH q AS (SELECT to_tsquery('english', %s) AS q)
    SELECT 'term' AS kind, t.id AS pk,
           10 * ts_rank(t.search_head, q.q) + ts_rank(t.search_vector, q.q) AS rank,
           t.search_names AS names
    FROM glossary_term t, q
    WHERE t.status = 'published' AND t.search_vector @@ q.q
    UNION ALL
    SELECT 'faq', f.id, ts_rank(f.search_vector, q.q), f.question
    FROM glossary_faq f JOIN glossary_term t ON t.id = f.term_id, q
    WHERE t.status = 'published' AND f.search_vector @@ q.q
    UNION ALL
    SELECT 'lesson', l.id, ts_rank(l.search_vector, q.q), l.title
    FROM learning_lesson l JOIN learning_guide g ON g.id = l.guide_id, q
    WHERE l.status = 'published' AND g.status = 'published' AND l.search_vector @@ q.q
"""


class PostgresEngine(_Rows):
    def text_matches(self, words: Words, *, every: bool, kind: str = "") -> list[TextMatch]:
        if _no_text(words, kind):
            return []
        # A term ranks by its names and short definition, ten times over, and its whole text.
        sql = f"""
            SELECT kind, pk, rank, names FROM ({_PG_MATCHES}) AS m
            WHERE %s IN ('', kind) ORDER BY rank DESC LIMIT {TEXT_LIMIT}
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [words.tsquery(every=every), kind])
            rows = cursor.fetchall()
        return [TextMatch(kind, pk, float(rank), names) for kind, pk, rank, names in rows]

    def text_count(self, words: Words, *, every: bool, kind: str = "") -> int:
        if _no_text(words, kind):
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM ({_PG_MATCHES}) AS m WHERE %s IN ('', kind)",
                [words.tsquery(every=every), kind],
            )
            return int(cursor.fetchone()[0])

    def name_candidates(self, words: Words) -> list[tuple[str, int, str]]:
        if len(words.text) < 3:
            return []
        # %> is pg_trgm's word-similarity test, served by the names' trigram index; its
        # threshold is set per connection (config/settings.py).
        sql = f"""
            (SELECT 'term', id, search_names FROM glossary_term
             WHERE status = 'published' AND search_names %%> %s
             ORDER BY word_similarity(%s, search_names) DESC LIMIT {NAME_LIMIT})
            UNION ALL
            (SELECT 'lesson', l.id, l.title FROM learning_lesson l
             JOIN learning_guide g ON g.id = l.guide_id
             WHERE l.status = 'published' AND g.status = 'published' AND l.title %%> %s
             ORDER BY word_similarity(%s, l.title) DESC LIMIT {NAME_LIMIT})
        """
        text = words.text
        with connection.cursor() as cursor:
            cursor.execute(sql, [text, text, text, text])
            return [(kind, pk, names) for kind, pk, names in cursor.fetchall()]

    def snippets(
        self, words: Words, found: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], str]:
        wanted: dict[str, list[int]] = {}
        for kind, pk in found:
            wanted.setdefault(kind, []).append(pk)
        if not words.words or not any(kind in KINDS for kind in wanted):
            return {}
        options = (
            f'StartSel="{MARK}", StopSel="{UNMARK}", MaxWords={SNIPPET_WORDS}, '
            f'MinWords={SNIPPET_WORDS // 2}, MaxFragments=1, FragmentDelimiter=" … "'
        )
        tables = {"term": "glossary_term", "faq": "glossary_faq", "lesson": "learning_lesson"}
        parts: list[str] = []
        params: list[Any] = []
        for kind, pks in wanted.items():
            if kind not in tables:
                continue
            text = (
                "substr(search_document, length(search_names) + 2)"
                if kind == "term"
                else "search_document"
            )
            parts.append(
                f"SELECT '{kind}', id, ts_headline('english', {text}, q.q, %s) "
                f"FROM {tables[kind]}, q WHERE id = ANY(%s)"
            )
            params += [options, pks]
        sql = "WITH q AS (SELECT to_tsquery('english', %s) AS q) " + " UNION ALL ".join(parts)
        with connection.cursor() as cursor:
            cursor.execute(sql, [words.tsquery(every=False), *params])
            return {(kind, pk): text for kind, pk, text in cursor.fetchall()}

    def known_word(self, word: str) -> bool:
        sql = """
            WITH q AS (SELECT plainto_tsquery('english', %s) AS q)
            SELECT EXISTS (SELECT 1 FROM glossary_term, q WHERE search_vector @@ q.q)
                OR EXISTS (SELECT 1 FROM glossary_faq, q WHERE search_vector @@ q.q)
                OR EXISTS (SELECT 1 FROM learning_lesson, q WHERE search_vector @@ q.q)
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [word])
            row = cursor.fetchone()
        return bool(row and row[0])

    def words_like(self, word: str) -> list[str]:
        """Words of a few documents pg_trgm finds holding a word near `word` (by their trigram
        indexes). The first few, not the nearest: ordering every candidate by its similarity
        reads every long text that shares the word's trigrams."""
        sql = """
            (SELECT search_document FROM glossary_term WHERE search_document %%> %s LIMIT 3)
            UNION ALL
            (SELECT search_document FROM glossary_faq WHERE search_document %%> %s LIMIT 3)
            UNION ALL
            (SELECT search_document FROM learning_lesson WHERE search_document %%> %s LIMIT 3)
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [word] * 3)
            texts = [row[0] for row in cursor.fetchall()]
        return sorted({w for text in texts for w in normalise(text).split()})


def engine() -> SQLiteEngine | PostgresEngine:
    """The engine of the database in use."""
    return PostgresEngine() if connection.vendor == "postgresql" else SQLiteEngine()
