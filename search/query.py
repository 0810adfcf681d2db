"""What a reader typed, as the words a search looks for."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
PREFIX_FROM = 3  # the last word also finds longer words from this many letters ("quant")

# Snowball's English stop words, as PostgreSQL's 'english' configuration drops them: both
# engines leave them out, so the two answer the same words.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can did do does doing don down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own s same she should so some such t than that the their theirs
    them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with you your yours yourself
    yourselves""".split()  # noqa: SIM905 - a list a reader can check against Snowball's
)
_WORD = re.compile(r"[^\W_]+")


def normalise(raw: str) -> str:
    """The query as compared with names: NFKC, lower case, one space between its words."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", raw).lower()))


@dataclass(frozen=True)
class Words:
    """The words a text search looks for: no stop words, at most MAX_WORDS, the last one also
    as a prefix when it is long enough. A query of stop words alone ("the") is matched against
    names only: PostgreSQL's text search would drop every word of it, and SQLite's not."""

    text: str  # the normalised query, all its words
    words: tuple[str, ...]
    prefix: bool = True  # whether the last word may also begin a longer one
    stop_words_only: bool = False  # every word was a stop word: no text search is made

    @classmethod
    def parse(cls, raw: str, *, prefix: bool = True) -> Words:
        text = normalise(raw)
        every = text.split()
        kept = [word for word in every if word not in STOP_WORDS]
        return cls(
            text=text,
            words=tuple(dict.fromkeys(kept or every))[:MAX_WORDS],
            prefix=prefix,
            stop_words_only=bool(every) and not kept,
        )

    @property
    def prefix_last(self) -> bool:
        return self.prefix and bool(self.words) and len(self.words[-1]) >= PREFIX_FROM

    def fts5(self, *, every: bool) -> str:
        """An FTS5 query: each word a quoted string, so nothing a reader types is syntax."""
        terms = [f'"{word}"' for word in self.words]
        if self.prefix_last:
            terms[-1] += "*"
        return (" " if every else " OR ").join(terms)

    def tsquery(self, *, every: bool) -> str:
        """A to_tsquery() text: the words are letters and digits only, so none is syntax."""
        terms = list(self.words)
        if self.prefix_last:
            terms[-1] += ":*"
        return (" & " if every else " | ").join(terms)

    def trigrams(self) -> list[str]:
        """The query's three-letter pieces, for the trigram index that finds misspelt names."""
        text = self.text
        return sorted({text[i : i + 3] for i in range(len(text) - 2)})
