"""The search indexes, made by the databases' own full-text engines.

Every searchable row keeps its words as plain text in its own table (a term's
`search_names` and `search_document`, an FAQ's and a lesson's `search_document`, filled when
the row is saved). The database keeps the index in step with those columns on every write —
the admin, the importer, a bulk insert, a cascade delete or raw SQL alike:

- **SQLite**: two FTS5 tables kept by triggers. `search_text` (porter stemming over
  unicode61) holds each document's names and words; `search_names` (the trigram tokenizer)
  holds names and titles, where typos are looked for. A document's rowid is its row's id × 4
  plus its kind, so one index serves every kind.
- **PostgreSQL**: a stored generated `tsvector` per table with a GIN index (the terms' columns
  come from glossary's migrations), and pg_trgm's GIN indexes on names and titles.

SQLite drops a table's triggers when Django remakes the table in a later migration, so
`ensure_sqlite()` runs after every `migrate` (search/apps.py) and puts back what is missing.
"""

from __future__ import annotations

from typing import Any

KINDS = {"term": 1, "faq": 2, "lesson": 3}
SLOTS = 4  # rowid = id * SLOTS + kind

# (kind, table, names, text): what each kind of document indexes, as SQL over the row `new`.
# A term's search_document starts with its names, which are indexed apart.
SOURCES = [
    (
        "term",
        "glossary_term",
        "new.search_names",
        "substr(new.search_document, length(new.search_names) + 2)",
    ),
    ("faq", "glossary_faq", "new.question", "new.search_document"),
    ("lesson", "learning_lesson", "new.title", "new.search_document"),
]
TRIGRAM_KINDS = {"term", "lesson"}  # names and titles a typo may aim at

SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_text USING fts5("
    "names, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_names USING fts5(names, tokenize = 'trigram')",
    # The words as written (not stemmed), for "did you mean": an index without a copy of the
    # text (contentless), and its vocabulary.
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_words USING fts5("
    "names, body, content = '', tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_vocabulary USING fts5vocab(search_words, 'row')",
]
SQLITE_TABLE_NAMES = ("search_vocabulary", "search_words", "search_names", "search_text")


def _rowid(kind: str, row: str) -> str:
    return f"{row}.id * {SLOTS} + {KINDS[kind]}"


def sqlite_triggers() -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER statement) for every trigger that keeps the indexes in step."""
    triggers = []
    for kind, table, names, body in SOURCES:
        row, gone = _rowid(kind, "new"), _rowid(kind, "old")
        old_names, old_body = names.replace("new.", "old."), body.replace("new.", "old.")
        added = [
            f"INSERT INTO search_text(rowid, names, body) VALUES ({row}, {names}, {body});",
            f"INSERT INTO search_words(rowid, names, body) VALUES ({row}, {names}, {body});",
        ]
        removed = [
            f"DELETE FROM search_text WHERE rowid = {gone};",
            # A contentless table forgets a row when it is told the words the row had.
            "INSERT INTO search_words(search_words, rowid, names, body) "
            f"VALUES ('delete', {gone}, {old_names}, {old_body});",
        ]
        if kind in TRIGRAM_KINDS:
            added.append(
                f"INSERT INTO search_names(rowid, names) VALUES ({_rowid(kind, 'new')}, {names});"
            )
            removed.append(f"DELETE FROM search_names WHERE rowid = {_rowid(kind, 'old')};")
        for event, steps in (
            ("INSERT", added),
            ("UPDATE", removed + added),
            ("DELETE", removed),
        ):
            name = f"search_{kind}_{event.lower()}"
            body_sql = " ".join(steps)
            triggers.append(
                (
                    name,
                    f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} BEGIN {body_sql} END",
                )
            )
    return triggers


def sqlite_fill() -> list[str]:
    """Statements that index every row already there (after the tables are made anew)."""
    statements = [
        "DELETE FROM search_text",
        "DELETE FROM search_names",
        "INSERT INTO search_words(search_words) VALUES ('delete-all')",
    ]
    for kind, table, names, body in SOURCES:
        row_names, row_body = names.replace("new.", ""), body.replace("new.", "")
        for index in ("search_text", "search_words"):
            statements.append(
                f"INSERT INTO {index}(rowid, names, body) "
                f"SELECT id * {SLOTS} + {KINDS[kind]}, {row_names}, {row_body} FROM {table}"
            )
        if kind in TRIGRAM_KINDS:
            statements.append(
                f"INSERT INTO search_names(rowid, names) "
                f"SELECT id * {SLOTS} + {KINDS[kind]}, {row_names} FROM {table}"
            )
    return statements


def ensure_sqlite(connection: Any) -> bool:
    """Make whatever index or trigger is missing, and index every row again if anything was
    (a trigger missing means writes went unindexed). True when something was made."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        wanted = set(SQLITE_TABLE_NAMES) | {name for name, _ in sqlite_triggers()}
        if wanted <= present:
            return False
        for statement in SQLITE_TABLES:
            cursor.execute(statement)
        for _, statement in sqlite_triggers():
            cursor.execute(statement)
        for statement in sqlite_fill():
            cursor.execute(statement)
    return True


POSTGRES_FORWARD = [
    "ALTER TABLE glossary_faq ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, COALESCE(question, '')), 'A')"
    " || to_tsvector('english'::regconfig, COALESCE(search_document, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS glossary_faq_search_vector ON glossary_faq USING gin (search_vector)",
    "ALTER TABLE learning_lesson ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
    " || to_tsvector('english'::regconfig, COALESCE(search_document, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS learning_lesson_search_vector "
    "ON learning_lesson USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS learning_lesson_title_trgm "
    "ON learning_lesson USING gin (title gin_trgm_ops)",
    # For "did you mean": the documents holding a word near a misspelt one.
    "CREATE INDEX IF NOT EXISTS glossary_term_document_trgm "
    "ON glossary_term USING gin (search_document gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS glossary_faq_document_trgm "
    "ON glossary_faq USING gin (search_document gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS learning_lesson_document_trgm "
    "ON learning_lesson USING gin (search_document gin_trgm_ops)",
    # The old engine's "names contain" lookup: nothing reads it now.
    "DROP INDEX IF EXISTS glossary_term_names_upper_trgm",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS glossary_term_names_upper_trgm "
    "ON glossary_term USING gin ((UPPER(search_names::text)) gin_trgm_ops)",
    "DROP INDEX IF EXISTS learning_lesson_document_trgm",
    "DROP INDEX IF EXISTS glossary_faq_document_trgm",
    "DROP INDEX IF EXISTS glossary_term_document_trgm",
    "DROP INDEX IF EXISTS learning_lesson_title_trgm",
    "DROP INDEX IF EXISTS learning_lesson_search_vector",
    "ALTER TABLE learning_lesson DROP COLUMN IF EXISTS search_vector",
    "DROP INDEX IF EXISTS glossary_faq_search_vector",
    "ALTER TABLE glossary_faq DROP COLUMN IF EXISTS search_vector",
]
